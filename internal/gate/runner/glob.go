package runner

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/dataset/blob"
)

// ExpandGlobs returns the inputs the patterns match, sorted and without
// repeats: the one place a list of patterns becomes a list of inputs (JUnit
// reports, data files), so that a new kind of input plugs in here. A
// pattern that matches nothing is an error naming it; a plain path that
// does not exist is reported as missing. Callers add what the inputs are
// for (the flag or config key) to the error. An s3:// pattern (a prefix
// ending in "/" or a key with wildcards) is listed by blob.Expand; a plain
// s3:// URL is kept as it is, its reader reports a missing object.
func ExpandGlobs(ctx context.Context, patterns []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, p := range patterns {
		var matches []string
		var err error
		switch {
		case blob.IsURL(p):
			if matches, err = blob.Expand(ctx, p); err != nil {
				return nil, err
			}
		case strings.Contains(p, "**"):
			matches, err = doubleStar(p)
		case strings.ContainsAny(p, "*?["):
			matches, err = filepath.Glob(p)
		default:
			if _, serr := os.Stat(p); serr != nil {
				return nil, serr
			}
			matches = []string{p}
		}
		if err != nil {
			return nil, fmt.Errorf("%q: %w", p, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%q matches no file", p)
		}
		for _, f := range matches {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// doubleStar matches a pattern in which "**" stands for any number of
// directories, walking from the directory before the first "**".
func doubleStar(p string) ([]string, error) {
	root := "."
	if i := strings.Index(p, "**"); i > 0 {
		root = filepath.Clean(p[:i])
	}
	re, err := globRegexp(filepath.ToSlash(filepath.Clean(p)))
	if err != nil {
		return nil, err
	}
	var out []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && re.MatchString(filepath.ToSlash(filepath.Clean(path))) {
			out = append(out, path)
		}
		return nil
	})
	return out, err
}

// globRegexp turns a glob with ** into a regular expression.
func globRegexp(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(p); i++ {
		switch ch := p[i]; ch {
		case '*':
			if strings.HasPrefix(p[i:], "**/") {
				b.WriteString("(?:.*/)?")
				i += 2
			} else if strings.HasPrefix(p[i:], "**") {
				b.WriteString(".*")
				i++
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}
