// Command gen writes a seeded TREC run file and qrels file for the metrics
// package: the reference data set checked against trec_eval (-kind ref) or
// the large benchmark data set (-kind bench).
//
//	go run ./internal/evaluation/testdata/gen -kind ref -out DIR
//	go run ./internal/evaluation/testdata/gen -kind bench -users 1000000 -out bench/out
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

func main() {
	kind := flag.String("kind", "ref", "ref: mixed edge cases; bench: uniform top-N lists")
	users := flag.Int("users", 12000, "number of users")
	top := flag.Int("top", 100, "predictions per user (bench)")
	items := flag.Int("items", 5000, "catalogue size")
	seed := flag.Uint64("seed", 20261123, "random seed")
	out := flag.String("out", ".", "output directory")
	name := flag.String("name", "", "file name stem (default: the kind)")
	flag.Parse()
	stem := *name
	if stem == "" {
		stem = *kind
	}
	if err := run(*kind, *users, *top, *items, *seed, filepath.Join(*out, stem)); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type writer struct {
	f *os.File
	w *bufio.Writer
	b []byte
}

func create(path string) (*writer, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &writer{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

func (w *writer) close() error {
	if err := w.w.Flush(); err != nil {
		return err
	}
	return w.f.Close()
}

func run(kind string, users, top, items int, seed uint64, stem string) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	runW, err := create(stem + ".run")
	if err != nil {
		return err
	}
	qrW, err := create(stem + ".qrels")
	if err != nil {
		return err
	}
	perm := make([]int, items)
	for i := range perm {
		perm[i] = i
	}
	for u := 0; u < users; u++ {
		uid := "u" + strconv.Itoa(u)
		var nPred, nLab int
		hasRun, hasLab := true, true
		switch kind {
		case "bench":
			nPred, nLab = top, 5+rng.IntN(16)
		default:
			switch r := rng.IntN(100); {
			case r < 3: // labels but no predictions
				hasRun = false
			case r < 6: // predictions but no labels
				hasLab = false
			}
			nPred = 1 + rng.IntN(25) // often fewer than K = 5 or 10
			nLab = 1 + rng.IntN(12)
		}
		// Draw nPred+nLab distinct items; labels overlap predictions often.
		n := min(items, nPred+nLab)
		for i := 0; i < n; i++ {
			j := i + rng.IntN(items-i)
			perm[i], perm[j] = perm[j], perm[i]
		}
		noRel := kind == "ref" && rng.IntN(100) < 6
		if hasLab {
			for i := 0; i < nLab; i++ {
				it := perm[nPred/2+i] // half inside the predicted set, half outside
				rel := rng.IntN(4)
				if noRel {
					rel = 0
				}
				qrW.b = qrW.b[:0]
				qrW.b = append(qrW.b, uid...)
				qrW.b = append(qrW.b, " 0 item"...)
				qrW.b = strconv.AppendInt(qrW.b, int64(it), 10)
				qrW.b = append(qrW.b, ' ')
				qrW.b = strconv.AppendInt(qrW.b, int64(rel), 10)
				qrW.b = append(qrW.b, '\n')
				qrW.w.Write(qrW.b)
			}
		}
		if hasRun {
			for i := 0; i < nPred; i++ {
				var score float64
				if kind == "bench" {
					score = float64(rng.IntN(1000000)) / 1e6
				} else {
					score = float64(rng.IntN(20)) / 8 // many ties
				}
				runW.b = runW.b[:0]
				runW.b = append(runW.b, uid...)
				runW.b = append(runW.b, " Q0 item"...)
				runW.b = strconv.AppendInt(runW.b, int64(perm[i]), 10)
				runW.b = append(runW.b, ' ')
				runW.b = strconv.AppendInt(runW.b, int64(i+1), 10)
				runW.b = append(runW.b, ' ')
				runW.b = strconv.AppendFloat(runW.b, score, 'f', -1, 64)
				runW.b = append(runW.b, " gen\n"...)
				runW.w.Write(runW.b)
			}
		}
	}
	if err := runW.close(); err != nil {
		return err
	}
	return qrW.close()
}
