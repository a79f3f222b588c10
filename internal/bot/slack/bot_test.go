package slack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

// sweepStore counts expiry sweeps; the other methods are not used.
type sweepStore struct {
	Store
	sweeps, expired atomic.Int32
}

func (s *sweepStore) ExpireApprovals(ctx context.Context, now time.Time) (int, error) {
	if s.sweeps.Add(1) == 2 {
		s.expired.Add(1)
		return 1, nil
	}
	return 0, nil
}

func TestSweepWakesOnExpiry(t *testing.T) {
	st := &sweepStore{}
	var wakes atomic.Int32
	b := &Bot{Store: st, Log: slog.New(slog.DiscardHandler), Wake: func() { wakes.Add(1) }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Sweep(ctx, time.Millisecond); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for st.sweeps.Load() < 4 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if st.sweeps.Load() < 4 || wakes.Load() != 1 {
		t.Errorf("%d sweeps, %d wakes; want at least 4 and exactly 1 (one sweep expired a request)", st.sweeps.Load(), wakes.Load())
	}
}

func TestNotifyPostsToChannel(t *testing.T) {
	got := make(chan url.Values, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f, _ := url.ParseQuery(string(b))
		if r.URL.Path != "/chat.postMessage" {
			t.Errorf("path %s", r.URL.Path)
		}
		got <- f
		fmt.Fprint(w, `{"ok": true, "channel": "C", "ts": "1.1"}`)
	}))
	defer srv.Close()
	cfg := &bot.SlackConfig{BotToken: "xoxb-1", APIURL: srv.URL, Channel: "C_DEFAULT"}
	b := &Bot{Config: cfg, Slack: New(cfg, srv.Client()), Log: slog.New(slog.DiscardHandler)}
	for _, c := range []struct{ channel, want string }{{"#ml-alerts", "#ml-alerts"}, {"", "C_DEFAULT"}} {
		err := b.Notify(context.Background(), bot.Job{Kind: bot.KindNotify, Task: bot.Task{Notify: &bot.NotifyTask{Channel: c.channel, Text: "drift on rec"}}})
		if err != nil {
			t.Fatal(err)
		}
		f := <-got
		if f.Get("channel") != c.want || f.Get("text") != "drift on rec" || f.Get("thread_ts") != "" {
			t.Errorf("posted %v, want channel %s", f, c.want)
		}
	}
	if err := b.Notify(context.Background(), bot.Job{Kind: bot.KindNotify}); !errors.Is(err, forge.ErrPermanent) {
		t.Errorf("notify without a task: %v", err)
	}
}
