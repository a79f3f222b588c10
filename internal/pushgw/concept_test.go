package pushgw

import (
	"context"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/gate/concept"
	"gitlab.com/mlgate/mlgate/internal/gate/drift"
)

// TestPushConceptToRealPushgateway pushes a severe concept drift and a
// feature drift for one model: both groups stay, and the AUC drop is the
// series deploy/prometheus/mlgate-rules.yml's MLConceptDriftSevere reads.
func TestPushConceptToRealPushgateway(t *testing.T) {
	base := mustPushgateway(t)
	now := time.Unix(1763900000, 0)
	rep := &concept.Report{AUCHoldout: 0.81, AUCNew: 0.66, Drop: 0.15000000000000002, Status: gate.Fail}
	if err := PushConcept(context.Background(), base, "ranker", rep, now, nil); err != nil {
		t.Fatal(err)
	}
	dr := &drift.Report{Features: []drift.Feature{{Name: "f0", Type: "numeric", PSI: 0.1, KSPValue: 0.5, Status: gate.Pass}}, Status: gate.Pass}
	if err := PushDrift(context.Background(), base, "ranker", dr, now, nil); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(body)
	for _, want := range []string{
		`mlgate_concept_auc_drop{instance="",job="mlgate_concept",model="ranker"} 0.15000000000000002`,
		`mlgate_concept_auc{instance="",job="mlgate_concept",model="ranker",sample="holdout"} 0.81`,
		`mlgate_concept_auc{instance="",job="mlgate_concept",model="ranker",sample="new"} 0.66`,
		`mlgate_concept_status{instance="",job="mlgate_concept",model="ranker"} 2`,
		`mlgate_feature_psi{feature="f0",instance="",job="mlgate_drift",model="ranker"} 0.1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("pushgateway /metrics lacks\n  %s\n%s", want, grep(text, "mlgate_"))
		}
	}

	// One class in the new sample: no AUC, no drop, and no stale drop left.
	one := &concept.Report{AUCHoldout: 0.8, AUCNew: math.NaN(), Drop: math.NaN(), Status: gate.Skip}
	if err := PushConcept(context.Background(), base, "ranker", one, now, nil); err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "mlgate_concept_auc_drop{") || strings.Contains(string(body), `sample="new"`) {
		t.Errorf("an undefined AUC was pushed or a stale one kept:\n%s", grep(string(body), "mlgate_concept"))
	}
}
