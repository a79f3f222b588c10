// Package webhook is mlbot's generic retraining backend: one HTTP request
// whose URL and JSON body were rendered from the rule's templates, such as
// Airflow's POST /api/v1/dags/{dag_id}/dagRuns or a Kubeflow run.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"gitlab.com/mlgate/mlgate/internal/forge"
)

// Backend sends the rendered request of one backends.http entry.
type Backend struct {
	Name    string
	Method  string
	Headers map[string]string
	Client  *http.Client
}

// Retrain sends t.Body to t.URL, with the job's id as the Idempotency-Key
// header. A body that is not JSON and a 4xx answer
// are permanent; 5xx, timeouts and network errors are not. The answer's
// "dag_run_id", "run_id" or "id" field goes to the run's Detail.
func (b *Backend) Retrain(ctx context.Context, t forge.RetrainTask) (forge.Run, error) {
	if t.Body != "" && !json.Valid([]byte(t.Body)) {
		return forge.Run{}, forge.Permanent(fmt.Errorf("backend %s: rendered body is not JSON: %.200s", b.Name, t.Body))
	}
	req, err := http.NewRequestWithContext(ctx, b.Method, t.URL, bytes.NewBufferString(t.Body))
	if err != nil {
		return forge.Run{}, forge.Permanent(fmt.Errorf("backend %s: %w", b.Name, err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "mlgate-mlbot")
	if t.JobID != 0 {
		// The same job sends the same key on every attempt: a service that
		// honours Idempotency-Key starts one run however often a lost
		// answer makes mlbot retry. A configured header of that name wins.
		req.Header.Set("Idempotency-Key", strconv.FormatInt(t.JobID, 10))
	}
	for k, v := range b.Headers {
		req.Header.Set(k, v)
	}
	c := b.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return forge.Run{}, fmt.Errorf("backend %s: %s %s: %w", b.Name, b.Method, safeURL(req), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		err := fmt.Errorf("backend %s: %s %s: %s: %.300s", b.Name, b.Method, safeURL(req), resp.Status, bytes.TrimSpace(body))
		return forge.Run{}, forge.ClassifyHTTP(resp.StatusCode, err)
	}
	run := forge.Run{Backend: b.Name, Project: req.URL.Host, Status: resp.Status}
	if id := runID(body); id != "" {
		run.Detail = "run " + id
	}
	return run, nil
}

func runID(body []byte) string {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return ""
	}
	for _, k := range []string{"dag_run_id", "run_id", "id"} {
		switch v := m[k].(type) {
		case string:
			return v
		case float64:
			return fmt.Sprint(int64(v))
		}
	}
	return ""
}

// safeURL names the endpoint without credentials or query (an API key may
// ride in either), for errors and logs.
func safeURL(r *http.Request) string {
	return r.URL.Scheme + "://" + r.URL.Host + r.URL.Path
}
