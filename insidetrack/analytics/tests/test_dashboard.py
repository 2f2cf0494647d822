"""The NPS dashboard: reads over the monthly rollups, the funnel plot, the page per role, drill-down to verbatims."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.db.models import F
from django.urls import reverse

from insidetrack.analytics import dashboard
from insidetrack.analytics.dashboard import DashboardFilters
from insidetrack.analytics.models import (
    MonthlyChannelRollup,
    MonthlyModelRollup,
    MonthlyRollup,
    MonthlyTouchpointRollup,
)
from insidetrack.analytics.rollups import rollups_rebuild
from insidetrack.core.errors import ValidationFailed
from insidetrack.core.tests.pages import client_for, tables_of
from insidetrack.journeys.models import Touchpoint
from insidetrack.surveys.tests.factories import ResponseFactory

JUNE = dt.date(2026, 6, 1)
TODAY = dt.date(2026, 7, 15)


def cell(world, dealer, month, counts, *, touchpoint="handover", model="Aurelia Vento", channel="email"):
    """One full-grain monthly cell, added to the coarser monthly tables too (as the rollups' statements do)."""
    touchpoint = Touchpoint.objects.get(code=touchpoint)
    common = {"brand": world.brand, "dealer": dealer, "month": month}
    for model_class, keys in ((MonthlyRollup, {"touchpoint": touchpoint, "vehicle_model": model, "channel": channel}),
                              (MonthlyTouchpointRollup, {"touchpoint": touchpoint}),
                              (MonthlyModelRollup, {"vehicle_model": model}),
                              (MonthlyChannelRollup, {"channel": channel})):
        row, _created = model_class.objects.get_or_create(**common, **keys)
        model_class.objects.filter(pk=row.pk).update(detractors=F("detractors") + counts[0],
                                                     passives=F("passives") + counts[1],
                                                     promoters=F("promoters") + counts[2])


@pytest.fixture
def figures(world):
    """June and July 2026: A (6, 12, 18) at handover; B (10, 5, 5) service by SMS; C (1, 1, 8) in region 2."""
    for model_class in (MonthlyRollup, MonthlyTouchpointRollup, MonthlyModelRollup, MonthlyChannelRollup):
        model_class.objects.all().delete()  # the world's own three responses are not rolled up here
    cell(world, world.dealer_a, JUNE, (2, 4, 6))
    cell(world, world.dealer_a, dt.date(2026, 7, 1), (4, 8, 12))
    cell(world, world.dealer_b, JUNE, (10, 5, 5), touchpoint="service_visit", model="Aurelia Strada", channel="sms")
    cell(world, world.dealer_c, JUNE, (1, 1, 8))
    cell(world, world.dealer_c, dt.date(2025, 6, 1), (0, 0, 9))  # a year earlier: outside the default period
    return world


def period(**kwargs) -> DashboardFilters:
    return DashboardFilters(first_month=dt.date(2026, 6, 1), last_month=dt.date(2026, 7, 1), **kwargs)


def test_filters_default_to_the_last_twelve_months_and_name_a_malformed_month():
    default = DashboardFilters.default(today=TODAY)
    assert (default.first_month, default.last_month) == (dt.date(2025, 8, 1), dt.date(2026, 7, 1))
    parsed = DashboardFilters.from_query({"from": "2026-01", "to": "2026-03", "model": "Vento"}, today=TODAY)
    assert (parsed.first_month, parsed.last_day, parsed.vehicle_model) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31),
                                                                           "Vento")
    assert parsed.previous_period().months == [dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1)]
    with pytest.raises(ValidationFailed) as error:
        DashboardFilters.from_query({"from": "June"}, today=TODAY)
    assert error.value.field == "from"
    with pytest.raises(ValidationFailed):
        DashboardFilters.from_query({"from": "2026-05", "to": "2026-04"}, today=TODAY)


def test_totals_trend_and_breakdowns_add_up_the_cells(figures):
    actor = figures.actors["head_office"]
    total = dashboard.nps_total(actor=actor, filters=period())
    assert (total.detractors, total.passives, total.promoters) == (17, 18, 31)
    trend = dashboard.nps_trend(actor=actor, filters=period())
    assert [(row.label, row.estimate.n) for row in trend] == [("2026-06", 42), ("2026-07", 24)]
    # The worked check of the issue: (6, 12, 18) is NPS 33.33 with a standard error of 12.42 points.
    dealer_a = next(r for r in dashboard.nps_breakdown(actor=actor, filters=period(), by="dealer")
                    if r.label == "Dealer A")
    assert round(dealer_a.estimate.nps, 2) == 33.33 and round(dealer_a.estimate.standard_error, 2) == 12.42
    by_region = dashboard.nps_breakdown(actor=actor, filters=period(), by="region")
    assert [(r.label, r.estimate.n) for r in by_region] == [("North", 56), ("South", 10)]
    by_model = dashboard.nps_breakdown(actor=actor, filters=period(), by="model")
    assert [(r.label, r.estimate.n, r.drill["model"]) for r in by_model] == [
        ("Aurelia Strada", 20, "Aurelia Strada"), ("Aurelia Vento", 46, "Aurelia Vento")]
    by_quarter = dashboard.nps_breakdown(actor=actor, filters=period(), by="quarter")
    assert [(r.label, r.estimate.n, r.drill["from"], r.drill["to"]) for r in by_quarter] == [
        ("2026 Q2", 42, "2026-06", "2026-06"), ("2026 Q3", 24, "2026-07", "2026-07")]
    by_touchpoint = dashboard.nps_breakdown(actor=actor, filters=period(), by="touchpoint")
    assert [(r.key, r.estimate.n) for r in by_touchpoint] == [("handover", 46), ("service_visit", 20)]
    by_stage = dashboard.nps_breakdown(actor=actor, filters=period(), by="stage")
    assert sum(r.estimate.n for r in by_stage) == 66
    narrowed = dashboard.nps_total(actor=actor, filters=period(channel="sms"))
    assert (narrowed.detractors, narrowed.passives, narrowed.promoters) == (10, 5, 5)
    assert dashboard.nps_total(actor=actor, filters=period(region=figures.region2.code)).n == 10


def test_each_view_reads_the_smallest_table_holding_its_dimensions():
    assert dashboard._table_for(period(), None) is MonthlyChannelRollup
    assert dashboard._table_for(period(), "dealer_id") is MonthlyChannelRollup
    assert dashboard._table_for(period(region="R1"), "month") is MonthlyChannelRollup
    assert dashboard._table_for(period(), "touchpoint_id") is MonthlyTouchpointRollup
    assert dashboard._table_for(period(vehicle_model="Vento"), "dealer_id") is MonthlyModelRollup
    assert dashboard._table_for(period(touchpoint="handover"), "vehicle_model") is MonthlyRollup
    assert dashboard._table_for(period(channel="sms"), "channel") is MonthlyChannelRollup


def test_a_region_manager_sees_only_their_region_whatever_the_filters_say(figures):
    actor = figures.actors["region_manager"]
    assert dashboard.nps_total(actor=actor, filters=period()).n == 56
    assert dashboard.nps_total(actor=actor, filters=period(dealer=figures.dealer_c.code)).n == 0
    assert {p.name for p in dashboard.funnel(actor=actor, filters=period()).points} == {"Dealer A", "Dealer B"}


def test_the_funnel_centres_on_the_network_and_widens_its_limits_by_the_real_spread(figures):
    from insidetrack.analytics.nps_statistics import overdispersion

    funnel = dashboard.funnel(actor=figures.actors["head_office"], filters=period())
    assert funnel.network.n == 66
    p, d = 31 / 66, 17 / 66
    centre, sd = 100 * (p - d), 100 * math.sqrt(p + d - (p - d) ** 2)
    points = {point.name: point for point in funnel.points}
    assert funnel.spread == overdispersion(
        [points[name].estimate.nps for name in ("Dealer A", "Dealer B", "Dealer C")],
        [sd / math.sqrt(points[name].estimate.n) for name in ("Dealer A", "Dealer B", "Dealer C")],
        target=centre).tau
    n = funnel.limit_n[3]
    assert funnel.limits["upper_95"][3] == pytest.approx(
        min(100.0, centre + 1.96 * math.sqrt(sd**2 / n + funnel.spread**2)))
    assert funnel.limits["lower_998"][3] == pytest.approx(
        max(-100.0, centre - 3.09 * math.sqrt(sd**2 / n + funnel.spread**2)))
    widths = [high - low for high, low in zip(funnel.limits["upper_95"], funnel.limits["lower_95"], strict=True)]
    assert widths == sorted(widths, reverse=True)
    # Each dealer is compared with the rest of the network without itself.
    assert points["Dealer A"].difference == pytest.approx(100 * (18 - 6) / 36 - 100 * (13 - 11) / 30)
    # Three dealers this different: the spread between them is real, so none stands out from it.
    assert funnel.spread > 20 and {point.outside for point in funnel.points} == {""}


def test_one_dealer_standing_out_from_a_consistent_network_is_flagged(world):
    from insidetrack.network.tests.factories import DealerFactory

    for model_class in (MonthlyRollup, MonthlyTouchpointRollup, MonthlyModelRollup, MonthlyChannelRollup):
        model_class.objects.all().delete()
    for index, counts in enumerate([(20, 40, 40), (22, 38, 40), (18, 42, 40), (21, 37, 42), (19, 41, 40),
                                    (20, 39, 41), (23, 37, 40), (17, 42, 41)]):
        cell(world, DealerFactory(region=world.region1, name=f"Steady {index}"), JUNE, counts)
    cell(world, world.dealer_c, JUNE, (60, 20, 20))
    funnel = dashboard.funnel(actor=world.actors["head_office"], filters=period())
    flagged = {point.name: point.outside for point in funnel.points if point.outside}
    assert flagged == {"Dealer C": "below_998"}
    assert next(p for p in funnel.points if p.name == "Dealer C").is_different
    assert funnel.spread < 5


def test_a_breakdown_dimension_must_be_known(figures):
    with pytest.raises(ValidationFailed):
        dashboard.nps_breakdown(actor=figures.actors["head_office"], filters=period(), by="colour")


@pytest.mark.parametrize("role, status", [
    ("head_office", 200), ("region_manager", 200), ("dealer_principal", 403), ("dealer_staff", 403),
    ("owner", 403), ("anonymous", 302),
])
def test_the_page_is_for_head_office_and_regions(figures, role, status):
    response = client_for(figures, role).get(reverse("analytics:dashboard"))
    assert response.status_code == status


@pytest.fixture
def frozen(monkeypatch):
    from insidetrack.core import clock

    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 7, 15, 9, tzinfo=dt.UTC))


def test_the_page_shows_every_nps_with_its_interval_and_flags_small_samples(figures, frozen):
    page = client_for(figures, "head_office").get(reverse("analytics:dashboard"),
                                                  {"from": "2026-06", "to": "2026-07", "by": "dealer"})
    tables = tables_of(page.content.decode())
    rows = {row[0]: row for row in tables["breakdown"][1:]}
    assert rows["Dealer A"][1:4] == ["36", "+33 ± 23", "+7 … +54"]
    assert "too uncertain to rank (10 answers; at least 30 needed)" in rows["Dealer C"][3]
    assert tables["funnel"][1:] == [["No dealer stands out from the usual spread between dealers."]]
    trend = page.context["trend_json"]
    assert trend["data"][-1]["name"] == "NPS" and trend["data"][1]["fill"] == "tonexty"  # the interval band
    assert trend["data"][-1]["y"] == pytest.approx([100 * (19 - 13) / 42, 100 * (12 - 4) / 24])


def test_the_page_reports_a_malformed_month_and_falls_back_to_the_default(figures, frozen):
    page = client_for(figures, "head_office").get(reverse("analytics:dashboard"), {"from": "last year"})
    assert page.status_code == 200
    assert "from must be a month like 2026-06, not last year." in page.content.decode()


def test_the_page_costs_a_fixed_number_of_queries(figures, frozen, django_assert_num_queries):
    client = client_for(figures, "head_office")
    client.get(reverse("analytics:dashboard"))  # warm the session and the translation catalogue
    # session + user + membership, filter menus (regions, dealers, touchpoints, models), trend (the total is its
    # sum), previous total, breakdown by stage (cells + touchpoints), funnel (cells + dealers), response rate,
    # closed loop (3), and the rest of the page shell
    with django_assert_num_queries(18):
        client.get(reverse("analytics:dashboard"), {"region": figures.region1.code})


def test_drill_down_opens_exactly_the_verbatims_behind_a_row(world, frozen):
    inside = ResponseFactory(dealer=world.dealer_b, score=4, verbatim="Waited two hours for the handover.",
                             submitted_at=dt.datetime(2026, 6, 10, 12, tzinfo=dt.UTC), vehicle_model="Aurelia Strada")
    ResponseFactory(dealer=world.dealer_b, score=9, verbatim="Other model.", vehicle_model="Aurelia Vento",
                    submitted_at=dt.datetime(2026, 6, 11, 12, tzinfo=dt.UTC))
    ResponseFactory(dealer=world.dealer_b, score=2, verbatim="Too early.", vehicle_model="Aurelia Strada",
                    submitted_at=dt.datetime(2026, 4, 30, 23, tzinfo=dt.UTC))
    rollups_rebuild(now=dt.datetime(2026, 7, 15, 9, tzinfo=dt.UTC))
    client = client_for(world, "head_office")
    page = client.get(reverse("analytics:dashboard"), {"from": "2026-05", "to": "2026-06", "by": "model"})
    row = next(item for item in page.context["rows"] if item["row"].label == "Aurelia Strada")
    assert row["row"].estimate.n == 1
    feedback = client.get(row["verbatims_url"])
    texts = [r.verbatim for r in feedback.context["page"]]
    assert texts == [inside.verbatim]
    assert "Narrowed to" in feedback.content.decode()


def test_a_dealer_may_not_filter_their_feedback_into_another_dealers(world):
    page = client_for(world, "dealer_principal").get(reverse("analytics:responses"),
                                                     {"region": world.region2.code})
    assert list(page.context["page"]) == []


def test_the_api_gives_the_same_figures_with_their_intervals(figures, frozen):
    response = client_for(figures, "head_office").get("/api/v1/analytics/nps",
                                                      {"from": "2026-06", "to": "2026-07", "by": "dealer"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"]["n"] == 66
    dealer_a = next(row for row in body["rows"] if row["label"] == "Dealer A")["estimate"]
    assert (dealer_a["n"], round(dealer_a["nps"], 2), round(dealer_a["low"]), round(dealer_a["high"])) == (
        36, 33.33, 7, 54)
    assert next(row for row in body["rows"] if row["label"] == "Dealer C")["estimate"]["is_rankable"] is False


@pytest.mark.parametrize("role, status", [("region_manager", 200), ("dealer_principal", 403), ("owner", 403),
                                          ("anonymous", 401)])
def test_the_api_refuses_whoever_may_not_see_scores(figures, role, status):
    assert client_for(figures, role).get("/api/v1/analytics/nps").status_code == status


def test_the_api_names_a_malformed_parameter(figures):
    response = client_for(figures, "head_office").get("/api/v1/analytics/nps", {"from": "soon"})
    assert response.status_code == 422 and "from" in response.content.decode()
    response = client_for(figures, "head_office").get("/api/v1/analytics/nps", {"by": "colour"})
    assert response.status_code == 422 and "colour" in response.content.decode()
