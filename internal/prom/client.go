package prom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// The kinds of failure a caller branches on.
var (
	// ErrNoData marks a query that returned no series, or NaN.
	ErrNoData = errors.New("no data")
	// ErrAmbiguous marks a query that returned several series where one
	// was expected, or two series with the same label value.
	ErrAmbiguous = errors.New("several series")
	// ErrQuery marks a query Prometheus rejected (bad PromQL, a timeout
	// on its side) or a result of the wrong type.
	ErrQuery = errors.New("query failed")
)

// Options configure a Client.
type Options struct {
	// Timeout bounds each query; 0 means 30 seconds.
	Timeout time.Duration
	// BearerToken, when set, is sent as "Authorization: Bearer …". It is
	// never logged.
	BearerToken string
	// Logger receives query warnings; nil discards them.
	Logger *slog.Logger
}

// Client asks one Prometheus server.
type Client struct {
	api     v1.API
	timeout time.Duration
	log     *slog.Logger
}

// New returns a Client for the Prometheus at address (http or https URL).
func New(address string, opts Options) (*Client, error) {
	u, err := url.Parse(address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("prometheus address %q: expected an http(s) URL such as http://prometheus:9090", address)
	}
	cfg := api.Config{Address: address}
	if opts.BearerToken != "" {
		cfg.RoundTripper = bearer{token: opts.BearerToken, next: api.DefaultRoundTripper}
	}
	c, err := api.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("prometheus client for %s: %w", address, err)
	}
	t := opts.Timeout
	if t == 0 {
		t = 30 * time.Second
	}
	lg := opts.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Client{api: v1.NewAPI(c), timeout: t, log: lg}, nil
}

type bearer struct {
	token string
	next  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.next.RoundTrip(r)
}

func (c *Client) instant(ctx context.Context, query string, at time.Time) (model.Vector, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	val, warns, _, err := c.api.Query(ctx, query, at)
	if err != nil {
		return nil, fmt.Errorf("query %q: %w: %w", query, ErrQuery, err)
	}
	for _, w := range warns {
		c.log.Warn("prometheus query warning", "query", query, "warning", w)
	}
	switch v := val.(type) {
	case model.Vector:
		return v, nil
	case *model.Scalar:
		return model.Vector{&model.Sample{Metric: model.Metric{}, Value: v.Value, Timestamp: v.Timestamp}}, nil
	case nil:
		return nil, nil
	default:
		return nil, fmt.Errorf("query %q: %w: result is a %s, expected an instant vector or scalar", query, ErrQuery, val.Type())
	}
}

// Scalar runs an instant query at time at (the zero time means now) and
// returns its single value. No series or NaN gives ErrNoData, several series
// ErrAmbiguous (naming the first two).
func (c *Client) Scalar(ctx context.Context, query string, at time.Time) (float64, error) {
	vec, err := c.instant(ctx, query, orNow(at))
	if err != nil {
		return 0, err
	}
	switch len(vec) {
	case 0:
		return 0, fmt.Errorf("query %q: %w: no series", query, ErrNoData)
	case 1:
	default:
		sortVector(vec)
		return 0, fmt.Errorf("query %q: %w: %d series (%s, %s, …), expected one; aggregate with sum() or narrow the selector", query, ErrAmbiguous, len(vec), vec[0].Metric, vec[1].Metric)
	}
	v := float64(vec[0].Value)
	if math.IsNaN(v) {
		return 0, fmt.Errorf("query %q: %w: value is NaN (0/0, no traffic in the window?)", query, ErrNoData)
	}
	return v, nil
}

// ByLabel runs an instant query and returns one value per value of label
// (for example per variant). Series without the label, or NaN values, are
// left out; two series with the same label value give ErrAmbiguous; no
// series left gives ErrNoData.
func (c *Client) ByLabel(ctx context.Context, query, label string, at time.Time) (map[string]float64, error) {
	vec, err := c.instant(ctx, query, orNow(at))
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, s := range vec {
		lv, ok := s.Metric[model.LabelName(label)]
		if !ok || math.IsNaN(float64(s.Value)) {
			continue
		}
		if _, dup := out[string(lv)]; dup {
			return nil, fmt.Errorf("query %q: %w: two series with %s=%q; aggregate with sum by (%s)", query, ErrAmbiguous, label, lv, label)
		}
		out[string(lv)] = float64(s.Value)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("query %q: %w: no series with label %s", query, ErrNoData, label)
	}
	return out, nil
}

// Sample is one point of a range query.
type Sample struct {
	T time.Time
	V float64
}

// Range runs a range query from start to end every step and returns the
// samples of its single series, NaN points left out. No series (or only
// NaN) gives ErrNoData, several ErrAmbiguous.
func (c *Client) Range(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]Sample, error) {
	if !end.After(start) || step <= 0 {
		return nil, fmt.Errorf("range query %q: window %s to %s every %s: %w: expected start before end and a positive step", query, start.Format(time.RFC3339), end.Format(time.RFC3339), step, ErrQuery)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	val, warns, _, err := c.api.QueryRange(ctx, query, v1.Range{Start: start, End: end, Step: step})
	if err != nil {
		return nil, fmt.Errorf("range query %q: %w: %w", query, ErrQuery, err)
	}
	for _, w := range warns {
		c.log.Warn("prometheus query warning", "query", query, "warning", w)
	}
	m, ok := val.(model.Matrix)
	if !ok {
		return nil, fmt.Errorf("range query %q: %w: result is a %v, expected a matrix", query, ErrQuery, typeOf(val))
	}
	switch len(m) {
	case 0:
		return nil, fmt.Errorf("range query %q: %w: no series", query, ErrNoData)
	case 1:
	default:
		names := make([]string, 0, 2)
		for _, s := range m[:2] {
			names = append(names, s.Metric.String())
		}
		sort.Strings(names)
		return nil, fmt.Errorf("range query %q: %w: %d series (%s, …), expected one", query, ErrAmbiguous, len(m), strings.Join(names, ", "))
	}
	out := make([]Sample, 0, len(m[0].Values))
	for _, p := range m[0].Values {
		if math.IsNaN(float64(p.Value)) {
			continue
		}
		out = append(out, Sample{T: p.Timestamp.Time(), V: float64(p.Value)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("range query %q: %w: every point is NaN", query, ErrNoData)
	}
	return out, nil
}

func typeOf(v model.Value) string {
	if v == nil {
		return "nothing"
	}
	return v.Type().String()
}

func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

func sortVector(v model.Vector) {
	sort.Slice(v, func(i, j int) bool { return v[i].Metric.String() < v[j].Metric.String() })
}
