"""Rollups: every final journey-survey answer counted exactly once in its cell, kept up to date and rebuildable."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from insidetrack.analytics.models import (
    MonthlyChannelRollup,
    MonthlyModelRollup,
    MonthlyRollup,
    MonthlyTouchpointRollup,
    ResponseRollup,
    RolledUpResponse,
)
from insidetrack.analytics.rollups import rollups_rebuild, rollups_sweep, rollups_update
from insidetrack.core.actor import Actor
from insidetrack.core.tasks import run_sweeps_once
from insidetrack.customers.tests.factories import VehicleFactory
from insidetrack.journeys.models import Touchpoint
from insidetrack.journeys.services import brand_setup
from insidetrack.network.tests.factories import DealerFactory, RegionFactory
from insidetrack.surveys.capture import survey_complete, survey_open, survey_score
from insidetrack.surveys.models import Invitation, InvitationStatus, Purpose, Response
from insidetrack.surveys.tests.factories import InvitationFactory, ResponseFactory
from insidetrack.surveys.tokens import make_token, new_nonce

# 23:40 UTC is already the next day in London (BST): the rollup's day is the UTC date, 14 July.
NOW = dt.datetime(2026, 7, 14, 23, 40, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
SECOND = dt.timedelta(seconds=1)


def cells() -> dict[tuple, int]:
    """The whole rollup as {(day, dealer, touchpoint, model, channel, score): count}.

    Every test reads the rollups through here, so every test also checks that each monthly table the dashboards read
    is exactly the daily cells folded into months, its own keys and NPS bands (no empty monthly cell left behind).
    """
    daily = {(r.day, r.dealer_id, r.touchpoint_id, r.vehicle_model, r.channel, r.score): r.count
             for r in ResponseRollup.objects.all()}
    for model, keys in ((MonthlyRollup, ("touchpoint_id", "vehicle_model", "channel")),
                        (MonthlyTouchpointRollup, ("touchpoint_id",)), (MonthlyModelRollup, ("vehicle_model",)),
                        (MonthlyChannelRollup, ("channel",))):
        positions = {"touchpoint_id": 2, "vehicle_model": 3, "channel": 4}
        folded: dict[tuple, list[int]] = {}
        for key, count in daily.items():
            cell = (key[0].replace(day=1), key[1], *(key[positions[name]] for name in keys))
            bands = folded.setdefault(cell, [0, 0, 0])
            bands[0 if key[5] <= 6 else 1 if key[5] <= 8 else 2] += count
        monthly = {(m.month, m.dealer_id, *(getattr(m, name) for name in keys)): [m.detractors, m.passives,
                                                                                  m.promoters]
                   for m in model.objects.all()}
        assert monthly == folded, model.__name__
    return daily


def expected_cells(responses) -> dict[tuple, int]:
    """A direct GROUP BY of responses, in Python."""
    return dict(Counter((r.submitted_at.astimezone(dt.UTC).date(), r.dealer_id, r.touchpoint_id, r.vehicle_model,
                         r.channel, r.score) for r in responses))


def make_invitation(**kwargs) -> tuple[Invitation, str]:
    defaults = {"token_nonce": new_nonce(), "sent_at": NOW - dt.timedelta(days=1),
                "expires_at": NOW + dt.timedelta(days=13), "event__vehicle": VehicleFactory(model="Aurelia Vento")}
    invitation = InvitationFactory(**{**defaults, **kwargs})
    return invitation, make_token(invitation_pk=invitation.pk, nonce=invitation.token_nonce)


def score(token: str, value: int, at: dt.datetime) -> Response:
    survey_open(token=token, now=at, network="", device="")
    return survey_score(token=token, score=value, network="203.0.113.7", device="UA|en", now=at)


def complete(token: str, at: dt.datetime, capture) -> Response:
    with capture(execute=True):
        return survey_complete(token=token, verbatim="Fine.", answers={}, now=at)


@pytest.mark.django_db
def test_completing_a_survey_adds_exactly_one_count_in_its_cell(django_capture_on_commit_callbacks):
    invitation, token = make_invitation(channel="sms")
    score(token, 7, NOW)
    assert cells() == {}  # a score alone is not final yet
    complete(token, NOW + MINUTE, django_capture_on_commit_callbacks)
    assert cells() == {(dt.date(2026, 7, 14), invitation.dealer_id, invitation.touchpoint_id, "Aurelia Vento", "sms",
                        7): 1}
    rollup = ResponseRollup.objects.get()
    assert rollup.brand_id == invitation.brand_id


@pytest.mark.django_db
def test_changing_the_score_before_completing_leaves_no_trace_of_the_old_one(django_capture_on_commit_callbacks):
    invitation, token = make_invitation()
    score(token, 3, NOW)
    score(token, 9, NOW + MINUTE)
    complete(token, NOW + 2 * MINUTE, django_capture_on_commit_callbacks)
    assert cells() == {(dt.date(2026, 7, 14), invitation.dealer_id, invitation.touchpoint_id, "Aurelia Vento", "email",
                        9): 1}


@pytest.mark.django_db
def test_an_abandoned_score_is_counted_by_the_sweep_after_30_minutes_and_not_before():
    invitation, token = make_invitation()
    score(token, 4, NOW)
    assert rollups_sweep(now=NOW + 30 * MINUTE - SECOND).total == 0
    assert cells() == {}
    assert rollups_sweep(now=NOW + 30 * MINUTE + SECOND).added == 1
    assert cells() == {(dt.date(2026, 7, 14), invitation.dealer_id, invitation.touchpoint_id, "Aurelia Vento", "email",
                        4): 1}
    assert rollups_sweep(now=NOW + 31 * MINUTE).total == 0
    assert sum(cells().values()) == 1


@pytest.mark.django_db
def test_an_abandoned_score_changed_later_moves_to_its_new_cell(django_capture_on_commit_callbacks):
    """The owner comes back after the sweep counted the abandoned 4 (and after midnight UTC): it becomes a 10."""
    invitation, token = make_invitation()
    score(token, 4, NOW)
    rollups_sweep(now=NOW + 31 * MINUTE)
    score(token, 10, NOW + 40 * MINUTE)
    complete(token, NOW + 41 * MINUTE, django_capture_on_commit_callbacks)
    assert cells() == {(dt.date(2026, 7, 15), invitation.dealer_id, invitation.touchpoint_id, "Aurelia Vento", "email",
                        10): 1}
    receipt = RolledUpResponse.objects.get()
    assert (receipt.day, receipt.score) == (dt.date(2026, 7, 15), 10)
    assert rollups_sweep(now=NOW + 2 * dt.timedelta(hours=1)).total == 0


@pytest.mark.django_db
def test_the_receiver_and_the_sweep_count_a_response_once(django_capture_on_commit_callbacks):
    _invitation, token = make_invitation()
    score(token, 8, NOW)
    complete(token, NOW + MINUTE, django_capture_on_commit_callbacks)
    response = Response.objects.get()
    assert rollups_sweep(now=NOW + dt.timedelta(hours=1)).total == 0
    assert rollups_sweep(now=NOW + dt.timedelta(hours=2)).total == 0
    assert rollups_update(response_pks=[response.pk]).total == 0
    assert list(cells().values()) == [1]
    assert RolledUpResponse.objects.count() == 1


@pytest.mark.django_db
def test_a_missed_completion_is_counted_by_the_sweep_at_once():
    """A worker died before counting: the survey is answered, so the next sweep counts it without waiting."""
    response = ResponseFactory(score=6, submitted_at=NOW)
    assert rollups_sweep(now=NOW + MINUTE).added == 1
    assert rollups_sweep(now=NOW + 2 * MINUTE).total == 0
    assert cells() == expected_cells([response])


@pytest.mark.django_db
def test_follow_up_answers_are_never_counted(django_capture_on_commit_callbacks):
    invitation, token = make_invitation(purpose=Purpose.FOLLOW_UP)
    score(token, 2, NOW)
    complete(token, NOW + MINUTE, django_capture_on_commit_callbacks)
    abandoned = ResponseFactory(purpose=Purpose.FOLLOW_UP, score=1, submitted_at=NOW,
                                invitation__status=InvitationStatus.SENT, invitation__purpose=Purpose.FOLLOW_UP)
    assert Response.objects.filter(purpose=Purpose.FOLLOW_UP).count() == 2
    assert rollups_update(response_pks=[invitation.response.pk, abandoned.pk]).total == 0
    assert rollups_sweep(now=NOW + dt.timedelta(hours=1)).total == 0
    assert rollups_rebuild(now=NOW + dt.timedelta(hours=1)).counted == 0
    assert cells() == {}
    assert not RolledUpResponse.objects.exists()


@pytest.mark.django_db
def test_a_deleted_response_is_taken_back_by_the_sweep():
    kept = ResponseFactory(score=9, submitted_at=NOW)
    deleted = ResponseFactory(score=9, submitted_at=NOW, invitation__event__customer__dealer=kept.dealer,
                              invitation__event__customer__brand=kept.brand)
    rollups_sweep(now=NOW + MINUTE)
    assert list(cells().values()) == [2]
    Response.objects.filter(pk=deleted.pk).delete()
    assert rollups_sweep(now=NOW + 2 * MINUTE).removed == 1
    assert cells() == expected_cells([kept])
    Response.objects.filter(pk=kept.pk).delete()
    rollups_sweep(now=NOW + 3 * MINUTE)
    assert cells() == {}  # an empty cell is removed, not kept at zero
    assert not RolledUpResponse.objects.exists()


def _mixed_world() -> tuple[list[Response], list[Response]]:
    """Three dealers, two touchpoints, all scores, days on both sides of midnight UTC; returns (final, not final)."""
    brand = brand_setup(name="Aurelia Motors")
    touchpoints = list(Touchpoint.objects.filter(journey__brand=brand, journey__is_default=True)
                       .order_by("position")[:2])
    region = RegionFactory(brand=brand)
    dealers = [DealerFactory(region=region, brand=brand) for _ in range(3)]
    final = []
    for index in range(66):
        dealer = dealers[index % 3]
        final.append(ResponseFactory(
            invitation__event__customer__dealer=dealer, invitation__event__customer__brand=brand,
            touchpoint=touchpoints[index % 2], score=index % 11, channel="sms" if index % 4 == 0 else "email",
            vehicle_model=("Aurelia GT", "Aurelia Vento", "")[index % 3 if index % 5 else 2],
            submitted_at=NOW - dt.timedelta(days=index % 40, hours=index % 7, minutes=index)))
    # Imported history has no invitation: final.
    final.append(ResponseFactory(invitation=None, customer=None, dealer=dealers[0], brand=brand,
                                 touchpoint=touchpoints[0], score=10, submitted_at=NOW - dt.timedelta(days=90)))
    # Abandoned long ago (never completed): final; scored ten minutes ago: not yet.
    final.append(ResponseFactory(invitation__event__customer__dealer=dealers[1],
                                 invitation__event__customer__brand=brand, invitation__status=InvitationStatus.SENT,
                                 score=5, submitted_at=NOW - dt.timedelta(hours=3)))
    pending = [ResponseFactory(invitation__event__customer__dealer=dealers[2],
                               invitation__event__customer__brand=brand, invitation__status=InvitationStatus.SENT,
                               score=0, submitted_at=NOW - 10 * MINUTE)]
    # Follow-ups never count.
    pending.append(ResponseFactory(invitation__event__customer__dealer=dealers[2],
                                   invitation__event__customer__brand=brand, purpose=Purpose.FOLLOW_UP, score=1,
                                   submitted_at=NOW - dt.timedelta(days=2)))
    return final, pending


@pytest.mark.django_db
def test_rebuild_equals_a_group_by_of_the_final_journey_responses():
    final, _pending = _mixed_world()
    # Whatever was there before (wrong counts, a cell of a day without answers) is replaced.
    rollups_sweep(now=NOW)
    ResponseRollup.objects.filter(pk=ResponseRollup.objects.order_by("pk").values("pk")[:1]).update(count=42)
    stray = ResponseRollup.objects.order_by("pk").first()
    ResponseRollup.objects.create(brand_id=stray.brand_id, day=dt.date(2026, 1, 1), dealer_id=stray.dealer_id,
                                  touchpoint_id=stray.touchpoint_id, vehicle_model="", channel="email", score=3,
                                  count=5)
    report = rollups_rebuild(now=NOW, chunk_months=1)
    assert cells() == expected_cells(final)
    assert sum(cells().values()) == len(final) == report.counted == 68
    assert (report.first_day, report.last_day) == (dt.date(2026, 1, 1), dt.date(2026, 7, 14))
    assert RolledUpResponse.objects.count() == 68
    # The rollup answers the dashboard question exactly as the raw responses do.
    from django.db.models import Count, Q, Sum

    raw = dict(Response.objects.filter(pk__in=[r.pk for r in final]).values_list("dealer_id")
               .annotate(n=Count("pk", filter=Q(score__gte=9))).order_by())
    rolled = dict(ResponseRollup.objects.values_list("dealer_id")
                  .annotate(n=Sum("count", filter=Q(score__gte=9))).order_by())
    assert rolled == raw
    # Rebuilding again, or sweeping now, changes nothing.
    rollups_rebuild(now=NOW)
    assert rollups_sweep(now=NOW).total == 0
    assert cells() == expected_cells(final)


@pytest.mark.django_db
def test_rebuild_since_a_day_leaves_earlier_days_alone():
    final, _pending = _mixed_world()
    rollups_rebuild(now=NOW)
    early = ResponseRollup.objects.filter(day__lt=dt.date(2026, 7, 1)).order_by("pk").first()
    ResponseRollup.objects.filter(pk=early.pk).update(count=99)
    late = ResponseRollup.objects.filter(day__gte=dt.date(2026, 7, 1)).order_by("pk").first()
    ResponseRollup.objects.filter(pk=late.pk).update(count=99)
    report = rollups_rebuild(since=dt.date(2026, 7, 1), now=NOW)
    assert report.first_day == dt.date(2026, 7, 1)
    assert report.counted == len([r for r in final if r.submitted_at >= dt.datetime(2026, 7, 1, tzinfo=dt.UTC)])
    assert ResponseRollup.objects.get(pk=early.pk).count == 99
    expected = expected_cells(final)
    late_key = (late.day, late.dealer_id, late.touchpoint_id, late.vehicle_model, late.channel, late.score)
    # (Read directly: the corrupted early cell deliberately disagrees with its month, which cells() would refuse.)
    assert ResponseRollup.objects.get(day=late.day, dealer_id=late.dealer_id, touchpoint_id=late.touchpoint_id,
                                      vehicle_model=late.vehicle_model, channel=late.channel,
                                      score=late.score).count == expected[late_key]


@pytest.mark.django_db
def test_rebuild_since_a_day_in_mid_month_rebuilds_that_whole_month():
    final, _pending = _mixed_world()
    rollups_rebuild(now=NOW)
    MonthlyRollup.objects.filter(month=dt.date(2026, 7, 1)).update(promoters=500)
    report = rollups_rebuild(since=dt.date(2026, 7, 12), now=NOW)
    assert report.first_day == dt.date(2026, 7, 1)
    assert cells() == expected_cells(final)


@pytest.mark.django_db
def test_the_command_rebuilds_and_reports(monkeypatch):
    from io import StringIO

    from insidetrack.core import clock

    final, _pending = _mixed_world()
    monkeypatch.setattr(clock, "now", lambda: NOW)
    out = StringIO()
    call_command("rollups", "rebuild", stdout=out)
    assert "responses counted" in out.getvalue()
    assert sum(cells().values()) == len(final)
    out = StringIO()
    call_command("rollups", "rebuild", "--since", "2026-07-14", "--chunk-months", "1", stdout=out)
    assert "2026-07-01" in out.getvalue()  # the whole month of the day asked for
    assert cells() == expected_cells(final)


@pytest.mark.django_db
def test_the_sweep_is_registered_with_the_scheduler():
    ResponseFactory(score=10)
    assert run_sweeps_once()["insidetrack.analytics.tasks.rollups_sweep"] == 1
    assert run_sweeps_once()["insidetrack.analytics.tasks.rollups_sweep"] == 0


@pytest.mark.parametrize("role, dealers", [
    ("head_office", {"a", "b", "c"}), ("region_manager", {"a", "b"}), ("dealer_principal", {"a"}),
    ("dealer_staff", {"a"}), ("other_dealer", {"c"}), ("owner", set()), ("anonymous", set()),
])
def test_each_role_sees_exactly_its_dealers_rollups(world, role, dealers):
    rollups_rebuild()
    by_dealer = {world.dealer_a.pk: "a", world.dealer_b.pk: "b", world.dealer_c.pk: "c"}
    assert ResponseRollup.objects.visible_to(Actor.system()).count() == 3
    seen = {by_dealer[r.dealer_id] for r in ResponseRollup.objects.visible_to(world.actors[role])}
    assert seen == dealers


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent upserts need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_lose_no_count_and_count_nothing_twice():
    brand = brand_setup(name="Aurelia Motors")
    dealer = DealerFactory(region=RegionFactory(brand=brand), brand=brand)
    responses = [ResponseFactory(invitation__event__customer__dealer=dealer, invitation__event__customer__brand=brand,
                                 score=10, vehicle_model="Aurelia GT", submitted_at=NOW) for _ in range(40)]
    pks = [r.pk for r in responses]
    # Four workers: two count disjoint halves into the same cell, two more race them over all of it.
    batches = [pks[:20], pks[20:], pks, pks[::-1]]
    barrier = threading.Barrier(len(batches))
    added: list[int] = []
    errors: list[BaseException] = []

    def run(batch: list[int]) -> None:
        try:
            barrier.wait()
            for pk in batch:
                added.append(rollups_update(response_pks=[pk], now=NOW + MINUTE).added)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(added) == 40
    assert list(cells().values()) == [40]
    assert RolledUpResponse.objects.count() == 40
