// Package prom adapts Prometheus's HTTP query API (client_golang's
// api/prometheus/v1) to the few questions gates ask: one number now, one
// number per label value, and the samples of one series over a window.
//
// A result that is not the one number the caller asked for is an error, never
// a panic: no series or a NaN value is ErrNoData (a canary check says
// "nodata"), several series where one was expected is ErrAmbiguous, and a
// query Prometheus rejects is ErrQuery.
package prom
