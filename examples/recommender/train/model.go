package main

import (
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"time"
)

// split holds out about pct percent of the interactions, chosen by a hash of
// (user, item) so that every run and every model sees the same split.
func split(all []interaction, pct int) (train, held []interaction) {
	for _, x := range all {
		h := fnv.New32a()
		h.Write([]byte(x.user + "\x00" + x.item))
		if int(h.Sum32()%100) < pct {
			held = append(held, x)
		} else {
			train = append(train, x)
		}
	}
	return train, held
}

// model is a fitted recommender.
type model struct {
	users     []string            // every user, sorted (users with no training rows get popularity)
	items     []string            // every item seen in training, sorted
	pop       map[string]float64  // item → summed relevance / max
	seen      map[string][]string // user → items in training
	cooc      map[string]map[string]float64
	useCooc   bool
	popWeight float64 // weight of the popularity prior against co-occurrence
}

// fit learns popularity and, when useCooc is set, item-item co-occurrence
// (cosine-normalised counts of users who interacted with both items).
func fit(train []interaction, useCooc bool) *model {
	m := &model{pop: map[string]float64{}, seen: map[string][]string{}, cooc: map[string]map[string]float64{}, useCooc: useCooc}
	for _, x := range train {
		m.pop[x.item] += x.relevance
		m.seen[x.user] = append(m.seen[x.user], x.item)
	}
	top := 0.0
	for it, p := range m.pop {
		m.items = append(m.items, it)
		top = math.Max(top, p)
	}
	for it := range m.pop {
		m.pop[it] /= top
	}
	sort.Strings(m.items)
	count := map[string]float64{}
	for u, its := range m.seen {
		m.users = append(m.users, u)
		for _, a := range its {
			count[a]++
			if !useCooc {
				continue
			}
			for _, b := range its {
				if a == b {
					continue
				}
				if m.cooc[a] == nil {
					m.cooc[a] = map[string]float64{}
				}
				m.cooc[a][b]++
			}
		}
	}
	for a, row := range m.cooc {
		for b, n := range row {
			row[b] = n / math.Sqrt(count[a]*count[b])
		}
	}
	sort.Strings(m.users)
	return m
}

// rec is one recommendation.
type rec struct {
	item  string
	score float64
}

// recommend returns the k best unseen items for a user: co-occurrence with
// the user's items plus a small popularity prior that also breaks ties and
// serves users with no history.
func (m *model) recommend(user string, k int) []rec {
	seen := m.seen[user]
	score := make(map[string]float64, len(m.items))
	for _, it := range m.items {
		score[it] = m.popWeight * m.pop[it]
	}
	if m.useCooc {
		for _, s := range seen {
			for b, w := range m.cooc[s] {
				score[b] += w
			}
		}
	}
	out := make([]rec, 0, len(score))
	for _, it := range m.items {
		if !slices.Contains(seen, it) {
			out = append(out, rec{it, score[it]})
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].score != out[b].score {
			return out[a].score > out[b].score
		}
		return out[a].item < out[b].item
	})
	return out[:min(k, len(out))]
}

// recommendAll returns the top-k rows of every user and the measured 95th
// percentile of one user's recommendation time in milliseconds.
func (m *model) recommendAll(k int) ([][]string, float64) {
	var rows [][]string
	took := make([]float64, 0, len(m.users))
	for _, u := range m.users {
		start := time.Now()
		recs := m.recommend(u, k)
		took = append(took, float64(time.Since(start).Microseconds())/1000)
		for _, r := range recs {
			rows = append(rows, []string{u, r.item, strconv.FormatFloat(r.score, 'f', 6, 64)})
		}
	}
	sort.Float64s(took)
	p95 := 0.0
	if len(took) > 0 {
		p95 = took[int(math.Ceil(0.95*float64(len(took))))-1]
	}
	return rows, p95
}

func writeInteractions(path string, xs []interaction) error {
	rows := make([][]string, len(xs))
	for i, x := range xs {
		rows[i] = []string{x.user, x.item, strconv.FormatFloat(x.relevance, 'f', -1, 64)}
	}
	return writeRows(path, "user_id,item_id,relevance", rows)
}

func writeRows(path, header string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	w := csv.NewWriter(f)
	if _, err := fmt.Fprintln(f, header); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
