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
//
// # Large samples
//
// CompareTables does not sort numeric columns of 16,384 values or more
// (numericBuckets): it counts both samples into buckets that follow the
// floats' order, settles KS, Wasserstein and the PSI edges from the
// buckets' counts and sums wherever they can, and sorts only the values
// of the few buckets where they cannot (where the ECDFs may cross, where
// their gap may peak, where a decile falls). The results are the sorted
// path's: the KS statistic, edges and bin counts bit for bit, Wasserstein
// within 1e-12 relative (TestBucketedMatchesSorted, FuzzBucketed, and the
// SciPy cases run through both paths). Samples holding ±Inf, magnitudes
// of 2^1023 or more, or ties so dense around the crossings that sorting
// is cheaper go to the sorted path. The KS p-value's series for large n
// is summed on a sampled grid where its terms are a smooth bell
// (smirnovLowerSum).
//
// # Stored reference profiles
//
// A Profile keeps what drift needs of a reference without its rows: exact
// PSI edges and bin counts, exact n, missing, min, max and sum per numeric
// feature, category counts, and per numeric feature a Sketch: weighted
// points with worst-case error bounds that every compression and merge
// keeps up to date. Against a profile, the KS statistic is within
// Sketch.RankError()/n of the exact one and Wasserstein-1 within
// Sketch.L1/n (tested against the exact, SciPy-checked functions on
// normal, log-normal, Cauchy, tied, spiked and constant samples).
// ProfileFile streams files too large for memory twice (sketches, then the
// values around each decile), so edges stay exact with memory bounded by
// the number of features; MergeProfiles merges shard profiles, whose edges
// then come from the merged sketch and are marked approximate.
package drift
