package citemplates_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	componentRef = regexp.MustCompile("component: (\\S+)/([a-z0-9_-]+)@([^\\s`'\"),;]+)")
	projectRef   = regexp.MustCompile(`project: (\S+)\n\s+ref: (\S+)\n\s+file: (\S+)`)
	// versionRef is what a ref may be: a catalog version the release
	// process publishes (X.Y.Z, or X / X.Y for the latest of those), or
	// the pipeline's own commit; X.Y.Z and X stand for one in prose.
	versionRef = regexp.MustCompile(`^(\d+(\.\d+){0,2}|X(\.Y(\.Z)?)?|\$CI_COMMIT_SHA)$`)
)

// TestIncludesPointAtComponents checks every include of a component in the
// docs and examples against the repository: the project is mlgate/mlgate
// (or the pipeline's own), the component or file exists in templates/ at
// the root, where the catalog reads it, and the ref is a version the release
// process (docs/release.md) publishes or the pipeline's own commit. The main
// README must show both include forms and link the components' README and
// the release process.
func TestIncludesPointAtComponents(t *testing.T) {
	docs, _ := filepath.Glob("docs/*.md")
	files := append([]string{"../README.md", "README.md", "../docs/release.md", "../examples/recommender/README.md", "../examples/recommender/.gitlab-ci.yml"}, docs...)
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, m := range componentRef.FindAllStringSubmatch(text, -1) {
			if m[1] != "$CI_SERVER_FQDN/mlgate/mlgate" && m[1] != "$CI_SERVER_FQDN/$CI_PROJECT_PATH" {
				t.Errorf("%s: %s: the components are in the project mlgate/mlgate", path, m[0])
			}
			if _, err := os.Stat(filepath.Join(componentDir, m[2]+".yml")); err != nil {
				t.Errorf("%s: %s: no component %s in templates/", path, m[0], m[2])
			}
			if !versionRef.MatchString(m[3]) {
				t.Errorf("%s: %s: %q is not a catalog version (X.Y.Z without a v) or $CI_COMMIT_SHA", path, m[0], m[3])
			}
		}
		for _, m := range projectRef.FindAllStringSubmatch(text, -1) {
			if m[1] != "mlgate/mlgate" {
				t.Errorf("%s: project %s: the components are in mlgate/mlgate", path, m[1])
			}
			if !versionRef.MatchString(m[2]) {
				t.Errorf("%s: ref %s: not a catalog version (X.Y.Z without a v) or $CI_COMMIT_SHA", path, m[2])
			}
			if _, err := os.Stat(filepath.Join("..", m[3])); err != nil || !strings.HasPrefix(m[3], "/templates/") {
				t.Errorf("%s: file %s: not a component in /templates/", path, m[3])
			}
		}
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"component: $CI_SERVER_FQDN/mlgate/mlgate/", "project: mlgate/mlgate", "(ci-templates/README.md)", "(docs/release.md)"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md lacks %q", want)
		}
	}
}

// TestReleaseJobs checks that mlgate's pipeline releases on a vX.Y.Z tag:
// both images and a release: job run for that tag, and the release job
// comes after the images.
func TestReleaseJobs(t *testing.T) {
	f, err := loadCI("../.gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	const tagRule = `$CI_COMMIT_TAG =~ /^v\d+\.\d+\.\d+$/`
	runsOnTag := func(name string) bool {
		job, _ := f.jobs[name].(map[string]any)
		if ext, ok := job["extends"].(string); ok && job["rules"] == nil {
			job, _ = f.jobs[ext].(map[string]any)
		}
		rules, _ := job["rules"].([]any)
		return slices.ContainsFunc(rules, func(r any) bool {
			m, _ := r.(map[string]any)
			return m["if"] == tagRule
		})
	}
	var release string
	for name, j := range f.jobs {
		if job, ok := j.(map[string]any); ok && job["release"] != nil {
			release = name
		}
	}
	if release == "" {
		t.Fatal(".gitlab-ci.yml has no job with release:")
	}
	for _, name := range []string{"image:gate-runner", "image:mlbot", release} {
		if !runsOnTag(name) {
			t.Errorf("%s does not run on %s", name, tagRule)
		}
	}
	needs, _ := f.jobs[release].(map[string]any)["needs"].([]any)
	for _, img := range []string{"image:gate-runner", "image:mlbot"} {
		if !slices.Contains(needs, any(img)) {
			t.Errorf("%s does not wait for %s", release, img)
		}
	}
}
