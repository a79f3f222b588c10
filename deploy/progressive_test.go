package deploy_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"gitlab.com/mlgate/mlgate/internal/bot"
	"gitlab.com/mlgate/mlgate/internal/bot/intake"
	"gitlab.com/mlgate/mlgate/internal/config"
)

// progressiveCRDs are the CRDs of deploy/testdata/crds (README.md there
// says where they come from).
var progressiveCRDs = []string{"argo-rollouts-rollout.yaml", "argo-rollouts-analysistemplate.yaml", "flagger.yaml"}

// progressiveObject is one decoded manifest: its file, kind and body.
type progressiveObject struct {
	file, kind, name string
	body             map[string]any
}

// checkProgressive validates every manifest of files against the CRDs'
// schemas (custom kinds) or strictly against the Kubernetes API's Go
// types (Service, ConfigMap), and returns the objects and every error.
func checkProgressive(t *testing.T, files map[string][]byte) ([]progressiveObject, []string) {
	t.Helper()
	crds := map[string]crdSchema{}
	for _, f := range progressiveCRDs {
		m, err := loadCRDs(filepath.Join("testdata", "crds", f))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range m {
			crds[k] = v
		}
	}
	var objs []progressiveObject
	var errs []string
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, name := range names {
		docs, err := yamlDocs(files[name])
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		for i, d := range docs {
			kind, _ := d["kind"].(string)
			apiVersion, _ := d["apiVersion"].(string)
			md, _ := d["metadata"].(map[string]any)
			objName, _ := md["name"].(string)
			where := fmt.Sprintf("%s: document %d (%s %s)", name, i+1, kind, objName)
			if objName == "" || md["namespace"] == nil {
				errs = append(errs, where+": metadata.name and metadata.namespace are required")
			}
			objs = append(objs, progressiveObject{name, kind, objName, d})
			if s, ok := crds[apiVersion+" "+kind]; ok {
				body := map[string]any{}
				for k, v := range d {
					// ObjectMeta is the API server's to validate, not the CRD's.
					if k != "metadata" {
						body[k] = v
					}
				}
				for _, e := range validateSchema(kind, body, s.schema) {
					errs = append(errs, where+": "+e)
				}
				continue
			}
			js, _ := sigsyaml.Marshal(d)
			var target any
			switch {
			case apiVersion == "v1" && kind == "Service":
				target = &corev1.Service{}
			case apiVersion == "v1" && kind == "ConfigMap":
				target = &corev1.ConfigMap{}
			default:
				errs = append(errs, fmt.Sprintf("%s: %s %s is neither a kind of the CRDs nor Service or ConfigMap", where, apiVersion, kind))
				continue
			}
			if err := sigsyaml.UnmarshalStrict(js, target); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", where, err))
			}
		}
	}
	return objs, errs
}

// dig returns the value at a dotted path of maps and [i] indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func find(objs []progressiveObject, kind, name string) map[string]any {
	for _, o := range objs {
		if o.kind == kind && o.name == name {
			return o.body
		}
	}
	return nil
}

// checkArgo returns what is wrong with the Argo Rollouts setup beyond the
// schemas: the steps, the analyses they name, the gate-runner job and its
// config, and mlbot's gate.
func checkArgo(objs []progressiveObject) []string {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	ro := find(objs, "Rollout", "recommender")
	if ro == nil {
		return []string{"no Rollout recommender"}
	}
	steps, _ := dig(ro, "spec", "strategy", "canary", "steps").([]any)
	var weights []string
	for _, s := range steps {
		if w := dig(s, "setWeight"); w != nil {
			weights = append(weights, fmt.Sprint(w))
		}
	}
	if strings.Join(weights, ",") != "5,10,25,50" {
		bad("rollout: setWeight steps %v, expected 5, 10, 25, 50 (then 100%% after the last step)", weights)
	}
	if len(steps) == 0 || dig(steps[len(steps)-1], "analysis", "templates", 0, "templateName") != "mlgate-promotion-approval" {
		bad("rollout: the last step is not the analysis mlgate-promotion-approval (the Slack gate before 100%%)")
	}
	bg := dig(ro, "spec", "strategy", "canary", "analysis", "templates", 0, "templateName")
	if find(objs, "AnalysisTemplate", fmt.Sprint(bg)) == nil {
		bad("rollout: background analysis template %v is not in the manifests", bg)
	}
	health := find(objs, "AnalysisTemplate", "mlgate-canary-health")
	c := dig(health, "spec", "metrics", 0, "provider", "job", "spec", "template", "spec", "containers", 0)
	args, _ := dig(c, "args").([]any)
	if len(args) == 0 || args[0] != "canary" || !slices.Contains(args, any("-c")) {
		bad("canary health: the job does not run gate-runner canary -c CONFIG: %v", args)
	}
	if img, _ := dig(c, "image").(string); !strings.Contains(img, "gate-runner") {
		bad("canary health: image %q is not gate-runner's", img)
	}
	if dig(health, "spec", "metrics", 0, "provider", "job", "spec", "backoffLimit") != nil &&
		fmt.Sprint(dig(health, "spec", "metrics", 0, "provider", "job", "spec", "backoffLimit")) != "0" {
		bad("canary health: backoffLimit must be 0, a retried job hides the failed verdict")
	}
	cm := find(objs, "ConfigMap", "mlgate-canary")
	yml, _ := dig(cm, "data", ".mlgate.yml").(string)
	cfg, err := config.Load([]byte(yml))
	switch {
	case err != nil:
		bad("configmap mlgate-canary: .mlgate.yml: %v", err)
	case cfg.Gates.Canary == nil:
		bad("configmap mlgate-canary: .mlgate.yml has no gates.canary")
	default:
		bounds := map[string]string{}
		for _, ch := range cfg.Gates.Canary.Checks {
			if ch.Max != nil {
				bounds[ch.Name] = fmt.Sprint(*ch.Max)
			}
		}
		if bounds["error rate"] != "0.01" || bounds["p95 latency (s)"] != "0.3" {
			bad("configmap mlgate-canary: checks %v, expected error rate max 0.01 and p95 latency (s) max 0.3", bounds)
		}
	}
	gate := dig(find(objs, "AnalysisTemplate", "mlgate-promotion-approval"), "spec", "metrics", 0)
	if u := dig(gate, "provider", "web", "url"); u != "http://mlbot.mlgate.svc:8080/v1/argo/gate" {
		bad("promotion approval: url %v, expected mlbot's /v1/argo/gate", u)
	}
	if fmt.Sprint(dig(gate, "consecutiveSuccessLimit")) != "1" || fmt.Sprint(dig(gate, "failureLimit")) != "-1" {
		bad("promotion approval: expected failureLimit -1 and consecutiveSuccessLimit 1 (wait for the approval)")
	}
	return errs
}

// checkFlagger returns what is wrong with the Flagger Canary beyond its
// schema: the steps, the thresholds and the webhooks to mlbot.
func checkFlagger(objs []progressiveObject) []string {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	cn := find(objs, "Canary", "recommender")
	if cn == nil {
		return []string{"no Canary recommender"}
	}
	a := dig(cn, "spec", "analysis")
	if w := fmt.Sprint(dig(a, "stepWeights")); w != "[5 10 25 50]" {
		bad("canary: stepWeights %s, expected [5 10 25 50]", w)
	}
	ms, _ := dig(a, "metrics").([]any)
	limits := map[string]string{}
	for _, m := range ms {
		ref := fmt.Sprint(dig(m, "templateRef", "name"))
		if find(objs, "MetricTemplate", ref) == nil {
			bad("canary: metric %v names MetricTemplate %s, which is not in the manifests", dig(m, "name"), ref)
		}
		limits[ref] = fmt.Sprint(dig(m, "thresholdRange", "max"))
	}
	if limits["mlgate-error-rate"] != "1" || limits["mlgate-latency-p95"] != "300" {
		bad("canary: thresholds %v, expected error rate max 1 (%%) and p95 max 300 (ms)", limits)
	}
	hooks := map[string]string{}
	whs, _ := dig(a, "webhooks").([]any)
	for _, w := range whs {
		hooks[fmt.Sprint(dig(w, "type"))] = fmt.Sprint(dig(w, "url"))
		if dig(w, "metadata", "token") == nil {
			bad("canary: webhook %v sends no metadata.token, mlbot answers 401", dig(w, "name"))
		}
	}
	for typ, path := range map[string]string{"confirm-promotion": "/v1/flagger/gate", "rollback": "/v1/flagger/rollback", "event": "/v1/flagger/event"} {
		if hooks[typ] != "http://mlbot.mlgate.svc:8080"+path {
			bad("canary: %s webhook %q, expected mlbot's %s", typ, hooks[typ], path)
		}
	}
	return errs
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	return readK8s(t, dir)
}

func TestProgressiveManifests(t *testing.T) {
	for _, dir := range []string{"argo-rollouts", "flagger"} {
		t.Run(dir, func(t *testing.T) {
			objs, errs := checkProgressive(t, readDir(t, dir))
			for _, e := range errs {
				t.Error(e)
			}
			if dir == "argo-rollouts" {
				errs = checkArgo(objs)
			} else {
				errs = checkFlagger(objs)
			}
			for _, e := range errs {
				t.Error(e)
			}
		})
	}
}

// TestProgressiveManifestsCanFail breaks copies of the manifests in ways
// the schema and the checks must catch.
func TestProgressiveManifestsCanFail(t *testing.T) {
	cases := []struct {
		dir, file, old, new, want string
	}{
		{"argo-rollouts", "rollout.yaml", "setWeight: 25", "setWeigth: 25", "steps[4].setWeigth: unknown field"},
		{"argo-rollouts", "rollout.yaml", "replicas: 4", "replicas: four", `Rollout.spec.replicas: "four", expected an integer`},
		{"argo-rollouts", "rollout.yaml", "setWeight: 50", "setWeight: 60", "setWeight steps [5 10 25 60]"},
		{"argo-rollouts", "rollout.yaml", "- templateName: mlgate-promotion-approval", "- templateName: approval", "the last step is not"},
		{"argo-rollouts", "rollout.yaml", "containerPort: 8080", "containerPort: \"8080\"", "containerPort: \"8080\", expected an integer"},
		{"argo-rollouts", "analysis-canary-health.yaml", "failureLimit: 0", "failureLimit: [0]", "failureLimit: an array, expected an integer or a string"},
		{"argo-rollouts", "analysis-canary-health.yaml", "restartPolicy: Never", "restartPolicy: [Never]", "restartPolicy: an array, expected a string"},
		{"argo-rollouts", "analysis-canary-health.yaml", "max: 0.01", "max: 0.05", "expected error rate max 0.01"},
		{"argo-rollouts", "analysis-canary-health.yaml", "window: 5m", "windows: 5m", "unknown key"},
		{"argo-rollouts", "analysis-promotion-approval.yaml", "timeoutSeconds: 10", "timeoutSeconds: 10s", `timeoutSeconds: "10s", expected an integer`},
		{"argo-rollouts", "analysis-promotion-approval.yaml", "url: http://mlbot.mlgate.svc:8080/v1/argo/gate", "url: http://mlbot.mlgate.svc:8080/v1/argo/approve", "expected mlbot's /v1/argo/gate"},
		{"argo-rollouts", "analysis-promotion-approval.yaml", "consecutiveSuccessLimit: 1", "consecutiveSuccessLimit: 0", "consecutiveSuccessLimit 1"},
		{"argo-rollouts", "services.yaml", "targetPort: http", "targetPorts: http", "unknown field"},
		{"flagger", "canary.yaml", "type: confirm-promotion", "type: confirm-promote", `"confirm-promote" is not one of`},
		{"flagger", "canary.yaml", "interval: 1m\n    # Failed", "interval: 1h\n    # Failed", `"1h" does not match the pattern`},
		{"flagger", "canary.yaml", "    threshold: 2\n", "", "matches 0 of oneOf"},
		{"flagger", "canary.yaml", "progressDeadlineSeconds: 600", "progressDeadline: 600", "spec.progressDeadline: unknown field"},
		{"flagger", "canary.yaml", "stepWeights: [5, 10, 25, 50]", "stepWeights: [5, 10, 25, 75]", "stepWeights [5 10 25 75]"},
		{"flagger", "canary.yaml", "/v1/flagger/rollback", "/v1/flagger/rollbacks", "rollback webhook"},
		{"flagger", "metric-templates.yaml", "type: prometheus", "type: prom", `"prom" is not one of`},
	}
	orig := map[string]map[string][]byte{"argo-rollouts": readDir(t, "argo-rollouts"), "flagger": readDir(t, "flagger")}
	for _, tc := range cases {
		t.Run(tc.file+"/"+tc.new, func(t *testing.T) {
			files := map[string][]byte{}
			for k, v := range orig[tc.dir] {
				files[k] = v
			}
			broken := strings.Replace(string(files[tc.file]), tc.old, tc.new, 1)
			if broken == string(files[tc.file]) {
				t.Fatalf("%q not found in %s", tc.old, tc.file)
			}
			files[tc.file] = []byte(broken)
			objs, got := checkProgressive(t, files)
			if tc.dir == "argo-rollouts" {
				got = append(got, checkArgo(objs)...)
			} else {
				got = append(got, checkFlagger(objs)...)
			}
			if !slices.ContainsFunc(got, func(e string) bool { return strings.Contains(e, tc.want) }) {
				t.Fatalf("want an error containing %q, got %q", tc.want, got)
			}
		})
	}
}

// TestProgressiveWebhooksReachMlbot posts to the paths the manifests name
// on mlbot's real handler with a promotion token configured: each route
// exists and refuses a call without the token (401, not 404).
func TestProgressiveWebhooksReachMlbot(t *testing.T) {
	cfg, err := bot.Load([]byte(`store: {dsn: x.db}
auth: {alertmanager: {bearer_token: t}, promotion_token: p}
backends: {gitlab: {url: "https://gitlab.example/api/v4", token: x}}
slack: {bot_token: x, signing_secret: y, channel: C1, roles: {approve_rollback: {users: [U1]}, approve_promotion: {users: [U2]}}}
rules: [{name: r, matchers: ['a="b"'], actions: [{notify: {channel: C1, text: x}}]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	srv := intake.New(cfg, nil, nil, reg)
	srv.Promotions = promotionsStub{}
	h := srv.Handler(reg)
	for _, p := range []string{"/v1/flagger/gate", "/v1/flagger/rollback", "/v1/flagger/event", "/v1/argo/gate"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, p, strings.NewReader(`{"name":"recommender","namespace":"ml","checksum":"abc"}`)))
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("POST %s without the token: %d, want 401", p, rec.Code)
		}
	}
}

// promotionsStub is never called: the requests are refused before.
type promotionsStub struct{ intake.Promotions }

// TestProgressiveKubectl runs `kubectl create --dry-run=client` on the
// manifests against a discovery stand-in that serves Argo Rollouts' and
// Flagger's kinds besides the built-in ones.
func TestProgressiveKubectl(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed (Debian: kubernetes-client; .ci/install.d/kubectl.sh installs it)")
	}
	want := map[string][]string{
		"argo-rollouts": {"rollout.argoproj.io/recommender", "analysistemplate.argoproj.io/mlgate-canary-health",
			"analysistemplate.argoproj.io/mlgate-promotion-approval", "configmap/mlgate-canary", "service/recommender-stable", "service/recommender-canary"},
		"flagger": {"canary.flagger.app/recommender", "metrictemplate.flagger.app/mlgate-error-rate", "metrictemplate.flagger.app/mlgate-latency-p95"},
	}
	for dir, objs := range want {
		out, err := kubectlDryRun(t, kubectl, dir)
		if err != nil {
			t.Fatalf("kubectl create --dry-run=client -f %s: %v\n%s", dir, err, out)
		}
		for _, w := range objs {
			if !strings.Contains(out, w) {
				t.Errorf("kubectl did not create %s:\n%s", w, out)
			}
		}
	}
	bad := t.TempDir()
	writeFile(t, filepath.Join(bad, "bad.yaml"), "apiVersion: argoproj.io/v1alpha1\nkind: Rolout\nmetadata: {name: x, namespace: ml}\n")
	if out, err := kubectlDryRun(t, kubectl, bad); err == nil {
		t.Fatalf("kubectl accepted kind Rolout:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join("testdata", "crds", "README.md")); err != nil {
		t.Errorf("the CRDs' README (source, version, license): %v", err)
	}
}
