// Package docs holds the project's design documents; its test checks that
// the code keeps to architecture.md.
package docs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "gitlab.com/mlgate/mlgate/"

// rules are the two blocks of architecture.md's "Allowed imports": for
// each package pattern, the project packages it may import; for each
// binary, the patterns it must never link.
type rules struct {
	imports map[string][]string // pattern -> allowed patterns
	never   map[string][]string // binary -> forbidden patterns
}

// readRules parses the ```imports block of architecture.md: lines
// "PATTERN -> ALLOWED ..." ("-" for none) and "BINARY !> FORBIDDEN ...".
func readRules(t *testing.T) rules {
	t.Helper()
	b, err := os.ReadFile("architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	r := rules{imports: map[string][]string{}, never: map[string][]string{}}
	in := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "```imports":
			in = true
		case in && line == "```":
			in = false
		case !in || line == "" || strings.HasPrefix(line, "#"):
		case strings.Contains(line, " -> "):
			pat, rest, _ := strings.Cut(line, " -> ")
			r.imports[strings.TrimSpace(pat)] = allowed(rest)
		case strings.Contains(line, " !> "):
			bin, rest, _ := strings.Cut(line, " !> ")
			r.never[strings.TrimSpace(bin)] = strings.Fields(rest)
		default:
			t.Fatalf("architecture.md:%d: %q is neither \"PATTERN -> ALLOWED\" nor \"BINARY !> FORBIDDEN\"", n, line)
		}
	}
	if len(r.imports) == 0 || len(r.never) == 0 {
		t.Fatal("architecture.md has no ```imports block with both kinds of line")
	}
	return r
}

func allowed(s string) []string {
	if strings.TrimSpace(s) == "-" {
		return nil
	}
	return strings.Fields(s)
}

// match reports whether a package path (relative to the module, or a
// third-party path) matches pattern: exact, or "x/..." for x and below.
func match(pattern, pkg string) bool {
	if p, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == p || strings.HasPrefix(pkg, p+"/")
	}
	return pkg == pattern
}

// rule returns the most specific pattern that matches pkg: the package
// itself, else the deepest "x/..." above it.
func (r rules) rule(pkg string) (string, bool) {
	best, score := "", -1
	for p := range r.imports {
		if !match(p, pkg) {
			continue
		}
		s := 2 * len(strings.TrimSuffix(p, "/..."))
		if p == pkg {
			s++
		}
		if s > score {
			best, score = p, s
		}
	}
	return best, best != ""
}

type listed struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

func goList(t *testing.T, args ...string) []listed {
	t.Helper()
	// The tags of the Makefile's TAGS.
	cmd := exec.Command("go", append([]string{"list", "-tags", "nomsgpack", "-json=ImportPath,Imports,Deps"}, args...)...)
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	var ps []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	return ps
}

// TestImportDirections: every package of the project imports only what
// architecture.md allows it, and every package has a rule there.
func TestImportDirections(t *testing.T) {
	r := readRules(t)
	for _, p := range goList(t, "./...") {
		pkg := strings.TrimPrefix(p.ImportPath, module)
		if pkg == "docs" {
			continue
		}
		pat, ok := r.rule(pkg)
		if !ok {
			t.Errorf("%s: architecture.md has no rule for it", pkg)
			continue
		}
		for _, imp := range p.Imports {
			dep, ours := strings.CutPrefix(imp, module)
			if !ours {
				continue
			}
			ok := false
			for _, a := range r.imports[pat] {
				ok = ok || match(a, dep)
			}
			if !ok {
				t.Errorf("%s imports %s, which architecture.md does not allow (%s -> %s)", pkg, dep, pat, strings.Join(r.imports[pat], " "))
			}
		}
	}
}

// TestBinariesApart: neither binary links the other program's code.
func TestBinariesApart(t *testing.T) {
	r := readRules(t)
	bins := make([]string, 0, len(r.never))
	for b := range r.never {
		bins = append(bins, b)
	}
	sort.Strings(bins)
	for _, bin := range bins {
		ps := goList(t, "./"+bin)
		if len(ps) != 1 {
			t.Fatalf("go list ./%s: %d packages", bin, len(ps))
		}
		for _, dep := range ps[0].Deps {
			d := strings.TrimPrefix(dep, module)
			for _, f := range r.never[bin] {
				if match(f, d) {
					t.Errorf("%s links %s (architecture.md: %s !> %s)", bin, d, bin, f)
				}
			}
		}
	}
}
