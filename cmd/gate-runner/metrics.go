package main

import (
	"context"
	"encoding/json"
	"fmt"
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
// counts included, so that its output is a metrics file `compare` reads.
func runMetrics(ctx context.Context, m *Main, args []string) error {
	var pred, labels, ks, task, out, format string
	var threshold float64
	fs := m.flagSet("metrics", nil)
	fs.StringVar(&pred, "predictions", "", "predictions: user_id,item_id,score (ranking), id,score (classification), id,prediction (regression); or a TREC .run file")
	fs.StringVar(&labels, "labels", "", "labels: user_id,item_id[,relevance], id,label or id,target; or a TREC .qrels file")
	fs.StringVar(&ks, "k", "5,10", "cut-offs of the ranking metrics")
	fs.StringVar(&task, "task", "", "ranking, classification or regression (default: from the columns)")
	fs.Float64Var(&threshold, "threshold", 0.5, "score at or above which a classification prediction is positive")
	fs.StringVar(&format, "format", "table", "what to print: table, json or markdown")
	fs.StringVar(&out, "out", "", "also write the metrics as JSON to this file")
	if err := m.parse(fs, args); err != nil {
		return err
	}
	if pred == "" || labels == "" {
		return gate.Input(fmt.Errorf("--predictions and --labels are both required"))
	}
	k, err := parseKs(ks)
	if err != nil {
		return err
	}
	res, err := evaluation.Compute(ctx, evaluation.Input{Task: evaluation.Task(task), Predictions: pred, Labels: labels, K: k, Threshold: threshold})
	if err != nil {
		return err
	}
	flat := compare.FlatMetrics(res)
	if out != "" {
		if err := writeJSONFile(out, flat); err != nil {
			return err
		}
	}
	switch format {
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
	default:
		return gate.Input(fmt.Errorf("--format is %q, expected table, json or markdown", format))
	}
	return nil
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
