package evaluation

import (
	"context"
	"math"
)

// computeRegression computes rmse, mae, mape and r2 as scikit-learn does.
func computeRegression(ctx context.Context, predictions, labels string) (Result, error) {
	d, err := join(ctx, predictions, labels, "a number", parseFinite, predictionColumn2, "a number")
	if err != nil {
		return Result{}, err
	}
	const eps = 2.220446049250313e-16
	n := float64(len(d.y))
	var se, ae, ape, mean float64
	for i, y := range d.y {
		e := y - d.p[i]
		se += e * e
		ae += math.Abs(e)
		ape += math.Abs(e) / math.Max(math.Abs(y), eps)
		mean += y
	}
	mean /= n
	var tot float64
	zeros := 0
	for _, y := range d.y {
		tot += (y - mean) * (y - mean)
		if y == 0 {
			zeros++
		}
	}
	r2 := 0.0
	switch {
	case tot != 0:
		r2 = 1 - se/tot
	case se == 0:
		r2 = 1
	}
	res := Result{
		Values: map[string]float64{"rmse": math.Sqrt(se / n), "mae": ae / n, "mape": ape / n, "r2": r2},
		Counts: map[string]int{"rows": len(d.y), "zero_targets": zeros},
		Notes:  []string{"mape divides by max(|target|, machine epsilon) as scikit-learn does, so zero targets give very large terms"},
	}
	return res, nil
}
