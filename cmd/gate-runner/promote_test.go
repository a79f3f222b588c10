package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/mlflow/mlflowtest"
)

const promoteToken = "mlflow-s3cret-9f2c"

// gateResults runs the compare gate for recommender-v1.5.0 and returns
// its output directory: passing with p5 0.24 against 0.25, failing with
// 0.2.
func gateResults(t *testing.T, p5 string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := mustWrite(t, dir, "mlgate.yml", "model: {name: recommender, version: recommender-v1.5.0}\n")
	base := mustWrite(t, dir, "prod.json", `{"precision@5": 0.25}`)
	cand := mustWrite(t, dir, "cand.json", `{"precision@5": `+p5+`}`)
	out := filepath.Join(dir, "mlgate-out")
	env := map[string]string{"CI_COMMIT_SHA": "abc123", "CI_PIPELINE_URL": "https://gitlab.example.com/ml/rec/-/pipelines/77"}
	code, _, stderr := runMain(t, env, "compare", "-c", cfg, "--candidate", cand, "--baseline", base, "--rule", "precision@5:min_ratio=0.95", "--out", out)
	if want := map[string]int{"0.24": 0, "0.2": 1}[p5]; code != want {
		t.Fatalf("compare: exit %d, want %d: %s", code, want, stderr)
	}
	return out
}

func mlflowFake(t *testing.T) (*mlflowtest.Registry, map[string]string) {
	fake := mlflowtest.New(t, mlflowtest.Options{Token: promoteToken})
	for _, v := range []string{"6", "7", "8"} {
		fake.AddVersion("recommender", v, nil)
	}
	fake.PutAlias("recommender", "champion", "7")
	fake.PutAlias("recommender", "previous", "6")
	return fake, map[string]string{"MLFLOW_TRACKING_URI": fake.URL(), "MLFLOW_TRACKING_TOKEN": promoteToken}
}

// noToken fails when the token is in any of the outputs.
func noToken(t *testing.T, token string, outs ...string) {
	t.Helper()
	for _, o := range outs {
		if strings.Contains(o, token) {
			t.Errorf("the token was printed:\n%s", o)
		}
	}
}

// TestPromoteMLflow is the case against MLflow's REST API: the
// alias moves, the tags are set, previous is kept; the token is never
// printed.
func TestPromoteMLflow(t *testing.T) {
	results := gateResults(t, "0.24")
	fake, env := mlflowFake(t)
	out := t.TempDir()

	code, stdout, stderr := runMain(t, env, "promote", "--in", results, "--registry-version", "8", "--dry-run")
	if code != 0 || !strings.Contains(stdout, "set alias champion: version 7 → 8") || !strings.Contains(stdout, "Dry run: nothing was changed.") {
		t.Fatalf("dry run: exit %d %s\n%s", code, stderr, stdout)
	}
	if w := fake.Writes(); len(w) != 0 {
		t.Fatalf("dry run wrote %v", w)
	}
	noToken(t, promoteToken, stdout, stderr)

	code, stdout, stderr = runMain(t, env, "promote", "--in", results, "--registry-version", "8", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d %s\n%s", code, stderr, stdout)
	}
	noToken(t, promoteToken, stdout, stderr)
	if fake.Alias("recommender", "champion") != "8" || fake.Alias("recommender", "previous") != "7" {
		t.Errorf("champion %s previous %s", fake.Alias("recommender", "champion"), fake.Alias("recommender", "previous"))
	}
	tags := fake.Tags("recommender", "8")
	for k, v := range map[string]string{"validation_status": "passed", "mlgate.gate.compare": "pass", "mlgate.version_name": "recommender-v1.5.0",
		"mlgate.pipeline_url": "https://gitlab.example.com/ml/rec/-/pipelines/77", "mlgate.commit": "abc123"} {
		if tags[k] != v {
			t.Errorf("tag %s = %q, want %q", k, tags[k], v)
		}
	}
	if !strings.Contains(fake.VersionDescription("recommender", "8"), "recommender-v1.5.0: validation passed (gates compare pass)") {
		t.Errorf("description %q", fake.VersionDescription("recommender", "8"))
	}
	var rec struct {
		Applied bool `json:"applied"`
		After   struct{ Champion, Previous string }
	}
	b := readFile(t, filepath.Join(out, "promotion.json"))
	if err := json.Unmarshal([]byte(b), &rec); err != nil || !rec.Applied || rec.After.Champion != "8" || rec.After.Previous != "7" {
		t.Errorf("promotion.json: %v %s", err, b)
	}
	noToken(t, promoteToken, b)

	// Rollback: previous (7) is champion again.
	code, stdout, stderr = runMain(t, env, "promote", "--rollback", "--model", "recommender")
	if code != 0 || fake.Alias("recommender", "champion") != "7" || fake.Alias("recommender", "previous") != "" {
		t.Errorf("rollback: exit %d %s\n%s; champion %s", code, stderr, stdout, fake.Alias("recommender", "champion"))
	}
	if fake.Tags("recommender", "8")["mlgate.rolled_back"] == "" {
		t.Errorf("the demoted version has no rolled-back tag: %v", fake.Tags("recommender", "8"))
	}
	noToken(t, promoteToken, stdout, stderr)
	code, _, stderr = runMain(t, env, "promote", "--rollback", "--model", "recommender")
	if code != 2 || stderr != "gate-runner promote: model recommender has no \"previous\" version to roll back to (champion: 7)\n" {
		t.Errorf("second rollback: exit %d %q", code, stderr)
	}
}

// TestPromoteRefused: a failed gate refuses with exit 1 and one line,
// records validation_status=failed and moves no alias.
func TestPromoteRefused(t *testing.T) {
	results := gateResults(t, "0.2")
	fake, env := mlflowFake(t)
	code, stdout, stderr := runMain(t, env, "promote", "--in", results, "--registry-version", "8")
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if code != 1 || len(lines) != 1 || !strings.HasPrefix(lines[0], "gate-runner promote: refused: recommender-v1.5.0 is not promoted: gates compare fail; failed: compare: ") {
		t.Fatalf("exit %d, stderr %q\n%s", code, stderr, stdout)
	}
	if fake.Alias("recommender", "champion") != "7" || fake.Alias("recommender", "previous") != "6" {
		t.Errorf("aliases moved: champion %s previous %s", fake.Alias("recommender", "champion"), fake.Alias("recommender", "previous"))
	}
	if fake.Tags("recommender", "8")["validation_status"] != "failed" {
		t.Errorf("tags %v", fake.Tags("recommender", "8"))
	}
	noToken(t, promoteToken, stdout, stderr)
}

// TestPromoteBadInput: a wrong version name, a missing registry version,
// a missing registry and a rejected token each get one line and exit 2,
// and the token is never printed.
func TestPromoteBadInput(t *testing.T) {
	results := gateResults(t, "0.24")
	fake, env := mlflowFake(t)
	wrongTok := map[string]string{"MLFLOW_TRACKING_URI": fake.URL(), "MLFLOW_TRACKING_TOKEN": "wrong-" + promoteToken}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		line string
	}{
		{"version name", env, []string{"--in", results, "--version", "recommender-1.5", "--registry-version", "8"}, `version name "recommender-1.5" does not follow MODEL-vMAJOR.MINOR.PATCH (e.g. recommender-v1.4.0)`},
		{"other model", env, []string{"--in", results, "--version", "ranker-v1.0.0", "--registry-version", "8"}, `version name "ranker-v1.0.0" is not a version of model "recommender" (expected recommender-vMAJOR.MINOR.PATCH)`},
		{"no registry version", env, []string{"--in", results}, "no --registry-version: MLflow numbers the versions of recommender 1, 2, 3…; give the number its registration returned"},
		{"unknown version", env, []string{"--in", results, "--registry-version", "99"}, "the registry has no version 99 of model recommender (register the model version before promoting it)"},
		{"no registry", nil, []string{"--in", results, "--registry-version", "8"}, "no model registry: set MLFLOW_TRACKING_URI or --tracking-uri, or run in GitLab CI for its model registry"},
		{"no results", env, []string{"--in", t.TempDir(), "--registry-version", "8"}, "no results.json found"},
		{"wrong token", wrongTok, []string{"--in", results, "--registry-version", "8"}, "HTTP 401: invalid credentials: Bearer [secret]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runMain(t, c.env, append([]string{"promote"}, c.args...)...)
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], c.line) {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line with %q", code, stderr, c.line)
			}
			noToken(t, promoteToken, stdout, stderr)
		})
	}
	if w := fake.Writes(); len(w) != 0 {
		t.Errorf("bad input wrote %v", w)
	}
}

// TestPromoteOneVersion: results of gates that judged different versions
// are not promoted.
func TestPromoteOneVersion(t *testing.T) {
	a, b := gateResults(t, "0.24"), gateResults(t, "0.24")
	res := filepath.Join(b, "results.json")
	if err := os.WriteFile(res, []byte(strings.Replace(readFile(t, res), `"recommender-v1.5.0"`, `"recommender-v1.4.0"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, env := mlflowFake(t)
	code, _, stderr := runMain(t, env, "promote", "--in", a, "--in", b, "--registry-version", "8")
	if code != 2 || !strings.Contains(stderr, "judged recommender-v1.5.0 but ") || !strings.Contains(stderr, "judged recommender-v1.4.0: the gates must judge one version") {
		t.Errorf("exit %d %s", code, stderr)
	}
}

// TestPromoteGitLab: the GitLab registry path against a server that
// records every request: the paths under the project's MLflow API, the
// methods, the JSON bodies and the bearer token from CI_JOB_TOKEN.
func TestPromoteGitLab(t *testing.T) {
	results := gateResults(t, "0.24")
	const jobToken = "glcbt-64_job-token-xyz"
	fake := mlflowtest.New(t, mlflowtest.Options{GitLab: true, Project: "1234", Token: jobToken})
	fake.AddVersion("recommender", "1.4.0", nil)
	fake.AddVersion("recommender", "1.5.0", nil)
	fake.PutModelDescription("recommender", "<!-- mlgate:aliases -->\n- `champion`: 1.4.0\n<!-- /mlgate:aliases -->")
	env := map[string]string{"CI_API_V4_URL": fake.APIv4(), "CI_PROJECT_ID": "1234", "CI_JOB_TOKEN": jobToken,
		"CI_PIPELINE_URL": "https://gitlab.example.com/ml/rec/-/pipelines/78"}
	code, stdout, stderr := runMain(t, env, "promote", "--in", results)
	if code != 0 {
		t.Fatalf("exit %d %s\n%s", code, stderr, stdout)
	}
	noToken(t, jobToken, stdout, stderr)
	const api = "/api/v4/projects/1234/ml/mlflow/api/2.0/mlflow/"
	versionDesc := "<!-- mlgate:validation -->\nrecommender-v1.5.0: validation passed (gates compare pass) in https://gitlab.example.com/ml/rec/-/pipelines/77\n\n" +
		"- `validation_status`: passed\n- `mlgate.version_name`: recommender-v1.5.0\n- `mlgate.gate.compare`: pass\n" +
		"- `mlgate.pipeline_url`: https://gitlab.example.com/ml/rec/-/pipelines/77\n- `mlgate.commit`: abc123\n<!-- /mlgate:validation -->"
	modelDesc := "<!-- mlgate:aliases -->\n- `champion`: 1.5.0\n- `previous`: 1.4.0\n<!-- /mlgate:aliases -->"
	want := []struct {
		method, path, query string
		body                map[string]string
	}{
		{"GET", api + "model-versions/get", "name=recommender&version=1.5.0", nil},
		{"GET", api + "registered-models/get", "name=recommender", nil},
		{"GET", api + "model-versions/get", "name=recommender&version=1.5.0", nil},
		{"PATCH", api + "model-versions/update", "", map[string]string{"name": "recommender", "version": "1.5.0", "description": versionDesc}},
		{"GET", api + "registered-models/get", "name=recommender", nil},
		{"PATCH", api + "registered-models/update", "", map[string]string{"name": "recommender", "description": modelDesc}},
	}
	got := fake.Requests()
	if len(got) != len(want) {
		t.Fatalf("%d requests, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Method != w.method || g.URLPath != w.path || g.Query != w.query || g.Auth != "Bearer "+jobToken {
			t.Errorf("request %d: %s %s?%s auth %q; want %s %s?%s", i, g.Method, g.URLPath, g.Query, g.Auth, w.method, w.path, w.query)
		}
		if w.body != nil {
			var body map[string]string
			if err := json.Unmarshal([]byte(g.Body), &body); err != nil || len(body) != len(w.body) {
				t.Errorf("request %d body %s", i, g.Body)
			}
			for k, v := range w.body {
				if body[k] != v {
					t.Errorf("request %d: %s = %q\nwant %q", i, k, body[k], v)
				}
			}
		}
	}
}

func TestPromoteHelp(t *testing.T) {
	code, stdout, _ := runMain(t, nil, "promote", "-h")
	for _, f := range []string{"-dry-run", "-rollback", "-registry-version", "-in", "-version"} {
		if code != 0 || !strings.Contains(stdout, "\n  "+f) {
			t.Errorf("promote -h lacks %s: %s", f, stdout)
		}
	}
	code, _, stderr := runMain(t, nil, "promte")
	if code != 2 || !strings.Contains(stderr, "did you mean promote?") {
		t.Errorf("promte: %d %s", code, stderr)
	}
	if _, err := os.Stat("promotion.json"); err == nil {
		t.Error("promote wrote promotion.json into the working directory")
	}
}
