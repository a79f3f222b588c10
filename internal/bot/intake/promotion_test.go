package intake

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// fakePromotions answers from a state the test sets and records the calls.
type fakePromotions struct {
	state bot.ApprovalState
	calls []string
}

func (f *fakePromotions) PromotionGate(ctx context.Context, g bot.GateCall) (bot.Gate, error) {
	f.calls = append(f.calls, "gate "+g.Canary.Key()+" "+g.ProposedBy+" "+g.Model)
	a := bot.Approval{ID: 1, Kind: bot.ApprovalPromotion, State: f.state, Needed: 1}
	return bot.Gate{Approval: a, Open: f.state == bot.ApprovalApproved}, nil
}

func (f *fakePromotions) PromotionRollback(ctx context.Context, e bot.CanaryEvent) (bool, bot.Approval, error) {
	f.calls = append(f.calls, "rollback "+e.Canary.Key())
	return f.state == bot.ApprovalRejected, bot.Approval{ID: 1, State: f.state}, nil
}

func (f *fakePromotions) CanaryEvent(ctx context.Context, e bot.CanaryEvent) (bool, error) {
	f.calls = append(f.calls, "event "+e.Canary.Key()+" "+e.Type+" "+e.Message)
	return true, nil
}

func promotionServer(t testing.TB, p Promotions) http.Handler {
	t.Helper()
	cfg, err := bot.Load([]byte(`store: {dsn: x.db}
auth: {alertmanager: {bearer_token: t}, promotion_token: 16688eb5e9f289f1991c}
backends: {gitlab: {url: "https://gitlab.example/api/v4", token: x}}
slack: {bot_token: x, signing_secret: y, channel: C1, roles: {approve_rollback: {users: [U1]}, approve_promotion: {users: [U2]}}}
rules: [{name: r, matchers: ['a="b"'], actions: [{notify: {channel: C1, text: x}}]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	s := New(cfg, nil, nil, reg)
	s.Promotions = p
	return s.Handler(reg)
}

func TestPromotionEndpoints(t *testing.T) {
	doc := string(mustRead(t, "testdata/flagger-webhook.json"))
	event := string(mustRead(t, "testdata/flagger-event.json"))
	cases := []struct {
		name, path, body, auth string
		state                  bot.ApprovalState
		code                   int
		want, call             string
	}{
		{"gate waits", "/v1/flagger/gate", doc, "", bot.ApprovalProposed, 403, `"open":false`, "gate flagger/test/podinfo/85d557f47b"},
		{"gate open", "/v1/flagger/gate", doc, "", bot.ApprovalApproved, 200, `"open":true`, "gate flagger/test/podinfo/85d557f47b"},
		{"gate rejected", "/v1/flagger/gate", doc, "", bot.ApprovalRejected, 403, "roll back", ""},
		{"argo waits, 200 for the web metric", "/v1/argo/gate", strings.Replace(doc, `"token":  "16688eb5e9f289f1991c"`, `"model": "rec"`, 1),
			"Bearer 16688eb5e9f289f1991c", bot.ApprovalProposed, 200, `"open":false`, "gate argo-rollouts/test/podinfo/85d557f47b  rec"},
		{"rollback not asked", "/v1/flagger/rollback", doc, "", bot.ApprovalProposed, 403, `"rollback":false`, "rollback flagger/test/podinfo/85d557f47b"},
		{"rollback asked", "/v1/flagger/rollback", doc, "", bot.ApprovalRejected, 200, `"rollback":true`, ""},
		{"event", "/v1/flagger/event", event, "", "", 200, `"queued":true`, "event flagger/test/podinfo/85d557f47b Normal Advance podinfo.test canary weight 10"},
		{"echo of the rollback hook", "/v1/flagger/event", strings.Replace(event, "Advance podinfo.test canary weight 10", "Rollback hook slack-rollback not signaling a rollback", 1),
			"", "", 200, `"ignored"`, ""},
		{"event without message", "/v1/flagger/event", doc, "", "", 400, "metadata.eventMessage: missing", ""},
		{"wrong metadata token", "/v1/flagger/gate", strings.Replace(doc, "16688eb5e9f289f1991c", "nope", 1), "", "", 401, "metadata.token", ""},
		{"wrong bearer", "/v1/argo/gate", doc, "Bearer nope", "", 401, "bearer token", ""},
		{"no token", "/v1/flagger/gate", `{"name":"podinfo","namespace":"test","checksum":"85d557f47b"}`, "", "", 401, "no bearer token", ""},
		{"bad namespace", "/v1/flagger/gate", strings.Replace(doc, `"test"`, `"Test_NS"`, 1), "", "", 400, `expected a Kubernetes namespace`, ""},
		{"bad proposer", "/v1/flagger/gate", strings.Replace(doc, `"test":  "all"`, `"proposed_by": "alice"`, 1), "", "", 400, "metadata.proposed_by", ""},
		{"not JSON", "/v1/flagger/gate", "name=podinfo", "Bearer 16688eb5e9f289f1991c", "", 400, "not a Flagger webhook payload", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakePromotions{state: tc.state}
			h := promotionServer(t, f)
			req := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(tc.body))
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.want) {
				t.Fatalf("%d %s, want %d with %q", rec.Code, rec.Body, tc.code, tc.want)
			}
			if tc.call != "" && (len(f.calls) != 1 || !strings.HasPrefix(f.calls[0], tc.call)) {
				t.Fatalf("calls %q, want %q", f.calls, tc.call)
			}
			if tc.code >= 400 && tc.code != 403 && len(f.calls) != 0 {
				t.Fatalf("a refused request reached the store: %q", f.calls)
			}
		})
	}
}

// FuzzPromotion sends any body to the gate: never a panic or a 5xx, and
// the store sees only valid canaries.
func FuzzPromotion(f *testing.F) {
	f.Add(mustRead(f, "testdata/flagger-webhook.json"))
	f.Add(mustRead(f, "testdata/flagger-event.json"))
	f.Add([]byte(`{"name":"a","namespace":"b","checksum":"c","metadata":{"token":"16688eb5e9f289f1991c","proposed_by":"U1"}}`))
	f.Add([]byte(`{"metadata":{"token":null}}`))
	p := &checkingPromotions{}
	h := promotionServer(f, p)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, path := range []string{"/v1/flagger/gate", "/v1/flagger/event"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, bytes.NewReader(b)))
			if rec.Code >= 500 {
				t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
			}
		}
		if p.bad != "" {
			t.Fatal(p.bad)
		}
	})
}

type checkingPromotions struct {
	fakePromotions
	bad string
}

func (c *checkingPromotions) PromotionGate(ctx context.Context, g bot.GateCall) (bot.Gate, error) {
	if err := g.Canary.Validate(); err != nil {
		c.bad = "the store got an invalid canary: " + err.Error()
	}
	return bot.Gate{}, nil
}
