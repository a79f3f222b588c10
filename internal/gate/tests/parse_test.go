package tests

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

func mustParse(tb testing.TB, name string) *Report {
	tb.Helper()
	r, err := ParseFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestParseWriters(t *testing.T) {
	cases := []struct {
		file    string
		want    Totals
		problem map[string]string // failing or erroring test ID → message
		suite   map[string]string // test ID → suite path
	}{
		{
			file: "pytest.xml",
			want: Totals{Tests: 5, Passed: 2, Failed: 1, Errors: 1, Skipped: 1},
			problem: map[string]string{
				"tests.test_model.test_recall_at_10": "AssertionError: assert 0.41 >= 0.45",
				"tests.test_features.test_load":      `failed on setup with "FileNotFoundError: data/x.csv"`,
			},
			suite: map[string]string{"tests.test_model.test_predict_shape": "pytest"},
		},
		{
			file: "go-junit-report.xml",
			want: Totals{Tests: 4, Passed: 2, Failed: 1, Skipped: 1},
			problem: map[string]string{
				"gitlab.com/acme/recsys/rank.TestMRR": "Failed",
			},
		},
		{
			file: "surefire.xml",
			want: Totals{Tests: 4, Passed: 2, Errors: 1, Skipped: 1},
			problem: map[string]string{
				"com.acme.recsys.ScorerTest.loadsModel": "model.bin (No such file or directory)",
			},
		},
		{
			file: "nested.xml",
			want: Totals{Tests: 4, Passed: 3, Failed: 1},
			problem: map[string]string{
				"Recommendations widget.handles an empty list": "expected 0 to equal 5 …",
			},
			suite: map[string]string{
				"Recommendations widget.renders five items": "frontend / Recommendations widget",
				"frontend.smoke":        "frontend",
				"loose.case under root": "",
			},
		},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			r := mustParse(t, c.file)
			if got := totals(r); got != c.want {
				t.Errorf("totals %+v, expected %+v", got, c.want)
			}
			seen := map[string]bool{}
			for _, tc := range r.Cases {
				if want, ok := c.suite[tc.ID()]; ok && tc.Suite != want {
					t.Errorf("%s: suite %q, expected %q", tc.ID(), tc.Suite, want)
				}
				if tc.Outcome != Failed && tc.Outcome != Errored {
					continue
				}
				seen[tc.ID()] = true
				want, ok := c.problem[tc.ID()]
				if !ok {
					t.Errorf("unexpected failing test %s", tc.ID())
				} else if tc.Message != want {
					t.Errorf("%s: message %q, expected %q", tc.ID(), tc.Message, want)
				}
			}
			for id := range c.problem {
				if !seen[id] {
					t.Errorf("failing test %s not found", id)
				}
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	for _, name := range []string{"truncated.xml", "html.xml", "empty.xml"} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseFile(filepath.Join("testdata", name))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v, expected ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("error %q does not name the file", err)
			}
			if strings.Count(err.Error(), "\n") > 0 {
				t.Errorf("error %q is more than one line", err)
			}
		})
	}
	_, err := ParseFile("testdata/missing.xml")
	if err == nil || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "testdata/missing.xml") {
		t.Errorf("missing file: error %v, expected one naming the file", err)
	}
}

func TestTrimLongMessages(t *testing.T) {
	long := strings.Repeat("é", 300)
	r, err := Parse("x.xml", []byte(`<testsuite><testcase name="t"><failure message="`+long+`"/></testcase></testsuite>`))
	if err != nil {
		t.Fatal(err)
	}
	m := r.Cases[0].Message
	if n := len([]rune(m)); n != MaxMessage || !strings.HasSuffix(m, "…") {
		t.Errorf("message of %d runes ending %q, expected %d ending with …", n, m[len(m)-3:], MaxMessage)
	}
}

func TestVerdict(t *testing.T) {
	all := []*Report{mustParse(t, "pytest.xml"), mustParse(t, "go-junit-report.xml"), mustParse(t, "surefire.xml"), mustParse(t, "nested.xml")}
	passing := &Report{File: "ok.xml", Cases: []Case{{Name: "a", Outcome: Passed}, {Name: "b", Outcome: Passed}, {Name: "c", Outcome: Skipped}}}
	cases := []struct {
		name     string
		reports  []*Report
		minTests int
		status   gate.Status
		failing  []string
	}{
		{"failures and errors", all, 1, gate.Fail, []string{"failures", "errors", "tests.test_model.test_recall_at_10", "tests.test_features.test_load", "gitlab.com/acme/recsys/rank.TestMRR", "com.acme.recsys.ScorerTest.loadsModel", "Recommendations widget.handles an empty list"}},
		{"all pass", []*Report{passing}, 2, gate.Pass, nil},
		{"too few run (skipped do not count)", []*Report{passing}, 3, gate.Fail, []string{"tests run"}},
		{"no reports", nil, 1, gate.Fail, []string{"tests run"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Verdict(c.reports, c.minTests)
			if res.Status != c.status {
				t.Errorf("status %s, expected %s (%s)", res.Status, c.status, res.Summary)
			}
			var failing []string
			for _, ch := range res.Checks {
				if ch.Status == gate.Fail {
					failing = append(failing, ch.Name)
				}
			}
			if strings.Join(failing, "|") != strings.Join(c.failing, "|") {
				t.Errorf("failing checks %q, expected %q", failing, c.failing)
			}
		})
	}
	res := Verdict(all, 1)
	if want := "17 tests in 4 files: 9 passed, 3 failed, 2 errors, 3 skipped."; res.Summary != want {
		t.Errorf("summary %q, expected %q", res.Summary, want)
	}
	for _, ch := range res.Checks {
		if ch.Name == "com.acme.recsys.ScorerTest.loadsModel" && ch.Message != "error (testdata/surefire.xml): java.io.FileNotFoundException: model.bin (No such file or directory)" {
			t.Errorf("message %q", ch.Message)
		}
	}
}

// FuzzParse checks that no input makes the parser panic and that a parsed
// report's counts add up.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"pytest.xml", "go-junit-report.xml", "surefire.xml", "nested.xml", "truncated.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<testsuite><testsuite><testsuite><testcase/></testsuite></testsuite></testsuite>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse("fuzz.xml", data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		tot := totals(r)
		if tot.Passed+tot.Failed+tot.Errors+tot.Skipped != tot.Tests {
			t.Fatalf("counts do not add up: %+v", tot)
		}
		_ = Verdict([]*Report{r}, 1)
	})
}

func TestDeclaredFailuresWithoutCases(t *testing.T) {
	r, err := Parse("crash.xml", []byte(`<testsuites><testsuite name="com.acme.ForkTest" tests="3" failures="0" errors="1"><testcase name="a" classname="c"/></testsuite></testsuites>`))
	if err != nil {
		t.Fatal(err)
	}
	if got := totals(r); got.Errors != 1 || got.Tests != 2 {
		t.Fatalf("totals %+v, expected the declared error as a case", got)
	}
	if c := r.Cases[1]; c.Name != "suite com.acme.ForkTest" || c.Message != "the suite declares 0 failures and 1 errors but lists 0 failing test cases" {
		t.Errorf("case %+v", c)
	}
	if res := Verdict([]*Report{r}, 1); res.Status != gate.Fail {
		t.Errorf("status %s", res.Status)
	}
}
