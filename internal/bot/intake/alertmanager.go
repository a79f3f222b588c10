package intake

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// alertmanager takes a webhook notification: 401 for bad credentials, 413
// for a body over 1 MiB, 400 for a payload that will never be accepted,
// 500 only when the store failed (Alertmanager then retries), and 200 once
// every alert and the jobs it asks for are stored.
func (s *Server) alertmanager(c *gin.Context) {
	if err := s.alertmanagerAuth(c.Request); err != nil {
		s.unauthorized(c, "alertmanager", err)
		return
	}
	body, err := readBody(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	msg, err := Parse(body)
	if err != nil {
		s.Log.Warn("alertmanager payload refused", "err", err)
		s.fail(c, err)
		return
	}
	now := s.Now().UTC()
	alerts := msg.ToAlerts()
	for i := range alerts {
		alerts[i].ReceivedAt = now
	}
	in, err := s.Store.SaveAlerts(c.Request.Context(), alerts, func(a bot.Alert) bot.Plan {
		return s.Config.PlanAlert(a, now)
	})
	if err != nil {
		s.fail(c, err)
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
	fps := make([]string, len(alerts))
	for i, a := range alerts {
		fps[i] = a.Fingerprint
	}
	s.Log.Info("alertmanager notification stored", "group_key", msg.GroupKey, "status", msg.Status,
		"fingerprints", fps, "new", in.New, "duplicate", in.Duplicate, "resolved", in.Resolved, "jobs", in.Jobs,
		"remote", c.ClientIP())
	c.Set(loggedKey, true)
	c.JSON(http.StatusOK, gin.H{"new": in.New, "duplicate": in.Duplicate, "resolved": in.Resolved, "jobs": in.Jobs})
}
