// Command gen writes the demo's sample data into internal/demo/data:
// a small recommender (2,000 users, 400 items in 12 genres), the held-out
// interactions that serve as labels, the top-20 lists of a production
// model and of a slightly better candidate, serving metrics of both, and a
// feature table for the data and drift gates (a reference month and a
// current month in which two features drifted). It is seeded: running it
// again writes the same files.
//
//	go run ./internal/demo/gen
package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const (
	users  = 2000
	items  = 400
	genres = 12
	topK   = 20
)

func main() {
	dir := "internal/demo/data"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	rng := rand.New(rand.NewPCG(20261123, 7))
	genre := make([]int, items)
	pop := make([]float64, items)
	for i := range genre {
		genre[i] = rng.IntN(genres)
		pop[i] = 1 / math.Pow(float64(i+1), 0.8) // Zipf-like popularity
	}
	taste := make([][]float64, users) // each user's affinity per genre
	for u := range taste {
		taste[u] = make([]float64, genres)
		fav := rng.IntN(genres)
		for g := range taste[u] {
			taste[u][g] = rng.Float64() * 0.3
		}
		taste[u][fav] += 1.5
		taste[u][(fav+1+rng.IntN(genres-1))%genres] += 0.7
	}
	truth := func(u, i int) float64 { return taste[u][genre[i]] + 2.5*pop[i] }

	// Held-out interactions: each user clicked 3-12 items drawn by truth.
	var labels [][]string
	for u := 0; u < users; u++ {
		n := 3 + rng.IntN(10)
		seen := map[int]bool{}
		for len(seen) < n {
			i := rng.IntN(items)
			if rng.Float64() < truth(u, i)/3.2 && !seen[i] {
				seen[i] = true
				rel := 1
				if rng.Float64() < 0.3 {
					rel = 2 // a purchase, not only a click
				}
				labels = append(labels, []string{uid(u), iid(i), fmt.Sprint(rel)})
			}
		}
	}
	// A model sees truth through noise: less noise is a better model.
	model := func(noise, tasteWeight float64) [][]string {
		var rows [][]string
		for u := 0; u < users; u++ {
			type sc struct {
				i int
				s float64
			}
			all := make([]sc, items)
			for i := range all {
				s := tasteWeight*taste[u][genre[i]] + 2.5*pop[i] + rng.NormFloat64()*noise
				all[i] = sc{i, s}
			}
			sort.Slice(all, func(a, b int) bool { return all[a].s > all[b].s })
			for _, x := range all[:topK] {
				rows = append(rows, []string{uid(u), iid(x.i), fmt.Sprintf("%.6f", x.s)})
			}
		}
		return rows
	}
	write(dir, "labels.csv.gz", []string{"user_id", "item_id", "relevance"}, labels)
	write(dir, "production.csv.gz", []string{"user_id", "item_id", "score"}, model(0.55, 0.8))
	write(dir, "candidate.csv.gz", []string{"user_id", "item_id", "score"}, model(0.5, 0.85))
	writeJSON(dir, "production-serving.json", map[string]any{"serving": map[string]float64{"latency_p95_ms": 182, "error_rate": 0.0021}})
	writeJSON(dir, "candidate-serving.json", map[string]any{"serving": map[string]float64{"latency_p95_ms": 171, "error_rate": 0.0019}})

	features(dir, "reference.csv.gz", rng, 6000, false)
	features(dir, "current.csv.gz", rng, 6000, true)
	abEvents(dir, rng)
	junit(dir)
}

// abEvents writes three days of a staging A/B test: 10% of 30,000 users see
// the candidate, whose click-through rate is 12% higher and whose latency
// is a little higher but within the guardrails.
func abEvents(dir string, rng *rand.Rand) {
	const n = 30000
	start := int64(1794787200) // 2026-11-16T00:00:00Z
	var rows [][]string
	for u := 0; u < n; u++ {
		variant, ctr, lat := "control", 0.050, 120.0
		if rng.Float64() < 0.1 {
			variant, ctr, lat = "challenger", 0.056, 126.0
		}
		imps := 1 + rng.IntN(20)
		clicks := 0
		for i := 0; i < imps; i++ {
			if rng.Float64() < ctr {
				clicks++
			}
		}
		ts := start + int64(float64(u)/n*72*3600)
		rows = append(rows, []string{fmt.Sprint(ts), fmt.Sprintf("s%05d", u), variant, fmt.Sprint(imps), fmt.Sprint(clicks), fmt.Sprintf("%.1f", math.Max(20, lat+rng.NormFloat64()*25))})
	}
	write(dir, "ab-events.csv.gz", []string{"ts", "user_id", "variant", "impressions", "clicks", "latency_ms"}, rows)
}

// junit writes the JUnit report of the model's unit tests as pytest does.
func junit(dir string) {
	tests := []struct{ class, name, skip string }{
		{"tests.test_features", "test_session_length_is_positive", ""},
		{"tests.test_features", "test_device_categories", ""},
		{"tests.test_features", "test_missing_age_is_imputed", ""},
		{"tests.test_model", "test_scores_are_finite", ""},
		{"tests.test_model", "test_top_k_has_no_duplicates", ""},
		{"tests.test_model", "test_cold_start_falls_back_to_popularity", ""},
		{"tests.test_model", "test_deterministic_with_seed", ""},
		{"tests.test_serving", "test_latency_budget", ""},
		{"tests.test_serving", "test_gpu_batching", "no GPU on this runner"},
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	fmt.Fprintf(&b, `<testsuites><testsuite name="pytest" errors="0" failures="0" skipped="1" tests="%d" time="3.412" timestamp="2026-11-23T09:00:00" hostname="runner">`+"\n", len(tests))
	for i, t := range tests {
		if t.skip != "" {
			fmt.Fprintf(&b, `<testcase classname="%s" name="%s" time="0.001"><skipped type="pytest.skip" message="%s">%s</skipped></testcase>`+"\n", t.class, t.name, t.skip, t.skip)
			continue
		}
		fmt.Fprintf(&b, `<testcase classname="%s" name="%s" time="0.%03d" />`+"\n", t.class, t.name, 100+i*37)
	}
	b.WriteString("</testsuite></testsuites>\n")
	if err := os.WriteFile(filepath.Join(dir, "junit.xml"), []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

// features writes a table of per-request features; drifted shifts
// session_length and the device mix the way a new app release would.
func features(dir, name string, rng *rand.Rand, n int, drifted bool) {
	devices := []string{"android", "ios", "web"}
	devW := []float64{0.45, 0.35, 0.2}
	if drifted {
		devW = []float64{0.3, 0.3, 0.4}
	}
	var rows [][]string
	for r := 0; r < n; r++ {
		age := math.Min(18+rng.ExpFloat64()*14, 95)
		sess := math.Exp(rng.NormFloat64()*0.6 + 3.2)
		if drifted {
			sess *= 1.35
		}
		ctr := math.Max(0, 0.04+rng.NormFloat64()*0.015)
		price := math.Exp(rng.NormFloat64()*0.8 + 3)
		dev := pick(rng, devices, devW)
		country := pick(rng, []string{"DE", "FR", "NL", "PL", "ES"}, []float64{0.4, 0.2, 0.15, 0.15, 0.1})
		clicked := "0"
		if rng.Float64() < ctr*6 {
			clicked = "1"
		}
		ageS := fmt.Sprintf("%.0f", age)
		if rng.Float64() < 0.02 {
			ageS = "" // a few users never gave their age
		}
		rows = append(rows, []string{fmt.Sprint(r + 1), ageS, fmt.Sprintf("%.2f", sess), fmt.Sprintf("%.4f", ctr), fmt.Sprintf("%.2f", price), dev, country, clicked})
	}
	write(dir, name, []string{"request_id", "user_age", "session_length_s", "ctr_7d", "item_price", "device", "country", "clicked"}, rows)
}

func pick(rng *rand.Rand, vs []string, w []float64) string {
	x := rng.Float64()
	for i, p := range w {
		if x < p {
			return vs[i]
		}
		x -= p
	}
	return vs[len(vs)-1]
}

func uid(u int) string { return fmt.Sprintf("u%04d", u) }
func iid(i int) string { return fmt.Sprintf("i%03d", i) }

func write(dir, name string, head []string, rows [][]string) {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		log.Fatal(err)
	}
	gz, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	gz.ModTime = gz.ModTime.UTC() // zero time: reproducible bytes
	fmt.Fprintln(gz, strings.Join(head, ","))
	for _, r := range rows {
		fmt.Fprintln(gz, strings.Join(r, ","))
	}
	if err := gz.Close(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func writeJSON(dir, name string, v any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, name), append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}
