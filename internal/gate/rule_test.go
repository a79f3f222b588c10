package gate

import (
	"testing"
)

func TestParseRule(t *testing.T) {
	r, err := ParseRule("latency_p95_ms:max=300,higher_is_better=false")
	if err != nil || *r.Max != 300 || r.Higher() || r.Metric != "latency_p95_ms" {
		t.Fatalf("%+v %v", r, err)
	}
	r, err = ParseRule("eval.ndcg@10:min_ratio=0.95")
	if err != nil || *r.MinRatio != 0.95 || r.Metric != "eval.ndcg@10" {
		t.Fatalf("%+v %v", r, err)
	}
	for in, want := range map[string]string{
		"p5":                     "--rule \"p5\": expected METRIC:CONDITION=VALUE, e.g. precision@5:min_ratio=0.95",
		"p5:min_ratio":           `--rule "p5:min_ratio": "min_ratio" has no '=': expected CONDITION=VALUE`,
		"p5:min_ratio=abc":       `--rule "p5:min_ratio=abc": min_ratio is "abc", expected a number`,
		"p5:minratio=1":          `--rule "p5:minratio=1": unknown condition "minratio", expected min, max, min_ratio, max_drop, min_delta, higher_is_better or severity`,
		"p5:min_ratio=-1":        `--rule "p5:min_ratio=-1": rule for p5: min_ratio is -1, expected a number > 0 (0.95 means 95% of production)`,
		"p5:min=2,max=1":         `--rule "p5:min=2,max=1": rule for p5: min 2 is above max 1`,
		"p5:severity=oops,min=1": `--rule "p5:severity=oops,min=1": rule for p5: severity is "oops", expected fail or warn`,
	} {
		if _, err := ParseRule(in); err == nil || err.Error() != want {
			t.Errorf("ParseRule(%q) = %v, want %s", in, err, want)
		}
	}
}

func TestWorst(t *testing.T) {
	if Worst() != Skip || Worst(Skip, Pass) != Pass || Worst(Pass, Warn, Skip) != Warn || Worst(Warn, Fail, Pass) != Fail {
		t.Error("Worst order wrong")
	}
}

func FuzzParseRule(f *testing.F) {
	f.Add("precision@5:min_ratio=0.95")
	f.Add("a:b:max=1,higher_is_better=false")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s)
		if err == nil {
			if r.Validate() != nil {
				t.Fatal("ParseRule returned an invalid rule")
			}
		}
	})
}
