// Package drift computes the statistics that tell whether a feature's
// distribution moved between a reference sample and a current one: PSI, KL
// divergence, Jensen–Shannon distance, the two-sample Kolmogorov–Smirnov
// test and Wasserstein-1 for numeric features; chi-square, PSI and
// Jensen–Shannon over category shares for categorical ones; and the
// Benjamini–Hochberg correction across features.
//
// Every function is pure and follows SciPy's definition of the same
// statistic (see testdata/reference.py, which generates the committed
// reference values the tests compare against).
package drift
