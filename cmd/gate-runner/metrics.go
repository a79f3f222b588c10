package main

import (
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"gitlab.com/mlgate/mlgate/internal/evaluation"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/compare"
)

// runMetrics is `gate-runner metrics`: offline metrics from raw predictions
// and labels. --format json prints one flat object, metric name to value,
// counts included, so that its output is a metrics file `compare` reads;
// --out DIR writes the same object to DIR/metrics.json (a path ending in
// .json is that file). Flags not given default to the config's
// gates.compare.candidate.
func runMetrics(ctx context.Context, m *Main, args []string) error {
	var c common
	var pred, labels, ks, task string
	var threshold float64
	fs := m.flagSet("metrics", nil)
	c.bindConfig(fs)
	c.bindFormat(fs)
	fs.StringVar(&pred, "predictions", "", "predictions: user_id,item_id,score (ranking), id,score (classification), id,prediction (regression); or a TREC .run file")
	fs.StringVar(&labels, "labels", "", "labels: user_id,item_id[,relevance], id,label or id,target; or a TREC .qrels file")
	fs.StringVar(&ks, "k", "5,10", "cut-offs of the ranking metrics; map and mrr have none (default: the config's gates.compare.candidate.k, else 5,10)")
	fs.StringVar(&task, "task", "", "ranking, classification or regression (default: from the columns)")
	fs.Float64Var(&threshold, "threshold", 0.5, "score at or above which a classification prediction is positive")
	fs.StringVar(&c.out, "out", "", "also write the metrics as JSON: to DIR/metrics.json, or to FILE.json when the path ends in .json (default: nothing written)")
	cfg, err := m.parseGate(fs, &c, args)
	if err != nil {
		return err
	}
	var k []int
	if g := cfg.Gates.Compare; g != nil {
		cand := g.Candidate
		pred, labels, task = cmp.Or(pred, cand.Predictions), cmp.Or(labels, cand.Labels), cmp.Or(task, cand.Task)
		if !flagSet(fs, "k") {
			k = cand.K
		}
	}
	if pred == "" || labels == "" {
		return gate.Input(fmt.Errorf("--predictions and --labels are both required (or gates.compare.candidate's predictions and labels in the config)"))
	}
	if k == nil {
		if k, err = parseKs(ks); err != nil {
			return err
		}
	}
	res, err := evaluation.Compute(ctx, evaluation.Input{Task: evaluation.Task(task), Predictions: pred, Labels: labels, K: k, Threshold: threshold})
	if err != nil {
		return err
	}
	flat := compare.FlatMetrics(res)
	if c.out != "" {
		if err := writeJSONFile(metricsPath(c.out), flat); err != nil {
			return err
		}
	}
	switch c.format {
	case "json":
		b, _ := json.MarshalIndent(flat, "", "  ")
		fmt.Fprintln(m.Stdout, string(b))
	case "markdown":
		fmt.Fprintln(m.Stdout, "| metric | value |\n|---|---:|")
		for _, n := range sortedKeys(flat) {
			fmt.Fprintf(m.Stdout, "| %s | %s |\n", n, gate.FormatNumber(flat[n]))
		}
	case "table":
		tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
		for _, n := range sortedKeys(flat) {
			fmt.Fprintf(tw, "%s\t%s\n", n, gate.FormatNumber(flat[n]))
		}
		tw.Flush()
		for _, n := range res.Notes {
			fmt.Fprintf(m.Stdout, "note: %s\n", n)
		}
	}
	return nil
}

// metricsPath is where `metrics --out` writes: out itself when it names a
// .json file, else metrics.json in the directory out.
func metricsPath(out string) string {
	if strings.EqualFold(filepath.Ext(out), ".json") {
		return out
	}
	return filepath.Join(out, "metrics.json")
}

// flagSet reports whether the named flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func parseKs(s string) ([]int, error) {
	var ks []int
	for _, f := range strings.Split(s, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 {
			return nil, gate.Input(fmt.Errorf("--k %q: %q is not a cut-off ≥ 1 (expected e.g. 5,10)", s, f))
		}
		ks = append(ks, k)
	}
	return ks, nil
}

func sortedKeys(m map[string]float64) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
