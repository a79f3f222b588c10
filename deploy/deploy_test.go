// Package deploy_test checks the shipped Prometheus rules and Alertmanager
// configuration with the real promtool and amtool, and shows that the
// checks fail on a broken copy.
package deploy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/testenv"
)

func need(t *testing.T, bin string) string {
	t.Helper()
	p, err := exec.LookPath(bin)
	if err != nil {
		t.Skipf("%s not installed (Debian: prometheus / prometheus-alertmanager; .ci/run installs them)", bin)
	}
	return p
}

func run(t *testing.T, dir, bin string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestPrometheusRules(t *testing.T) {
	testenv.Slow(t, "runs promtool on the shipped rules")
	promtool := need(t, "promtool")
	if out, err := run(t, "prometheus", promtool, "check", "rules", "mlgate-rules.yml"); err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	if out, err := run(t, "prometheus", promtool, "test", "rules", "mlgate-rules.test.yml", "mlgate-ctr.test.yml", "mlbot-rules.test.yml"); err != nil {
		t.Fatalf("promtool test rules: %v\n%s", err, out)
	}
}

// TestPrometheusRulesCanFail breaks a threshold in a copy of the rules:
// the unit tests must catch it.
func TestPrometheusRulesCanFail(t *testing.T) {
	promtool := need(t, "promtool")
	dir := t.TempDir()
	rules, err := os.ReadFile("prometheus/mlgate-rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(rules), "max by (model, feature) (mlgate_feature_psi) > 0.3\n        labels:", "max by (model, feature) (mlgate_feature_psi) > 0.4\n        labels:", 1)
	if broken == string(rules) {
		t.Fatal("the severe drift rule was not found to break")
	}
	for name, body := range map[string]string{"mlgate-rules.yml": broken} {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	for _, f := range []string{"mlgate-rules.test.yml", "mlgate-ctr.test.yml"} {
		b, _ := os.ReadFile(filepath.Join("prometheus", f))
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	out, err := run(t, dir, promtool, "test", "rules", "mlgate-rules.test.yml")
	if err == nil || !strings.Contains(out, "FAILED") {
		t.Fatalf("a PSI threshold of 0.4 passed the unit tests:\n%s", out)
	}
	// A syntax error fails the check.
	os.WriteFile(filepath.Join(dir, "bad.yml"), []byte("groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: rate(x[5m]\n"), 0o644)
	if out, err := run(t, dir, promtool, "check", "rules", "bad.yml"); err == nil {
		t.Fatalf("a broken expression passed promtool check rules:\n%s", out)
	}
}

func TestAlertmanagerConfig(t *testing.T) {
	amtool := need(t, "amtool")
	if out, err := run(t, ".", amtool, "check-config", "alertmanager/alertmanager.yml"); err != nil {
		t.Fatalf("amtool check-config: %v\n%s", err, out)
	}
	for labels, want := range map[string]string{
		"mlgate_action=retrain alertname=MLFeatureDriftSevere":  "mlbot",
		"mlgate_action=rollback":                                "mlbot",
		"alertname=NodeDown":                                    "default",
		"alertname=MLBotNotificationsRejected reason=too_large": "default",
	} {
		args := append([]string{"config", "routes", "test", "--config.file=alertmanager/alertmanager.yml"}, strings.Fields(labels)...)
		out, err := run(t, ".", amtool, args...)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if err != nil || lines[len(lines)-1] != want {
			t.Errorf("route of %s = %q (%v), want %s", labels, out, err, want)
		}
	}
	b, _ := os.ReadFile("alertmanager/alertmanager.yml")
	// mlbot takes a notification of max_alerts alerts at 3 KiB each within
	// its default server.max_body, 16 MiB (deploy/mlbot.md).
	if !strings.Contains(string(b), "max_alerts: 5000") {
		t.Error("the mlbot receiver does not set max_alerts: 5000")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "am.yml"), []byte(strings.Replace(string(b), "receiver: mlbot", "receiver: mlbott", 1)), 0o644)
	if out, err := run(t, dir, amtool, "check-config", "am.yml"); err == nil {
		t.Fatalf("a route to an unknown receiver passed amtool check-config:\n%s", out)
	}
}
