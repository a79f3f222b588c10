// Package report renders a gate.Report into the files a GitLab pipeline
// uses: results.json (machine-readable verdicts), report.md (the
// merge-request comment), report.html (a self-contained page with SVG
// charts), junit.xml (one test case per check, for the MR test widget),
// metrics.txt (OpenMetrics, for the MR metrics widget) and gates.env
// (dotenv, for later jobs).
package report
