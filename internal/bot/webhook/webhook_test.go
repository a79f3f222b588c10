package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/forge"
)

func TestRetrain(t *testing.T) {
	var method, path, auth, ctype, body string
	status := 200
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		method, path, auth, ctype, body = r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(b)
		w.WriteHeader(status)
		io.WriteString(w, `{"dag_run_id": "manual__2026"}`)
	}))
	defer srv.Close()
	b := &Backend{Name: "airflow", Method: "POST", Headers: map[string]string{"Authorization": "Bearer a"}}
	task := forge.RetrainTask{URL: srv.URL + "/api/v1/dags/retrain/dagRuns", Body: `{"conf":{"model":"rec"}}`}
	run, err := b.Retrain(context.Background(), task)
	if err != nil {
		t.Fatal(err)
	}
	if method != "POST" || path != "/api/v1/dags/retrain/dagRuns" || auth != "Bearer a" || ctype != "application/json" || body != task.Body {
		t.Errorf("request %s %s %q %q %s", method, path, auth, ctype, body)
	}
	if run.Detail != "run manual__2026" || run.Backend != "airflow" {
		t.Errorf("run %+v", run)
	}
	for _, tc := range []struct {
		status    int
		permanent bool
	}{{409, true}, {500, false}, {502, false}} {
		status = tc.status
		_, err := b.Retrain(context.Background(), task)
		if err == nil || errors.Is(err, forge.ErrPermanent) != tc.permanent {
			t.Errorf("status %d: %v", tc.status, err)
		}
	}
	if _, err := b.Retrain(context.Background(), forge.RetrainTask{URL: srv.URL, Body: `{"conf":`}); !errors.Is(err, forge.ErrPermanent) {
		t.Errorf("bad JSON body: %v", err)
	}
}

func TestErrorsHideSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer srv.Close()
	b := &Backend{Name: "x", Method: "POST"}
	u := strings.Replace(srv.URL, "http://", "http://user:pw@", 1) + "/run?api_key=s3cret"
	_, err := b.Retrain(context.Background(), forge.RetrainTask{URL: u, Body: "{}"})
	if err == nil || strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "pw") {
		t.Errorf("error leaks a secret: %v", err)
	}
}

// TestIdempotencyKey checks every attempt of a job sends the job's id as
// Idempotency-Key, a configured header of that name wins, and a call
// without a job sends none.
func TestIdempotencyKey(t *testing.T) {
	var keys []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	b := &Backend{Name: "airflow", Method: "POST"}
	task := forge.RetrainTask{URL: srv.URL, Body: `{}`, JobID: 42}
	b.Retrain(context.Background(), task)
	task.Since = time.Now() // a retry of the same job
	b.Retrain(context.Background(), task)
	b.Retrain(context.Background(), forge.RetrainTask{URL: srv.URL, Body: `{}`})
	own := &Backend{Name: "x", Method: "POST", Headers: map[string]string{"Idempotency-Key": "mine"}}
	own.Retrain(context.Background(), task)
	if got := strings.Join(keys, ","); got != "42,42,,mine" {
		t.Errorf("Idempotency-Key headers %q, want 42,42,,mine", got)
	}
}
