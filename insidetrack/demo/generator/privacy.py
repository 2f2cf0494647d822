"""Personal-data requests for a generated demo world, so head office's queue shows real work and a real audit.

Runs after the world is written and reads it back. It records, through the same services head office uses:
two erasures carried out (customers with answers, verbatims and cases, so the audit shows rows changed in many
sections and the figures they leave behind), a copy sent, a refused erasure, and three requests still open (one
overdue, one due soon, one just in). The customers are drawn from dealers other than the demo sign-ins' dealer,
so the owner portal's customer and the dealer pages people try first are never erased.

Deterministic: one ``random.Random`` seeded by the run's seed, drawing from customers in key order.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q
from django.utils import timezone

from insidetrack.cases.models import Case
from insidetrack.core.actor import Actor
from insidetrack.customers.models import Customer, DealType
from insidetrack.network.models import Brand
from insidetrack.privacy.models import PrivacyRequest, RequestChannel
from insidetrack.privacy.services import privacy_request_create, privacy_request_process, privacy_request_refuse

from .users import demo_dealer

CANDIDATES = 400  # the fallback's pool when few cases qualify
REFUSAL = "The customer has an open legal claim about a repair; the records are kept until it is settled."

#: (kind, days before the end the request came in, what head office did: "process", "refuse" or "" for open)
PLAN: tuple[tuple[str, int, str], ...] = (
    ("erasure", 75, "process"),
    ("export", 60, "process"),
    ("erasure", 52, "refuse"),
    ("erasure", 40, "process"),
    ("erasure", 34, ""),
    ("export", 21, ""),
    ("erasure", 2, ""),
)


def privacy_generate(*, seed: int = 7, end: dt.date | None = None) -> dict[str, int]:
    """Write the demo's personal-data requests (once: a world with requests is left alone)."""
    if PrivacyRequest.objects.exists():
        return {"privacy_requests": 0, "customers_erased": 0}
    brand = Brand.objects.order_by("pk").first()
    if brand is None:
        return {"privacy_requests": 0, "customers_erased": 0}
    end_day = end or timezone.localdate()
    end_at = timezone.make_aware(dt.datetime.combine(end_day, dt.time(10)))
    rng = random.Random(f"insidetrack-demo-privacy:{seed}")
    excluded_dealer = demo_dealer(brand)
    # Customers whose answers had a comment that opened a case: their erasure changes rows in most sections. All of
    # them, not the first few hundred by key, which all belonged to the first dealers generated.
    candidates = list(
        Case.objects.filter(brand=brand, customer__isnull=False, customer__erased_at__isnull=True,
                            customer__deal_type=DealType.RETAIL)
        .exclude(Q(dealer=excluded_dealer) | Q(customer__dealer=excluded_dealer) | Q(response__verbatim="")
                 # The planted gaming and the planted problem stay whole: the integrity queue and the emerging
                 # theme are what the demo shows them for.
                 | Q(dealer__planted_schemes__isnull=False) | Q(customer__responses__planted_problem__isnull=False))
        .order_by("customer_id").values_list("customer_id", flat=True).distinct())
    if len(candidates) < len(PLAN):
        candidates = list(Customer.objects.filter(brand=brand, erased_at__isnull=True)
                          .exclude(dealer=excluded_dealer).order_by("pk").values_list("pk", flat=True)[:CANDIDATES])
    chosen = rng.sample(candidates, k=min(len(PLAN), len(candidates)))
    system = Actor.system()
    head_office = _head_office_actor(brand)
    requests = erased = 0
    for (kind, days_before, outcome), customer_pk in zip(PLAN, chosen, strict=False):
        requested_at = end_at - dt.timedelta(days=days_before, hours=rng.randint(0, 8))
        request = privacy_request_create(actor=system, kind=kind, customer_pk=customer_pk, now=requested_at)
        # Most requests come from the owner portal; the demo marks them as its own so they are told apart.
        PrivacyRequest.objects.filter(pk=request.pk).update(channel=RequestChannel.DEMO)
        requests += 1
        handled_at = requested_at + dt.timedelta(days=rng.randint(3, 12), hours=rng.randint(1, 6))
        if outcome == "process":
            privacy_request_process(actor=head_office, request_pk=request.pk, now=handled_at)
            erased += kind == "erasure"
        elif outcome == "refuse":
            privacy_request_refuse(actor=head_office, request_pk=request.pk, reason=REFUSAL, now=handled_at)
    return {"privacy_requests": requests, "customers_erased": erased}


def _head_office_actor(brand: Brand) -> Actor:
    """Head office as the demo's sign-in if it exists yet, else the platform (the audit then reads "Inside Track")."""
    from insidetrack.accounts.models import Membership
    from insidetrack.accounts.selectors import actor_from_membership
    from insidetrack.core.roles import Role

    membership = Membership.objects.filter(brand=brand, role=Role.HEAD_OFFICE).order_by("pk").first()
    return actor_from_membership(membership) if membership is not None else Actor.system()
