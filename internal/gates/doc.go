// Package gates holds the words of mlgate's quality gates: a Status, a Check
// (one rule applied to one value), a Result (one gate's verdict with its
// checks) and a Report (every gate of one run), and the gates that need no
// outside system, such as Compare (Gate 3).
//
// Gates never print and never exit: they return a Result, and the renderers in
// internal/report turn it into results.json, report.md, report.html,
// junit.xml, metrics.txt and gates.env.
package gates
