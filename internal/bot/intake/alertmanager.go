package intake

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// alertmanager takes a webhook notification: 401 for bad credentials, 400
// for a payload that will never be accepted, 503 for a body over
// server.max_body and 500 when the store failed (Alertmanager retries
// both), and 200 once every alert and the jobs it asks for are stored.
// Every refusal is counted by reason (refuseNotification).
func (s *Server) alertmanager(c *gin.Context) {
	if err := s.alertmanagerAuth(c.Request); err != nil {
		s.Instrumentation.NotificationsRejected.WithLabelValues(reasonUnauthorized).Inc()
		s.unauthorized(c, "alertmanager", err)
		return
	}
	body, err := s.readBody(c)
	if err != nil {
		s.refuseNotification(c, err)
		return
	}
	msg, err := Parse(body)
	if err != nil {
		s.refuseNotification(c, err)
		return
	}
	now := s.Now().UTC()
	alerts := msg.ToAlerts()
	for i := range alerts {
		alerts[i].ReceivedAt = now
		if fields := alerts[i].ScrubNUL(); len(fields) > 0 {
			s.Log.Warn("NUL bytes in an alert replaced by U+FFFD", "group_key", msg.GroupKey,
				"fingerprint", alerts[i].Fingerprint, "fields", fields)
		}
	}
	if msg.TruncatedAlerts > 0 {
		// Alertmanager cut the group at the receiver's max_alerts: those
		// alerts never reach mlbot, in this notification or a retry.
		s.Instrumentation.AlertsTruncated.Add(float64(msg.TruncatedAlerts))
		s.Log.Warn("alertmanager truncated the notification: alerts beyond max_alerts were not sent",
			"group_key", msg.GroupKey, "sent", len(alerts), "truncated", msg.TruncatedAlerts)
	}
	in, err := s.Store.SaveAlerts(c.Request.Context(), alerts, func(a bot.Alert) bot.Plan {
		return s.Config.PlanAlert(a, now)
	})
	if err != nil {
		s.refuseNotification(c, err)
		return
	}
	m := s.Instrumentation
	m.AlertsReceived.Add(float64(len(alerts)))
	m.AlertsDuplicate.Add(float64(in.Duplicate))
	m.AlertsMatched.Add(float64(in.Matched))
	m.AlertsResolved.Add(float64(in.Resolved))
	if in.Jobs > 0 && s.Wake != nil {
		s.Wake()
	}
	attrs := []any{"group_key", msg.GroupKey, "status", msg.Status, "alerts", len(alerts),
		"new", in.New, "duplicate", in.Duplicate, "resolved", in.Resolved, "jobs", in.Jobs, "remote", c.ClientIP()}
	if len(alerts) <= maxLoggedFingerprints {
		fps := make([]string, len(alerts))
		for i, a := range alerts {
			fps[i] = a.Fingerprint
		}
		attrs = append(attrs, "fingerprints", fps)
	}
	s.Log.Info("alertmanager notification stored", attrs...)
	c.Set(loggedKey, true)
	c.JSON(http.StatusOK, gin.H{"new": in.New, "duplicate": in.Duplicate, "resolved": in.Resolved, "jobs": in.Jobs})
}

// maxLoggedFingerprints bounds the fingerprints logged with a stored
// notification: a 5,000-alert group would make an 85 KB log line.
const maxLoggedFingerprints = 100

// The reasons of mlbot_notifications_rejected_total.
const (
	reasonUnauthorized = "unauthorized" // 401: Alertmanager does not retry
	reasonInvalid      = "invalid"      // 400: Alertmanager does not retry
	reasonTooLarge     = "too_large"    // 503: retried
	reasonStore        = "store"        // 500: retried
)

var rejectReasons = []string{reasonUnauthorized, reasonInvalid, reasonTooLarge, reasonStore}

// tooLargeRetryAfter is the Retry-After of a 503 for a body over the cap.
// Alertmanager's webhook notifier ignores the header (it retries any 5xx
// with its own backoff until the notification's timeout, then sends the
// group again at the next group_interval), but other senders may read it.
const tooLargeRetryAfter = "60"

// refuseNotification answers a notification that was not stored and
// counts it. A body over server.max_body is a valid notification that
// this configuration cannot take: it is answered 503 (never a 4xx, which
// Alertmanager drops for good) with Retry-After, so that Alertmanager keeps
// it and sends it again while an operator raises the cap.
func (s *Server) refuseNotification(c *gin.Context, err error) {
	reason := reasonStore
	switch {
	case errors.Is(err, errTooLarge):
		reason = reasonTooLarge
	case status(err) < 500:
		reason = reasonInvalid
	}
	s.Instrumentation.NotificationsRejected.WithLabelValues(reason).Inc()
	switch reason {
	case reasonTooLarge:
		s.Log.Error("alertmanager notification refused: raise server.max_body or lower the receiver's max_alerts",
			"err", err, "content_length", c.Request.ContentLength, "remote", c.ClientIP())
		c.Header("Retry-After", tooLargeRetryAfter)
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, gin.H{"error": err.Error() +
			": not stored; retry later (raise server.max_body or lower max_alerts)"})
		return
	case reasonInvalid:
		s.Log.Warn("alertmanager payload refused", "err", err, "remote", c.ClientIP())
	}
	s.fail(c, err)
}
