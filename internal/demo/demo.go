// Package demo bundles the sample data of a small recommender so that
// `gate-runner demo` runs every gate with no network and no setup. The
// files are made by `go run ./internal/demo/gen` (seeded) and embedded.
package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

//go:embed data/*
var data embed.FS

//go:embed mlgate.yml.tmpl
var configTemplate string

// Config returns the demo's .mlgate.yml for files extracted under out.
func Config(out string) []byte {
	return []byte(strings.NewReplacer("{{OUT}}", out, "{{DATA}}", filepath.Join(out, "data")).Replace(configTemplate))
}

// Files are the bundled files, by name.
const (
	Labels            = "labels.csv.gz"
	Production        = "production.csv.gz"
	Candidate         = "candidate.csv.gz"
	ProductionServing = "production-serving.json"
	CandidateServing  = "candidate-serving.json"
	Reference         = "reference.csv.gz"
	Current           = "current.csv.gz"
	ABEvents          = "ab-events.csv.gz"
	JUnit             = "junit.xml"
)

// Extract writes every bundled file into dir/data and returns that
// directory.
func Extract(dir string) (string, error) {
	out := filepath.Join(dir, "data")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", fmt.Errorf("extract demo data: %w", err)
	}
	err := fs.WalkDir(data, "data", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := data.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(out, d.Name()), b, 0o644)
	})
	if err != nil {
		return "", fmt.Errorf("extract demo data: %w", err)
	}
	return out, nil
}
