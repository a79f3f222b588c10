package main

import (
	"flag"
	"fmt"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

// usageError is a mistake in the command line itself (a flag or command
// that does not exist, a flag without its value, a stray argument): Run
// prints its one line and then the command's usage line, and exits 2.
type usageError struct {
	cmd string // the subcommand, "" for gate-runner itself
	err error
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return gate.Input(e.err) }

// usageLine is the one-line synopsis printed after a usage error.
func usageLine(cmd string) string {
	if c, ok := commands[cmd]; ok {
		return fmt.Sprintf("usage: gate-runner %s %s", cmd, c.usage)
	}
	return "usage: gate-runner COMMAND [flags]; commands: " + strings.Join(commandNames(), ", ") + " (gate-runner -h for more)"
}

// flagError turns the flag package's error into a usage error; for a flag
// that is not defined it names the nearest one that is.
func flagError(fs *flag.FlagSet, err error) error {
	cmd := strings.Fields(fs.Name())[0]
	const undefined = "flag provided but not defined: -"
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, undefined); ok {
		msg = "unknown flag " + dashes(name)
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if s := nearest(name, names); s != "" {
			msg += ": did you mean " + dashes(s) + "?"
		}
	}
	return &usageError{cmd: cmd, err: fmt.Errorf("%s", msg)}
}

// dashes spells a flag as the usage lines do: -c, --out.
func dashes(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// nearest returns the candidate closest to s by edit distance when it is
// close enough to be a typo (at most a third of the longer name, at least
// one edit), or one that s is a prefix of; "" when none is.
func nearest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if len(s) >= 3 && strings.HasPrefix(c, s) {
			d = min(d, 1)
		}
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	if limit := max(1, max(len(s), len(best))/3); bestD > limit {
		return ""
	}
	return best
}

// editDistance is the Damerau–Levenshtein distance (optimal string
// alignment) of a and b: an adjacent swap counts as one edit.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
