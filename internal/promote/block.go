package promote

import (
	"regexp"
	"strings"
)

// A description keeps what people wrote in it: mlgate writes only between
// its own markers (HTML comments, which Markdown renders as nothing) and
// replaces that block on every run.

func markers(name string) (string, string) {
	return "<!-- mlgate:" + name + " -->", "<!-- /mlgate:" + name + " -->"
}

// getBlock returns the text between name's markers in s.
func getBlock(s, name string) (string, bool) {
	open, end := markers(name)
	_, rest, ok := strings.Cut(s, open)
	if !ok {
		return "", false
	}
	body, _, ok := strings.Cut(rest, end)
	if !ok {
		return "", false
	}
	return strings.Trim(body, "\n"), true
}

// setBlock returns s with name's block set to body: replaced where it is,
// else appended after a blank line.
func setBlock(s, name, body string) string {
	open, end := markers(name)
	block := open + "\n" + body + "\n" + end
	if i := strings.Index(s, open); i >= 0 {
		if j := strings.Index(s[i:], end); j >= 0 {
			return s[:i] + block + s[i+j+len(end):]
		}
	}
	if strings.TrimSpace(s) == "" {
		return block
	}
	return strings.TrimRight(s, "\n") + "\n\n" + block
}

var itemLine = regexp.MustCompile("(?m)^- `([^`]+)`: (.*)$")

// itemLines renders tags as a Markdown list: - `key`: value.
func itemLines(tags []Tag) string {
	var b strings.Builder
	for _, t := range tags {
		b.WriteString("- `" + t.Key + "`: " + oneLine(t.Value) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// parseItems reads the list itemLines writes.
func parseItems(body string) []Tag {
	var out []Tag
	for _, m := range itemLine.FindAllStringSubmatch(body, -1) {
		out = append(out, Tag{m[1], strings.TrimSpace(m[2])})
	}
	return out
}

// mergeTags returns old with each of set replacing the tag of its key or
// appended.
func mergeTags(old, set []Tag) []Tag {
	out := append([]Tag(nil), old...)
	for _, t := range set {
		found := false
		for i := range out {
			if out[i].Key == t.Key {
				out[i].Value, found = t.Value, true
			}
		}
		if !found {
			out = append(out, t)
		}
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
