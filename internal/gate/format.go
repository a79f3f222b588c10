package gate

import (
	"fmt"
	"math"
	"strings"
)

// Metrics are flattened metric names and their values.
type Metrics map[string]float64

// FormatNumber formats v with up to 6 significant digits and no exponent for
// ordinary magnitudes; NaN is "NaN".
func FormatNumber(v float64) string {
	if math.IsNaN(v) {
		return "NaN"
	}
	a := math.Abs(v)
	if a != 0 && (a < 1e-4 || a >= 1e9) {
		return fmt.Sprintf("%.4g", v)
	}
	s := fmt.Sprintf("%.6g", v)
	if strings.Contains(s, "e") {
		s = fmt.Sprintf("%f", v)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
