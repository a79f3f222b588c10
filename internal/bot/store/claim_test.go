package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"gitlab.com/mlgate/mlgate/internal/bot"
)

// TestClaimLimits: each claim's limit is written in its statement (one
// statement per limit), so claims of different sizes one after another
// must each take exactly their number of the oldest jobs, and a claim
// whose expired leases fill part of it must take the due jobs for the
// rest, no more. On SQLite a claim chooses its jobs, then leases each:
// the jobs it returns must be the rows it left.
func TestClaimLimits(t *testing.T) {
	eachStore(t, func(t *testing.T, s *DB) {
		ctx := context.Background()
		for i := range 7 {
			mustSave(t, s, alert(fmt.Sprint("fp", i), bot.StatusFiring, t0))
		}
		ids := func(jobs []bot.Job) []int64 {
			out := make([]int64, len(jobs))
			for i, j := range jobs {
				out[i] = j.ID
			}
			return out
		}
		all, err := s.ListJobs(ctx, bot.JobFilter{})
		if err != nil || len(all) != 7 {
			t.Fatalf("jobs = %d, %v", len(all), err)
		}
		id := func(n int) int64 { return all[len(all)-n].ID } // the nth job queued, from 1
		// The claims of a worker whose free slots change.
		a := claim(t, s, "a", t0, 2)
		b := claim(t, s, "b", t0.Add(30*time.Second), 1)
		if fmt.Sprint(ids(a), ids(b)) != fmt.Sprint([]int64{id(1), id(2)}, []int64{id(3)}) {
			t.Fatalf("claims of 2 then 1 = %v, %v", ids(a), ids(b))
		}
		// a's lease ends: a claim of 4 takes its 2 jobs back, then the 2
		// oldest due jobs; b's job is still leased.
		c, err := s.ClaimJobs(ctx, bot.Claim{Kinds: []string{bot.KindRetrain}, N: 4, Lease: time.Minute, Token: "c",
			Now: t0.Add(time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ids(c)) != fmt.Sprint([]int64{id(1), id(2), id(4), id(5)}) {
			t.Fatalf("claim of 4 over 2 expired leases = %v", ids(c))
		}
		d := claim(t, s, "d", t0.Add(time.Minute), 4)
		if fmt.Sprint(ids(d)) != fmt.Sprint([]int64{id(6), id(7)}) {
			t.Fatalf("claim of 4 with 2 due = %v", ids(d))
		}
		if e := claim(t, s, "e", t0.Add(time.Minute), 3); len(e) != 0 {
			t.Fatalf("claimed leased jobs: %v", ids(e))
		}
		want := map[int64]string{id(1): "c/2", id(2): "c/2", id(3): "b/1", id(4): "c/1", id(5): "c/1", id(6): "d/1", id(7): "d/1"}
		all, err = s.ListJobs(ctx, bot.JobFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// The jobs a claim returns are the rows as it left them.
		claimed := map[int64]bot.Job{}
		for _, js := range [][]bot.Job{b, c, d} {
			for _, j := range js {
				claimed[j.ID] = j
			}
		}
		for _, j := range all {
			if got := fmt.Sprintf("%s/%d", j.Lease, j.Attempts); got != want[j.ID] || j.State != bot.JobRunning {
				t.Errorf("job %d: lease/attempts %s, state %s; want %s, running", j.ID, got, j.State, want[j.ID])
			}
			if !reflect.DeepEqual(claimed[j.ID], j) {
				t.Errorf("job %d claimed as\n%+v\nstored as\n%+v", j.ID, claimed[j.ID], j)
			}
		}
	})
}
