package gx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
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
