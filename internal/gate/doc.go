// Package gate holds the words of mlgate's quality gates: a Status, a Rule,
// a Check (one rule applied to one value), a Result (one gate's verdict with
// its checks), a Report (every gate of one run), the error kinds that map
// to exit codes, and Gate, the interface every gate implements so that
// `gate-runner run` can iterate them.
//
// Each gate lives in its own package below this one (tests, data, compare,
// abtest, canary, drift, concept); internal/gate/runner builds them from
// the config and runs them. Gates never print and never exit: they return
// a Result, and the renderers in internal/report turn it into results.json,
// report.md, report.html, junit.xml, metrics.txt and gates.env.
package gate
