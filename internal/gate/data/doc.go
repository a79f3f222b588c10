// Package data is Gate 2: it checks a training data file before any
// training — schema, missingness, duplicate rows, numeric ranges, allowed
// categories, label class balance, row count — and its distribution
// against a reference with the drift statistics — and turns the
// expectations of a Great Expectations validation result (package gx)
// into checks of the same report.
package data
