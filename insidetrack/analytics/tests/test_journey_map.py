"""The journey map: its figures against analytics' own for the same filters, scoping, hidden scores, the department
view, bad filters, and the A3 PDF and PNG exports.

The answers are ``plant_verbatims``'s (see its docstring) with the rollups rebuilt from them. In January-March 2025
head office sees, at the handover, dealer A's 4 ("not ready, waited two hours") and 10 ("Lovely handover"), and dealer
C's 10 (a coached French answer); at the service visit dealer B's 2 and dealer C's 3.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pytest
from django.urls import reverse

from insidetrack.analytics.dashboard import DashboardFilters, nps_total
from insidetrack.analytics.journey_map import journey_map_build, map_filters
from insidetrack.analytics.rollups import rollups_rebuild
from insidetrack.core import clock
from insidetrack.core.errors import ValidationFailed
from insidetrack.core.tests.pages import client_for
from insidetrack.verbatims.selectors import theme_overview
from insidetrack.verbatims.tests.factories import PERIOD, plant_verbatims

MAP = reverse("journey_map:map")
PDF = reverse("journey_map:map_pdf")
PNG = reverse("journey_map:map_png")
GENERATED_AT = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)
STAFF = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer"]


@pytest.fixture
def planted(world):
    from insidetrack.surveys.models import Response

    planted = plant_verbatims(world)
    # Two of the handover answers were about the GT: the model filter keeps them only.
    Response.objects.filter(pk__in=[planted["a_good"].pk, planted["c_coached"].pk]).update(vehicle_model="GT")
    Response.objects.filter(pk=planted["a_wait"].pk).update(vehicle_model="Tourer")
    rollups_rebuild()
    return planted


def build(world, role: str, **query: str):
    actor = world.actors[role]
    return journey_map_build(actor=actor, filters=map_filters({**PERIOD, **query}, actor=actor,
                                                              today=clock.now().date()))


def by_code(journey) -> dict:
    return {t.touchpoint.code: t for t in journey.touchpoints}


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --------------------------------------------------------------------------------------------------------------------
# Figures


def test_head_office_figures_are_analytics_figures_for_the_same_filters(world, planted):
    journey = build(world, "head_office")
    touchpoints = by_code(journey)
    assert [stage.stage.code for stage in journey.stages] == ["choose", "buy", "delivery", "own", "renew"]
    handover, service = touchpoints["handover"], touchpoints["service_visit"]
    assert (handover.volume, handover.nps.counts) == (3, (1, 0, 2))
    assert round(handover.nps.nps, 1) == 33.3
    assert (service.volume, service.nps.counts) == (2, (2, 0, 0))
    assert touchpoints["test_drive"].volume == 0
    # The dashboard's read of each touchpoint alone gives the same counts.
    period = DashboardFilters.from_query(PERIOD, today=clock.now().date())
    for code, figures in touchpoints.items():
        assert nps_total(actor=world.actors["head_office"], filters=replace(period, touchpoint=code)).counts == \
            figures.nps.counts, code
    # The themes page's sentiment per touchpoint is the map's.
    overview = theme_overview(actor=world.actors["head_office"], filters=period)
    assert {row.key: row.sentiment for row in overview.by_touchpoint} == {
        code: t.sentiment for code, t in touchpoints.items() if t.sentiment.n}
    assert (handover.sentiment.negative, handover.sentiment.neutral, handover.sentiment.positive) == (1, 1, 1)
    assert handover.emotion.nps == 0 and service.emotion.nps == -100
    # Totals: five answers, 3 detractors and 2 promoters.
    assert journey.total.volume == 5 and journey.total.nps.counts == (3, 0, 2)


def test_top_themes_and_quotes_of_a_touchpoint(world, planted):
    service = by_code(build(world, "head_office"))["service_visit"]
    assert [(m.theme.code, m.share.count, m.share.total) for m in service.themes] == [
        ("workmanship", 2, 2), ("waiting_time", 1, 2)]
    assert service.themes[0].percent == 100
    quotes = {q.theme.code: q.text for q in service.quotes}
    assert quotes["workmanship"] in (planted["b_wait"].verbatim, planted["c_brakes"].verbatim)
    assert quotes["waiting_time"] == planted["b_wait"].verbatim
    assert len(service.quotes) == 2


def test_model_filter_narrows_scores_sentiment_and_quotes(world, planted):
    handover = by_code(build(world, "head_office", model="GT"))["handover"]
    assert (handover.volume, handover.nps.counts) == (2, (0, 0, 2))
    assert (handover.sentiment.negative, handover.sentiment.neutral, handover.sentiment.positive) == (0, 1, 1)
    assert planted["a_wait"].verbatim not in {q.text for q in handover.quotes}


def test_region_and_dealer_filters(world, planted):
    south = by_code(build(world, "head_office", region=world.region2.code))
    assert (south["handover"].volume, south["service_visit"].volume) == (1, 1)
    dealer_b = by_code(build(world, "head_office", dealer=world.dealer_b.code))
    assert (dealer_b["handover"].volume, dealer_b["service_visit"].nps.counts) == (0, (1, 0, 0))


def test_a_dealer_map_holds_its_own_answers_only(world, planted):
    # Dealer A's principal, even asking for dealer C or the other region: the parameters are not theirs to narrow.
    for query in ({}, {"dealer": world.dealer_c.code}, {"region": world.region2.code}):
        journey = build(world, "dealer_principal", **query)
        touchpoints = by_code(journey)
        assert touchpoints["handover"].volume == 2 and touchpoints["service_visit"].volume == 0
        assert touchpoints["handover"].sentiment.n == 2
        quoted = {q.text for t in journey.touchpoints for q in t.quotes}
        assert quoted and quoted <= {planted["a_wait"].verbatim, planted["a_good"].verbatim}
        assert {q.dealer for t in journey.touchpoints for q in t.quotes} == {world.dealer_a.name}
    other = by_code(build(world, "other_dealer"))
    assert (other["handover"].volume, other["service_visit"].volume) == (1, 1)


def test_region_manager_sees_their_region(world, planted):
    touchpoints = by_code(build(world, "region_manager"))
    assert (touchpoints["handover"].volume, touchpoints["service_visit"].volume) == (2, 1)
    with pytest.raises(ValidationFailed) as raised:
        build(world, "region_manager", dealer=world.dealer_c.code)
    assert raised.value.field == "dealer"


def test_hidden_scores_leave_no_nps_in_the_figures(world, planted):
    journey = build(world, "dealer_principal")
    assert not journey.show_scores and journey.total.nps is None
    assert all(t.nps is None for t in journey.touchpoints)
    type(world.brand).objects.filter(pk=world.brand.pk).update(dealers_see_scores=True)
    shown = by_code(build(world, "dealer_principal"))
    assert shown["handover"].nps.counts == (1, 0, 1)


def test_department_view_highlights_the_department_touchpoints(world, planted):
    journey = build(world, "head_office", department="service")
    assert {t.touchpoint.code for t in journey.touchpoints if t.is_highlighted} == {"first_service"}
    assert journey.department_total.touchpoints == 1 and journey.department_total.volume == 0
    aftersales = build(world, "head_office", department="aftersales").department_total
    assert (aftersales.touchpoints, aftersales.volume, aftersales.nps.counts) == (2, 2, (2, 0, 0))


def test_staff_of_a_department_open_their_part_of_the_journey_and_can_still_see_the_whole(world, planted):
    staff, today = world.actors["dealer_staff"], clock.now().date()  # a member of the service department
    assert map_filters({}, actor=staff, today=today).department == "service"
    assert map_filters({"department": ""}, actor=staff, today=today).department == ""
    assert map_filters({}, actor=world.actors["head_office"], today=today).department == ""
    # The export keeps the choice, including "whole journey".
    assert map_filters({"department": ""}, actor=staff, today=today).as_query()["department"] == ""


def test_bad_filters_name_the_parameter(world, planted):
    actor, today = world.actors["head_office"], clock.now().date()
    for query, field in (({"department": "marketing"}, "department"), ({"region": "nowhere"}, "region"),
                         ({"dealer": "nobody"}, "dealer"), ({"model": "Zeppelin"}, "model"),
                         ({"from": "2025-13"}, "from")):
        with pytest.raises(ValidationFailed) as raised:
            map_filters(query, actor=actor, today=today)
        assert raised.value.field == field, query


def test_the_map_costs_a_fixed_number_of_queries(world, planted, django_assert_num_queries):
    actor = world.actors["head_office"]
    filters = map_filters(PERIOD, actor=actor, today=clock.now().date())
    with django_assert_num_queries(7):
        journey_map_build(actor=actor, filters=filters)


# --------------------------------------------------------------------------------------------------------------------
# The page


@pytest.mark.parametrize("role", [*STAFF, "owner", "anonymous"])
@pytest.mark.parametrize("url", [MAP, PDF, PNG])
def test_map_and_exports_are_for_staff(world, role, url):
    answer = client_for(world, role).get(url)
    if role == "anonymous":
        assert answer.status_code == 302 and answer["Location"].startswith(reverse("login"))
    elif role == "owner":
        assert answer.status_code == 403
    else:
        assert answer.status_code == 200


@pytest.mark.parametrize("role", STAFF)
def test_every_staff_role_finds_the_journey_in_the_navigation(world, role):
    from insidetrack.core.context_processors import navigation_for

    assert dict(navigation_for(world.actors[role]))["Journey"] == MAP


def test_head_office_page_shows_figures_needs_themes_and_quotes(world, planted):
    page = client_for(world, "head_office").get(MAP, {**PERIOD, "department": "aftersales"}).content.decode()
    assert "Aftersales's part of the journey" in page
    assert "The car on the agreed day, clean and as ordered" in page  # the handover's rational needs
    assert 'data-volume="3"' in page and "Waiting time" in page
    assert planted["b_wait"].verbatim in page
    assert '<span class="nps"' in page and 'id="emotion-chart"' in page
    assert page.count("touchpoint highlighted") == 2


def test_dealer_page_without_scores_shows_sentiment_only(world, planted):
    page = client_for(world, "dealer_principal").get(MAP, PERIOD).content.decode()
    assert "NPS" not in page and 'class="nps"' not in page
    assert "net sentiment" in page and "Your brand does not show scores to dealers" in page
    assert planted["c_coached"].verbatim not in page  # dealer C's words


def test_a_bad_filter_is_a_clear_error(world, planted):
    answer = client_for(world, "head_office").get(MAP, {"department": "marketing"})
    assert answer.status_code == 422 and "Unknown department marketing." in answer.content.decode()
    export = client_for(world, "head_office").get(PDF, {"model": "Zeppelin"})
    assert export.status_code == 422 and export.content.decode() == "Unknown model Zeppelin."


# --------------------------------------------------------------------------------------------------------------------
# Exports


def test_pdf_is_an_a3_landscape_page_with_the_filters_applied(world, planted):
    from pypdf import PdfReader

    answer = client_for(world, "head_office").get(PDF, {**PERIOD, "model": "GT", "department": "sales",
                                                        "region": world.region1.code})
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == (
        f'inline; filename="journey-map-2025-01-2025-03-{world.region1.code}-GT-sales.pdf"')
    reader = PdfReader(io.BytesIO(answer.content))
    box = reader.pages[0].mediabox
    assert len(reader.pages) == 1 and (round(float(box.width)), round(float(box.height))) == (1191, 842)
    text = pdf_text(answer.content)
    assert "Region: North" in text and "Model: GT" in text and "Department: Sales" in text
    assert "Sales's part of the journey" in text
    assert "1 answer · NPS +100" in text  # dealer A's GT handover only (the region and the model applied)
    assert "Rational needs" in text and "Handover" in text


def test_pdf_and_png_of_a_dealer_without_scores_show_no_score(world, planted, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: GENERATED_AT)  # the sheet prints when it was drawn
    client = client_for(world, "dealer_principal")
    text = pdf_text(client.get(PDF, PERIOD).content)
    assert "NPS" not in text and "2 answers · net sentiment 0" in text
    png = client.get(PNG, PERIOD)
    # The same picture whatever the scores: set every score to a promoter's and draw again.
    from insidetrack.surveys.models import Response

    Response.objects.update(score=10)
    rollups_rebuild()
    assert client.get(PNG, PERIOD).content == png.content


def test_png_is_the_a3_sheet_and_follows_the_filters(world, planted, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(clock, "now", lambda: GENERATED_AT)
    client = client_for(world, "head_office")
    whole = client.get(PNG, PERIOD)
    assert whole["Content-Type"] == "image/png"
    assert whole["Content-Disposition"] == 'attachment; filename="journey-map-2025-01-2025-03.png"'
    image = Image.open(io.BytesIO(whole.content))
    assert image.format == "PNG" and image.size == (2480, 1754)
    south = client.get(PNG, {**PERIOD, "region": world.region2.code})
    assert south.content != whole.content
    assert client.get(PNG, {**PERIOD, "region": world.region2.code}).content == south.content
