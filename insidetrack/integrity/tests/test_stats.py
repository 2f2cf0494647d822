"""The statistical building blocks: BH q-values, beta-binomial tails, the robust null fit."""

from __future__ import annotations

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

from insidetrack.integrity.policies.stats import betabinom_sf, bh_qvalues, fit_betabinomial


def test_bh_matches_statsmodels_and_keeps_untested_cells_untested():
    rng = np.random.default_rng(0)
    p = np.concatenate([rng.uniform(size=200), rng.uniform(0, 1e-4, size=20)])
    p_with_gaps = np.concatenate([p, [np.nan, np.nan]])
    q = bh_qvalues(p_with_gaps)
    expected = multipletests(p, method="fdr_bh")[1]
    np.testing.assert_allclose(q[:-2], expected)
    assert np.isnan(q[-2:]).all()


def test_bh_preserves_the_order_of_the_evidence():
    p = np.array([0.04, 0.001, 0.5, 0.01, 0.03])
    q = bh_qvalues(p)
    assert (np.diff(q[np.argsort(p)]) >= 0).all()              # a smaller p never gets a larger q
    assert (q >= p).all()
    # 0.001 -> 0.005 and 0.01 -> 0.025; 0.03 and 0.04 share q = 0.05 (step-up); 0.5 stays 0.5
    np.testing.assert_allclose(q, [0.05, 0.005, 0.5, 0.025, 0.05])


def test_beta_binomial_tail_matches_direct_summation():
    rng = np.random.default_rng(1)
    n = rng.integers(1, 300, 300).astype(float)
    p = rng.uniform(0.001, 0.6, 300)
    rho = rng.uniform(1e-4, 0.3, 300)
    x = np.floor(rng.uniform(0, 1, 300) ** 2 * n)
    a, b = p * (1 - rho) / rho, (1 - p) * (1 - rho) / rho
    exact = np.array([stats.betabinom.pmf(np.arange(x[i], n[i] + 1), n[i], a[i], b[i]).sum() for i in range(300)])
    got = betabinom_sf(x, n, p, rho)
    np.testing.assert_allclose(got, exact, rtol=1e-3, atol=1e-9)


def test_null_fit_is_not_pulled_by_a_few_gaming_dealers():
    rng = np.random.default_rng(2)
    dealers, quarters = 100, 8
    unit = np.repeat(np.arange(dealers), quarters)
    n = np.full(dealers * quarters, 80.0)
    rate = rng.beta(0.05 * 200, 0.95 * 200, dealers)[unit]           # honest: about 5 %, dealers differ a little
    rate[unit < 6] = 0.4                                               # six dealers at 40 %
    x = rng.binomial(n.astype(int), rate).astype(float)
    mean, rho = fit_betabinomial(x, n, np.zeros(len(x), dtype=int), 1, np.ones(len(x), dtype=bool), units=unit)
    assert abs(mean[0] - 0.05) < 0.006
    assert rho[0] < 0.02
    naive = x.sum() / n.sum()
    assert naive > 0.065                                               # what an unguarded mean would have said
