package dataset

import (
	"context"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
)

// timeRow has the temporal annotations Parquet writers use: TIMESTAMP in
// each unit (plain, optional with nulls, dictionary-encoded), DATE and
// Spark's INT96.
type timeRow struct {
	Micros time.Time        `parquet:"micros,timestamp(microsecond)"`
	Millis *int64           `parquet:"millis,optional,timestamp(millisecond)"`
	Nanos  int64            `parquet:"nanos,timestamp(nanosecond),dict"`
	Day    int32            `parquet:"day,date"`
	Spark  deprecated.Int96 `parquet:"spark"`
	X      float64          `parquet:"x"`
}

func timeRows(n int) ([]timeRow, []time.Time) {
	rows := make([]timeRow, n)
	at := make([]time.Time, n)
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for i := range rows {
		t := t0.Add(time.Duration(i)*time.Minute + time.Duration(i%1000)*time.Microsecond)
		if i%7 == 0 {
			t = time.Date(1960, 1, 2, 3, 4, 5, 678000, time.UTC) // before the epoch
		}
		at[i] = t
		ms := t.UnixMilli()
		days := int32(t.Unix() / 86400)
		if t.Unix() < 0 && t.Unix()%86400 != 0 {
			days--
		}
		julian := int64(days) + julianUnixEpoch
		nod := t.Sub(time.Unix(int64(days)*86400, 0)).Nanoseconds()
		rows[i] = timeRow{Micros: t, Millis: &ms, Nanos: t.UnixNano(), Day: days,
			Spark: deprecated.Int96{uint32(nod), uint32(nod >> 32), uint32(julian)}, X: float64(i)}
		if i%5 == 0 {
			rows[i].Millis = nil
		}
	}
	return rows, at
}

// TestParquetTimestamps reads Parquet instants as timestamp columns, in
// seconds since the epoch (as a CSV file's RFC 3339 cells), both through
// the columnar reader and the row reader, with or without a schema.
func TestParquetTimestamps(t *testing.T) {
	rows, at := timeRows(3000)
	p := writeRows(t, "times.parquet", rows, parquet.MaxRowsPerRowGroup(700))
	schema := map[string]Kind{"micros": Timestamp, "millis": Timestamp, "nanos": Timestamp, "day": Timestamp, "spark": Timestamp}
	for name, opt := range map[string]LoadOptions{"inferred": {}, "schema": {Schema: schema}} {
		t.Run(name, func(t *testing.T) {
			got, err := loadParquetTable(t, p, opt)
			if err != nil {
				t.Fatal(err)
			}
			want, err := loadRowsTable(t, p, opt)
			if err != nil {
				t.Fatal(err)
			}
			sameTable(t, got, want)
			for _, c := range got.Columns {
				wantKind := Timestamp
				if c.Name == "x" {
					wantKind = Numeric
				}
				if c.Kind != wantKind {
					t.Errorf("column %s is %s, want %s", c.Name, c.Kind, wantKind)
				}
			}
			micros := flat(got.Column("micros"))
			for _, i := range []int{0, 1, 7, 999, 2999} {
				if w := float64(at[i].UnixNano()) / 1e9; micros[i] != w {
					t.Errorf("micros row %d = %v, want %v (%s)", i+1, micros[i], w, at[i])
				}
			}
			if m := got.Column("millis"); m.Missing != 600 || len(flat(m)) != 2400 {
				t.Errorf("millis: %d missing, %d values; want 600 and 2400", m.Missing, len(flat(m)))
			}
			day, spark := flat(got.Column("day")), flat(got.Column("spark"))
			for _, i := range []int{0, 1, 7, 2999} {
				y, mo, d := at[i].Date()
				if w := float64(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).Unix()); day[i] != w {
					t.Errorf("day row %d = %v, want %v", i+1, day[i], w)
				}
				if w := float64(at[i].UnixNano()) / 1e9; spark[i] != w {
					t.Errorf("spark row %d = %v, want %v", i+1, spark[i], w)
				}
			}
		})
	}
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cells, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if cells[0] != "1960-01-02T03:04:05.000678Z" || cells[3] != "1960-01-02T00:00:00Z" || cells[4] != cells[0] {
		t.Errorf("first row's cells %q: want RFC 3339 instants in UTC", cells)
	}
	// A timestamp column declared numeric is a mismatch: one error line.
	_, err = Load(context.Background(), p, LoadOptions{Schema: map[string]Kind{"micros": Numeric}})
	if err == nil {
		t.Error("a Parquet timestamp column loaded as numeric")
	}
}

func flat(c *Column) []float64 {
	var v []float64
	for _, p := range c.Parts {
		v = append(v, p...)
	}
	return v
}

// TestUnixSecondsFarDates: instants outside int64 nanoseconds (before
// 1678, after 2261) still get their seconds.
func TestUnixSecondsFarDates(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want float64
	}{
		{time.Date(2500, 1, 1, 0, 0, 0, 500000000, time.UTC), 16725225600.5},
		{time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC), -11676096000},
		{time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), 1795428000},
	} {
		if got := unixSeconds(c.t); got != c.want {
			t.Errorf("unixSeconds(%s) = %v, want %v", c.t, got, c.want)
		}
	}
	if got := temporal(time.Microsecond).unixTime(16725225600_500000); !got.Equal(time.Date(2500, 1, 1, 0, 0, 0, 500000000, time.UTC)) {
		t.Errorf("unixTime(2500 in µs) = %s", got)
	}
}
