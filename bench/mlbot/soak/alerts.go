package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// counters are the soak's tallies of what it sent and what was answered.
type counters struct {
	notifications, notificationsAcked, notificationRetries atomic.Int64
	// refused counts requests answered 4xx (never retried).
	refused                                     atomic.Int64
	alerts, canaries, resolves                  atomic.Int64
	events, eventsAcked, eventRetries           atomic.Int64
	clicks, clicksAcked, clickRetries           atomic.Int64
	commands, commandsAcked, commandsUnanswered atomic.Int64
}

// alertState is one alert the soak made up: its number n (the label n,
// the pipeline variable N), its fingerprint and when it started.
type alertState struct {
	n        int64
	name     string
	startsAt time.Time
	resolved bool
	sentRes  int // notifications that carried it resolved
}

// group is an Alertmanager group: every notification carries the whole
// group, so the alerts still firing are sent again (repeats) and
// resolved ones are sent resolved a few times, then dropped.
type group struct {
	key    string
	alerts []*alertState
}

// alertTraffic makes up Alertmanager notifications: drift alerts in
// groups (each matched by the retrain rule) and canary alerts in one
// group (each proposes a rollback).
type alertTraffic struct {
	s      *soak
	groups []*group
	canary *group
	next   int64

	mu sync.Mutex
	// acked holds the alerts that reached mlbot firing in a notification
	// answered 200, by n; kind says "drift" or "canary".
	acked map[int64]string
}

func newAlertTraffic(s *soak, groups int) *alertTraffic {
	t := &alertTraffic{s: s, acked: map[int64]string{}, canary: &group{key: `{}:{alertname="CanaryDegraded"}`}}
	for i := range groups {
		t.groups = append(t.groups, &group{key: fmt.Sprintf(`{}:{alertname="FeatureDrift",model="m%d"}`, i)})
	}
	return t
}

// tick sends one notification: a drift group's, now and then the canary
// group's, with new alerts added and old ones resolved.
func (t *alertTraffic) tick(r *rand.Rand) {
	g := t.groups[r.IntN(len(t.groups))]
	name := "FeatureDrift"
	if r.IntN(40) == 0 {
		g, name = t.canary, "CanaryDegraded"
	}
	// Add 0-2 new alerts (a canary group gets one at most), resolve the
	// oldest once the group holds more than a few.
	add := r.IntN(3)
	if g == t.canary {
		add = min(add, 1)
	}
	for range add {
		t.next++
		g.alerts = append(g.alerts, &alertState{n: t.next, name: name, startsAt: time.Now().UTC().Truncate(time.Millisecond)})
		if name == "CanaryDegraded" {
			t.s.c.canaries.Add(1)
		} else {
			t.s.c.alerts.Add(1)
		}
	}
	firing := 0
	for _, a := range g.alerts {
		if !a.resolved {
			firing++
		}
	}
	if firing > 6 {
		for _, a := range g.alerts {
			if !a.resolved {
				a.resolved = true
				t.s.c.resolves.Add(1)
				break
			}
		}
	}
	body, firingNs := t.body(g)
	// Resolved alerts are sent in two notifications, then dropped, as
	// Alertmanager drops them after resolve_timeout.
	kept := g.alerts[:0]
	for _, a := range g.alerts {
		if a.resolved {
			a.sentRes++
			if a.sentRes > 2 {
				continue
			}
		}
		kept = append(kept, a)
	}
	g.alerts = kept
	if len(firingNs) == 0 && len(g.alerts) == 0 {
		return
	}
	kind := "drift"
	if g == t.canary {
		kind = "canary"
	}
	t.s.c.notifications.Add(1)
	t.s.inflight.Add(1)
	go func() {
		defer t.s.inflight.Done()
		if t.s.deliver("/v1/alertmanager", func() *http.Request {
			req, _ := http.NewRequest("POST", "", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer am-token")
			return req
		}, &t.s.c.notificationRetries, &t.s.c.refused) {
			t.s.c.notificationsAcked.Add(1)
			t.mu.Lock()
			for _, n := range firingNs {
				t.acked[n] = kind
			}
			t.mu.Unlock()
		}
	}()
}

// body is g's notification (Alertmanager webhook version 4) and the
// numbers of the alerts it carries firing.
func (t *alertTraffic) body(g *group) ([]byte, []int64) {
	var alerts []map[string]any
	var firing []int64
	status := "resolved"
	for _, a := range g.alerts {
		st, ends := "firing", "0001-01-01T00:00:00Z"
		if a.resolved {
			st, ends = "resolved", time.Now().UTC().Format(time.RFC3339Nano)
		} else {
			status = "firing"
			firing = append(firing, a.n)
		}
		labels := map[string]string{"alertname": a.name, "severity": "critical", "model": "rec", "n": fmt.Sprint(a.n)}
		if a.name == "FeatureDrift" {
			labels["feature"] = fmt.Sprint("f", a.n%7)
		}
		alerts = append(alerts, map[string]any{"status": st, "labels": labels,
			"annotations": map[string]string{"psi": "0.41"}, "startsAt": a.startsAt.Format(time.RFC3339Nano), "endsAt": ends,
			"fingerprint": fmt.Sprintf("%016x", a.n), "generatorURL": "http://prometheus.example/graph"})
	}
	b, _ := json.Marshal(map[string]any{"version": "4", "groupKey": g.key, "status": status, "receiver": "mlbot",
		"groupLabels": map[string]string{"alertname": "x"}, "alerts": alerts, "truncatedAlerts": 0})
	return b, firing
}

// deliver sends a request to one replica or the other, as a client that
// knows both addresses: a refused connection, a timeout or a 5xx is
// retried later (with backoff, on either replica) until answered 200 or
// the soak's last call; a 4xx is final (counted in refused). It reports
// whether the request was acknowledged.
func (s *soak) deliver(path string, build func() *http.Request, retries, refused *atomic.Int64) bool {
	backoff := 500 * time.Millisecond
	for {
		rep := s.replicas[rand.IntN(len(s.replicas))]
		req := build()
		req.URL, _ = req.URL.Parse("http://" + rep.addr + path)
		req.Host = rep.addr
		resp, err := s.http.Do(req)
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case resp.StatusCode == 200:
				return true
			case resp.StatusCode < 500:
				refused.Add(1)
				s.logf("%s refused %s: %d %s", rep.name, path, resp.StatusCode, bytes.TrimSpace(b))
				return false
			}
		}
		if time.Now().After(s.giveUp) {
			return false
		}
		retries.Add(1)
		time.Sleep(backoff + rand.N(backoff))
		backoff = min(2*backoff, 8*time.Second)
	}
}
