"""The demo world: shape, realism, determinism, planted gaming with measurable effects, and the demo sign-ins.

Later features (gaming detection, dashboards) are developed against this world, so these tests pin what they may
rely on: ground truth that matches the data, effects that are visible but not cartoonish, and consistency between
events, invitations and responses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.test import override_settings

from insidetrack.accounts.models import Membership, User
from insidetrack.core.roles import Role
from insidetrack.customers.models import Customer, Ownership, Vehicle
from insidetrack.demo.generator import DEMO_PASSWORD, GenerationError, generate, reset_demo_world
from insidetrack.demo.generator.catalogue import DEMO_DEALER_CODE
from insidetrack.demo.models import PlantedResponse, PlantedScheme, Scheme
from insidetrack.network.models import Dealer, Region
from insidetrack.surveys.models import Invitation, InvitationStatus, OperationalEvent, Response

from .conftest import DEMO_END, DEMO_SCALE, DEMO_SEED, FAST_HASHERS, DemoWorld

pytestmark = pytest.mark.django_db

SKIP_REASONS = {"no_consent", "fleet_or_staff", "contacted_recently", "bounced"}
SURVEYED = ("test_drive", "deposit", "experience_event", "finance_paperwork", "handover", "first_service",
            "service_visit", "ownership_checkin", "repurchase")


def nps(scores: list[int]) -> float:
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return 100.0 * (promoters - detractors) / len(scores)


def share_of_tens(scores: list[int]) -> float:
    return sum(1 for s in scores if s == 10) / len(scores)


def in_quarter_end(moment: dt.datetime) -> bool:
    """The last two weeks of a quarter, as the generator defines them (UTC calendar days)."""
    moment = moment.astimezone(dt.UTC)
    if moment.month not in (3, 6, 9, 12):
        return False
    last = 31 if moment.month in (3, 12) else 30
    return moment.day > last - 14


def scheme_dealers(scheme: str) -> list[PlantedScheme]:
    return list(PlantedScheme.objects.filter(scheme=scheme).select_related("dealer"))


def world_digest() -> str:
    """Hash of every response's visible content, in an order that does not depend on primary keys."""
    digest = hashlib.sha256()
    rows = Response.objects.order_by(
        "dealer__code", "submitted_at", "touchpoint__code", "score", "verbatim",
    ).values_list("touchpoint__code", "dealer__code", "score", "verbatim", "submitted_at", "language",
                  "device_fingerprint")
    for row in rows:
        digest.update(repr(row).encode())
    for model in (Customer, Vehicle, OperationalEvent, Invitation, PlantedResponse):
        digest.update(f"{model.__name__}={model.objects.count()}".encode())
    return digest.hexdigest()


def test_network_and_volumes_have_the_expected_shape(demo_world: DemoWorld) -> None:
    counts = demo_world.report.counts
    assert Region.objects.count() == 6
    assert Dealer.objects.count() == 80
    assert counts["dealers"] == 80
    assert Customer.objects.count() == counts["customers"] == pytest.approx(55_000 * DEMO_SCALE, rel=0.02)
    assert 4_000 <= Response.objects.count() == counts["responses"] <= 6_500
    assert OperationalEvent.objects.count() == counts["events"]
    assert Invitation.objects.count() == counts["invitations"]
    sizes = sorted(Dealer.objects.annotate(n=Count("customers")).values_list("n", flat=True))
    assert sizes[-1] > 4 * sizes[len(sizes) // 2]  # log-normal: flagships are several times the median
    assert set(Dealer.objects.values_list("country", flat=True)) == {"GB", "IE", "DE", "FR", "BE", "LU", "NL", "CH",
                                                                     "AT"}
    assert all(d.email_domain and d.opening_hours and d.time_zone.startswith("Europe/") for d in Dealer.objects.all())


def test_vehicles_have_unique_vins_and_owners_in_step_with_ownership(demo_world: DemoWorld) -> None:
    vins = list(Vehicle.objects.values_list("vin", flat=True))
    assert len(vins) == len(set(vins)) == demo_world.report.counts["vehicles"]
    assert {len(v) for v in vins} == {17}
    assert set(Vehicle.objects.values_list("model", flat=True)) == {"Vela", "Strada", "Corsa", "Volta", "Grande"}
    open_owner = dict(Ownership.objects.filter(ended_on__isnull=True).values_list("vehicle_id", "customer_id"))
    for pk, owner in Vehicle.objects.values_list("pk", "current_owner_id"):
        assert open_owner.get(pk) == owner
    assert Ownership.objects.filter(ended_on__isnull=False).exists()  # some cars were traded in at a repurchase


def test_foreign_keys_hold(demo_world: DemoWorld) -> None:
    tables = [m._meta.db_table for m in (Customer, Vehicle, Ownership, OperationalEvent, Invitation, Response,
                                         PlantedResponse, PlantedScheme, Dealer)]
    connection.check_constraints(table_names=tables)


def test_same_seed_regenerates_the_same_world(demo_world: DemoWorld) -> None:
    first = world_digest()
    reset_demo_world()
    assert not Response.objects.exists()
    assert not Dealer.objects.exists()
    again = generate(seed=DEMO_SEED, scale=DEMO_SCALE, end=DEMO_END)
    assert world_digest() == first
    assert again.counts == demo_world.report.counts


def test_scores_look_like_a_premium_programme(demo_world: DemoWorld) -> None:
    by_touchpoint: dict[str, list[int]] = defaultdict(list)
    for code, score in Response.objects.values_list("touchpoint__code", "score"):
        by_touchpoint[code].append(score)
    network = nps([s for scores in by_touchpoint.values() for s in scores])
    assert 40 <= network <= 65
    per_touchpoint = {code: nps(scores) for code, scores in by_touchpoint.items()}
    assert per_touchpoint["service_visit"] < per_touchpoint["handover"] - 10
    assert max(per_touchpoint, key=per_touchpoint.get) == "experience_event"
    assert set(by_touchpoint) == set(SURVEYED)
    # People who are delighted or upset answer more: the extremes outnumber the middle of the detractor band.
    counts = Counter(s for scores in by_touchpoint.values() for s in scores)
    assert counts[10] > counts[9] > counts[8]
    assert counts[0] > counts[2] and counts[0] > counts[3]
    dealer_nps = [nps(list(Response.objects.filter(dealer=d).values_list("score", flat=True)))
                  for d in Dealer.objects.annotate(n=Count("responses")).filter(n__gte=60)]
    assert max(dealer_nps) - min(dealer_nps) > 25  # dealers differ


def test_response_rates_per_touchpoint_are_between_15_and_40_percent(demo_world: DemoWorld) -> None:
    sent = Invitation.objects.filter(sent_at__isnull=False)
    rates = {}
    for row in sent.values("touchpoint__code").annotate(
            total=Count("pk"), answered=Count("pk", filter=Q(status=InvitationStatus.ANSWERED))):
        rates[row["touchpoint__code"]] = row["answered"] / row["total"]
    assert set(rates) == set(SURVEYED)
    for code, rate in rates.items():
        assert 0.15 <= rate <= 0.40, (code, rate)
    assert max(rates.values()) - min(rates.values()) > 0.08  # they vary by touchpoint


def test_languages_follow_the_dealers(demo_world: DemoWorld) -> None:
    assert set(Response.objects.values_list("language", flat=True)) == {"en", "de", "fr"}
    expected = {"GB": "en", "IE": "en", "DE": "de", "AT": "de", "FR": "fr"}
    for dealer in Dealer.objects.filter(country__in=expected):
        assert dealer.language == expected[dealer.country]
    matching = Customer.objects.filter(language=F("dealer__language")).count()
    assert matching / Customer.objects.count() > 0.9
    assert Customer.objects.exclude(language=F("dealer__language")).exists()  # a few expats
    assert not Response.objects.exclude(language=F("customer__language")).exists()


def test_customers_have_profiles(demo_world: DemoWorld) -> None:
    total = Customer.objects.count()
    consent = Customer.objects.filter(consent_surveys=True).count() / total
    assert 0.88 <= consent <= 0.96
    deal_types = Counter(Customer.objects.values_list("deal_type", flat=True))
    assert 0.04 <= deal_types["fleet"] / total <= 0.10
    assert 0.005 <= deal_types["staff"] / total <= 0.04
    usage_tags = {tag for usage in Customer.objects.values_list("usage", flat=True) for tag in usage}
    assert usage_tags == {"family", "weekend", "track", "commute", "business"}
    assert Customer.objects.exclude(interests=[]).exists()
    assert Customer.objects.exclude(handover_preference="").exists()
    assert Customer.objects.filter(contact_updated_at__isnull=False).exists()


def test_every_skipped_invitation_says_why(demo_world: DemoWorld) -> None:
    skipped = Invitation.objects.filter(status=InvitationStatus.SKIPPED)
    assert set(skipped.values_list("skip_reason", flat=True)) == SKIP_REASONS
    assert not skipped.filter(sent_at__isnull=False).exists()
    assert not Invitation.objects.exclude(status=InvitationStatus.SKIPPED).exclude(skip_reason="").exists()
    sent = Invitation.objects.filter(sent_at__isnull=False)
    assert not sent.filter(Q(contact_hash="") | Q(expires_at__isnull=True)).exists()
    assert set(sent.values_list("delivery_status", flat=True)) == {"delivered", "bounced", "invalid"}
    assert not sent.exclude(delivery_status="delivered").filter(status=InvitationStatus.ANSWERED).exists()
    # One survey per customer per 30 days.
    last_sent: dict[int, dt.datetime] = {}
    for customer, sent_at in sent.order_by("customer_id", "sent_at").values_list("customer_id", "sent_at"):
        if customer in last_sent:
            assert sent_at - last_sent[customer] >= dt.timedelta(days=30)
        last_sent[customer] = sent_at
    # Skipped events are not surveyed, but the event still exists.
    assert not Invitation.objects.filter(event__isnull=True).exists()


def test_responses_and_answered_invitations_match_one_to_one(demo_world: DemoWorld) -> None:
    answered = Invitation.objects.filter(status=InvitationStatus.ANSWERED)
    assert answered.count() == Response.objects.count()
    assert not Response.objects.filter(invitation__isnull=True).exists()
    assert not Response.objects.exclude(invitation__status=InvitationStatus.ANSWERED).exists()
    assert not answered.filter(response__isnull=True).exists()
    mismatched = Response.objects.exclude(
        invitation__answered_at=F("submitted_at"), invitation__dealer=F("dealer"), invitation__customer=F("customer"),
        invitation__touchpoint=F("touchpoint"), invitation__sent_at=F("invited_at"))
    assert not mismatched.exists()
    for invited, opened, submitted, expires in Response.objects.values_list(
            "invited_at", "opened_at", "submitted_at", "invitation__expires_at"):
        assert invited < opened <= submitted < expires
    assert not Response.objects.filter(submitted_at__gte=dt.datetime.combine(DEMO_END, dt.time(), dt.UTC)).exists()
    assert not Invitation.objects.exclude(status=InvitationStatus.ANSWERED).filter(answered_at__isnull=False).exists()


def test_verbatims_and_fingerprints(demo_world: DemoWorld) -> None:
    total = Response.objects.count()
    blank = Response.objects.filter(verbatim="").count() / total
    assert 0.08 <= blank <= 0.16
    assert not Response.objects.filter(Q(network_fingerprint="") | Q(device_fingerprint="")).exists()
    assert {len(f) for f in Response.objects.values_list("device_fingerprint", flat=True)[:200]} == {64}
    assert not Response.objects.filter(vehicle_model="").exists()


def test_demo_sign_ins_have_the_right_roles(demo_world: DemoWorld) -> None:
    dealer = Dealer.objects.get(code=DEMO_DEALER_CODE)
    assert not PlantedScheme.objects.filter(dealer=dealer).exists()
    per_dealer = sorted(Dealer.objects.annotate(n=Count("responses")).values_list("n", flat=True))
    assert Response.objects.filter(dealer=dealer).count() > 1.25 * per_dealer[len(per_dealer) // 2]  # plenty of data
    expected = {
        "hq@insidetrack.demo": (Role.HEAD_OFFICE, None, None, ""),
        "region@insidetrack.demo": (Role.REGION_MANAGER, dealer.region_id, None, ""),
        "principal@insidetrack.demo": (Role.DEALER_PRINCIPAL, None, dealer.pk, ""),
        "service@insidetrack.demo": (Role.DEALER_STAFF, None, dealer.pk, "service"),
    }
    for email, (role, region, dealer_pk, department) in expected.items():
        user = User.objects.get(username=email)
        assert user.email == email
        assert user.check_password(DEMO_PASSWORD)
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.region_id, membership.dealer_id, membership.department) == (
            role, region, dealer_pk, department)
    hq = User.objects.get(username="hq@insidetrack.demo")
    assert hq.is_staff and hq.is_superuser
    assert not User.objects.filter(username="principal@insidetrack.demo", is_staff=True).exists()
    owner = Membership.objects.get(user__username="owner@insidetrack.demo")
    assert owner.role == Role.OWNER
    assert owner.customer.email == "owner@insidetrack.demo"
    assert owner.customer.dealer == dealer
    assert owner.customer.vehicles.exists()
    assert owner.customer.responses.count() >= 3
    assert [s.email for s in demo_world.sign_ins] == [*expected, "owner@insidetrack.demo"]


def test_planted_schemes_are_recorded_with_ground_truth(demo_world: DemoWorld) -> None:
    schemes = list(PlantedScheme.objects.select_related("dealer"))
    assert {s.scheme for s in schemes} == set(Scheme.values)
    assert len({s.dealer_id for s in schemes}) == 6
    assert len(schemes) == 7  # one dealer combines two schemes
    for scheme in schemes:
        assert scheme.description and 0 < scheme.intensity <= 1 and scheme.starts_on < scheme.ends_on
        planted = Response.objects.filter(planted__scheme=scheme)
        assert planted.count() >= 10, scheme
        assert not planted.exclude(dealer=scheme.dealer).exists()
        assert not planted.filter(invited_at__date__lt=scheme.starts_on).exists()
    assert PlantedResponse.objects.count() == demo_world.report.counts["planted_responses"]
    reported = {(p.dealer_code, str(p.scheme)): p.responses for p in demo_world.report.planted}
    actual = {(s.dealer.code, s.scheme): s.responses.count() for s in schemes}
    assert reported == actual
    # Gaming dealers are at most a twelfth of the network.
    assert Response.objects.filter(planted__isnull=False).count() < 0.1 * Response.objects.count()


def _in_period(scheme: PlantedScheme):
    return Response.objects.filter(dealer=scheme.dealer, submitted_at__date__gte=scheme.starts_on,
                                   submitted_at__date__lte=scheme.ends_on)


def test_gaming_dealers_score_high_but_not_perfect(demo_world: DemoWorld) -> None:
    for scheme in PlantedScheme.objects.exclude(scheme=Scheme.QUARTER_END_PUSH).select_related("dealer"):
        score = nps(list(_in_period(scheme).values_list("score", flat=True)))
        assert 65 <= score <= 92, (scheme.dealer.code, scheme.scheme, score)


def test_score_begging_moves_the_middle_to_ten(demo_world: DemoWorld) -> None:
    honest = list(Response.objects.filter(dealer__planted_schemes__isnull=True).values_list("score", flat=True))
    for scheme in scheme_dealers(Scheme.SCORE_BEGGING):
        scores = list(_in_period(scheme).values_list("score", flat=True))
        assert share_of_tens(scores) > share_of_tens(honest) + 0.15
        middle = sum(1 for s in scores if s in (7, 8)) / len(scores)
        honest_middle = sum(1 for s in honest if s in (7, 8)) / len(honest)
        assert middle < honest_middle / 2


def test_freebies_raise_tens_in_the_campaign(demo_world: DemoWorld) -> None:
    honest = list(Response.objects.filter(dealer__planted_schemes__isnull=True).values_list("score", flat=True))
    (scheme,) = scheme_dealers(Scheme.FREEBIES)
    scores = list(_in_period(scheme).values_list("score", flat=True))
    assert share_of_tens(scores) > share_of_tens(honest) + 0.1


def _shared_device_share(dealer: Dealer) -> float:
    """Share of a dealer's responses given on a device that several different customers used."""
    customers_per_device = dict(Response.objects.values("device_fingerprint").annotate(
        n=Count("customer", distinct=True)).values_list("device_fingerprint", "n"))
    devices = list(Response.objects.filter(dealer=dealer).values_list("device_fingerprint", flat=True))
    return sum(1 for d in devices if customers_per_device[d] >= 3) / len(devices)


def test_tablet_dealer_answers_from_one_device_on_its_own_network(demo_world: DemoWorld) -> None:
    (scheme,) = scheme_dealers(Scheme.TABLET)
    responses = Response.objects.filter(dealer=scheme.dealer)
    top_device = Counter(responses.values_list("device_fingerprint", flat=True)).most_common(1)[0][1]
    assert top_device / responses.count() > 0.3
    assert _shared_device_share(scheme.dealer) > 0.3
    honest = Dealer.objects.filter(planted_schemes__isnull=True).annotate(n=Count("responses")).filter(n__gte=50)
    assert max(_shared_device_share(d) for d in honest) < 0.02
    tablet = responses.filter(planted__scheme=scheme)
    assert tablet.values("device_fingerprint").distinct().count() == 1
    assert tablet.values("network_fingerprint").distinct().count() == 1
    for invited, submitted in tablet.values_list("invited_at", "submitted_at"):
        assert submitted - invited <= dt.timedelta(minutes=15)


def _quarter_end_rates(dealer_filter: Q) -> tuple[float, float]:
    buckets = {True: [0, 0], False: [0, 0]}
    for sent_at, status in Invitation.objects.filter(dealer_filter, sent_at__isnull=False,
                                                     delivery_status="delivered").values_list("sent_at", "status"):
        bucket = buckets[in_quarter_end(sent_at)]
        bucket[0] += 1
        bucket[1] += status == InvitationStatus.ANSWERED
    return buckets[True][1] / buckets[True][0], buckets[False][1] / buckets[False][0]


def test_quarter_end_push_spikes_the_response_rate(demo_world: DemoWorld) -> None:
    for scheme in scheme_dealers(Scheme.QUARTER_END_PUSH):
        quarter_end, otherwise = _quarter_end_rates(Q(dealer=scheme.dealer))
        assert quarter_end > otherwise + 0.15, (scheme.dealer.code, quarter_end, otherwise)
    quarter_end, otherwise = _quarter_end_rates(Q(dealer__planted_schemes__isnull=True))
    assert abs(quarter_end - otherwise) < 0.04
    # Quarter ends are busier for everyone: deliveries are pulled forward (legitimately, with normal scores).
    handovers = list(OperationalEvent.objects.filter(touchpoint__code="handover").values_list("occurred_at",
                                                                                              flat=True))
    share = sum(1 for h in handovers if in_quarter_end(h)) / len(handovers)
    assert share > 14 * 4 / 365 * 1.3


def test_contact_substitution_leaves_shared_and_staff_addresses(demo_world: DemoWorld) -> None:
    (scheme,) = scheme_dealers(Scheme.CONTACT_SUBSTITUTION)
    dealer = scheme.dealer
    on_domain = Customer.objects.filter(email__endswith="@" + dealer.email_domain)
    assert on_domain.count() >= 3
    assert not Customer.objects.exclude(dealer=dealer).filter(
        email__endswith="@" + dealer.email_domain).exists()
    shared = (Invitation.objects.exclude(contact_hash="").values("contact_hash")
              .annotate(customers=Count("customer", distinct=True)).filter(customers__gte=4))
    shared_dealers = set(Invitation.objects.filter(contact_hash__in=shared.values("contact_hash"))
                         .values_list("dealer_id", flat=True))
    assert shared_dealers == {dealer.pk}
    for customer in on_domain:
        first = customer.invitations.filter(scheduled_for__gte=customer.contact_updated_at).order_by(
            "scheduled_for").first()
        assert first is not None
        assert dt.timedelta(0) < first.scheduled_for - customer.contact_updated_at <= dt.timedelta(days=2)


def test_generating_twice_is_refused_and_reset_keeps_users_and_head_office(demo_world: DemoWorld) -> None:
    with pytest.raises(GenerationError):
        generate(seed=DEMO_SEED, scale=DEMO_SCALE, end=DEMO_END)
    reset_demo_world()
    assert User.objects.filter(username__endswith="@insidetrack.demo").count() == 5
    assert list(Membership.objects.values_list("user__username", flat=True)) == ["hq@insidetrack.demo"]
    assert not Customer.objects.exists() and not PlantedScheme.objects.exists() and not Region.objects.exists()


def test_demo_command_without_serving_prints_the_sign_ins(demo_world: DemoWorld) -> None:
    output = StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("demo", "--no-serve", stdout=output)
    text = output.getvalue()
    assert "already there" in text  # the world from the fixture is kept
    for sign_in in demo_world.sign_ins:
        assert sign_in.email in text
    assert Membership.objects.filter(user__username__endswith="@insidetrack.demo").count() == 5
