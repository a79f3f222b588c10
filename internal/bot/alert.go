package bot

import (
	"sort"
	"strings"
	"time"
)

// Alert statuses as Alertmanager sends them.
const (
	StatusFiring   = "firing"
	StatusResolved = "resolved"
)

// Alert is one alert of an Alertmanager notification, with the group it
// came in. Its identity is (GroupKey, Fingerprint, StartsAt): Alertmanager
// re-sends the same alert every repeat_interval, and a resolved alert that
// fires again gets a new StartsAt.
type Alert struct {
	// ID is the store's id; zero until stored.
	ID           int64
	GroupKey     string
	Receiver     string
	Fingerprint  string
	Status       string
	Labels       map[string]string
	Annotations  map[string]string
	StartsAt     time.Time
	EndsAt       time.Time
	GeneratorURL string
	// ReceivedAt is when mlbot stored it.
	ReceivedAt time.Time
}

// Name returns the alertname label.
func (a Alert) Name() string { return a.Labels["alertname"] }

// Firing reports whether the alert is firing.
func (a Alert) Firing() bool { return a.Status == StatusFiring }

// LabelString returns the labels as {a="1", b="2"} in name order, for logs
// and messages.
func (a Alert) LabelString() string {
	names := make([]string, 0, len(a.Labels))
	for k := range a.Labels {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k + "=\"" + a.Labels[k] + "\"")
	}
	b.WriteByte('}')
	return b.String()
}

// PlanFunc turns a firing alert into actions. SaveAlerts calls it before
// the alert is stored (the alert has no ID yet) and keeps the plan of a new
// alert only: it sets the alert's ID on the jobs, approvals and audit
// entries, and prefixes each job's DedupKey with "ID/". Rendering plans
// outside the one writer keeps templates off the path every write waits on.
type PlanFunc func(a Alert) Plan

// Intake counts what SaveAlerts did.
type Intake struct {
	// New alerts stored for the first time, Duplicate ones seen before,
	// Resolved ones that resolved an earlier firing.
	New, Duplicate, Resolved int
	// Matched is how many new alerts matched a rule; Jobs how many jobs
	// were queued.
	Matched, Jobs int
}

// Add sums two intakes.
func (i Intake) Add(o Intake) Intake {
	return Intake{i.New + o.New, i.Duplicate + o.Duplicate, i.Resolved + o.Resolved, i.Matched + o.Matched, i.Jobs + o.Jobs}
}

// ScrubNUL replaces every NUL byte in the alert's strings by U+FFFD and
// returns the fields it changed ("labels.model", "annotations.summary").
// PostgreSQL's text cannot hold NUL and SQLite's can, so without it one
// alert was stored on SQLite and answered 500, retried forever, on
// PostgreSQL; with it both keep the alert, with the NUL visible as �.
func (a *Alert) ScrubNUL() []string {
	var changed []string
	scrub := func(field string, s *string) {
		if strings.IndexByte(*s, 0) >= 0 {
			*s = strings.ReplaceAll(*s, "\x00", "\uFFFD")
			changed = append(changed, field)
		}
	}
	for _, f := range []struct {
		name string
		p    *string
	}{{"groupKey", &a.GroupKey}, {"receiver", &a.Receiver}, {"fingerprint", &a.Fingerprint}, {"generatorURL", &a.GeneratorURL}} {
		scrub(f.name, f.p)
	}
	for _, m := range []struct {
		name string
		kv   *map[string]string
	}{{"labels", &a.Labels}, {"annotations", &a.Annotations}} {
		for k, v := range *m.kv {
			if strings.IndexByte(k, 0) < 0 && strings.IndexByte(v, 0) < 0 {
				continue
			}
			nk, nv := k, v
			scrub(m.name+"."+strings.ReplaceAll(k, "\x00", "\uFFFD"), &nv)
			if strings.IndexByte(k, 0) >= 0 {
				nk = strings.ReplaceAll(k, "\x00", "\uFFFD")
				if nv == v {
					changed = append(changed, m.name+"."+nk)
				}
			}
			// A copy: the caller's map may be shared with other alerts.
			cp := make(map[string]string, len(*m.kv))
			for k2, v2 := range *m.kv {
				cp[k2] = v2
			}
			delete(cp, k)
			cp[nk] = nv
			*m.kv = cp
		}
	}
	return changed
}
