package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/runner"
	"gitlab.com/mlgate/mlgate/internal/mlflow"
	"gitlab.com/mlgate/mlgate/internal/promote"
	"gitlab.com/mlgate/mlgate/internal/report"
)

// PromotionFile is what promote writes into --out: the plan and whether
// it was applied.
const PromotionFile = "promotion.json"

// promoteFlags are promote's own flags.
type promoteFlags struct {
	in                     listFlag
	model, version, regVer string
	registry, trackingURI  string
	champion, previous     string
	dryRun, rollback       bool
}

// runPromote is `gate-runner promote`: the gate results in --in decide;
// a version that passed becomes champion (the old one previous) with its
// validation tags and description, one that failed is refused (exit 1)
// and recorded as failed; --rollback makes previous champion again.
func runPromote(ctx context.Context, m *Main, args []string) error {
	var c common
	var f promoteFlags
	fs := m.flagSet("promote", &c)
	fs.Var(&f.in, "in", "a directory (searched recursively) or results.json of the gate jobs; repeatable (default: the config's report.out, else mlgate-out)")
	fs.StringVar(&f.model, "model", "", "registered model name (default: the results' model, else the config's model.name)")
	fs.StringVar(&f.version, "version", "", "version name MODEL-vMAJOR.MINOR.PATCH (default: the results' model_version, else the config's model.version)")
	fs.StringVar(&f.regVer, "registry-version", "", "the version in the registry: MLflow's version number (needed with MLflow); GitLab's is MAJOR.MINOR.PATCH of the name")
	fs.StringVar(&f.registry, "registry", "", "mlflow or gitlab (default: gitlab when the tracking URI is GitLab's .../ml/mlflow or unset in GitLab CI, else mlflow)")
	fs.StringVar(&f.trackingURI, "tracking-uri", "", "MLflow tracking URI (default $MLFLOW_TRACKING_URI; for GitLab, $CI_API_V4_URL/projects/$CI_PROJECT_ID/ml/mlflow)")
	fs.StringVar(&f.champion, "alias", promote.Champion, "the alias a promotion moves to the version")
	fs.StringVar(&f.previous, "previous", promote.Previous, "the alias the old champion keeps")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print what would change and change nothing")
	fs.BoolVar(&f.rollback, "rollback", false, "make the previous version champion again (no results needed)")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if c.format != "table" && c.format != "json" {
		return gate.Input(fmt.Errorf("--format is %q, expected table or json", c.format))
	}
	cfg, err := c.loadConfig(false)
	if err != nil {
		return err
	}
	kind, reg, where, err := m.registry(&f)
	if err != nil {
		return err
	}
	aliases := promote.State{Champion: f.champion, Previous: f.previous}
	var p *promote.Plan
	if f.rollback {
		model := firstNonEmpty(f.model, cfg.Model.Name)
		if model == "" {
			return gate.Input(errors.New("no model: give --model NAME or model.name in the config"))
		}
		p, err = promote.PlanRollback(ctx, reg, model, aliases, firstNonEmpty(m.Getenv("CI_PIPELINE_URL"), "gate-runner promote --rollback"))
	} else {
		p, err = m.planPromotion(ctx, reg, kind, &f, &c, cfg.Model.Name, cfg.Model.Version, cfg.Report.Out, aliases)
	}
	if err != nil {
		return err
	}
	steps := reg.Steps(p)
	applied := false
	if !f.dryRun && len(steps) > 0 {
		if err := reg.Apply(ctx, p); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		applied = true
	}
	if err := m.printPromotion(&c, p, where, steps, f.dryRun, applied); err != nil {
		return err
	}
	if !p.Passed {
		fmt.Fprintf(m.Stderr, "gate-runner promote: refused: %s is not promoted: %s\n", p.VersionName, p.Summary)
		return gate.ErrFailed
	}
	return nil
}

// planPromotion reads the gate results and names the version.
func (m *Main) planPromotion(ctx context.Context, reg promote.Registry, kind string, f *promoteFlags, c *common, cfgModel, cfgVersion, cfgOut string, aliases promote.State) (*promote.Plan, error) {
	in := []string(f.in)
	if len(in) == 0 {
		in = []string{firstNonEmpty(c.out, cfgOut, "mlgate-out")}
	}
	files, err := runner.FindResults(in)
	if err != nil {
		return nil, err
	}
	if err := sameVersion(files); err != nil {
		return nil, err
	}
	r, err := runner.MergeResults(files)
	if err != nil {
		return nil, err
	}
	if r.Lineage == nil {
		r.Lineage = &gate.Lineage{}
	}
	r.Lineage.Pipeline = firstNonEmpty(r.Lineage.Pipeline, m.Getenv("CI_PIPELINE_URL"))
	r.Lineage.Commit = firstNonEmpty(r.Lineage.Commit, m.Getenv("CI_COMMIT_SHA"))
	model := firstNonEmpty(f.model, r.Model, cfgModel)
	name := firstNonEmpty(f.version, r.ModelVersion, cfgVersion)
	if model == "" {
		return nil, gate.Input(errors.New("no model: give --model NAME, or model.name in the config"))
	}
	if name == "" {
		return nil, gate.Input(errors.New("no version name: give --version MODEL-vMAJOR.MINOR.PATCH, or model.version in the config"))
	}
	semver, err := promote.CheckName(model, name)
	if err != nil {
		return nil, err
	}
	regVer := f.regVer
	if regVer == "" {
		if kind != "gitlab" {
			return nil, gate.Input(fmt.Errorf("no --registry-version: MLflow numbers the versions of %s 1, 2, 3…; give the number its registration returned", model))
		}
		regVer = semver
	}
	return promote.PlanPromotion(ctx, reg, promote.Request{Model: model, Version: regVer, VersionName: name, Report: r, Aliases: aliases})
}

// sameVersion returns an input error when two results files judged
// different model versions: promoting on their merge would promote a
// version some gates never saw.
func sameVersion(files []string) error {
	first, firstFile := "", ""
	for _, f := range files {
		r, err := report.ReadJSON(f)
		if err != nil {
			return err
		}
		if r.ModelVersion == "" {
			continue
		}
		if first == "" {
			first, firstFile = r.ModelVersion, f
			continue
		}
		if r.ModelVersion != first {
			return gate.Input(fmt.Errorf("%s judged %s but %s judged %s: the gates must judge one version (model.version in every config)", firstFile, first, f, r.ModelVersion))
		}
	}
	return nil
}

var gitlabTracking = regexp.MustCompile(`/api/v4/projects/[^/]+/ml/mlflow/?$`)

// registry builds the registry client from the flags and environment:
// its kind, the registry and where it is (for messages; no token in it).
func (m *Main) registry(f *promoteFlags) (string, promote.Registry, string, error) {
	uri := firstNonEmpty(f.trackingURI, m.Getenv("MLFLOW_TRACKING_URI"))
	kind := f.registry
	switch kind {
	case "":
		kind = "mlflow"
		if gitlabTracking.MatchString(uri) || (uri == "" && m.Getenv("CI_API_V4_URL") != "") {
			kind = "gitlab"
		}
	case "mlflow", "gitlab":
	default:
		return "", nil, "", gate.Input(fmt.Errorf("--registry is %q, expected mlflow or gitlab", kind))
	}
	if kind == "gitlab" && (uri == "" || !gitlabTracking.MatchString(uri)) {
		api, project := m.Getenv("CI_API_V4_URL"), m.Getenv("CI_PROJECT_ID")
		if api == "" || project == "" {
			return "", nil, "", gate.Input(errors.New("GitLab's model registry needs CI_API_V4_URL and CI_PROJECT_ID (set in GitLab CI), or --tracking-uri .../api/v4/projects/ID/ml/mlflow"))
		}
		uri = strings.TrimRight(api, "/") + "/projects/" + url.PathEscape(project) + "/ml/mlflow"
	}
	if uri == "" {
		return "", nil, "", gate.Input(errors.New("no model registry: set MLFLOW_TRACKING_URI or --tracking-uri, or run in GitLab CI for its model registry"))
	}
	if u, err := url.Parse(uri); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", nil, "", gate.Input(fmt.Errorf("tracking URI %q is not an http(s) URL", redactURL(uri)))
	}
	c := &mlflow.Client{BaseURL: uri}
	if kind == "gitlab" {
		c.Token = firstNonEmpty(m.Getenv("MLFLOW_TRACKING_TOKEN"), m.Getenv("MLGATE_GITLAB_TOKEN"), m.Getenv("GITLAB_TOKEN"), m.Getenv("CI_JOB_TOKEN"))
		return kind, &promote.GitLabRegistry{Client: c}, "GitLab model registry at " + redactURL(uri), nil
	}
	c.Token = m.Getenv("MLFLOW_TRACKING_TOKEN")
	c.Username, c.Password = m.Getenv("MLFLOW_TRACKING_USERNAME"), m.Getenv("MLFLOW_TRACKING_PASSWORD")
	return kind, &promote.MLflowRegistry{Client: c}, "MLflow at " + redactURL(uri), nil
}

// redactURL drops user information from a URL for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = nil
	return u.String()
}

// printPromotion prints the plan as a table or JSON and writes
// promotion.json into --out when it is given.
func (m *Main) printPromotion(c *common, p *promote.Plan, where string, steps []string, dryRun, applied bool) error {
	rec := struct {
		*promote.Plan
		Registry string   `json:"registry"`
		Steps    []string `json:"steps"`
		DryRun   bool     `json:"dry_run"`
		Applied  bool     `json:"applied"`
	}{p, where, steps, dryRun, applied}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if c.out != "" {
		if err := os.MkdirAll(c.out, 0o755); err != nil {
			return fmt.Errorf("--out %s: %w", c.out, err)
		}
		if err := os.WriteFile(filepath.Join(c.out, PromotionFile), b, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", PromotionFile, err)
		}
	}
	if c.format == "json" {
		_, err := m.Stdout.Write(b)
		return err
	}
	w := m.Stdout
	switch {
	case p.Rollback:
		fmt.Fprintf(w, "Rollback of %s in %s: %s\n", p.Model, where, p.Summary)
	case p.Passed:
		fmt.Fprintf(w, "Promote %s (version %s of %s) in %s: %s\n", p.VersionName, p.Version, p.Model, where, p.Summary)
	default:
		fmt.Fprintf(w, "Refuse %s (version %s of %s) in %s: %s\n", p.VersionName, p.Version, p.Model, where, p.Summary)
	}
	fmt.Fprintf(w, "  %s: version %s, %s: version %s\n", p.Aliases.Champion, orNone(p.Before.Champion), p.Aliases.Previous, orNone(p.Before.Previous))
	for _, s := range steps {
		fmt.Fprintf(w, "  %s\n", s)
	}
	switch {
	case len(steps) == 0:
		fmt.Fprintln(w, "Nothing to change.")
	case dryRun:
		fmt.Fprintln(w, "Dry run: nothing was changed.")
	default:
		fmt.Fprintf(w, "Done: %d changes.\n", len(steps))
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
