// Package runner builds mlgate's gates from a config and runs them: the
// registry of gates by config name (every gate `gate-runner run` knows:
// tests, data, compare, abtest, canary, drift and concept), the outside
// systems they read through it (Prometheus clients, GitLab and MLflow
// baselines, JUnit globs), and the merging of several runs' results.json
// into one report. cmd/gate-runner parses flags into the config and calls
// it; the gates themselves live in the packages beside this one.
package runner
