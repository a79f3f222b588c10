package stats

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

type logisticRef struct {
	Logistic []struct {
		Name      string      `json:"name"`
		C         float64     `json:"C"`
		X         [][]float64 `json:"X"`
		Y         []float64   `json:"y"`
		Coef      []float64   `json:"coef"`
		Intercept float64     `json:"intercept"`
		CoefOpt   []float64   `json:"coef_optimum"`
		InterOpt  float64     `json:"intercept_optimum"`
		XTest     [][]float64 `json:"X_test"`
		YTest     []float64   `json:"y_test"`
		AUCTest   float64     `json:"auc_test"`
	} `json:"logistic"`
	AUC []struct {
		Scores []float64 `json:"scores"`
		Y      []float64 `json:"y"`
		AUC    float64   `json:"auc"`
	} `json:"auc"`
}

// TestLogisticAgainstSklearn compares coefficients with scikit-learn's
// LogisticRegression (same objective, tol 1e-12) within 1e-5 absolute
// (scikit-learn stops on a function tolerance with gradients near 1e-4),
// and with that answer polished by Newton steps in numpy within 1e-8.
func TestLogisticAgainstSklearn(t *testing.T) {
	b, err := os.ReadFile("testdata/logistic.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref logisticRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	for _, c := range ref.Logistic {
		t.Run(c.Name, func(t *testing.T) {
			m, err := FitLogistic(c.X, c.Y, c.C)
			if err != nil {
				t.Fatal(err)
			}
			for j := range c.Coef {
				if math.Abs(m.Coef[j]-c.Coef[j]) > 1e-5 {
					t.Errorf("coef[%d] = %.10g, sklearn %.10g", j, m.Coef[j], c.Coef[j])
				}
				if math.Abs(m.Coef[j]-c.CoefOpt[j]) > 1e-8 {
					t.Errorf("coef[%d] = %.12g, optimum %.12g", j, m.Coef[j], c.CoefOpt[j])
				}
			}
			if math.Abs(m.Intercept-c.Intercept) > 1e-5 || math.Abs(m.Intercept-c.InterOpt) > 1e-8 {
				t.Errorf("intercept = %.12g, sklearn %.12g, optimum %.12g", m.Intercept, c.Intercept, c.InterOpt)
			}
			scores := make([]float64, len(c.XTest))
			for i, row := range c.XTest {
				scores[i] = m.Score(row)
			}
			if got := AUC(c.YTest, scores); math.Abs(got-c.AUCTest) > 1e-9 {
				t.Errorf("test AUC = %v, sklearn %v", got, c.AUCTest)
			}
		})
	}
	for i, c := range ref.AUC {
		if got := AUC(c.Y, c.Scores); math.Abs(got-c.AUC) > 1e-12 {
			t.Errorf("AUC case %d = %v, sklearn %v", i, got, c.AUC)
		}
	}
	if _, err := FitLogistic([][]float64{{1}, {2}}, []float64{1, 1}, 1); err != ErrOneClass {
		t.Errorf("one class: err = %v, want ErrOneClass", err)
	}
	if !math.IsNaN(AUC([]float64{1, 1}, []float64{0.2, 0.3})) {
		t.Error("AUC of one class is not NaN")
	}
}
