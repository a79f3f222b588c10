package forge

import (
	"errors"
	"strings"
	"testing"
)

func TestClassifyHTTP(t *testing.T) {
	base := errors.New("answer")
	for _, tt := range []struct {
		status    int
		permanent bool
	}{
		{0, false}, {400, true}, {401, true}, {404, true}, {408, false}, {422, true}, {429, false}, {500, false}, {503, false},
	} {
		err := ClassifyHTTP(tt.status, base)
		if errors.Is(err, ErrPermanent) != tt.permanent || !errors.Is(err, base) || err.Error() != "answer" {
			t.Errorf("status %d: %v, permanent %v, want %v", tt.status, err, errors.Is(err, ErrPermanent), tt.permanent)
		}
	}
	if ClassifyHTTP(404, nil) != nil || Permanent(nil) != nil {
		t.Error("nil error must stay nil")
	}
}

func TestTrimDescription(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"all  2 checks\npassed", 140, "all 2 checks passed"},
		{"abc def", 0, ""},
		{"abcdef", 6, "abcdef"},
		{"abc defgh", 5, "abc…"},
		{strings.Repeat("é", 300), 255, strings.Repeat("é", 254) + "…"},
	} {
		if got := TrimDescription(tt.in, tt.n); got != tt.want {
			t.Errorf("TrimDescription(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestRollbackVariables(t *testing.T) {
	v := RollbackTask{Model: "rec", Version: "v1"}.Variables()
	if len(v) != 2 || v["MODEL"] != "rec" || v["ROLLBACK_TO"] != "v1" {
		t.Errorf("variables %v", v)
	}
}
