// Package dataset reads tabular files (CSV with a header, JSON Lines,
// Parquet), chosen by extension, with gzip (".gz") undone transparently. It
// streams rows: a Reader holds one row at a time, so memory does not grow
// with the file.
//
// Errors name the file, the row (1-based, the header not counted; for CSV
// the line number is given too) and the column, as RowError.
package dataset
