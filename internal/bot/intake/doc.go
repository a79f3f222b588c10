// Package intake is mlbot's HTTP face (gin): the Alertmanager intake that
// parses and validates webhook notifications (payload version 4, with an
// exact message for a bad body) and answers 2xx only once the alerts are
// stored, the GitLab and GitHub pipeline webhooks that link outcomes to
// alerts, the signed Slack endpoints (reaching the Slack side through the
// SlackBot interface it declares), health, readiness and Prometheus
// metrics. It maps error kinds to status codes in one place (errors.go).
package intake
