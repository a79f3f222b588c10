package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// runMain starts `mlbot serve` and returns its address and a stop that
// waits for it to end (a restart is stop, then runMain again).
func runMain(t *testing.T, cfgPath string) (string, func()) {
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
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("mlbot serve: %v", err)
		}
		m.Close()
		if t.Failed() {
			t.Logf("mlbot logs:\n%s", logs.String())
		}
	}
	t.Cleanup(stop)
	return addr, stop
}

// flaggerCall posts a Flagger webhook payload, as Flagger sends it
// (pkg/controller/webhook.go: POST, JSON, no headers of its own), and
// returns the status and the decoded answer.
func flaggerCall(t *testing.T, addr, hook, payload string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post("http://"+addr+"/v1/flagger/"+hook, "application/json", strings.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// click posts a signed Slack button press on request id.
func click(t *testing.T, addr, secret, user string, id int, approve bool) {
	t.Helper()
	action := "mlbot_reject"
	if approve {
		action = "mlbot_approve"
	}
	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "trigger_id": fmt.Sprintf("tr-%s-%d-%v", user, id, approve),
		"user":    map[string]any{"id": user},
		"actions": []map[string]any{{"type": "button", "block_id": fmt.Sprintf("approval_%d", id), "action_id": action, "value": strconv.Itoa(id)}}})
	body := url.Values{"payload": {string(payload)}}.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
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
		t.Fatalf("click by %s on request %d: %d", user, id, resp.StatusCode)
	}
}

// TestFlaggerGateThroughServe runs Flagger's webhook protocol, with the
// payloads of Flagger's documentation (docs/gitbook/usage/webhooks.md),
// against `mlbot serve` on SQLite with a Slack stand-in: the first
// confirm-promotion call posts one request and answers closed; a person
// without the role, and the engineer who shipped the canary, cannot open
// it; mlbot restarts and keeps the request; the product manager's
// approval opens the gate and it stays open; a rejected request makes the
// rollback hook answer yes; an expired one stays closed; events land in
// the request's thread once each; every refusal is audited.
func TestFlaggerGateThroughServe(t *testing.T) {
	testenv.Slow(t, "runs mlbot serve through restarts")
	var slk seen
	sl := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			f := slk.add(r)
			ts := "1700000000.000100"
			if f.Get("thread_ts") != "" {
				ts = "1700000000.000200"
			}
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": f.Get("channel"), "ts": ts})
		})
		c.Handle("/chat.update", func(w http.ResponseWriter, r *http.Request) {
			f := slk.add(r)
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": f.Get("channel"), "ts": f.Get("ts")})
		})
	})
	sl.Start()
	defer sl.Stop()

	dir := t.TempDir()
	dbPath := filepath.Join(dir, "mlbot.db")
	writeCfg := func(expires string) string {
		cfg := fmt.Sprintf(`listen: 127.0.0.1:0
store: {dsn: %q}
auth: {alertmanager: {bearer_token: am-token}, promotion_token: flagger-shared-token}
worker: {poll_interval: 50ms}
backends: {gitlab: {url: "http://127.0.0.1:1/api/v4", token: glpat-test}}
slack:
  bot_token: xoxb-e2e
  signing_secret: e2e-secret
  api_url: %q
  channel: C_DEPLOY
  promotion: {expires: %s}
  roles:
    approve_rollback: {users: [U_PO]}
    approve_promotion: {users: [U_PM, U_ENG]}
rules:
  - name: r
    matchers: ['alertname="X"']
    actions: [{notify: {channel: C_DEPLOY, text: x}}]
`, dbPath, sl.GetAPIURL(), expires)
		path := filepath.Join(dir, "mlbot.yml")
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	// The documentation's payload, with the canary's webhook metadata:
	// the shared token and who shipped the candidate. Flagger calls
	// confirm-promotion with phase Progressing (scheduler_hooks.go).
	gate := func(checksum string) string {
		return `{"name": "podinfo", "namespace": "test", "phase": "Progressing", "checksum": "` + checksum + `",
			"metadata": {"token": "flagger-shared-token", "proposed_by": "U_ENG", "model": "recommender"}}`
	}
	posts := func() []url.Values {
		var top []url.Values
		for _, p := range slk.get("POST /chat.postMessage") {
			if p.Get("thread_ts") == "" {
				top = append(top, p)
			}
		}
		return top
	}
	replies := func(sub string) int {
		n := 0
		for _, p := range slk.get("POST /chat.postMessage") {
			if p.Get("thread_ts") != "" && strings.Contains(p.Get("text"), sub) {
				n++
			}
		}
		return n
	}
	expect := func(addr, hook, payload string, want int, wantOpen any) map[string]any {
		t.Helper()
		code, out := flaggerCall(t, addr, hook, payload)
		if code != want {
			t.Fatalf("%s: %d %v, want %d", hook, code, out, want)
		}
		if wantOpen != nil && out["open"] != wantOpen {
			t.Fatalf("%s: open %v, want %v (%v)", hook, out["open"], wantOpen, out)
		}
		return out
	}

	addr, stop := runMain(t, writeCfg("1h"))
	// Authentication: the shared token, in metadata (Flagger sends no
	// headers of its own) or as a bearer token.
	expect(addr, "gate", strings.Replace(gate("85d557f47b"), "flagger-shared-token", "wrong", 1), 401, nil)
	expect(addr, "gate", `{"name": "podinfo", "namespace": "test", "phase": "Progressing", "checksum": "85d557f47b"}`, 401, nil)
	expect(addr, "gate", `{"name": "podinfo", "namespace": "test", "phase": "Progressing"}`+"\n", 401, nil)
	code, out := flaggerCall(t, addr, "gate", `{"name": "podinfo", "namespace": "test", "phase": "Progressing", "metadata": {"token": "flagger-shared-token"}}`)
	if code != 400 || !strings.Contains(fmt.Sprint(out["error"]), "checksum: missing") {
		t.Fatalf("no checksum: %d %v", code, out)
	}

	// First call: one request posted, gate closed; repeats post nothing.
	first := expect(addr, "gate", gate("85d557f47b"), 403, false)
	if first["state"] != "proposed" || first["request"] != float64(1) {
		t.Fatalf("first call: %v", first)
	}
	expect(addr, "gate", gate("85d557f47b"), 403, false)
	waitFor(t, 30*time.Second, "the promotion request posted", func() bool { return len(posts()) == 1 })
	if p := posts()[0]; p.Get("channel") != "C_DEPLOY" || !strings.Contains(p.Get("blocks"), "Promotion request #1") ||
		!strings.Contains(p.Get("blocks"), "test/podinfo") || !strings.Contains(p.Get("blocks"), "85d557f47b") {
		t.Fatalf("request message %v", p)
	}
	// The rollback hook: nobody asked, so no.
	expect(addr, "rollback", gate("85d557f47b"), 403, nil)
	// Events: each distinct one once, in the request's thread.
	event := `{"name": "podinfo", "namespace": "test", "phase": "Progressing", "checksum": "85d557f47b",
		"metadata": {"eventMessage": "Advance podinfo.test canary weight 50", "eventType": "Normal", "timestamp": "1700000000000", "token": "flagger-shared-token"}}`
	expect(addr, "event", event, 200, nil)
	if _, out := flaggerCall(t, addr, "event", event); out["duplicate"] != true {
		t.Fatalf("repeated event: %v", out)
	}
	waitFor(t, 30*time.Second, "the event in the thread", func() bool { return replies("canary weight 50") == 1 })

	// Wrong role, then self-approval: refused, gate closed.
	click(t, addr, "e2e-secret", "U_PO", 1, true)
	click(t, addr, "e2e-secret", "U_ENG", 1, true)
	expect(addr, "gate", gate("85d557f47b"), 403, false)

	// A second revision, rolled back by the product manager.
	expect(addr, "gate", gate("bbb222"), 403, false)
	click(t, addr, "e2e-secret", "U_PM", 2, false)
	expect(addr, "gate", gate("bbb222"), 403, false)
	expect(addr, "rollback", gate("bbb222"), 200, nil)
	expect(addr, "rollback", gate("bbb222"), 200, nil)
	waitFor(t, 30*time.Second, "the rollback in the thread", func() bool { return replies("rolls test/podinfo revision bbb222 back") == 1 })

	// mlbot restarts between calls: the request and its refusals stay.
	stop()
	addr, stop = runMain(t, writeCfg("1s"))
	expect(addr, "gate", gate("85d557f47b"), 403, false)
	click(t, addr, "e2e-secret", "U_PM", 1, true)
	expect(addr, "gate", gate("85d557f47b"), 200, true)
	expect(addr, "gate", gate("85d557f47b"), 200, true)
	expect(addr, "rollback", gate("85d557f47b"), 403, nil)
	waitFor(t, 30*time.Second, "the message updated", func() bool {
		ups := slk.get("POST /chat.update")
		return len(ups) > 0 && strings.Contains(ups[len(ups)-1].Get("blocks"), "Promotion approved by")
	})

	// A request that expires keeps its gate closed, approved or not.
	expect(addr, "gate", gate("ccc333"), 403, false)
	time.Sleep(1200 * time.Millisecond)
	click(t, addr, "e2e-secret", "U_PM", 3, true)
	if out := expect(addr, "gate", gate("ccc333"), 403, false); out["state"] != "expired" {
		t.Fatalf("expired request: %v", out)
	}
	if n := len(posts()); n != 3 {
		t.Errorf("%d requests posted, want 3 (one per revision)", n)
	}
	stop()

	st, err := store.Open(context.Background(), "sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	audit, err := st.ListAudit(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var log []string
	for _, e := range audit {
		log = append(log, e.Actor+" "+e.Action+" "+e.Detail)
	}
	all := strings.Join(log, "\n")
	for _, want := range []string{
		"flagger propose_promotion request 1: promote test/podinfo revision 85d557f47b",
		"U_PO approve_promotion_refused role approve_promotion needed",
		"U_ENG approve_promotion_refused request 1 (test/podinfo@flagger to \"85d557f47b\"): the proposer cannot approve their own request",
		"U_PM reject_promotion request 2",
		"mlbot promotion_rollback_answered request 2: told flagger to roll test/podinfo revision bbb222 back",
		"U_PM approve_promotion request 1",
		"mlbot promotion_expired request 3",
		"U_PM approve_promotion_refused request 3",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("audit has no %q:\n%s", want, all)
		}
	}
}
