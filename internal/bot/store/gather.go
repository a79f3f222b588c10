package store

import "time"

// batchStats describes the batch committed last.
type batchStats struct {
	size int
	took time.Duration
	// queued is how many writes were waiting when it committed, before
	// its writers were answered; intake how many of its writes were the
	// alert intake's.
	queued, intake int
}

// gather takes first and every write already waiting, up to maxBatch. When
// the last batch held several writes (there are concurrent writers), it
// then waits for as many more as the last commit answered webhook senders
// (see writeOp.intake), taking writes
// while they arrive less than a quarter of the last batch's duration
// apart, for at most half of it. A large write (writeOp.alone) is a batch
// of its own: when one arrives while others are gathered it is returned
// as held, for the next batch. open is false once the queue is closed
// (pass false when it was closed already).
//
// Without that short wait, concurrent writers fall into a convoy: the
// writers answered by one commit send their next writes while the batch
// after it (the writers who arrived during the commit) is already
// committing, so each batch holds half of them and each costs a full
// fsync. Waiting a fraction of a commit lets both halves share one.
func (d *DB) gather(first *writeOp, last batchStats, open bool) (batch []*writeOp, held *writeOp, stillOpen bool) {
	batch = []*writeOp{first}
	if first.alone || !open {
		return batch, nil, open
	}
	take := func(op *writeOp) bool {
		if op.alone {
			held = op
			return false
		}
		batch = append(batch, op)
		return true
	}
	for len(batch) < maxBatch {
		select {
		case op, ok := <-d.group.ops:
			if !ok {
				return batch, nil, false
			}
			if !take(op) {
				return batch, held, true
			}
			continue
		default:
		}
		break
	}
	if last.size < 2 || len(batch) >= maxBatch {
		return batch, nil, true
	}
	// Expected: the writes that waited during the last commit and one
	// more from each webhook sender it answered (the worker's writes come
	// back only after a call to GitLab or Slack); once they are all here,
	// waiting longer only delays the commit.
	expect := min(maxBatch, last.queued+last.intake)
	deadline, gap := time.Now().Add(last.took/2), last.took/4
	quiet := time.NewTimer(gap)
	defer quiet.Stop()
	for len(batch) < expect {
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		quiet.Reset(min(gap, left))
		select {
		case op, ok := <-d.group.ops:
			if !ok {
				return batch, nil, false
			}
			if !take(op) {
				return batch, held, true
			}
		case <-quiet.C:
			return batch, nil, true
		}
	}
	return batch, nil, true
}
