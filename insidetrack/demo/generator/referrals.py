"""Referrals for a generated demo world: owners who brought a friend, more often the happier they were.

Runs after the world is written (it reads the journey answers back from the database) and adds ``customers.Referral``
rows with ``source="demo"``. Each journey answer gives its customer a chance to send a friend within the following
year, by the answer's band: promoters far more often than passives, passives more than detractors, all at the low
rates real referral programmes see (a few per cent of owners a year). Some friends go on to buy.

The world already carries the loyalty side: ``repurchase`` events (the deposit on the next car when an owner trades
in), ``service_completed`` events (first and yearly services, repairs, tyre swaps) and the ownerships they create,
so nothing is added for those.

Deterministic: one ``random.Random`` seeded by the run's seed walks the answers in customer and time order, so the
same world gives the same referrals.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from insidetrack.customers.models import DealType, Referral, ReferralSource, ReferralStatus
from insidetrack.surveys.models import Purpose, Response

from . import catalogue
from .people import AddressBook, NameBook

# Chance, per journey answer, that the customer sends a friend who enquires within the following year.
REFERRAL_CHANCE = {"promoter": 0.035, "passive": 0.012, "detractor": 0.004}
# Chance that the friend buys: a friend sent by an enthusiast arrives half-convinced.
PURCHASE_CHANCE = {"promoter": 0.32, "passive": 0.24, "detractor": 0.18}
REFERRAL_WINDOW_DAYS = 365
BATCH_SIZE = 5_000
_LOCALES = {site.code: site.locale for site in catalogue.SITES}
_COUNTRY_LOCALES = {site.country: site.locale for site in reversed(catalogue.SITES)}


def _band(score: int) -> str:
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def _answers(end: dt.datetime) -> Iterator[tuple[int, int, str, str, int, int, dt.datetime]]:
    """Retail customers' journey answers (customer, dealer, dealer code, country, brand, score, when), in customer
    and time order. Fleet and staff customers are never surveyed, so they have none."""
    return (Response.objects.filter(purpose=Purpose.SURVEY, customer__isnull=False, customer__erased_at__isnull=True,
                                    customer__deal_type=DealType.RETAIL, submitted_at__lt=end)
            .order_by("customer_id", "submitted_at", "pk")
            .values_list("customer_id", "customer__dealer_id", "customer__dealer__code", "customer__dealer__country",
                         "customer__brand_id", "score", "submitted_at")
            .iterator(chunk_size=10_000))


def referrals_generate(*, seed: int = 7, end: dt.date | None = None) -> dict[str, int]:
    """Write the demo world's referrals (once: a world that has demo referrals is left alone) and count them.

    ``end`` is the world's last day (exclusive, default today): no friend enquires or buys after it.
    """
    if Referral.objects.filter(source=ReferralSource.DEMO).exists():
        return {"referrals": 0}
    end_day = end or timezone.localdate()
    cutoff = timezone.make_aware(dt.datetime.combine(end_day, dt.time.min))
    rng = random.Random(f"insidetrack-demo-referrals:{seed}")
    names = NameBook(seed)
    addresses = AddressBook(names)
    rows: list[Referral] = []
    written = bought = 0
    with transaction.atomic():
        for customer, dealer, code, country, brand, score, submitted in _answers(cutoff):
            band = _band(score)
            if rng.random() >= REFERRAL_CHANCE[band]:
                continue
            # Most friends come within a few months of the experience that prompted the recommendation.
            delay = dt.timedelta(days=min(REFERRAL_WINDOW_DAYS - 1, rng.expovariate(1 / 90)),
                                 seconds=rng.randrange(8 * 3600, 20 * 3600))
            enquired = submitted + delay
            if enquired >= cutoff:
                continue
            locale = _LOCALES.get(code) or _COUNTRY_LOCALES.get(country, "en_GB")
            pool = names.pool(locale)
            first = rng.choice(pool.first_female if rng.random() < 0.4 else pool.first_male)
            last = rng.choice(pool.last)
            email = addresses.email(rng, first, last, country) if rng.random() < 0.85 else ""
            phone = addresses.phone(rng, country) if not email or rng.random() < 0.5 else ""
            bought_at = None
            if rng.random() < PURCHASE_CHANCE[band]:
                bought_at = enquired + dt.timedelta(days=rng.randint(20, 150), hours=rng.randint(0, 6))
                if bought_at >= cutoff:
                    bought_at = None
            rows.append(Referral(
                brand_id=brand, dealer_id=dealer, referrer_id=customer, referred_name=f"{first} {last}",
                referred_email=email, referred_phone=phone,
                status=ReferralStatus.BOUGHT if bought_at else ReferralStatus.ENQUIRED, enquired_at=enquired,
                bought_at=bought_at, source=ReferralSource.DEMO,
                recorded_at=min(enquired + dt.timedelta(hours=rng.randint(1, 72)), cutoff)))
            bought += bought_at is not None
            if len(rows) >= BATCH_SIZE:
                Referral.objects.bulk_create(rows)
                written += len(rows)
                rows = []
        Referral.objects.bulk_create(rows)
        written += len(rows)
    return {"referrals": written, "referrals_bought": bought}
