package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// pipelineCall is one create-pipeline request the fake GitLab answered.
type pipelineCall struct {
	Path      string
	Token     string
	Ref       string
	Variables map[string]string
}

// fakeGitLab records POST /api/v4/projects/:id/pipeline. Its mode says how
// it answers: "ok" (201, recorded as created), "hang" (never answers),
// "503" (an outage), "lose" (creates it, then never answers), "drop"
// (creates it, then closes the connection). It lists the pipelines it
// created with their variables (see lookup).
type fakeGitLab struct {
	*httptest.Server
	mu       sync.Mutex
	mode     string
	created  []pipelineCall
	requests int
	refused  int
	lookups  int           // searches for an earlier attempt's pipeline
	hung     chan struct{} // closed to release hanging handlers
	arrived  chan struct{} // receives one value per request
}

func newFakeGitLab(t *testing.T) *fakeGitLab {
	f := &fakeGitLab{mode: "ok", hung: make(chan struct{}), arrived: make(chan struct{}, 10000)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.setMode("ok")
		f.release()
		f.Server.CloseClientConnections()
		f.Server.Close()
	})
	return f
}

func (f *fakeGitLab) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == "GET" && strings.HasPrefix(r.URL.EscapedPath(), "/api/v4/projects/ml%2Frec/pipelines") {
		f.lookup(w, r)
		return
	}
	if r.Method != "POST" || !strings.HasPrefix(r.URL.Path, "/api/v4/projects/") || !strings.HasSuffix(r.URL.Path, "/pipeline") {
		http.Error(w, `{"message":"404 Not Found"}`, 404)
		return
	}
	b, _ := io.ReadAll(r.Body)
	var raw struct {
		Ref       string              `json:"ref"`
		Variables []map[string]string `json:"variables"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		http.Error(w, `{"message":"bad json"}`, 400)
		return
	}
	call := pipelineCall{Path: r.URL.EscapedPath(), Token: r.Header.Get("PRIVATE-TOKEN"), Ref: raw.Ref, Variables: map[string]string{}}
	for _, v := range raw.Variables {
		if v["variable_type"] != "env_var" {
			http.Error(w, `{"message":"variable_type"}`, 400)
			return
		}
		call.Variables[v["key"]] = v["value"]
	}
	f.mu.Lock()
	f.requests++
	mode := f.mode
	f.mu.Unlock()
	f.arrived <- struct{}{}
	switch mode {
	case "hang":
		<-f.hung
		return
	case "lose", "drop":
		// GitLab creates the pipeline, but its answer never arrives: the
		// handler hangs (mlbot is killed meanwhile), or the connection
		// drops.
		f.mu.Lock()
		f.created = append(f.created, call)
		f.mu.Unlock()
		if mode == "drop" {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		<-f.hung
		return
	case "503":
		f.mu.Lock()
		f.refused++
		f.mu.Unlock()
		http.Error(w, `{"message":"503 Service Unavailable"}`, http.StatusServiceUnavailable)
		return
	}
	f.mu.Lock()
	f.created = append(f.created, call)
	id := len(f.created)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(201)
	fmt.Fprintf(w, `{"id": %d, "status": "created", "ref": %q, "web_url": "%s/ml/rec/-/pipelines/%d"}`, id, raw.Ref, f.URL, id)
}

// lookup answers GET /projects/ml%2Frec/pipelines (the created
// pipelines on the ref asked, newest first; all of them count as updated
// after any time) and GET /projects/ml%2Frec/pipelines/:id/variables.
func (f *fakeGitLab) lookup(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lookups++
	w.Header().Set("Content-Type", "application/json")
	rest := strings.TrimPrefix(r.URL.EscapedPath(), "/api/v4/projects/ml%2Frec/pipelines")
	if rest == "" {
		q := r.URL.Query()
		if q.Get("source") != "api" || q.Get("updated_after") == "" || q.Get("order_by") != "id" || q.Get("sort") != "desc" {
			http.Error(w, `{"message":"unexpected query `+r.URL.RawQuery+`"}`, 400)
			return
		}
		list := []map[string]any{}
		for i := len(f.created) - 1; i >= 0; i-- {
			if f.created[i].Ref == q.Get("ref") {
				list = append(list, map[string]any{"id": i + 1, "ref": f.created[i].Ref, "source": "api", "status": "running",
					"web_url": fmt.Sprintf("%s/ml/rec/-/pipelines/%d", f.URL, i+1)})
			}
		}
		json.NewEncoder(w).Encode(list)
		return
	}
	var id int
	if _, err := fmt.Sscanf(rest, "/%d/variables", &id); err != nil || id < 1 || id > len(f.created) {
		http.Error(w, `{"message":"404 Not Found"}`, 404)
		return
	}
	vars := []map[string]string{}
	for k, v := range f.created[id-1].Variables {
		vars = append(vars, map[string]string{"key": k, "value": v, "variable_type": "env_var"})
	}
	json.NewEncoder(w).Encode(vars)
}

func (f *fakeGitLab) setMode(m string) { f.mu.Lock(); f.mode = m; f.mu.Unlock() }

func (f *fakeGitLab) release() {
	select {
	case <-f.hung:
	default:
		close(f.hung)
	}
}

func (f *fakeGitLab) calls() []pipelineCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]pipelineCall(nil), f.created...)
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
