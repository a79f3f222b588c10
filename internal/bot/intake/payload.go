package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// Version is the only webhook payload version mlbot accepts.
const Version = "4"

// ErrInvalid marks a payload that will never be accepted; the HTTP handler
// answers it with 400.
var ErrInvalid = errors.New("invalid alertmanager payload")

// Message is the body Alertmanager's webhook_configs POST.
type Message struct {
	Version           string            `json:"version"`
	GroupKey          string            `json:"groupKey"`
	TruncatedAlerts   uint64            `json:"truncatedAlerts"`
	Status            string            `json:"status"`
	Receiver          string            `json:"receiver"`
	GroupLabels       map[string]string `json:"groupLabels"`
	CommonLabels      map[string]string `json:"commonLabels"`
	CommonAnnotations map[string]string `json:"commonAnnotations"`
	ExternalURL       string            `json:"externalURL"`
	Alerts            []Alert           `json:"alerts"`
}

// Alert is one alert of a Message.
type Alert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// Parse decodes and validates a webhook body. Every error wraps ErrInvalid
// and names the field that is wrong and what was expected.
func Parse(body []byte) (*Message, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var m Message
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: decode body: %w", ErrInvalid, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: data after the JSON object", ErrInvalid)
	}
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return &m, nil
}

func (m *Message) validate() error {
	if m.Version != Version {
		return fmt.Errorf("version: %q, expected %q", m.Version, Version)
	}
	if m.GroupKey == "" {
		return errors.New("groupKey: missing")
	}
	if len(m.Alerts) == 0 {
		return errors.New("alerts: none, expected at least one alert")
	}
	for i, a := range m.Alerts {
		if err := a.validate(); err != nil {
			return fmt.Errorf("alerts[%d].%w", i, err)
		}
	}
	return nil
}

func (a *Alert) validate() error {
	switch a.Status {
	case bot.StatusFiring, bot.StatusResolved:
	default:
		return fmt.Errorf("status: %q, expected firing or resolved", a.Status)
	}
	if a.Fingerprint == "" {
		return errors.New("fingerprint: missing")
	}
	if len(a.Labels) == 0 {
		return errors.New("labels: none, expected at least alertname")
	}
	if a.StartsAt.IsZero() {
		return errors.New("startsAt: missing")
	}
	return nil
}

// ToAlerts returns the message's alerts in mlbot's words.
func (m *Message) ToAlerts() []bot.Alert {
	out := make([]bot.Alert, len(m.Alerts))
	for i, a := range m.Alerts {
		out[i] = bot.Alert{
			GroupKey: m.GroupKey, Receiver: m.Receiver, Fingerprint: a.Fingerprint, Status: a.Status,
			Labels: a.Labels, Annotations: a.Annotations, StartsAt: a.StartsAt.UTC(), EndsAt: a.EndsAt.UTC(),
			GeneratorURL: a.GeneratorURL,
		}
		if out[i].Annotations == nil {
			out[i].Annotations = map[string]string{}
		}
	}
	return out
}
