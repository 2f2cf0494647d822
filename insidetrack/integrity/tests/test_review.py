"""Head office's judgement on an alert: the transition table, reasons in the audit trail, and excluded figures."""

from __future__ import annotations

import datetime as dt

import pytest

from insidetrack.analytics.dashboard import DashboardFilters, nps_total
from insidetrack.analytics.models import RolledUpResponse
from insidetrack.analytics.rollups import rollups_update
from insidetrack.analytics.selectors import nps_overall
from insidetrack.core import clock
from insidetrack.core.errors import Conflict, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from insidetrack.integrity import services
from insidetrack.integrity.models import Alert, AlertEvent, AlertStatus, ResponseExclusion
from insidetrack.surveys.models import Response
from insidetrack.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db


def _quarter_start(when: dt.datetime) -> dt.date:
    return dt.date(when.year, (when.month - 1) // 3 * 3 + 1, 1)


@pytest.fixture
def alert(world) -> Alert:
    """Dealer A's current quarter flagged, with five more 10s from its customers (A's customer is A's)."""
    now = clock.now()
    for _ in range(5):
        ResponseFactory(invitation__event__customer=world.customers["a"], score=10, submitted_at=now)
    rollups_update(since=now - dt.timedelta(days=400), now=now + dt.timedelta(hours=1))
    return Alert.objects.create(brand=world.brand, dealer=world.dealer_a, period="2026Q4",
                                period_start=_quarter_start(now), opened_at=now, risk_at_opening=9.5)


def _decide(world, alert, status, reason="", role="head_office"):
    return services.alert_decide(alert_pk=alert.pk, actor=world.actors[role], status=status, reason=reason)


def test_dismissing_needs_a_reason_and_keeps_it_with_who_decided(world, alert):
    with pytest.raises(ValidationFailed, match="Say why"):
        _decide(world, alert, AlertStatus.DISMISSED)
    _decide(world, alert, AlertStatus.DISMISSED, "Quarter-end fleet handover, checked with the dealer's invoices.")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DISMISSED
    assert alert.decided_by == world.users["head_office"]
    event = AlertEvent.objects.get(alert=alert)
    assert (event.kind, event.detail) == ("dismissed", "Quarter-end fleet handover, checked with the dealer's "
                                                       "invoices.")
    assert event.actor_name  # the reviewer's name, kept if the account goes


def test_a_decision_can_be_revisited_but_not_skipped(world, alert):
    _decide(world, alert, AlertStatus.WATCHING)
    _decide(world, alert, AlertStatus.CONFIRMED, "Re-contact: 7 of 10 customers were asked for a 10.")
    with pytest.raises(InvalidTransition, match="Gaming confirmed"):
        _decide(world, alert, AlertStatus.DISMISSED, "changed my mind")
    _decide(world, alert, AlertStatus.OPEN, "The dealer appealed with new evidence.")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN and alert.decided_by is None and alert.decision_reason == ""
    assert list(AlertEvent.objects.filter(alert=alert).values_list("kind", flat=True)) == [
        "watch", "confirmed", "reopened"]


@pytest.mark.parametrize("role", ["region_manager", "dealer_principal", "dealer_staff", "owner"])
def test_only_head_office_reviews(world, alert, role):
    with pytest.raises(PermissionDenied):
        _decide(world, alert, AlertStatus.DISMISSED, "not mine to judge", role=role)
    assert Alert.objects.visible_to(world.actors[role]).count() == 0


def test_another_brand_s_alert_is_not_found(world, alert):
    from insidetrack.journeys.services import brand_setup
    from insidetrack.network.tests.factories import DealerFactory

    other = brand_setup(name="Other Motors")
    foreign = Alert.objects.create(brand=other, dealer=DealerFactory(region__brand=other), period="2026Q4",
                                   period_start=alert.period_start, opened_at=alert.opened_at, risk_at_opening=5)
    with pytest.raises(NotFound):
        services.alert_decide(alert_pk=foreign.pk, actor=world.actors["head_office"], status="watching")


def test_responses_are_excluded_only_after_confirmation_and_leave_every_figure(world, alert):
    head_office = world.actors["head_office"]
    since = clock.now() - dt.timedelta(days=400)
    filters = DashboardFilters.default(today=clock.now().date())
    before_raw = nps_overall(actor=head_office, since=since)
    before_rollups = nps_total(actor=head_office, filters=filters)
    quarter = services.excludable_responses(alert)
    assert len(quarter) >= 5

    with pytest.raises(Conflict, match="Confirm the gaming"):
        services.alert_exclude_responses(alert_pk=alert.pk, actor=head_office)
    _decide(world, alert, AlertStatus.CONFIRMED, "Tablet in the showroom, confirmed by re-contact.")
    excluded = services.alert_exclude_responses(alert_pk=alert.pk, actor=head_office)

    assert excluded == len(quarter)
    assert Response.objects.filter(pk__in=quarter, excluded_at__isnull=False).count() == len(quarter)
    assert not RolledUpResponse.objects.filter(response_id__in=quarter).exists()
    after_raw = nps_overall(actor=head_office, since=since)
    after_rollups = nps_total(actor=head_office, filters=filters)
    assert after_raw.n == before_raw.n - len(quarter)
    assert after_rollups.n == before_rollups.n - len(quarter)
    assert AlertEvent.objects.filter(alert=alert, kind="excluded", data__count=len(quarter)).exists()

    restored = services.alert_restore_responses(alert_pk=alert.pk, actor=head_office, reason="Appeal upheld.")
    assert restored == len(quarter)
    assert nps_total(actor=head_office, filters=filters).n == before_rollups.n
    assert nps_overall(actor=head_office, since=since).n == before_raw.n
    # The history keeps both steps: the exclusions are lifted, not deleted.
    assert ResponseExclusion.objects.filter(alert=alert, lifted_at__isnull=False).count() == len(quarter)
    with pytest.raises(Conflict, match="None of this alert"):
        services.alert_restore_responses(alert_pk=alert.pk, actor=head_office, reason="again")
