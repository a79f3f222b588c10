// Command bigprofile writes a large CSV for the profile benchmark: rows ×
// cols cells, every tenth column categorical, the others numeric with
// normal, log-normal (heavy-tailed), tied-integer and uniform
// distributions, and about 1% missing cells. Rows are generated in
// chunks by parallel workers from per-chunk seeds, so the file is the
// same for the same flags.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
)

const chunkRows = 20000

func main() {
	rows := flag.Int("rows", 10_000_000, "data rows")
	cols := flag.Int("cols", 200, "columns")
	out := flag.String("out", "", "CSV file to write")
	flag.Parse()
	if *out == "" || *rows < 1 || *cols < 1 {
		fmt.Fprintln(os.Stderr, "usage: bigprofile -out FILE.csv [-rows N] [-cols N]")
		os.Exit(2)
	}
	if err := write(*out, *rows, *cols); err != nil {
		fmt.Fprintln(os.Stderr, "bigprofile:", err)
		os.Exit(1)
	}
}

func write(path string, rows, cols int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for c := 0; c < cols; c++ {
		if c > 0 {
			w.WriteByte(',')
		}
		if c%10 == 9 {
			fmt.Fprintf(w, "c%d", c)
		} else {
			fmt.Fprintf(w, "f%d", c)
		}
	}
	w.WriteByte('\n')
	chunks := (rows + chunkRows - 1) / chunkRows
	workers := runtime.GOMAXPROCS(0)
	// Chunk i is built by worker i%workers and written in order.
	results := make([]chan []byte, workers)
	for k := range results {
		results[k] = make(chan []byte, 2)
		go func(k int) {
			for i := k; i < chunks; i += workers {
				n := min(chunkRows, rows-i*chunkRows)
				results[k] <- chunk(uint64(i), n, cols)
			}
			close(results[k])
		}(k)
	}
	for i := 0; i < chunks; i++ {
		if _, err := w.Write(<-results[i%workers]); err != nil {
			f.Close()
			return err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// chunk returns n CSV rows generated from seed.
func chunk(seed uint64, n, cols int) []byte {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	b := make([]byte, 0, n*cols*8)
	for r := 0; r < n; r++ {
		for c := 0; c < cols; c++ {
			if c > 0 {
				b = append(b, ',')
			}
			if rng.IntN(100) == 0 {
				continue // missing
			}
			switch {
			case c%10 == 9:
				b = append(b, 'k')
				b = strconv.AppendInt(b, int64(rng.IntN(5+c%7)), 10)
			case c%4 == 0:
				b = strconv.AppendFloat(b, rng.NormFloat64()*float64(1+c%5)+float64(c%3), 'f', 4, 64)
			case c%4 == 1:
				b = strconv.AppendFloat(b, math.Exp(1.5*rng.NormFloat64()), 'g', 5, 64)
			case c%4 == 2:
				b = strconv.AppendInt(b, int64(rng.IntN(50)), 10)
			default:
				b = strconv.AppendFloat(b, rng.Float64()*100, 'f', 3, 64)
			}
		}
		b = append(b, '\n')
	}
	return b
}
