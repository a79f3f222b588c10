// Package pushgw sends gate results to a Prometheus Pushgateway with
// client_golang's push package, so that alert rules can watch drift
// between scheduled pipelines.
package pushgw
