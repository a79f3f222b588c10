// Package drift is the data-drift gate: it reads a reference and a
// current file (CSV, JSON lines or Parquet), or a stored reference
// profile and a current file, computes each feature's statistics with
// internal/stats, and turns them into verdicts: per-feature PSI
// thresholds, significance after the Benjamini–Hochberg correction, the
// share of drifted features, and the gate.Result with its charts.
//
// # Large samples
//
// CompareTables hands numeric columns to stats.Sorter.NumericParts,
// which counts samples of 16,384 values or more into buckets instead of
// sorting them; the results are the sorted path's (see package stats).
//
// # Stored reference profiles
//
// A Profile keeps what drift needs of a reference without its rows: exact
// PSI edges and bin counts, exact n, missing, min, max and sum per numeric
// feature, category counts, and per numeric feature a stats.Sketch.
// Against a profile, the KS statistic is within Sketch.RankError()/n of
// the exact one and Wasserstein-1 within Sketch.L1/n. ProfileFile streams
// files too large for memory twice (sketches, then the values around each
// decile), so edges stay exact with memory bounded by the number of
// features; MergeProfiles merges shard profiles, whose edges then come
// from the merged sketch and are marked approximate.
package drift
