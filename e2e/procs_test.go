//go:build unix

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startProc runs name with args in its own process group, its output in
// dir/log, and stops the whole group when the test ends (SIGTERM, then
// SIGKILL after 5 s). The log is printed when the test failed.
func startProc(t *testing.T, dir, name string, args []string, env ...string) {
	t.Helper()
	logPath := filepath.Join(dir, filepath.Base(name)+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		pgid := cmd.Process.Pid
		syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-pgid, syscall.SIGKILL)
			<-done
		}
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			if len(b) > 8000 {
				b = b[len(b)-8000:]
			}
			t.Logf("--- %s log (tail) ---\n%s", filepath.Base(name), b)
		}
	})
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitFor polls cond every 50 ms and fails the test after timeout.
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

// waitReady waits until GET url answers 200.
func waitReady(t *testing.T, what, url string) {
	t.Helper()
	waitFor(t, 30*time.Second, what+" to be ready", func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// pipelineCall is one create-pipeline request the recording GitLab got.
type pipelineCall struct {
	At        time.Time
	Method    string
	Path      string
	Token     string
	Type      string
	Ref       string
	Variables map[string]string
}

// recordingGitLab answers POST /api/v4/projects/:id/pipeline with 201 and
// records every request it gets, so the test can assert there was no
// other call.
type recordingGitLab struct {
	*httptest.Server
	mu    sync.Mutex
	calls []pipelineCall
	other []string
}

func newRecordingGitLab(t *testing.T) *recordingGitLab {
	g := &recordingGitLab{}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.Server.Close)
	return g
}

func (g *recordingGitLab) serve(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	b, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/api/v4/projects/") || !strings.HasSuffix(r.URL.Path, "/pipeline") {
		g.mu.Lock()
		g.other = append(g.other, r.Method+" "+r.URL.String())
		g.mu.Unlock()
		http.Error(w, `{"message":"404 Not Found"}`, http.StatusNotFound)
		return
	}
	var body struct {
		Ref       string              `json:"ref"`
		Variables []map[string]string `json:"variables"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		http.Error(w, `{"message":"400 bad JSON"}`, http.StatusBadRequest)
		return
	}
	c := pipelineCall{At: at, Method: r.Method, Path: r.URL.EscapedPath(), Token: r.Header.Get("PRIVATE-TOKEN"),
		Type: r.Header.Get("Content-Type"), Ref: body.Ref, Variables: map[string]string{}}
	for _, v := range body.Variables {
		if v["variable_type"] != "" && v["variable_type"] != "env_var" {
			http.Error(w, `{"message":"400 variable_type"}`, http.StatusBadRequest)
			return
		}
		c.Variables[v["key"]] = v["value"]
	}
	g.mu.Lock()
	g.calls = append(g.calls, c)
	id := len(g.calls)
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"id": %d, "status": "created", "ref": %q, "web_url": "%s/ml/recommender/-/pipelines/%d"}`, id, body.Ref, g.URL, id)
}

func (g *recordingGitLab) recorded() ([]pipelineCall, []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]pipelineCall(nil), g.calls...), append([]string(nil), g.other...)
}

// notification is one Alertmanager webhook delivery the proxy saw.
type notification struct {
	At     time.Time
	Status string   // the group's status, firing or resolved
	Alerts []string // alertname/feature of each alert
	Code   int      // mlbot's answer
}

// webhookProxy stands between Alertmanager and mlbot and records when each
// notification arrives, so the loop time is measured from the moment a
// notification reaches mlbot.
type webhookProxy struct {
	*httptest.Server
	mu   sync.Mutex
	seen []notification
}

func newWebhookProxy(t *testing.T, mlbot string) *webhookProxy {
	target, err := url.Parse("http://" + mlbot)
	if err != nil {
		t.Fatal(err)
	}
	p := &webhookProxy{}
	rp := httputil.NewSingleHostReverseProxy(target)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := notification{At: time.Now()}
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		var msg struct {
			Status string `json:"status"`
			Alerts []struct {
				Labels map[string]string `json:"labels"`
			} `json:"alerts"`
		}
		if json.Unmarshal(b, &msg) == nil {
			n.Status = msg.Status
			for _, a := range msg.Alerts {
				n.Alerts = append(n.Alerts, a.Labels["alertname"]+"/"+a.Labels["feature"])
			}
		}
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		rp.ServeHTTP(rec, r)
		n.Code = rec.code
		p.mu.Lock()
		p.seen = append(p.seen, n)
		p.mu.Unlock()
	}))
	t.Cleanup(p.Server.Close)
	return p
}

// deliveries returns the notifications that held alert (alertname/feature).
func (p *webhookProxy) deliveries(alert string) []notification {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []notification
	for _, n := range p.seen {
		for _, a := range n.Alerts {
			if a == alert {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}
