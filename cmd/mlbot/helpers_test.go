package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/forge/gitlab/gitlabtest"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// pipelineCall is one pipeline the stand-in GitLab created.
type pipelineCall struct {
	Path      string
	Token     string
	Ref       string
	Variables map[string]string
}

// fakeGitLab is GitLab's pipelines API for project ml/rec (see
// gitlabtest): it records the pipelines it creates, lists them and
// answers their variables; its mode makes it fail like a GitLab does.
type fakeGitLab struct{ *gitlabtest.Server }

func newFakeGitLab(t *testing.T) *fakeGitLab {
	return &fakeGitLab{gitlabtest.New(t, "ml%2Frec")}
}

func (f *fakeGitLab) setMode(m string) { f.SetMode(m) }

func (f *fakeGitLab) release() { f.Release() }

func (f *fakeGitLab) calls() []pipelineCall {
	var out []pipelineCall
	for _, p := range f.Created() {
		out = append(out, pipelineCall{Path: "/api/v4/projects/ml%2Frec/pipeline", Token: p.Token, Ref: p.Ref, Variables: p.Variables})
	}
	return out
}

// config writes an mlbot.yml for the tests; extra is appended to the
// worker section.
func writeConfig(t *testing.T, dir, driver, dsn, gitlabURL, cooldown, worker string) string {
	t.Helper()
	cfg := fmt.Sprintf(`listen: 127.0.0.1:0
server: {shutdown_timeout: 5s}
store: {driver: %s, dsn: %q}
auth:
  alertmanager: {bearer_token: am-token}
  gitlab_token: gl-hook
worker: {%s}
backends:
  gitlab: {url: %q, token: glpat-test}
rules:
  - name: severe-drift
    matchers: ['alertname=~"FeatureDrift|ConceptDrift"', 'severity="critical"']
    cooldown: %s
    actions:
      - retrain:
          project: ml/rec
          ref: main
          variables:
            MLGATE_TRIGGER: alert
            MODEL: "{{ .Labels.model }}"
            ALERTNAME: "{{ .Labels.alertname }}"
            FEATURE: "{{ .Labels.feature }}"
            PSI: "{{ .Annotations.psi }}"
            N: "{{ .Labels.n }}"
`, driver, dsn, worker, gitlabURL+"/api/v4", cooldown)
	p := filepath.Join(dir, "mlbot.yml")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// startMain runs `mlbot serve` in this process and returns its address;
// the server stops when the test ends.
func startMain(t *testing.T, cfgPath string) string {
	t.Helper()
	m := NewMain()
	var logs bytes.Buffer
	m.Stderr, m.Stdout = &lockedWriter{w: &logs}, io.Discard
	m.Listening = make(chan string, 1)
	if err := m.ParseFlags([]string{"serve", "--config", cfgPath}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	var addr string
	select {
	case addr = <-m.Listening:
	case err := <-done:
		t.Fatalf("mlbot serve: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("mlbot serve: %v", err)
		}
		m.Close()
		if t.Failed() {
			t.Logf("mlbot logs:\n%s", logs.String())
		}
	})
	return addr
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// mlbotBinary builds cmd/mlbot once per test run.
func mlbotBinary(t *testing.T) string {
	t.Helper()
	testenv.MustBeSlow(t, "building and starting mlbot")
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mlbot-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "mlbot")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// startProcess runs the mlbot binary as a child process on a free port.
func startProcess(t *testing.T, cfgPath, logPath string) (*exec.Cmd, string) {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(mlbotBinary(t), "serve", "--config", cfgPath)
	cmd.Env = append(os.Environ(), "MLBOT_LISTEN="+addr)
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		logf.Close()
	})
	waitFor(t, 20*time.Second, "mlbot to answer /readyz", func() bool {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return cmd, addr
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// amMessage is an Alertmanager version 4 webhook body with one alert per
// fingerprint.
func amMessage(groupKey string, status string, startsAt time.Time, fps ...string) string {
	var alerts []string
	for _, fp := range fps {
		alerts = append(alerts, fmt.Sprintf(`{"status":%q,"labels":{"alertname":"FeatureDrift","severity":"critical","model":"rec","feature":"age","n":%q},
		"annotations":{"psi":"0.41"},"startsAt":%q,"endsAt":"0001-01-01T00:00:00Z","fingerprint":%q}`, status, fp, startsAt.Format(time.RFC3339Nano), fp))
	}
	return fmt.Sprintf(`{"version":"4","groupKey":%q,"status":%q,"receiver":"mlbot","alerts":[%s]}`, groupKey, status, strings.Join(alerts, ","))
}

func postAlerts(t *testing.T, addr, body string) {
	t.Helper()
	req, _ := http.NewRequest("POST", "http://"+addr+"/v1/alertmanager", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer am-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST /v1/alertmanager: %d %s", resp.StatusCode, b)
	}
}
