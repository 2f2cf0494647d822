"""The NPS statistics against worked values, closed forms, a published interval and independent brute force."""

import math

import numpy as np
import pytest

from insidetrack.analytics.nps_statistics import (
    MAX_CONCENTRATION,
    NpsCounts,
    benjamini_hochberg,
    constrained_detractor_share,
    dirichlet_multinomial_log_likelihood,
    fit_dirichlet_prior,
    nps,
    nps_against_rest,
    nps_difference,
    nps_interval_adjusted_wald,
    nps_interval_score,
    nps_shrunk,
    nps_standard_error,
    z_for,
)

Z95 = 1.959963984540054


# --- NPS and its standard error ------------------------------------------------------------------------------------


def test_worked_check_from_the_issue():
    # (detractors, passives, promoters) = (6, 12, 18), n = 36: p = 1/2, d = 1/6, NPS = 100 * (1/2 - 1/6) = 33.33.
    # Variance (p + d - (p - d)^2) / n = (0.6667 - 0.1111) / 36 = 0.015432; its root 0.12423 is 12.42 points.
    assert nps((6, 12, 18)) == pytest.approx(33.3333, abs=1e-4)
    assert nps_standard_error((6, 12, 18)) == pytest.approx(12.4226, abs=1e-4)


def test_counts_are_named_in_the_order_of_the_brief():
    counts = NpsCounts(detractors=6, passives=12, promoters=18)
    assert counts == (6, 12, 18) and counts.n == 36
    assert nps(counts) == nps((6, 12, 18))


def test_no_responses_is_no_score_not_zero():
    assert nps((0, 0, 0)) is None
    assert nps_standard_error((0, 0, 0)) is None
    assert nps_interval_adjusted_wald((0, 0, 0)) is None
    assert nps_interval_score((0, 0, 0)) is None


@pytest.mark.parametrize("function", [nps, nps_standard_error, nps_interval_adjusted_wald, nps_interval_score])
def test_negative_counts_are_refused(function):
    with pytest.raises(ValueError):
        function((-1, 2, 3))


def test_all_promoters_have_no_sampling_spread_but_an_interval_that_says_so():
    assert nps((0, 0, 5)) == 100 and nps_standard_error((0, 0, 5)) == 0
    assert nps_interval_adjusted_wald((0, 0, 5))[1] == 100  # clipped, not 103
    assert nps_interval_score((0, 0, 5))[1] == 100


def test_z_for_the_usual_levels():
    assert z_for(0.95) == pytest.approx(Z95, abs=1e-12)
    assert z_for(0.90) == pytest.approx(1.644854, abs=1e-6)
    with pytest.raises(ValueError):
        z_for(1.0)


# --- Adjusted Wald ------------------------------------------------------------------------------------------------


def test_adjusted_wald_worked_value():
    # n' = 39, p' = 18.75/39 = 0.48077, d' = 6.75/39 = 0.17308: centre 30.77 points,
    # half-width 1.96 * sqrt((0.65385 - 0.09467) / 39) = 1.96 * 0.11974 = 23.47 points.
    low, high = nps_interval_adjusted_wald((6, 12, 18))
    assert low == pytest.approx(7.3006, abs=1e-3)
    assert high == pytest.approx(54.2379, abs=1e-3)


def test_adjusted_wald_is_clipped_for_a_single_detractor():
    # n' = 4, p' = 0.1875, d' = 0.4375: centre -25, half 1.96 * sqrt((0.625 - 0.0625) / 4) = 73.50 points.
    low, high = nps_interval_adjusted_wald((1, 0, 0))
    assert (low, high) == (pytest.approx(-98.4986, abs=1e-3), pytest.approx(48.4986, abs=1e-3))
    assert nps_interval_adjusted_wald((5, 0, 0))[0] == -100.0


# --- Tango's score interval ---------------------------------------------------------------------------------------


def _brute_log_likelihood(counts, delta, d):
    """Multinomial log-likelihood with promoter share d + delta, treating 0 * log(0) as 0."""
    detractors, passives, promoters = counts
    total = np.zeros_like(d)
    for count, share in ((promoters, d + delta), (detractors, d), (passives, 1 - 2 * d - delta)):
        if count:
            total = total + count * np.log(np.maximum(share, 1e-300))
    return total


def _brute_constrained_share(counts, deltas):
    """Constrained MLE of the detractor share by golden-section search on the likelihood (concave in d), vectorised
    over deltas: independent of the closed form under test."""
    low = np.maximum(0.0, -deltas)
    high = (1 - deltas) / 2
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(90):
        left = high - ratio * (high - low)
        right = low + ratio * (high - low)
        keep_left = _brute_log_likelihood(counts, deltas, left) >= _brute_log_likelihood(counts, deltas, right)
        high = np.where(keep_left, right, high)
        low = np.where(keep_left, low, left)
    return (low + high) / 2


def _brute_score_interval(counts, step=0.0005):
    """Every delta on a fine grid whose score statistic stays within 1.96, with the constrained MLE found by numeric
    maximisation; returns the smallest and largest such delta in points."""
    detractors, passives, promoters = counts
    n = detractors + passives + promoters
    observed = (promoters - detractors) / n
    deltas = np.append(np.arange(-1 + step, 1, step), observed)
    d = _brute_constrained_share(counts, deltas)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (observed - deltas) / np.sqrt((2 * d + deltas * (1 - deltas)) / n)
    z = np.where(deltas == observed, 0.0, z)
    inside = deltas[np.abs(z) <= Z95]
    return 100 * inside.min(), 100 * inside.max()


@pytest.mark.parametrize("counts", [(6, 12, 18), (1, 2, 2), (3, 1, 1), (0, 2, 3), (1, 0, 0), (0, 0, 5), (5, 0, 0),
                                    (0, 5, 0), (16, 139, 6)])
def test_constrained_share_matches_numeric_maximisation(counts):
    deltas = np.array([-0.9, -0.5, -0.2, 0.0, 0.1, 0.4, 0.8])
    numeric = _brute_constrained_share(counts, deltas)
    closed = [constrained_detractor_share(counts, delta=float(delta)) for delta in deltas]
    assert closed == pytest.approx(list(numeric), abs=1e-7)


@pytest.mark.parametrize("counts", [(6, 12, 18), (1, 2, 2), (3, 1, 1), (0, 2, 3), (1, 0, 0), (0, 0, 5), (5, 0, 0),
                                    (0, 5, 0), (0, 1, 0), (16, 139, 6)])
def test_score_interval_matches_brute_force(counts):
    low, high = nps_interval_score(counts)
    brute_low, brute_high = _brute_score_interval(counts)
    # The grid step is 0.05 points, so the grid's extreme members sit within one step inside the true bounds.
    assert brute_low - 0.06 <= low <= brute_low + 1e-9
    assert brute_high - 1e-9 <= high <= brute_high + 0.06


def test_score_interval_reproduces_the_published_cavo_example():
    # Fagerland, Lydersen and Laake (contingencytables, "Tango asymptotic score"): the paired table [[59, 6], [16, 80]]
    # gives -0.0621 (95% CI -0.1240 to -0.0054); its 6 and 16 discordant pairs play our promoters and detractors.
    low, high = nps_interval_score((16, 59 + 80, 6))
    assert nps((16, 139, 6)) == pytest.approx(-6.21, abs=0.005)
    assert (low, high) == (pytest.approx(-12.40, abs=0.005), pytest.approx(-0.54, abs=0.005))


def test_score_interval_closed_forms_at_n_5():
    # All promoters: the constrained MLE puts every non-promoter at detractor share (1 - delta) / 2, the variance is
    # (1 - delta^2) / n, and |z| = z95 solves to delta = (n - z^2) / (n + z^2) = 1.15853 / 8.84147 = 13.10 points.
    lower = 100 * (5 - Z95**2) / (5 + Z95**2)
    assert nps_interval_score((0, 0, 5)) == (pytest.approx(lower, abs=1e-8), 100.0)
    assert nps_interval_score((5, 0, 0)) == (-100.0, pytest.approx(-lower, abs=1e-8))
    # All passives: the variance is |delta| (1 - |delta|) / n, so the bound is z^2 / (n + z^2) = 43.45 points.
    bound = 100 * Z95**2 / (5 + Z95**2)
    assert nps_interval_score((0, 5, 0)) == (pytest.approx(-bound, abs=1e-8), pytest.approx(bound, abs=1e-8))


def test_score_interval_for_the_worked_check_and_its_mirror():
    low, high = nps_interval_score((6, 12, 18))
    assert (low, high) == (pytest.approx(6.9528, abs=1e-3), pytest.approx(54.9110, abs=1e-3))
    mirrored = nps_interval_score((18, 12, 6))
    assert mirrored == (pytest.approx(-high, abs=1e-9), pytest.approx(-low, abs=1e-9))


def test_score_interval_narrows_with_the_confidence_level():
    narrow, wide = nps_interval_score((6, 12, 18), confidence=0.80), nps_interval_score((6, 12, 18))
    assert wide[0] < narrow[0] < 33.34 < narrow[1] < wide[1]


# --- Comparing two NPS --------------------------------------------------------------------------------------------


def test_difference_worked_value():
    # Dealer (6, 12, 18): 33.33 +- 12.42. Rest (20, 40, 40): p = 0.4, d = 0.2, NPS 20, SE sqrt(0.56 / 100) = 7.48.
    # Difference 13.33, SE sqrt(12.4226^2 + 7.4833^2) = sqrt(210.32) = 14.502, z = 0.9194, p = erfc(z / sqrt 2) = 0.358.
    result = nps_difference((6, 12, 18), (20, 40, 40))
    assert result.difference == pytest.approx(13.3333, abs=1e-4)
    assert result.standard_error == pytest.approx(14.5024, abs=1e-4)
    assert result.z == pytest.approx(0.91939, abs=1e-5)
    assert result.p_value == pytest.approx(0.35789, abs=1e-5)


def test_a_large_difference_is_significant():
    # Dealer (2, 8, 30): 70, SE sqrt(0.31 / 40) = 8.80. Rest (30, 50, 20): -10, SE sqrt(0.49 / 100) = 7.00.
    # z = 80 / sqrt(77.5 + 49) = 80 / 11.247 = 7.113.
    result = nps_difference((2, 8, 30), (30, 50, 20))
    assert result.z == pytest.approx(7.1129, abs=1e-4)
    assert result.p_value < 1e-11


def test_dealer_is_compared_with_the_rest_never_with_a_total_including_it():
    # Network (26, 52, 58) minus the dealer's (6, 12, 18) leaves the rest (20, 40, 40) of the worked value above.
    against_rest = nps_against_rest(dealer=(6, 12, 18), network=(26, 52, 58))
    assert against_rest == nps_difference((6, 12, 18), (20, 40, 40))
    # Against the whole network the difference would shrink to 9.80 points, since the dealer is compared with itself.
    assert nps_difference((6, 12, 18), (26, 52, 58)).difference == pytest.approx(9.8039, abs=1e-4)


@pytest.mark.parametrize("network", [(5, 12, 18), (6, 11, 18), (6, 12, 17)])
def test_dealer_counts_above_the_network_total_are_refused(network):
    with pytest.raises(ValueError):
        nps_against_rest(dealer=(6, 12, 18), network=network)


def test_a_dealer_alone_in_the_network_has_nothing_to_compare_with():
    assert nps_against_rest(dealer=(6, 12, 18), network=(6, 12, 18)) is None
    assert nps_against_rest(dealer=(0, 0, 0), network=(6, 12, 18)) is None


def test_differences_without_sampling_spread():
    same = nps_difference((0, 0, 3), (0, 0, 7))
    assert (same.difference, same.z, same.p_value) == (0.0, 0.0, 1.0)
    opposite = nps_difference((0, 0, 3), (7, 0, 0))
    assert (opposite.difference, opposite.z, opposite.p_value) == (200.0, math.inf, 0.0)


# --- Benjamini-Hochberg -------------------------------------------------------------------------------------------


def test_benjamini_hochberg_worked_example():
    # m = 5. Sorted: 0.005 (#4), 0.01 (#1), 0.03 (#3), 0.04 (#2), 0.2 (#5).
    # Thresholds k * 0.05 / 5: 0.01, 0.02, 0.03, 0.04, 0.05. The largest k with p_(k) <= threshold is 4 (0.04 <= 0.04),
    # so the four smallest are rejected. Raw m * p_(k) / k: 0.025, 0.025, 0.05, 0.05, 0.2; running minimum from the
    # top gives the q-values 0.025, 0.025, 0.05, 0.05, 0.2, put back in input order: 0.025, 0.05, 0.05, 0.025, 0.2.
    result = benjamini_hochberg([0.01, 0.04, 0.03, 0.005, 0.2], fdr=0.05)
    assert result.q_values == pytest.approx((0.025, 0.05, 0.05, 0.025, 0.2), abs=1e-12)
    assert result.rejected == (True, True, True, True, False)
    # At a 2% false discovery rate the thresholds are 0.004, 0.008, 0.012, 0.016, 0.02 and every sorted p-value
    # exceeds its own (0.005, 0.01, 0.03, 0.04, 0.2), so nothing is rejected.
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005, 0.2], fdr=0.02).rejected == (False,) * 5


def test_benjamini_hochberg_step_up_rescues_a_p_value_above_its_own_threshold():
    # Sorted 0.02, 0.025 with m = 2: 0.02 > 0.05 / 2 fails its own threshold, but 0.025 <= 0.05 at k = 2 rejects both.
    result = benjamini_hochberg([0.025, 0.02])
    assert result.rejected == (True, True)
    assert result.q_values == pytest.approx((0.025, 0.025))


def test_benjamini_hochberg_rejects_a_p_value_equal_to_its_threshold():
    # Exact in binary: thresholds 1 * 0.5 / 2 = 0.25 and 2 * 0.5 / 2 = 0.5. The rule is p_(k) <= k * fdr / m, as in the
    # paper and statsmodels, so both are rejected; a strict < would reject neither.
    assert benjamini_hochberg([0.5, 0.25], fdr=0.5).rejected == (True, True)


def test_benjamini_hochberg_caps_at_one_and_handles_nothing():
    assert benjamini_hochberg([0.9, 0.8]).q_values == pytest.approx((0.9, 0.9))
    assert benjamini_hochberg([1.0]).q_values == (1.0,)
    assert benjamini_hochberg([]).q_values == () and benjamini_hochberg([]).rejected == ()


@pytest.mark.parametrize("p_values", [[0.1, 1.2], [-0.01], [float("nan")]])
def test_benjamini_hochberg_refuses_what_is_not_a_p_value(p_values):
    with pytest.raises(ValueError):
        benjamini_hochberg(p_values)


# --- Empirical Bayes ----------------------------------------------------------------------------------------------


def test_marginal_likelihood_worked_value():
    # Under a uniform Dirichlet(1, 1, 1) one detractor then one promoter has probability E[d * pr] = 1 / (3 * 4) = 1/12.
    assert dirichlet_multinomial_log_likelihood([(1, 0, 1)], (1, 1, 1)) == pytest.approx(math.log(1 / 12), abs=1e-12)


def test_marginal_likelihood_agrees_with_math_lgamma_from_tiny_to_huge_alpha():
    dealers = [(0, 0, 0), (1, 0, 0), (6, 12, 18), (250, 400, 1350)]
    for alpha in [(1e-6, 2e-6, 3e-6), (0.3, 0.5, 2.5), (7.0, 11.0, 40.0), (1e5, 2e5, 7e5)]:
        total = sum(alpha)
        expected = sum(math.lgamma(total) - math.lgamma(sum(c) + total)
                       + sum(math.lgamma(x + a) - math.lgamma(a) for x, a in zip(c, alpha, strict=True))
                       for c in dealers)
        assert dirichlet_multinomial_log_likelihood(dealers, alpha) == pytest.approx(expected, rel=1e-12, abs=1e-7)


def _simulated_stage(alpha, dealers, responses, seed):
    rng = np.random.default_rng(seed)
    shares = rng.dirichlet(alpha, size=dealers)
    return [tuple(int(x) for x in row) for row in rng.multinomial(responses, shares)]


def test_fit_recovers_a_known_prior():
    # 2000 dealers of 40 responses drawn from Dirichlet(2, 3, 5): the maximum-likelihood alpha lands within 6%.
    alpha = fit_dirichlet_prior(_simulated_stage((2.0, 3.0, 5.0), 2000, 40, seed=20240501))
    assert alpha == pytest.approx((2.0, 3.0, 5.0), rel=0.06)


def test_fit_is_a_maximum_of_the_marginal_likelihood():
    dealers = _simulated_stage((1.5, 1.0, 4.0), 300, 25, seed=7)
    alpha = np.array(fit_dirichlet_prior(dealers))
    best = dirichlet_multinomial_log_likelihood(dealers, alpha)
    for direction in np.vstack([np.eye(3), -np.eye(3), [[1, 1, 1], [-1, -1, -1], [1, -1, 0]]]):
        assert dirichlet_multinomial_log_likelihood(dealers, alpha * np.exp(0.01 * direction)) < best


def test_shrinkage_moves_small_dealers_more_than_large_ones():
    stage = _simulated_stage((2.0, 3.0, 5.0), 60, 40, seed=11)
    small, large = (1, 1, 8), (100, 100, 800)  # both a raw NPS of +70
    result = nps_shrunk([*stage, small, large])
    shrunk_small, shrunk_large = result.shrunk_nps[-2], result.shrunk_nps[-1]
    assert result.prior_mean_nps < shrunk_small < shrunk_large < 70
    assert 70 - shrunk_small > 5 * (70 - shrunk_large)
    # The posterior mean shares, worked from the fitted alpha: (counts + alpha) / (n + sum alpha).
    a_d, a_p, a_pr = result.alpha
    assert shrunk_small == pytest.approx(100 * ((8 + a_pr) - (1 + a_d)) / (10 + a_d + a_p + a_pr), abs=1e-9)
    assert result.concentration == pytest.approx(a_d + a_p + a_pr)


def test_a_dealer_with_no_responses_gets_the_prior_mean():
    result = nps_shrunk([(0, 0, 0), (1, 2, 7), (5, 3, 2), (2, 2, 6), (4, 4, 2), (0, 0, 0)])
    a_d, a_p, a_pr = result.alpha
    assert result.prior_mean_nps == pytest.approx(100 * (a_pr - a_d) / (a_d + a_p + a_pr), abs=1e-12)
    assert result.shrunk_nps[0] == pytest.approx(result.prior_mean_nps, abs=1e-12)
    assert result.shrunk_nps[5] == pytest.approx(result.prior_mean_nps, abs=1e-12)
    assert result.concentration < 100  # these dealers differ far beyond sampling noise


def test_identical_dealers_pool_fully_at_the_cap():
    result = nps_shrunk([(6, 12, 18)] * 20)
    assert result.concentration == pytest.approx(MAX_CONCENTRATION, rel=1e-6)
    assert result.alpha == pytest.approx((MAX_CONCENTRATION / 6, MAX_CONCENTRATION / 3, MAX_CONCENTRATION / 2),
                                         rel=1e-6)
    assert result.shrunk_nps == pytest.approx((100 / 3,) * 20, abs=1e-6)
    assert nps_shrunk([(6, 12, 18)] * 20, max_concentration=500).concentration == pytest.approx(500, rel=1e-9)


def test_a_share_nobody_chose_does_not_break_the_fit():
    result = nps_shrunk([(0, 3, 7), (0, 6, 4), (0, 1, 9), (0, 5, 5)])
    assert result.alpha[0] < 1e-3
    assert all(-100 <= value <= 100 for value in result.shrunk_nps)


def test_nothing_to_fit_is_refused():
    with pytest.raises(ValueError):
        nps_shrunk([])
    with pytest.raises(ValueError):
        nps_shrunk([(0, 0, 0), (0, 0, 0)])


def test_overdispersion_is_nil_when_dealers_differ_only_by_chance():
    from insidetrack.analytics.nps_statistics import overdispersion

    # Five dealers 0.8 standard errors either side of the target: I phi = 3.2 <= I - 1 = 4, no spread beyond chance.
    result = overdispersion([8.0, -8.0, 8.0, -8.0, 8.0], [10.0] * 5, target=0.0, winsorise=0.0)
    assert result.phi == pytest.approx(0.64) and result.tau == 0.0


def test_overdispersion_recovers_the_between_dealer_spread():
    import numpy as np

    from insidetrack.analytics.nps_statistics import overdispersion

    # Worked case: four dealers, se 5 points each, z = (+3, -3, +3, -3) -> phi = 9; w = 1/25, so
    # sum w - sum w^2 / sum w = 4/25 - 1/25 = 3/25; tau^2 = (4*9 - 3) / (3/25) = 275 -> tau 16.58 points.
    result = overdispersion([15.0, -15.0, 15.0, -15.0], [5.0] * 4, target=0.0, winsorise=0.0)
    assert result.phi == pytest.approx(9.0)
    assert result.tau == pytest.approx(math.sqrt(275.0))
    # Simulated: 400 dealers with a true spread of 12 points and se 6: tau comes back close to 12.
    rng = np.random.default_rng(3)
    truth = rng.normal(0.0, 12.0, 400)
    observed = truth + rng.normal(0.0, 6.0, 400)
    assert overdispersion(list(observed), [6.0] * 400, target=0.0, winsorise=0.0).tau == pytest.approx(12.0, abs=1.2)
