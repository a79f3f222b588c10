package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

func post(t *testing.T, url, body string, hdr map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
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

// TestGitLabOutcomeLinked follows an alert to its pipeline and the
// pipeline's outcome back: GitLab's pipeline hook is linked to the job and
// the alert, and lands in the audit log.
func TestGitLabOutcomeLinked(t *testing.T) {
	gl := newFakeGitLab(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "mlbot.db")
	cfg := writeConfig(t, dir, "sqlite", db, gl.URL, "1h", "poll_interval: 50ms")
	addr := startMain(t, cfg)
	postAlerts(t, addr, amMessage("g", "firing", time.Now().UTC(), "fp-linked"))
	waitFor(t, 10*time.Second, "the pipeline", func() bool { return len(gl.calls()) == 1 })
	waitFor(t, 5*time.Second, "the job to be done", func() bool {
		js := jobsOf(t, "sqlite", db)
		return len(js) == 1 && js[0].State == bot.JobDone
	})
	job := jobsOf(t, "sqlite", db)[0]
	hook := `{"object_kind":"pipeline","object_attributes":{"id":1,"status":"success","ref":"main"}}`
	code, body := post(t, "http://"+addr+"/v1/gitlab/events", hook, map[string]string{"X-Gitlab-Token": "gl-hook", "X-Gitlab-Event": "Pipeline Hook"})
	want := fmt.Sprintf(`{"alert_id":%d,"job_id":%d,"linked":true,"status":"success"}`, job.AlertID, job.ID)
	if code != 200 || body != want {
		t.Errorf("pipeline hook: %d %s, want 200 %s", code, body, want)
	}
	out, err := run(t, "audit", "-c", cfg)
	if err != nil || !strings.Contains(out, "gitlab pipeline 1") || !strings.Contains(out, "success") {
		t.Errorf("audit lacks the outcome: %v\n%s", err, out)
	}
}

// TestGitHubBackend retrains through workflow_dispatch on a recording
// GitHub, and links the workflow_run webhook back to the alert.
func TestGitHubBackend(t *testing.T) {
	testenv.Slow(t, "builds mlbot and runs it as a process")
	var mu sync.Mutex
	var dispatches []string
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		dispatches = append(dispatches, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+" "+string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"workflow_run_id": 777, "html_url": "https://github.example/acme/rec/actions/runs/777"}`)
	}))
	defer gh.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "mlbot.db")
	cfg := filepath.Join(dir, "mlbot.yml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`listen: 127.0.0.1:0
store: {dsn: %q}
auth:
  alertmanager: {bearer_token: am-token}
  github_secret: gh-hook
worker: {poll_interval: 50ms}
backends:
  github: {url: %q, token: ghp-test}
rules:
  - name: drift
    matchers: ['alertname="FeatureDrift"']
    actions:
      - retrain: {backend: github, repository: acme/rec, workflow: retrain.yml, ref: main, variables: {model: "{{ .Labels.model }}"}}
`, db, gh.URL+"/api/v3")), 0o600)
	addr := startMain(t, cfg)
	postAlerts(t, addr, amMessage("g", "firing", time.Now().UTC(), "fp-gh"))
	waitFor(t, 10*time.Second, "the job to be done", func() bool {
		js := jobsOf(t, "sqlite", db)
		return len(js) == 1 && js[0].State == bot.JobDone
	})
	mu.Lock()
	got := append([]string(nil), dispatches...)
	mu.Unlock()
	want := `POST /api/v3/repos/acme/rec/actions/workflows/retrain.yml/dispatches Bearer ghp-test {"ref":"main","inputs":{"model":"rec"},"return_run_details":true}`
	if len(got) != 1 || strings.TrimSpace(got[0]) != want {
		t.Errorf("dispatches %q, want [%s]", got, want)
	}
	ev := `{"action":"completed","workflow_run":{"id":777,"status":"completed","conclusion":"failure"},"repository":{"full_name":"acme/rec"}}`
	m := hmac.New(sha256.New, []byte("gh-hook"))
	m.Write([]byte(ev))
	code, body := post(t, "http://"+addr+"/v1/github/events", ev, map[string]string{"X-GitHub-Event": "workflow_run",
		"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(m.Sum(nil))})
	if code != 200 || !strings.Contains(body, `"linked":true`) || !strings.Contains(body, `"status":"failure"`) {
		t.Errorf("workflow_run hook: %d %s", code, body)
	}
}
