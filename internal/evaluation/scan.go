package evaluation

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/klauspost/compress/gzip"

	"gitlab.com/mlgate/mlgate/internal/dataset"
)

// rowFunc receives one (user, item, value) row; row is the 1-based data
// row and line the 1-based line in the file (0 when unknown). The byte
// slices are only valid during the call.
type rowFunc func(user, item []byte, value float64, row, line int) error

// errSlowPath tells a caller that the fast CSV scanner met something it
// does not handle (a quote) and that the file must be read again through
// internal/dataset.
var errSlowPath = errors.New("needs the general CSV reader")

// maxLine is the longest line the fast scanners accept.
const maxLine = 1 << 20

// openText opens path for buffered reading, gunzipping a .gz file.
func openText(path string) (*bufio.Reader, func() error, error) {
	f, err := dataset.OpenFile(path)
	if err != nil {
		return nil, nil, err
	}
	if !strings.HasSuffix(strings.ToLower(path), ".gz") {
		return bufio.NewReaderSize(f, maxLine), f.Close, nil
	}
	gz, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		f.Close()
		return nil, nil, &dataset.RowError{File: path, Msg: fmt.Sprintf("not gzip data: %v", err)}
	}
	closer := func() error {
		gz.Close()
		return f.Close()
	}
	return bufio.NewReaderSize(gz, maxLine), closer, nil
}

// lineScanner yields the lines of a text file without allocating.
type lineScanner struct {
	file string
	r    *bufio.Reader
	line int
}

// next returns the next line without its end-of-line bytes, or io.EOF.
func (s *lineScanner) next() ([]byte, error) {
	b, err := s.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return nil, &dataset.RowError{File: s.file, Line: s.line + 1, Msg: fmt.Sprintf("line longer than %d bytes", maxLine)}
	}
	if err != nil && err != io.EOF {
		return nil, &dataset.RowError{File: s.file, Line: s.line + 1, Msg: err.Error()}
	}
	if len(b) == 0 && err == io.EOF {
		return nil, io.EOF
	}
	s.line++
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	return b, nil
}

// fields splits b at runs of spaces and tabs, stores the first len(dst)
// fields in dst and returns the number of fields found, so that a caller
// can tell a line with too many fields.
func fields(b []byte, dst [][]byte) int {
	n := 0
	i := 0
	for {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		if i >= len(b) {
			return n
		}
		j := i
		for j < len(b) && b[j] != ' ' && b[j] != '\t' {
			j++
		}
		if n < len(dst) {
			dst[n] = b[i:j]
		}
		n++
		i = j
	}
}

// bstr views b as a string without copying; the string must not outlive b.
func bstr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// parseScore parses a float as C's atof (trec_eval's reader) does: out of
// range values become ±Inf or 0; NaN is refused because it cannot be
// ranked.
func parseScore(b []byte) (float64, bool) {
	v, err := strconv.ParseFloat(bstr(b), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(v) {
		return 0, false
	}
	return v, true
}

// parseRelevance parses an integer relevance, accepting "2" and "2.0".
func parseRelevance(b []byte) (float64, bool) {
	if n, err := strconv.ParseInt(bstr(b), 10, 32); err == nil {
		return float64(n), true
	}
	v, err := strconv.ParseFloat(bstr(b), 64)
	if err != nil || v != math.Trunc(v) || math.Abs(v) > math.MaxInt32 {
		return 0, false
	}
	return v, true
}

// clip shortens a field for an error message.
func clip(b []byte) string {
	if len(b) > 40 {
		return string(b[:40]) + "..."
	}
	return string(b)
}
