// Package github adapts GitHub's REST API, through
// github.com/google/go-github, to posting mlgate's report on a pull
// request: one sticky comment found by its marker and a commit status per
// gate.
package github
