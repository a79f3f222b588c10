package dataset

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// floatSpellings are the ways writers spell floats, by name: pandas'
// default to_csv and Python's repr (shortest round trip, up to 17
// significant digits, exponents below 1e-4 and from 1e16), Go's strconv,
// printf's %.6f and %g, and the infinities and NaNs pandas writes and
// reads.
var floatSpellings = []struct{ name, s string }{
	{"fixed6", "-0.852484"},
	{"repr17", "0.44364805676127783"},
	{"repr16", "-1.1094060561650172"},
	{"reprIntegral", "12.0"},
	{"reprExp", "1.5e-05"},
	{"reprExp17", "-4.4176583864373466e-05"},
	{"reprBigExp", "1.2345678901234567e+16"},
	{"goExp", "1.5e-5"},
	{"gExp", "2.46914e-07"},
	{"upperExp", "1E+10"},
	{"plus", "+2.5"},
	{"leadingDot", ".5"},
	{"trailingDot", "5."},
	{"integer", "-1234567"},
	{"maxFloat", "1.7976931348623157e+308"},
	{"subnormal", "5e-324"},
	{"longDigits", "3.14159265358979323846264338327950288"},
	{"inf", "inf"},
	{"minusInf", "-inf"},
	{"plusInf", "+inf"},
	{"Infinity", "Infinity"},
	{"nan", "nan"},
	{"NaN", "NaN"},
}

// TestParseFloatSpellings checks every spelling against strconv bit for
// bit: parseFloatExact as strconv.ParseFloat is, parseFloat as it is for
// the finite decimals a numeric cell may hold. Each is also read inside a
// longer buffer (the eight-byte reads see the bytes after it) and at the
// start of a record, as addRecord reads it.
func TestParseFloatSpellings(t *testing.T) {
	for _, tc := range floatSpellings {
		t.Run(tc.name, func(t *testing.T) {
			want, err := strconv.ParseFloat(tc.s, 64)
			buf := []byte(tc.s + ",12345678,9")
			cell := buf[:len(tc.s)]
			got, ok := parseFloatExact(cell)
			if ok != (err == nil) || math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("parseFloatExact(%q) = %v (%#x), %v; strconv %v (%#x), %v", tc.s, got, math.Float64bits(got), ok, want, math.Float64bits(want), err)
			}
			want, err = strconvParse(tc.s)
			got, ok = parseFloat(cell)
			if ok != (err == nil) || (ok && math.Float64bits(got) != math.Float64bits(want)) {
				t.Errorf("parseFloat(%q) = %v, %v; want %v, %v", tc.s, got, ok, want, err)
			}
			v, end, st := scanFloat(buf, 0, ',')
			if ok && (st == scanNone || end != len(tc.s) || (st == scanValue && v != want)) {
				t.Errorf("scanFloat(%q) = %v, %d, %d; want the cell's end %d and %v", buf, v, end, st, len(tc.s), want)
			}
		})
	}
}

// TestLoadFloatSpellings reads every finite spelling from a CSV file, in
// a numeric column between others, and expects strconv's values; an
// infinity is a bad cell named by row and column.
func TestLoadFloatSpellings(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,x,c\n")
	var want []float64
	for _, tc := range floatSpellings {
		v, err := strconvParse(tc.s)
		if err != nil {
			continue
		}
		want = append(want, v)
		b.WriteString("1," + tc.s + ",k\n")
	}
	p := mustWrite(t, "spell.csv", b.String())
	tab, err := Load(context.Background(), p, LoadOptions{Schema: map[string]Kind{"x": Numeric}})
	if err != nil {
		t.Fatal(err)
	}
	got := tab.Column("x").Flat()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.EqualFunc(got, want, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
		t.Errorf("x = %v, want %v", got, want)
	}
	p = mustWrite(t, "inf.csv", "a,x\n1,2.5\n2,-inf\n")
	_, err = Load(context.Background(), p, LoadOptions{Schema: map[string]Kind{"x": Numeric}})
	wantErr := `row 2 (line 3), column "x": "-inf" is infinite as a float64; expected a finite number (the column is numeric)`
	if err == nil || !strings.Contains(err.Error(), wantErr) {
		t.Errorf("err = %v, want it to contain %s", err, wantErr)
	}
}

// BenchmarkParseFloat reads each spelling as a numeric cell is read;
// BenchmarkParseFloatStrconv is strconv.ParseFloat on the same strings.
func BenchmarkParseFloat(b *testing.B) {
	for _, tc := range floatSpellings {
		cell := []byte(tc.s)
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(cell)))
			for b.Loop() {
				parseFloatExact(cell)
			}
		})
	}
}

func BenchmarkParseFloatStrconv(b *testing.B) {
	for _, tc := range floatSpellings {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.s)))
			for b.Loop() {
				_, _ = strconv.ParseFloat(tc.s, 64)
			}
		})
	}
}

// TestPow10TabMatchesStrconv checks the powers of ten eiselLemire64 uses
// against the table of Go's own strconv, read from GOROOT.
func TestPow10TabMatchesStrconv(t *testing.T) {
	root, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(root)), "src", "internal", "strconv", "pow10tab.go"))
	if err != nil {
		t.Skipf("Go's table is not here: %v", err)
	}
	re := regexp.MustCompile(`\{(0x[0-9a-f]+), (0x[0-9a-f]+)\}, // 1e(-?\d+) \*`)
	rows := re.FindAllStringSubmatch(string(src), -1)
	if len(rows) != len(pow10Tab) {
		t.Fatalf("Go's table has %d rows, ours %d", len(rows), len(pow10Tab))
	}
	for _, r := range rows {
		hi, _ := strconv.ParseUint(r[1], 0, 64)
		lo, _ := strconv.ParseUint(r[2], 0, 64)
		e, _ := strconv.Atoi(r[3])
		if got := pow10Tab[e-pow10Min]; got != [2]uint64{hi, lo} {
			t.Errorf("1e%d: %#x, Go's %#x %#x", e, got, hi, lo)
		}
	}
}
