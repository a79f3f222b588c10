package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/slack/slacktest"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// channelStub is Slack's chat.postMessage and conversations.history over
// one channel; history, when set, answers conversations.history instead
// (an error). It records the posts and the searches' forms.
type channelStub struct {
	slacktest.Channel
	mu       sync.Mutex
	posts    int
	searches []url.Values
	history  func(w http.ResponseWriter)
}

func (c *channelStub) serve(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		c.mu.Lock()
		c.posts++
		c.mu.Unlock()
		if m := r.Form.Get("metadata"); m != "" && !json.Valid([]byte(m)) {
			t.Errorf("metadata %q is not JSON", m)
		}
		ts := c.Post(r.Form.Get("text"), r.Form.Get("metadata"))
		json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": r.Form.Get("channel"), "ts": ts})
	})
	mux.HandleFunc("POST /conversations.history", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		c.mu.Lock()
		c.searches = append(c.searches, r.Form)
		c.mu.Unlock()
		if c.history != nil {
			c.history(w)
			return
		}
		json.NewEncoder(w).Encode(c.History(r.Form))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestPostOnceAfterLostRecord: an attempt posts a request's message and
// dies before recording it (a kill, or Slack's answer lost); the retry
// finds that message by its metadata and records it instead of posting
// a second one. When the search cannot tell, the retry posts (a second
// message is better than none); when Slack is unavailable it waits.
func TestPostOnceAfterLostRecord(t *testing.T) {
	created := time.Now().Add(-10 * time.Minute).UTC()
	cases := []struct {
		name string
		// posted: the first attempt posted before dying.
		posted bool
		// others: messages in the channel after the request's.
		others  int
		history func(w http.ResponseWriter)
		// wantPosts: chat.postMessage calls in all; wantErr: the retry fails.
		wantPosts int
		wantErr   bool
		wantFound bool
	}{
		{name: "posted, then killed", posted: true, others: 3, wantPosts: 1, wantFound: true},
		{name: "posted, a busy channel since", posted: true, others: 450, wantPosts: 1, wantFound: true},
		{name: "killed before posting", posted: false, others: 3, wantPosts: 1},
		{name: "more messages since than the search reads", posted: true, others: maxHistoryPages*historyPage + 1, wantPosts: 2},
		{name: "no channels:history scope", posted: true, history: func(w http.ResponseWriter) {
			json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "missing_scope", "needed": "channels:history"})
		}, wantPosts: 2},
		{name: "Slack unavailable", posted: true, history: func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}, wantPosts: 1, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "mlbot.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			a, err := st.ProposeRollback(ctx, bot.Approval{Rule: "slack", Model: "rec", Project: "ml/rec", Ref: "main",
				Version: "v3", State: bot.ApprovalProposed, ProposedBy: "U1", ExpiresAt: created.Add(time.Hour), CreatedAt: created})
			if err != nil {
				t.Fatal(err)
			}
			ch := &channelStub{history: tc.history}
			// Messages before the request: never read.
			for i := range 50 {
				ch.Add(float64(created.Add(-time.Hour).Unix())+float64(i), "old", "")
			}
			srv := ch.serve(t)
			cfg := &bot.SlackConfig{Channel: "C0ROLLBACK", APIURL: srv.URL}
			b := &Bot{Config: cfg, Store: st, Slack: New(cfg, srv.Client()), Log: slog.New(slog.DiscardHandler)}
			var firstTS string
			if tc.posted {
				// The first attempt's call, whose answer was never recorded.
				if _, firstTS, err = b.Slack.PostApproval(ctx, cfg.Channel, a); err != nil {
					t.Fatal(err)
				}
			}
			for i := range tc.others {
				ch.Add(ch.Last().TS+1e-3, fmt.Sprint("chatter ", i),
					`{"event_type":"other","event_payload":{"request_id":"`+strconv.FormatInt(a.ID, 10)+`"}}`)
			}
			job := bot.Job{ID: 7, Kind: bot.KindSlackPost, Attempts: 2, LastError: "context canceled", CreatedAt: created,
				Task: bot.Task{Slack: &bot.SlackTask{ApprovalID: a.ID}}}
			run, err := b.post(ctx, job)
			if tc.wantErr != (err != nil) {
				t.Fatalf("retry: %v, want an error: %v", err, tc.wantErr)
			}
			if err != nil && errors.Is(err, forge.ErrPermanent) {
				t.Errorf("Slack unavailable is permanent: %v", err)
			}
			if ch.posts != tc.wantPosts {
				t.Errorf("%d messages posted, want %d", ch.posts, tc.wantPosts)
			}
			got, _ := st.GetApproval(ctx, a.ID)
			if tc.wantFound && (got.TS != firstTS || got.Channel != "C0ROLLBACK") {
				t.Errorf("recorded %s/%s, want the first attempt's C0ROLLBACK/%s (%s)", got.Channel, got.TS, firstTS, run.Detail)
			}
			if !tc.wantErr && got.TS == "" {
				t.Error("no message recorded")
			}
			// The search reads the channel from a minute before the job, and
			// its pages are bounded.
			if len(ch.searches) == 0 || len(ch.searches) > maxHistoryPages {
				t.Fatalf("%d history calls, want 1-%d", len(ch.searches), maxHistoryPages)
			}
			s := ch.searches[0]
			wantOldest := fmt.Sprintf("%.6f", float64(created.Add(-time.Minute).UnixMicro())/1e6)
			if s.Get("channel") != "C0ROLLBACK" || s.Get("oldest") != wantOldest || s.Get("include_all_metadata") != "1" || s.Get("limit") != strconv.Itoa(historyPage) {
				t.Errorf("search %v, want channel C0ROLLBACK, oldest %s, include_all_metadata 1, limit %d", s, wantOldest, historyPage)
			}
		})
	}
}

// TestPostFirstAttemptDoesNotSearch: a first attempt has nothing to find
// and posts with the request's metadata.
func TestPostFirstAttemptDoesNotSearch(t *testing.T) {
	ctx := context.Background()
	st, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "mlbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC()
	a, err := st.ProposeRollback(ctx, bot.Approval{Rule: "slack", Model: "rec", Project: "ml/rec", Ref: "main",
		Version: "v3", State: bot.ApprovalProposed, ProposedBy: "U1", ExpiresAt: now.Add(time.Hour), CreatedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	ch := &channelStub{}
	srv := ch.serve(t)
	cfg := &bot.SlackConfig{Channel: "C0ROLLBACK", APIURL: srv.URL}
	b := &Bot{Config: cfg, Store: st, Slack: New(cfg, srv.Client()), Log: slog.New(slog.DiscardHandler)}
	if _, err := b.post(ctx, bot.Job{ID: 1, Kind: bot.KindSlackPost, Attempts: 1, CreatedAt: now,
		Task: bot.Task{Slack: &bot.SlackTask{ApprovalID: a.ID}}}); err != nil {
		t.Fatal(err)
	}
	if ch.posts != 1 || len(ch.searches) != 0 {
		t.Fatalf("%d posts and %d searches, want 1 and 0", ch.posts, len(ch.searches))
	}
	var meta struct {
		EventType    string            `json:"event_type"`
		EventPayload map[string]string `json:"event_payload"`
	}
	if err := json.Unmarshal(ch.Last().Metadata, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.EventType != "mlbot_request" || meta.EventPayload["request_id"] != strconv.FormatInt(a.ID, 10) {
		t.Errorf("metadata %s, want mlbot_request with request_id %d", ch.Last().Metadata, a.ID)
	}
}
