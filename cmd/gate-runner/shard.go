package main

import (
	"fmt"
	"strconv"
	"strings"
)

// shard is one job's share of a list of inputs: the Index-th (1-based, as
// GitLab's CI_NODE_INDEX) of Total.
type shard struct{ Index, Total int }

// parseShard reads --shard: "I/N" with 1 ≤ I ≤ N, or "auto" for GitLab's
// CI_NODE_INDEX and CI_NODE_TOTAL (a job without parallel: has neither and
// is shard 1/1). getenv reads the environment. Errors are one line naming
// what was found and what was expected.
func parseShard(s string, getenv func(string) string) (shard, error) {
	if s == "auto" {
		idx, tot := getenv("CI_NODE_INDEX"), getenv("CI_NODE_TOTAL")
		if idx == "" && tot == "" {
			return shard{1, 1}, nil
		}
		sh, err := parseShardNumbers(idx, tot)
		if err != nil {
			return shard{}, fmt.Errorf("--shard auto: CI_NODE_INDEX %q and CI_NODE_TOTAL %q: %w", idx, tot, err)
		}
		return sh, nil
	}
	i, n, ok := strings.Cut(s, "/")
	if !ok {
		return shard{}, fmt.Errorf("--shard %q: expected I/N (the I-th of N shards, 1 ≤ I ≤ N) or auto (CI_NODE_INDEX/CI_NODE_TOTAL of a parallel: job)", s)
	}
	sh, err := parseShardNumbers(i, n)
	if err != nil {
		return shard{}, fmt.Errorf("--shard %q: %w", s, err)
	}
	return sh, nil
}

// maxShards bounds N; GitLab's parallel: allows at most 200 jobs.
const maxShards = 100000

func parseShardNumbers(i, n string) (shard, error) {
	idx, err1 := strconv.Atoi(strings.TrimSpace(i))
	tot, err2 := strconv.Atoi(strings.TrimSpace(n))
	if err1 != nil || err2 != nil {
		return shard{}, fmt.Errorf("expected two whole numbers I/N with 1 ≤ I ≤ N ≤ %d", maxShards)
	}
	if tot < 1 || tot > maxShards || idx < 1 || idx > tot {
		return shard{}, fmt.Errorf("shard %d of %d; expected 1 ≤ I ≤ N ≤ %d", idx, tot, maxShards)
	}
	return shard{idx, tot}, nil
}

// pick returns the shard's files of the sorted list: round-robin, the
// files at positions Index−1, Index−1+Total, … A list the same in every
// job gives every file to exactly one shard; a shard may get none.
func (s shard) pick(files []string) []string {
	var out []string
	for j := s.Index - 1; j < len(files); j += s.Total {
		out = append(out, files[j])
	}
	return out
}

func (s shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Total) }
