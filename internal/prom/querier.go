package prom

import (
	"context"
	"time"
)

// Querier asks Prometheus what the gates need of it; *Client is one. The
// canary gate and the A/B gate's Prometheus source take it, and tests give
// them a fake. Errors wrap ErrNoData, ErrAmbiguous or ErrQuery, or are the
// transport's.
type Querier interface {
	// Scalar returns the single value of an instant query at time at.
	Scalar(ctx context.Context, query string, at time.Time) (float64, error)
	// Range returns the samples of the single series of a range query.
	Range(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]Sample, error)
}

var _ Querier = (*Client)(nil)
