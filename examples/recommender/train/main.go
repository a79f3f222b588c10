// Command train is the example project's trainer: a co-occurrence
// recommender (with a popularity fallback) trained on the interactions
// bundled in internal/demo. It splits the interactions per (user, item) into
// a training part and a held-out part, learns item popularity and item-item
// co-occurrence from the training part, and writes
//
//	OUT/predictions.csv  user_id,item_id,score (top-K per user, unseen items)
//	OUT/holdout.csv      user_id,item_id,relevance (the labels to score it on)
//	OUT/train.csv        user_id,item_id,relevance (what it learned from)
//	OUT/serving.json     measured p95 time of one user's recommendation
//
// gate-runner's compare gate scores predictions.csv against holdout.csv.
//
//	go run ./examples/recommender/train --model cooc --out model
//	go run ./examples/recommender/train --model popularity --out production
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/demo"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(2)
	}
}

// options are the trainer's flags.
type options struct {
	data, out, model string
	k                int
	holdout          int // percent of interactions held out
	popWeight        float64
}

func run(args []string, stdout io.Writer) error {
	var o options
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.StringVar(&o.data, "data", "", "interactions CSV user_id,item_id,relevance (default: the demo's bundled labels)")
	fs.StringVar(&o.out, "out", "model", "output directory")
	fs.StringVar(&o.model, "model", "cooc", "cooc (co-occurrence with popularity fallback) or popularity")
	fs.IntVar(&o.k, "k", 20, "recommendations per user")
	fs.Float64Var(&o.popWeight, "pop-weight", 1, "weight of the popularity prior in the cooc model")
	fs.IntVar(&o.holdout, "holdout", 50, "percent of each user's interactions held out for evaluation")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.model != "cooc" && o.model != "popularity" {
		return fmt.Errorf("--model: found %q, expected cooc or popularity", o.model)
	}
	if o.k < 1 || o.holdout < 1 || o.holdout > 99 {
		return errors.New("--k must be at least 1 and --holdout between 1 and 99")
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	if o.data == "" {
		dir, err := demo.Extract(o.out)
		if err != nil {
			return err
		}
		o.data = filepath.Join(dir, demo.Labels)
		defer os.RemoveAll(dir)
	}
	all, err := readInteractions(o.data)
	if err != nil {
		return err
	}
	train, held := split(all, o.holdout)
	m := fit(train, o.model == "cooc")
	m.popWeight = o.popWeight
	m.users = usersOf(all) // users with every interaction held out get the popularity list
	recs, p95 := m.recommendAll(o.k)
	if err := writeRows(filepath.Join(o.out, "predictions.csv"), "user_id,item_id,score", recs); err != nil {
		return err
	}
	if err := writeInteractions(filepath.Join(o.out, "holdout.csv"), held); err != nil {
		return err
	}
	if err := writeInteractions(filepath.Join(o.out, "train.csv"), train); err != nil {
		return err
	}
	serving := fmt.Sprintf("{\n  \"serving\": {\n    \"latency_p95_ms\": %s,\n    \"error_rate\": 0\n  }\n}\n",
		strconv.FormatFloat(p95, 'f', 4, 64))
	if err := os.WriteFile(filepath.Join(o.out, "serving.json"), []byte(serving), 0o644); err != nil {
		return fmt.Errorf("write serving.json: %w", err)
	}
	fmt.Fprintf(stdout, "trained %s on %d interactions of %d users (%d held out); wrote %d recommendations to %s\n",
		o.model, len(train), len(m.users), len(held), len(recs), o.out)
	return nil
}

// usersOf returns the distinct users, sorted.
func usersOf(xs []interaction) []string {
	set := map[string]bool{}
	for _, x := range xs {
		set[x.user] = true
	}
	out := make([]string, 0, len(set))
	for u := range set {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// interaction is one row of the interactions file.
type interaction struct {
	user, item string
	relevance  float64
}

// readInteractions reads user_id,item_id,relevance rows.
func readInteractions(path string) ([]interaction, error) {
	r, err := dataset.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read interactions: %w", err)
	}
	defer r.Close()
	idx, err := dataset.ColumnIndex(path, r.Columns(), "user_id", "item_id", "relevance")
	if err != nil {
		return nil, err
	}
	var out []interaction
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		rel, err := strconv.ParseFloat(row[idx[2]], 64)
		if err != nil {
			return nil, &dataset.RowError{File: path, Row: r.Row(), Column: "relevance", Msg: fmt.Sprintf("found %q, expected a number", row[idx[2]])}
		}
		out = append(out, interaction{row[idx[0]], row[idx[1]], rel})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no interactions, expected user_id,item_id,relevance rows", path)
	}
	return out, nil
}
