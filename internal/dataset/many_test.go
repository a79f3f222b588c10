package dataset

import (
	"io"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/dataset/blob/s3test"
	"gitlab.com/mlgate/mlgate/internal/testenv"
)

// TestManyObjects reads a dataset of several CSV and JSON Lines objects
// from a real S3 server as one table (Load, Open and Stream agree on the
// rows), and checks that an object with other columns, or a bad cell,
// is an error naming that object.
func TestManyObjects(t *testing.T) {
	testenv.Slow(t, "starts versitygw")
	s := s3test.Start(t)
	s.Env(t)
	s.Bucket(t, "many")
	s.Put(t, "many", "ok/part-0.csv", []byte("x,c\n1,a\n2,b\n"))
	s.Put(t, "many", "ok/part-1.jsonl", []byte(`{"x": 3, "c": "a"}`+"\n"))
	s.Put(t, "many", "ok/part-2.csv", []byte("x,c\n4,a\n,b\n"))
	s.Put(t, "many", "ok/_SUCCESS", nil)
	s.Put(t, "many", "cols/part-0.csv", []byte("x,c\n1,a\n"))
	s.Put(t, "many", "cols/part-1.csv", []byte("x,d\n2,a\n"))
	s.Put(t, "many", "bad/part-0.csv", []byte("x,c\n1,a\n"))
	s.Put(t, "many", "bad/part-1.csv", []byte("x,c\n2,a\nzz,b\n"))

	tab, err := Load(t.Context(), "s3://many/ok/", LoadOptions{Schema: map[string]Kind{"x": Numeric}})
	if err != nil {
		t.Fatal(err)
	}
	x := tab.Column("x")
	if tab.Rows != 5 || x.Count() != 4 || x.Missing != 1 || tab.Column("c").Counts["a"] != 3 {
		t.Errorf("rows %d, x %v (missing %d), c %v", tab.Rows, x.Flat(), x.Missing, tab.Column("c").Counts)
	}
	r, err := Open("s3://many/ok/part-*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		if _, err := r.Next(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		n++
	}
	r.Close()
	var streamed int64
	rows, err := Stream(t.Context(), "s3://many/ok/", []string{"x", "c"}, []Kind{Numeric, Categorical}, 2, func(_ int, b *Block) error {
		streamed += b.Rows
		return nil
	})
	if n != 5 || rows != 5 || streamed != 5 || err != nil {
		t.Errorf("Open read %d rows, Stream %d (%d in blocks, %v); want 5", n, rows, streamed, err)
	}

	_, err = Load(t.Context(), "s3://many/cols/", LoadOptions{})
	want := "s3://many/cols/part-1.csv: columns x, d differ from those of s3://many/cols/part-0.csv (x, c): the objects of one dataset must have the same columns"
	if err == nil || err.Error() != want {
		t.Errorf("other columns: %v\nwant %s", err, want)
	}
	_, err = Load(t.Context(), "s3://many/bad/*.csv", LoadOptions{Schema: map[string]Kind{"x": Numeric}})
	if re, ok := err.(*RowError); !ok || re.File != "s3://many/bad/part-1.csv" || re.Row != 2 || re.Column != "x" {
		t.Errorf("bad cell: %v, want a RowError for s3://many/bad/part-1.csv row 2 column x", err)
	}
}
