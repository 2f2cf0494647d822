"""The frames built from the database carry what the detectors need, and nothing identifying."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from insidetrack.core import clock
from insidetrack.integrity.history import load_history, template_key
from insidetrack.network.models import Dealer
from insidetrack.surveys.models import Response
from insidetrack.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


def _load(world):
    now = clock.now()
    return load_history(brand_id=world.brand.pk, since=now - dt.timedelta(days=800), until=now + dt.timedelta(days=1))


def test_every_journey_response_is_in_the_frame_with_its_dealer_and_score(world):
    loaded = _load(world)
    responses = loaded.history.responses
    expected = dict(Response.objects.filter(brand=world.brand, purpose="survey").values_list("pk", "score"))
    assert dict(zip(responses.response_id.tolist(), responses.score.tolist(), strict=True)) == expected
    dealer_of = dict(Response.objects.filter(brand=world.brand).values_list("pk", "dealer_id"))
    assert [loaded.dealer_ids[d] for d in responses.dealer] == [dealer_of[pk] for pk in responses.response_id]
    network = loaded.history.network
    assert len(network.dealer_names) == len(loaded.dealer_ids) == Dealer.objects.filter(brand=world.brand).count()


def test_answers_from_one_device_share_an_id_and_staff_addresses_are_recognised(world):
    Dealer.objects.filter(pk=world.dealer_a.pk).update(email_domain="aurelia-a.example")
    customer = world.customers["a"]
    customer.email = "sales@Aurelia-A.example"
    customer.save(update_fields=["email"])
    now = clock.now()
    made = [ResponseFactory(invitation__event__customer=customer, device_fingerprint="f" * 64, submitted_at=now,
                            verbatim="Excellent service, thank you very much!") for _ in range(3)]
    loaded = _load(world)
    responses = loaded.history.responses
    rows = np.isin(responses.response_id, [r.pk for r in made])
    assert len(set(responses.device[rows].tolist())) == 1 and responses.device[rows][0] >= 0
    assert responses.contact_is_dealer_domain[rows].all()
    assert len(set(responses.template_group[rows].tolist())) == 1 and responses.template_group[rows][0] >= 0
    others = ~rows & (responses.dealer != responses.dealer[rows][0])
    assert not responses.contact_is_dealer_domain[others].any()


def test_seconds_to_answer_and_contact_changes_are_measured_from_the_invitation(world):
    now = clock.now()
    response = ResponseFactory(invitation__event__customer=world.customers["b"], submitted_at=now,
                               invited_at=now - dt.timedelta(seconds=90))
    customer = world.customers["b"]
    customer.contact_updated_at = now - dt.timedelta(days=2)
    customer.save(update_fields=["contact_updated_at"])
    responses = _load(world).history.responses
    row = int(np.flatnonzero(responses.response_id == response.pk)[0])
    assert responses.seconds_to_answer[row] == pytest.approx(90, abs=1)
    assert responses.days_contact_changed_before_invite[row] == pytest.approx(2 - 90 / 86400, abs=1e-3)


def test_short_or_unique_texts_are_no_template():
    assert template_key(1, "ok!") == ""
    assert template_key(1, "Super service, thank you") == template_key(1, " Super service, thank you!! ")
    assert template_key(1, "Super service, thank you") != template_key(1, "Super service, thank you Anna")
    assert template_key(1, "Super service, thank you") != template_key(2, "Super service, thank you")


def test_an_address_changed_after_the_invitation_is_not_held_against_the_answer(world):
    """Only the current address is kept in clear: an old answer must not inherit a later staff address."""
    Dealer.objects.filter(pk=world.dealer_a.pk).update(email_domain="aurelia-a.example")
    now = clock.now()
    old = ResponseFactory(invitation__event__customer=world.customers["a"], submitted_at=now - dt.timedelta(days=30),
                          invited_at=now - dt.timedelta(days=30, hours=1))
    customer = world.customers["a"]
    customer.email = "sales@aurelia-a.example"
    customer.contact_updated_at = now - dt.timedelta(days=1)
    customer.save(update_fields=["email", "contact_updated_at"])
    recent = ResponseFactory(invitation__event__customer=customer, submitted_at=now,
                             invited_at=now - dt.timedelta(hours=1))
    responses = _load(world).history.responses
    flag = dict(zip(responses.response_id.tolist(), responses.contact_is_dealer_domain.tolist(), strict=True))
    assert flag[recent.pk] is True and flag[old.pk] is False


def _partition(ids: np.ndarray, keys: np.ndarray) -> set[frozenset[int]]:
    """The groups of response ids sharing a dense id (labels differ between the two loaders; groups must not)."""
    groups: dict[int, set[int]] = {}
    for response_id, key in zip(ids.tolist(), keys.tolist(), strict=True):
        if key >= 0:
            groups.setdefault(key, set()).add(response_id)
    return {frozenset(group) for group in groups.values()}


def test_the_postgresql_copy_gives_the_same_frame_as_the_portable_reads(world):
    """The scan reads ten million rows with one binary COPY on PostgreSQL; it must mean what the ORM path means."""
    from django.db import connection

    from insidetrack.integrity import history

    if connection.vendor != "postgresql":
        pytest.skip("the COPY path is PostgreSQL's")
    Dealer.objects.filter(pk=world.dealer_a.pk).update(email_domain="aurelia-a.example")
    now = clock.now()
    customer = world.customers["a"]
    customer.email = "sales@aurelia-a.example"
    customer.contact_updated_at = now - dt.timedelta(days=3)
    customer.save(update_fields=["email", "contact_updated_at"])
    made = [ResponseFactory(invitation__event__customer=customer, submitted_at=now - dt.timedelta(days=i),
                            invited_at=now - dt.timedelta(days=i, minutes=5), device_fingerprint="e" * 64,
                            verbatim="Great team, thank you!" if i % 2 else "  ") for i in range(4)]
    ResponseFactory(invitation__event__customer=world.customers["b"], submitted_at=now, invited_at=None)
    since, until = now - dt.timedelta(days=800), now + dt.timedelta(days=1)
    loaded = load_history(brand_id=world.brand.pk, since=since, until=until)
    dealer_index = {pk: i for i, pk in enumerate(loaded.dealer_ids)}
    touchpoint_index = {pk: i for i, pk in enumerate(loaded.touchpoint_ids)}
    fast = loaded.history.responses
    portable = history._responses_portable(world.brand.pk, since, until, dealer_index, touchpoint_index,
                                           loaded.history.network.dealer_domains)
    order = np.argsort(portable.response_id)
    assert fast.response_id.tolist() == portable.response_id[order].tolist()
    for name in ("dealer", "touchpoint", "day", "score", "contact_is_dealer_domain", "has_verbatim",
                 "incentive_language", "negative_text"):
        assert getattr(fast, name).tolist() == getattr(portable, name)[order].tolist(), name
    for name in ("seconds_to_answer", "days_contact_changed_before_invite"):
        assert np.allclose(getattr(fast, name), getattr(portable, name)[order], equal_nan=True, atol=1e-6), name
    for name in ("customer", "device", "network", "contact", "template_group"):
        assert _partition(fast.response_id, getattr(fast, name)) == _partition(
            portable.response_id, getattr(portable, name)), name
    assert fast.contact_is_dealer_domain.sum() == 4
    # Invitations and events too, compared as sorted rows (the two loaders need not agree on order).
    slow_invitations = history._invitations_portable(world.brand.pk, since, until, dealer_index, touchpoint_index)
    slow_events = history._events_portable(world.brand.pk, since, until, dealer_index, touchpoint_index)
    for fast_frame, slow_frame in ((loaded.history.invitations, slow_invitations),
                                   (loaded.history.events, slow_events)):
        names = [name for name in type(fast_frame).__dataclass_fields__]
        rows = sorted(zip(*(getattr(fast_frame, n).tolist() for n in names), strict=True))
        assert rows == sorted(zip(*(getattr(slow_frame, n).tolist() for n in names), strict=True))
        assert rows
    assert frozenset(r.pk for r in made if r.verbatim.strip()) in _partition(fast.response_id, fast.template_group)


@pytest.mark.django_db(transaction=True)
def test_a_read_split_between_connections_gives_the_frame_one_copy_gives(world, monkeypatch):
    """A big table is read by several connections, each COPYing a range of its pages under one shared snapshot; the
    frame must be the one a single COPY gives, row for row, in id order, even when pages are not in id order."""
    from django.db import connection

    from insidetrack.integrity import history

    if connection.vendor != "postgresql":
        pytest.skip("the split read is PostgreSQL's")
    now = clock.now()
    devices = ["a" * 64, "b" * 64, ""]
    texts = ["Great team, thank you!", "Great team, thank you!!", "ok", "", "The car was not ready when promised."]
    made = [ResponseFactory(invitation__event__customer=world.customers["abc"[i % 3]], score=i % 11,
                            submitted_at=now - dt.timedelta(days=i % 40, minutes=i),
                            invited_at=None if i % 7 == 0 else now - dt.timedelta(days=i % 40, minutes=i + 30),
                            device_fingerprint=devices[i % 3], verbatim=texts[i % 5]) for i in range(120)]
    # Rewritten rows move to later pages: the pages no longer come in id order.
    Response.objects.filter(pk__in=[r.pk for r in made[:10]]).update(verbatim="Great team, thank you!")
    monkeypatch.setattr(history, "SPLIT_FROM_PAGES", 0)
    calls: list[int] = []
    split_copy = history._copy_split
    monkeypatch.setattr(history, "_copy_split", lambda *args: calls.append(args[-1]) or split_copy(*args))
    split = _load(world).history.responses
    monkeypatch.setattr(history, "COPY_PARTS", 1)
    single = _load(world).history.responses
    assert calls == [2]
    assert len(split.response_id) == Response.objects.filter(brand=world.brand, purpose="survey").count()
    assert split.response_id.tolist() == sorted(split.response_id.tolist())
    for name in type(split).__dataclass_fields__:
        fast, one = getattr(split, name), getattr(single, name)
        assert fast.dtype == one.dtype and np.array_equal(fast, one, equal_nan=fast.dtype.kind == "f"), name


def test_events_the_contact_policy_kept_from_the_survey_are_not_counted_as_not_invited(world):
    """A customer surveyed last week, a fleet car, no consent: the policy's doing, not the dealer's; a bounced address
    is the undeliverable signal's, an invitation not yet due nobody's. A missing contact, or no invitation at all,
    still counts against the dealer."""
    from insidetrack.integrity import history
    from insidetrack.surveys.tests.factories import InvitationFactory, OperationalEventFactory

    def dealer_c_events() -> tuple[int, int]:
        loaded = _load(world)
        events = loaded.history.events
        mine = events.dealer == loaded.dealer_ids.index(world.dealer_c.pk)
        return int(mine.sum()), int((~events.invited[mine]).sum())

    events_before, not_invited_before = dealer_c_events()
    customer = world.customers["c"]
    for reason in ("contacted_recently", "fleet_or_staff", "no_consent", "no_rule", "bounced"):
        InvitationFactory(event__customer=customer, status="skipped", skip_reason=reason, sent_at=None)
    InvitationFactory(event__customer=customer, status="pending", sent_at=None)  # its time has not come
    InvitationFactory(event__customer=customer, status="skipped", skip_reason="no_contact", sent_at=None)
    OperationalEventFactory(customer=customer)  # no invitation at all
    InvitationFactory(event__customer=customer)  # sent
    events_after, not_invited_after = dealer_c_events()
    assert (events_after - events_before, not_invited_after - not_invited_before) == (3, 2)
    # The portable read means the same.
    loaded = _load(world)
    now = clock.now()
    portable = history._events_portable(world.brand.pk, now - dt.timedelta(days=800), now + dt.timedelta(days=1),
                                        {pk: i for i, pk in enumerate(loaded.dealer_ids)},
                                        {pk: i for i, pk in enumerate(loaded.touchpoint_ids)})
    events = loaded.history.events
    assert sorted(zip(portable.dealer.tolist(), portable.invited.tolist(), strict=True)) == sorted(
        zip(events.dealer.tolist(), events.invited.tolist(), strict=True))
