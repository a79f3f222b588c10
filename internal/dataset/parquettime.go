package dataset

import (
	"math"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// temporal says how a Parquet column's values are instants: the length of
// one stored unit (TIMESTAMP(MILLIS|MICROS|NANOS) on INT64, DATE on INT32
// in days), int96Time for the INT96 timestamps Spark and Hive write, or 0
// for a column of other values. Such a column reads as the text of its
// instants in UTC (RFC 3339), so that it is a timestamp column like one
// of a CSV file, with the same seconds since the epoch.
type temporal time.Duration

// int96Time marks an INT96 column: nanoseconds of the day, then a Julian
// day number.
const int96Time temporal = -1

// julianUnixEpoch is the Julian day number of 1970-01-01.
const julianUnixEpoch = 2440588

// temporalOf returns how values of type t are instants.
func temporalOf(t parquet.Type) temporal {
	if t.Kind() == parquet.Int96 {
		return int96Time
	}
	lt := t.LogicalType()
	if lt == nil {
		return 0
	}
	switch v := lt.Value.(type) {
	case *format.TimestampType:
		if v.Unit.Value != nil {
			return temporal(v.Unit.Value.Duration())
		}
	case *format.DateType:
		return temporal(24 * time.Hour)
	}
	return 0
}

// instant returns the instant v stands for; false when v is not one (a
// null, or a physical type the annotation does not apply to).
func (tm temporal) instant(v parquet.Value) (time.Time, bool) {
	switch {
	case tm == int96Time && v.Kind() == parquet.Int96:
		i := v.Int96()
		nanos := int64(uint64(i[1])<<32 | uint64(i[0]))
		return time.Unix((int64(i[2])-julianUnixEpoch)*86400, nanos).UTC(), true
	case tm > 0 && (v.Kind() == parquet.Int64 || v.Kind() == parquet.Int32):
		n := v.Int64()
		if v.Kind() == parquet.Int32 {
			n = int64(v.Int32())
		}
		return tm.unixTime(n), true
	}
	return time.Time{}, false
}

// unixTime is the instant of n units since the epoch, without overflow
// for any n the unit allows.
func (tm temporal) unixTime(n int64) time.Time {
	unit := int64(tm)
	if unit >= int64(time.Second) {
		return time.Unix(n*(unit/int64(time.Second)), 0).UTC()
	}
	per := int64(time.Second) / unit // units a second
	sec, rem := n/per, n%per
	if rem < 0 {
		sec, rem = sec-1, rem+per
	}
	return time.Unix(sec, rem*unit).UTC()
}

// appendInstant appends t as RFC 3339 text with nanoseconds as needed.
func appendInstant(b []byte, t time.Time) []byte {
	return t.AppendFormat(b, time.RFC3339Nano)
}

// unixSeconds is t in seconds since the Unix epoch, as every timestamp
// cell becomes: nanoseconds over 1e9 where they fit in an int64 (years
// 1678 to 2261), else seconds plus the fraction.
func unixSeconds(t time.Time) float64 {
	const lo, hi = math.MinInt64 / int64(time.Second), math.MaxInt64 / int64(time.Second)
	if s := t.Unix(); s > lo && s < hi {
		return float64(t.UnixNano()) / 1e9
	}
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}
