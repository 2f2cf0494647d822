"""The every-minute sweep across deadlines with a frozen clock: reminders, escalation to the region and to head
office, idempotence, the notices' content, and two sweeps at once on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from insidetrack.cases import services
from insidetrack.cases.models import Case, CaseEvent
from insidetrack.core.tasks import run_sweeps_once

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def cases(world):
    """The world's three cases, all opened at T0: respond by T0+24h; B's and C's resolve by T0+120h."""
    Case.objects.update(opened_at=T0, respond_by=T0 + dt.timedelta(hours=24))
    Case.objects.filter(kind="recovery").update(resolve_by=T0 + dt.timedelta(hours=120))
    return {key: Case.objects.get(customer=world.customers[key]) for key in "abc"}


def sweep(at: dt.datetime, capture) -> services.SweepResult:
    with capture(execute=True):
        return services.cases_sweep(now=at)


def test_reminder_then_region_then_head_office(world, cases, mailoutbox, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    assert sweep(T0 + dt.timedelta(hours=19, minutes=59), capture).total == 0  # nothing due 4 h before yet
    result = sweep(T0 + dt.timedelta(hours=20), capture)
    assert sorted(result.reminded) == sorted(c.pk for c in cases.values())
    reminders = {m.to[0]: m for m in mailoutbox}
    # Dealer A's two people, dealer C's principal; nobody works at dealer B in this world.
    assert sorted(reminders) == ["dealer_principal@example.com", "dealer_staff@example.com",
                                 "other_dealer@example.com"]
    assert reminders["dealer_staff@example.com"].subject == "1 customer is waiting for your answer"
    assert f"/cases/{cases['a'].pk}/" in reminders["dealer_staff@example.com"].body
    mailoutbox.clear()

    # Running again, a minute later or at the same instant, sends nothing twice.
    assert sweep(T0 + dt.timedelta(hours=20), capture).total == 0
    assert sweep(T0 + dt.timedelta(hours=21), capture).total == 0
    assert mailoutbox == []

    # Dealer A reaches its customer in time; B and C miss the deadline.
    services.case_log_call(case_pk=cases["a"].pk, actor=world.actors["dealer_staff"], outcome="reached",
                           now=T0 + dt.timedelta(hours=22))
    result = sweep(T0 + dt.timedelta(hours=24), capture)
    assert sorted(result.escalated_to_region) == sorted([cases["b"].pk, cases["c"].pk])
    region_mail = {m.to[0]: m for m in mailoutbox}
    # Region 1's manager hears about B; region 2 has no manager in this world, so C waits for head office.
    assert list(region_mail) == ["region_manager@example.com"]
    assert "Dealer B" in region_mail["region_manager@example.com"].body
    assert "Dealer C" not in region_mail["region_manager@example.com"].body
    mailoutbox.clear()

    assert sweep(T0 + dt.timedelta(hours=47, minutes=59), capture).total == 0
    result = sweep(T0 + dt.timedelta(hours=48), capture)
    assert sorted(result.escalated_to_head_office) == sorted([cases["b"].pk, cases["c"].pk])
    [head_office_mail] = mailoutbox
    assert head_office_mail.to == ["head_office@example.com"]
    assert head_office_mail.subject == "Escalated to head office: 2 customers still waiting"
    assert sweep(T0 + dt.timedelta(hours=200), capture).total == 0  # level 2 is the top

    b = Case.objects.get(pk=cases["b"].pk)
    assert (b.escalation_level, b.escalated_to_region_at, b.escalated_to_head_office_at) == (
        2, T0 + dt.timedelta(hours=24), T0 + dt.timedelta(hours=48))
    assert list(CaseEvent.objects.filter(case=b).exclude(kind="created").values_list("kind", "data")) == [
        ("reminder", {"deadline": "respond_by"}), ("escalated", {"to": "region"}),
        ("escalated", {"to": "head_office"})]
    a = Case.objects.get(pk=cases["a"].pk)
    assert (a.status, a.escalation_level) == ("closed", 0)


def test_a_contacted_case_escalates_when_its_resolution_is_late(world, cases, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    services.case_log_call(case_pk=cases["c"].pk, actor=world.actors["other_dealer"], outcome="reached",
                           now=T0 + dt.timedelta(hours=1))
    result = sweep(T0 + dt.timedelta(hours=116), capture)  # 4 h before resolve-by
    assert cases["c"].pk in result.reminded
    assert list(CaseEvent.objects.filter(case=cases["c"], kind="reminder").values_list("data", flat=True)) == [
        {"deadline": "resolve_by"}]
    result = sweep(T0 + dt.timedelta(hours=120), capture)
    assert cases["c"].pk in result.escalated_to_region


def test_notices_never_carry_a_score(world, cases, mailoutbox, django_capture_on_commit_callbacks):
    from insidetrack.surveys.models import Response

    Response.objects.filter(pk=cases["c"].response_id).update(verbatim="Paint scratched at handover.")
    sweep(T0 + dt.timedelta(hours=24), django_capture_on_commit_callbacks)
    [dealer_mail] = [m for m in mailoutbox if m.to == ["other_dealer@example.com"]]
    body = dealer_mail.body + dealer_mail.alternatives[0][0]
    assert "Paint scratched at handover." in body and "Call to apologise, listen and put it right" in body
    for leak in ("score", "Score", "NPS", "/10", " 3 "):
        assert leak not in body


def test_the_sweep_is_registered_with_the_scheduler(world, django_capture_on_commit_callbacks):
    from django.utils import timezone

    Case.objects.update(respond_by=timezone.now() + dt.timedelta(days=3))
    assert run_sweeps_once()["insidetrack.cases.tasks.cases_sweep"] == 0
    Case.objects.filter(customer=world.customers["a"]).update(respond_by=timezone.now() + dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert run_sweeps_once()["insidetrack.cases.tasks.cases_sweep"] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent claims need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_claim_each_case_once(mailoutbox):
    from insidetrack.accounts.models import Membership
    from insidetrack.accounts.tests.factories import UserFactory
    from insidetrack.journeys.services import brand_setup
    from insidetrack.network.tests.factories import DealerFactory, RegionFactory
    from insidetrack.surveys.tests.factories import ResponseFactory

    brand = brand_setup(name="Aurelia Motors")
    region = RegionFactory(brand=brand)
    dealers = [DealerFactory(region=region, brand=brand) for _ in range(4)]
    for dealer in dealers:
        Membership.objects.create(user=UserFactory(), role="dealer_principal", brand=brand, dealer=dealer)
    Membership.objects.create(user=UserFactory(), role="region_manager", brand=brand, region=region)
    responses = [ResponseFactory(invitation__event__customer__dealer=dealer, invitation__event__customer__brand=brand,
                                 score=score, submitted_at=T0)
                 for dealer in dealers for score in (2, 5, 8, 10) * 15]
    services.cases_open_for_responses(response_pks=[r.pk for r in responses], now=T0)
    assert Case.objects.count() == 240
    barrier = threading.Barrier(2)
    results: list[services.SweepResult] = []

    def run(at: dt.datetime) -> None:
        try:
            barrier.wait()
            results.append(services.cases_sweep(now=at))
        finally:
            connection.close()

    for at in (T0 + dt.timedelta(hours=20), T0 + dt.timedelta(hours=24)):
        threads = [threading.Thread(target=run, args=(at,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    reminded = [pk for r in results for pk in r.reminded]
    escalated = [pk for r in results for pk in r.escalated_to_region]
    assert len(results) == 4
    assert len(reminded) == len(set(reminded)) == 240
    assert len(escalated) == len(set(escalated)) == 240
    assert CaseEvent.objects.filter(kind="reminder").count() == 240
    assert CaseEvent.objects.filter(kind="escalated").count() == 240
    # Each person is told about each of their cases once, whichever sweep claimed it: the digests' counts add up
    # to 60 reminders per principal (their dealer's cases) and 240 escalations for the region manager.
    import re
    from collections import Counter

    counted: Counter = Counter()
    for message in mailoutbox:
        kind = "escalation" if message.subject.startswith("Escalated") else "reminder"
        counted[(message.to[0], kind)] += int(re.search(r"\d+", message.subject).group())
    principals = Membership.objects.filter(role="dealer_principal").values_list("user__email", flat=True)
    manager = Membership.objects.get(role="region_manager").user.email
    assert counted == Counter({**{(email, "reminder"): 60 for email in principals}, (manager, "escalation"): 240})


def test_a_digest_lists_the_most_urgent_and_links_to_the_rest(world, cases, mailoutbox, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    from insidetrack.cases import notices
    from insidetrack.surveys.tests.factories import ResponseFactory

    monkeypatch.setattr(notices, "DIGEST_LIMIT", 2)
    extra = [ResponseFactory(invitation__event__customer=world.customers["a"], score=10, submitted_at=T0 + dt.timedelta(
        minutes=minutes)) for minutes in (30, 10)]
    services.cases_open_for_responses(response_pks=[r.pk for r in extra], now=T0)
    sweep(T0 + dt.timedelta(hours=21), django_capture_on_commit_callbacks)
    [staff_mail] = [m for m in mailoutbox if m.to == ["dealer_staff@example.com"]]
    assert staff_mail.subject == "3 customers are waiting for your answer"
    listed = [line.split(" · ")[0] for line in staff_mail.body.splitlines() if line.startswith("#")]
    earliest = Case.objects.get(response=extra[1])
    assert listed == [f"#{cases['a'].pk}", f"#{earliest.pk}"]  # respond-by T0+24h, then T0+24h10m
    assert "… and 1 more in your inbox: http://127.0.0.1:8000/cases/" in staff_mail.body
    assert staff_mail.alternatives[0][0].count("<tr") == 2
