package intake

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestParseFiring(t *testing.T) {
	m, err := Parse(mustRead(t, "testdata/firing.json"))
	if err != nil {
		t.Fatal(err)
	}
	as := m.ToAlerts()
	if len(as) != 1 {
		t.Fatalf("%d alerts", len(as))
	}
	a := as[0]
	if a.GroupKey != `{}:{alertname="FeatureDrift"}` || a.Fingerprint != "a1b2c3d4e5f60718" || a.Receiver != "mlbot" ||
		a.Labels["feature"] != "age" || a.Annotations["psi"] != "0.41" || !a.Firing() ||
		!a.StartsAt.Equal(time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("alert = %+v", a)
	}
}

func TestParseErrors(t *testing.T) {
	good := string(mustRead(t, "testdata/firing.json"))
	tests := []struct{ name, body, want string }{
		{"empty", "", "decode body: EOF"},
		{"not json", "{", "decode body: unexpected EOF"},
		{"array", "[]", "decode body: json: cannot unmarshal array into Go value of type intake.Message"},
		{"trailing", good + "{}", "data after the JSON object"},
		{"version", strings.Replace(good, `"version":"4"`, `"version":"3"`, 1), `version: "3", expected "4"`},
		{"no version", strings.Replace(good, `"version":"4",`, ``, 1), `version: "", expected "4"`},
		{"group key", strings.Replace(good, `"groupKey":"{}:{alertname=\"FeatureDrift\"}"`, `"groupKey":""`, 1), "groupKey: missing"},
		{"no alerts", `{"version":"4","groupKey":"g","alerts":[]}`, "alerts: none, expected at least one alert"},
		{"status", strings.Replace(good, `{"status":"firing","labels"`, `{"status":"on","labels"`, 1), `alerts[0].status: "on", expected firing or resolved`},
		{"fingerprint", strings.Replace(good, `"fingerprint":"a1b2c3d4e5f60718"`, `"fingerprint":""`, 1), "alerts[0].fingerprint: missing"},
		{"startsAt", strings.Replace(good, `"startsAt":"2026-11-23T10:00:00.000Z",`, ``, 1), "alerts[0].startsAt: missing"},
		{"labels", `{"version":"4","groupKey":"g","alerts":[{"status":"firing","fingerprint":"f","startsAt":"2026-01-01T00:00:00Z"}]}`, "alerts[0].labels: none, expected at least alertname"},
		{"bad time", strings.Replace(good, `2026-11-23T10:00:00.000Z`, `yesterday`, 1), `decode body: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.body))
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			if got := strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "); got != tc.want {
				t.Errorf("error\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(mustRead(f, "testdata/firing.json"))
	f.Add([]byte(`{"version":"4","groupKey":"g","alerts":[{"status":"resolved","labels":{"a":"b"},"fingerprint":"f","startsAt":"2026-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`{"version":4}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		for _, a := range m.ToAlerts() {
			if a.Fingerprint == "" || a.StartsAt.IsZero() || (a.Status != "firing" && a.Status != "resolved") || a.Annotations == nil {
				t.Fatalf("accepted an invalid alert %+v", a)
			}
		}
	})
}
