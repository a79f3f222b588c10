// Package alertmanager adapts Prometheus Alertmanager's webhook
// notifications (payload version 4) to mlbot's alerts: it parses and
// validates a body and says exactly what is wrong with a bad one.
package alertmanager
