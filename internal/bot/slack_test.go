package bot

import (
	"strings"
	"testing"
	"time"
)

const slackBase = `
store: {dsn: x.db}
auth: {alertmanager: {bearer_token: t}}
backends: {gitlab: {url: "https://gitlab.example/api/v4", token: glpat}}
rules:
  - name: r
    matchers: ['alertname="X"']
    actions: [{propose_rollback: {project: ml/rec, ref: main}}]
slack:
`

func TestSlackConfig(t *testing.T) {
	c, err := Load([]byte(slackBase + `
  bot_token: xoxb-1
  signing_secret: s
  channel: C1
  models: {rec: {project: ml/rec, ref: main}}
  roles:
    approve_rollback: {users: [U1], groups: [S1]}
`))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Slack
	if s.Approvals != 1 || s.Expires != 30*time.Minute || s.GroupCacheTTL != 5*time.Minute || s.Rollback.Mode != "play" ||
		s.Rollback.Job != "rollback" {
		t.Errorf("defaults %+v", s)
	}
	if c.Rules[0].Actions[0].ProposeRollback.Expires != 30*time.Minute || c.ApprovalsNeeded() != 1 {
		t.Errorf("rule expiry %s", c.Rules[0].Actions[0].ProposeRollback.Expires)
	}
}

// TestSlackModelCooldown: a model's /mlops retrain cooldown defaults to the
// longest of the rules' cooldowns; 0s turns it off.
func TestSlackModelCooldown(t *testing.T) {
	base := strings.Replace(slackBase, "actions: [{propose_rollback", "cooldown: 6h\n    actions: [{propose_rollback", 1)
	base = strings.Replace(base, "rules:\n", "rules:\n  - name: r2\n    matchers: ['alertname=\"Y\"']\n    cooldown: 2h\n    actions: [{notify: {channel: C9, text: hi}}]\n", 1)
	c, err := Load([]byte(base + `
  bot_token: xoxb-1
  signing_secret: s
  channel: C1
  models: {rec: {project: ml/rec, ref: main}, ads: {project: ml/ads, ref: main, cooldown: 0s}, cart: {project: ml/cart, ref: main, cooldown: 30m}}
  roles:
    approve_rollback: {users: [U1]}
`))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]time.Duration{"rec": 6 * time.Hour, "ads": 0, "cart": 30 * time.Minute} {
		if m := c.Slack.Models[name]; m.Cooldown == nil || *m.Cooldown != want {
			t.Errorf("slack.models.%s.cooldown = %v, want %s", name, m.Cooldown, want)
		}
	}
}

func TestSlackConfigBad(t *testing.T) {
	const ok = "  bot_token: xoxb-1\n  signing_secret: s\n  channel: C1\n"
	const roles = "  roles: {approve_rollback: {users: [U1]}}\n"
	cases := []struct{ yaml, want string }{
		{"  signing_secret: s\n  channel: C1\n" + roles, "slack.bot_token: missing"},
		{"  bot_token: x\n  channel: C1\n" + roles, "slack.signing_secret: missing"},
		{"  bot_token: x\n  signing_secret: s\n" + roles, "slack.channel: missing"},
		{ok, "slack.roles.approve_rollback: missing"},
		{ok + "  approvals: -1\n" + roles, "slack.approvals: -1, expected at least 1"},
		{ok + "  rollback: {mode: deploy}\n" + roles, `slack.rollback.mode: "deploy", expected play or pipeline`},
		{ok + "  roles: {approve: {users: [U1]}}\n", "slack.roles.approve: not a role"},
		{ok + "  roles: {approve_rollback: {users: [bob]}}\n", `slack.roles.approve_rollback.users: "bob", expected a Slack user ID`},
		{ok + "  roles: {approve_rollback: {groups: [U1]}}\n", `slack.roles.approve_rollback.groups: "U1", expected a user group ID`},
		{ok + "  models: {rec: {project: ml/rec}}\n" + roles, "slack.models.rec: expected project and ref"},
		{ok + "  models: {rec: {project: ml/rec, ref: main, cooldown: -1h}}\n" + roles, "slack.models.rec.cooldown: -1h0m0s, expected a positive duration or 0s"},
		{ok + "  api_url: ftp://x\n" + roles, `slack.api_url: "ftp://x", expected an http(s) URL`},
		{ok + "  chanel: C2\n" + roles, "field chanel not found"},
		{"  bot_token: x\n  channel: C1\n  signing_secret: ${MLBOT_TEST_UNSET_SLACK}\n" + roles, "slack.signing_secret: environment variable MLBOT_TEST_UNSET_SLACK is not set"},
	}
	for _, c := range cases {
		_, err := Load([]byte(slackBase + c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant …%s…", c.yaml, err, c.want)
		}
	}
	noToken := strings.Replace(slackBase, "token: glpat", "trigger_token: tt", 1) + ok + roles
	if _, err := Load([]byte(noToken)); err == nil || !strings.Contains(err.Error(), "a trigger token cannot play jobs") {
		t.Errorf("trigger token only: %v", err)
	}
}

func TestPlanProposalReason(t *testing.T) {
	c, err := Load([]byte(slackBase + "  bot_token: x\n  signing_secret: s\n  channel: C1\n  approvals: 2\n" +
		"  roles: {approve_rollback: {users: [U1]}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	p := c.PlanAlert(Alert{ID: 4, Status: StatusFiring, Labels: map[string]string{"alertname": "X", "model": "rec"},
		Annotations: map[string]string{"psi": "0.41"}, GeneratorURL: "http://prom:9090/graph?g0.expr=psi"}, now)
	if len(p.Approvals) != 1 {
		t.Fatalf("plan %+v", p)
	}
	a := p.Approvals[0]
	for _, want := range []string{"X", "psi: 0.41", "<http://prom:9090/graph?g0.expr=psi|source>"} {
		if !strings.Contains(a.Reason, want) {
			t.Errorf("reason %q lacks %q", a.Reason, want)
		}
	}
	if a.Needed != 2 || !a.ExpiresAt.Equal(now.Add(30*time.Minute)) {
		t.Errorf("approval %+v", a)
	}
}
