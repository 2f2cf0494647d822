"""Erasing a customer removes every personal field and leaves every figure users see exactly as it was."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.db.models.functions import Cast
from django.utils import timezone

from insidetrack.core.actor import Actor

from .conftest import EMAIL, NEEDLES, PHONE

pytestmark = pytest.mark.django_db


def _figures(actor: Actor, now: dt.datetime) -> dict[str, object]:
    """The figures head office reads on the dashboard, feedback, rates, themes and closed-loop pages."""
    from insidetrack.analytics import dashboard, selectors
    from insidetrack.analytics.models import MonthlyRollup
    from insidetrack.cases.measures import closed_loop_measures
    from insidetrack.verbatims.selectors import default_filters, theme_overview

    since = now - dt.timedelta(days=365)
    today = timezone.localdate(now)
    filters = dashboard.DashboardFilters.default(today=today)
    overview = theme_overview(actor=actor, filters=default_filters(today=today))
    nps_dealers = selectors.nps_by(actor=actor, since=since, key="dealer__code", label="dealer__name")
    nps_touchpoints = selectors.nps_by_touchpoint(actor=actor, since=since)
    return {
        "nps_overall": selectors.nps_overall(actor=actor, since=since),
        "nps_by_dealer": [(g.key, g.estimate, g.estimate.nps, g.estimate.interval) for g in nps_dealers],
        "nps_by_touchpoint": [(g.key, g.estimate, g.estimate.nps, g.estimate.interval) for g in nps_touchpoints],
        "dashboard_dealers": dashboard.nps_breakdown(actor=actor, filters=filters, by="dealer"),
        "dashboard_touchpoints": dashboard.nps_breakdown(actor=actor, filters=filters, by="touchpoint"),
        "dashboard_rate": dashboard.response_rate(actor=actor, filters=filters),
        "response_rate": selectors.response_rate(actor=actor, since=since),
        "rollups": sorted(MonthlyRollup.objects.values_list("month", "dealer_id", "touchpoint_id", "channel",
                                                            "detractors", "passives", "promoters")),
        "themes": [(s.theme.code, s.count, s.sentiment) for s in overview.themes],
        "theme_total": (overview.analysed, overview.sentiment),
        "closed_loop": closed_loop_measures(actor=actor, now=now),
    }


def _text_columns() -> list[tuple[type[models.Model], str]]:
    """Every text-holding column of every table (char, text, e-mail, JSON), to search for what must be gone."""
    columns = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField) or (
                    isinstance(field, SearchVectorField) and connection.vendor == "postgresql"):
                columns.append((model, field.attname))
    return columns


def _found(needle: str) -> list[str]:
    """Where a value still occurs: "app.Model.column" for each column holding it (case-insensitive)."""
    hits = []
    for model, column in _text_columns():
        queryset = model._base_manager.annotate(_as_text=Cast(column, models.TextField()))
        if queryset.filter(_as_text__icontains=needle).exists():
            hits.append(f"{model._meta.label}.{column}")
    return sorted(hits)


def test_erasure_removes_every_personal_field_and_keeps_every_figure(world, erasable) -> None:
    """The figures of the dashboard, feedback, rates, themes and closed-loop pages before and after, and every text
    column of every table searched for the person's name, contacts, words and identifiers (on PostgreSQL the
    full-text documents too)."""
    from insidetrack.analytics.rollups import rollups_rebuild, rollups_sweep
    from insidetrack.privacy.services import personal_data_erase

    rollups_rebuild()
    actor = world.actors["head_office"]
    now = timezone.now()
    before = _figures(actor, now)
    assert {needle: _found(needle) for needle in (EMAIL, PHONE, "Quillfeather")} == {
        EMAIL: ["customers.Customer.email", "customers.Referral.referred_email"],
        PHONE: ["cases.CaseEvent.detail", "customers.Customer.phone", "customers.Referral.referred_phone"],
        "Quillfeather": ["cases.Case.resolution", "cases.Case.urgent_reason", "cases.CaseEvent.data",
                         "cases.CaseEvent.detail", "surveys.Response.verbatim",
                         "verbatims.VerbatimAnalysis.flag_phrases"],
    }

    rows = personal_data_erase(customer_pk=erasable.customer.pk, now=timezone.now())

    rollups_sweep()
    assert _figures(actor, now) == before
    assert {needle: _found(needle) for needle in NEEDLES} == {needle: [] for needle in NEEDLES}
    assert rows["profile"] == 1
    assert rows["vehicles"] == 3  # the car, the check-in note, the handover plan's copied preference
    assert rows["referrals"] == 2  # the friend in the referral made, this person named in the friend's
    assert rows["surveys"] == 3 + 3 + 3  # three verbatims, three invitations' hash and link, three event refs
    assert rows["integrity"] == 1 + 3  # the re-contact note, three answers' fingerprints
    assert rows["experience_events"] == 1
    # The flagged phrases, and on PostgreSQL the full-text documents too.
    assert rows["verbatim_analysis"] == (6 if connection.vendor == "postgresql" else 3)

    customer = type(erasable.customer).objects.get(pk=erasable.customer.pk)
    assert customer.erased_at is not None
    assert (customer.first_name, customer.last_name, customer.email, customer.phone) == ("", "", "", "")
    assert (customer.consent_surveys, customer.consent_marketing, customer.consent_connected_car) == (
        False, False, False)
    # The rows statistics count are all still there, with their figures.
    assert sorted(customer.responses.values_list("score", flat=True)) == [3, 6, 10]
    assert customer.cases.count() == 3
    assert customer.invitations.filter(status="answered").count() == 3


def test_erasure_is_idempotent(world, erasable) -> None:
    from insidetrack.privacy.services import personal_data_erase

    first_at = timezone.now() - dt.timedelta(hours=1)
    first = personal_data_erase(customer_pk=erasable.customer.pk, now=first_at)
    second = personal_data_erase(customer_pk=erasable.customer.pk, now=timezone.now())

    assert sum(first.values()) > 0
    assert second == {key: 0 for key in first}
    assert type(erasable.customer).objects.get(pk=erasable.customer.pk).erased_at == first_at


def test_the_friend_referred_keeps_their_own_data(world, erasable) -> None:
    from insidetrack.privacy.services import personal_data_erase

    personal_data_erase(customer_pk=erasable.customer.pk, now=timezone.now())

    friend = type(erasable.friend_customer).objects.get(pk=erasable.friend_customer.pk)
    assert (friend.first_name, friend.erased_at) == ("Friendly", None)


def test_an_erased_customer_is_no_longer_surveyed(world, erasable) -> None:
    """A survey that was waiting to go out is skipped when its time comes, and a new event invites nobody."""
    from insidetrack.privacy.services import personal_data_erase
    from insidetrack.surveys.models import Invitation, InvitationStatus
    from insidetrack.surveys.services import invitations_send_due
    from insidetrack.surveys.tests.factories import InvitationFactory

    pending = InvitationFactory(event__customer=erasable.customer, status=InvitationStatus.PENDING, sent_at=None,
                                scheduled_for=timezone.now() - dt.timedelta(minutes=5))
    personal_data_erase(customer_pk=erasable.customer.pk, now=timezone.now())

    invitations_send_due(now=timezone.now())

    pending = Invitation.objects.get(pk=pending.pk)
    assert (pending.status, pending.sent_at) == (InvitationStatus.SKIPPED, None)


def test_an_erased_customer_is_not_invited_to_events(world, erasable) -> None:
    from insidetrack.customers.models import Customer
    from insidetrack.privacy.services import personal_data_erase

    personal_data_erase(customer_pk=erasable.customer.pk, now=timezone.now())

    assert not Customer.objects.filter(pk=erasable.customer.pk, erased_at__isnull=True).exists()
    # The event rule and the hand invitation both read only customers with erased_at empty (journeys services).
    from insidetrack.core.errors import ValidationFailed
    from insidetrack.journeys import services_events
    from insidetrack.journeys.models import ExperienceEvent

    event = ExperienceEvent.objects.get(title="Track day")
    with pytest.raises(ValidationFailed, match=r"Only customers of Dealer A can be invited\."):
        services_events.event_invite(actor=world.actors["dealer_principal"], event_pk=event.pk,
                                     customer_pks=[erasable.customer.pk])


def test_export_of_an_erased_customer_says_so(world, erasable) -> None:
    from insidetrack.privacy.services import personal_data_erase, personal_data_export

    now = timezone.now()
    personal_data_erase(customer_pk=erasable.customer.pk, now=now)

    document = personal_data_export(customer_pk=erasable.customer.pk)

    assert document["erased_at"] == now.isoformat()
    assert document["sections"] == []
    assert document["notice"] == "This person's data was erased; only anonymous figures are kept."


def test_an_erased_customer_is_no_longer_notified_about_their_car(world, erasable) -> None:
    """Readings for the car arrive after the erasure: none is stored, so no rule notifies anyone."""
    from insidetrack.connected import services as connected
    from insidetrack.connected.models import Notification, TelemetryEvent
    from insidetrack.customers.models import Customer

    Customer.objects.filter(pk=erasable.customer.pk).update(consent_connected_car=True)
    provider, _token = connected.provider_create(actor=world.actors["head_office"], name="Telematics")
    connected.rules_seed_defaults(brand_id=world.brand.pk)
    reading = {"vin": "WZX00000000000001", "occurred_at": timezone.now().isoformat(), "type": "tyre_pressure",
               "unit": "kPa", "front_left": 150, "front_right": 230, "rear_left": 235, "rear_right": 235}
    before = connected.telemetry_ingest(provider=provider, events=[reading | {"event_id": "before"}])
    assert len(before.accepted) == 1
    personal_data_erase_now(erasable.customer.pk)

    after = connected.telemetry_ingest(provider=provider, events=[reading | {"event_id": "after"}])

    assert [row["code"] for row in after.rejected] == ["unknown_vin"]
    # The reading from before stays as a count, without its values; the one after was never stored.
    assert list(TelemetryEvent.objects.values_list("provider_event_id", "payload")) == [("before", {})]
    connected.events_evaluate(event_pks=list(TelemetryEvent.objects.values_list("pk", flat=True)))
    assert list(Notification.objects.filter(customer_id=erasable.customer.pk).values_list("title", "body")) in (
        [], [("", "")])


def personal_data_erase_now(customer_pk: int) -> dict[str, int]:
    from insidetrack.privacy.services import personal_data_erase

    return personal_data_erase(customer_pk=customer_pk, now=timezone.now())
