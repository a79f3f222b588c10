package intake

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/slack-go/slack/slacktest"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/slack"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/forge/gitlab"
)

const slackSecret = "8f742231b10e8888abcd99yyyzzz85a5"

const slackConfig = `
store: {dsn: x.db}
auth:
  alertmanager: {bearer_token: am-token}
  gitlab_token: gl-secret
backends:
  gitlab: {url: "%s/api/v4", token: glpat-test}
worker: {backoff_min: 1ms, backoff_max: 2ms}
slack:
  bot_token: xoxb-test
  signing_secret: ` + slackSecret + `
  api_url: "%s"
  channel: C_ROLL
  approvals: %d
  models: {rec: {project: ml/rec, ref: main}}
  roles:
    retrain: {users: [U_ENG]}
    propose_rollback: {users: [U_ENG]}
    approve_rollback: {users: [U_PO], groups: [S_PO]}
    view: {users: [U_VIEW]}
rules:
  - name: drift
    matchers: ['alertname="FeatureDrift"']
    actions:
      - propose_rollback: {project: ml/rec, ref: main, version: v1}
`

// call is one request a fake received.
type call struct {
	Method, Path, Auth string
	Form               url.Values
	Body               string
	At                 time.Time
}

// recorder keeps the requests a fake received.
type recorder struct {
	mu    sync.Mutex
	calls []call
	// failUpdates makes that many chat.update calls answer 500.
	failUpdates int
	// seen, when set, is told of every call.
	seen chan call
}

func (r *recorder) add(req *http.Request) call {
	b, _ := io.ReadAll(req.Body)
	c := call{Method: req.Method, Path: req.URL.Path, Body: string(b), At: time.Now()}
	c.Form, _ = url.ParseQuery(c.Body)
	c.Auth = req.Header.Get("Authorization")
	if c.Auth == "" {
		c.Auth = req.Header.Get("PRIVATE-TOKEN")
	}
	if c.Auth == "" && c.Form.Get("token") != "" {
		c.Auth = "form token " + c.Form.Get("token")
	}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	seen := r.seen
	r.mu.Unlock()
	if seen != nil {
		seen <- c
	}
	return c
}

func (r *recorder) get(path string) []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []call
	for _, c := range r.calls {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// newFakeSlack is slacktest's server with the handlers it lacks
// (chat.update, usergroups.users.list) and a chat.postMessage that
// records the blocks and hands out distinct timestamps.
func newFakeSlack(t testing.TB, groups map[string][]string) (*slacktest.Server, *recorder) {
	rec := &recorder{}
	var n int64
	var mu sync.Mutex
	s := slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			cl := rec.add(r)
			mu.Lock()
			n++
			ts := fmt.Sprintf("1700000000.%06d", n)
			mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": cl.Form.Get("channel"), "ts": ts})
		})
		c.Handle("/chat.update", func(w http.ResponseWriter, r *http.Request) {
			cl := rec.add(r)
			rec.mu.Lock()
			fail := rec.failUpdates > 0
			if fail {
				rec.failUpdates--
			}
			rec.mu.Unlock()
			if fail {
				http.Error(w, "upstream down", http.StatusInternalServerError)
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": cl.Form.Get("channel"), "ts": cl.Form.Get("ts"),
				"text": cl.Form.Get("text")})
		})
		c.Handle("/usergroups.users.list", func(w http.ResponseWriter, r *http.Request) {
			cl := rec.add(r)
			g, ok := groups[cl.Form.Get("usergroup")]
			if !ok {
				json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "no_such_subteam"})
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"ok": true, "users": g})
		})
	})
	s.Start()
	t.Cleanup(s.Stop)
	return s, rec
}

// newFakeGitLab answers the calls of a play-mode rollback: the newest
// pipelines on the ref, their manual jobs, and the play.
func newFakeGitLab(t testing.TB) (*httptest.Server, *recorder) {
	rec := &recorder{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/projects/{id}/pipelines", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		if r.URL.Query().Get("ref") != "main" {
			http.Error(w, "wrong ref", http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, `[{"id": 78, "status": "running", "web_url": "https://gitlab.example/ml/rec/-/pipelines/78"},
			{"id": 77, "status": "success", "web_url": "https://gitlab.example/ml/rec/-/pipelines/77"}]`)
	})
	mux.HandleFunc("GET /api/v4/projects/{id}/pipelines/{pid}/jobs", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		if r.PathValue("pid") != "77" {
			fmt.Fprint(w, `[]`)
			return
		}
		fmt.Fprint(w, `[{"id": 900, "name": "deploy-canary", "status": "manual"}, {"id": 901, "name": "rollback", "status": "manual"}]`)
	})
	mux.HandleFunc("POST /api/v4/projects/{id}/jobs/{job}/play", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		fmt.Fprintf(w, `{"id": %s, "name": "rollback", "status": "pending", "web_url": "https://gitlab.example/ml/rec/-/jobs/%s",
			"pipeline": {"id": 77, "status": "running"}}`, r.PathValue("job"), r.PathValue("job"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, rec
}

// slackFixture is mlbot with a Slack bot, a SQLite store, a fake Slack,
// a fake GitLab and a settable clock.
type slackFixture struct {
	st      *store.DB
	srv     *httptest.Server
	workers []*bot.Worker
	slack   *recorder
	gitlab  *recorder
	answers *recorder
	hooks   *httptest.Server
	bot     *slack.Bot
	server  *Server

	mu  sync.Mutex
	now time.Time
	// realTime makes the clock follow time.Now (benchmarks).
	realTime bool
	cfg      *bot.Config
	open     func() (*store.DB, error)
}

func newSlackFixture(t testing.TB, approvals int) *slackFixture {
	t.Helper()
	dir := t.TempDir()
	return newSlackFixtureOn(t, approvals, func() (*store.DB, error) {
		return store.OpenSQLite(context.Background(), filepath.Join(dir, "mlbot.db"))
	})
}

// newSlackFixtureOn is newSlackFixture on the store open returns.
func newSlackFixtureOn(t testing.TB, approvals int, open func() (*store.DB, error)) *slackFixture {
	t.Helper()
	f := &slackFixture{now: time.Now().UTC(), open: open}
	sl, srec := newFakeSlack(t, map[string][]string{"S_PO": {"U_PO2", "U_ENG"}})
	gl, grec := newFakeGitLab(t)
	f.slack, f.gitlab, f.answers = srec, grec, &recorder{}
	f.hooks = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { f.answers.add(r) }))
	t.Cleanup(f.hooks.Close)
	var err error
	f.cfg, err = bot.Load(fmt.Appendf(nil, slackConfig, gl.URL, sl.GetAPIURL(), approvals))
	if err != nil {
		t.Fatal(err)
	}
	r := f.replica(t)
	f.st, f.srv, f.bot, f.server, f.workers = r.st, r.srv, r.bot, r.server, r.workers
	return f
}

// replica is one mlbot process: its own store handle, server, bot and
// two workers, on the fixture's database, fakes and clock.
type replica struct {
	st      *store.DB
	srv     *httptest.Server
	server  *Server
	bot     *slack.Bot
	workers []*bot.Worker
}

func (f *slackFixture) replica(t testing.TB) replica {
	t.Helper()
	var r replica
	var err error
	if r.st, err = f.open(); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	r.server = New(f.cfg, r.st, nil, reg)
	r.server.Now = f.clock
	gc, err := gitlab.New(f.cfg.Backends.GitLab.URL, gitlab.Token{Value: "glpat-test", Kind: gitlab.PrivateToken, Source: "test"},
		gitlab.Options{RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	r.bot = &slack.Bot{Config: f.cfg.Slack, Store: r.st, Slack: slack.New(f.cfg.Slack, http.DefaultClient),
		Rollbacks: gitlab.NewRollbacks(gc), Log: slog.New(slog.DiscardHandler), Now: f.clock}
	r.server.Slack = r.bot
	for range 2 {
		r.workers = append(r.workers, &bot.Worker{Store: r.st, Config: f.cfg.Worker, Handlers: r.bot.Handlers(),
			Notifier: r.bot, Now: f.clock})
	}
	r.srv = httptest.NewServer(r.server.Handler(reg))
	t.Cleanup(func() { r.srv.Close(); r.st.Close() })
	return r
}

func (f *slackFixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.realTime {
		return time.Now().UTC()
	}
	return f.now
}

func (f *slackFixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// drain runs both workers until the outbox has nothing due.
func (f *slackFixture) drain(t testing.TB) {
	t.Helper()
	for range 50 {
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for _, w := range f.workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := w.RunOnce(context.Background())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if total == 0 {
			return
		}
		f.advance(5 * time.Millisecond) // let backoffs of 1-2 ms pass
	}
	t.Fatal("the outbox did not drain")
}

// signed posts a form to mlbot signed as Slack would, at ts.
func (f *slackFixture) signed(t testing.TB, path string, form url.Values, ts time.Time) (int, string) {
	t.Helper()
	return f.signedAt(t, f.srv.URL, path, form, ts)
}

// signedAt is signed to the replica at base.
func (f *slackFixture) signedAt(t testing.TB, base, path string, form url.Values, ts time.Time) (int, string) {
	t.Helper()
	body := form.Encode()
	stamp := strconv.FormatInt(ts.Unix(), 10)
	return f.postAt(t, base, path, body, map[string]string{"X-Slack-Request-Timestamp": stamp,
		"X-Slack-Signature": sign(slackSecret, stamp, body)})
}

func (f *slackFixture) post(t testing.TB, path, body string, hdr map[string]string) (int, string) {
	t.Helper()
	return f.postAt(t, f.srv.URL, path, body, hdr)
}

func (f *slackFixture) postAt(t testing.TB, base, path, body string, hdr map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
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

func sign(secret, ts, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%s:%s", ts, body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

// click is a block_actions payload of one button press.
func (f *slackFixture) click(user string, id int64, approve bool, trigger string) url.Values {
	action := slack.ActionReject
	if approve {
		action = slack.ActionApprove
	}
	p := map[string]any{"type": "block_actions", "trigger_id": trigger, "response_url": f.hooks.URL + "/click/" + trigger,
		"user": map[string]any{"id": user, "name": strings.ToLower(user)},
		"actions": []map[string]any{{"type": "button", "action_id": action, "block_id": "approval_" + strconv.FormatInt(id, 10),
			"value": strconv.FormatInt(id, 10)}}}
	b, _ := json.Marshal(p)
	return url.Values{"payload": {string(b)}}
}

// command is a /mlops form.
func (f *slackFixture) command(user, text string) url.Values {
	return url.Values{"command": {"/mlops"}, "text": {text}, "user_id": {user}, "channel_id": {"C_OPS"},
		"trigger_id": {"trig-" + user + "-" + text}, "response_url": {f.hooks.URL + "/cmd"}}
}

func (f *slackFixture) audit(t testing.TB) []bot.AuditEntry {
	t.Helper()
	es, err := f.st.ListAudit(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return es
}
