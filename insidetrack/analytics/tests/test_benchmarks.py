"""External benchmarks: the comparison maths against worked values, the form's rules, and head office's pages."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import pytest
from django.urls import reverse

from insidetrack.analytics.benchmarks import (
    Basis,
    PublishedNps,
    Verdict,
    benchmark_estimate,
    benchmark_problems,
    compare_with_benchmark,
    published_counts,
)
from insidetrack.analytics.forms_benchmarks import BenchmarkForm
from insidetrack.analytics.models import BenchmarkKind, ExternalBenchmark, MonthlyRollup
from insidetrack.analytics.nps_statistics import nps_difference, nps_interval_adjusted_wald
from insidetrack.analytics.services_benchmarks import BenchmarkInput, benchmark_create, published_nps
from insidetrack.core import clock
from insidetrack.core.errors import PermissionDenied, ValidationFailed
from insidetrack.core.tests.pages import client_for, tables_of
from insidetrack.journeys.models import Touchpoint

Z95 = 1.959963984540054

# --------------------------------------------------------------------------------------------------------------------
# The benchmark's own interval


def test_shares_and_size_give_the_same_adjusted_wald_interval_as_ours():
    # 58% promoters, 11% detractors of 200: counts (22, 62, 116). Adjusted: n' = 203, p' = 116.75/203 = 0.575123,
    # d' = 22.75/203 = 0.112069, centre 0.463054, variance (0.687192 - 0.214419)/203 = 0.00232893, se 0.0482590:
    # 4.826 points, half-width 1.96 * 4.826 = 9.459, interval 36.85 ... 55.76 around the published NPS of 47.
    published = PublishedNps(nps=47, sample_size=200, promoter_share=58, detractor_share=11)
    estimate = benchmark_estimate(published)
    assert published.basis is Basis.SHARES and estimate.basis is Basis.SHARES
    assert published_counts(promoter_share=58, detractor_share=11, sample_size=200) == (22, 62, 116)
    assert (estimate.low, estimate.high) == nps_interval_adjusted_wald((22, 62, 116))
    assert estimate.low == pytest.approx(36.847, abs=1e-3) and estimate.high == pytest.approx(55.764, abs=1e-3)
    assert estimate.standard_error == pytest.approx(4.8259, abs=1e-4)
    assert estimate.nps == 47 and estimate.sample_size == 200 and estimate.margin == pytest.approx(9.459, abs=1e-3)


def test_nps_and_size_only_assume_no_passives_the_widest_interval():
    # NPS 40 of 100 with no passives is 70 promoters and 30 detractors: exactly that sample's adjusted Wald interval.
    estimate = benchmark_estimate(PublishedNps(nps=40, sample_size=100))
    assert estimate.basis is Basis.NPS_AND_SIZE
    assert (estimate.low, estimate.high) == pytest.approx(nps_interval_adjusted_wald((30, 0, 70)), abs=1e-9)
    assert estimate.low == pytest.approx(21.192, abs=1e-3) and estimate.high == pytest.approx(56.478, abs=1e-3)
    # Any split with passives and the same NPS is narrower: 50% promoters, 10% detractors, 40% passives, counts
    # (10, 40, 50): variance (0.59709 - 0.15082)/103, se 0.065824, half-width 12.90 points against 17.64.
    with_passives = benchmark_estimate(PublishedNps(nps=40, sample_size=100, promoter_share=50, detractor_share=10))
    assert with_passives.margin < estimate.margin
    assert with_passives.margin == pytest.approx(12.901, abs=1e-3) and estimate.margin == pytest.approx(17.643,
                                                                                                       abs=1e-3)


def test_nps_and_size_standard_error_is_the_bound_one_minus_nps_squared():
    # At a large n the small-sample adjustment vanishes: sqrt((1 - 0.47^2) / 10^6) = 0.00088267, 0.088267 points.
    estimate = benchmark_estimate(PublishedNps(nps=47, sample_size=1_000_000))
    assert estimate.standard_error == pytest.approx(100 * math.sqrt((1 - 0.47**2) / 1_000_000), rel=1e-4)
    assert estimate.standard_error == pytest.approx(0.088267, abs=1e-6)


def test_a_bare_figure_is_a_fixed_target_without_interval():
    estimate = benchmark_estimate(PublishedNps(nps=50.5))
    assert estimate.basis is Basis.TARGET and (estimate.low, estimate.high, estimate.margin) == (None, None, None)
    assert estimate.standard_error == 0 and not estimate.has_interval
    # Shares without a sample size say nothing of the spread either.
    assert benchmark_estimate(PublishedNps(nps=47, promoter_share=58, detractor_share=11)).basis is Basis.TARGET


def test_counts_from_shares_never_exceed_the_sample():
    # 50% and 50% of 3 both round to 2 (1.5 to the even 2); the detractors give the extra answer back.
    assert published_counts(promoter_share=50, detractor_share=50, sample_size=3) == (1, 0, 2)
    assert published_counts(promoter_share=0, detractor_share=100, sample_size=7) == (7, 0, 0)


# --------------------------------------------------------------------------------------------------------------------
# The comparison


def test_against_a_fixed_target_only_our_uncertainty_counts():
    # Ours (20, 30, 50): NPS 30. Adjusted: n' = 103, p' = 50.75/103 = 0.492718, d' = 20.75/103 = 0.201456, centre
    # 0.291262, variance (0.694175 - 0.084834)/103 = 0.0059159, se 7.6915 points. Against 20: difference 10,
    # z = 10/7.6915 = 1.3001, p = 2(1 - Phi(1.3001)) = 0.1936; interval 10 -+ 1.96 * 7.6915 = -5.08 ... +25.08.
    comparison = compare_with_benchmark((20, 30, 50), benchmark_estimate(PublishedNps(nps=20)))
    assert comparison.difference == 10
    assert comparison.standard_error == pytest.approx(7.6915, abs=1e-4)
    assert comparison.z == pytest.approx(1.3001, abs=1e-4)
    assert comparison.p_value == pytest.approx(0.19355, abs=1e-5)
    assert (comparison.low, comparison.high) == pytest.approx((-5.0751, 25.0751), abs=1e-4)
    assert comparison.verdict is Verdict.NO_CLEAR_DIFFERENCE and comparison.verdict.label == "no clear difference"


def test_two_independent_samples_below():
    # Ours (200, 300, 500): NPS 30, adjusted se: n' = 1003, p' = 0.499252, d' = 0.200150, variance 0.609939/1003,
    # se 2.4660 points. Theirs: 4.8259 (shares test above). Combined sqrt(2.4660^2 + 4.8259^2) = 5.4195;
    # difference 30 - 47 = -17, z = -3.1368, p = 0.00171; interval -17 -+ 1.96 * 5.4195 = -27.62 ... -6.38.
    theirs = benchmark_estimate(PublishedNps(nps=47, sample_size=200, promoter_share=58, detractor_share=11))
    comparison = compare_with_benchmark((200, 300, 500), theirs)
    assert comparison.difference == -17
    assert comparison.standard_error == pytest.approx(5.4195, abs=1e-4)
    assert comparison.z == pytest.approx(-3.1368, abs=1e-4)
    assert comparison.p_value == pytest.approx(0.0017077, abs=1e-6)
    assert (comparison.low, comparison.high) == pytest.approx((-27.6219, -6.3781), abs=1e-4)
    assert comparison.verdict is Verdict.BELOW and comparison.verdict.label == "below"


def test_above_and_the_conservative_interval_is_less_sure():
    # Ours (100, 300, 600): NPS 50, adjusted se 2.1203 points (n' = 1003, p' = 0.598953, d' = 0.100449).
    # Theirs NPS 41 of 400 with shares 51/10: counts (40, 156, 204), se 3.3177; combined 3.9373, difference 9,
    # z = 2.2858, p = 0.02226: above. Without shares the no-passive split (118, 0, 282) gives se 4.5401, combined
    # 5.0108, z = 1.7961, p = 0.07247: the same nine points are no longer clear.
    ours = (100, 300, 600)
    with_shares = compare_with_benchmark(ours, benchmark_estimate(
        PublishedNps(nps=41, sample_size=400, promoter_share=51, detractor_share=10)))
    without = compare_with_benchmark(ours, benchmark_estimate(PublishedNps(nps=41, sample_size=400)))
    assert without.difference == with_shares.difference == 9
    assert with_shares.standard_error == pytest.approx(3.9373, abs=1e-4)
    assert with_shares.verdict is Verdict.ABOVE and with_shares.p_value == pytest.approx(0.02226, abs=1e-5)
    assert with_shares.verdict.label == "above"
    assert without.standard_error == pytest.approx(5.0108, abs=1e-4)
    assert without.verdict is Verdict.NO_CLEAR_DIFFERENCE and without.p_value == pytest.approx(0.07247, abs=1e-5)


def test_all_answers_in_one_band_do_not_make_a_zero_width_comparison():
    # Thirty 10s have a plain standard error of 0, which would make any target "significantly" different. Their
    # adjusted interval is 78.70 ... 100, which holds 95: no clear difference (adjusted se 6.2304, z = 0.8025).
    comparison = compare_with_benchmark((0, 0, 30), benchmark_estimate(PublishedNps(nps=95)))
    assert nps_interval_adjusted_wald((0, 0, 30))[0] == pytest.approx(78.698, abs=1e-3)
    assert comparison.standard_error == pytest.approx(6.2304, abs=1e-4)
    assert comparison.verdict is Verdict.NO_CLEAR_DIFFERENCE
    assert compare_with_benchmark((0, 0, 30), benchmark_estimate(PublishedNps(nps=60))).verdict is Verdict.ABOVE


def test_large_samples_agree_with_the_plain_two_sample_test():
    # The adjustment is for small samples: at these sizes the p-value is the plain z test's (nps_statistics).
    ours, theirs = (1500, 3000, 5500), (900, 1200, 1900)
    shares = PublishedNps(nps=25, sample_size=4000, promoter_share=47.5, detractor_share=22.5)
    comparison = compare_with_benchmark(ours, benchmark_estimate(shares))
    plain = nps_difference(ours, theirs)
    assert comparison.difference == plain.difference == 15
    assert comparison.standard_error == pytest.approx(plain.standard_error, rel=2e-3)
    assert comparison.p_value == pytest.approx(plain.p_value, rel=0.05)


@pytest.mark.parametrize("ours", [(10, 10, 10), (40, 20, 140), (5, 0, 0), (300, 100, 600)])
@pytest.mark.parametrize("target", [-20.0, 0.0, 33.3, 60.0])
def test_the_verdict_is_the_interval_leaving_out_zero(ours, target):
    comparison = compare_with_benchmark(ours, benchmark_estimate(PublishedNps(nps=target)))
    excludes_zero = comparison.low > 0 or comparison.high < 0
    assert (comparison.verdict is not Verdict.NO_CLEAR_DIFFERENCE) == excludes_zero == (comparison.p_value < 0.05)
    assert comparison.high - comparison.low == pytest.approx(2 * Z95 * comparison.standard_error)


def test_no_answers_of_ours_is_no_comparison():
    assert compare_with_benchmark((0, 0, 0), benchmark_estimate(PublishedNps(nps=30))) is None


# --------------------------------------------------------------------------------------------------------------------
# The rules


JAN, MAR = dt.date(2025, 1, 1), dt.date(2025, 3, 31)


@pytest.mark.parametrize("figures,expected", [
    ({"nps": 101}, {"nps": "An NPS lies between -100 and 100."}),
    ({"nps": -100.5}, {"nps": "An NPS lies between -100 and 100."}),
    ({"period_start": MAR, "period_end": JAN}, {"period_end": "The period ends before it starts."}),
    ({"promoter_share": 60, "detractor_share": 45, "nps": 15},
     {"detractor_share": "Promoters and detractors add up to more than 100%."}),
    ({"promoter_share": 58, "detractor_share": 11, "nps": 48},
     {"nps": "The NPS should be promoters minus detractors (+47.0); it is +48.0."}),
    ({"promoter_share": 58},
     {"detractor_share": "Give both shares, promoters and detractors, or neither."}),
    ({"promoter_share": 101, "detractor_share": 0, "nps": 100}, {"promoter_share": "A share lies between 0 and 100%."}),
    ({"sample_size": 0}, {"sample_size": "A sample size is at least 1 answer; leave it empty if the source gives "
                                         "none."}),
])
def test_each_rule_names_its_field(figures, expected):
    base = {"nps": 20, "period_start": JAN, "period_end": MAR}
    assert benchmark_problems(**{**base, **figures}) == expected


def test_rounding_within_half_a_point_is_accepted():
    assert benchmark_problems(nps=Decimal("47.5"), period_start=JAN, period_end=JAN, sample_size=1,
                              promoter_share=Decimal("58.2"), detractor_share=Decimal("11.2")) == {}
    assert benchmark_problems(nps=Decimal("47.6"), period_start=JAN, period_end=JAN,
                              promoter_share=Decimal("58"), detractor_share=Decimal("11")) == {
        "nps": "The NPS should be promoters minus detractors (+47.0); it is +47.6."}


# --------------------------------------------------------------------------------------------------------------------
# Pages


STAFF = ["head_office", "region_manager", "dealer_principal", "dealer_staff", "other_dealer"]
NOT_HEAD_OFFICE = ["region_manager", "dealer_principal", "dealer_staff", "other_dealer", "owner"]


def touchpoint(world, code: str) -> Touchpoint:
    return Touchpoint.objects.get(journey__brand=world.brand, journey__is_default=True, code=code)


def rollup(world, month: dt.date, dealer, code: str, bands: tuple[int, int, int]) -> None:
    MonthlyRollup.objects.create(brand=world.brand, month=month, dealer=dealer, touchpoint=touchpoint(world, code),
                                 vehicle_model="Vento", channel="email", detractors=bands[0], passives=bands[1],
                                 promoters=bands[2])


def benchmark(world, **fields) -> ExternalBenchmark:
    defaults = {"brand": world.brand, "name": "Premium UK", "period_start": dt.date(2025, 1, 15),
                "period_end": dt.date(2025, 3, 10), "nps": Decimal("20.0"), "entered_at": clock.now()}
    return ExternalBenchmark.objects.create(**{**defaults, **fields})


@pytest.fixture
def benchmarked(world):
    """Rollups of early 2025 and three benchmarks of ours, one of another brand.

    Handover: January, dealer A (10, 15, 25) and March, dealer C (10, 15, 25): (20, 30, 50), NPS 30, over the
    months of a mid-January to mid-March period. Decoys the handover benchmark must not count: December 2024 and
    April 2025 handovers, and a February service visit (which the whole-journey benchmark does count).
    """
    from insidetrack.journeys.services import brand_setup

    MonthlyRollup.objects.all().delete()
    rollup(world, dt.date(2025, 1, 1), world.dealer_a, "handover", (10, 15, 25))
    rollup(world, dt.date(2025, 3, 1), world.dealer_c, "handover", (10, 15, 25))
    rollup(world, dt.date(2024, 12, 1), world.dealer_a, "handover", (50, 0, 0))
    rollup(world, dt.date(2025, 4, 1), world.dealer_b, "handover", (50, 0, 0))
    rollup(world, dt.date(2025, 2, 1), world.dealer_b, "service_visit", (50, 0, 0))
    other = brand_setup(name="Other Marque")
    return {
        "target": benchmark(world, name="Premium UK, handover", kind=BenchmarkKind.INDUSTRY,
                            touchpoint=touchpoint(world, "handover"), source="Illustrative study"),
        "shares": benchmark(world, name="Rival brand", period_start=dt.date(2025, 1, 1),
                            period_end=dt.date(2025, 2, 28), nps=Decimal("47.0"), sample_size=200,
                            promoter_share=Decimal("58.00"), detractor_share=Decimal("11.00")),
        "empty": benchmark(world, name="Last year's target", kind=BenchmarkKind.INTERNAL,
                           period_start=dt.date(2023, 1, 1), period_end=dt.date(2023, 12, 31)),
        "other_brand": benchmark(world, brand=other, name="Not ours"),
    }


@pytest.mark.parametrize("role", [*STAFF, "owner", "anonymous"])
@pytest.mark.parametrize("url_name", ["analytics:benchmarks", "analytics:benchmark_new"])
def test_benchmark_pages_are_head_office_only(world, role, url_name):
    response = client_for(world, role).get(reverse(url_name))
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == (200 if role == "head_office" else 403)


def test_list_compares_each_benchmark_with_our_nps_over_its_months(world, benchmarked):
    page = client_for(world, "head_office").get(reverse("analytics:benchmarks")).content.decode()
    rows = tables_of(page)["benchmarks"]
    assert rows[0] == ["Benchmark", "Period", "Their NPS ± 95% margin", "Our NPS ± 95% margin",
                       "Difference (95% interval)", "p-value", "Verdict", "Actions"]
    body = {row[0].split(" ")[0] + " " + row[0].split(" ")[1]: row for row in rows[1:]}
    assert len(rows) == 4 and "Not ours" not in page
    # Latest period first: the handover benchmark ends in March, the rival in February, the old target in 2023.
    assert [row[0].split(" Industry")[0].split(" Another")[0].split(" Our own")[0] for row in rows[1:]] == [
        "Premium UK, handover", "Rival brand", "Last year's target"]
    handover = body["Premium UK,"]
    # Ours (20, 30, 50) against the fixed target 20: the worked values of the target test above.
    assert handover == [
        "Premium UK, handover Industry · Handover Illustrative study",
        "15 Jan 2025 \u2013 10 Mar 2025 ours: Jan 2025 to Mar 2025",
        "+20 target, no interval",
        "+30 ± 15 n=100 +14 … +44",
        "+10 -5 … +25",
        "0.194",
        "no clear difference",
        "Edit · Delete",
    ]
    rival = body["Rival brand"]
    # Whole journey, January and February: handover (10, 15, 25) + service visit (50, 0, 0) = (60, 15, 25), NPS -35.
    assert rival[2] == "+47 ± 9 +37 … +56 · n=200"
    assert rival[3] == "-35 ± 16 n=100 -50 … -18"
    # Difference -82, se hypot(ours adjusted 8.39, theirs 4.83) = 9.68: -101 ... -63, far from zero.
    assert rival[4:7] == ["-82 -101 … -63", "< 0.001", "below"]
    old = body["Last year's"]
    assert old[3] == "no responses" and old[4] == "—" and old[6] == "no answers of ours in these months"


def test_list_query_count_is_pinned(world, benchmarked, django_assert_max_num_queries):
    for index in range(5):
        benchmark(world, name=f"Extra {index}", touchpoint=touchpoint(world, "service_visit"))
    client = client_for(world, "head_office")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("analytics:benchmarks")).status_code == 200


VALID = {"name": "Premium segment, UK", "kind": "industry", "source": "Illustrative", "touchpoint": "",
         "period_start": "2025-01-01", "period_end": "2025-12-31", "nps": "47.0", "sample_size": "1850",
         "promoter_share": "58", "detractor_share": "11"}


def test_head_office_adds_a_benchmark(world):
    response = client_for(world, "head_office").post(reverse("analytics:benchmark_new"), VALID)
    assert response.status_code == 302 and response["Location"] == reverse("analytics:benchmarks")
    saved = ExternalBenchmark.objects.get()
    assert (saved.brand, saved.name, saved.kind, saved.touchpoint, saved.nps, saved.sample_size) == (
        world.brand, "Premium segment, UK", "industry", None, Decimal("47.0"), 1850)
    assert (saved.promoter_share, saved.detractor_share) == (Decimal("58"), Decimal("11"))
    assert saved.entered_by == world.users["head_office"] and saved.period_end == dt.date(2025, 12, 31)


@pytest.mark.parametrize("changes,field,message", [
    ({"nps": "120"}, "nps", "An NPS lies between -100 and 100."),
    ({"period_end": "2024-12-31"}, "period_end", "The period ends before it starts."),
    ({"promoter_share": "70", "detractor_share": "40", "nps": "30"}, "detractor_share",
     "Promoters and detractors add up to more than 100%."),
    ({"nps": "45"}, "nps", "The NPS should be promoters minus detractors (+47.0); it is +45.0."),
    ({"name": ""}, "name", "This field is required."),
])
def test_a_refused_benchmark_names_the_field_and_writes_nothing(world, changes, field, message):
    response = client_for(world, "head_office").post(reverse("analytics:benchmark_new"), {**VALID, **changes})
    assert response.status_code == 422
    assert response.context["form"].errors == {field: [message]}
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not ExternalBenchmark.objects.exists()


def test_form_accepts_a_bare_figure_and_a_touchpoint_of_the_journey(world):
    handover = touchpoint(world, "handover")
    form = BenchmarkForm({**VALID, "sample_size": "", "promoter_share": "", "detractor_share": "",
                          "touchpoint": str(handover.pk)}, actor=world.actors["head_office"])
    assert form.is_valid(), form.errors
    data = form.as_input()
    assert (data.touchpoint_pk, data.sample_size, data.promoter_share, data.nps) == (handover.pk, None, None,
                                                                                      Decimal("47.0"))


def test_head_office_edits_and_deletes(world, benchmarked):
    client = client_for(world, "head_office")
    target = benchmarked["target"]
    url = reverse("analytics:benchmark_edit") + f"?pk={target.pk}"
    assert 'value="Premium UK, handover"' in client.get(url).content.decode()
    response = client.post(url, {**VALID, "name": "Premium UK, renamed", "touchpoint": str(target.touchpoint_id)})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.name, target.nps, target.sample_size, target.touchpoint.code) == (
        "Premium UK, renamed", Decimal("47.0"), 1850, "handover")
    delete = reverse("analytics:benchmark_delete") + f"?pk={target.pk}"
    assert "Delete “Premium UK, renamed”" in client.get(delete).content.decode()
    assert ExternalBenchmark.objects.filter(pk=target.pk).exists()  # asking is not deleting
    assert client.post(delete).status_code == 302
    assert not ExternalBenchmark.objects.filter(pk=target.pk).exists()


def test_another_brands_benchmark_is_not_found(world, benchmarked):
    client = client_for(world, "head_office")
    other = benchmarked["other_brand"]
    assert client.get(reverse("analytics:benchmark_edit") + f"?pk={other.pk}").status_code == 404
    assert client.post(reverse("analytics:benchmark_delete") + f"?pk={other.pk}").status_code == 404
    assert client.post(reverse("analytics:benchmark_edit") + f"?pk={other.pk}", VALID).status_code == 404
    assert ExternalBenchmark.objects.filter(pk=other.pk, name="Not ours").exists()
    assert client.get(reverse("analytics:benchmark_edit")).status_code == 404  # no benchmark named


def _snapshot() -> list[tuple]:
    return list(ExternalBenchmark.objects.order_by("pk").values_list("pk", "name", "nps", "period_end"))


@pytest.mark.parametrize("role", [*NOT_HEAD_OFFICE, "anonymous"])
def test_only_head_office_writes(world, benchmarked, role):
    client = client_for(world, role)
    target = benchmarked["target"]
    before = _snapshot()
    answers = [
        client.post(reverse("analytics:benchmark_new"), VALID),
        client.post(reverse("analytics:benchmark_edit") + f"?pk={target.pk}", {**VALID, "name": "Hijacked"}),
        client.post(reverse("analytics:benchmark_delete") + f"?pk={target.pk}"),
        client.get(reverse("analytics:benchmark_edit") + f"?pk={target.pk}"),
        client.get(reverse("analytics:benchmark_delete") + f"?pk={target.pk}"),
    ]
    expected = 302 if role == "anonymous" else 403
    assert [answer.status_code for answer in answers] == [expected] * 5
    assert _snapshot() == before


@pytest.mark.parametrize("role", NOT_HEAD_OFFICE)
def test_services_refuse_other_roles(world, role):
    data = BenchmarkInput(name="X", period_start=JAN, period_end=MAR, nps=Decimal("10"))
    with pytest.raises(PermissionDenied):
        benchmark_create(actor=world.actors[role], data=data)
    assert not ExternalBenchmark.objects.exists()


def test_services_refuse_what_the_form_refuses(world):
    from insidetrack.journeys.services import brand_setup

    actor = world.actors["head_office"]
    with pytest.raises(ValidationFailed) as refused:
        benchmark_create(actor=actor, data=BenchmarkInput(name="X", period_start=MAR, period_end=JAN,
                                                          nps=Decimal("10")))
    assert refused.value.field == "period_end" and refused.value.status == 422
    foreign = Touchpoint.objects.filter(journey__brand=brand_setup(name="Other Marque"), code="handover").get()
    with pytest.raises(ValidationFailed) as refused:
        benchmark_create(actor=actor, data=BenchmarkInput(name="X", period_start=JAN, period_end=MAR,
                                                          nps=Decimal("10"), touchpoint_pk=foreign.pk))
    assert refused.value.field == "touchpoint"
    assert not ExternalBenchmark.objects.exists()


# --------------------------------------------------------------------------------------------------------------------
# Demo


def test_demo_benchmarks_are_valid_labelled_and_written_once(world):
    from insidetrack.demo.generator.benchmarks import demo_benchmarks_create

    end = dt.date(2026, 7, 14)
    first = demo_benchmarks_create(brand=world.brand, end=end)
    again = demo_benchmarks_create(brand=world.brand, end=end)
    assert [b.pk for b in first] == [b.pk for b in again] and ExternalBenchmark.objects.count() == 4
    periods = {b.name: (b.period_start, b.period_end, b.touchpoint.code if b.touchpoint else None) for b in again}
    assert periods == {
        "Premium segment, UK: sales and handover": (dt.date(2025, 1, 1), dt.date(2025, 12, 31), "handover"),
        "Premium segment, Germany: workshop service": (dt.date(2025, 1, 1), dt.date(2025, 12, 31), "service_visit"),
        "Rival premium brand, Europe": (dt.date(2025, 7, 1), dt.date(2026, 6, 30), None),
        "Our target for the year": (dt.date(2026, 1, 1), dt.date(2026, 7, 13), None),
    }
    assert {benchmark_estimate(published_nps(b)).basis for b in again} == set(Basis)
    for b in again:
        assert "Illustrative figures invented" in b.source
        assert benchmark_problems(nps=b.nps, period_start=b.period_start, period_end=b.period_end,
                                  sample_size=b.sample_size, promoter_share=b.promoter_share,
                                  detractor_share=b.detractor_share) == {}
    # A January end: last year is the one before the world's last day, the target year has one day.
    by_name = {b.name: b for b in demo_benchmarks_create(brand=world.brand, end=dt.date(2026, 1, 2))}
    assert by_name["Our target for the year"].period_start == by_name["Our target for the year"].period_end == \
        dt.date(2026, 1, 1)
    assert by_name["Rival premium brand, Europe"].period_start == dt.date(2025, 1, 1)
