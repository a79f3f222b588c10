package dataset

import "sync"

// turnstile lets the workers of one streamed file run parts of their
// callbacks in block order (Block.InOrder): block seq's turn comes once
// every earlier block has either taken its turn or finished without one.
type turnstile struct {
	mu   sync.Mutex
	cond sync.Cond
	next int
	// done holds the finished blocks after next (those that finished
	// before an earlier one).
	done map[int]bool
}

func newTurnstile() *turnstile {
	t := &turnstile{done: map[int]bool{}}
	t.cond.L = &t.mu
	return t
}

// wait blocks until it is block seq's turn.
func (t *turnstile) wait(seq int) {
	t.mu.Lock()
	for t.next < seq {
		t.cond.Wait()
	}
	t.mu.Unlock()
}

// finish records that block seq needs no more turn (it took it, was
// skipped or failed); finishing a block twice is harmless.
func (t *turnstile) finish(seq int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if seq < t.next {
		return
	}
	t.done[seq] = true
	if seq != t.next {
		return
	}
	for t.done[t.next] {
		delete(t.done, t.next)
		t.next++
	}
	t.cond.Broadcast()
}

// InOrder runs f once every earlier block of the stream has run its own
// InOrder function or finished its callback without one, so that the
// functions of a file's blocks run one at a time, in the file's order,
// whichever workers parse them and however the file was cut into blocks.
// Work that does not depend on order belongs outside f, where workers run
// in parallel. A callback calls InOrder at most once. When the stream
// fails, earlier blocks may have been skipped; Stream then returns the
// error.
func (b *Block) InOrder(f func()) {
	if b.turn == nil { // one goroutine reads the file, in order
		f()
		return
	}
	b.turn.wait(b.seq)
	f()
	b.turn.finish(b.seq)
}
