package main

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// latencyBuckets are the model server's request-duration buckets (s).
var latencyBuckets = []float64{0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5, 1}

// writeCanaryHistory writes, in OpenMetrics text, the model server's last
// two hours up to end, every 15 s, for the deployments canary and
// baseline: 10 requests a second, 0.2% of them 5xx, latencies lognormal
// around 120 ms (σ 0.3, p95 ≈ 200 ms) with a slow drift in the median so
// that the samples vary. Both deployments are healthy: the staged model
// passes canary-check.
func writeCanaryHistory(tb testing.TB, path string, end time.Time) {
	tb.Helper()
	const step = 15 * time.Second
	start := end.Add(-2 * time.Hour)
	var b strings.Builder
	b.WriteString("# TYPE http_requests counter\n")
	type state struct {
		ok, bad, sum float64
		buckets      []float64
	}
	deps := []string{"canary", "baseline"}
	st := map[string]*state{}
	for _, d := range deps {
		st[d] = &state{buckets: make([]float64, len(latencyBuckets)+1)}
	}
	var reqLines, histLines strings.Builder
	for i, ts := 0, start; !ts.After(end); i, ts = i+1, ts.Add(step) {
		sec := float64(ts.UnixMilli()) / 1000
		for k, d := range deps {
			s := st[d]
			n := 150.0 // 10/s over 15 s
			s.ok += n * 0.998
			s.bad += n * 0.002
			median := 0.12 * (1 + 0.05*math.Sin(float64(i)/7+float64(k)))
			for j, le := range latencyBuckets {
				// lognormal CDF at le
				z := (math.Log(le) - math.Log(median)) / 0.3
				s.buckets[j] += n * 0.5 * math.Erfc(-z/math.Sqrt2)
			}
			s.buckets[len(latencyBuckets)] += n
			s.sum += n * median * math.Exp(0.3*0.3/2)
			l := fmt.Sprintf(`app="recommender",deployment="%s"`, d)
			fmt.Fprintf(&reqLines, "http_requests_total{%s,code=\"200\"} %.3f %.3f\n", l, s.ok, sec)
			fmt.Fprintf(&reqLines, "http_requests_total{%s,code=\"500\"} %.3f %.3f\n", l, s.bad, sec)
			for j, le := range latencyBuckets {
				fmt.Fprintf(&histLines, "http_request_duration_seconds_bucket{%s,le=\"%g\"} %.3f %.3f\n", l, le, s.buckets[j], sec)
			}
			fmt.Fprintf(&histLines, "http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %.3f %.3f\n", l, s.buckets[len(latencyBuckets)], sec)
			fmt.Fprintf(&histLines, "http_request_duration_seconds_sum{%s} %.3f %.3f\n", l, s.sum, sec)
			fmt.Fprintf(&histLines, "http_request_duration_seconds_count{%s} %.3f %.3f\n", l, s.buckets[len(latencyBuckets)], sec)
		}
	}
	b.WriteString(sortedBySeries(reqLines.String()))
	b.WriteString("# TYPE http_request_duration_seconds histogram\n")
	b.WriteString(sortedBySeries(histLines.String()))
	b.WriteString("# EOF\n")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// sortedBySeries groups the sample lines by series, keeping each series'
// samples in time order, as OpenMetrics wants them.
func sortedBySeries(lines string) string {
	var order []string
	by := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSuffix(lines, "\n"), "\n") {
		key := l[:strings.LastIndex(l[:strings.LastIndex(l, " ")], " ")]
		if _, ok := by[key]; !ok {
			order = append(order, key)
		}
		by[key] = append(by[key], l)
	}
	var b strings.Builder
	for _, k := range order {
		b.WriteString(strings.Join(by[k], "\n") + "\n")
	}
	return b.String()
}

// startPrometheus backfills the canary history with promtool and starts
// Debian's Prometheus on it on a loopback port; it returns the URL. It
// skips the test when the binaries are absent (.ci/run installs them).
func startPrometheus(tb testing.TB) string {
	tb.Helper()
	for _, b := range []string{"/usr/bin/prometheus", "/usr/bin/promtool"} {
		if _, err := os.Stat(b); err != nil {
			tb.Skipf("%s not found: install Debian's prometheus package (.ci/run does) to run canary-check", b)
		}
	}
	dir := tb.TempDir()
	om := filepath.Join(dir, "history.om")
	writeCanaryHistory(tb, om, time.Now().Add(-30*time.Second))
	data := filepath.Join(dir, "data")
	if out, err := exec.Command("/usr/bin/promtool", "tsdb", "create-blocks-from", "openmetrics", om, data).CombinedOutput(); err != nil {
		tb.Fatalf("promtool tsdb create-blocks-from openmetrics: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global:\n  scrape_interval: 1m\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	return startDaemon(tb, "/usr/bin/prometheus", func(addr string) []string {
		return []string{"--config.file=" + cfg, "--storage.tsdb.path=" + data, "--web.listen-address=" + addr, "--log.level=warn"}
	})
}

// startPushgateway starts Debian's Pushgateway on a loopback port and
// returns its URL; it skips the test when it is absent.
func startPushgateway(tb testing.TB) string {
	tb.Helper()
	const bin = "/usr/bin/prometheus-pushgateway"
	if _, err := os.Stat(bin); err != nil {
		tb.Skipf("%s not found: install Debian's prometheus-pushgateway package (.ci/run does) to run drift-check", bin)
	}
	return startDaemon(tb, bin, func(addr string) []string {
		return []string{"--web.listen-address=" + addr, "--log.level=warn"}
	})
}

// startDaemon runs bin with args(addr) on a free loopback port until the
// test ends and waits for its /-/ready; it returns http://addr.
func startDaemon(tb testing.TB, bin string, args func(addr string) []string) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var logs lockedBuffer
	cmd := exec.CommandContext(ctx, bin, args(addr)...)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		cancel()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	url := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s did not get ready on %s: %v\n%s", filepath.Base(bin), addr, err, logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// lockedBuffer collects a child's output safely while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
