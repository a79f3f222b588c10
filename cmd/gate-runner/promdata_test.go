package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The history the Prometheus integration tests backfill: 72 hours every 5
// minutes from promT0.
var (
	promT0   = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	promStep = 5 * time.Minute
	promEnd  = promT0.Add(72 * time.Hour)
)

var latencyBuckets = []float64{0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5}

// abExperiment is one A/B scenario's traffic per 5 minutes and group.
type abExperiment struct {
	name          string
	impressions   [2]int     // control, challenger per step
	ctr           [2]float64 // click-through rates
	latencyMedian [2]float64 // seconds, lognormal with σ 0.35
	errorRate     [2]float64
}

// canaryRelease is one canary scenario: canary and baseline deployments.
type canaryRelease struct {
	name          string
	requests      int        // per step and deployment; 0: no traffic
	latencyMedian [2]float64 // canary, baseline
	errorRate     [2]float64
}

var abExperiments = []abExperiment{
	{"better", [2]int{900, 100}, [2]float64{0.10, 0.11}, [2]float64{0.15, 0.15}, [2]float64{0.002, 0.002}},
	{"worse", [2]int{900, 100}, [2]float64{0.10, 0.09}, [2]float64{0.15, 0.15}, [2]float64{0.002, 0.002}},
	{"srm", [2]int{850, 150}, [2]float64{0.10, 0.10}, [2]float64{0.15, 0.15}, [2]float64{0.002, 0.002}},
	{"slow", [2]int{900, 100}, [2]float64{0.10, 0.11}, [2]float64{0.15, 0.25}, [2]float64{0.002, 0.002}},
}

var canaryReleases = []canaryRelease{
	{"good", 600, [2]float64{0.15, 0.15}, [2]float64{0.002, 0.002}},
	{"bad", 600, [2]float64{0.25, 0.15}, [2]float64{0.03, 0.002}},
	{"idle", 0, [2]float64{0.15, 0.15}, [2]float64{0, 0}},
}

// series accumulates one counter series' samples.
type series struct {
	labels string
	vals   []float64
}

// histo accumulates one histogram labelset's cumulative buckets per step.
type histo struct {
	labels  string
	buckets [][]float64 // per step, cumulative counts per bucket (+Inf last)
	sums    []float64
}

// writeOpenMetrics writes the scenarios' history in OpenMetrics text.
func writeOpenMetrics(tb testing.TB, path string) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	steps := int(promEnd.Sub(promT0)/promStep) + 1
	fam := map[string][]*series{}
	hists := map[string][]*histo{}
	counter := func(family, labels string) *series {
		s := &series{labels: labels, vals: make([]float64, steps)}
		fam[family] = append(fam[family], s)
		return s
	}
	histogram := func(family, labels string) *histo {
		h := &histo{labels: labels, buckets: make([][]float64, steps), sums: make([]float64, steps)}
		hists[family] = append(hists[family], h)
		return h
	}
	binom := func(n int, p float64) float64 {
		k := 0
		for i := 0; i < n; i++ {
			if rng.Float64() < p {
				k++
			}
		}
		return float64(k)
	}
	observe := func(h *histo, step, n int, median float64) {
		cur := make([]float64, len(latencyBuckets)+1)
		var sum float64
		if step > 0 {
			copy(cur, h.buckets[step-1])
			sum = h.sums[step-1]
		}
		for i := 0; i < n; i++ {
			v := median * math.Exp(0.35*rng.NormFloat64())
			sum += v
			for b, le := range latencyBuckets {
				if v <= le {
					cur[b]++
				}
			}
			cur[len(latencyBuckets)]++
		}
		h.buckets[step], h.sums[step] = cur, sum
	}
	groups := []string{"control", "challenger"}
	for _, e := range abExperiments {
		for g, grp := range groups {
			l := fmt.Sprintf(`experiment="%s",variant="%s"`, e.name, grp)
			imp, clk, errs := counter("ab_impressions", l), counter("ab_clicks", l), counter("ab_errors", l)
			lat := histogram("ab_latency_seconds", l)
			var ci, cc, ce float64
			for s := 0; s < steps; s++ {
				ci += float64(e.impressions[g])
				cc += binom(e.impressions[g], e.ctr[g])
				ce += binom(e.impressions[g], e.errorRate[g])
				imp.vals[s], clk.vals[s], errs.vals[s] = ci, cc, ce
				observe(lat, s, 40, e.latencyMedian[g])
			}
		}
	}
	for _, r := range canaryReleases {
		for d, dep := range []string{"canary", "baseline"} {
			ok := counter("http_requests", fmt.Sprintf(`release="%s",deployment="%s",code="200"`, r.name, dep))
			bad := counter("http_requests", fmt.Sprintf(`release="%s",deployment="%s",code="500"`, r.name, dep))
			lat := histogram("http_request_duration_seconds", fmt.Sprintf(`release="%s",deployment="%s"`, r.name, dep))
			var co, cb float64
			for s := 0; s < steps; s++ {
				e := binom(r.requests, r.errorRate[d])
				co += float64(r.requests) - e
				cb += e
				ok.vals[s], bad.vals[s] = co, cb
				observe(lat, s, r.requests/4, r.latencyMedian[d])
			}
		}
	}

	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	ts := func(s int) string { return fmt.Sprintf("%d", promT0.Add(time.Duration(s)*promStep).Unix()) }
	for _, name := range keysSorted(fam) {
		fmt.Fprintf(w, "# TYPE %s counter\n", name)
		for _, s := range fam[name] {
			for i, v := range s.vals {
				fmt.Fprintf(w, "%s_total{%s} %g %s\n", name, s.labels, v, ts(i))
			}
		}
	}
	for _, name := range keysSorted(hists) {
		fmt.Fprintf(w, "# TYPE %s histogram\n", name)
		for _, h := range hists[name] {
			for i := range h.buckets {
				for b, c := range h.buckets[i] {
					le := "+Inf"
					if b < len(latencyBuckets) {
						le = fmt.Sprintf("%g", latencyBuckets[b])
					}
					fmt.Fprintf(w, "%s_bucket{%s,le=\"%s\"} %g %s\n", name, h.labels, le, c, ts(i))
				}
				fmt.Fprintf(w, "%s_count{%s} %g %s\n", name, h.labels, h.buckets[i][len(latencyBuckets)], ts(i))
				fmt.Fprintf(w, "%s_sum{%s} %g %s\n", name, h.labels, h.sums[i], ts(i))
			}
		}
	}
	fmt.Fprintln(w, "# EOF")
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

func keysSorted[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// startPrometheus backfills the history with promtool and starts the real
// Prometheus on it on a loopback port; it returns the URL. It skips the
// test when the binaries are absent.
func startPrometheus(tb testing.TB) string {
	tb.Helper()
	for _, b := range []string{"/usr/bin/prometheus", "/usr/bin/promtool"} {
		if _, err := os.Stat(b); err != nil {
			tb.Skipf("%s not found: install Debian's prometheus package (.ci/run does) to run the Prometheus integration tests", b)
		}
	}
	dir := tb.TempDir()
	om := filepath.Join(dir, "history.om")
	writeOpenMetrics(tb, om)
	data := filepath.Join(dir, "data")
	out, err := exec.Command("/usr/bin/promtool", "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=24h", om, data).CombinedOutput()
	if err != nil {
		tb.Fatalf("promtool tsdb create-blocks-from openmetrics: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfg, []byte("global:\n  scrape_interval: 1m\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var logs lockedBuffer
	cmd := exec.CommandContext(ctx, "/usr/bin/prometheus", "--config.file="+cfg, "--storage.tsdb.path="+data,
		"--storage.tsdb.retention.time=100y", "--web.listen-address="+addr, "--log.level=warn")
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
			if resp.StatusCode == 200 {
				return url
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("prometheus did not get ready on %s: %v\n%s", addr, err, logs.String())
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
