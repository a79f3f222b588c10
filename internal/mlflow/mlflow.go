// Package mlflow talks to an MLflow tracking server's REST API 2.0, or to
// GitLab's MLflow-compatible API under a project
// ($CI_API_V4_URL/projects/:id/ml/mlflow). It reads a registered model's
// metrics (the model version behind an alias,
// GET /api/2.0/mlflow/registered-models/alias, then its run's latest
// metrics, GET /api/2.0/mlflow/runs/get) and writes the registry
// (registry.go: aliases, version tags, descriptions). MLflow has no
// official Go client; the calls are small enough to make with net/http.
// The routes and field names follow MLflow's model_registry.proto, kept in
// mlflowtest/testdata with the fake server the tests check against it.
package mlflow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrNotFound means the server knows no such model, version or alias
// (HTTP 404, or RESOURCE_DOES_NOT_EXIST).
var ErrNotFound = errors.New("not found in the model registry")

// ErrNoAlias is ErrNotFound under the name the baseline reader uses.
var ErrNoAlias = ErrNotFound

// Client talks to one tracking server.
type Client struct {
	// BaseURL is the tracking URI, e.g. "https://mlflow.example.com".
	BaseURL string
	// Token is sent as a bearer token when set (MLFLOW_TRACKING_TOKEN).
	Token string
	// Username and Password are sent as basic auth when set and Token is not.
	Username, Password string
	HTTP               *http.Client
}

// ModelVersion is the part of MLflow's ModelVersion message mlgate uses.
type ModelVersion struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	RunID       string `json:"run_id"`
	Source      string `json:"source"`
	Description string `json:"description,omitempty"`
	Tags        []Tag  `json:"tags,omitempty"`
	// Aliases are the aliases pointing at this version (MLflow 2.3+).
	Aliases []string `json:"aliases,omitempty"`
}

// Tag is a ModelVersionTag or RegisteredModelTag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Baseline is a model version and its run's metrics.
type Baseline struct {
	Version ModelVersion
	Metrics map[string]float64
}

// AliasMetrics returns the metrics of the run behind models:/name@alias.
func (c *Client) AliasMetrics(ctx context.Context, name, alias string) (*Baseline, error) {
	var mv struct {
		ModelVersion ModelVersion `json:"model_version"`
	}
	q := url.Values{"name": {name}, "alias": {alias}}
	if err := c.get(ctx, "/api/2.0/mlflow/registered-models/alias", q, &mv); err != nil {
		return nil, fmt.Errorf("mlflow models:/%s@%s: %w", name, alias, err)
	}
	if mv.ModelVersion.RunID == "" {
		return nil, fmt.Errorf("mlflow models:/%s@%s: version %s has no run_id, so it has no metrics", name, alias, mv.ModelVersion.Version)
	}
	var run struct {
		Run struct {
			Data struct {
				Metrics []struct {
					Key   string  `json:"key"`
					Value float64 `json:"value"`
				} `json:"metrics"`
			} `json:"data"`
		} `json:"run"`
	}
	if err := c.get(ctx, "/api/2.0/mlflow/runs/get", url.Values{"run_id": {mv.ModelVersion.RunID}}, &run); err != nil {
		return nil, fmt.Errorf("mlflow run %s of models:/%s@%s: %w", mv.ModelVersion.RunID, name, alias, err)
	}
	b := &Baseline{Version: mv.ModelVersion, Metrics: map[string]float64{}}
	for _, m := range run.Run.Data.Metrics {
		b.Metrics[m.Key] = m.Value
	}
	if len(b.Metrics) == 0 {
		return nil, fmt.Errorf("mlflow run %s of models:/%s@%s has no metrics", mv.ModelVersion.RunID, name, alias)
	}
	return b, nil
}

func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	return c.call(ctx, http.MethodGet, path, q, nil, out)
}

// call sends one request: q as the query string, body (when not nil) as
// JSON, as MLflow's own client does for POST, PATCH and DELETE; it decodes
// a 200 answer into out (when not nil). A 404 or RESOURCE_DOES_NOT_EXIST
// is ErrNotFound. The token never appears in an error: a server that
// echoes it back has it replaced.
func (c *Client) call(ctx context.Context, method, path string, q url.Values, body, out any) error {
	u := strings.TrimRight(c.BaseURL, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("%s %s: %s", method, path, c.scrub(err.Error()))
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch {
	case c.Token != "":
		req.Header.Set("Authorization", "Bearer "+c.Token)
	case c.Username != "":
		req.SetBasicAuth(c.Username, c.Password)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %s", method, path, c.scrub(err.Error()))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %s", method, path, c.scrub(err.Error()))
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Code    string `json:"error_code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &e)
		if resp.StatusCode == http.StatusNotFound || e.Code == "RESOURCE_DOES_NOT_EXIST" || missingAlias(resp.StatusCode, e.Code, e.Message) {
			return fmt.Errorf("%w: %s", ErrNotFound, c.scrub(e.Message))
		}
		msg := e.Message
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, c.scrub(msg))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s %s: answer is not the expected JSON: %v", method, path, err)
	}
	return nil
}

// missingAlias reports MLflow's answer for an alias nobody holds: its
// file and SQL stores raise INVALID_PARAMETER_VALUE (HTTP 400) with
// "Registered model alias NAME not found.", not RESOURCE_DOES_NOT_EXIST.
func missingAlias(status int, code, msg string) bool {
	return status == http.StatusBadRequest && code == "INVALID_PARAMETER_VALUE" &&
		strings.HasPrefix(msg, "Registered model alias ") && strings.HasSuffix(strings.TrimSuffix(msg, "."), " not found")
}

// scrub replaces the client's secrets in s.
func (c *Client) scrub(s string) string {
	for _, secret := range []string{c.Token, c.Password} {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[secret]")
		}
	}
	return s
}
