package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"
)

// Logistic is an L2-regularised logistic regression, the model concept
// drift retrains: it minimises ½‖w‖² + C·Σ log-loss over (w, b), the
// objective of scikit-learn's LogisticRegression(penalty="l2", C=C)
// (the intercept is not penalised).
type Logistic struct {
	Coef      []float64
	Intercept float64
}

// ErrOneClass is returned when the training labels are all the same.
var ErrOneClass = errors.New("the labels hold one class only: a classifier needs both 0 and 1")

// FitLogistic fits the model to the rows of X (n×p, row-major) and 0/1
// labels y with gonum's L-BFGS, to a gradient norm of 1e-9 (scikit-learn
// stops at 1e-4 by default; the reference values use 1e-12).
func FitLogistic(X [][]float64, y []float64, C float64) (*Logistic, error) {
	if len(X) == 0 || len(X) != len(y) {
		return nil, fmt.Errorf("fit logistic: %d rows and %d labels", len(X), len(y))
	}
	p := len(X[0])
	var pos int
	for _, v := range y {
		if v == 1 {
			pos++
		}
	}
	if pos == 0 || pos == len(y) {
		return nil, ErrOneClass
	}
	// x[0:p] = w, x[p] = b.
	obj := func(x, grad []float64) float64 {
		w, b := x[:p], x[p]
		f := 0.0
		for _, v := range w {
			f += v * v / 2
		}
		if grad != nil {
			copy(grad, w)
			grad[p] = 0
		}
		for i, row := range X {
			z := b
			for j, v := range row {
				z += w[j] * v
			}
			// log(1+e^z) − y·z, stably.
			f += C * (softplus(z) - y[i]*z)
			if grad != nil {
				g := C * (sigmoid(z) - y[i])
				for j, v := range row {
					grad[j] += g * v
				}
				grad[p] += g
			}
		}
		return f
	}
	prob := optimize.Problem{
		Func: func(x []float64) float64 { return obj(x, nil) },
		Grad: func(grad, x []float64) { obj(x, grad) },
	}
	res, err := optimize.Minimize(prob, make([]float64, p+1),
		&optimize.Settings{GradientThreshold: 1e-9, MajorIterations: 10000, Converger: &optimize.NeverTerminate{}}, &optimize.LBFGS{})
	if err != nil && res == nil {
		return nil, fmt.Errorf("fit logistic: %w", err)
	}
	return &Logistic{Coef: slices.Clone(res.X[:p]), Intercept: res.X[p]}, nil
}

// Score returns the model's probability of class 1 for a row.
func (m *Logistic) Score(row []float64) float64 {
	z := m.Intercept
	for j, v := range row {
		z += m.Coef[j] * v
	}
	return sigmoid(z)
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func softplus(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// AUC is sklearn.metrics.roc_auc_score(y, scores) for 0/1 labels: the
// Mann–Whitney U of the positives' scores over n₊·n₋, ties counted half
// (average ranks). It is NaN when one class is absent.
func AUC(y, scores []float64) float64 {
	idx := make([]int, len(y))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case scores[a] < scores[b]:
			return -1
		case scores[a] > scores[b]:
			return 1
		}
		return 0
	})
	var rankSum, npos float64
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1 … j
		for k := i; k < j; k++ {
			if y[idx[k]] == 1 {
				rankSum += avg
				npos++
			}
		}
		i = j
	}
	nneg := float64(len(y)) - npos
	if npos == 0 || nneg == 0 {
		return math.NaN()
	}
	return (rankSum - npos*(npos+1)/2) / (npos * nneg)
}
