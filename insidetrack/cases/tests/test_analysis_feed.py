"""The verbatim analysis feeds the closed loop: a suggested root cause the dealer confirms, and urgent safety cases."""

from __future__ import annotations

import pytest
from django.core import mail

from insidetrack.cases.models import Case, CaseEvent, CaseEventKind
from insidetrack.cases.services import AnalysisReading, cases_apply_analysis, root_causes_for
from insidetrack.core.tests.pages import client_for

pytestmark = pytest.mark.django_db


def _recovery_case(world, key: str = "a") -> Case:
    # Customer A's dealer is the signed-in dealer's; make A's case a recovery so it takes a root cause.
    case = Case.objects.get(customer=world.customers[key])
    Case.objects.filter(pk=case.pk).update(kind="recovery")
    case.refresh_from_db()
    return case


def test_a_negative_theme_becomes_the_suggested_root_cause_once(world, django_capture_on_commit_callbacks):
    case = _recovery_case(world)
    allowed = [theme.code for theme in root_causes_for(case)]
    reading = AnalysisReading(response_pk=case.response_id, negative_theme_codes=("no_such_theme", allowed[0]))

    with django_capture_on_commit_callbacks(execute=True):
        first = cases_apply_analysis(readings=[reading])
        second = cases_apply_analysis(readings=[reading])

    case.refresh_from_db()
    assert case.suggested_root_cause.code == allowed[0]
    assert case.root_cause is None  # the dealer still has to confirm it
    assert first == {"suggested": 1, "urgent": 0}
    assert second == {"suggested": 0, "urgent": 0}
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.ROOT_CAUSE_SUGGESTED).count() == 1


def test_a_theme_outside_the_touchpoints_root_causes_is_not_suggested(world):
    case = _recovery_case(world)
    allowed = {theme.code for theme in root_causes_for(case)}
    outside = next(code for code in ("test_drive", "courtesy_car", "events", "digital_app") if code not in allowed)

    cases_apply_analysis(readings=[AnalysisReading(response_pk=case.response_id, negative_theme_codes=(outside,))])

    case.refresh_from_db()
    assert case.suggested_root_cause is None


def test_the_case_page_preselects_the_suggestion_and_says_where_it_came_from(world):
    case = _recovery_case(world)
    theme = root_causes_for(case)[0]
    cases_apply_analysis(readings=[AnalysisReading(response_pk=case.response_id, negative_theme_codes=(theme.code,))])

    page = client_for(world, "dealer_principal").get(f"/cases/{case.pk}/").content.decode()

    assert 'id="suggested-root-cause"' in page
    assert theme.name in page
    assert f'<option value="{theme.code}" selected>' in page


def test_a_safety_issue_makes_the_case_urgent_and_tells_the_dealer_and_head_office_at_once(
        world, django_capture_on_commit_callbacks):
    case = _recovery_case(world)
    reading = AnalysisReading(response_pk=case.response_id, safety_phrases=("brakes failed",))

    with django_capture_on_commit_callbacks(execute=True):
        result = cases_apply_analysis(readings=[reading])
    with django_capture_on_commit_callbacks(execute=True):
        again = cases_apply_analysis(readings=[reading])

    case.refresh_from_db()
    assert result["urgent"] == 1 and again["urgent"] == 0
    assert case.urgent_at is not None
    assert "brakes failed" in case.urgent_reason
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["dealer_principal@example.com", "dealer_staff@example.com", "head_office@example.com"]
    assert all("safety or legal issue" in message.subject for message in mail.outbox)
    # The other dealer and the region are not told (the region hears through escalation if it comes to that).
    assert "other_dealer@example.com" not in recipients


def test_urgent_cases_come_first_in_the_inbox(world):
    urgent = _recovery_case(world, "a")
    cases_apply_analysis(readings=[AnalysisReading(response_pk=urgent.response_id, safety_phrases=("lawyer",))])

    page = client_for(world, "head_office").get("/cases/").content.decode()

    rows = [chunk.split('"')[0] for chunk in page.split('<tr id="case-')[1:]]
    assert rows[0] == str(urgent.pk)
    assert "Urgent: safety or legal" in page


def test_reanalysing_history_leaves_closed_cases_alone(world, django_capture_on_commit_callbacks):
    """A new model re-reads two years of verbatims: a case closed long ago must not turn urgent nor e-mail anyone."""
    case = _recovery_case(world)
    Case.objects.filter(pk=case.pk).update(status="closed")
    theme = root_causes_for(case)[0]
    reading = AnalysisReading(response_pk=case.response_id, negative_theme_codes=(theme.code,),
                              safety_phrases=("brakes failed",))

    with django_capture_on_commit_callbacks(execute=True):
        result = cases_apply_analysis(readings=[reading])

    case.refresh_from_db()
    assert result == {"suggested": 0, "urgent": 0}
    assert case.urgent_at is None and case.suggested_root_cause is None
    assert mail.outbox == []
