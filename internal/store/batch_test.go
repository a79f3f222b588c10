package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/mlbot"
)

// TestConcurrentSaves has many callers save at once (sharing
// transactions): each gets its own counts, and an alert sent by all of
// them is new for exactly one.
func TestConcurrentSaves(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		const callers = 40
		shared := alert("shared", mlbot.StatusFiring, t0)
		results := make([]Intake, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				own := alert(fmt.Sprint("own", i), mlbot.StatusFiring, t0)
				in, err := s.SaveAlerts(context.Background(), []mlbot.Alert{own, shared}, onePlan)
				if err != nil {
					t.Error(err)
				}
				results[i] = in
			}()
		}
		wg.Wait()
		var total Intake
		for i, in := range results {
			if in.New+in.Duplicate != 2 || in.New < 1 {
				t.Errorf("caller %d: %+v", i, in)
			}
			total = total.Add(in)
		}
		if total.New != callers+1 || total.Duplicate != callers-1 || total.Jobs != callers+1 {
			t.Errorf("total %+v, want %d new, %d duplicates", total, callers+1, callers-1)
		}
	})
}

func TestSaveAfterClose(t *testing.T) {
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = s.SaveAlerts(context.Background(), []mlbot.Alert{alert("f", mlbot.StatusFiring, t0)}, onePlan)
	if !errors.Is(err, ErrClosed) {
		t.Errorf("save after close = %v, want ErrClosed", err)
	}
}
