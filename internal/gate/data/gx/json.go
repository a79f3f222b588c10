package gx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Error is a file that is not what it should be: the file, where in it
// (a JSON path such as run_results[1].validation_result.results[3].success,
// or a line and column for a syntax error), what was found and what was
// expected, in one line.
type Error struct {
	File string
	// Path is the JSON path of the value, or "line L, column C".
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return e.File + ": " + e.Msg
	}
	return e.File + ": " + e.Path + ": " + e.Msg
}

// specials are the tokens Python's json.dumps writes for floats JSON
// cannot hold.
var specials = []string{"-Infinity", "Infinity", "NaN"}

// decode parses b as JSON, accepting Python's NaN, Infinity and -Infinity
// (as those floats) and keeping numbers as json.Number.
func decode(file string, b []byte) (any, error) {
	fixed, shifts := quoteSpecials(b)
	d := json.NewDecoder(bytes.NewReader(fixed))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, syntaxError(file, b, fixed, shifts, err)
	}
	if _, err := d.Token(); err != io.EOF {
		off := int(d.InputOffset()) - 1 // after the next value's first byte
		return nil, &Error{File: file, Path: position(b, unshift(off, shifts)), Msg: "more after the JSON value, expected one JSON object"}
	}
	return unquoteSpecials(v), nil
}

// quoteSpecials turns the bare tokens NaN, Infinity and -Infinity outside
// strings into the strings "\u0000NaN" and so on (a NUL no real string
// starts with), and returns the offsets in its output where it did.
func quoteSpecials(b []byte) ([]byte, []int) {
	if !bytes.Contains(b, []byte("NaN")) && !bytes.Contains(b, []byte("Infinity")) {
		return b, nil
	}
	var out []byte
	var shifts []int
	in, esc := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if in {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				in = false
			}
			out = append(out, c)
			continue
		}
		if c == '"' {
			in = true
			out = append(out, c)
			continue
		}
		matched := false
		for _, s := range specials {
			if bytes.HasPrefix(b[i:], []byte(s)) && !identByte(b, i+len(s)) && (i == 0 || !identByte(b, i-1)) {
				shifts = append(shifts, len(out))
				out = append(out, `"\u0000`...)
				out = append(out, s...)
				out = append(out, '"')
				i += len(s) - 1
				matched = true
				break
			}
		}
		if !matched {
			out = append(out, c)
		}
	}
	return out, shifts
}

// specialShift is how many bytes quoteSpecials adds per token: two quotes
// and the 6-byte \u0000.
const specialShift = 8

func identByte(b []byte, i int) bool {
	if i < 0 || i >= len(b) {
		return false
	}
	c := b[i]
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// unshift maps an offset in quoteSpecials' output back to the input.
func unshift(off int, shifts []int) int {
	n := off
	for _, p := range shifts {
		if p < off {
			n -= specialShift
		}
	}
	return max(n, 0)
}

func unquoteSpecials(v any) any {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, "\x00") {
			switch x[1:] {
			case "NaN":
				return math.NaN()
			case "Infinity":
				return math.Inf(1)
			case "-Infinity":
				return math.Inf(-1)
			}
		}
		return x
	case []any:
		for i := range x {
			x[i] = unquoteSpecials(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = unquoteSpecials(x[k])
		}
	}
	return v
}

func syntaxError(file string, orig, fixed []byte, shifts []int, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &Error{File: file, Path: position(orig, unshift(int(se.Offset)-1, shifts)), Msg: "not JSON: " + se.Error()}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		if len(bytes.TrimSpace(orig)) == 0 {
			return &Error{File: file, Msg: "empty file, expected a Great Expectations validation result (JSON)"}
		}
		return &Error{File: file, Msg: "not JSON: the file ends inside a value"}
	}
	return &Error{File: file, Msg: "not JSON: " + err.Error()}
}

// position is "line L, column C" (1-based) of byte offset off.
func position(b []byte, off int) string {
	off = min(max(off, 0), len(b))
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(b[:off], '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// obj is a JSON object and where it is in the file, for errors.
type obj struct {
	m    map[string]any
	path string
	file string
}

func (o obj) at(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

func (o obj) errf(key, format string, a ...any) error {
	return &Error{File: o.file, Path: o.at(key), Msg: fmt.Sprintf(format, a...)}
}

func (o obj) has(key string) bool {
	v, ok := o.m[key]
	return ok && v != nil
}

// keys are the object's keys, sorted.
func (o obj) keys() []string {
	ks := make([]string, 0, len(o.m))
	for k := range o.m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// object returns the object at key; ok is false when it is absent or null.
func (o obj) object(key string) (obj, bool, error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return obj{m: map[string]any{}, path: o.at(key), file: o.file}, false, nil
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		return obj{}, false, o.errf(key, "%s, expected an object", describe(v))
	}
	return obj{m: m, path: o.at(key), file: o.file}, true, nil
}

func (o obj) list(key string) ([]any, bool, error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return nil, false, nil
	}
	l, isList := v.([]any)
	if !isList {
		return nil, false, o.errf(key, "%s, expected a list", describe(v))
	}
	return l, true, nil
}

func (o obj) str(key string) (string, bool, error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return "", false, nil
	}
	s, isStr := v.(string)
	if !isStr {
		return "", false, o.errf(key, "%s, expected a string", describe(v))
	}
	return s, true, nil
}

func (o obj) boolean(key string) (*bool, error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return nil, nil
	}
	b, isBool := v.(bool)
	if !isBool {
		return nil, o.errf(key, "%s, expected true or false", describe(v))
	}
	return &b, nil
}

// number returns the number at key; ok is false when it is absent or null.
func (o obj) number(key string) (float64, bool, error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return 0, false, nil
	}
	f, isNum := toFloat(v)
	if !isNum {
		return 0, false, o.errf(key, "%s, expected a number", describe(v))
	}
	return f, true, nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			// Beyond float64's range: ParseFloat gives ±Inf and the error.
			return f, !math.IsNaN(f)
		}
		return f, true
	case float64:
		return x, true
	}
	return 0, false
}

// describe names a JSON value's kind and shows a short form of it.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprintf("%t (a boolean)", x)
	case json.Number, float64:
		return "the number " + compact(x, 40)
	case string:
		return "a string (" + strconv.Quote(short(x, 40)) + ")"
	case []any:
		return fmt.Sprintf("a list of %d", len(x))
	case map[string]any:
		ks := obj{m: x}.keys()
		if len(ks) > 6 {
			ks = append(ks[:6], "…")
		}
		return "an object with keys " + strings.Join(ks, ", ")
	}
	return fmt.Sprintf("%T", v)
}

// short cuts s to at most n runes, marking the cut with "…".
func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// compact is v as compact JSON (NaN and infinities as Python writes
// them), cut to n runes (n ≤ 0: whole).
func compact(v any, n int) string {
	var b strings.Builder
	writeJSON(&b, v)
	if n > 0 {
		return short(b.String(), n)
	}
	return b.String()
}

func writeJSON(b *strings.Builder, v any) {
	switch x := v.(type) {
	case float64:
		switch {
		case math.IsNaN(x):
			b.WriteString("NaN")
		case math.IsInf(x, 1):
			b.WriteString("Infinity")
		case math.IsInf(x, -1):
			b.WriteString("-Infinity")
		default:
			b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
		}
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range (obj{m: x}).keys() {
			if i > 0 {
				b.WriteString(", ")
			}
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteString(": ")
			writeJSON(b, x[k])
		}
		b.WriteByte('}')
	default:
		j, err := json.Marshal(x)
		if err != nil {
			fmt.Fprint(b, x)
			return
		}
		b.Write(j)
	}
}
