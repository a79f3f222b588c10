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
