package main

import (
	"slices"
	"strings"
	"testing"
)

func TestParseShard(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		in   string
		env  func(string) string
		want shard
		err  string
	}{
		{"1/1", env(), shard{1, 1}, ""},
		{"3/4", env(), shard{3, 4}, ""},
		{"auto", env(), shard{1, 1}, ""},
		{"auto", env("CI_NODE_INDEX", "2", "CI_NODE_TOTAL", "4"), shard{2, 4}, ""},
		{"5/4", env(), shard{}, `--shard "5/4": shard 5 of 4; expected 1 ≤ I ≤ N ≤ 100000`},
		{"0/0", env(), shard{}, `--shard "0/0": shard 0 of 0; expected 1 ≤ I ≤ N ≤ 100000`},
		{"0/4", env(), shard{}, `shard 0 of 4`},
		{"x", env(), shard{}, `--shard "x": expected I/N (the I-th of N shards, 1 ≤ I ≤ N) or auto`},
		{"a/b", env(), shard{}, `--shard "a/b": expected two whole numbers I/N`},
		{"auto", env("CI_NODE_INDEX", "2"), shard{}, `--shard auto: CI_NODE_INDEX "2" and CI_NODE_TOTAL "": expected two whole numbers`},
		{"auto", env("CI_NODE_INDEX", "7", "CI_NODE_TOTAL", "4"), shard{}, `shard 7 of 4`},
	} {
		got, err := parseShard(c.in, c.env)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), "\n") {
				t.Errorf("parseShard(%q): %v, want one line containing %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("parseShard(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

// TestShardPick: every file goes to exactly one shard, round-robin.
func TestShardPick(t *testing.T) {
	files := []string{"a", "b", "c", "d", "e", "f", "g"}
	var all []string
	for i := 1; i <= 3; i++ {
		all = append(all, shard{i, 3}.pick(files)...)
	}
	slices.Sort(all)
	if !slices.Equal(all, files) || !slices.Equal(shard{2, 3}.pick(files), []string{"b", "e"}) {
		t.Errorf("3 shards of %v: %v, shard 2 %v", files, all, shard{2, 3}.pick(files))
	}
	if got := (shard{4, 4}).pick([]string{"a", "b"}); got != nil {
		t.Errorf("shard 4/4 of two files: %v, want none", got)
	}
}

// FuzzParseShard: any --shard value and environment is a shard within
// range or a one-line error, never a panic.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"1/1", "5/4", "0/0", "auto", "x", "-1/3", "3/-1", "99999999999999999999/1", " 2/ 3"} {
		f.Add(s, "2", "4")
	}
	f.Fuzz(func(t *testing.T, s, idx, tot string) {
		sh, err := parseShard(s, func(k string) string {
			if k == "CI_NODE_INDEX" {
				return idx
			}
			return tot
		})
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
			return
		}
		if sh.Index < 1 || sh.Index > sh.Total || sh.Total > maxShards {
			t.Fatalf("parseShard(%q) = %v", s, sh)
		}
	})
}
