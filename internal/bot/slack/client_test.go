package slack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/forge"
)

func TestClientErrorKinds(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		body      string
		permanent bool
	}{
		{"refused", 200, `{"ok": false, "error": "channel_not_found"}`, true},
		{"bad token", 200, `{"ok": false, "error": "invalid_auth"}`, true},
		{"internal", 200, `{"ok": false, "error": "internal_error"}`, false},
		{"5xx", 503, `down`, false},
		{"rate limited", 429, `{"ok": false, "error": "ratelimited"}`, false},
		{"4xx", 404, `gone`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/chat.update" || r.Method != "POST" {
					t.Errorf("%s %s", r.Method, r.URL.Path)
				}
				if c.status == 429 {
					w.Header().Set("Retry-After", "3")
				}
				w.WriteHeader(c.status)
				fmt.Fprint(w, c.body)
			}))
			defer srv.Close()
			cl := New(&bot.SlackConfig{BotToken: "xoxb-secret", APIURL: srv.URL}, srv.Client())
			err := cl.UpdateApproval(context.Background(), bot.Approval{ID: 1, Channel: "C1", TS: "1.2", State: bot.ApprovalRejected})
			if err == nil || errors.Is(err, forge.ErrPermanent) != c.permanent {
				t.Fatalf("err %v, permanent %v want %v", err, errors.Is(err, forge.ErrPermanent), c.permanent)
			}
			if strings.Contains(err.Error(), "xoxb-secret") {
				t.Errorf("token in error: %v", err)
			}
		})
	}
}

func TestGroupCacheAndRoles(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.URL.Path != "/usergroups.users.list" || r.Form.Get("usergroup") != "S1" {
			t.Errorf("%s %v", r.URL.Path, r.Form)
		}
		calls.Add(1)
		fmt.Fprint(w, `{"ok": true, "users": ["U2", "U3"]}`)
	}))
	defer srv.Close()
	cfg := &bot.SlackConfig{BotToken: "xoxb-1", APIURL: srv.URL + "/", GroupCacheTTL: time.Minute,
		Roles: map[bot.Role]*bot.RoleMembers{
			bot.RoleApproveRollback: {Users: []string{"U1"}, Groups: []string{"S1"}},
			bot.RoleView:            {Users: []string{"U9"}},
		}}
	cl := New(cfg, srv.Client())
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cl.now = func() time.Time { return now }
	ctx := context.Background()
	check := func(user string, role bot.Role, want bool) {
		t.Helper()
		got, err := cl.HasRole(ctx, user, role)
		if err != nil || got != want {
			t.Errorf("%s %s: %v %v, want %v", user, role, got, err, want)
		}
	}
	check("U1", bot.RoleApproveRollback, true)
	if calls.Load() != 0 {
		t.Errorf("a listed user needed the group")
	}
	check("U3", bot.RoleApproveRollback, true)
	check("U4", bot.RoleApproveRollback, false)
	check("U9", bot.RoleView, true)
	check("U2", bot.RoleView, true) // view is implied by approve_rollback
	check("U9", bot.RoleRetrain, false)
	if n := calls.Load(); n != 1 {
		t.Errorf("%d group lookups within the TTL, want 1", n)
	}
	now = now.Add(61 * time.Second)
	check("U2", bot.RoleApproveRollback, true)
	if n := calls.Load(); n != 2 {
		t.Errorf("%d group lookups after the TTL, want 2", n)
	}
}
