package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// propose makes U_ENG propose a rollback of rec to v1 by /mlops and posts
// its message; it returns the request id.
func (f *slackFixture) propose(t *testing.T) int64 {
	t.Helper()
	code, body := f.signed(t, "/v1/slack/commands", f.command("U_ENG", "rollback rec v1"), time.Now())
	if code != 200 || !strings.Contains(body, "Rollback request #") {
		t.Fatalf("rollback command: %d %s", code, body)
	}
	f.drain(t)
	as, err := f.st.ListApprovals(context.Background(), 1)
	if err != nil || len(as) != 1 {
		t.Fatalf("approvals %v %v", as, err)
	}
	if as[0].TS == "" || as[0].Channel != "C_ROLL" {
		t.Fatalf("message not recorded: %+v", as[0])
	}
	return as[0].ID
}

func TestSlackApproveRollsBackOnce(t *testing.T) {
	f := newSlackFixture(t, 1)
	id := f.propose(t)

	posts := f.slack.get("/chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1", len(posts))
	}
	p := posts[0]
	if p.Method != "POST" || (p.Auth != "Bearer xoxb-test" && p.Auth != "form token xoxb-test") || p.Form.Get("channel") != "C_ROLL" {
		t.Errorf("post %s auth %q channel %q", p.Method, p.Auth, p.Form.Get("channel"))
	}
	blocks := p.Form.Get("blocks")
	for _, want := range []string{`"action_id":"mlbot_approve"`, `"action_id":"mlbot_reject"`, `"confirm"`,
		fmt.Sprintf(`"value":"%d"`, id), "ml/rec", "v1", "\\u003c@U_ENG\\u003e"} {
		if !strings.Contains(blocks, want) {
			t.Errorf("blocks lack %s:\n%s", want, blocks)
		}
	}

	// The deployed pipeline finished before the rollback (mlbot saw it).
	hook := func(finished string) int {
		code, _ := f.post(t, "/v1/gitlab/events", `{"object_kind":"pipeline","object_attributes":{"id":77,"status":"success",
			"finished_at":"`+finished+`"}}`, map[string]string{"X-Gitlab-Token": "gl-secret", "Content-Type": "application/json"})
		return code
	}
	if code := hook("2026-11-23 09:00:00 UTC"); code != 200 {
		t.Fatalf("gitlab event %d", code)
	}

	// Five clicks at once by the approver (a double click, Slack's
	// retries) and a second approver after the request is decided.
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			trigger := "t1"
			if i > 2 {
				trigger = fmt.Sprintf("t1-%d", i)
			}
			if code, body := f.signed(t, "/v1/slack/interactions", f.click("U_PO", id, true, trigger), time.Now()); code != 200 {
				t.Errorf("click: %d %s", code, body)
			}
		}()
	}
	wg.Wait()
	if code, _ := f.signed(t, "/v1/slack/interactions", f.click("U_PO2", id, true, "t2"), time.Now()); code != 200 {
		t.Errorf("second approver: %d", code)
	}
	f.drain(t)

	plays := f.gitlab.get("/api/v4/projects/ml/rec/jobs/901/play")
	if len(plays) != 1 {
		t.Fatalf("%d plays of the rollback job, want exactly 1 (calls %+v)", len(plays), f.gitlab.calls)
	}
	if plays[0].Auth != "glpat-test" {
		t.Errorf("play auth %q", plays[0].Auth)
	}
	var body struct {
		Vars []struct{ Key, Value, VariableType string } `json:"job_variables_attributes"`
	}
	if err := json.Unmarshal([]byte(plays[0].Body), &body); err != nil {
		t.Fatalf("play body %s: %v", plays[0].Body, err)
	}
	got := map[string]string{}
	for _, v := range body.Vars {
		got[v.Key] = v.Value
	}
	if got["ROLLBACK_TO"] != "v1" || got["MODEL"] != "rec" || len(got) != 2 {
		t.Errorf("play variables %v", got)
	}

	a, err := f.st.GetApproval(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if a.State != bot.ApprovalApproved || a.DecidedBy != "U_PO" || a.PipelineURL != "https://gitlab.example/ml/rec/-/pipelines/77" {
		t.Errorf("approval %+v", a)
	}
	ups := f.slack.get("/chat.update")
	if len(ups) == 0 {
		t.Fatal("message never updated")
	}
	last := ups[len(ups)-1].Form
	if last.Get("ts") != a.TS || !strings.Contains(last.Get("blocks"), "Approved by \\u003c@U_PO\\u003e") ||
		!strings.Contains(last.Get("blocks"), "pipelines/77") || strings.Contains(last.Get("blocks"), "mlbot_approve") {
		t.Errorf("last update %v", last)
	}

	// The pipeline's outcome is posted in the thread: it finishes a
	// second time, which is not a duplicate of the first.
	if code := hook("2026-11-23 10:30:00 UTC"); code != 200 {
		t.Fatalf("gitlab event %d", code)
	}
	f.drain(t)
	posts = f.slack.get("/chat.postMessage")
	reply := posts[len(posts)-1].Form
	if reply.Get("thread_ts") != a.TS || !strings.Contains(reply.Get("text"), "success") {
		t.Errorf("thread reply %v", reply)
	}

	var decided, refused int
	for _, e := range f.audit(t) {
		switch {
		case e.Action == "approve_rollback" && e.Actor == "U_PO":
			decided++
			if !strings.Contains(e.Detail, "approved") || e.Subject != "rec" {
				t.Errorf("decision audit %+v", e)
			}
		case e.Action == "approve_rollback_refused":
			refused++
		}
	}
	// U_PO's four other clicks and U_PO2's click came after the decision.
	if decided != 1 || refused != 5 {
		t.Errorf("audit: %d decisions, %d refusals; want 1 and 5", decided, refused)
	}
}

func TestSlackTwoApprovals(t *testing.T) {
	f := newSlackFixture(t, 2)
	id := f.propose(t)
	f.signed(t, "/v1/slack/interactions", f.click("U_PO", id, true, "a"), time.Now())
	f.signed(t, "/v1/slack/interactions", f.click("U_PO", id, true, "b"), time.Now())
	f.drain(t)
	if n := len(f.gitlab.get("/api/v4/projects/ml/rec/jobs/901/play")); n != 0 {
		t.Fatalf("played after one approver: %d", n)
	}
	f.signed(t, "/v1/slack/interactions", f.click("U_PO2", id, true, "c"), time.Now())
	f.drain(t)
	if n := len(f.gitlab.get("/api/v4/projects/ml/rec/jobs/901/play")); n != 1 {
		t.Fatalf("%d plays after two approvers, want 1", n)
	}
	a, _ := f.st.GetApproval(context.Background(), id)
	if strings.Join(a.Approvers, ",") != "U_PO,U_PO2" {
		t.Errorf("approvers %v", a.Approvers)
	}
}

func TestSlackRefusals(t *testing.T) {
	f := newSlackFixture(t, 1)
	id := f.propose(t)
	// U_ENG holds approve_rollback through the group S_PO, yet proposed it.
	f.signed(t, "/v1/slack/interactions", f.click("U_ENG", id, true, "self"), time.Now())
	f.signed(t, "/v1/slack/interactions", f.click("U_VIEW", id, true, "role"), time.Now())
	code, body := f.signed(t, "/v1/slack/commands", f.command("U_VIEW", "approve "+fmt.Sprint(id)), time.Now())
	if code != 200 || !strings.Contains(body, "approve_rollback") {
		t.Errorf("approve command by a viewer: %d %s", code, body)
	}
	f.advance(31 * time.Minute)
	f.signed(t, "/v1/slack/interactions", f.click("U_PO", id, true, "late"), time.Now())
	f.drain(t)

	if n := len(f.gitlab.calls); n != 0 {
		t.Fatalf("GitLab was called %d times", n)
	}
	a, _ := f.st.GetApproval(context.Background(), id)
	if a.State != bot.ApprovalExpired {
		t.Errorf("state %s, want expired", a.State)
	}
	want := map[string]string{
		"/click/self": "proposer cannot approve", "/click/role": "approve_rollback", "/click/late": "expired",
	}
	for path, text := range want {
		as := f.answers.get(path)
		if len(as) != 1 || !strings.Contains(as[0].Body, text) || !strings.Contains(as[0].Body, `"ephemeral"`) {
			t.Errorf("answer at %s: %+v, want one containing %q", path, as, text)
		}
	}
	actions := map[string]int{}
	for _, e := range f.audit(t) {
		actions[e.Actor+" "+e.Action]++
	}
	for _, k := range []string{"U_ENG approve_rollback_refused", "U_VIEW approve_rollback_refused",
		"U_PO approve_rollback_refused", "mlbot rollback_expired"} {
		if actions[k] == 0 {
			t.Errorf("audit lacks %q: %v", k, actions)
		}
	}
	ups := f.slack.get("/chat.update")
	if len(ups) != 1 || !strings.Contains(ups[0].Form.Get("blocks"), "Expired") {
		t.Errorf("expiry not shown in Slack: %+v", ups)
	}
}

func TestSlackExpirySweep(t *testing.T) {
	f := newSlackFixture(t, 1)
	id := f.propose(t)
	f.advance(30 * time.Minute)
	n, err := f.st.ExpireApprovals(context.Background(), f.clock())
	if err != nil || n != 1 {
		t.Fatalf("expired %d, %v", n, err)
	}
	f.drain(t)
	if ups := f.slack.get("/chat.update"); len(ups) != 1 || !strings.Contains(ups[0].Form.Get("blocks"), "Expired") {
		t.Errorf("updates %+v", ups)
	}
	code, body := f.signed(t, "/v1/slack/commands", f.command("U_PO", fmt.Sprintf("approve %d", id)), time.Now())
	if code != 200 || !strings.Contains(body, "already expired") {
		t.Errorf("approve after expiry: %d %s", code, body)
	}
}

func TestSlackSignatureRefused(t *testing.T) {
	f := newSlackFixture(t, 1)
	id := f.propose(t)
	before := len(f.audit(t))
	form := f.click("U_PO", id, true, "x")
	body := form.Encode()
	now := fmt.Sprint(time.Now().Unix())
	old := fmt.Sprint(time.Now().Add(-6 * time.Minute).Unix())
	cases := []struct {
		name string
		hdr  map[string]string
	}{
		{"missing", nil},
		{"bad", map[string]string{"X-Slack-Request-Timestamp": now, "X-Slack-Signature": sign("wrong", now, body)}},
		{"other body", map[string]string{"X-Slack-Request-Timestamp": now, "X-Slack-Signature": sign(slackSecret, now, body+"x")}},
		{"older than 5 minutes", map[string]string{"X-Slack-Request-Timestamp": old, "X-Slack-Signature": sign(slackSecret, old, body)}},
		{"no timestamp", map[string]string{"X-Slack-Signature": sign(slackSecret, now, body)}},
	}
	for _, c := range cases {
		for _, path := range []string{"/v1/slack/interactions", "/v1/slack/commands"} {
			if code, resp := f.post(t, path, body, c.hdr); code != 401 {
				t.Errorf("%s %s: %d %s, want 401", c.name, path, code, resp)
			}
		}
	}
	f.drain(t)
	a, _ := f.st.GetApproval(context.Background(), id)
	if a.State != bot.ApprovalProposed || len(a.Approvers) != 0 || len(f.audit(t)) != before || len(f.gitlab.calls) != 0 {
		t.Errorf("something changed: %+v, audit %d→%d, gitlab %d", a, before, len(f.audit(t)), len(f.gitlab.calls))
	}
}

func TestSlackUpdateRetried(t *testing.T) {
	f := newSlackFixture(t, 1)
	id := f.propose(t)
	f.slack.mu.Lock()
	f.slack.failUpdates = 2
	f.slack.mu.Unlock()
	f.signed(t, "/v1/slack/interactions", f.click("U_PO", id, false, "r"), time.Now())
	f.drain(t)
	ups := f.slack.get("/chat.update")
	if len(ups) != 3 {
		t.Fatalf("%d chat.update calls, want 2 failed and 1 retried", len(ups))
	}
	if !strings.Contains(ups[2].Form.Get("blocks"), "Rejected by") {
		t.Errorf("update %v", ups[2].Form)
	}
}

func TestSlackCommands(t *testing.T) {
	f := newSlackFixture(t, 1)
	id := f.propose(t)
	am := `{"version":"4","groupKey":"g","status":"firing","receiver":"mlbot","alerts":[{"status":"firing",
		"labels":{"alertname":"FeatureDrift","model":"rec"},"annotations":{},"startsAt":"2026-11-23T10:00:00Z","fingerprint":"f1"}]}`
	if code, body := f.post(t, "/v1/alertmanager", am, map[string]string{"Authorization": "Bearer am-token",
		"Content-Type": "application/json"}); code != 200 {
		t.Fatalf("alert: %d %s", code, body)
	}
	cases := []struct{ user, text, want string }{
		{"U_VIEW", "", "/mlops status [MODEL]"},
		{"U_VIEW", "frobnicate", `unknown command "frobnicate"`},
		{"U_VIEW", "rollback", "rollback needs a model"},
		{"U_VIEW", "status rec", fmt.Sprintf("#%d rec to v1, 0/1 approvals", id)},
		{"U_VIEW", "status rec", "firing FeatureDrift"},
		{"U_VIEW", "status other", "*Recent alerts*\n• none"},
		{"U_NOBODY", "status", "needs the role *view*"},
		{"U_VIEW", "retrain rec drift", "needs the role *retrain*"},
		{"U_VIEW", "rollback rec", "needs the role *propose_rollback*"},
		{"U_ENG", "rollback nope", `Model "nope" is not in slack.models`},
		{"U_ENG", "retrain rec drift seen", "Retraining of rec queued on ml/rec@main"},
	}
	for _, c := range cases {
		code, body := f.signed(t, "/v1/slack/commands", f.command(c.user, c.text), time.Now())
		var resp struct{ ResponseType, Text string }
		json.Unmarshal([]byte(body), &struct {
			R *string `json:"response_type"`
			T *string `json:"text"`
		}{&resp.ResponseType, &resp.Text})
		if code != 200 || resp.ResponseType != "ephemeral" || !strings.Contains(resp.Text, c.want) {
			t.Errorf("%s %q: %d %s, want ephemeral containing %q", c.user, c.text, code, body, c.want)
		}
	}
	// Group members were fetched once and cached.
	if n := len(f.slack.get("/usergroups.users.list")); n != 1 {
		t.Errorf("%d usergroups.users.list calls, want 1 (cached)", n)
	}
	refused := 0
	for _, e := range f.audit(t) {
		if strings.HasSuffix(e.Action, "_refused") {
			refused++
		}
	}
	if refused != 3 {
		t.Errorf("%d refusals audited, want 3", refused)
	}
}

// TestSlackSlowCommand: a command still working when Slack's deadline
// nears is acknowledged, and its answer goes through response_url.
func TestSlackSlowCommand(t *testing.T) {
	f := newSlackFixture(t, 1)
	f.server.SlackCommandWait = time.Nanosecond
	code, body := f.signed(t, "/v1/slack/commands", f.command("U_VIEW", "status"), time.Now())
	if code != 200 || !strings.Contains(body, "Working on it") {
		t.Fatalf("ack: %d %s", code, body)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(f.answers.get("/cmd")) == 0 && time.Now().Before(deadline) {
		f.drain(t)
		time.Sleep(10 * time.Millisecond)
	}
	as := f.answers.get("/cmd")
	if len(as) != 1 || as[0].Method != "POST" || !strings.Contains(as[0].Body, "mlbot status: all models") ||
		!strings.Contains(as[0].Body, `"response_type":"ephemeral"`) {
		t.Errorf("answers %+v", as)
	}
}
