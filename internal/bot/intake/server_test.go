package intake

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
)

const testConfig = `
store: {dsn: x.db}
auth:
  alertmanager: {bearer_token: am-token, username: am, password: am-pass}
  gitlab_token: gl-secret
  github_secret: gh-secret
backends:
  gitlab: {url: "http://127.0.0.1:1/api/v4", token: t}
rules:
  - name: drift
    matchers: ['alertname="FeatureDrift"']
    actions:
      - retrain: {project: ml/rec, ref: main, variables: {MODEL: "{{ .Labels.model }}"}}
`

type fixture struct {
	st  *store.DB
	srv *httptest.Server
	reg *prometheus.Registry
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, testConfig)
}

// newFixtureWith serves the config text on a fresh SQLite store.
func newFixtureWith(t *testing.T, config string) *fixture {
	t.Helper()
	cfg, err := bot.Load([]byte(config))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "mlbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	s := New(cfg, st, nil, reg)
	srv := httptest.NewServer(s.Handler(reg))
	t.Cleanup(func() { srv.Close(); st.Close() })
	return &fixture{st: st, srv: srv, reg: reg}
}

func (f *fixture) do(t *testing.T, path, body string, hdr map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (f *fixture) counts(t *testing.T) (alerts, jobs int) {
	t.Helper()
	js, err := f.st.ListJobs(context.Background(), bot.JobFilter{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.st.GetAlert(context.Background(), 1)
	if err == nil {
		alerts = 1
	}
	return alerts, len(js)
}

func firing(t *testing.T) string { return firingBody(t) }

func firingBody(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile("testdata/firing.json")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

var bearer = map[string]string{"Authorization": "Bearer am-token"}

func TestAlertmanagerBadInput(t *testing.T) {
	good := firing(t)
	tests := []struct {
		name string
		body string
		hdr  map[string]string
		code int
		msg  string
	}{
		{"no credentials", good, nil, 401, "missing or wrong credentials: no Authorization header with a configured scheme"},
		{"wrong bearer", good, map[string]string{"Authorization": "Bearer nope"}, 401, "missing or wrong credentials: bearer token"},
		{"wrong password", good, map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("am:nope"))}, 401, "missing or wrong credentials: basic auth"},
		{"wrong user", good, map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("x:am-pass"))}, 401, "missing or wrong credentials: basic auth"},
		{"other scheme", good, map[string]string{"Authorization": "Token am-token"}, 401, "missing or wrong credentials: no Authorization header with a configured scheme"},
		{"malformed JSON", `{"version":"4",`, bearer, 400, "invalid alertmanager payload: decode body: unexpected EOF"},
		{"wrong version", strings.Replace(good, `"version":"4"`, `"version":"3"`, 1), bearer, 400, `invalid alertmanager payload: version: \"3\", expected \"4\"`},
		{"missing fingerprint", strings.Replace(good, `"fingerprint":"a1b2c3d4e5f60718"`, `"fingerprint":""`, 1), bearer, 400, "invalid alertmanager payload: alerts[0].fingerprint: missing"},
		{"missing group key", strings.Replace(good, `"groupKey"`, `"gk"`, 1), bearer, 400, "invalid alertmanager payload: groupKey: missing"},
		{"no alerts", `{"version":"4","groupKey":"g","alerts":[]}`, bearer, 400, "invalid alertmanager payload: alerts: none, expected at least one alert"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			code, body := f.do(t, "/v1/alertmanager", tc.body, tc.hdr)
			if code != tc.code || !strings.Contains(body, tc.msg) {
				t.Errorf("got %d %s, want %d with %q", code, body, tc.code, tc.msg)
			}
			if a, j := f.counts(t); a != 0 || j != 0 {
				t.Errorf("stored %d alerts and %d jobs from a refused request", a, j)
			}
		})
	}
}

func TestAlertmanagerStoresOnce(t *testing.T) {
	f := newFixture(t)
	basic := map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("am:am-pass"))}
	for i, want := range []string{`{"duplicate":0,"jobs":1,"new":1,"resolved":0}`, `{"duplicate":1,"jobs":0,"new":0,"resolved":0}`} {
		hdr := bearer
		if i == 1 {
			hdr = basic
		}
		code, body := f.do(t, "/v1/alertmanager", firing(t), hdr)
		if code != 200 || body != want {
			t.Errorf("delivery %d: %d %s, want 200 %s", i, code, body, want)
		}
	}
	if a, j := f.counts(t); a != 1 || j != 1 {
		t.Errorf("%d alerts, %d jobs; want 1, 1", a, j)
	}
	if code, _ := f.do(t, "/v1/alertmanager", firing(t), map[string]string{"Authorization": "Bearer wrong"}); code != 401 {
		t.Errorf("wrong token: %d", code)
	}
	resp, err := http.Get(f.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"mlbot_alerts_received_total 2", "mlbot_alerts_duplicate_total 1", "mlbot_alerts_matched_total 1",
		`mlbot_jobs{state="pending"} 1`, `mlbot_jobs{state="dead"} 0`, "mlbot_outbox_depth 1", "mlbot_store_up 1",
		`mlbot_webhook_auth_failures_total{endpoint="alertmanager"} 1`} {
		if !strings.Contains(string(b), want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	f := newFixture(t)
	resp, err := http.Get(f.srv.URL + "/v1/alertmanager")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/alertmanager = %d, want 405", resp.StatusCode)
	}
}

func TestStoreFailureIs500(t *testing.T) {
	f := newFixture(t)
	f.st.Close()
	code, body := f.do(t, "/v1/alertmanager", firing(t), bearer)
	if code != 500 || !strings.Contains(body, "could not store") {
		t.Errorf("got %d %s, want 500", code, body)
	}
	resp, err := http.Get(f.srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Errorf("/readyz with a closed store = %d, want 503", resp.StatusCode)
	}
}

// startPipeline stores an alert, claims its job and records pipeline 4711
// as started by it.
func startPipeline(t *testing.T, f *fixture, backend string) bot.Job {
	t.Helper()
	if code, body := f.do(t, "/v1/alertmanager", firing(t), bearer); code != 200 {
		t.Fatalf("intake %d %s", code, body)
	}
	ctx := context.Background()
	jobs, err := f.st.ClaimJobs(ctx, bot.Claim{Kinds: []string{bot.KindRetrain}, N: 1, Lease: time.Minute, Token: "w", Now: time.Now()})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("claim %v %v", jobs, err)
	}
	j := jobs[0]
	err = f.st.FinishJob(ctx, bot.Finish{ID: j.ID, Lease: "w", State: bot.JobDone, Now: time.Now(),
		Pipeline: &bot.Pipeline{JobID: j.ID, AlertID: j.AlertID, Backend: backend, ExternalID: 4711, Status: "created"}})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestGitLabEvents(t *testing.T) {
	f := newFixture(t)
	j := startPipeline(t, f, "gitlab")
	ev := `{"object_kind":"pipeline","object_attributes":{"id":4711,"status":"success","ref":"main"}}`
	tok := map[string]string{"X-Gitlab-Token": "gl-secret", "X-Gitlab-Event": "Pipeline Hook", "X-Gitlab-Event-UUID": "u1"}
	tests := []struct {
		name string
		body string
		hdr  map[string]string
		code int
		want string
	}{
		{"no token", ev, nil, 401, "X-Gitlab-Token"},
		{"wrong token", ev, map[string]string{"X-Gitlab-Token": "nope"}, 401, "X-Gitlab-Token"},
		{"not JSON", "{", tok, 400, "body is not JSON"},
		{"linked", ev, tok, 200, fmt.Sprintf(`{"alert_id":%d,"job_id":%d,"linked":true,"status":"success"}`, j.AlertID, j.ID)},
		// A new event UUID is not a new delivery: same pipeline and status.
		{"same status again", ev, map[string]string{"X-Gitlab-Token": "gl-secret", "X-Gitlab-Event-UUID": "u2"}, 200, `{"duplicate":true}`},
		{"idempotency key", strings.Replace(ev, "success", "failed", 1), map[string]string{"X-Gitlab-Token": "gl-secret", "Idempotency-Key": "k1"}, 200, `"linked":true`},
		{"idempotency key again", strings.Replace(ev, "success", "failed", 1), map[string]string{"X-Gitlab-Token": "gl-secret", "Idempotency-Key": "k1"}, 200, `{"duplicate":true}`},
		{"foreign pipeline", strings.Replace(ev, "4711", "5", 1), tok, 200, `{"linked":false}`},
		{"other hook", `{"object_kind":"push"}`, tok, 200, `{"ignored":"object_kind push"}`},
	}
	for _, tc := range tests {
		code, body := f.do(t, "/v1/gitlab/events", tc.body, tc.hdr)
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want %d %s", tc.name, code, body, tc.code, tc.want)
		}
	}
	ps, _ := f.st.ListPipelines(context.Background(), 0)
	if len(ps) != 1 || ps[0].Status != "failed" {
		t.Errorf("pipelines %+v", ps)
	}
}

func TestGitHubEvents(t *testing.T) {
	f := newFixture(t)
	startPipeline(t, f, "github")
	ev := `{"action":"completed","workflow_run":{"id":4711,"status":"completed","conclusion":"success"},"repository":{"full_name":"a/b"}}`
	m := hmac.New(sha256.New, []byte("gh-secret"))
	m.Write([]byte(ev))
	sig := "sha256=" + hex.EncodeToString(m.Sum(nil))
	code, body := f.do(t, "/v1/github/events", ev, map[string]string{"X-GitHub-Event": "workflow_run", "X-Hub-Signature-256": sig})
	if code != 200 || !strings.Contains(body, `"linked":true`) {
		t.Errorf("signed event: %d %s", code, body)
	}
	code, _ = f.do(t, "/v1/github/events", ev, map[string]string{"X-GitHub-Event": "workflow_run", "X-Hub-Signature-256": "sha256=00"})
	if code != 401 {
		t.Errorf("bad signature: %d, want 401", code)
	}
}
