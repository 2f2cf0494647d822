"""The dealer network of the demo world: sites, sizes, quality, staff, and which dealers game the survey.

Dealer sizes are log-normal (a few flagship sites sell many times more than a rural one); dealer quality is a
per-department tilt of the score distribution; about one dealer per region plays a gaming scheme whose ground truth
is recorded in ``demo.PlantedScheme``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from django.utils.text import slugify

from insidetrack.demo.models import Scheme

from . import catalogue
from .people import NameBook
from .timeline import WINDOW_DAYS, parse_hours


@dataclass(slots=True)
class SchemePlan:
    """A gaming scheme a dealer plays over a period of the window (days are window days, end exclusive)."""

    scheme: str
    start_day: int
    end_day: int
    intensity: float
    description: str
    pk: int = 0


@dataclass(slots=True)
class DealerPlan:
    """Everything the generator decides about a dealer before writing its customers."""

    pk: int
    region_code: str
    code: str
    name: str
    city: str
    country: str
    language: str
    locale: str
    time_zone: str
    opening_hours: dict[str, list[list[str]]]
    email_domain: str
    size: float
    customers: int = 0
    sales_quality: float = 0.0
    service_quality: float = 0.0
    response_factor: float = 1.0
    staff: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    schemes: list[SchemePlan] = field(default_factory=list)
    hours: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def is_demo(self) -> bool:
        return self.code == catalogue.DEMO_DEALER_CODE


def dealer_count(scale: float) -> int:
    """About 80 dealers up to scale 10; beyond, the network grows slowly rather than each dealer ballooning."""
    if scale <= 10:
        return len(catalogue.SITES)
    return round(len(catalogue.SITES) * (scale / 10) ** 0.3)


def _site_list(count: int) -> list[tuple[catalogue.SiteSpec, str, str]]:
    """(site, display city, code) for ``count`` dealers, cycling the site list with district suffixes."""
    sites = []
    for index in range(count):
        site = catalogue.SITES[index % len(catalogue.SITES)]
        round_ = index // len(catalogue.SITES)
        if round_ == 0:
            sites.append((site, site.city, site.code))
        else:
            suffixes = catalogue.EXTRA_SITE_SUFFIXES[site.language]
            suffix = suffixes[(round_ - 1) % len(suffixes)]
            sites.append((site, f"{site.city} {suffix}", f"{site.code}{round_ + 1}"))
    return sites


def plan_network(*, rng: random.Random, brand_name: str, scale: float, total_customers: int, first_pk: int,
                 names: NameBook) -> list[DealerPlan]:
    """Decide the dealers: names, sizes (log-normal), quality, response habits, staff rosters."""
    brand_word = brand_name.split()[0] if brand_name.split() else brand_name
    dealers: list[DealerPlan] = []
    for offset, (site, city, code) in enumerate(_site_list(dealer_count(scale))):
        hours_key = site.country
        if site.country == "GB" and rng.random() < 0.4:
            hours_key = "GB_SUNDAY"
        tld = catalogue.DOMAIN_SUFFIX[site.country]
        plan = DealerPlan(
            pk=first_pk + offset, region_code=site.region, code=code, name=f"{brand_word} {city}", city=city,
            country=site.country, language=site.language, locale=site.locale,
            time_zone=catalogue.TIME_ZONES[site.country], opening_hours=catalogue.OPENING_HOURS[hours_key],
            email_domain=f"{slugify(brand_word)}-{slugify(city.replace('ü', 'ue').replace('ö', 'oe'))}.{tld}",
            size=rng.lognormvariate(0.0, 0.6),
            sales_quality=rng.gauss(0.0, 0.22),
            response_factor=math.exp(rng.gauss(0.0, 0.12)),
        )
        # Sales and workshop quality are correlated (same management) but not identical.
        plan.service_quality = 0.6 * plan.sales_quality + rng.gauss(0.0, 0.16)
        plan.hours = parse_hours(plan.opening_hours)
        pool = names.pool(site.locale)
        plan.staff = {
            department: [(rng.choice(pool.first_female if rng.random() < 0.4 else pool.first_male),
                          rng.choice(pool.last)) for _ in range(size)]
            for department, size in (("sales", rng.randint(3, 7)), ("service", rng.randint(2, 5)),
                                     ("finance", rng.randint(1, 2)), ("events", 2))
        }
        dealers.append(plan)
    mean_size = sum(d.size for d in dealers) / len(dealers)
    for dealer in dealers:
        if dealer.is_demo:
            # Mid-sized with plenty of data, and average-to-good quality, so the demo sign-ins tell a clear story.
            dealer.size = 1.35 * mean_size
            dealer.sales_quality = 0.12
            dealer.service_quality = 0.02
            dealer.response_factor = 1.05
    total_size = sum(d.size for d in dealers)
    for dealer in dealers:
        dealer.customers = max(1, round(total_customers * dealer.size / total_size))
    return dealers


# Scheme intensities and stories. Effects are real but bounded: a gaming dealer lands around NPS +75 to +85.
_SCHEME_TEXT: dict[str, str] = {
    Scheme.SCORE_BEGGING: (
        "Sales and service staff tell customers that anything below a 10 counts as a fail. Lukewarm customers "
        "(7-9, some 5-6) answer 10 instead, the middle of the distribution goes missing, and some verbatims say "
        "they were asked for a 10."
    ),
    Scheme.QUARTER_END_PUSH: (
        "In the last two weeks of each quarter staff phone customers they know to be happy and push them to answer "
        "the open survey; the response rate spikes with high scores while the rest of the quarter is normal."
    ),
    Scheme.FREEBIES: (
        "Customers are promised a free service, wash or accessory for a 10. Offered customers answer more often "
        "and score 10; many verbatims mention the gift."
    ),
    Scheme.TABLET: (
        "At handover and at the service desk the survey is filled in on the dealer's showroom tablet minutes after "
        "the visit: one device, the dealer's own network, high scores and near-identical verbatims."
    ),
    Scheme.CONTACT_SUBSTITUTION: (
        "Customers' e-mail addresses are replaced shortly before the survey with staff addresses on the dealer's "
        "domain or one private address shared by several customers; staff then answer the surveys themselves."
    ),
}


def plan_schemes(*, rng: random.Random, dealers: list[DealerPlan]) -> list[DealerPlan]:
    """Pick about one gaming dealer per region and give it a scheme (one dealer combines two).

    Gaming dealers are mid-to-large (the effect must be measurable) and of ordinary quality, so that their score
    lift comes from the scheme and not from being a good dealer; the demo sign-in dealer is never one of them.
    """
    sizes = sorted(d.customers for d in dealers)
    median = sizes[len(sizes) // 2]
    by_region: dict[str, list[DealerPlan]] = {}
    for dealer in dealers:
        if dealer.is_demo or dealer.customers < median:
            continue
        by_region.setdefault(dealer.region_code, []).append(dealer)
    assignments = [
        [(Scheme.SCORE_BEGGING, 0.9)],
        [(Scheme.QUARTER_END_PUSH, 0.55)],
        [(Scheme.FREEBIES, 0.75)],
        [(Scheme.TABLET, 0.55)],
        [(Scheme.CONTACT_SUBSTITUTION, 0.35)],
        [(Scheme.SCORE_BEGGING, 0.65), (Scheme.QUARTER_END_PUSH, 0.55)],
    ]
    rng.shuffle(assignments)
    chosen: list[DealerPlan] = []
    for region, schemes in zip(catalogue.REGIONS, assignments, strict=False):
        candidates = sorted(by_region.get(region.code, []), key=lambda d: d.code)
        if not candidates:
            continue
        dealer = rng.choice(candidates)
        # Ordinary quality: the scheme, not the dealer, explains the scores.
        dealer.sales_quality = rng.uniform(0.0, 0.15)
        dealer.service_quality = dealer.sales_quality - rng.uniform(0.0, 0.08)
        for scheme, intensity in schemes:
            dealer.schemes.append(_scheme_plan(rng, scheme, intensity, combined=len(schemes) > 1))
        chosen.append(dealer)
    return chosen


def _scheme_plan(rng: random.Random, scheme: str, intensity: float, *, combined: bool) -> SchemePlan:
    start, end = 0, WINDOW_DAYS
    if scheme == Scheme.SCORE_BEGGING:
        # A new sales manager arrives and starts asking for tens; in a combined dealer, only in the second year.
        start = 300 + rng.randint(0, 60) if combined else 60 + rng.randint(0, 60)
    elif scheme == Scheme.FREEBIES:
        start = 120 + rng.randint(0, 90)
        end = min(WINDOW_DAYS, start + 400 + rng.randint(0, 90))
    elif scheme == Scheme.CONTACT_SUBSTITUTION:
        start = WINDOW_DAYS - 365 - rng.randint(0, 90)
    return SchemePlan(scheme=scheme, start_day=start, end_day=end, intensity=intensity,
                      description=_SCHEME_TEXT[scheme])
