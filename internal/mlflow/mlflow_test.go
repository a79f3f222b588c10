package mlflow

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestAliasMetrics(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path+"?"+r.URL.RawQuery)
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(401)
			w.Write([]byte(`{"error_code":"UNAUTHENTICATED","message":"bad token"}`))
			return
		}
		switch r.URL.Path {
		case "/api/2.0/mlflow/registered-models/alias":
			if r.URL.Query().Get("name") == "recommender" && r.URL.Query().Get("alias") == "champion" {
				w.Write([]byte(`{"model_version":{"name":"recommender","version":"7","run_id":"abc","source":"s3://x"}}`))
				return
			}
			if r.URL.Query().Get("name") == "recommender" {
				// MLflow's stores answer a missing alias of a model
				// that exists with 400 INVALID_PARAMETER_VALUE.
				w.WriteHeader(400)
				w.Write([]byte(`{"error_code":"INVALID_PARAMETER_VALUE","message":"Registered model alias challenger not found."}`))
				return
			}
			w.WriteHeader(404)
			w.Write([]byte(`{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"Registered Model with name=other not found"}`))
		case "/api/2.0/mlflow/runs/get":
			if r.URL.Query().Get("run_id") != "abc" {
				t.Errorf("run_id %q", r.URL.RawQuery)
			}
			w.Write([]byte(`{"run":{"data":{"metrics":[{"key":"precision@5","value":0.2,"timestamp":1,"step":0},{"key":"recall@10","value":0.35}]}}}`))
		default:
			t.Errorf("unexpected %s", r.URL.Path)
		}
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL + "/", Token: "tok"}
	b, err := c.AliasMetrics(context.Background(), "recommender", "champion")
	if err != nil {
		t.Fatal(err)
	}
	if b.Version.Version != "7" || b.Metrics["precision@5"] != 0.2 || b.Metrics["recall@10"] != 0.35 {
		t.Errorf("got %+v", b)
	}
	if paths[0] != "/api/2.0/mlflow/registered-models/alias?alias=champion&name=recommender" {
		t.Errorf("first call %s", paths[0])
	}
	if _, err := c.AliasMetrics(context.Background(), "other", "champion"); !errors.Is(err, ErrNoAlias) {
		t.Errorf("missing model: %v", err)
	}
	if _, err := c.AliasMetrics(context.Background(), "recommender", "challenger"); !errors.Is(err, ErrNoAlias) {
		t.Errorf("missing alias (400 INVALID_PARAMETER_VALUE): %v", err)
	}
	c.Token = "wrong"
	if _, err := c.AliasMetrics(context.Background(), "recommender", "champion"); err == nil || err.Error() != "mlflow models:/recommender@champion: GET /api/2.0/mlflow/registered-models/alias: HTTP 401: bad token" {
		t.Errorf("401: %v", err)
	}
}
