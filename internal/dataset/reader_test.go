package dataset

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

func write(tb testing.TB, name string, b []byte) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

type row struct {
	User  string  `parquet:"user_id"`
	Item  string  `parquet:"item_id"`
	Score float64 `parquet:"score"`
	Rank  *int64  `parquet:"rank,optional"`
}

func parquetBytes(tb testing.TB) []byte {
	var buf bytes.Buffer
	two := int64(2)
	if err := parquet.Write(&buf, []row{{"u1", "i1", 0.5, nil}, {"u1", "i2", 0.25, &two}}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestFormatsAgree(t *testing.T) {
	csv := []byte("user_id,item_id,score,rank\nu1,i1,0.5,\nu1,i2,0.25,2\n")
	jsonl := []byte(`{"user_id":"u1","item_id":"i1","score":0.5,"rank":null}` + "\n\n" + `{"user_id":"u1","item_id":"i2","score":0.25,"rank":2}` + "\n")
	want := [][]string{{"u1", "i1", "0.5", ""}, {"u1", "i2", "0.25", "2"}}
	files := map[string][]byte{
		"p.csv": csv, "p.csv.gz": gz(csv), "p.jsonl": jsonl, "p.ndjson.gz": gz(jsonl),
		"p.tsv":     []byte(strings.ReplaceAll(string(csv), ",", "\t")),
		"p.parquet": parquetBytes(t), "p.parquet.gz": gz(parquetBytes(t)),
	}
	for name, b := range files {
		t.Run(name, func(t *testing.T) {
			cols, rows, err := ReadAll(write(t, name, b))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(cols, ",") != "user_id,item_id,score,rank" {
				t.Errorf("columns %v", cols)
			}
			if len(rows) != 2 {
				t.Fatalf("rows %v", rows)
			}
			for i := range want {
				if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
					t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
				}
			}
		})
	}
}

func TestErrorsNameFileRowColumn(t *testing.T) {
	cases := []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"ragged", "r.csv", []byte("a,b\n1,2\n3\n"), "r.csv: row 2 (line 3): has 1 fields, expected 2 (a,b)"},
		{"empty csv", "e.csv", nil, "e.csv: empty file: expected a header row"},
		{"dup header", "d.csv", []byte("a,a\n"), `d.csv: line 1, column "a": column name appears twice in the header`},
		{"bad quote", "q.csv", []byte("a,b\n1,\"x\n"), "q.csv: row 1 (line 2): extraneous or missing \" in quoted-field"},
		{"json not object", "n.jsonl", []byte("{\"a\":1}\n[1]\n"), "n.jsonl: row 2 (line 2): not a JSON object: json: cannot unmarshal array into Go value of type map[string]json.RawMessage"},
		{"json new key", "k.jsonl", []byte("{\"a\":1}\n{\"b\":2}\n"), `k.jsonl: row 2 (line 2), column "b": key not in the first row's keys`},
		{"json nested", "o.jsonl", []byte("{\"a\":{\"x\":1}}\n"), `o.jsonl: row 1 (line 1), column "a": value is a JSON object, expected a number, string, boolean or null`},
		{"empty jsonl", "e.jsonl", []byte("\n\n"), "e.jsonl: empty file: expected one JSON object per line"},
		{"not gzip", "x.csv.gz", []byte("a,b\n1,2\n3,4\n5,6\n"), "x.csv.gz: not gzip data: gzip: invalid header"},
		{"not parquet", "x.parquet", []byte("a,b\n1,2\n"), "x.parquet: not a readable Parquet file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, c.file), c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			wd, _ := os.Getwd()
			os.Chdir(dir)
			defer os.Chdir(wd)
			_, _, err := ReadAll(c.file)
			var re *RowError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v (%T), want *RowError", err, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %s\nwant suffix %s", err, c.want)
			}
		})
	}
}

func TestUnknownExtension(t *testing.T) {
	_, err := Open("data.xlsx")
	if err == nil || err.Error() != `data.xlsx: unknown file type ".xlsx": expected .csv, .tsv, .jsonl, .ndjson or .parquet (optionally .gz)` {
		t.Errorf("err = %v", err)
	}
}

func TestColumnIndex(t *testing.T) {
	idx, err := ColumnIndex("f.csv", []string{"a", "b", "c"}, "c", "a")
	if err != nil || idx[0] != 2 || idx[1] != 0 {
		t.Fatalf("%v %v", idx, err)
	}
	_, err = ColumnIndex("f.csv", []string{"a", "b"}, "score")
	if err == nil || err.Error() != `f.csv, column "score": no such column; the file has a, b` {
		t.Errorf("err = %v", err)
	}
}

// drain reads every row and reports whether it ended with io.EOF; any
// other outcome must be an error, never a panic.
func drain(t *testing.T, path string) {
	r, err := Open(path)
	if err != nil {
		return
	}
	defer r.Close()
	for i := 0; i < 1e6; i++ {
		row, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if _, ok := err.(*RowError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if len(row) != len(r.Columns()) {
			t.Fatalf("row of %d cells for %d columns", len(row), len(r.Columns()))
		}
	}
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"))
	f.Add([]byte("\ufeffa,\"b\"\"c\"\n1,\"x\ny\"\n"))
	f.Add([]byte("a\n\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		drain(t, write(t, "f.csv", b))
	})
}

func FuzzJSONL(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":"x"}` + "\n" + `{"a":null}`))
	f.Add([]byte(`{"a":1}{"a":2}`))
	f.Add([]byte(`{"a":[1]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		drain(t, write(t, "f.jsonl", b))
	})
}

func FuzzParquet(f *testing.F) {
	var buf bytes.Buffer
	parquet.Write(&buf, []row{{"u", "i", 1, nil}})
	f.Add(buf.Bytes())
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		drain(t, write(t, "f.parquet", b))
	})
}
