package stats

// mat is a small dense square matrix for the Durbin matrix algorithm.
type mat struct {
	n int
	a []float64
}

func newMat(n int) *mat { return &mat{n: n, a: make([]float64, n*n)} }

func identity(n int) *mat {
	m := newMat(n)
	for i := 0; i < n; i++ {
		m.a[i*n+i] = 1
	}
	return m
}

func (m *mat) at(i, j int) float64     { return m.a[i*m.n+j] }
func (m *mat) set(i, j int, v float64) { m.a[i*m.n+j] = v }

func (m *mat) scale(f float64) {
	for i := range m.a {
		m.a[i] *= f
	}
}

// mul returns m·o.
func (m *mat) mul(o *mat) *mat {
	n := m.n
	r := newMat(n)
	for i := 0; i < n; i++ {
		ri := r.a[i*n : (i+1)*n]
		for k := 0; k < n; k++ {
			v := m.a[i*n+k]
			if v == 0 {
				continue
			}
			ok := o.a[k*n : (k+1)*n]
			for j := range ri {
				ri[j] += v * ok[j]
			}
		}
	}
	return r
}
