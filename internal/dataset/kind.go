package dataset

import (
	"fmt"
	"strings"
	"time"
)

// Kind is the type of a column's values.
type Kind string

// The column kinds. Boolean columns are compared as two categories;
// timestamps as numbers (seconds since the Unix epoch, UTC).
const (
	Numeric     Kind = "numeric"
	Categorical Kind = "categorical"
	Boolean     Kind = "boolean"
	Timestamp   Kind = "timestamp"
)

// ParseKind checks a kind's name as a config spells it.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(strings.ToLower(s)); k {
	case Numeric, Categorical, Boolean, Timestamp:
		return k, nil
	}
	return "", fmt.Errorf("unknown column type %q: expected numeric, categorical, boolean or timestamp", s)
}

// parseBool reads the spellings of a boolean a CSV or JSON writer uses.
func parseBool(s string) (bool, bool) {
	switch s {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// parseTimestamp reads an RFC 3339 or ISO-like date-time (UTC when no
// zone is given) as seconds since the Unix epoch.
func parseTimestamp(s string) (float64, bool) {
	if len(s) < 10 || s[4] != '-' {
		return 0, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return unixSeconds(t), true
		}
	}
	return 0, false
}

// inference decides a column's kind from sample cells, one at a time
// (missing cells ignored): numeric when every cell is a number, boolean
// when every cell is true/false, timestamp when every cell is a
// date-time, categorical otherwise and when the sample has no value.
type inference struct {
	notNum, notBool, notTime, any bool
}

// add looks at one cell; it returns false once the column can only be
// categorical, when further cells change nothing.
func (in *inference) add(c string) bool {
	if IsMissing(c) {
		return true
	}
	in.any = true
	if !in.notNum {
		if _, ok := parseFloat([]byte(c)); !ok {
			in.notNum = true
		}
	}
	if !in.notBool {
		_, ok := parseBool(c)
		in.notBool = !ok
	}
	if !in.notTime {
		_, ok := parseTimestamp(c)
		in.notTime = !ok
	}
	return !in.notNum || !in.notBool || !in.notTime
}

// kind is the kind the cells seen so far give.
func (in *inference) kind() Kind {
	switch {
	case !in.any:
		return Categorical
	case !in.notNum:
		return Numeric
	case !in.notBool:
		return Boolean
	case !in.notTime:
		return Timestamp
	}
	return Categorical
}
