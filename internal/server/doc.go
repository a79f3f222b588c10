// Package server is mlbot's HTTP face (gin): the Alertmanager intake that
// answers 2xx only once alerts are stored, the GitLab and GitHub pipeline
// webhooks that link outcomes to alerts, health, readiness and Prometheus
// metrics. It maps error kinds to status codes in one place (errors.go).
package server
