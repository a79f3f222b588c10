// Package mlflow reads a registered model's metrics from an MLflow tracking
// server: the model version behind an alias
// (GET /api/2.0/mlflow/registered-models/alias), then its run's latest
// metrics (GET /api/2.0/mlflow/runs/get). MLflow has no official Go client;
// the two REST calls are small enough to make with net/http.
package mlflow

import (
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

// ErrNoAlias means the server knows no such model or alias (HTTP 404, or
// RESOURCE_DOES_NOT_EXIST).
var ErrNoAlias = errors.New("no such registered model alias")

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

// ModelVersion is the part of MLflow's model version the gate uses.
type ModelVersion struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	RunID   string `json:"run_id"`
	Source  string `json:"source"`
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
	u := strings.TrimRight(c.BaseURL, "/") + path + "?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
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
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Code    string `json:"error_code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(body, &e)
		if resp.StatusCode == http.StatusNotFound || e.Code == "RESOURCE_DOES_NOT_EXIST" {
			return fmt.Errorf("%w: %s", ErrNoAlias, e.Message)
		}
		msg := e.Message
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		return fmt.Errorf("GET %s: HTTP %d: %s", path, resp.StatusCode, msg)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("GET %s: answer is not the expected JSON: %v", path, err)
	}
	return nil
}
