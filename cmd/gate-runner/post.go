package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/forge/github"
	"gitlab.com/mlgate/mlgate/internal/forge/gitlab"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/lineage"
	"gitlab.com/mlgate/mlgate/internal/report"
)

// The forge adapters are what report.Post posts to.
var (
	_ report.Forge         = (*gitlab.Poster)(nil)
	_ report.ImageUploader = (*gitlab.Poster)(nil)
	_ report.Forge         = (*github.Poster)(nil)
)

// postFlags are the flags of commands that can post their report.
type postFlags struct {
	post   bool
	params string
}

func (p *postFlags) bind(fs *flag.FlagSet) {
	fs.BoolVar(&p.post, "post", false, "post the report: one sticky comment on the merge/pull request and a commit status per gate (GitLab CI or GitHub Actions)")
	fs.StringVar(&p.params, "params", "params.yaml", "training parameters recorded in the report's lineage (skipped when absent)")
}

// forge says which CI system the job runs in: "gitlab", "github" or "".
func (m *Main) forge() string {
	switch {
	case m.Getenv("CI_API_V4_URL") != "" || m.Getenv("GITLAB_CI") == "true":
		return "gitlab"
	case m.Getenv("GITHUB_REPOSITORY") != "" || m.Getenv("GITHUB_ACTIONS") == "true":
		return "github"
	}
	return ""
}

// markdownOptions links report.md to the pipeline, the job and the HTML
// report in the job's artifacts under out.
func (m *Main) markdownOptions(out string) report.MarkdownOptions {
	switch m.forge() {
	case "gitlab":
		o := report.MarkdownOptions{PipelineURL: m.Getenv("CI_PIPELINE_URL"), JobURL: m.Getenv("CI_JOB_URL")}
		if o.JobURL != "" && out != "" && !path.IsAbs(out) {
			o.HTMLURL = o.JobURL + "/artifacts/file/" + path.Clean(strings.ReplaceAll(out, "\\", "/")) + "/" + report.HTMLFile
		}
		return o
	case "github":
		if e, err := github.EnvFromActions(m.Getenv); err == nil || e.RunURL != "" {
			// The run's page lists its artifacts, report.html among them.
			return report.MarkdownOptions{PipelineURL: e.RunURL, HTMLURL: e.RunURL}
		}
	}
	return report.MarkdownOptions{}
}

// addLineage records the commit, the data files the config names and the
// training parameters, keeping what the report already has.
func (m *Main) addLineage(r *gate.Report, cfg *config.Config, params string) error {
	base := gate.Lineage{}
	if r.Lineage != nil {
		base = *r.Lineage
	}
	if base.Commit == "" {
		base.Commit = firstNonEmpty(m.Getenv("CI_COMMIT_SHA"), m.Getenv("GITHUB_SHA"))
	}
	if base.Pipeline == "" {
		base.Pipeline = m.Getenv("CI_PIPELINE_URL")
	}
	if base.Job == "" {
		base.Job = m.Getenv("CI_JOB_URL")
	}
	var files []string
	if len(base.Files) == 0 {
		files = lineage.ConfigFiles(cfg.Gates)
	}
	if len(base.Params) > 0 {
		params = ""
	}
	l, err := lineage.Collect(base, files, params)
	if err != nil {
		return err
	}
	if l.Commit == "" && len(l.Files) == 0 && len(l.Params) == 0 && l.Pipeline == "" {
		return nil
	}
	r.Lineage = l
	return nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// finishAndPost writes the outputs and, with --post, posts the report. A
// failed gate stays exit 1 even when posting fails too (the posting error
// is printed); otherwise a posting error is the command's error.
func (m *Main) finishAndPost(ctx context.Context, c *common, cfg *config.Config, r *gate.Report, p postFlags) error {
	err := m.finish(c, cfg, r)
	if !p.post || (err != nil && !errors.Is(err, gate.ErrFailed)) {
		return err
	}
	out := c.out
	if out == "" {
		out = cfg.Report.Out
	}
	log := m.Stdout
	if c.format == "json" {
		log = m.Stderr
	}
	if perr := m.post(ctx, r, out, log); perr != nil {
		if err != nil {
			fmt.Fprintf(m.Stderr, "gate-runner: posting the report: %s\n", oneLine(perr.Error()))
			return err
		}
		return fmt.Errorf("post the report: %w", perr)
	}
	return err
}

// post sends r to the merge request (GitLab) or pull request (GitHub) the
// job runs for.
func (m *Main) post(ctx context.Context, r *gate.Report, out string, log io.Writer) error {
	opts := report.PostOptions{Markdown: m.markdownOptions(out), Log: log}
	var f report.Forge
	switch m.forge() {
	case "gitlab":
		e, err := gitlab.EnvFromCI(m.Getenv)
		if err != nil {
			return gate.Input(err)
		}
		p, err := gitlab.NewPoster(e, gitlab.Options{Logger: m.Logger})
		if err != nil {
			return gate.Input(err)
		}
		f = p
		opts.StatusURL, opts.MaxComment, opts.Charts = e.JobURL, gitlab.MaxNoteLength, true
		if e.MR == 0 {
			opts.NoComment = "this is not a merge-request pipeline (CI_MERGE_REQUEST_IID is not set), so there is no merge request to comment on; " +
				"the commit statuses are posted. Run the job in merge-request pipelines (rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\") to get the note"
		}
	case "github":
		e, err := github.EnvFromActions(m.Getenv)
		if err != nil {
			return gate.Input(err)
		}
		p, err := github.NewPoster(e, github.Options{Logger: m.Logger})
		if err != nil {
			return gate.Input(err)
		}
		f = p
		opts.StatusURL, opts.MaxComment = e.RunURL, github.MaxCommentLength
		if e.PR == 0 {
			opts.NoComment = "this run is not for a pull request (GITHUB_REF is not refs/pull/N/merge and the event has no pull_request), so there is no pull request to comment on; the commit statuses are posted"
		}
	default:
		return gate.Input(errors.New("--post: not in a GitLab CI job (CI_API_V4_URL is not set) nor a GitHub Actions job (GITHUB_REPOSITORY is not set)"))
	}
	_, err := report.Post(ctx, f, r, opts)
	return err
}
