package evaluation

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// errNotGrouped tells the caller that a user's predictions are not
// contiguous, so the streaming pass cannot be used.
var errNotGrouped = errors.New("predictions are not grouped by user")

// entry is one prediction of the current user.
type entry struct {
	score float64
	item  int32
	rel   int32
}

// Per-cutoff metrics, in the order they are kept in rankEval.sums.
const (
	mPrecision = iota
	mRecall
	mNDCG
	mMAP
	mHit
	perK
)

// rankEval evaluates the predictions user by user as they stream in.
type rankEval struct {
	path  string
	lab   *labelSet
	items *interner
	ks    []int
	maxK  int

	stamp   []int32 // item -> seq of the last user that predicted it
	relSeq  []int32 // item -> seq of the labelled user relOf belongs to
	relOf   []int32 // item -> relevance for the current user
	minRank []int32 // item -> best rank reached in any user's top maxK
	seq     int32

	open   bool
	cur    []byte
	curLab int32
	buf    []entry

	doneLab   []bool
	seenOther map[string]struct{}

	sums     []float64 // len(ks)*perK, then mrr and map
	nEval    int
	nNoRel   int
	nNoLabel int
	rows     int

	disc  []float64 // disc[i] = log2(i+2)
	ideal []int32
}

func newRankEval(path string, lab *labelSet, items *interner, ks []int) *rankEval {
	maxK := slices.Max(ks)
	e := &rankEval{
		path: path, lab: lab, items: items, ks: ks, maxK: maxK,
		doneLab:   make([]bool, len(lab.users.names)),
		seenOther: make(map[string]struct{}),
		sums:      make([]float64, len(ks)*perK+2),
		curLab:    -1,
	}
	e.grow()
	return e
}

// grow sizes the per-item arrays to the catalogue.
func (e *rankEval) grow() {
	n := len(e.items.names)
	if n <= len(e.stamp) {
		return
	}
	c := max(n, 2*len(e.stamp))
	old := len(e.stamp)
	e.stamp = slices.Grow(e.stamp, c-old)[:c]
	e.relSeq = slices.Grow(e.relSeq, c-old)[:c]
	e.relOf = slices.Grow(e.relOf, c-old)[:c]
	e.minRank = slices.Grow(e.minRank, c-old)[:c]
	for i := old; i < c; i++ {
		e.stamp[i], e.relSeq[i], e.relOf[i], e.minRank[i] = -1, -1, 0, math.MaxInt32
	}
}

// add takes one prediction row.
func (e *rankEval) add(user []byte, item int32, score float64, row, line int) error {
	if !e.open || !bytes.Equal(user, e.cur) {
		e.flush()
		if err := e.start(user); err != nil {
			return err
		}
	}
	if int(item) >= len(e.stamp) {
		e.grow()
	}
	if e.stamp[item] == e.seq {
		return &dataset.RowError{File: e.path, Row: row, Line: line, Column: "item_id", Msg: fmt.Sprintf("user %q lists item %q twice; each item may be ranked once per user (trec_eval stops with \"duplicate docs\")", string(user), e.items.names[item])}
	}
	e.stamp[item] = e.seq
	var rel int32
	if e.relSeq[item] == e.seq {
		rel = e.relOf[item]
	}
	e.buf = append(e.buf, entry{score: score, item: item, rel: rel})
	e.rows++
	return nil
}

// start opens the block of a new user.
func (e *rankEval) start(user []byte) error {
	e.seq++
	e.open = true
	e.cur = append(e.cur[:0], user...)
	e.buf = e.buf[:0]
	u, ok := e.lab.users.lookup(user)
	if !ok {
		if _, seen := e.seenOther[string(user)]; seen {
			return errNotGrouped
		}
		e.seenOther[string(user)] = struct{}{}
		e.curLab = -1
		return nil
	}
	if e.doneLab[u] {
		return errNotGrouped
	}
	e.doneLab[u] = true
	e.curLab = u
	for p := e.lab.off[u]; p < e.lab.off[u+1]; p++ {
		it := e.lab.items[p]
		e.relSeq[it], e.relOf[it] = e.seq, e.lab.rels[p]
	}
	return nil
}

// cmp orders a before b when a ranks higher: higher score first, ties by item
// id descending in byte order, as trec_eval's comp_sim_docno.
func (e *rankEval) cmp(a, b entry) int {
	if a.score > b.score {
		return -1
	}
	if a.score < b.score {
		return 1
	}
	na, nb := e.items.names[a.item], e.items.names[b.item]
	switch {
	case na > nb:
		return -1
	case na < nb:
		return 1
	}
	return 0
}

// flush evaluates the open user's block.
func (e *rankEval) flush() {
	if !e.open {
		return
	}
	e.open = false
	buf := e.buf
	slices.SortFunc(buf, e.cmp)
	top := min(len(buf), e.maxK)
	for i := 0; i < top; i++ {
		if r := int32(i + 1); r < e.minRank[buf[i].item] {
			e.minRank[buf[i].item] = r
		}
	}
	if e.curLab < 0 {
		e.nNoLabel++
		return
	}
	e.nEval++
	u := e.curLab
	e.ideal = e.ideal[:0]
	for p := e.lab.off[u]; p < e.lab.off[u+1]; p++ {
		if r := e.lab.rels[p]; r > 0 {
			e.ideal = append(e.ideal, r)
		}
	}
	numRel := len(e.ideal)
	if numRel == 0 {
		e.nNoRel++
		return // every metric is 0 for this user
	}
	slices.SortFunc(e.ideal, func(a, b int32) int { return int(b) - int(a) })
	e.ensureDisc(max(e.maxK, 1))
	// mrr and map have no cutoff: they go over the whole ranking, as
	// trec_eval's recip_rank and map (which it does not cut either).
	first, relSeen, apAll := 0, 0, 0.0
	for i := range buf {
		if buf[i].rel > 0 {
			if relSeen == 0 {
				first = i + 1
			}
			relSeen++
			apAll += float64(relSeen) / float64(i+1)
		}
	}
	if first > 0 {
		e.sums[len(e.ks)*perK] += 1 / float64(first)
	}
	e.sums[len(e.ks)*perK+1] += apAll / float64(numRel)
	// One pass over ranks, closing each cutoff as trec_eval does.
	relSoFar := 0
	dcg, apSum := 0.0, 0.0
	ki := 0
	for i := 0; i <= top && ki < len(e.ks); i++ {
		for ki < len(e.ks) && (i == e.ks[ki] || i == top) {
			e.closeCutoff(ki, relSoFar, numRel, dcg, apSum)
			ki++
		}
		if i == top {
			break
		}
		if g := buf[i].rel; g > 0 {
			relSoFar++
			dcg += float64(g) / e.disc[i]
			apSum += float64(relSoFar) / float64(i+1)
		}
	}
}

// closeCutoff adds the metrics at cutoff ks[ki] given the counts over the
// first min(K, n) ranks.
func (e *rankEval) closeCutoff(ki, relSoFar, numRel int, dcg, apSum float64) {
	k := e.ks[ki]
	s := e.sums[ki*perK : (ki+1)*perK]
	s[mPrecision] += float64(relSoFar) / float64(k)
	s[mRecall] += float64(relSoFar) / float64(numRel)
	idcg := 0.0
	for i := 0; i < min(k, numRel); i++ {
		idcg += float64(e.ideal[i]) / e.disc[i]
	}
	if idcg > 0 {
		s[mNDCG] += dcg / idcg
	}
	s[mMAP] += apSum / float64(numRel)
	if relSoFar > 0 {
		s[mHit]++
	}
}

// ensureDisc makes disc long enough for n ranks.
func (e *rankEval) ensureDisc(n int) {
	for i := len(e.disc); i < n; i++ {
		e.disc = append(e.disc, math.Log2(float64(i+2)))
	}
}

// finish closes the last user and returns the result.
func (e *rankEval) finish() (Result, error) {
	e.flush()
	noPred := 0
	for _, d := range e.doneLab {
		if !d {
			noPred++
		}
	}
	if e.nEval == 0 {
		return Result{}, &dataset.RowError{File: e.path, Msg: fmt.Sprintf("no user appears in both the predictions and the labels (%d users labelled, %d predicted); trec_eval stops with \"No queries with both results and relevance info\"", len(e.doneLab), e.nNoLabel)}
	}
	res := Result{Values: map[string]float64{}, Counts: map[string]int{}}
	n := float64(e.nEval)
	for ki, k := range e.ks {
		ks := strconv.Itoa(k)
		s := e.sums[ki*perK : (ki+1)*perK]
		res.Values["precision@"+ks] = s[mPrecision] / n
		res.Values["recall@"+ks] = s[mRecall] / n
		res.Values["ndcg@"+ks] = s[mNDCG] / n
		res.Values["map@"+ks] = s[mMAP] / n
		res.Values["hit_rate@"+ks] = s[mHit] / n
		covered := 0
		for _, r := range e.minRank[:len(e.items.names)] {
			if int(r) <= k {
				covered++
			}
		}
		res.Values["coverage@"+ks] = float64(covered) / float64(len(e.items.names))
	}
	res.Values["mrr"] = e.sums[len(e.ks)*perK] / n
	res.Values["map"] = e.sums[len(e.ks)*perK+1] / n
	res.Counts["users_evaluated"] = e.nEval
	res.Counts["users_without_predictions"] = noPred
	res.Counts["users_without_labels"] = e.nNoLabel
	res.Counts["users_without_relevant"] = e.nNoRel
	res.Counts["catalogue_items"] = len(e.items.names)
	res.Counts["prediction_rows"] = e.rows
	res.Counts["label_rows"] = e.lab.rows
	return res, nil
}
