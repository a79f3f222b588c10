package deploy_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"gopkg.in/yaml.v3"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/intake"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
	"gitlab.com/mlgate/mlgate/internal/demo"
	"gitlab.com/mlgate/mlgate/internal/gate/drift"
	"gitlab.com/mlgate/mlgate/internal/pushgw"
)

// builtin are series Prometheus makes itself.
var builtin = []string{"ALERTS", "ALERTS_FOR_STATE", "up"}

var (
	quoted   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`[^`]*`")
	braces   = regexp.MustCompile(`\{[^{}]*\}|\[[^\[\]]*\]`)
	grafVar  = regexp.MustCompile(`\$\{?[A-Za-z_][A-Za-z0-9_]*\}?`)
	grouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)`)
	ident    = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*`)
	labelVal = regexp.MustCompile(`^\s*label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*,`)
)

var promqlWords = []string{"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless", "inf", "nan", "atan2"}

// metricNames returns the metric names a PromQL expression (or a Grafana
// label_values() query) selects: identifiers outside strings, label
// matchers, ranges and grouping clauses that are not functions, keywords or
// Grafana variables.
func metricNames(expr string) []string {
	if m := labelVal.FindStringSubmatch(expr); m != nil {
		return []string{m[1]}
	}
	s := quoted.ReplaceAllString(expr, " ")
	for prev := ""; prev != s; {
		prev = s
		s = braces.ReplaceAllString(s, " ")
	}
	s = grafVar.ReplaceAllString(s, " ")
	s = grouping.ReplaceAllString(s, " ")
	var out []string
	for _, loc := range ident.FindAllStringIndex(s, -1) {
		name := s[loc[0]:loc[1]]
		if loc[0] > 0 && (s[loc[0]-1] >= '0' && s[loc[0]-1] <= '9' || s[loc[0]-1] == '.') {
			continue // the exponent or unit of a number: 1e3, 5m
		}
		if slices.Contains(promqlWords, strings.ToLower(name)) {
			continue
		}
		if rest := strings.TrimLeft(s[loc[1]:], " \t\n"); strings.HasPrefix(rest, "(") {
			continue // a function or an aggregation
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

func TestMetricNames(t *testing.T) {
	for expr, want := range map[string][]string{
		`max by (model, feature) (mlgate_feature_psi{model=~"$model"}) > 0.2`:                                   {"mlgate_feature_psi"},
		`time() - max by (model) (mlgate_drift_last_run_timestamp_seconds)`:                                     {"mlgate_drift_last_run_timestamp_seconds"},
		`histogram_quantile(0.95, sum by (kind, le) (rate(mlbot_action_duration_seconds_bucket[5m])))`:          {"mlbot_action_duration_seconds_bucket"},
		`0.75 * model:ctr:ratio_1d_avg_7d{model=~"$model"} unless on (model) x_total offset 1d`:                 {"model:ctr:ratio_1d_avg_7d", "x_total"},
		`count by (alertname) (ALERTS{alertstate="firing", alertname=~"ML.*"})`:                                 {"ALERTS"},
		`sum(rate(mlbot_alerts_received_total[$__rate_interval])) / ignoring(x) group_left(y) a_b > 1e3 bool 2`: {"mlbot_alerts_received_total", "a_b"},
		`label_values(mlgate_drift_status, model)`:                                                              {"mlgate_drift_status"},
		`{__name__="x"}`: nil,
	} {
		if got := metricNames(expr); !slices.Equal(got, want) {
			t.Errorf("metricNames(%q) = %q, want %q", expr, got, want)
		}
	}
}

// dashboardExprs returns every PromQL expression of a Grafana dashboard:
// panel targets (rows' nested panels included), query variables and
// annotations.
func dashboardExprs(t *testing.T, b []byte) map[string]string {
	t.Helper()
	var d struct {
		Panels     []json.RawMessage `json:"panels"`
		Templating struct {
			List []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Query any    `json:"query"`
			} `json:"list"`
		} `json:"templating"`
		Annotations struct {
			List []struct {
				Name string `json:"name"`
				Expr string `json:"expr"`
			} `json:"list"`
		} `json:"annotations"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	out := map[string]string{}
	type panel struct {
		Title   string            `json:"title"`
		Panels  []json.RawMessage `json:"panels"`
		Targets []struct {
			RefID string `json:"refId"`
			Expr  string `json:"expr"`
		} `json:"targets"`
	}
	var walk func([]json.RawMessage)
	walk = func(ps []json.RawMessage) {
		for _, raw := range ps {
			var p panel
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatalf("dashboard panel: %v", err)
			}
			for _, tg := range p.Targets {
				out["panel "+p.Title+" "+tg.RefID] = tg.Expr
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		switch q := v.Query.(type) {
		case string:
			out["variable "+v.Name] = q
		case map[string]any:
			s, _ := q["query"].(string)
			out["variable "+v.Name] = s
		}
	}
	for _, a := range d.Annotations.List {
		out["annotation "+a.Name] = a.Expr
	}
	return out
}

// recordingRegisterer registers into a real registry and notes the name of
// every metric a collector describes.
type recordingRegisterer struct {
	*prometheus.Registry
	mu    sync.Mutex
	names []string
}

var fqName = regexp.MustCompile(`fqName: "([^"]+)"`)

func (r *recordingRegisterer) Register(c prometheus.Collector) error {
	ch := make(chan *prometheus.Desc)
	go func() { c.Describe(ch); close(ch) }()
	for d := range ch {
		if m := fqName.FindStringSubmatch(d.String()); m != nil {
			r.mu.Lock()
			r.names = append(r.names, m[1])
			r.mu.Unlock()
		}
	}
	return r.Registry.Register(c)
}

func (r *recordingRegisterer) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		if err := r.Register(c); err != nil {
			panic(err)
		}
	}
}

// mlbotMetrics are the metric names mlbot's server registers (a histogram's
// _bucket, _sum and _count series included).
func mlbotMetrics(t *testing.T) []string {
	t.Helper()
	st, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "mlbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg := &recordingRegisterer{Registry: prometheus.NewRegistry()}
	intake.New(&bot.Config{}, st, slog.New(slog.NewTextHandler(io.Discard, nil)), reg)
	var out []string
	for _, n := range reg.names {
		out = append(out, n)
		if !strings.HasSuffix(n, "_total") {
			out = append(out, n+"_bucket", n+"_sum", n+"_count")
		}
	}
	return out
}

// pushedMetrics runs the drift check on the demo data and returns the
// metric names gate-runner's pushgw package pushes to a Pushgateway
// stand-in on loopback.
func pushedMetrics(t *testing.T) []string {
	t.Helper()
	dir, err := demo.Extract(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := drift.CompareFiles(context.Background(), filepath.Join(dir, demo.Reference), filepath.Join(dir, demo.Current), drift.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var names []string
	pg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		format := expfmt.NewFormat(expfmt.TypeTextPlain)
		if mt == "application/vnd.google.protobuf" && params["encoding"] == "delimited" {
			format = expfmt.NewFormat(expfmt.TypeProtoDelim)
		}
		dec := expfmt.NewDecoder(r.Body, format)
		for {
			var mf dto.MetricFamily
			if err := dec.Decode(&mf); err != nil {
				break
			}
			mu.Lock()
			names = append(names, mf.GetName())
			mu.Unlock()
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer pg.Close()
	if err := pushgw.PushDrift(context.Background(), pg.URL, "recommender", rep, time.Now(), pg.Client()); err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("PushDrift pushed no metric families")
	}
	return names
}

// recordedMetrics are the names the shipped recording rules produce.
func recordedMetrics(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("prometheus/mlgate-rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Groups []struct {
			Rules []struct {
				Record string `yaml:"record"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				out = append(out, r.Record)
			}
		}
	}
	return out
}

// unknownMetrics returns "where: name" for every metric a dashboard uses
// that none of the sources exports.
func unknownMetrics(exprs map[string]string, known map[string]string) []string {
	var bad []string
	for where, e := range exprs {
		for _, n := range metricNames(e) {
			if _, ok := known[n]; !ok {
				bad = append(bad, where+": "+n)
			}
		}
	}
	sort.Strings(bad)
	return bad
}

// TestGrafanaDashboardMetrics checks that every metric the dashboard
// queries is exported by gate-runner's Pushgateway push, registered by
// mlbot's server, produced by the shipped recording rules or made by
// Prometheus itself, and that the dashboard covers each source.
func TestGrafanaDashboardMetrics(t *testing.T) {
	b, err := os.ReadFile("grafana/mlgate.json")
	if err != nil {
		t.Fatal(err)
	}
	exprs := dashboardExprs(t, b)
	known := map[string]string{}
	for source, names := range map[string][]string{
		"gate-runner": pushedMetrics(t), "mlbot": mlbotMetrics(t),
		"recording rule": recordedMetrics(t), "prometheus": builtin,
	} {
		for _, n := range names {
			known[n] = source
		}
	}
	for _, bad := range unknownMetrics(exprs, known) {
		t.Errorf("dashboard %s is exported by neither gate-runner, mlbot nor the recording rules", bad)
	}
	used := map[string]bool{}
	for _, e := range exprs {
		for _, n := range metricNames(e) {
			used[known[n]] = true
		}
	}
	for _, s := range []string{"gate-runner", "mlbot", "recording rule"} {
		if !used[s] {
			t.Errorf("the dashboard uses no metric of %s", s)
		}
	}
	// A misspelt metric is caught.
	broken := strings.Replace(string(b), "mlgate_feature_psi{", "mlgate_feature_psii{", 1)
	if broken == string(b) {
		t.Fatal("mlgate_feature_psi not found in the dashboard")
	}
	if bad := unknownMetrics(dashboardExprs(t, []byte(broken)), known); len(bad) != 1 || !strings.HasSuffix(bad[0], "mlgate_feature_psii") {
		t.Errorf("a misspelt metric gave %q, want one error naming mlgate_feature_psii", bad)
	}
}
