//go:build unix

package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// The real programs the loop runs (Debian paths).
const (
	prometheusBin   = "/usr/bin/prometheus"
	alertmanagerBin = "/usr/bin/prometheus-alertmanager"
	pushgatewayBin  = "/usr/bin/prometheus-pushgateway"
	amtoolBin       = "/usr/bin/amtool"
)

// Alertmanager's timers in the test: short, so that repeats of the same
// group arrive within seconds.
const (
	groupWait      = 200 * time.Millisecond
	groupInterval  = 500 * time.Millisecond
	repeatInterval = time.Second
)

const (
	model      = "recommender"
	feature    = "age" // the feature the test data drifts
	project    = "ml/recommender"
	amToken    = "am-e2e-token"
	gitlabPAT  = "glpat-e2e"
	loopWait   = 90 * time.Second
	defaultMax = time.Second // the goal for notification → GitLab call
)

// TestLoop is the whole loop of issue 8 point 5: drift measured → pushed →
// scraped → shipped rule fires → shipped route → mlbot → exactly one
// create-pipeline call naming the model and the feature.
func TestLoop(t *testing.T) {
	testenv.Slow(t, "builds both binaries and starts Pushgateway, Prometheus and Alertmanager")
	if testing.Short() {
		t.Skip("whole-loop test starts Prometheus, Alertmanager, Pushgateway and mlbot; skipped with -short")
	}
	forced := os.Getenv("MLGATE_E2E") == "1"
	for _, bin := range []string{prometheusBin, alertmanagerBin, pushgatewayBin} {
		if _, err := os.Stat(bin); err != nil {
			msg := fmt.Sprintf("whole-loop test needs %s (apt-get install prometheus prometheus-alertmanager prometheus-pushgateway)", bin)
			if forced {
				t.Fatal(msg + "; MLGATE_E2E=1 makes its absence an error")
			}
			t.Skip(msg)
		}
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	maxLoop := defaultMax
	if s := os.Getenv("MLGATE_E2E_MAX_LOOP"); s != "" {
		if maxLoop, err = time.ParseDuration(s); err != nil {
			t.Fatalf("MLGATE_E2E_MAX_LOOP=%q: %v (expected a duration such as 2s)", s, err)
		}
	}

	// 1. The binaries.
	bin := buildBinaries(t, root)

	// 2. The programs, each in its own temp dir, on loopback.
	gl := newRecordingGitLab(t)
	mlbotAddr := startMlbot(t, bin, gl.URL)
	proxy := newWebhookProxy(t, mlbotAddr)
	amAddr := startAlertmanager(t, root, proxy.URL+"/v1/alertmanager")
	pgAddr := startPushgateway(t)
	startPrometheus(t, root, pgAddr, amAddr)

	// 3. The drift check on severely drifted data.
	pushed := runDrift(t, bin, "http://"+pgAddr)
	checkPushed(t, pgAddr)

	// 4. Exactly one create-pipeline call, and still one after repeats.
	alert := "MLFeatureDriftSevere/" + feature
	waitFor(t, loopWait, "the recording GitLab's create-pipeline call", func() bool {
		calls, _ := gl.recorded()
		return len(calls) >= 1
	})
	firstSeen := len(proxy.deliveries(alert))
	waitFor(t, 10*repeatInterval+10*time.Second, "Alertmanager to repeat the notification twice", func() bool {
		return len(proxy.deliveries(alert)) >= firstSeen+2
	})
	time.Sleep(repeatInterval)
	calls, other := gl.recorded()
	if len(other) > 0 {
		t.Errorf("unexpected GitLab requests: %v", other)
	}
	if len(calls) != 1 {
		t.Fatalf("%d create-pipeline calls after %d notifications, want exactly 1: %+v", len(calls), len(proxy.deliveries(alert)), calls)
	}
	c := calls[0]
	checkCall(t, c)
	t.Logf("create-pipeline %s ref=%s variables=%v", c.Path, c.Ref, c.Variables)

	// 5. The loop time: notification reaching mlbot → mlbot's GitLab call.
	ds := proxy.deliveries(alert)
	first := ds[0]
	if first.Code != http.StatusOK || first.Status != "firing" {
		t.Errorf("first notification: status %q, mlbot answered %d; want firing, 200", first.Status, first.Code)
	}
	loop := c.At.Sub(first.At)
	whole := c.At.Sub(pushed)
	fmt.Printf("e2e loop: Alertmanager notification → mlbot → GitLab create-pipeline: %s (goal < 1s); push → pipeline: %s; %d notifications, 1 pipeline\n",
		loop.Round(time.Microsecond), whole.Round(time.Millisecond), len(ds))
	t.Logf("notification reached mlbot at %s, GitLab call at %s: %s; whole loop from the push: %s",
		first.At.Format(time.RFC3339Nano), c.At.Format(time.RFC3339Nano), loop, whole)
	if loop < 0 || loop > maxLoop {
		t.Errorf("notification → GitLab call took %s, want between 0 and %s (MLGATE_E2E_MAX_LOOP)", loop, maxLoop)
	}
}

// checkCall asserts the create-pipeline request mlbot made.
func checkCall(t *testing.T, c pipelineCall) {
	t.Helper()
	if c.Method != http.MethodPost || c.Path != "/api/v4/projects/ml%2Frecommender/pipeline" {
		t.Errorf("call %s %s, want POST /api/v4/projects/ml%%2Frecommender/pipeline", c.Method, c.Path)
	}
	if c.Token != gitlabPAT {
		t.Errorf("PRIVATE-TOKEN %q, want the configured token", c.Token)
	}
	if !strings.HasPrefix(c.Type, "application/json") {
		t.Errorf("Content-Type %q, want application/json", c.Type)
	}
	if c.Ref != "main" {
		t.Errorf("ref %q, want main", c.Ref)
	}
	want := map[string]string{"MLGATE_TRIGGER": "alert", "MODEL": model, "FEATURE": feature, "ALERTNAME": "MLFeatureDriftSevere", "SEVERITY": "critical"}
	for k, v := range want {
		if c.Variables[k] != v {
			t.Errorf("variable %s = %q, want %q (all: %v)", k, c.Variables[k], v, c.Variables)
		}
	}
	psi, err := strconv.ParseFloat(c.Variables["PSI"], 64)
	if err != nil || !(psi > 0.3) || math.IsInf(psi, 0) {
		t.Errorf("variable PSI = %q, want the alert's PSI above 0.3", c.Variables["PSI"])
	}
}

// buildBinaries builds gate-runner and mlbot into a temp dir.
func buildBinaries(t *testing.T, root string) string {
	t.Helper()
	testenv.MustBeSlow(t, "building gate-runner and mlbot")
	dir := t.TempDir()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not on PATH: %v", err)
	}
	cmd := exec.Command(goBin, "build", "-o", dir+string(filepath.Separator), "./cmd/gate-runner", "./cmd/mlbot")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

// startMlbot runs `mlbot serve` with SQLite in a temp dir and one rule:
// MLFeatureDriftSevere → retrain ml/recommender on main.
func startMlbot(t *testing.T, bin, gitlabURL string) string {
	t.Helper()
	dir := t.TempDir()
	addr := freeAddr(t)
	cfg := fmt.Sprintf(`listen: %q
server: {shutdown_timeout: 5s}
store: {driver: sqlite, dsn: %q}
auth:
  alertmanager: {bearer_token: %q}
backends:
  gitlab: {url: %q, token: %q}
rules:
  - name: severe-feature-drift
    matchers: ['alertname="MLFeatureDriftSevere"', 'mlgate_action="retrain"']
    model: "{{ .Labels.model }}"
    cooldown: 1h
    actions:
      - retrain:
          project: %s
          ref: main
          variables:
            MLGATE_TRIGGER: alert
            MODEL: "{{ .Labels.model }}"
            FEATURE: "{{ .Labels.feature }}"
            ALERTNAME: "{{ .Labels.alertname }}"
            SEVERITY: "{{ .Labels.severity }}"
            PSI: "{{ .Annotations.psi }}"
`, addr, filepath.Join(dir, "mlbot.db"), amToken, gitlabURL+"/api/v4", gitlabPAT, project)
	path := filepath.Join(dir, "mlbot.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(filepath.Join(bin, "mlbot"), "validate", "-c", path).CombinedOutput(); err != nil {
		t.Fatalf("mlbot validate: %v\n%s", err, out)
	}
	startProc(t, dir, filepath.Join(bin, "mlbot"), []string{"serve", "--config", path})
	waitReady(t, "mlbot", "http://"+addr+"/readyz")
	return addr
}

// startAlertmanager runs Alertmanager with the shipped
// deploy/alertmanager/alertmanager.yml, of which only the mlbot webhook's
// URL and credentials and the route's timers are replaced.
func startAlertmanager(t *testing.T, root, webhook string) string {
	t.Helper()
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "mlbot-token")
	if err := os.WriteFile(tokenFile, []byte(amToken), 0o600); err != nil {
		t.Fatal(err)
	}
	shipped, err := os.ReadFile(filepath.Join(root, "deploy", "alertmanager", "alertmanager.yml"))
	if err != nil {
		t.Fatal(err)
	}
	derived, err := deriveAlertmanagerConfig(shipped, webhook, tokenFile)
	if err != nil {
		t.Fatalf("deploy/alertmanager/alertmanager.yml: %v", err)
	}
	path := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(path, derived, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(amtoolBin); err == nil {
		if out, err := exec.Command(amtoolBin, "check-config", path).CombinedOutput(); err != nil {
			t.Fatalf("amtool check-config of the derived config: %v\n%s", err, out)
		}
	}
	addr := freeAddr(t)
	startProc(t, dir, alertmanagerBin, []string{"--config.file=" + path, "--storage.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + addr, "--cluster.listen-address="})
	waitReady(t, "Alertmanager", "http://"+addr+"/-/ready")
	return addr
}

// startPushgateway runs the Pushgateway without persistence.
func startPushgateway(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	addr := freeAddr(t)
	startProc(t, dir, pushgatewayBin, []string{"--web.listen-address=" + addr})
	waitReady(t, "Pushgateway", "http://"+addr+"/-/ready")
	return addr
}

// startPrometheus runs Prometheus scraping the Pushgateway every second
// with honor_labels, evaluating the shipped rules every second and
// alerting to Alertmanager.
func startPrometheus(t *testing.T, root, pushgateway, alertmanager string) {
	t.Helper()
	dir := t.TempDir()
	rules := filepath.Join(root, "deploy", "prometheus", "mlgate-rules.yml")
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%q]
alerting:
  alertmanagers:
    - static_configs:
        - targets: [%q]
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: [%q]
`, rules, alertmanager, pushgateway)
	path := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	startProc(t, dir, prometheusBin, []string{"--config.file=" + path, "--storage.tsdb.path=" + filepath.Join(dir, "data"),
		"--web.listen-address=" + addr})
	waitReady(t, "Prometheus", "http://"+addr+"/-/ready")
}

// runDrift writes the data and config and runs `gate-runner drift --push`;
// it returns when the push was done.
func runDrift(t *testing.T, bin, pushgateway string) time.Time {
	t.Helper()
	dir := t.TempDir()
	ref, cur := filepath.Join(dir, "reference.csv"), filepath.Join(dir, "current.csv")
	writeData(t, ref, 1, 0)
	writeData(t, cur, 2, 15) // age moves by 1.5 standard deviations
	cfg := filepath.Join(dir, ".mlgate.yml")
	if err := os.WriteFile(cfg, []byte("version: 1\nmodel:\n  name: "+model+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "gate-runner"), "drift", "--reference", ref, "--current", cur,
		"--push", pushgateway, "-c", cfg, "--out", filepath.Join(dir, "out"))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	pushed := time.Now()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("gate-runner drift: %v, want exit status 1 (the drift gate fails)\n%s", err, out)
	}
	t.Logf("gate-runner drift (exit 1, as a severe drift fails the gate):\n%s", out)
	return pushed
}

// writeData writes n rows of age (normal, mean 40+shift, sd 10), income
// (normal, the same in both files) and city (categorical, the same).
func writeData(t *testing.T, path string, seed uint64, shift float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 42))
	var b strings.Builder
	b.WriteString("user_id,age,income,city\n")
	cities := []string{"berlin", "paris", "madrid", "rome"}
	for i := range 2000 {
		fmt.Fprintf(&b, "%d,%.2f,%.0f,%s\n", i, 40+shift+10*r.NormFloat64(), 50000+8000*r.NormFloat64(), cities[r.IntN(len(cities))])
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// checkPushed asserts the Pushgateway holds the drifted feature's PSI
// under the model's label.
func checkPushed(t *testing.T, pushgateway string) {
	t.Helper()
	resp, err := http.Get("http://" + pushgateway + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "mlgate_feature_psi{") && strings.Contains(line, `feature="`+feature+`"`) &&
			strings.Contains(line, `model="`+model+`"`) {
			t.Logf("pushed: %s", line)
			return
		}
	}
	t.Fatalf("the Pushgateway has no mlgate_feature_psi{feature=%q,model=%q}:\n%s", feature, model, b)
}
