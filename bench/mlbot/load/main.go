// Command load posts Alertmanager webhook notifications to a URL from
// many connections at once and prints throughput and latency percentiles
// as one JSON line. Every alert has its own fingerprint, so each one is a
// new row (and a new job) for mlbot, not a cheap duplicate.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080/v1/alertmanager", "the endpoint")
	token := flag.String("token", "bench-token", "bearer token")
	n := flag.Int("n", 20000, "requests")
	c := flag.Int("c", 32, "concurrent connections")
	per := flag.Int("alerts", 1, "alerts per request")
	warm := flag.Int("warmup", 500, "requests before measuring")
	prefix := flag.String("prefix", fmt.Sprint(time.Now().UnixNano()), "fingerprint prefix (unique per run)")
	flag.Parse()

	tr := &http.Transport{MaxIdleConnsPerHost: *c, MaxConnsPerHost: *c}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var next atomic.Int64
	body := func(i int64) []byte {
		alerts := make([]map[string]any, *per)
		for k := range alerts {
			alerts[k] = map[string]any{"status": "firing", "fingerprint": fmt.Sprintf("%s-%d-%d", *prefix, i, k),
				"labels":      map[string]string{"alertname": "FeatureDrift", "severity": "critical", "model": fmt.Sprint("m", i%50), "feature": "age"},
				"annotations": map[string]string{"psi": "0.41"}, "startsAt": "2026-11-23T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z"}
		}
		b, _ := json.Marshal(map[string]any{"version": "4", "groupKey": fmt.Sprintf("{}:{alertname=%q}", "FeatureDrift"),
			"status": "firing", "receiver": "mlbot", "alerts": alerts})
		return b
	}
	post := func(i int64) (time.Duration, error) {
		req, _ := http.NewRequest("POST", *url, bytes.NewReader(body(i)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+*token)
		t := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("status %d", resp.StatusCode)
		}
		return time.Since(t), nil
	}
	run := func(total int64, lat []time.Duration) (time.Duration, int64) {
		next.Store(0)
		var errs atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range *c {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(1) - 1
					if i >= total {
						return
					}
					d, err := post(i + int64(len(lat))*7919)
					if err != nil {
						errs.Add(1)
						continue
					}
					if lat != nil {
						lat[i] = d
					}
				}
			}()
		}
		wg.Wait()
		return time.Since(start), errs.Load()
	}
	run(int64(*warm), nil)
	lat := make([]time.Duration, *n)
	elapsed, errs := run(int64(*n), lat)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	out := map[string]any{"requests": *n, "warmup": *warm, "alerts_per_request": *per, "connections": *c, "errors": errs,
		"seconds": elapsed.Seconds(), "requests_per_s": float64(*n) / elapsed.Seconds(),
		"alerts_per_s": float64(*n**per) / elapsed.Seconds(), "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": pct(1)}
	json.NewEncoder(os.Stdout).Encode(out)
	if errs > 0 {
		os.Exit(1)
	}
}
