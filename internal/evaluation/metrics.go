package evaluation

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/dataset"
	"gitlab.com/mlgate/mlgate/internal/gate"
)

// Task is the kind of model whose predictions are scored.
type Task string

// The tasks Compute knows. The empty Task asks Compute to detect it.
const (
	Ranking        Task = "ranking"
	Classification Task = "classification"
	Regression     Task = "regression"
)

// DefaultK is the list of cutoffs used when Input.K is empty.
var DefaultK = []int{5, 10}

// DefaultThreshold is the score at or above which a classification
// prediction counts as class 1 when Input.Threshold is 0.
const DefaultThreshold = 0.5

// Input names the files and options of one metrics computation.
type Input struct {
	// Task is ranking, classification or regression; empty means detect
	// it from the labels (see the package documentation).
	Task Task
	// Predictions and Labels are file paths; the format follows the
	// extension (.run/.qrels for TREC, else see dataset.FormatOf).
	Predictions, Labels string
	// K lists the ranking cutoffs; empty means DefaultK.
	K []int
	// Threshold is the classification threshold; 0 means
	// DefaultThreshold.
	Threshold float64
}

// Result holds the computed metrics.
type Result struct {
	Task Task
	// Values maps a metric name (precision@5, ndcg@10, mrr, roc_auc, rmse,
	// ...) to its value.
	Values map[string]float64
	// Counts maps a count name (users_evaluated, rows, ...) to its value.
	Counts map[string]int
	// Notes are sentences about how the values were computed.
	Notes []string
}

// ErrTask is returned for an unknown Input.Task.
var ErrTask = errors.New("unknown task")

// Compute reads in.Predictions and in.Labels and computes the metrics of
// in.Task. Errors caused by the files' content are marked with gate.Input
// and name the file, row and column where they can.
func Compute(ctx context.Context, in Input) (Result, error) {
	if in.Predictions == "" || in.Labels == "" {
		return Result{}, gate.Input(errors.New("metrics: both a predictions file and a labels file are required"))
	}
	ks := in.K
	if len(ks) == 0 {
		ks = DefaultK
	}
	for _, k := range ks {
		if k <= 0 {
			return Result{}, gate.Input(fmt.Errorf("metrics: cutoff k=%d: expected a positive integer", k))
		}
	}
	thr := in.Threshold
	if thr == 0 {
		thr = DefaultThreshold
	}
	task := in.Task
	if task == "" {
		t, err := detectTask(in.Labels)
		if err != nil {
			return Result{}, inputErr(err)
		}
		task = t
	}
	var (
		res Result
		err error
	)
	switch task {
	case Ranking:
		res, err = computeRanking(ctx, in.Predictions, in.Labels, ks)
	case Classification:
		res, err = computeClassification(ctx, in.Predictions, in.Labels, thr)
	case Regression:
		res, err = computeRegression(ctx, in.Predictions, in.Labels)
	default:
		return Result{}, gate.Input(fmt.Errorf("metrics: task %q: %w; expected ranking, classification or regression", task, ErrTask))
	}
	if err != nil {
		return Result{}, inputErr(err)
	}
	res.Task = task
	return res, nil
}

// inputErr marks file-content errors as input errors; context
// cancellation stays as it is.
func inputErr(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return gate.Input(err)
}

// isTRECRun reports whether path is a TREC run file: by its extension
// (.run, .trec, .res), or, for a name no other reader claims (trec_eval's
// own results.test), by its first line.
func isTRECRun(path string) bool {
	switch trecExt(path) {
	case ".run", ".trec", ".res":
		return true
	}
	return sniffTREC(path) == trecRun
}

// isQrels reports whether path is a TREC qrels file: by its extension
// (.qrels), or, for a name no other reader claims (qrels.test), by its
// first line.
func isQrels(path string) bool {
	return trecExt(path) == ".qrels" || sniffTREC(path) == trecQrels
}

// The TREC kinds sniffTREC tells apart.
const (
	trecNone = iota
	trecRun
	trecQrels
)

// sniffTREC reads the first non-blank line of a file whose extension is
// not a table format's and says whether it is a run line ("qid Q0 docno
// rank score tag", more fields allowed) or a qrels line ("qid iter docno
// rel"). Anything else, or a file it cannot read, is trecNone: the
// table readers then say what is wrong.
func sniffTREC(path string) int {
	switch trecExt(path) {
	case ".csv", ".tsv", ".jsonl", ".ndjson", ".parquet":
		return trecNone
	}
	f, err := dataset.OpenFile(path)
	if err != nil {
		return trecNone
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return trecNone
		}
		defer zr.Close()
		r = zr
	}
	sc := bufio.NewScanner(io.LimitReader(r, 1<<16))
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		isInt := func(s string) bool { _, err := strconv.ParseInt(s, 10, 64); return err == nil }
		isNum := func(s string) bool { _, err := strconv.ParseFloat(s, 64); return err == nil }
		switch {
		case len(fs) >= 6 && isInt(fs[3]) && isNum(fs[4]):
			return trecRun
		case len(fs) == 4 && isInt(fs[1]) && isInt(fs[3]):
			return trecQrels
		}
		return trecNone
	}
	return trecNone
}

func trecExt(path string) string {
	p := strings.TrimSuffix(strings.ToLower(path), ".gz")
	return filepath.Ext(p)
}

// detectTask guesses the task from the labels file.
func detectTask(labels string) (Task, error) {
	if isQrels(labels) {
		return Ranking, nil
	}
	r, err := dataset.Open(labels)
	if err != nil {
		return "", err
	}
	defer r.Close()
	cols := r.Columns()
	if hasAny(cols, "item_id", "relevance") {
		return Ranking, nil
	}
	lc := pickColumn(cols, labelColumns)
	if lc < 0 {
		return "", &dataset.RowError{File: labels, Column: "label", Msg: fmt.Sprintf("cannot tell the task: expected item_id (ranking) or label/target (classification, regression); the file has %s", strings.Join(cols, ", "))}
	}
	binary := true
	for n := 0; ; n++ {
		row, err := r.Next()
		if err != nil {
			if n == 0 {
				return "", &dataset.RowError{File: labels, Msg: "no data rows"}
			}
			break
		}
		if _, ok := parseBinary(row[lc]); !ok {
			binary = false
			break
		}
	}
	if binary {
		return Classification, nil
	}
	return Regression, nil
}

func hasAny(cols []string, names ...string) bool {
	return pickColumn(cols, names) >= 0
}

// pickColumn returns the index of the first of names present in cols.
func pickColumn(cols []string, names []string) int {
	for _, n := range names {
		for i, c := range cols {
			if c == n {
				return i
			}
		}
	}
	return -1
}
