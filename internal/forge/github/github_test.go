package github

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/forge"
)

func TestRetrainDispatches(t *testing.T) {
	var method, path, auth, body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		method, path, auth, body = r.Method, r.URL.Path, r.Header.Get("Authorization"), string(b)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"workflow_run_id": 321, "html_url": "https://github.com/acme/rec/actions/runs/321"}`)
	}))
	defer srv.Close()
	wf, err := NewWorkflows(srv.URL+"/api/v3", "ghp_x", nil)
	if err != nil {
		t.Fatal(err)
	}
	run, err := wf.Retrain(context.Background(), forge.RetrainTask{Repository: "acme/rec", Workflow: "retrain.yml", Ref: "main",
		Variables: map[string]string{"model": "rec"}})
	if err != nil {
		t.Fatal(err)
	}
	if method != "POST" || path != "/api/v3/repos/acme/rec/actions/workflows/retrain.yml/dispatches" || auth != "Bearer ghp_x" {
		t.Errorf("request %s %s auth %q", method, path, auth)
	}
	var got map[string]any
	json.Unmarshal([]byte(body), &got)
	if b, _ := json.Marshal(got); string(b) != `{"inputs":{"model":"rec"},"ref":"main","return_run_details":true}` {
		t.Errorf("body %s", b)
	}
	if run.ExternalID != 321 || run.Project != "acme/rec" {
		t.Errorf("run %+v", run)
	}
}

func TestRetrain422IsPermanent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(422)
		io.WriteString(w, `{"message":"Unexpected inputs provided"}`)
	}))
	defer srv.Close()
	wf, _ := NewWorkflows(srv.URL, "x", nil)
	_, err := wf.Retrain(context.Background(), forge.RetrainTask{Repository: "a/b", Workflow: "w.yml", Ref: "main"})
	if !errors.Is(err, forge.ErrPermanent) {
		t.Errorf("err %v is not permanent", err)
	}
}

func TestWebhook(t *testing.T) {
	body := []byte(`{"action":"completed","workflow_run":{"id":321,"status":"completed","conclusion":"success"},"repository":{"full_name":"acme/rec"}}`)
	m := hmac.New(sha256.New, []byte("sec"))
	m.Write(body)
	sig := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if err := VerifySignature(sig, body, []byte("sec")); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "sha256=00", sig[:len(sig)-1] + "0"} {
		if err := VerifySignature(bad, body, []byte("sec")); !errors.Is(err, ErrSignature) {
			t.Errorf("signature %q accepted: %v", bad, err)
		}
	}
	run, err := ParseWorkflowRun(body)
	if err != nil || run.RunID != 321 || run.State() != "success" || run.Repository != "acme/rec" {
		t.Errorf("run %+v, %v", run, err)
	}
	if _, err := ParseWorkflowRun([]byte(`{"action":"completed"}`)); err == nil {
		t.Error("event without a run accepted")
	}
}
