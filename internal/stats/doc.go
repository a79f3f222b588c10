// Package stats computes the statistics that tell whether a feature's
// distribution moved between a reference sample and a current one: PSI, KL
// divergence, Jensen–Shannon distance, the two-sample Kolmogorov–Smirnov
// test (with the Kolmogorov and Smirnov distributions behind its p-value)
// and Wasserstein-1 for numeric features; chi-square, PSI and
// Jensen–Shannon over category shares for categorical ones; the
// Benjamini–Hochberg correction across features; and the L2-regularised
// logistic regression and ROC AUC the concept-drift gate trains and
// scores with. It holds no thresholds and no verdicts (those are the
// gates' in internal/gate/drift and internal/gate/concept) and imports
// nothing of the project but internal/dataset/hugemem (for the radix sort's
// buffers).
//
// Logarithms are natural throughout: PSI and KL are in nats, and the
// Jensen–Shannon distance is scipy.spatial.distance.jensenshannon with its
// default base e, so it lies between 0 and sqrt(ln 2) ≈ 0.8326 (divide by
// sqrt(ln 2) for the base-2 distance, between 0 and 1).
//
// Every function is pure and follows SciPy's definition of the same
// statistic (see testdata/reference.py, which generates the committed
// reference values the tests compare against; testdata/logistic.py does
// the same with scikit-learn for the logistic regression).
//
// # Large samples
//
// Sorter.NumericParts does not sort numeric samples of 16,384 values or
// more (numericBuckets): it counts both samples into buckets that follow
// the floats' order, settles KS, Wasserstein and the PSI edges from the
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
// # Sketches
//
// A Sketch keeps a sample as weighted points with worst-case error
// bounds that every compression and merge keeps up to date
// (SketchBuilder, MergeSketches). Against a sketch, the KS statistic is
// within Sketch.RankError()/n of the exact one and Wasserstein-1 within
// Sketch.L1/n (SketchKSW; tested against the exact, SciPy-checked
// functions on normal, log-normal, Cauchy, tied, spiked and constant
// samples). An EdgePlan turns a sketch and a second pass over the values
// into exact decile edges with memory bounded by the sketch's error.
package stats
