package promote

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/mlflow"
	"gitlab.com/mlgate/mlgate/internal/mlflow/mlflowtest"
)

func report(statuses ...string) *gate.Report {
	r := &gate.Report{Model: "recommender", ModelVersion: "recommender-v1.5.0",
		Lineage: &gate.Lineage{Commit: "abc123", Pipeline: "https://gitlab.example.com/ml/rec/-/pipelines/77"}}
	names := []string{"tests", "data", "compare"}
	for i, s := range statuses {
		r.Add(gate.Result{Gate: names[i], Status: gate.Status(s), Summary: names[i] + " summary"})
	}
	return r
}

func TestCheckName(t *testing.T) {
	cases := []struct{ model, name, semver, err string }{
		{"recommender", "recommender-v1.5.0", "1.5.0", ""},
		{"recommender", "recommender-v2.0.1-rc.1", "2.0.1-rc.1", ""},
		{"", "ranker-v0.1.0", "0.1.0", ""},
		{"recommender", "recommender-1.5.0", "", `version name "recommender-1.5.0" does not follow MODEL-vMAJOR.MINOR.PATCH (e.g. recommender-v1.4.0)`},
		{"recommender", "v1.5", "", `version name "v1.5" does not follow MODEL-vMAJOR.MINOR.PATCH (e.g. recommender-v1.4.0)`},
		{"recommender", "ranker-v1.5.0", "", `version name "ranker-v1.5.0" is not a version of model "recommender" (expected recommender-vMAJOR.MINOR.PATCH)`},
	}
	for _, c := range cases {
		got, err := CheckName(c.model, c.name)
		if c.err == "" && (err != nil || got != c.semver) {
			t.Errorf("%s: %q %v", c.name, got, err)
		}
		if c.err != "" && (err == nil || err.Error() != c.err || !errors.Is(err, gate.ErrInput)) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.err)
		}
	}
}

func TestVerdict(t *testing.T) {
	cases := []struct {
		statuses []string
		passed   bool
		summary  string
	}{
		{[]string{"pass", "pass", "warn"}, true, "gates tests pass, data pass, compare warn"},
		{[]string{"pass", "skip"}, true, "gates tests pass, data skip"},
		{[]string{"pass", "fail", "fail"}, false, "gates tests pass, data fail, compare fail; failed: data: data summary; compare: compare summary"},
		{[]string{"skip"}, false, "gates tests skip; none passed"},
	}
	for _, c := range cases {
		passed, summary, err := Verdict(report(c.statuses...))
		if err != nil || passed != c.passed || summary != c.summary {
			t.Errorf("%v: %v %q %v", c.statuses, passed, summary, err)
		}
	}
	if _, _, err := Verdict(&gate.Report{}); !errors.Is(err, gate.ErrInput) {
		t.Errorf("no gates: %v", err)
	}
}

func newMLflow(t *testing.T) (*mlflowtest.Registry, *MLflowRegistry) {
	reg := mlflowtest.New(t, mlflowtest.Options{Token: "s3cret-token"})
	for _, v := range []string{"6", "7", "8"} {
		reg.AddVersion("recommender", v, map[string]string{"origin": "train"})
	}
	reg.PutAlias("recommender", "champion", "7")
	reg.PutAlias("recommender", "previous", "6")
	return reg, &MLflowRegistry{Client: &mlflow.Client{BaseURL: reg.URL(), Token: "s3cret-token"}}
}

// TestPromoteMLflow: a passing version becomes champion, the old
// champion previous, the version carries the validation tags and
// description; a second run changes no alias.
func TestPromoteMLflow(t *testing.T) {
	ctx := context.Background()
	fake, reg := newMLflow(t)
	req := Request{Model: "recommender", Version: "8", VersionName: "recommender-v1.5.0", Report: report("pass", "pass", "warn")}
	p, err := PlanPromotion(ctx, reg, req)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Passed || p.Before != (State{"7", "6"}) || p.After != (State{"8", "7"}) {
		t.Fatalf("plan %+v", p)
	}
	if len(fake.Writes()) != 0 {
		t.Fatalf("planning wrote: %v", fake.Writes())
	}
	steps := reg.Steps(p)
	if want := "set alias previous: version 6 → 7"; steps[len(steps)-2] != want || steps[len(steps)-1] != "set alias champion: version 7 → 8" {
		t.Errorf("steps %q", steps)
	}
	if err := reg.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	if fake.Alias("recommender", "champion") != "8" || fake.Alias("recommender", "previous") != "7" {
		t.Errorf("aliases champion %s previous %s", fake.Alias("recommender", "champion"), fake.Alias("recommender", "previous"))
	}
	wantTags := map[string]string{"origin": "train", "validation_status": "passed", "mlgate.version_name": "recommender-v1.5.0",
		"mlgate.gate.tests": "pass", "mlgate.gate.data": "pass", "mlgate.gate.compare": "warn",
		"mlgate.pipeline_url": "https://gitlab.example.com/ml/rec/-/pipelines/77", "mlgate.commit": "abc123"}
	if got := fake.Tags("recommender", "8"); !reflect.DeepEqual(got, wantTags) {
		t.Errorf("tags %v\nwant %v", got, wantTags)
	}
	wantDesc := "<!-- mlgate:validation -->\nrecommender-v1.5.0: validation passed (gates tests pass, data pass, compare warn) in https://gitlab.example.com/ml/rec/-/pipelines/77\n<!-- /mlgate:validation -->"
	if got := fake.VersionDescription("recommender", "8"); got != wantDesc {
		t.Errorf("description %q", got)
	}
	writes := fake.Writes()
	if last := writes[len(writes)-1]; last != `POST /api/2.0/mlflow/registered-models/alias {"alias":"champion","name":"recommender","version":"8"}` {
		t.Errorf("last write %s", last)
	}
	for _, q := range fake.Requests() {
		if q.Auth != "Bearer s3cret-token" {
			t.Errorf("%s %s: auth %q", q.Method, q.Path, q.Auth)
		}
	}
	// Again: already champion, the aliases stay.
	p, err = PlanPromotion(ctx, reg, req)
	if err != nil || p.After != p.Before || len(aliasSteps(p)) != 0 {
		t.Fatalf("second plan %+v %v", p, err)
	}
}

// TestRefusedMLflow: failed gates write validation_status=failed and move
// no alias.
func TestRefusedMLflow(t *testing.T) {
	ctx := context.Background()
	fake, reg := newMLflow(t)
	p, err := PlanPromotion(ctx, reg, Request{Model: "recommender", Version: "8", VersionName: "recommender-v1.5.0", Report: report("pass", "fail")})
	if err != nil {
		t.Fatal(err)
	}
	if p.Passed || p.After != p.Before {
		t.Fatalf("plan %+v", p)
	}
	if err := reg.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	if fake.Tags("recommender", "8")["validation_status"] != "failed" || fake.Tags("recommender", "8")["mlgate.gate.data"] != "fail" {
		t.Errorf("tags %v", fake.Tags("recommender", "8"))
	}
	for _, w := range fake.Writes() {
		if strings.Contains(w, "registered-models/alias") {
			t.Errorf("a refused promotion moved an alias: %s", w)
		}
	}
}

func TestMissingVersion(t *testing.T) {
	_, reg := newMLflow(t)
	_, err := PlanPromotion(context.Background(), reg, Request{Model: "recommender", Version: "9", VersionName: "recommender-v1.5.0", Report: report("pass")})
	if !errors.Is(err, gate.ErrInput) || err.Error() != "the registry has no version 9 of model recommender (register the model version before promoting it)" {
		t.Errorf("%v", err)
	}
}

// TestRollbackMLflow: previous becomes champion, previous is dropped and
// the demoted version says it was rolled back; a second rollback has
// nothing to return to.
func TestRollbackMLflow(t *testing.T) {
	ctx := context.Background()
	fake, reg := newMLflow(t)
	p, err := PlanRollback(ctx, reg, "recommender", State{}, "https://gitlab.example.com/ml/rec/-/pipelines/80")
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	if fake.Alias("recommender", "champion") != "6" || fake.Alias("recommender", "previous") != "" {
		t.Errorf("champion %q previous %q", fake.Alias("recommender", "champion"), fake.Alias("recommender", "previous"))
	}
	if fake.Tags("recommender", "7")["mlgate.rolled_back"] != "https://gitlab.example.com/ml/rec/-/pipelines/80" {
		t.Errorf("tags of 7: %v", fake.Tags("recommender", "7"))
	}
	_, err = PlanRollback(ctx, reg, "recommender", State{}, "")
	if !errors.Is(err, gate.ErrInput) || err.Error() != `model recommender has no "previous" version to roll back to (champion: 6)` {
		t.Errorf("second rollback: %v", err)
	}
}

// TestGitLabRegistry: the same promotion on GitLab's API writes the
// descriptions (no alias or tag route is called), keeps what people
// wrote in them, and a rollback reads the aliases block back.
func TestGitLabRegistry(t *testing.T) {
	ctx := context.Background()
	fake := mlflowtest.New(t, mlflowtest.Options{GitLab: true, Project: "42", Token: "glpat-xyz"})
	fake.AddVersion("recommender", "1.4.0", nil)
	fake.AddVersion("recommender", "1.5.0", nil)
	fake.PutModelDescription("recommender", "Ranks items for the home page.")
	reg := &GitLabRegistry{Client: &mlflow.Client{BaseURL: fake.URL(), Token: "glpat-xyz"}}
	promote := func(ver string) {
		t.Helper()
		r := report("pass", "pass")
		r.ModelVersion = "recommender-v" + ver
		p, err := PlanPromotion(ctx, reg, Request{Model: "recommender", Version: ver, VersionName: r.ModelVersion, Report: r})
		if err != nil {
			t.Fatal(err)
		}
		if err := reg.Apply(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	promote("1.4.0")
	promote("1.5.0")
	wantModel := "Ranks items for the home page.\n\n<!-- mlgate:aliases -->\n- `champion`: 1.5.0\n- `previous`: 1.4.0\n<!-- /mlgate:aliases -->"
	if got := fake.ModelDescription("recommender"); got != wantModel {
		t.Errorf("model description %q", got)
	}
	desc := fake.VersionDescription("recommender", "1.5.0")
	for _, want := range []string{"recommender-v1.5.0: validation passed (gates tests pass, data pass)", "- `validation_status`: passed", "- `mlgate.gate.data`: pass", "- `mlgate.pipeline_url`: https://gitlab.example.com/ml/rec/-/pipelines/77"} {
		if !strings.Contains(desc, want) {
			t.Errorf("version description lacks %q:\n%s", want, desc)
		}
	}
	for _, q := range fake.Requests() {
		if strings.Contains(q.Path, "alias") || strings.Contains(q.Path, "tag") {
			t.Errorf("called %s %s, which GitLab does not serve", q.Method, q.Path)
		}
	}
	p, err := PlanRollback(ctx, reg, "recommender", State{}, "pipeline 81")
	if err != nil {
		t.Fatal(err)
	}
	if err := reg.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got := fake.ModelDescription("recommender"); !strings.HasSuffix(got, "<!-- mlgate:aliases -->\n- `champion`: 1.4.0\n<!-- /mlgate:aliases -->") {
		t.Errorf("after rollback: %q", got)
	}
	desc = fake.VersionDescription("recommender", "1.5.0")
	if !strings.Contains(desc, "- `mlgate.rolled_back`: pipeline 81") || !strings.Contains(desc, "- `validation_status`: passed") || !strings.Contains(desc, "recommender-v1.5.0: validation passed") {
		t.Errorf("demoted version's description: %q", desc)
	}
}

func TestBlocks(t *testing.T) {
	s := setBlock("", "x", "a")
	if s != "<!-- mlgate:x -->\na\n<!-- /mlgate:x -->" {
		t.Errorf("%q", s)
	}
	s = setBlock("intro\n"+s+"\noutro", "x", "b")
	if s != "intro\n<!-- mlgate:x -->\nb\n<!-- /mlgate:x -->\noutro" {
		t.Errorf("%q", s)
	}
	if b, ok := getBlock(s, "x"); !ok || b != "b" {
		t.Errorf("%q %v", b, ok)
	}
	if _, ok := getBlock("<!-- mlgate:x --> no end", "x"); ok {
		t.Error("unterminated block read")
	}
}
