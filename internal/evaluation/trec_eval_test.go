package evaluation

import "testing"

// TestMapHasNoCutoff: map goes over the whole ranking, so it equals map@K
// for a K at least as long as every user's ranking (25 in the reference
// set) and is above map@10 there.
func TestMapHasNoCutoff(t *testing.T) {
	res := mustCompute(t, Input{Task: Ranking, Predictions: refRun, Labels: refQrels, K: []int{10, 25, 1000}})
	if res.Values["map"] != res.Values["map@25"] || res.Values["map"] != res.Values["map@1000"] || !(res.Values["map"] > res.Values["map@10"]) {
		t.Errorf("map %.17g, map@10 %.17g, map@25 %.17g, map@1000 %.17g", res.Values["map"], res.Values["map@10"], res.Values["map@25"], res.Values["map@1000"])
	}
}
