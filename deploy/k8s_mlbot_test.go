package deploy_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/intake"
	"gitlab.com/mlgate/mlgate/internal/bot/store"
)

// TestK8sMlbotConfig loads the ConfigMap's mlbot.yml with mlbot's own
// strict loader, with exactly the environment the Deployment gives the
// container (so every ${VAR} it uses comes from the Secret), and checks that
// the container port is the listen port and that the probe and scrape paths
// answer 200 on mlbot's real handler.
func TestK8sMlbotConfig(t *testing.T) {
	m, err := decodeManifests(readK8s(t, "k8s"))
	if err != nil {
		t.Fatal(err)
	}
	c := m.deploy.Spec.Template.Spec.Containers[0]
	for _, e := range c.Env {
		if e.Name == "MLBOT_LISTEN" {
			t.Errorf("container sets MLBOT_LISTEN; the port comes from the ConfigMap's listen")
		}
		if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Name != "mlbot" {
			t.Errorf("env %s does not come from the Secret mlbot", e.Name)
		}
		t.Setenv(e.Name, "value-of-"+strings.ToLower(e.Name))
	}
	cfg, err := bot.Load([]byte(m.config.Data["mlbot.yml"]))
	if err != nil {
		t.Fatalf("the ConfigMap's mlbot.yml with the Deployment's environment: %v", err)
	}
	_, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		t.Fatalf("listen %q: %v", cfg.Listen, err)
	}
	if want, _ := strconv.Atoi(port); len(c.Ports) != 1 || int(c.Ports[0].ContainerPort) != want {
		t.Errorf("container ports %v, want the listen port %d", c.Ports, want)
	}

	st, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "mlbot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg := prometheus.NewRegistry()
	srv := intake.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)), reg)
	h := srv.Handler(reg)
	paths := []string{c.LivenessProbe.HTTPGet.Path, c.ReadinessProbe.HTTPGet.Path}
	for _, e := range m.monitor.Spec.Endpoints {
		paths = append(paths, e.Path)
	}
	for _, p := range paths {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s on mlbot's handler: %d, want 200", p, rec.Code)
		}
	}
}

// TestK8sKubectl runs `kubectl create --dry-run=client` on the manifests.
// kubectl maps every kind to a resource through the API server's
// discovery, so the test serves a discovery document on loopback listing
// the resources of a cluster with the Prometheus Operator; a kind or
// apiVersion that cluster does not know fails.
func TestK8sKubectl(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed (Debian: kubernetes-client; .ci/install.d/kubectl.sh installs it)")
	}
	out, err := kubectlDryRun(t, kubectl, "k8s")
	if err != nil {
		t.Fatalf("kubectl create --dry-run=client: %v\n%s", err, out)
	}
	for _, want := range []string{"deployment.apps/mlbot", "service/mlbot", "configmap/mlbot", "poddisruptionbudget.policy/mlbot", "servicemonitor.monitoring.coreos.com/mlbot"} {
		if !strings.Contains(out, want) {
			t.Errorf("kubectl did not create %s:\n%s", want, out)
		}
	}
	// A kind the cluster does not serve fails.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "bad.yaml"), "apiVersion: apps/v1\nkind: Deploymnt\nmetadata: {name: x}\n")
	if out, err := kubectlDryRun(t, kubectl, dir); err == nil {
		t.Fatalf("kubectl accepted kind Deploymnt:\n%s", out)
	}
}

func kubectlDryRun(t *testing.T, kubectl, dir string) (string, error) {
	t.Helper()
	api := httptest.NewServer(http.HandlerFunc(discovery))
	defer api.Close()
	cmd := exec.Command(kubectl, "create", "--dry-run=client", "--validate=false", "-o", "name",
		"--server", api.URL, "--insecure-skip-tls-verify", "-f", dir)
	cmd.Env = []string{"HOME=" + t.TempDir(), "KUBECONFIG=" + filepath.Join(t.TempDir(), "none")}
	b, err := cmd.CombinedOutput()
	return string(b), err
}

// discovery answers the API server's discovery endpoints for the kinds a
// cluster with the Prometheus Operator serves.
func discovery(w http.ResponseWriter, r *http.Request) {
	type res struct {
		Name       string   `json:"name"`
		Namespaced bool     `json:"namespaced"`
		Kind       string   `json:"kind"`
		Verbs      []string `json:"verbs"`
	}
	verbs := []string{"create", "get", "list", "patch", "update", "delete"}
	groups := map[string][]res{
		"/api/v1":                        {{"configmaps", true, "ConfigMap", verbs}, {"services", true, "Service", verbs}, {"secrets", true, "Secret", verbs}, {"namespaces", false, "Namespace", verbs}},
		"/apis/apps/v1":                  {{"deployments", true, "Deployment", verbs}},
		"/apis/policy/v1":                {{"poddisruptionbudgets", true, "PodDisruptionBudget", verbs}},
		"/apis/monitoring.coreos.com/v1": {{"servicemonitors", true, "ServiceMonitor", verbs}},
		// Argo Rollouts and Flagger, for deploy/argo-rollouts and deploy/flagger.
		"/apis/argoproj.io/v1alpha1": {{"rollouts", true, "Rollout", verbs}, {"analysistemplates", true, "AnalysisTemplate", verbs}},
		"/apis/flagger.app/v1beta1":  {{"canaries", true, "Canary", verbs}, {"metrictemplates", true, "MetricTemplate", verbs}},
	}
	w.Header().Set("Content-Type", "application/json")
	var body any
	switch p := r.URL.Path; {
	case p == "/api":
		body = map[string]any{"kind": "APIVersions", "versions": []string{"v1"}, "serverAddressByClientCIDRs": []any{}}
	case p == "/apis":
		var gs []any
		for _, g := range []string{"apps/v1", "policy/v1", "monitoring.coreos.com/v1", "argoproj.io/v1alpha1", "flagger.app/v1beta1"} {
			name, ver, _ := strings.Cut(g, "/")
			gv := map[string]string{"groupVersion": g, "version": ver}
			gs = append(gs, map[string]any{"name": name, "versions": []any{gv}, "preferredVersion": gv})
		}
		body = map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": gs}
	case groups[p] != nil:
		body = map[string]any{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": strings.TrimPrefix(strings.TrimPrefix(p, "/apis/"), "/api/"), "resources": groups[p]}
	default:
		http.NotFound(w, r)
		return
	}
	json.NewEncoder(w).Encode(body)
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
