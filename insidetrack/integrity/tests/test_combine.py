"""The combined risk: alerts a head office can act on, with the evidence and the innocent explanations checked."""

from __future__ import annotations

import json

import numpy as np
import pytest

from insidetrack.integrity.policies import combine
from insidetrack.integrity.tests import HONEST_SCORES, Builder

TABLET, LOUNGE, FLEET, SMALL_TABLET = 0, 1, 2, 3


@pytest.fixture(scope="module")
def result() -> combine.ScanResult:
    b = Builder(dealers=80, seed=21)
    b.honest(range(4, 80))
    rng = b.rng
    for k in range(4):
        n = 70
        ids = 50_000 + 1_000 * k + np.arange(n)
        # A tablet at the desk: minutes after the invitation, two devices, the dealer's Wi-Fi, staff addresses.
        b.add_responses(TABLET, k, np.full(n, 10), seconds=rng.uniform(40, 400, n), device=900_000 + ids % 2,
                        network=np.full(n, 800_000), contact=700_000 + ids % 3, domain=True, changed=0.003)
        # A customer lounge: fast, on the dealer's Wi-Fi, but the customers' own phones and addresses.
        b.add_responses(LOUNGE, k, rng.choice(11, size=n, p=HONEST_SCORES), seconds=rng.uniform(300, 590, n),
                        network=np.full(n, 800_001))
        # Fleet drivers: one fleet manager's address and laptop, answering whenever he gets to it.
        b.add_responses(FLEET, k, rng.choice(11, size=n, p=HONEST_SCORES), device=np.full(n, 600_000),
                        contact=np.full(n, 600_000), network=np.full(n, 600_000))
        # The same tablet at a dealer with only 25 responses a quarter: never acted on.
        b.add_responses(SMALL_TABLET, k, np.full(25, 10), seconds=rng.uniform(40, 400, 25),
                        device=910_000 + np.arange(25) % 2, network=np.full(25, 810_000),
                        contact=710_000 + np.arange(25) % 3, domain=True, changed=0.003)
    return combine.scan(b.history(), report_risk=0.0)


def _report(result: combine.ScanResult, dealer: int, quarter: int = 3) -> combine.DealerPeriodRisk:
    name = result.dealer_names[dealer]
    return next(r for r in result.reports if r.dealer == name and r.quarter == result.quarters[quarter])


def test_a_tablet_is_alerted_as_on_site_completion_with_its_evidence(result):
    report = _report(result, TABLET)
    assert report.alert and report.strength == "strong"
    assert report.pattern == "on-site completion"
    families = {s.family for s in report.signals}
    assert {"fast_on_shared_device", "dealer_domain_contact", "contact_edited"} <= families
    finding = next(s for s in report.signals if s.family == "fast_on_shared_device")
    assert finding.p_value < 1e-6 and finding.q_value < 0.05 and finding.network_reference < 0.1
    assert finding.evidence_response_ids                                   # the answers to look at...
    dealer_ids = set(np.flatnonzero(np.asarray(result.tables[0].p) >= 0))  # (table rows are cells, not responses)
    assert dealer_ids                                                      # sanity: tables cover the scan
    # ...and a lounge cannot explain them
    assert any(item["code"] == "lounge" for item in report.explanations_ruled_out)


def test_evidence_ids_belong_to_the_dealer(result):
    report = _report(result, TABLET)
    tablet_ids = set()
    for finding in report.signals:
        tablet_ids.update(finding.evidence_response_ids)
    # responses are numbered in the order the builder added them; the tablet's are among its own rows
    assert len(tablet_ids) >= 3


def test_innocent_lounge_and_fleet_are_not_alerted(result):
    assert not result.alert[LOUNGE].any()
    assert not result.alert[FLEET].any()


def test_a_dealer_below_30_responses_is_never_alerted(result):
    assert not result.alert[SMALL_TABLET].any()
    assert not result.tested[SMALL_TABLET].any()


def test_honest_dealers_are_rarely_alerted(result):
    assert result.alert[4:].mean() < 0.02


def test_reports_are_sorted_by_risk_and_serialisable(result):
    risks = [r.risk for r in result.reports]
    assert risks == sorted(risks, reverse=True)
    payload = json.dumps([r.to_dict() for r in result.alerts()])
    assert "fast_on_shared_device" in payload
    week = result.alerts()[0].weekly
    assert len(week) in (13, 14) and sum(w["responses"] for w in week) > 0


def test_what_customers_say_about_being_asked_weighs_as_much_as_the_three_score_signals():
    """Weighted Bonferroni in the "asking or paying for 10s" pattern: a strong incentive-language reading alone
    keeps half the error budget (x2) instead of a quarter (x4); a strong score-shape reading alone gets a sixth."""
    families = list(combine.PATTERNS["asking or paying for 10s"])
    weights = np.array([combine.PATTERN_WEIGHTS["asking or paying for 10s"].get(f, 1.0) for f in families])
    present = np.ones((1, 1, 4), dtype=bool)

    def risk(strong: str, weighted: bool) -> float:
        logp = np.zeros((1, 1, 4))
        logp[0, 0, families.index(strong)] = 10 * np.log(10)  # 1 in 10^10
        return float(combine._pattern_evidence(logp, present, weights if weighted else None)[0, 0])

    two = np.log10(2)  # Fisher or the strongest, whichever is stronger: times two
    assert risk("incentive_language", weighted=False) == pytest.approx(10 - np.log10(4) - two)
    assert risk("incentive_language", weighted=True) == pytest.approx(10 - np.log10(2) - two)
    assert risk("score_shape", weighted=True) == pytest.approx(10 - np.log10(6) - two)
    # Without the words (not tested that quarter), the score signals share the budget equally, as before.
    absent = present.copy()
    absent[0, 0, families.index("incentive_language")] = False
    logp = np.zeros((1, 1, 4))
    logp[0, 0, families.index("score_shape")] = 10 * np.log(10)
    assert float(combine._pattern_evidence(logp, absent, weights)[0, 0]) == pytest.approx(10 - np.log10(3) - two)
