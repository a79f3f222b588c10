package prom

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeProm answers /api/v1/query and /api/v1/query_range with a canned body
// per query and records what it was asked.
type fakeProm struct {
	mu      sync.Mutex
	bodies  map[string]string // query → JSON body
	asked   []string          // "PATH QUERY"
	headers []http.Header
}

func (f *fakeProm) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	q := r.Form.Get("query")
	f.mu.Lock()
	f.asked = append(f.asked, r.Method+" "+r.URL.Path+" "+q)
	f.headers = append(f.headers, r.Header.Clone())
	body, ok := f.bodies[q]
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if !ok {
		w.WriteHeader(400)
		body = `{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected identifier"}`
	}
	_, _ = w.Write([]byte(body))
}

func vector(samples ...string) string {
	return `{"status":"success","data":{"resultType":"vector","result":[` + strings.Join(samples, ",") + `]}}`
}

func mustClient(tb testing.TB, f *fakeProm, opts Options) *Client {
	tb.Helper()
	srv := httptest.NewServer(f)
	tb.Cleanup(srv.Close)
	c, err := New(srv.URL, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestScalar(t *testing.T) {
	f := &fakeProm{bodies: map[string]string{
		"one":      vector(`{"metric":{"variant":"b"},"value":[1700000000,"0.25"]}`),
		"none":     vector(),
		"several":  vector(`{"metric":{"variant":"b"},"value":[1700000000,"1"]}`, `{"metric":{"variant":"a"},"value":[1700000000,"2"]}`),
		"nan":      vector(`{"metric":{},"value":[1700000000,"NaN"]}`),
		"scalar":   `{"status":"success","data":{"resultType":"scalar","result":[1700000000,"42"]}}`,
		"matrix":   `{"status":"success","data":{"resultType":"matrix","result":[]}}`,
		"garbage":  `{"status":"success","data":`,
		"string":   `{"status":"success","data":{"resultType":"string","result":[1700000000,"x"]}}`,
		"inf":      vector(`{"metric":{},"value":[1700000000,"+Inf"]}`),
		"warnings": `{"status":"success","warnings":["partial"],"data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"3"]}]}}`,
	}}
	c := mustClient(t, f, Options{BearerToken: "s3cret"})
	at := time.Unix(1700000000, 0)
	cases := []struct {
		query string
		want  float64
		err   error
		text  string
	}{
		{"one", 0.25, nil, ""},
		{"scalar", 42, nil, ""},
		{"warnings", 3, nil, ""},
		{"inf", math.Inf(1), nil, ""},
		{"none", 0, ErrNoData, "no series"},
		{"nan", 0, ErrNoData, "NaN"},
		{"several", 0, ErrAmbiguous, `2 series ({variant="a"}, {variant="b"}, …)`},
		{"matrix", 0, ErrQuery, "expected an instant vector"},
		{"string", 0, ErrQuery, "unexpected value type"},
		{"garbage", 0, ErrQuery, ""},
		{"bad(", 0, ErrQuery, "parse error"},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			got, err := c.Scalar(context.Background(), tc.query, at)
			if tc.err == nil {
				if err != nil || got != tc.want {
					t.Fatalf("Scalar = %v, %v; expected %v", got, err, tc.want)
				}
				return
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("error %v, expected %v", err, tc.err)
			}
			if !strings.Contains(err.Error(), tc.text) || !strings.Contains(err.Error(), tc.query) {
				t.Errorf("error %q does not name the query and say %q", err, tc.text)
			}
		})
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.asked) == 0 || !strings.HasPrefix(f.asked[0], "POST /api/v1/query one") {
		t.Errorf("first request %q, expected POST /api/v1/query", f.asked[0])
	}
	if h := f.headers[0].Get("Authorization"); h != "Bearer s3cret" {
		t.Errorf("Authorization %q", h)
	}
}

func TestByLabel(t *testing.T) {
	f := &fakeProm{bodies: map[string]string{
		"ok": vector(`{"metric":{"variant":"a"},"value":[1,"10"]}`, `{"metric":{"variant":"b"},"value":[1,"20"]}`,
			`{"metric":{"other":"x"},"value":[1,"5"]}`, `{"metric":{"variant":"c"},"value":[1,"NaN"]}`),
		"dup":  vector(`{"metric":{"variant":"a","pod":"1"},"value":[1,"10"]}`, `{"metric":{"variant":"a","pod":"2"},"value":[1,"20"]}`),
		"none": vector(`{"metric":{"other":"x"},"value":[1,"5"]}`),
	}}
	c := mustClient(t, f, Options{})
	got, err := c.ByLabel(context.Background(), "ok", "variant", time.Unix(1, 0))
	if err != nil || len(got) != 2 || got["a"] != 10 || got["b"] != 20 {
		t.Fatalf("ByLabel = %v, %v", got, err)
	}
	if _, err := c.ByLabel(context.Background(), "dup", "variant", time.Unix(1, 0)); !errors.Is(err, ErrAmbiguous) || !strings.Contains(err.Error(), `variant="a"`) {
		t.Errorf("duplicate label: %v", err)
	}
	if _, err := c.ByLabel(context.Background(), "none", "variant", time.Unix(1, 0)); !errors.Is(err, ErrNoData) {
		t.Errorf("no labelled series: %v", err)
	}
}

func TestRange(t *testing.T) {
	f := &fakeProm{bodies: map[string]string{
		"one":     `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"NaN"],[3,"3"]]}]}}`,
		"none":    `{"status":"success","data":{"resultType":"matrix","result":[]}}`,
		"allnan":  `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"NaN"]]}]}}`,
		"several": `{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"1"},"values":[[1,"1"]]},{"metric":{"a":"2"},"values":[[1,"1"]]}]}}`,
		"vector":  vector(),
	}}
	c := mustClient(t, f, Options{})
	start, end := time.Unix(0, 0), time.Unix(10, 0)
	got, err := c.Range(context.Background(), "one", start, end, time.Second)
	if err != nil || len(got) != 2 || got[0].V != 1 || got[1].V != 3 || !got[1].T.Equal(time.Unix(3, 0)) {
		t.Fatalf("Range = %v, %v", got, err)
	}
	for q, want := range map[string]error{"none": ErrNoData, "allnan": ErrNoData, "several": ErrAmbiguous, "vector": ErrQuery} {
		if _, err := c.Range(context.Background(), q, start, end, time.Second); !errors.Is(err, want) {
			t.Errorf("%s: error %v, expected %v", q, err, want)
		}
	}
	if _, err := c.Range(context.Background(), "one", end, start, time.Second); !errors.Is(err, ErrQuery) {
		t.Errorf("reversed window: %v", err)
	}
}

func TestNewRejectsBadAddress(t *testing.T) {
	for _, a := range []string{"", "prometheus:9090", "ftp://x", "http://"} {
		if _, err := New(a, Options{}); err == nil {
			t.Errorf("New(%q): no error", a)
		}
	}
}

func TestExpand(t *testing.T) {
	got, err := Expand(`sum(increase(clicks_total{variant="{{variant}}"}[{{ window }}]))`, map[string]string{"variant": "b", "window": "48h"})
	if err != nil || got != `sum(increase(clicks_total{variant="b"}[48h]))` {
		t.Fatalf("Expand = %q, %v", got, err)
	}
	_, err = Expand(`x{v="{{varaint}}"}`, map[string]string{"variant": "b", "window": "1h"})
	if err == nil || !strings.Contains(err.Error(), "{{varaint}}") || !strings.Contains(err.Error(), "{{variant}}, {{window}}") {
		t.Errorf("typo: %v", err)
	}
}

// FuzzExpand checks that templates never panic and that a successful
// expansion leaves no known placeholder behind.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{`sum(x{variant="{{variant}}"}[{{window}}])`, "{{", "{{ }}", "{{variant}}{{variant}}", "{{{{variant}}}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		out, err := Expand(tmpl, map[string]string{"variant": "b", "window": "1h"})
		if err == nil && strings.Contains(out, "{{variant}}") {
			t.Fatalf("Expand(%q) = %q still holds {{variant}}", tmpl, out)
		}
	})
}
