package tests

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// ErrMalformed marks a file that is not a JUnit XML report.
var ErrMalformed = errors.New("not a JUnit XML report")

// Outcome is what happened to one test case.
type Outcome string

// The outcomes. A case with both a failure and an error counts as an error.
const (
	Passed  Outcome = "passed"
	Failed  Outcome = "failed"
	Errored Outcome = "error"
	Skipped Outcome = "skipped"
)

// Case is one test case of a report.
type Case struct {
	// Suite is the path of suite names down to the case, joined by " / ".
	Suite     string
	Classname string
	Name      string
	Time      float64
	Outcome   Outcome
	// Message is the failure's, error's or skip's message attribute, or
	// the first line of its text when there is none.
	Message string
	// Type is the failure's or error's type attribute (an exception class).
	Type string
}

// ID returns "classname.name" (or name alone without a class name).
func (c Case) ID() string {
	if c.Classname == "" {
		return c.Name
	}
	return c.Classname + "." + c.Name
}

// Report is one parsed file.
type Report struct {
	File  string
	Cases []Case
}

// Count returns the number of cases with outcome o.
func (r *Report) Count(o Outcome) int {
	n := 0
	for _, c := range r.Cases {
		if c.Outcome == o {
			n++
		}
	}
	return n
}

type xmlSuite struct {
	XMLName xml.Name
	Name    string `xml:"name,attr"`
	// Failures and Errors are the writer's own counts, checked against
	// the cases.
	Failures string     `xml:"failures,attr"`
	Errors   string     `xml:"errors,attr"`
	Suites   []xmlSuite `xml:"testsuite"`
	Cases    []xmlCase  `xml:"testcase"`
}

type xmlCase struct {
	Name      string       `xml:"name,attr"`
	Classname string       `xml:"classname,attr"`
	Time      string       `xml:"time,attr"`
	Failures  []xmlProblem `xml:"failure"`
	Errors    []xmlProblem `xml:"error"`
	Skipped   []xmlProblem `xml:"skipped"`
}

type xmlProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// ParseFile reads and parses the JUnit XML report at path. A file that
// cannot be read or is not JUnit XML gives an error naming the file.
func ParseFile(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read junit report %s: %w", path, err)
	}
	return Parse(path, b)
}

// Parse parses a JUnit XML report; name is used in errors and as
// Report.File.
func Parse(name string, data []byte) (*Report, error) {
	var root xmlSuite
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = func(charset string, in io.Reader) (io.Reader, error) {
		// Writers declare UTF-8 or ASCII in practice; read others as is.
		return in, nil
	}
	if err := dec.Decode(&root); err != nil {
		if err == io.EOF {
			return nil, fmt.Errorf("%s: %w: the file is empty", name, ErrMalformed)
		}
		return nil, fmt.Errorf("%s: %w: %v", name, ErrMalformed, err)
	}
	rep := &Report{File: name}
	switch root.XMLName.Local {
	case "testsuites":
		for _, s := range root.Suites {
			n := len(rep.Cases)
			walk(rep, s, nil)
			declared(rep, s, rep.Cases[n:])
		}
		// Some writers put cases straight under testsuites.
		walkCases(rep, root.Cases, nil)
	case "testsuite":
		walk(rep, root, nil)
		declared(rep, root, rep.Cases)
	default:
		return nil, fmt.Errorf("%s: %w: root element is <%s>, expected <testsuites> or <testsuite>", name, ErrMalformed, root.XMLName.Local)
	}
	return rep, nil
}

// declared adds an error case when a top-level suite declares more failures
// and errors than its cases show (a crashed test process, say), so that a
// report that says it failed never passes.
func declared(rep *Report, s xmlSuite, cases []Case) {
	f, _ := strconv.Atoi(strings.TrimSpace(s.Failures))
	e, _ := strconv.Atoi(strings.TrimSpace(s.Errors))
	listed := 0
	for _, c := range cases {
		if c.Outcome == Failed || c.Outcome == Errored {
			listed++
		}
	}
	if f+e > listed {
		name := s.Name
		if name == "" {
			name = "(unnamed)"
		}
		rep.Cases = append(rep.Cases, Case{Suite: s.Name, Name: "suite " + name, Outcome: Errored,
			Message: fmt.Sprintf("the suite declares %d failures and %d errors but lists %d failing test cases", f, e, listed)})
	}
}

func walk(rep *Report, s xmlSuite, path []string) {
	if s.Name != "" {
		path = append(path[:len(path):len(path)], s.Name)
	}
	walkCases(rep, s.Cases, path)
	for _, sub := range s.Suites {
		walk(rep, sub, path)
	}
}

func walkCases(rep *Report, cases []xmlCase, path []string) {
	for _, x := range cases {
		c := Case{Suite: strings.Join(path, " / "), Classname: x.Classname, Name: x.Name, Outcome: Passed}
		c.Time, _ = strconv.ParseFloat(strings.TrimSpace(x.Time), 64)
		switch {
		case len(x.Errors) > 0:
			c.Outcome, c.Message, c.Type = Errored, message(x.Errors[0]), x.Errors[0].Type
		case len(x.Failures) > 0:
			c.Outcome, c.Message, c.Type = Failed, message(x.Failures[0]), x.Failures[0].Type
		case len(x.Skipped) > 0:
			c.Outcome, c.Message = Skipped, message(x.Skipped[0])
		}
		rep.Cases = append(rep.Cases, c)
	}
}

// MaxMessage is the longest message kept, in runes.
const MaxMessage = 200

func message(p xmlProblem) string {
	m := strings.TrimSpace(p.Message)
	if m == "" {
		m = strings.TrimSpace(p.Text)
	}
	if i := strings.IndexByte(m, '\n'); i >= 0 {
		m = strings.TrimSpace(m[:i]) + " …"
	}
	return Trim(m, MaxMessage)
}

// Trim shortens s to at most n runes, ending with "…" when cut.
func Trim(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
