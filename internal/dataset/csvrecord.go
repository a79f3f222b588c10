package dataset

import (
	"bytes"
	"fmt"
)

// recordParser splits the records of a block into fields.
type recordParser struct {
	// allowBad reads on after a bad record (taking its cells back)
	// instead of only counting the records after it.
	allowBad bool
	comma    byte
	ncols    int
	header   string
	fields   [][]byte
	quoted   []byte
}

// parseBlock adds every record of data to a and counts records and lines.
// After the first bad record it only counts, unless bad records are
// allowed (p.allowBad): then a bad record's cells are taken back, the
// record is counted in bad and the rest is read on.
func (p *recordParser) parseBlock(a *accumulator, data []byte) blockStat {
	var st blockStat
	// bad notes a bad record: the first one's place and what is wrong.
	bad := func(line, col int, msg string) {
		if st.errMsg == "" {
			st.errRec, st.errLine, st.errCol, st.errMsg = st.records, line, col, msg
		}
		st.bad++
	}
	for len(data) > 0 {
		var rec []byte
		var nl int
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			end = len(data)
		}
		line := data[:end]
		if bytes.IndexByte(line, '"') >= 0 {
			n, lines, err := p.splitQuoted(data)
			data = data[n:]
			st.records++
			first := st.lines + 1
			st.lines += lines
			switch {
			case err != "":
				bad(first, 0, err)
			case st.errMsg == "" || p.allowBad:
				if col, msg := p.addFields(a); msg != "" {
					bad(st.lines, col, msg)
				}
			}
			continue
		}
		rec = line
		if end < len(data) {
			nl = 1
		}
		data = data[end+nl:]
		st.lines++
		if len(rec) > 0 && rec[len(rec)-1] == '\r' {
			rec = rec[:len(rec)-1]
		}
		if len(rec) == 0 {
			continue // encoding/csv skips empty lines
		}
		st.records++
		if st.errMsg != "" && !p.allowBad {
			continue
		}
		if col, msg := p.addRecord(a, rec); msg != "" {
			bad(st.lines, col, msg)
		}
	}
	return st
}

// addRecord splits an unquoted record and adds its cells as it finds
// them. A plain decimal in a numeric column is converted while it is
// scanned (scanFloat, then exactFloat for the ones Clinger's fast path
// does not round); every other cell goes through add. A wrong field
// count is reported in preference to a bad cell, as the row reader does.
// For a bad record it returns the 1-based column of the bad cell (0 for
// the whole record) and what is wrong, after taking back the cells it
// added.
func (p *recordParser) addRecord(a *accumulator, rec []byte) (int, string) {
	n, badCol := 0, 0
	var badMsg string
	for i := 0; ; {
		if n < p.ncols && a.codes[n] == codeNumeric && badMsg == "" {
			v, j, st := scanFloat(rec, i, p.comma)
			ok := st == scanValue
			if st == scanExact {
				// Scanned once: strconv rounds it in place, and only a
				// value out of range goes on to add for its message.
				v, ok = exactFloat(rec[i:j])
			}
			if ok {
				a.push(n, v)
				n++
				if j == len(rec) {
					break
				}
				i = j + 1
				continue
			}
		}
		j := bytes.IndexByte(rec[i:], p.comma)
		cell := rec[i:]
		if j >= 0 {
			cell = rec[i : i+j]
		}
		if n < p.ncols && badMsg == "" {
			if msg := a.add(n, cell); msg != "" {
				badCol, badMsg = n+1, msg
			}
		}
		n++
		if j < 0 {
			break
		}
		i += j + 1
	}
	if n == p.ncols && badMsg == "" {
		a.rows++
		return 0, ""
	}
	// Take back what the record gave: the cells before the bad one, or
	// every cell up to the field count when only the count is wrong.
	added := min(n, p.ncols)
	if badMsg != "" {
		added = badCol - 1
	}
	p.undoRecord(a, rec, added)
	if n != p.ncols {
		return 0, fmt.Sprintf("has %d fields, expected %d (%s)", n, p.ncols, p.header)
	}
	return badCol, badMsg
}

// undoRecord takes back the first k cells of an unquoted record.
func (p *recordParser) undoRecord(a *accumulator, rec []byte, k int) {
	for i := 0; i < k; i++ {
		j := bytes.IndexByte(rec, p.comma)
		cell := rec
		if j >= 0 {
			cell, rec = rec[:j], rec[j+1:]
		}
		a.undo(i, cell)
	}
}

// addFields adds the fields splitQuoted found; for a bad record it
// returns the bad cell's 1-based column (0 for the whole record) and what
// is wrong, after taking back the cells it added.
func (p *recordParser) addFields(a *accumulator) (int, string) {
	if len(p.fields) != p.ncols {
		return 0, fmt.Sprintf("has %d fields, expected %d (%s)", len(p.fields), p.ncols, p.header)
	}
	for i, f := range p.fields {
		if msg := a.add(i, f); msg != "" {
			for k := 0; k < i; k++ {
				a.undo(k, p.fields[k])
			}
			// The column is 1-based so that 0 means "the whole record".
			return i + 1, msg
		}
	}
	a.rows++
	return 0, ""
}

// splitQuoted splits one record that contains quotes (RFC 4180: a quoted
// field may hold commas, newlines and doubled quotes). It returns the
// bytes consumed, the lines they span and what is wrong, if anything.
func (p *recordParser) splitQuoted(data []byte) (int, int, string) {
	p.fields = p.fields[:0]
	p.quoted = p.quoted[:0]
	starts := []int{}
	i, lines := 0, 1
	for {
		// one field
		fieldStart := len(p.quoted)
		if i < len(data) && data[i] == '"' {
			i++
			for {
				if i >= len(data) {
					return i, lines, "a quoted field is not closed"
				}
				c := data[i]
				if c == '"' {
					if i+1 < len(data) && data[i+1] == '"' {
						p.quoted = append(p.quoted, '"')
						i += 2
						continue
					}
					i++
					break
				}
				if c == '\n' {
					lines++
					// encoding/csv reads a quoted \r\n as \n.
					if n := len(p.quoted); n > fieldStart && p.quoted[n-1] == '\r' {
						p.quoted = p.quoted[:n-1]
					}
				}
				p.quoted = append(p.quoted, c)
				i++
			}
			if i < len(data) && data[i] != p.comma && data[i] != '\n' && data[i] != '\r' {
				return p.skipRecord(data, i, lines), lines, `extraneous or missing " in quoted field`
			}
		} else {
			for i < len(data) && data[i] != p.comma && data[i] != '\n' {
				if data[i] == '"' {
					return p.skipRecord(data, i, lines), lines, `bare " in non-quoted field`
				}
				p.quoted = append(p.quoted, data[i])
				i++
			}
			if n := len(p.quoted); n > fieldStart && p.quoted[n-1] == '\r' && (i >= len(data) || data[i] == '\n') {
				p.quoted = p.quoted[:n-1]
			}
		}
		starts = append(starts, fieldStart)
		if i < len(data) && data[i] == '\r' {
			i++
		}
		if i >= len(data) || data[i] == '\n' {
			if i < len(data) {
				i++
			}
			break
		}
		i++ // comma
	}
	for k, s := range starts {
		e := len(p.quoted)
		if k+1 < len(starts) {
			e = starts[k+1]
		}
		p.fields = append(p.fields, p.quoted[s:e])
	}
	return i, lines, ""
}

// skipRecord returns the index after the newline that ends the record
// containing data[i] (ignoring quotes, as the record is already wrong).
func (p *recordParser) skipRecord(data []byte, i, _ int) int {
	j := bytes.IndexByte(data[i:], '\n')
	if j < 0 {
		return len(data)
	}
	return i + j + 1
}
