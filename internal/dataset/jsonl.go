package dataset

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

type jsonlReader struct {
	file  string
	sc    *bufio.Scanner
	cols  []string
	index map[string]int
	cells []string
	row   int
	line  int
	first map[string]json.RawMessage
	close func() error
}

const maxJSONLine = 64 << 20

func newJSONL(file string, r io.Reader, closer func() error) (*jsonlReader, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), maxJSONLine)
	j := &jsonlReader{file: file, sc: sc, close: closer}
	// The first object names the columns, in its key order.
	for sc.Scan() {
		j.line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		keys, obj, err := decodeObject(b)
		if err != nil {
			return nil, &RowError{File: file, Row: 1, Line: j.line, Msg: err.Error()}
		}
		j.cols = keys
		j.index = make(map[string]int, len(keys))
		for i, k := range keys {
			j.index[k] = i
		}
		j.first = obj
		j.cells = make([]string, len(keys))
		return j, nil
	}
	if err := sc.Err(); err != nil {
		return nil, &RowError{File: file, Line: j.line + 1, Msg: err.Error()}
	}
	return nil, &RowError{File: file, Msg: "empty file: expected one JSON object per line"}
}

func (j *jsonlReader) Columns() []string { return j.cols }
func (j *jsonlReader) Row() int          { return j.row }
func (j *jsonlReader) Close() error      { return j.close() }

func (j *jsonlReader) Next() ([]string, error) {
	var obj map[string]json.RawMessage
	if j.first != nil {
		obj, j.first = j.first, nil
	} else {
		for obj == nil {
			if !j.sc.Scan() {
				if err := j.sc.Err(); err != nil {
					return nil, &RowError{File: j.file, Row: j.row + 1, Line: j.line + 1, Msg: err.Error()}
				}
				return nil, io.EOF
			}
			j.line++
			b := bytes.TrimSpace(j.sc.Bytes())
			if len(b) == 0 {
				continue
			}
			if err := json.Unmarshal(b, &obj); err != nil || obj == nil {
				return nil, &RowError{File: j.file, Row: j.row + 1, Line: j.line, Msg: "not a JSON object: " + jsonMsg(err)}
			}
		}
	}
	j.row++
	for i := range j.cells {
		j.cells[i] = ""
	}
	for k, raw := range obj {
		i, ok := j.index[k]
		if !ok {
			return nil, &RowError{File: j.file, Row: j.row, Line: j.line, Column: k, Msg: "key not in the first row's keys"}
		}
		s, err := scalar(raw)
		if err != nil {
			return nil, &RowError{File: j.file, Row: j.row, Line: j.line, Column: k, Msg: err.Error()}
		}
		j.cells[i] = s
	}
	return j.cells, nil
}

func jsonMsg(err error) string {
	if err == nil {
		return "null"
	}
	return err.Error()
}

// decodeObject decodes one JSON object and returns its keys in order.
func decodeObject(b []byte) ([]string, map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return nil, nil, fmt.Errorf("not a JSON object: %v", err)
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("not a JSON object: starts with %v", t)
	}
	var keys []string
	obj := map[string]json.RawMessage{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("not a JSON object: %v", err)
		}
		k, _ := kt.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("key %q: %v", k, err)
		}
		if _, dup := obj[k]; dup {
			return nil, nil, fmt.Errorf("key %q appears twice", k)
		}
		keys = append(keys, k)
		obj[k] = raw
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("not a JSON object: %v", err)
	}
	if dec.More() {
		return nil, nil, fmt.Errorf("more than one JSON value on the line")
	}
	return keys, obj, nil
}

// scalar turns a JSON value into a cell: null → "", numbers as written,
// strings unquoted, booleans "true"/"false"; arrays and objects are errors.
func scalar(raw json.RawMessage) (string, error) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		return "", nil
	}
	switch b[0] {
	case 'n':
		return "", nil
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", err
		}
		return s, nil
	case 't', 'f':
		return string(b), nil
	case '[', '{':
		return "", fmt.Errorf("value is a JSON %s, expected a number, string, boolean or null", map[byte]string{'[': "array", '{': "object"}[b[0]])
	}
	if _, err := strconv.ParseFloat(string(b), 64); err != nil {
		return "", fmt.Errorf("value %s is not a number", b)
	}
	return string(b), nil
}
