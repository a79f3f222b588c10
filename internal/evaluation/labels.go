package evaluation

import (
	"context"
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// labelSet holds every label grouped by user: the labels of user u are
// items[off[u]:off[u+1]] with relevance rels[...].
type labelSet struct {
	users *interner
	off   []int32
	items []int32
	rels  []int32
	rows  int
}

// readLabels reads a labels file (qrels or table), interning items into
// items. A repeated (user, item) pair is an error, as in trec_eval.
func readLabels(ctx context.Context, path string, items *interner) (*labelSet, error) {
	users := newInterner()
	var us, is, rs, lines []int32
	add := func(user, item []byte, rel float64, row, line int) error {
		us = append(us, users.intern(user))
		is = append(is, items.intern(item))
		rs = append(rs, int32(rel))
		if line == 0 {
			line = -row
		}
		lines = append(lines, int32(line))
		return nil
	}
	var err error
	if isQrels(path) {
		err = scanQrels(ctx, path, add)
	} else {
		err = scanTable(ctx, path, labelColumns2, add, func() {
			users = newInterner()
			us, is, rs, lines = us[:0], is[:0], rs[:0], lines[:0]
		})
	}
	if err != nil {
		return nil, err
	}
	nu := len(users.names)
	ls := &labelSet{users: users, off: make([]int32, nu+1), items: make([]int32, len(us)), rels: make([]int32, len(us)), rows: len(us)}
	for _, u := range us {
		ls.off[u+1]++
	}
	for u := 0; u < nu; u++ {
		ls.off[u+1] += ls.off[u]
	}
	pos := append([]int32(nil), ls.off[:nu]...)
	order := make([]int32, len(us))
	for r, u := range us {
		p := pos[u]
		pos[u]++
		ls.items[p], ls.rels[p], order[p] = is[r], rs[r], int32(r)
	}
	// A repeated (user, item) pair: trec_eval stops with "duplicate docs".
	stamp := make([]int32, len(items.names))
	for i := range stamp {
		stamp[i] = -1
	}
	for u := 0; u < nu; u++ {
		for p := ls.off[u]; p < ls.off[u+1]; p++ {
			it := ls.items[p]
			if stamp[it] == int32(u) {
				e := &dataset.RowError{File: path, Column: "item_id", Msg: fmt.Sprintf("user %q has item %q twice; each (user, item) pair may be judged once (trec_eval stops with \"duplicate docs\")", users.names[u], items.names[it])}
				if l := lines[order[p]]; l > 0 {
					e.Line = int(l)
				} else {
					e.Row = int(-l)
				}
				return nil, e
			}
			stamp[it] = int32(u)
		}
	}
	return ls, nil
}
