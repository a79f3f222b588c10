package report

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnit renders junit.xml: a test suite per gate and a test case per check,
// so that GitLab's merge-request test widget lists each broken rule. A
// warning passes, with the warning in system-out.
func JUnit(r *gate.Report) ([]byte, error) {
	all := junitSuites{Name: "mlgate " + r.Name}
	var total float64
	for _, g := range r.Gates {
		s := junitSuite{Name: "mlgate." + g.Gate, Time: secs(g.Duration.Seconds())}
		total += g.Duration.Seconds()
		for _, c := range g.Checks {
			name := c.Name
			if c.Rule != "" {
				name += " " + c.Rule
			}
			tc := junitCase{Name: name, Classname: "mlgate." + g.Gate, Time: "0"}
			detail := checkDetail(c)
			switch c.Status {
			case gate.Fail:
				msg := c.Message
				if msg == "" {
					msg = "check failed"
				}
				tc.Failure = &junitFailure{Message: msg, Type: "GateFailure", Text: detail}
				s.Failures++
			case gate.Skip:
				tc.Skipped = &junitSkipped{Message: c.Message}
				s.Skipped++
			case gate.Warn:
				tc.SystemOut = "WARNING: " + c.Message + "\n" + detail
			default:
				tc.SystemOut = detail
			}
			s.Cases = append(s.Cases, tc)
		}
		s.Tests = len(s.Cases)
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Skipped += s.Skipped
		all.Suites = append(all.Suites, s)
	}
	all.Time = secs(total)
	out, err := xml.MarshalIndent(all, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

func checkDetail(c gate.Check) string {
	var parts []string
	add := func(k string, p *float64) {
		if p != nil {
			parts = append(parts, k+"="+gate.FormatNumber(*p))
		}
	}
	if c.Observed != "" {
		parts = append(parts, "observed="+strconv.Quote(c.Observed))
	}
	add("candidate", c.Candidate)
	add("baseline", c.Baseline)
	add("delta", c.Delta)
	add("ratio", c.Ratio)
	add("threshold", c.Threshold)
	return strings.Join(parts, " ")
}

func secs(s float64) string { return fmt.Sprintf("%.3f", s) }
