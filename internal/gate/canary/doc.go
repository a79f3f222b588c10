// Package canary judges a canary's health from Prometheus: threshold checks
// on PromQL values (the plan's error rate under 1% and p95 latency under
// 300 ms over the window), each pass, fail or nodata, and optionally a
// Kayenta-style comparison of canary against baseline: the Mann–Whitney U
// test over range-query samples of each, where a significant difference
// whose effect (ratio of means, canary / baseline) leaves the tolerance band
// is High or Low.
package canary
