package evaluation

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// Column names for classification and regression files, in order of
// preference.
var (
	idColumns         = []string{"id", "row_id", "user_id"}
	labelColumns      = []string{"label", "target"}
	scoreColumns      = []string{"score", "probability", "proba", "prediction"}
	predictionColumn2 = []string{"prediction", "score"}
)

// pairs holds the joined (label, prediction) values in labels-file order.
type pairs struct {
	y, p []float64
}

// readColumn reads (id, value) pairs from path, parsing values with parse.
func readColumn(ctx context.Context, path string, valueCols []string, what string, parse func(string) (float64, bool)) (ids []string, vals []float64, err error) {
	r, err := dataset.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	cols := r.Columns()
	ic := pickColumn(cols, idColumns)
	if ic < 0 {
		return nil, nil, &dataset.RowError{File: path, Column: "id", Msg: fmt.Sprintf("no id column: expected one of %s; the file has %s", strings.Join(idColumns, ", "), strings.Join(cols, ", "))}
	}
	vc := pickColumn(cols, valueCols)
	if vc < 0 {
		return nil, nil, &dataset.RowError{File: path, Column: valueCols[0], Msg: fmt.Sprintf("no column with %s: expected one of %s; the file has %s", what, strings.Join(valueCols, ", "), strings.Join(cols, ", "))}
	}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		if r.Row()&(1<<16-1) == 1 && ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		if dataset.IsMissing(row[ic]) {
			return nil, nil, &dataset.RowError{File: path, Row: r.Row(), Column: cols[ic], Msg: "missing id"}
		}
		v, ok := parse(row[vc])
		if !ok {
			return nil, nil, &dataset.RowError{File: path, Row: r.Row(), Column: cols[vc], Msg: fmt.Sprintf("found %q, expected %s", row[vc], what)}
		}
		ids = append(ids, row[ic])
		vals = append(vals, v)
	}
	if len(ids) == 0 {
		return nil, nil, &dataset.RowError{File: path, Msg: "no data rows"}
	}
	return ids, vals, nil
}

// join reads labels and predictions and pairs them by id. Every id must be
// on both sides exactly once.
func join(ctx context.Context, predictions, labels string, labelWhat string, parseLabel func(string) (float64, bool), predCols []string, predWhat string) (pairs, error) {
	lid, lv, err := readColumn(ctx, labels, labelColumns, labelWhat, parseLabel)
	if err != nil {
		return pairs{}, err
	}
	at := make(map[string]int, len(lid))
	for i, id := range lid {
		if _, dup := at[id]; dup {
			return pairs{}, &dataset.RowError{File: labels, Row: i + 1, Column: "id", Msg: fmt.Sprintf("id %q appears twice; each id must be labelled once", id)}
		}
		at[id] = i
	}
	pid, pv, err := readColumn(ctx, predictions, predCols, predWhat, parseFinite)
	if err != nil {
		return pairs{}, err
	}
	out := pairs{y: lv, p: make([]float64, len(lv))}
	seen := make([]bool, len(lv))
	for i, id := range pid {
		j, ok := at[id]
		if !ok {
			return pairs{}, &dataset.RowError{File: predictions, Row: i + 1, Column: "id", Msg: fmt.Sprintf("id %q has no label in %s", id, labels)}
		}
		if seen[j] {
			return pairs{}, &dataset.RowError{File: predictions, Row: i + 1, Column: "id", Msg: fmt.Sprintf("id %q appears twice; each id must be predicted once", id)}
		}
		seen[j] = true
		out.p[j] = pv[i]
	}
	for j, s := range seen {
		if !s {
			return pairs{}, &dataset.RowError{File: labels, Row: j + 1, Column: "id", Msg: fmt.Sprintf("id %q has no prediction in %s", lid[j], predictions)}
		}
	}
	return out, nil
}

// parseFinite parses a finite number.
func parseFinite(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308 {
		return 0, false
	}
	return v, true
}

// parseBinary parses a 0/1 class label.
func parseBinary(s string) (float64, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "0", "0.0", "false":
		return 0, true
	case "1", "1.0", "true":
		return 1, true
	}
	return 0, false
}
