// Package e2e holds the whole-loop test of mlgate (`make e2e`): gate-runner
// drift pushes to a real Pushgateway, a real Prometheus scrapes it and
// evaluates the shipped alert rules, a real Alertmanager routes the alert
// with the shipped routing to mlbot, and mlbot starts one retraining
// pipeline on a recording GitLab stand-in. The package has no code of its
// own; the test is in loop_test.go and its helpers in procs_test.go.
package e2e
