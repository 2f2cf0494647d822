"""Scorecards: exact figures on a small world, scoping per role, no score where scores are hidden (page, CSV, XLSX,
PDF, e-mail), and the weekly e-mail sent once per person per week."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
from django.core import mail
from openpyxl import load_workbook
from pypdf import PdfReader

from insidetrack.analytics import scorecard_mail, tasks
from insidetrack.analytics.models import ScorecardDelivery
from insidetrack.analytics.rollups import rollups_rebuild
from insidetrack.analytics.scorecard_exports import scorecard_tables
from insidetrack.analytics.scorecards import ScorecardPeriod, SubjectKind, scorecard_build, scorecard_subject
from insidetrack.cases.models import Case
from insidetrack.cases.policies import CaseStatus
from insidetrack.cases.services import cases_open_for_responses
from insidetrack.core import clock
from insidetrack.core.errors import NotFound, PermissionDenied
from insidetrack.core.tasks import PERIODIC_SWEEPS
from insidetrack.core.tests.pages import client_for, tables_of
from insidetrack.journeys.models import Theme
from insidetrack.surveys.models import InvitationStatus
from insidetrack.surveys.tests.factories import InvitationFactory, ResponseFactory

HOUR = dt.timedelta(hours=1)
DIRTY = "Planted: the car came back dirtier than it went in"


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _xlsx_cells(data: bytes) -> tuple[list[str], list[object]]:
    workbook = load_workbook(io.BytesIO(data))
    return workbook.sheetnames, [cell for sheet in workbook for row in sheet.iter_rows(values_only=True)
                                 for cell in row if cell is not None]


@pytest.fixture
def card_world(world):
    """Dealer A: ten answers this period (5 promoters, 2 passives, 3 detractors: NPS +20), one the period before
    (a 10), fifteen invitations this week (10 answered), and three recovery cases with known timings. Dealer B has
    one detractor (the world's) whose case is resolved with another root cause."""
    now = clock.now()
    customer = world.customers["a"]
    period = ScorecardPeriod.default(now=now)
    responses = [ResponseFactory(invitation__event__customer=customer, score=score, submitted_at=now - 2 * HOUR,
                                 verbatim=DIRTY if score == 0 else f"Verbatim scored {score}")
                 for score in (10, 10, 9, 9, 8, 7, 6, 3, 0)]
    earlier = dt.datetime.combine(period.filters.previous_period().first_month, dt.time(12), tzinfo=dt.UTC)
    ResponseFactory(invitation__event__customer=customer, score=10, submitted_at=earlier + dt.timedelta(days=3),
                    verbatim="Long ago", invitation__sent_at=earlier)
    for _ in range(5):
        InvitationFactory(event__customer=customer, status=InvitationStatus.SENT)
    rollups_rebuild()
    cases = {case.response.score: case for case in cases_open_for_responses(response_pks=[r.pk for r in responses])}
    dirty = Theme.objects.create(brand=world.brand, code="dirty-car", name="Car returned dirty")
    waiting = Theme.objects.create(brand=world.brand, code="waiting", name="Waiting time")
    # The 0: answered within an hour, resolved, verified by a 10 on the follow-up.
    Case.objects.filter(pk=cases[0].pk).update(
        opened_at=now - 50 * HOUR, respond_by=now - 26 * HOUR, first_respond_by=now - 26 * HOUR,
        first_contact_at=now - 49 * HOUR, resolved_at=now - 3 * HOUR, verified_at=now - HOUR,
        follow_up_answered_at=now - HOUR, follow_up_score=10, status=CaseStatus.VERIFIED, root_cause=dirty)
    # The 6: answered 30 hours after opening (late), resolved, the follow-up an 8 and confirmed, then closed.
    Case.objects.filter(pk=cases[6].pk).update(
        opened_at=now - 40 * HOUR, respond_by=now - 16 * HOUR, first_respond_by=now - 16 * HOUR,
        first_contact_at=now - 10 * HOUR, resolved_at=now - 5 * HOUR, verified_at=now - 2 * HOUR,
        follow_up_answered_at=now - 2 * HOUR, follow_up_score=8, status=CaseStatus.CLOSED, root_cause=dirty)
    # The 3: nobody called; 6 hours past its deadline.
    Case.objects.filter(pk=cases[3].pk).update(opened_at=now - 30 * HOUR, respond_by=now - 6 * HOUR,
                                               first_respond_by=now - 6 * HOUR)
    Case.objects.filter(dealer=world.dealer_b).update(status=CaseStatus.RESOLVED, first_contact_at=now - HOUR,
                                                      resolved_at=now - HOUR, root_cause=waiting)
    return {"now": now, "period": period}


def _card(world, role, kind="", code="", *, now):
    actor = world.actors[role]
    subject = scorecard_subject(actor=actor, kind=kind, code=code)
    return scorecard_build(actor=actor, subject=subject, period=ScorecardPeriod.default(now=now), now=now)


# --------------------------------------------------------------------------------------------------------------------
# Figures


def test_dealer_scorecard_figures_as_head_office_sees_them(world, card_world):
    card = _card(world, "head_office", SubjectKind.DEALER, world.dealer_a.code, now=card_world["now"])
    assert (card.subject.name, card.subject.detail, card.show_scores, card.with_counts) == ("Dealer A", "North",
                                                                                           True, True)
    overall = card.nps.overall
    assert (overall.detractors, overall.passives, overall.promoters, overall.nps) == (3, 2, 5, 20.0)
    assert (round(overall.low, 1), round(overall.high, 1)) == (-30.3, 61.1)
    assert (card.nps.previous.n, card.nps.previous.nps) == (1, 100.0)
    assert round(card.nps.change.difference) == -80 and not card.nps.is_change_significant
    assert len(card.nps.trend) == 12 and sum(row.estimate.n for row in card.nps.trend) == 11
    assert [(row.label, row.estimate.n) for row in card.nps.by_touchpoint] == [("Handover", 10)]
    assert card.nps.by_unit == [] and card.nps.unit_kind == ""

    rates = card.rates
    assert (rates.overall.sent, rates.overall.answered, round(rates.overall.answered_rate, 4)) == (15, 10, 0.6667)
    assert rates.by_week[-1].sent == 15 and rates.by_week[-1].is_partial

    loop = card.closed_loop
    assert (loop.cases, loop.open_now, loop.overdue_now) == (10, 8, 1)
    assert (loop.within_24_hours.numerator, loop.within_24_hours.denominator) == (1, 3)
    assert (loop.on_time.numerator, loop.on_time.denominator) == (1, 3)
    assert (loop.put_right.numerator, loop.put_right.denominator, loop.put_right.value) == (2, 2, 1.0)
    assert (loop.recovered.numerator, loop.recovered.denominator) == (1, 2)
    assert not loop.recovered.is_rankable
    assert loop.cases_by_kind == {"thank_you": 5, "acknowledgement": 2, "recovery": 3}
    assert [(row.code, row.count) for row in card.themes] == [("dirty-car", 2)]
    assert [row.text for row in card.verbatims] == ["Lovely handover, everything explained.", DIRTY,
                                                    "Verbatim scored 3", "Verbatim scored 6", "Verbatim scored 7"]
    assert [row.score for row in card.verbatims] == [10, 0, 3, 6, 7]


def test_region_and_brand_scorecards_break_down_with_the_too_uncertain_label(world, card_world):
    now = card_world["now"]
    region = _card(world, "region_manager", now=now)
    assert (region.subject.kind, region.subject.name) == (SubjectKind.REGION, "North")
    assert (region.nps.overall.n, round(region.nps.overall.nps, 2)) == (11, 9.09)
    assert [(row.label, row.estimate.n, row.estimate.nps) for row in region.nps.by_unit] == [
        ("Dealer A", 10, 20.0), ("Dealer B", 1, -100.0)]
    assert [(row.code, row.count) for row in region.themes] == [("dirty-car", 2), ("waiting", 1)]
    brand = _card(world, "head_office", now=now)
    assert brand.subject.kind == SubjectKind.BRAND and brand.nps.unit_kind == SubjectKind.REGION
    assert [(row.label, row.estimate.n) for row in brand.nps.by_unit] == [("North", 11), ("South", 1)]
    nps_rows = {table.key: table for table in scorecard_tables(region)}["nps_unit"].rows
    assert nps_rows[0][0] == "Dealer A" and nps_rows[0][-1] == (
        "too uncertain to rank (10 answers; at least 30 needed)")

    page = client_for(world, "region_manager").get("/overview/scorecard/").content.decode()
    units = tables_of(page)["scorecard-units"]
    assert units[1] == ["Dealer A", "+20 ± 46 n=10 too few to rank", "too uncertain to rank (10 answers; at least "
                                                                      "30 needed)"]
    assert units[2][0] == "Dealer B"


def test_a_dealer_with_scores_hidden_gets_no_score_but_the_rest(world, card_world):
    card = _card(world, "dealer_principal", now=card_world["now"])
    assert (card.subject.kind, card.subject.code, card.show_scores, card.with_counts) == (
        SubjectKind.DEALER, world.dealer_a.code, False, False)
    assert card.nps is None and card.closed_loop.recovered is None and card.closed_loop.cases_by_kind is None
    assert (card.rates.overall.sent, round(card.rates.overall.answered_rate, 4)) == (None, 0.6667)
    loop = card.closed_loop
    assert (loop.open_now, loop.overdue_now, loop.within_24_hours.value) == (8, 1, 1 / 3)
    assert (loop.put_right.value, loop.put_right.numerator, loop.put_right.denominator) == (1.0, None, None)
    assert [(row.code, row.count) for row in card.themes] == [("dirty-car", 2)]
    assert {row.score for row in card.verbatims} == {None} and card.verbatims[1].text == DIRTY


# --------------------------------------------------------------------------------------------------------------------
# Scoping


@pytest.mark.parametrize("role,kind,code,outcome", [
    ("head_office", "", "", "brand"),
    ("head_office", "region", "region2", "region"),
    ("head_office", "dealer", "dealer_c", "dealer"),
    ("region_manager", "", "", "region"),
    ("region_manager", "dealer", "dealer_b", "dealer"),
    ("region_manager", "region", "region2", NotFound),
    ("region_manager", "dealer", "dealer_c", NotFound),
    ("dealer_principal", "", "", "dealer"),
    ("dealer_staff", "dealer", "dealer_a", "dealer"),
    ("dealer_principal", "dealer", "dealer_b", NotFound),
    ("dealer_principal", "region", "region1", NotFound),  # their own region's card is not theirs
    ("other_dealer", "dealer", "dealer_a", NotFound),
    ("head_office", "dealer", "nope", NotFound),
    ("owner", "", "", PermissionDenied),
    ("owner", "dealer", "dealer_a", PermissionDenied),
    ("anonymous", "", "", PermissionDenied),
])
def test_subject_scoping(world, role, kind, code, outcome):
    code = getattr(world, code).code if code and code != "nope" else code
    if isinstance(outcome, type):
        with pytest.raises(outcome):
            scorecard_subject(actor=world.actors[role], kind=kind, code=code)
    else:
        assert scorecard_subject(actor=world.actors[role], kind=kind, code=code).kind == outcome


@pytest.mark.parametrize("suffix", ["", "scorecard.pdf", "scorecard.csv", "scorecard.xlsx"])
@pytest.mark.parametrize("role,target,status", [
    ("head_office", "region/region2", 200), ("head_office", "dealer/dealer_c", 200),
    ("region_manager", "region/region1", 200), ("region_manager", "region/region2", 404),
    ("region_manager", "dealer/dealer_b", 200), ("region_manager", "dealer/dealer_c", 404),
    ("dealer_principal", "dealer/dealer_a", 200), ("dealer_principal", "dealer/dealer_b", 404),
    ("dealer_staff", "region/region1", 404), ("other_dealer", "dealer/dealer_a", 404),
    ("owner", "dealer/dealer_a", 403), ("anonymous", "dealer/dealer_a", 302),
])
def test_pages_and_downloads_by_role(world, suffix, role, target, status):
    kind, name = target.split("/")
    response = client_for(world, role).get(f"/overview/scorecard/{kind}/{getattr(world, name).code}/{suffix}")
    assert response.status_code == status
    if status == 404:
        assert getattr(world, name).name.encode() not in response.content


@pytest.mark.parametrize("role,status", [("head_office", 200), ("region_manager", 200), ("dealer_principal", 200),
                                         ("dealer_staff", 200), ("owner", 403), ("anonymous", 302)])
def test_own_scorecard_by_role(world, role, status):
    assert client_for(world, role).get("/overview/scorecard/").status_code == status


def test_downloads_are_named_and_typed(world, card_world):
    client = client_for(world, "region_manager")
    code = world.region1.code
    answer = client.get(f"/overview/scorecard/region/{code}/scorecard.xlsx", {"from": "2026-01", "to": "2026-03"})
    assert answer["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert answer["Content-Disposition"] == f'attachment; filename="scorecard-region-{code}-2026-01-2026-03.xlsx"'
    assert client.get("/overview/scorecard/scorecard.pdf")["Content-Type"] == "application/pdf"
    assert client.get("/overview/scorecard/", {"format": "csv"})["Content-Type"] == "text/csv; charset=utf-8"
    assert client.get("/overview/scorecard/", {"from": "2026-13"}).status_code == 422


def test_region_manager_exports_carry_the_figures(world, card_world):
    client = client_for(world, "region_manager")
    sheets, _cells = _xlsx_cells(client.get("/overview/scorecard/scorecard.xlsx").content)
    assert sheets == ["Scorecard", "Net Promoter Score", "NPS by month", "NPS by touchpoint", "NPS by dealer",
                      "Response rates", "Response rates by week", "Closed loop", "Themes", "Latest verbatims"]
    workbook = load_workbook(io.BytesIO(client.get("/overview/scorecard/scorecard.xlsx").content))
    by_dealer = list(workbook["NPS by dealer"].iter_rows(values_only=True))
    assert by_dealer[0] == ("Dealer", "NPS", "95% interval from", "95% interval to", "Answers", "Note")
    assert by_dealer[1][:5] == ("Dealer A", 20.0, -30.3, 61.1, 10)
    assert workbook["NPS by dealer"]["B2"].number_format == "+0.0;-0.0;0.0"
    rows = list(csv.reader(io.StringIO(client.get("/overview/scorecard/scorecard.csv").content.decode("utf-8-sig"))))
    assert ["Dealer A", "20.0", "-30.3", "61.1", "10", "too uncertain to rank (10 answers; at least 30 needed)"] in rows
    text = _pdf_text(client.get("/overview/scorecard/scorecard.pdf").content)
    assert "Scorecard: North" in text and "Net Promoter Score" in text and "+9 ± 45" in text
    assert "NPS by month, with its 95% interval" in text  # the trend chart's title
    assert len(PdfReader(io.BytesIO(client.get("/overview/scorecard/scorecard.pdf").content)).pages) <= 2


# --------------------------------------------------------------------------------------------------------------------
# Hidden scores


SCORE_WORDS = re.compile(r"\bNPS\b|Net Promoter|promoter|detractor|\bscores?\b|Recovered", re.IGNORECASE)


@pytest.mark.parametrize("role", ["dealer_principal", "dealer_staff"])
def test_hidden_scores_leave_no_score_in_page_or_downloads(world, card_world, role):
    client = client_for(world, role)
    base = f"/overview/scorecard/dealer/{world.dealer_a.code}/"
    page = client.get(base).content.decode()
    assert 'class="score' not in page and "Put right, as the customer confirmed" in page
    texts = {
        "page": page,
        "csv": client.get(base + "scorecard.csv").content.decode("utf-8-sig"),
        "pdf": _pdf_text(client.get(base + "scorecard.pdf").content),
    }
    sheets, cells = _xlsx_cells(client.get(base + "scorecard.xlsx").content)
    texts["xlsx"] = "\n".join([*sheets, *(str(cell) for cell in cells)])
    for name, text in texts.items():
        assert DIRTY in text, name  # the verbatims are there
        assert not SCORE_WORDS.findall(text), name
    # The PDF's text is in the file as written (no compression): nothing to find there either.
    raw_pdf = client.get(base + "scorecard.pdf").content
    assert b"Net Promoter" not in raw_pdf and b"(NPS" not in raw_pdf and DIRTY.encode() in raw_pdf
    with zipfile.ZipFile(io.BytesIO(client.get(base + "scorecard.xlsx").content)) as archive:
        assert {entry.compress_type for entry in archive.infolist()} == {zipfile.ZIP_STORED}
        # Dated to the minute it was generated, not the second it was saved: same minute, same bytes.
        modified = re.search(rb"<dcterms:modified[^>]*>([^<]*)<", archive.read("docProps/core.xml")).group(1)
        assert modified.decode().endswith(":00Z")
        assert {entry.date_time[5] for entry in archive.infolist()} == {0}


def test_with_the_policy_on_a_dealer_sees_the_scores_in_the_pdf(world, card_world):
    type(world.brand).objects.filter(pk=world.brand.pk).update(dealers_see_scores=True)
    text = _pdf_text(client_for(world, "dealer_principal").get("/overview/scorecard/scorecard.pdf").content)
    assert "Net Promoter Score" in text and "+20 ± 46" in text


# --------------------------------------------------------------------------------------------------------------------
# Query count


def test_region_scorecard_page_query_count(world, card_world, django_assert_num_queries):
    client = client_for(world, "region_manager")
    client.get("/overview/scorecard/")  # warm the session and the content types
    with django_assert_num_queries(19):
        assert client.get("/overview/scorecard/").status_code == 200


def test_dealer_scorecard_page_query_count(world, card_world, django_assert_num_queries):
    client = client_for(world, "dealer_principal")
    client.get("/overview/scorecard/")
    with django_assert_num_queries(13):
        assert client.get("/overview/scorecard/").status_code == 200


# --------------------------------------------------------------------------------------------------------------------
# The weekly e-mail


# 06:30 in London (GMT in November). The world's data is dated by the real clock; these tests only need it to exist.
MONDAY = dt.datetime(2026, 11, 23, 6, 30, tzinfo=dt.UTC)


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    return mail.outbox


def test_the_weekly_sweep_sends_one_email_per_person_with_the_pdf_and_nothing_twice(world, outbox):
    type(world.users["dealer_principal"]).objects.filter(pk=world.users["dealer_principal"].pk).update(
        preferred_language="de")
    assert scorecard_mail.scorecards_send_due(now=MONDAY) == 4
    by_recipient = {message.to[0]: message for message in outbox}
    # Principals, regions and head office; dealer staff do not get it.
    assert set(by_recipient) == {"head_office@example.com", "region_manager@example.com",
                                 "dealer_principal@example.com", "other_dealer@example.com"}
    dealer = by_recipient["dealer_principal@example.com"]
    assert dealer.extra_headers["Content-Language"] == "de"
    (name, pdf, mimetype), = dealer.attachments
    assert (name, mimetype) == (f"scorecard-dealer-{world.dealer_a.code}-2026-09-2026-11.pdf", "application/pdf")
    assert "Scorecard: Dealer A" in _pdf_text(pdf) and "Net Promoter" not in _pdf_text(pdf)
    region = by_recipient["region_manager@example.com"]
    assert region.subject == "Your weekly scorecard, 2026-W48: North"
    assert "Net Promoter Score" in _pdf_text(region.attachments[0][1])
    # The region's two open cases (the world's): the body has the closed loop, never a score.
    assert "Open cases: 2, of which" in region.body and "/overview/scorecard/region/" in region.body
    for message in outbox:
        html = message.alternatives[0][0]
        assert not SCORE_WORDS.findall(f"{message.subject}\n{message.body}\n{html}"), message.to
    assert ScorecardDelivery.objects.filter(week=dt.date(2026, 11, 23), sent_at=MONDAY).count() == 4

    assert scorecard_mail.scorecards_send_due(now=MONDAY + HOUR) == 0
    assert len(outbox) == 4


def test_the_sweep_waits_for_monday_six_in_each_recipients_time_zone(world, outbox):
    assert scorecard_mail.scorecards_send_due(now=MONDAY - HOUR) == 0  # 05:30 in London
    assert scorecard_mail.scorecards_send_due(now=MONDAY + dt.timedelta(days=1)) == 0  # Tuesday
    type(world.dealer_c).objects.filter(pk=world.dealer_c.pk).update(time_zone="Asia/Tokyo")
    # Sunday 22:00 UTC is Monday 07:00 in Tokyo: only dealer C's principal is due.
    assert scorecard_mail.scorecards_send_due(now=MONDAY - dt.timedelta(hours=8, minutes=30)) == 1
    assert [message.to for message in outbox] == [["other_dealer@example.com"]]
    assert outbox[0].subject == "Your weekly scorecard, 2026-W48: Dealer C"


def test_a_row_claimed_by_another_sweep_is_not_sent_again(world, outbox):
    due = scorecard_mail.scorecard_recipients_due(now=MONDAY)
    assert len(due) == 4
    # Another sweep claims the region manager between this sweep's read and its claim.
    ScorecardDelivery.objects.create(user=world.users["region_manager"], week=dt.date(2026, 11, 23),
                                     claim="00000000-0000-0000-0000-000000000001", claimed_at=MONDAY)
    claimed = scorecard_mail._claim(due, now=MONDAY)
    assert sorted(r.email for r in claimed) == ["dealer_principal@example.com", "head_office@example.com",
                                                "other_dealer@example.com"]


def test_a_failed_send_is_retried_by_the_next_sweep(world, outbox, monkeypatch):
    real = scorecard_mail._send

    def failing(connection, recipient, cards):
        if recipient.email == "head_office@example.com":
            raise OSError("SMTP down")
        real(connection, recipient, cards)

    monkeypatch.setattr(scorecard_mail, "_send", failing)
    assert scorecard_mail.scorecards_send_due(now=MONDAY) == 3
    assert not ScorecardDelivery.objects.filter(user=world.users["head_office"]).exists()
    monkeypatch.setattr(scorecard_mail, "_send", real)
    assert scorecard_mail.scorecards_send_due(now=MONDAY + HOUR) == 1
    assert outbox[-1].to == ["head_office@example.com"]


def test_the_sweep_runs_after_the_rollups_are_brought_up_to_date():
    """The e-mailed scorecards read the rollups: the same minute's rollup sweep must have run first."""
    assert PERIODIC_SWEEPS.index(tasks.rollups_sweep) < PERIODIC_SWEEPS.index(tasks.scorecards_sweep)
