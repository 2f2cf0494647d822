"""Recording referrals and marking them bought: who may, for whom, what is refused (naming the field), and that a
refusal writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from insidetrack.core.actor import Actor
from insidetrack.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from insidetrack.customers.models import Referral, ReferralSource, ReferralStatus
from insidetrack.customers.services import referral_mark_bought, referral_record
from insidetrack.customers.tests.factories import CustomerFactory

NOW = datetime(2030, 6, 12, 12, 0, tzinfo=UTC)

# Who may record a referral for customer A (dealer A's customer, region North), and the error otherwise.
RECORD_FOR_A = {
    "head_office": None,
    "region_manager": None,
    "dealer_principal": None,
    "dealer_staff": None,
    "other_dealer": NotFound,
    "owner": None,  # customer A's own login: through the portal, for themselves
    "anonymous": PermissionDenied,
}


def _record(world, role: str, customer_key: str = "a", **overrides) -> Referral:
    arguments = {"actor": world.actors[role], "referrer_pk": world.customers[customer_key].pk,
                 "referred_name": "  Jamie   Rivera ", "referred_email": "Jamie.Rivera@Example.org", "now": NOW}
    return referral_record(**{**arguments, **overrides})


@pytest.mark.parametrize("role", list(RECORD_FOR_A))
def test_record_for_customer_a_by_role(world, role):
    before = Referral.objects.count()
    expected_error = RECORD_FOR_A[role]
    if expected_error is not None:
        with pytest.raises(expected_error) as caught:
            _record(world, role)
        assert Referral.objects.count() == before
        if expected_error is NotFound:
            assert caught.value.field == "referrer" and caught.value.status == 404
        return
    referral = _record(world, role)
    assert Referral.objects.count() == before + 1
    referral.refresh_from_db()
    assert referral.referrer_id == world.customers["a"].pk
    assert referral.dealer_id == world.dealer_a.pk  # the referrer's dealer, whoever recorded it
    assert referral.brand_id == world.brand.pk
    assert referral.referred_name == "Jamie Rivera"
    assert referral.referred_email == "jamie.rivera@example.org"
    assert referral.status == ReferralStatus.ENQUIRED and referral.bought_at is None
    assert referral.enquired_at == NOW and referral.recorded_at == NOW
    assert referral.recorded_by_id == world.users[role].pk
    assert referral.source == (ReferralSource.PORTAL if role == "owner" else ReferralSource.DEALER)


@pytest.mark.parametrize(("role", "customer_key"), [("other_dealer", "a"), ("dealer_principal", "c"),
                                                    ("dealer_staff", "b"), ("region_manager", "c"), ("owner", "b")])
def test_nobody_records_for_a_customer_outside_their_scope(world, role, customer_key):
    before = Referral.objects.count()
    with pytest.raises(NotFound) as caught:
        _record(world, role, customer_key)
    assert caught.value.field == "referrer"
    assert caught.value.as_dict() == {"code": "not_found", "field": "referrer",
                                      "detail": "No such customer among the ones you look after."}
    assert Referral.objects.count() == before


@pytest.mark.parametrize(("overrides", "field", "detail"), [
    ({"referrer_pk": 987_654}, "referrer", "No such customer among the ones you look after."),
    ({"referred_name": "   "}, "referred_name", "Give the friend's name."),
    ({"referred_name": "x" * 161}, "referred_name", "Please keep the name under 160 characters."),
    ({"referred_email": ""}, "referred_email", "Give the friend's e-mail or phone, so the dealer can reach them."),
    ({"referred_email": "jamie at example"}, "referred_email", "This is not an e-mail address."),
    ({"referred_email": "", "referred_phone": "call me"}, "referred_phone", "This is not a phone number."),
    ({"referred_email": "", "referred_phone": "+44 12"}, "referred_phone", "This is not a phone number."),
    ({"enquired_at": NOW + timedelta(hours=1)}, "enquired_at", "This cannot be in the future."),
    ({"enquired_at": datetime(2030, 6, 1, 12, 0)}, "enquired_at", "Give a date and time with its time zone."),
    ({"source": ReferralSource.DEMO}, "source", "This source is not available to you."),
    ({"note": "n" * 2001}, "note", "Please keep the note under 2,000 characters."),
])
def test_bad_input_is_refused_naming_the_field(world, overrides, field, detail):
    before = Referral.objects.count()
    with pytest.raises((ValidationFailed, NotFound)) as caught:
        _record(world, "dealer_staff", **overrides)
    assert caught.value.field == field
    assert str(caught.value.message) == detail
    assert caught.value.status == (404 if field == "referrer" else 422)
    assert Referral.objects.count() == before


def test_a_phone_alone_is_enough_and_a_friend_can_be_a_customer_already(world):
    by_phone = _record(world, "dealer_staff", referred_email="", referred_phone="+44 7700 900123")
    assert (by_phone.referred_email, by_phone.referred_phone) == ("", "+44 7700 900123")
    friend = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    linked = _record(world, "dealer_staff", referred_email="", referred_customer_pk=friend.pk)
    assert linked.referred_customer_id == friend.pk


def test_the_friend_must_be_someone_else_the_actor_may_see(world):
    with pytest.raises(ValidationFailed) as caught:
        _record(world, "dealer_staff", referred_customer_pk=world.customers["a"].pk)
    assert caught.value.field == "referred_customer"
    with pytest.raises(NotFound) as caught:
        _record(world, "dealer_staff", referred_customer_pk=world.customers["c"].pk)
    assert caught.value.field == "referred_customer"
    assert not Referral.objects.filter(referrer=world.customers["a"], referred_name="Jamie Rivera").exists()


def test_the_same_friend_twice_is_a_conflict(world):
    _record(world, "dealer_staff")
    with pytest.raises(Conflict) as caught:
        _record(world, "dealer_principal", referred_email="JAMIE.rivera@example.org", referred_name="J. Rivera")
    assert (caught.value.status, caught.value.code, caught.value.field) == (409, "duplicate", "referred_email")
    same = Referral.objects.filter(referrer=world.customers["a"], referred_email="jamie.rivera@example.org")
    assert same.count() == 1
    # Another owner may refer the same friend: each referrer's advocacy counts for them.
    assert _record(world, "head_office", "b").referrer_id == world.customers["b"].pk


# --------------------------------------------------------------------------------------------------------------------
# Marking bought

MARK_FOR_A = {
    "head_office": None,
    "region_manager": None,
    "dealer_principal": None,
    "dealer_staff": None,
    "other_dealer": NotFound,
    "owner": PermissionDenied,
    "anonymous": PermissionDenied,
}


@pytest.mark.parametrize("role", list(MARK_FOR_A))
def test_mark_bought_by_role(world, role):
    referral = _record(world, "dealer_staff", enquired_at=NOW - timedelta(days=40))
    bought_at = NOW - timedelta(days=3)
    expected_error = MARK_FOR_A[role]
    if expected_error is not None:
        with pytest.raises(expected_error):
            referral_mark_bought(actor=world.actors[role], referral_pk=referral.pk, bought_at=bought_at, now=NOW)
        referral.refresh_from_db()
        assert (referral.status, referral.bought_at) == (ReferralStatus.ENQUIRED, None)
        return
    marked = referral_mark_bought(actor=world.actors[role], referral_pk=referral.pk, bought_at=bought_at, now=NOW)
    assert (marked.status, marked.bought_at, marked.enquired_at) == (ReferralStatus.BOUGHT, bought_at,
                                                                     NOW - timedelta(days=40))


def test_bought_happens_once_after_the_enquiry_and_can_link_the_new_customer(world):
    staff = world.actors["dealer_staff"]
    referral = _record(world, "dealer_staff", enquired_at=NOW - timedelta(days=10))
    with pytest.raises(ValidationFailed) as caught:
        referral_mark_bought(actor=staff, referral_pk=referral.pk, bought_at=NOW - timedelta(days=11), now=NOW)
    assert caught.value.field == "bought_at"
    with pytest.raises(NotFound) as caught:
        referral_mark_bought(actor=staff, referral_pk=referral.pk, referred_customer_pk=world.customers["c"].pk,
                             now=NOW)
    assert caught.value.field == "referred_customer"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ENQUIRED
    friend = CustomerFactory(dealer=world.dealer_a, brand=world.brand)
    marked = referral_mark_bought(actor=staff, referral_pk=referral.pk, referred_customer_pk=friend.pk, now=NOW)
    assert (marked.status, marked.bought_at, marked.referred_customer_id) == (ReferralStatus.BOUGHT, NOW, friend.pk)
    with pytest.raises(InvalidTransition) as caught:
        referral_mark_bought(actor=world.actors["head_office"], referral_pk=referral.pk, now=NOW + timedelta(days=1))
    assert (caught.value.status, caught.value.field) == (409, "status")
    referral.refresh_from_db()
    assert referral.bought_at == NOW


def test_an_unknown_referral_is_not_found(world):
    with pytest.raises(NotFound) as caught:
        referral_mark_bought(actor=world.actors["head_office"], referral_pk=987_654, now=NOW)
    assert caught.value.field == "referral"


def test_referrals_are_scoped_like_their_referrer(world):
    """Dealer staff see their dealer's referrals, the region its dealers', an owner the ones they made."""
    for key in ("a", "b", "c"):
        _record(world, "head_office", key, referred_email=f"scoped.{key}@example.org")
    mine = {"a", "b", "c"}

    def seen(role: str) -> set[str]:
        names = {world.customers[k].pk: k for k in mine}
        return {names[r.referrer_id] for r in Referral.objects.visible_to(world.actors[role])
                if r.referred_email.startswith("scoped.")}

    assert seen("head_office") == {"a", "b", "c"}
    assert seen("region_manager") == {"a", "b"}
    assert seen("dealer_principal") == seen("dealer_staff") == seen("owner") == {"a"}
    assert seen("other_dealer") == {"c"}
    assert seen("anonymous") == set()
    assert {k for k in mine if Referral.objects.visible_to(Actor.system()).filter(
        referrer=world.customers[k]).exists()} == mine
