package evaluation

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// computeClassification computes the binary classification metrics.
func computeClassification(ctx context.Context, predictions, labels string, thr float64) (Result, error) {
	d, err := join(ctx, predictions, labels, "a class label 0 or 1", parseBinary, scoreColumns, "a probability of class 1")
	if err != nil {
		return Result{}, err
	}
	res := Result{Values: map[string]float64{}, Counts: map[string]int{}}
	var tp, fp, tn, fn int
	for i, y := range d.y {
		pred := d.p[i] >= thr
		switch {
		case pred && y == 1:
			tp++
		case pred:
			fp++
		case y == 1:
			fn++
		default:
			tn++
		}
	}
	n := len(d.y)
	res.Counts = map[string]int{"rows": n, "positives": tp + fn, "negatives": fp + tn, "true_positives": tp, "false_positives": fp, "true_negatives": tn, "false_negatives": fn}
	res.Values["accuracy"] = float64(tp+tn) / float64(n)
	prec, rec := ratio(tp, tp+fp), ratio(tp, tp+fn)
	res.Values["precision"] = prec
	res.Values["recall"] = rec
	if prec+rec > 0 {
		res.Values["f1"] = 2 * prec * rec / (prec + rec)
	} else {
		res.Values["f1"] = 0
	}
	if tp+fp == 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("no prediction reaches the threshold %g: precision is set to 0 (scikit-learn's zero_division)", thr))
	}
	res.Values["log_loss"] = logLoss(d.y, d.p)
	if tp+fn == 0 || fp+tn == 0 {
		res.Notes = append(res.Notes, "the labels hold one class only: roc_auc and pr_auc are undefined and left out")
	} else {
		res.Values["roc_auc"], res.Values["pr_auc"] = aucs(d.y, d.p)
	}
	res.Notes = append(res.Notes, fmt.Sprintf("class 1 when score >= %g; roc_auc, pr_auc (average precision) and log_loss as scikit-learn computes them", thr))
	return res, nil
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// logLoss is sklearn.metrics.log_loss for binary labels: probabilities are
// clipped to [eps, 1-eps] and each row's pair (1-p, p) renormalised.
func logLoss(y, p []float64) float64 {
	const eps = 2.220446049250313e-16
	sum := 0.0
	for i, v := range p {
		c := math.Min(math.Max(v, eps), 1-eps)
		q := 1 - c
		s := q + c
		if y[i] == 1 {
			sum -= math.Log(c / s)
		} else {
			sum -= math.Log(q / s)
		}
	}
	return sum / float64(len(p))
}

// aucs returns the ROC AUC (trapezoidal, ties as one threshold) and the
// average precision sum over thresholds of (R_n - R_{n-1}) P_n, both as
// scikit-learn computes them.
func aucs(y, p []float64) (roc, ap float64) {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case p[a] > p[b]:
			return -1
		case p[a] < p[b]:
			return 1
		}
		return 0
	})
	var pos, neg float64
	for _, v := range y {
		if v == 1 {
			pos++
		} else {
			neg++
		}
	}
	var tp, fp, tpPrev, fpPrev float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && p[idx[j]] == p[idx[i]] {
			if y[idx[j]] == 1 {
				tp++
			} else {
				fp++
			}
			j++
		}
		roc += (fp - fpPrev) * (tp + tpPrev) / 2
		ap += (tp - tpPrev) / pos * (tp / (tp + fp))
		tpPrev, fpPrev = tp, fp
		i = j
	}
	return roc / (pos * neg), ap
}
