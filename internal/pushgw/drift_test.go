package pushgw

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/drift"
)

const pushgatewayBin = "/usr/bin/prometheus-pushgateway"

// mustPushgateway starts the real Pushgateway on a free loopback port and
// returns its URL; it skips the test when the binary is absent.
func mustPushgateway(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(pushgatewayBin); err != nil {
		tb.Skipf("%s not installed (Debian package prometheus-pushgateway): skipping the Pushgateway test", pushgatewayBin)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	dir := tb.TempDir()
	cmd := exec.CommandContext(ctx, pushgatewayBin, "--web.listen-address="+addr,
		"--persistence.file="+dir+"/pushgateway.data")
	cmd.Dir = dir
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		cancel()
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cancel(); _ = cmd.Wait() })
	base := "http://" + addr
	for deadline := time.Now().Add(15 * time.Second); ; {
		resp, err := http.Get(base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("pushgateway did not become ready: %v\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestPushDriftToRealPushgateway(t *testing.T) {
	base := mustPushgateway(t)
	r := &drift.Report{
		Features: []drift.Feature{
			{Name: "f0", Type: "numeric", PSI: 0.31, KSPValue: 1e-9, Chi2PValue: math.NaN(), Status: gate.Fail},
			{Name: "f1", Type: "numeric", PSI: math.NaN(), KSPValue: math.NaN(), Status: gate.Skip},
		},
		DriftShare: 0.5, Status: gate.Fail,
	}
	now := time.Unix(1763900000, 0)
	if err := PushDrift(context.Background(), base, "ranker", r, now, nil); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	text := string(body)
	for _, want := range []string{
		`mlgate_feature_psi{feature="f0",instance="",job="mlgate_drift",model="ranker"} 0.31`,
		`mlgate_feature_ks_pvalue{feature="f0",instance="",job="mlgate_drift",model="ranker"} 1e-09`,
		`mlgate_feature_drift_status{feature="f1",instance="",job="mlgate_drift",model="ranker"} -1`,
		`mlgate_drift_share{instance="",job="mlgate_drift",model="ranker"} 0.5`,
		`mlgate_drift_status{instance="",job="mlgate_drift",model="ranker"} 2`,
		`mlgate_drift_last_run_timestamp_seconds{instance="",job="mlgate_drift",model="ranker"} 1.7639e+09`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("pushgateway /metrics lacks\n  %s", want)
		}
	}
	if strings.Contains(text, `mlgate_feature_psi{feature="f1"`) {
		t.Error("an undefined PSI was pushed")
	}
	if t.Failed() {
		t.Logf("pushgateway metrics:\n%s", grep(text, "mlgate_"))
	}

	// A second push replaces the group: f0's PSI moves.
	r.Features[0].PSI = 0.05
	if err := PushDrift(context.Background(), base, "ranker", r, now, nil); err != nil {
		t.Fatal(err)
	}
	resp2, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := io.ReadAll(resp2.Body)
	resp2.Body.Close()
	if !strings.Contains(string(b2), `mlgate_feature_psi{feature="f0",instance="",job="mlgate_drift",model="ranker"} 0.05`) {
		t.Errorf("second push not visible:\n%s", grep(string(b2), "mlgate_feature_psi"))
	}
}

func TestPushDriftErrorHidesCredentials(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens: the push fails
	u := fmt.Sprintf("http://user:s3cret@%s", addr)
	err = PushDrift(context.Background(), u, "m", &drift.Report{}, time.Now(), nil)
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("err = %v: want an error without the password", err)
	}
}

func grep(text, sub string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
