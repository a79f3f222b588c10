// Package abtest holds the statistics of Gate 4 (online A/B tests) and of the
// canary judgement, as pure functions over counts and samples. Every figure
// is checked against SciPy and statsmodels on the cases in
// testdata/reference.json (made by testdata/reference.py).
//
// Conventions: "a" is the control (production) group and "b" the challenger;
// a difference is b − a and a lift is (b − a) / a.
//
// The tests:
//
//   - ProportionZTest: the pooled two-proportion z-test, two-sided, as
//     statsmodels' proportions_ztest: p̂ = (x_a + x_b)/(n_a + n_b),
//     z = (x_b/n_b − x_a/n_a) / sqrt(p̂(1−p̂)(1/n_a + 1/n_b)), p = 2·Φ(−|z|).
//   - Welch: Welch's unequal-variance t-test, as scipy.stats.ttest_ind with
//     equal_var=False, with the Welch–Satterthwaite degrees of freedom and
//     the Student t distribution of gonum.
//   - MannWhitney: the Mann–Whitney U test with average ranks for ties, the
//     tie-corrected variance and a continuity correction, as
//     scipy.stats.mannwhitneyu(method="asymptotic", use_continuity=True).
//   - Lift: the relative lift (m_b − m_a)/m_a with a confidence interval by
//     the delta method: Var(m_b/m_a) ≈ v_b/m_a² + m_b²·v_a/m_a⁴, where v is
//     the variance of each mean (p(1−p)/n for a proportion, s²/n for a mean),
//     as GrowthBook's frequentist engine does. The interval is symmetric.
//   - SampleRatio: the sample-ratio-mismatch chi-square goodness-of-fit test
//     of the observed group sizes against the configured split, as
//     scipy.stats.chisquare; a mismatch is flagged at p < 0.001.
//   - SampleSize / Power: the per-group sample size for two proportions with
//     Cohen's effect size h = 2·asin√p_b − 2·asin√p_a and the normal power
//     function with both tails, power = Φ(h·√ñ − z_{1−α/2}) +
//     Φ(−h·√ñ − z_{1−α/2}), ñ = 1/(1/n_a + 1/n_b), solved for n_a, as
//     statsmodels' NormalIndPower.solve_power.
//
// The sequential mode is the mixture sequential probability ratio test
// (mSPRT) of Johari, Pekelis and Walsh, "Always valid inference: continuous
// monitoring of A/B tests" (Operations Research, 2022), with a normal mixing
// distribution N(θ₀, τ²) over the effect. With θ̂ the observed difference
// b − a and V its variance at a look (V = v_a + v_b above), the mixture
// likelihood ratio against H₀: θ = θ₀ is
//
//	Λ = sqrt(V / (V + τ²)) · exp( τ²·(θ̂ − θ₀)² / (2·V·(V + τ²)) )
//
// and the always-valid p-value after looks 1..k is p_k = min(1, 1/Λ_1, …,
// 1/Λ_k). Rejecting when p_k ≤ α keeps the false-positive rate at most α
// however often and whenever one looks (the simulation test shows it for 30
// looks). For two groups of n with known variance σ², V = 2σ²/n and the
// formula is the paper's Λ_n = sqrt(2σ²/(2σ²+nτ²)) · exp(n²τ²(Ȳ−X̄−θ₀)² /
// (4σ²(2σ²+nτ²))). The variance is estimated from the data at each look,
// as the paper does for Bernoulli data.
package abtest
