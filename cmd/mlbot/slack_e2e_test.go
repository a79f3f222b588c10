package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// seen records the requests a fake received, by path.
type seen struct {
	mu    sync.Mutex
	forms map[string][]url.Values
}

func (s *seen) add(r *http.Request) url.Values {
	b, _ := io.ReadAll(r.Body)
	f, _ := url.ParseQuery(string(b))
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		f = url.Values{"json": {string(b)}}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forms == nil {
		s.forms = map[string][]url.Values{}
	}
	s.forms[r.Method+" "+r.URL.Path] = append(s.forms[r.Method+" "+r.URL.Path], f)
	return f
}

func (s *seen) get(key string) []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.forms[key]...)
}

// TestSlackRollbackThroughServe runs `mlbot serve` with a slack section:
// an alert's propose_rollback posts a request to Slack, a signed click by
// the approver plays the rollback job on GitLab, and the message is
// updated with the decision and the pipeline.
func TestSlackRollbackThroughServe(t *testing.T) {
	testenv.Slow(t, "runs mlbot serve with a Slack stand-in")
	var slk, gl seen
	sl := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			f := slk.add(r)
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": f.Get("channel"), "ts": "1700000000.000100"})
		})
		c.Handle("/chat.update", func(w http.ResponseWriter, r *http.Request) {
			f := slk.add(r)
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": f.Get("channel"), "ts": f.Get("ts")})
		})
	})
	sl.Start()
	defer sl.Stop()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/projects/{id}/pipelines", func(w http.ResponseWriter, r *http.Request) {
		gl.add(r)
		fmt.Fprint(w, `[{"id": 55, "web_url": "https://gitlab.example/p/55"}]`)
	})
	mux.HandleFunc("GET /api/v4/projects/{id}/pipelines/55/jobs", func(w http.ResponseWriter, r *http.Request) {
		gl.add(r)
		fmt.Fprint(w, `[{"id": 501, "name": "rollback", "status": "manual"}]`)
	})
	mux.HandleFunc("POST /api/v4/projects/{id}/jobs/501/play", func(w http.ResponseWriter, r *http.Request) {
		gl.add(r)
		fmt.Fprint(w, `{"id": 501, "status": "pending", "pipeline": {"id": 55}}`)
	})
	glSrv := httptest.NewServer(mux)
	defer glSrv.Close()

	dir := t.TempDir()
	cfg := fmt.Sprintf(`listen: 127.0.0.1:0
store: {dsn: %q}
auth: {alertmanager: {bearer_token: am-token}, gitlab_token: gl-hook}
worker: {poll_interval: 50ms}
backends: {gitlab: {url: "%s/api/v4", token: glpat-test}}
slack:
  bot_token: xoxb-e2e
  signing_secret: e2e-secret
  api_url: %q
  channel: C_ROLL
  roles: {approve_rollback: {users: [U_PO]}}
rules:
  - name: canary
    matchers: ['alertname="FeatureDrift"']
    actions:
      - propose_rollback: {project: ml/rec, ref: main, version: "v{{ .Labels.n }}"}
`, filepath.Join(dir, "mlbot.db"), glSrv.URL, sl.GetAPIURL())
	path := filepath.Join(dir, "mlbot.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := startMain(t, path)
	postAlerts(t, addr, amMessage("g1", "firing", time.Now(), "7"))
	waitFor(t, 10*time.Second, "the request posted to Slack", func() bool { return len(slk.get("POST /chat.postMessage")) == 1 })
	post := slk.get("POST /chat.postMessage")[0]
	if post.Get("channel") != "C_ROLL" || !strings.Contains(post.Get("blocks"), "mlbot_approve") ||
		!strings.Contains(post.Get("blocks"), "FeatureDrift") {
		t.Fatalf("post %v", post)
	}

	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "trigger_id": "tr1", "user": map[string]any{"id": "U_PO"},
		"actions": []map[string]any{{"type": "button", "block_id": "approval_1", "action_id": "mlbot_approve", "value": "1"}}})
	body := url.Values{"payload": {string(payload)}}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	m := hmac.New(sha256.New, []byte("e2e-secret"))
	fmt.Fprintf(m, "v0:%s:%s", ts, body)
	req, _ := http.NewRequest("POST", "http://"+addr+"/v1/slack/interactions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("click: %d", resp.StatusCode)
	}
	waitFor(t, 10*time.Second, "the message updated with the pipeline", func() bool {
		ups := slk.get("POST /chat.update")
		return len(ups) > 0 && strings.Contains(ups[len(ups)-1].Get("blocks"), "https://gitlab.example/p/55")
	})
	plays := gl.get("POST /api/v4/projects/ml/rec/jobs/501/play")
	if len(plays) != 1 || !strings.Contains(plays[0].Get("json"), `"value":"v7"`) {
		t.Errorf("plays %v", plays)
	}
}
