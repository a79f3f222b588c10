package bot

import "testing"

func TestMatcher(t *testing.T) {
	labels := map[string]string{"alertname": "FeatureDrift", "severity": "critical", "model": "rec"}
	tests := []struct {
		in   string
		want bool
	}{
		{`alertname="FeatureDrift"`, true},
		{`alertname=FeatureDrift`, true},
		{`alertname!="FeatureDrift"`, false},
		{`alertname=~"Feature.*"`, true},
		{`alertname=~"Feature"`, false}, // anchored: a prefix is not a match
		{`alertname=~"Drift"`, false},
		{`alertname=~".*Drift"`, true},
		{`alertname!~"Concept.*"`, true},
		{`missing=""`, true}, // a missing label is ""
		{`missing!=""`, false},
		{`missing=~".+"`, false},
		{`severity=~"warning|critical"`, true},
		{` model = "rec" `, true},
		{`model="a\"b"`, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			m, err := ParseMatcher(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Matches(labels); got != tc.want {
				t.Errorf("%s matches = %v, want %v", m, got, tc.want)
			}
		})
	}
}

func TestParseMatcherErrors(t *testing.T) {
	tests := map[string]string{
		`novalue`:  `matcher "novalue": expected name="value", name!="value", name=~"regex" or name!~"regex"`,
		`="x"`:     `matcher "=\"x\"": expected name="value", name!="value", name=~"regex" or name!~"regex"`,
		`1a="x"`:   `matcher "1a=\"x\"": label name "1a": expected letters, digits and underscores, not starting with a digit`,
		`a="x`:     `matcher "a=\"x": value "x is not a valid quoted string`,
		`a!x`:      `matcher "a!x": expected an operator =, !=, =~ or !~ after "a"`,
		`a=~"[a-"`: "matcher \"a=~\\\"[a-\\\"\": regular expression \"[a-\": error parsing regexp: invalid character class range: `a-)`",
	}
	for in, want := range tests {
		_, err := ParseMatcher(in)
		if err == nil || err.Error() != want {
			t.Errorf("ParseMatcher(%q) error\n got %v\nwant %s", in, err, want)
		}
	}
}

// FuzzParseMatcher checks that any input parses or fails without a panic,
// and that a parsed matcher written back parses to the same matcher.
func FuzzParseMatcher(f *testing.F) {
	for _, s := range []string{`a="b"`, `a!="b"`, `a=~"x|y"`, `a!~".*"`, `a=b`, `a="\"q\""`, `=`, `a=~"("`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMatcher(s)
		if err != nil {
			return
		}
		again, err := ParseMatcher(m.String())
		if err != nil {
			t.Fatalf("%q parsed to %s, which does not parse: %v", s, m, err)
		}
		if again.Name != m.Name || again.Type != m.Type || again.Value != m.Value {
			t.Fatalf("%q: %s parses back to %s", s, m, again)
		}
		m.Matches(map[string]string{m.Name: m.Value})
	})
}
