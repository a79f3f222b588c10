package runner

import (
	"reflect"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/gate"
)

func TestMergeLineage(t *testing.T) {
	a := &gate.Lineage{Commit: "c1", Files: map[string]string{"a.csv": "sha256:1"}}
	b := &gate.Lineage{Commit: "c2", Job: "j", Files: map[string]string{"a.csv": "sha256:other", "b.csv": "md5:2 (dvc)"},
		Params: map[string]any{"lr": 0.1}, ParamsFile: "params.yaml"}
	cases := []struct {
		name string
		a, b *gate.Lineage
		want *gate.Lineage
	}{
		{"both nil", nil, nil, nil},
		{"first nil", nil, b, b},
		{"second nil", a, nil, a},
		{"union, first wins", a, b, &gate.Lineage{Commit: "c1", Job: "j", Files: map[string]string{"a.csv": "sha256:1", "b.csv": "md5:2 (dvc)"},
			Params: map[string]any{"lr": 0.1}, ParamsFile: "params.yaml"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := mergeLineage(c.a, c.b); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}
