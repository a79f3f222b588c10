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
