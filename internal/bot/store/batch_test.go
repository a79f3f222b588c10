package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// TestConcurrentSaves has many callers save at once (sharing
// transactions): each gets its own counts, and an alert sent by all of
// them is new for exactly one.
func TestConcurrentSaves(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		const callers = 40
		shared := alert("shared", bot.StatusFiring, t0)
		results := make([]bot.Intake, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				own := alert(fmt.Sprint("own", i), bot.StatusFiring, t0)
				in, err := s.SaveAlerts(context.Background(), []bot.Alert{own, shared}, onePlan)
				if err != nil {
					t.Error(err)
				}
				results[i] = in
			}()
		}
		wg.Wait()
		var total bot.Intake
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
	_, err = s.SaveAlerts(context.Background(), []bot.Alert{alert("f", bot.StatusFiring, t0)}, onePlan)
	if !errors.Is(err, ErrClosed) {
		t.Errorf("save after close = %v, want ErrClosed", err)
	}
}

// TestBatchSavepoints runs three writes in one shared transaction; the
// middle one fails after writing: only its write is undone.
func TestBatchSavepoints(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		audit := func(subject string, fail bool) *writeOp {
			return &writeOp{res: make(chan error, 1), fn: func(ctx context.Context, tx *sql.Tx) error {
				if err := s.insertAudit(ctx, tx, bot.AuditEntry{At: t0, Actor: "t", Action: "a", Subject: subject}); err != nil {
					return err
				}
				if fail {
					return errors.New("boom")
				}
				return nil
			}}
		}
		batch := []*writeOp{audit("one", false), audit("two", true), audit("three", false)}
		s.commitBatch(batch)
		for i, want := range []string{"", "boom", ""} {
			err := <-batch[i].res
			if (err == nil && want != "") || (err != nil && err.Error() != want) {
				t.Errorf("op %d: %v, want %q", i, err, want)
			}
		}
		entries, err := s.ListAudit(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Subject)
		}
		if fmt.Sprint(got) != "[three one]" {
			t.Errorf("audit subjects %v, want [three one]", got)
		}
	})
}

// TestInTx: a batch binds each prepared statement to its transaction once
// (withTxStmts), the next transaction binds its own, and a transaction
// without the cache gets a fresh binding each time.
func TestInTx(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		st := s.hot[qInsertAudit]
		for range 2 {
			tx, err := s.db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			bctx := withTxStmts(ctx, tx)
			a, b := inTx(bctx, tx, st), inTx(bctx, tx, st)
			if a != b || a == st {
				t.Errorf("one transaction's bindings differ (%p, %p) or are the store's statement", a, b)
			}
			if c := inTx(ctx, tx, st); c == a {
				t.Error("binding without the cache came from it")
			}
			for i := range 3 {
				if err := s.insertAudit(bctx, tx, bot.AuditEntry{At: t0, Actor: "t", Action: "a", Subject: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
		entries, err := s.ListAudit(ctx, 0)
		if err != nil || len(entries) != 6 {
			t.Errorf("audit entries %d, %v; want 6", len(entries), err)
		}
	})
}
