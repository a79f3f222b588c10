package bot

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func mustLoad(tb testing.TB, path string) *Config {
	tb.Helper()
	c, err := LoadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestLoadGood(t *testing.T) {
	t.Setenv("MLBOT_TEST_TOKEN", "s3cret")
	c := mustLoad(t, "testdata/conf.good.yml")
	if c.Auth.Alertmanager.BearerToken != "s3cret" {
		t.Errorf("bearer token = %q, want the expanded variable", c.Auth.Alertmanager.BearerToken)
	}
	if c.Listen != ":8080" || c.Store.Driver != "sqlite" || c.Worker.Concurrency != 4 || c.Worker.Lease != 5*time.Minute {
		t.Errorf("defaults not applied: %+v %+v", c.Store, c.Worker)
	}
	if c.Server.MaxBody != 16<<20 {
		t.Errorf("server.max_body = %d, want the default 16 MiB", c.Server.MaxBody)
	}
	r := c.Rules[0]
	if r.Cooldown != time.Hour || r.Actions[0].Retrain.Backend != "gitlab" {
		t.Errorf("rule = %+v", r)
	}
}

func TestLoadExample(t *testing.T) {
	for _, v := range []string{"MLBOT_ALERTMANAGER_TOKEN", "MLBOT_GITLAB_WEBHOOK_TOKEN", "MLBOT_GITLAB_TOKEN", "MLBOT_GITHUB_TOKEN", "MLBOT_AIRFLOW_TOKEN",
		"MLBOT_SLACK_BOT_TOKEN", "MLBOT_SLACK_SIGNING_SECRET", "MLBOT_PROMOTION_TOKEN"} {
		t.Setenv(v, "x")
	}
	c := mustLoad(t, "../../deploy/mlbot.example.yml")
	if c.Slack == nil || c.Slack.SigningSecret != "x" || len(c.Slack.Roles) != 5 || c.Auth.PromotionToken != "x" ||
		c.Slack.Promotion.Expires != 2*time.Hour || c.Slack.Promotion.Approvals != 1 {
		t.Errorf("example slack section: %+v", c.Slack)
	}
	if len(c.Rules) != 2 || c.Backends.HTTP["airflow"].Headers["Authorization"] != "Bearer x" {
		t.Errorf("example config: %d rules, headers %v", len(c.Rules), c.Backends.HTTP["airflow"].Headers)
	}
}

func TestLoadBad(t *testing.T) {
	os.Unsetenv("MLBOT_TEST_UNSET_VAR")
	tests := map[string]string{
		"unknown_key":        "testdata/conf.unknown_key.yml: invalid config: unmarshal errors:\n  line 6: field matcher not found in type bot.Rule",
		"unset_env":          "testdata/conf.unset_env.yml: invalid config: auth.alertmanager.bearer_token: environment variable MLBOT_TEST_UNSET_VAR is not set",
		"bad_regex":          "testdata/conf.bad_regex.yml: invalid config: rules[0].matchers[0]: matcher \"x=~\\\"(\\\"\": regular expression \"(\": error parsing regexp: missing closing ): `^(?:()$`",
		"no_auth":            "testdata/conf.no_auth.yml: invalid config: auth.alertmanager: no credentials, expected bearer_token or username and password",
		"no_gitlab":          "testdata/conf.no_gitlab.yml: invalid config: rules[0].actions[0].retrain.backend: gitlab, but backends.gitlab is not configured",
		"two_kinds":          "testdata/conf.two_kinds.yml: invalid config: rules[0].actions[0]: 2 kinds set, expected exactly one of retrain, notify, propose_rollback",
		"bad_driver":         "testdata/conf.bad_driver.yml: invalid config: store.driver: \"mysql\" is not a driver, expected sqlite or postgres",
		"backoff":            "testdata/conf.backoff.yml: invalid config: worker.backoff_min: 1m0s is above backoff_max 1s",
		"lease":              "testdata/conf.lease.yml: invalid config: worker.lease: 10s, expected more than action_timeout 30s",
		"bad_duration":       "testdata/conf.bad_duration.yml: invalid config: unmarshal errors:\n  line 7: cannot unmarshal !!str `soon` into time.Duration",
		"max_body":           "testdata/conf.max_body.yml: invalid config: server.max_body: 64 KiB, expected between 1 MiB and 256 MiB",
		"bad_size":           "testdata/conf.bad_size.yml: invalid config: line 2: \"16 megabytes\" is not a size, expected a number of bytes or a number with KiB, MiB or GiB",
		"promotion_no_slack": "testdata/conf.promotion_no_slack.yml: invalid config: auth.promotion_token: set without a slack section, expected slack to ask for promotions",
		"promotion_no_role":  "testdata/conf.promotion_no_role.yml: invalid config: slack.roles.approve_promotion: missing, expected who may approve promotions (auth.promotion_token is set)",
		"bad_template":       "testdata/conf.bad_template.yml: invalid config: rules[0].actions[0].notify.text: template \"{{ .Labels.x \" does not parse: template: rules[0].actions[0].notify.text:1: unclosed action",
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := LoadFile(filepath.Join("testdata", "conf."+name+".yml"))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrConfig) {
				t.Errorf("error does not wrap ErrConfig: %v", err)
			}
			if err.Error() != want {
				t.Errorf("error\n got %q\nwant %q", err.Error(), want)
			}
		})
	}
}

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		in   string
		want ByteSize
		err  bool
	}{
		{"1048576", 1 << 20, false}, {"16MiB", 16 << 20, false}, {"512 KiB", 512 << 10, false},
		{"2GB", 2e9, false}, {"10B", 10, false},
		{"", 0, true}, {"-1", 0, true}, {"1.5MiB", 0, true}, {"16 megabytes", 0, true}, {"9999999999GiB", 0, true},
	}
	for _, tc := range tests {
		got, err := ParseByteSize(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseByteSize(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
	if s := ByteSize(16 << 20).String(); s != "16 MiB" {
		t.Errorf("String() = %q", s)
	}
}

func TestExpandEnv(t *testing.T) {
	look := func(k string) (string, bool) { v, ok := map[string]string{"A": "1", "E": ""}[k]; return v, ok }
	tests := []struct{ in, want, err string }{
		{"x${A}y", "x1y", ""},
		{"$${A}", "${A}", ""},
		{"${E}", "", ""},
		{"$A", "$A", ""},
		{"${B}", "", "environment variable B is not set"},
	}
	for _, tc := range tests {
		got, err := expandEnv(tc.in, look)
		if (err != nil && err.Error() != tc.err) || (err == nil && tc.err != "") || got != tc.want {
			t.Errorf("expandEnv(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}
