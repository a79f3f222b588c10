package evaluation

import (
	"context"
	"errors"
	"slices"
)

// computeRanking computes the ranking metrics of the package documentation.
func computeRanking(ctx context.Context, predictions, labels string, k []int) (Result, error) {
	ks := slices.Clone(k)
	slices.Sort(ks)
	ks = slices.Compact(ks)
	items := newInterner()
	lab, err := readLabels(ctx, labels, items)
	if err != nil {
		return Result{}, err
	}
	ev := newRankEval(predictions, lab, items, ks)
	err = scanPredictions(ctx, predictions, func(user, item []byte, score float64, row, line int) error {
		return ev.add(user, items.intern(item), score, row, line)
	}, func() { ev = newRankEval(predictions, lab, items, ks) })
	var note string
	if errors.Is(err, errNotGrouped) {
		// Start again holding every row in memory, grouped by user.
		// Items interned by the partial pass come from the same file, so
		// the catalogue is unchanged.
		ev = newRankEval(predictions, lab, items, ks)
		err = evalUngrouped(ctx, predictions, items, ev)
		note = "the predictions were not grouped by user, so they were held in memory and grouped before evaluation"
	}
	if err != nil {
		return Result{}, err
	}
	res, err := ev.finish()
	if err != nil {
		return Result{}, err
	}
	res.Notes = append(res.Notes,
		"ranking metrics follow trec_eval 9.0.8: ties in score are broken by item id descending; means are over users present in both predictions and labels (trec_eval without -c)",
		"catalogue for coverage: the distinct items of labels and predictions together")
	if note != "" {
		res.Notes = append(res.Notes, note)
	}
	return res, nil
}

// scanPredictions streams a run file or a predictions table to fn; reset
// is called when a table must be read again from its start.
func scanPredictions(ctx context.Context, path string, fn rowFunc, reset func()) error {
	if isTRECRun(path) {
		return scanRun(ctx, path, fn)
	}
	return scanTable(ctx, path, predictionColumns, fn, reset)
}

// evalUngrouped reads every prediction into compact arrays, groups them by
// user in file order and feeds them to ev.
func evalUngrouped(ctx context.Context, path string, items *interner, ev *rankEval) error {
	users := newInterner()
	var (
		us, is, ls []int32
		scores     []float64
		rows       []int32
	)
	reset := func() {
		users = newInterner()
		us, is, ls, scores, rows = us[:0], is[:0], ls[:0], scores[:0], rows[:0]
	}
	err := scanPredictions(ctx, path, func(user, item []byte, score float64, row, line int) error {
		us = append(us, users.intern(user))
		is = append(is, items.intern(item))
		scores = append(scores, score)
		ls = append(ls, int32(line))
		rows = append(rows, int32(row))
		return nil
	}, reset)
	if err != nil {
		return err
	}
	nu := len(users.names)
	start := make([]int32, nu+1)
	for _, u := range us {
		start[u+1]++
	}
	for u := 0; u < nu; u++ {
		start[u+1] += start[u]
	}
	order := make([]int32, len(us))
	pos := slices.Clone(start[:nu])
	for r, u := range us {
		order[pos[u]] = int32(r)
		pos[u]++
	}
	for u := 0; u < nu; u++ {
		if u&(1<<14-1) == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		name := sbytes(users.names[u])
		for _, r := range order[start[u]:start[u+1]] {
			if err := ev.add(name, is[r], scores[r], int(rows[r]), int(ls[r])); err != nil {
				return err
			}
		}
	}
	return nil
}
