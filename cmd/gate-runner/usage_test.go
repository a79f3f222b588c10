package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMistypedFlagOrCommand: a flag or command that does not exist gets
// one line naming it (with the nearest real one when there is a close
// one) and the usage line, and exit 2.
func TestMistypedFlagOrCommand(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		line  string
		usage string
	}{
		{"flag", []string{"compare", "--candidat", "c.json"}, "gate-runner compare: unknown flag --candidat: did you mean --candidate?", "usage: gate-runner compare --candidate FILE"},
		{"swapped letters", []string{"drift", "--refernece", "r.csv"}, "gate-runner drift: unknown flag --refernece: did you mean --reference?", "usage: gate-runner drift --reference FILE|PROFILE"},
		{"single dash", []string{"metrics", "-predictons", "p.csv"}, "gate-runner metrics: unknown flag --predictons: did you mean --predictions?", "usage: gate-runner metrics "},
		{"nothing near", []string{"data", "--zzzzzz"}, "gate-runner data: unknown flag --zzzzzz", "usage: gate-runner data --data FILE"},
		{"no -c on demo", []string{"demo", "-c", "x.yml"}, "gate-runner demo: unknown flag -c", "usage: gate-runner demo [--format F] [--out DIR]"},
		{"missing value", []string{"drift", "--out"}, "gate-runner drift: flag needs an argument: -out", "usage: gate-runner drift "},
		{"command", []string{"comapre"}, `gate-runner: unknown command "comapre": did you mean compare?`, "usage: gate-runner COMMAND [flags]; commands: abtest, "},
		{"command prefix", []string{"valid"}, `gate-runner: unknown command "valid": did you mean validate?`, "usage: gate-runner COMMAND"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runMain(t, nil, c.args...)
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if code != 2 || len(lines) != 2 || lines[0] != c.line || !strings.HasPrefix(lines[1], c.usage) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %q;\nwant exit 2, stderr %q then a line starting %q", code, stderr, stdout, c.line, c.usage)
			}
			if c.name == "nothing near" && strings.Contains(stderr, "did you mean") {
				t.Errorf("suggested a flag far from the typo: %q", stderr)
			}
		})
	}
}

var flagToken = regexp.MustCompile(`(?:^|[\s\[|])(--?[a-z][a-z0-9-]*)`)

// synopsisFlags returns the flags a synopsis names, without dashes.
func synopsisFlags(s string) []string {
	var fs []string
	for _, m := range flagToken.FindAllStringSubmatch(s, -1) {
		fs = append(fs, strings.TrimLeft(m[1], "-"))
	}
	return fs
}

// helpFlags returns the flags `gate-runner CMD -h` lists.
func helpFlags(tb testing.TB, cmd ...string) map[string]bool {
	tb.Helper()
	code, stdout, stderr := runMain(tb, nil, append(cmd, "-h")...)
	if code != 0 {
		tb.Fatalf("%s -h: exit %d %s", cmd, code, stderr)
	}
	got := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*)`).FindAllStringSubmatch(stdout, -1) {
		got[m[1]] = true
	}
	return got
}

// TestOneFlagVocabulary holds every subcommand to the README's sentence:
// each takes -c, --format and --out, but for the exceptions the README
// names; and every flag a synopsis (in gate-runner -h or the README)
// names is one the command defines.
func TestOneFlagVocabulary(t *testing.T) {
	except := map[string][]string{"validate": {"format", "out"}, "demo": {"c"}, "version": {"c", "format", "out"}}
	for _, n := range commandNames() {
		if n == "version" {
			continue
		}
		defined := helpFlags(t, n)
		for _, f := range []string{"c", "format", "out"} {
			if defined[f] == contains(except[n], f) {
				t.Errorf("%s: flag -%s defined %v, but the README says it is %v", n, f, defined[f], !contains(except[n], f))
			}
		}
		main, merge, _ := strings.Cut(commands[n].usage, "| merge ")
		for _, f := range synopsisFlags(main) {
			if !defined[f] {
				t.Errorf("%s: the synopsis names -%s, which the command does not define", n, f)
			}
		}
		if merge != "" {
			defined := helpFlags(t, n, "merge")
			for _, f := range synopsisFlags(merge) {
				if !defined[f] {
					t.Errorf("%s merge: the synopsis names -%s, which the command does not define", n, f)
				}
			}
		}
	}

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, line := range strings.Split(string(readme), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "gate-runner" {
			continue
		}
		if _, ok := commands[f[1]]; !ok {
			continue
		}
		seen++
		cmd := []string{f[1]}
		if len(f) > 2 && f[2] == "merge" {
			cmd = append(cmd, "merge")
		}
		defined := helpFlags(t, cmd...)
		// The README's synopsis is the text before its summary, which
		// is set off by at least two spaces.
		syn := regexp.MustCompile(`\s{2,}\S.*$`).ReplaceAllString(line, "")
		for _, fl := range synopsisFlags(syn) {
			if !defined[fl] {
				t.Errorf("README %q names -%s, which %s does not define", strings.TrimSpace(syn), fl, strings.Join(cmd, " "))
			}
		}
	}
	if seen < len(commands)-1 {
		t.Errorf("README lists %d synopses, want one a command", seen)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestMetricsOut: --out DIR writes DIR/metrics.json (the path the README's
// baseline example reads), a path ending in .json is the file, and -c
// supplies the candidate's files.
func TestMetricsOut(t *testing.T) {
	dir := t.TempDir()
	pred, labels := "../../internal/evaluation/testdata/ref.run.gz", "../../internal/evaluation/testdata/ref.qrels.gz"
	outDir := filepath.Join(dir, "mlgate-out") + "/"
	if code, _, stderr := runMain(t, nil, "metrics", "--predictions", pred, "--labels", labels, "--out", outDir); code != 0 {
		t.Fatalf("--out DIR/: exit %d %s", code, stderr)
	}
	if !strings.Contains(readFile(t, filepath.Join(outDir, "metrics.json")), `"precision@5"`) {
		t.Error("DIR/metrics.json has no precision@5")
	}
	file := filepath.Join(dir, "m.json")
	if code, _, stderr := runMain(t, nil, "metrics", "--predictions", pred, "--labels", labels, "--out", file); code != 0 {
		t.Fatalf("--out FILE.json: exit %d %s", code, stderr)
	}
	readFile(t, file)
	cfg := mustWrite(t, dir, "m.yml", "gates:\n  compare:\n    candidate: {predictions: "+pred+", labels: "+labels+", k: [3]}\n    rules: [{metric: precision@3, min: 0}]\n")
	code, stdout, stderr := runMain(t, nil, "metrics", "-c", cfg, "--format", "markdown")
	if code != 0 || !strings.Contains(stdout, "| precision@3 |") || strings.Contains(stdout, "precision@5") {
		t.Errorf("-c: exit %d %s\n%s", code, stderr, stdout)
	}
}

// TestProfileFlags: profile takes --out DIR, --format and -c like the
// gate commands.
func TestProfileFlags(t *testing.T) {
	dir := t.TempDir()
	data := driftCSV(t, dir, "ref.csv", 100, 0)
	out := filepath.Join(dir, "profiles")
	code, stdout, stderr := runMain(t, nil, "profile", "--data", data, "--out", out, "--format", "json", "--memory", "0")
	want := filepath.Join(out, "ref.profile.json")
	if code != 0 || !strings.Contains(stdout, `"profile": "`+want+`"`) || !strings.Contains(stdout, `"rows": 100`) {
		t.Fatalf("exit %d %s\n%s", code, stderr, stdout)
	}
	readFile(t, want)
	cfg := mustWrite(t, dir, "m.yml", "report: {out: "+filepath.Join(dir, "o")+"}\ngates:\n  drift:\n    reference: "+data+"\n    bins: 5\n")
	if code, stdout, stderr := runMain(t, nil, "profile", "-c", cfg); code != 0 || !strings.Contains(stdout, "Wrote "+filepath.Join(dir, "o", "ref.profile.json")) {
		t.Errorf("-c: exit %d %s\n%s", code, stderr, stdout)
	}
	if code, _, stderr := runMain(t, nil, "profile", "--data", data, "--out", filepath.Join(dir, "x.json")); code != 2 || !strings.Contains(stderr, "must end in .profile.json") {
		t.Errorf("--out x.json: exit %d %s", code, stderr)
	}
}
