package bot

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// MatchType is the operator of a Matcher.
type MatchType string

// The four operators of Alertmanager's matchers.
const (
	MatchEqual     MatchType = "="
	MatchNotEqual  MatchType = "!="
	MatchRegexp    MatchType = "=~"
	MatchNotRegexp MatchType = "!~"
)

// Matcher tests one label, as Alertmanager's route matchers do: a missing
// label has the value "", and a regular expression is anchored at both ends.
type Matcher struct {
	Name  string
	Type  MatchType
	Value string
	re    *regexp.Regexp
}

// NewMatcher returns a matcher; a regular expression that does not compile
// is an error.
func NewMatcher(name string, t MatchType, value string) (*Matcher, error) {
	if !validLabelName(name) {
		return nil, fmt.Errorf("label name %q: expected letters, digits and underscores, not starting with a digit", name)
	}
	m := &Matcher{Name: name, Type: t, Value: value}
	switch t {
	case MatchEqual, MatchNotEqual:
	case MatchRegexp, MatchNotRegexp:
		re, err := regexp.Compile("^(?:" + value + ")$")
		if err != nil {
			return nil, fmt.Errorf("regular expression %q: %w", value, err)
		}
		m.re = re
	default:
		return nil, fmt.Errorf("operator %q: expected =, !=, =~ or !~", t)
	}
	return m, nil
}

// ParseMatcher parses `name="value"`, `name!="value"`, `name=~"re"` or
// `name!~"re"`; the value may be unquoted.
func ParseMatcher(s string) (*Matcher, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, "=!")
	if i <= 0 {
		return nil, fmt.Errorf("matcher %q: expected name=\"value\", name!=\"value\", name=~\"regex\" or name!~\"regex\"", s)
	}
	name := strings.TrimSpace(s[:i])
	rest := s[i:]
	var t MatchType
	switch {
	case strings.HasPrefix(rest, "=~"):
		t = MatchRegexp
	case strings.HasPrefix(rest, "!~"):
		t = MatchNotRegexp
	case strings.HasPrefix(rest, "!="):
		t = MatchNotEqual
	case strings.HasPrefix(rest, "="):
		t = MatchEqual
	default:
		return nil, fmt.Errorf("matcher %q: expected an operator =, !=, =~ or !~ after %q", s, name)
	}
	val := strings.TrimSpace(rest[len(t):])
	if strings.HasPrefix(val, `"`) {
		u, err := strconv.Unquote(val)
		if err != nil {
			return nil, fmt.Errorf("matcher %q: value %s is not a valid quoted string", s, val)
		}
		val = u
	}
	m, err := NewMatcher(name, t, val)
	if err != nil {
		return nil, fmt.Errorf("matcher %q: %w", s, err)
	}
	return m, nil
}

// Matches reports whether labels satisfy the matcher.
func (m *Matcher) Matches(labels map[string]string) bool {
	v := labels[m.Name]
	switch m.Type {
	case MatchEqual:
		return v == m.Value
	case MatchNotEqual:
		return v != m.Value
	case MatchRegexp:
		return m.re.MatchString(v)
	case MatchNotRegexp:
		return !m.re.MatchString(v)
	}
	return false
}

// String returns the matcher as it is written in config.
func (m *Matcher) String() string {
	return m.Name + string(m.Type) + strconv.Quote(m.Value)
}

func validLabelName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}
