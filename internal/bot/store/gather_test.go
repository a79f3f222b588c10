package store

import (
	"testing"
	"time"
)

// TestGather checks when the commit loop waits for more writes: never
// after a lone write, and after a busy batch only while writes keep
// arriving, within half the last batch's duration.
func TestGather(t *testing.T) {
	op := func() *writeOp { return &writeOp{res: make(chan error, 1)} }
	tests := []struct {
		name string
		last batchStats
		// queued writes wait before gather starts; late ones arrive
		// every gap after it started (a gap long enough that the first
		// cannot beat gather's first look at the queue on a busy machine).
		queued, late int
		gap          time.Duration
		want         int
	}{
		{"lone writer commits at once", batchStats{size: 1, took: 50 * time.Millisecond}, 0, 3, 20 * time.Millisecond, 1},
		{"queued writes join", batchStats{size: 1, took: time.Second}, 4, 0, 0, 5},
		{"busy: late writes join", batchStats{size: 8, intake: 6, queued: 1, took: 4 * time.Second}, 2, 4, 5 * time.Millisecond, 7},
		{"busy: a quiet gap ends it", batchStats{size: 8, intake: 8, took: 200 * time.Millisecond}, 2, 2, 400 * time.Millisecond, 3},
		{"busy: bounded by half the last commit", batchStats{size: 8, intake: 8, took: 0}, 0, 3, 50 * time.Millisecond, 1},
		{"busy: stops once the answered writers are back", batchStats{size: 2, intake: 2, queued: 1, took: 10 * time.Second}, 1, 2, time.Millisecond, 3},
		{"busy with the worker's writes only: no wait", batchStats{size: 4, took: 10 * time.Second}, 0, 2, time.Millisecond, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &DB{group: &groupCommit{ops: make(chan *writeOp, maxBatch)}}
			for range tt.queued {
				d.group.ops <- op()
			}
			stop := make(chan struct{})
			defer close(stop)
			if tt.late > 0 {
				go func() {
					for range tt.late {
						select {
						case <-time.After(tt.gap):
							d.group.ops <- op()
						case <-stop:
							return
						}
					}
				}()
			}
			start := time.Now()
			batch, held, open := d.gather(op(), tt.last, true)
			if took := time.Since(start); took > tt.last.took/4 && tt.last.took > time.Second {
				t.Errorf("gather took %s, want no quiet wait once the expected writers are back", took)
			}
			if !open {
				t.Fatal("gather says the queue closed")
			}
			if len(batch) != tt.want || held != nil {
				t.Errorf("batch of %d (held %v), want %d", len(batch), held, tt.want)
			}
		})
	}
}

// TestGatherAlone checks that a large write is a batch of its own: it is
// not joined by the writes waiting behind it, and a write gathered before
// it commits without it.
func TestGatherAlone(t *testing.T) {
	op := func(alone bool) *writeOp { return &writeOp{res: make(chan error, 1), alone: alone} }
	d := &DB{group: &groupCommit{ops: make(chan *writeOp, maxBatch)}}
	large := op(true)
	d.group.ops <- op(false)
	d.group.ops <- large
	d.group.ops <- op(false)
	batch, held, open := d.gather(op(false), batchStats{}, true)
	if len(batch) != 2 || held != large || !open {
		t.Fatalf("first batch: %d writes, held %v; want 2 small writes and the large one held", len(batch), held)
	}
	batch, held, _ = d.gather(held, batchStats{size: 8, intake: 8, took: time.Second}, true)
	if len(batch) != 1 || batch[0] != large || held != nil {
		t.Fatalf("second batch: %d writes, held %v; want the large write alone", len(batch), held)
	}
	if batch, _, _ = d.gather(<-d.group.ops, batchStats{size: 1}, true); len(batch) != 1 || batch[0].alone {
		t.Fatal("the write behind the large one was lost")
	}
}
