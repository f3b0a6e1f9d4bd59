package store

import (
	"context"
	"errors"
	"sync"
)

// On SQLite every write transaction waits for the one writer connection.
// Instead of a BEGIN ... COMMIT each, the transactions that are waiting when
// the writer frees up run together: one BEGIN, each in a SAVEPOINT of its
// own (so one that fails is undone alone), one COMMIT. A commit costs about
// as much as a small transaction itself (it writes a WAL frame for every
// page touched, and concurrent bookings touch the same pages), so under load
// this takes most of that cost off each write; a transaction that finds the
// writer free runs alone, as before. They run one after another, so each
// sees the ones before it exactly as if they had committed first.

// maxBatch bounds how many transactions share one commit, and so how long
// the last of them waits.
const maxBatch = 64

// errBatchUndone is what the transactions of a batch get when the database
// undid the whole batch (a failed commit, an I/O error that rolled the
// transaction back): their work is lost, and Tx runs them again.
var errBatchUndone = errors.New("store: the write batch was undone")

type writeQueue struct {
	mu    sync.Mutex
	queue []*queuedTx
	turn  chan struct{} // held by the goroutine running a batch
}

type queuedTx struct {
	ctx  context.Context
	fn   func(q *Q) error
	done chan txOutcome
}

type txOutcome struct {
	err      error
	panicked bool
	panicVal any
}

// batchedTx queues fn and either runs the waiting batch itself, when the
// writer is free, or waits for whoever is running it.
func (s *Store) batchedTx(ctx context.Context, fn func(q *Q) error) error {
	t := &queuedTx{ctx: ctx, fn: fn, done: make(chan txOutcome, 1)}
	w := &s.writes
	w.mu.Lock()
	w.queue = append(w.queue, t)
	w.mu.Unlock()
	for {
		select {
		case o := <-t.done:
			if o.panicked {
				panic(o.panicVal) // in the caller's goroutine, as without batching
			}
			return o.err
		case w.turn <- struct{}{}:
			s.runBatch(w.take())
			<-w.turn
		}
	}
}

func (w *writeQueue) take() []*queuedTx {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := min(len(w.queue), maxBatch)
	batch := append([]*queuedTx(nil), w.queue[:n]...)
	w.queue = append(w.queue[:0:0], w.queue[n:]...)
	return batch
}

// runBatch runs the transactions of batch in one database transaction.
func (s *Store) runBatch(batch []*queuedTx) {
	live := batch[:0]
	for _, t := range batch {
		if err := t.ctx.Err(); err != nil {
			t.done <- txOutcome{err: err}
		} else {
			live = append(live, t)
		}
	}
	if len(live) == 0 {
		return
	}
	tx, err := s.write.BeginTx(context.Background(), nil)
	if err != nil {
		for _, t := range live {
			t.done <- txOutcome{err: translate(err)}
		}
		return
	}
	s.queries.Add(1)
	alone := len(live) == 1
	type ran struct {
		t *queuedTx
		q *Q
	}
	var committed []ran
	var unprepared []string
	undo := func(rest []*queuedTx, cause error) {
		tx.Rollback()
		for _, r := range committed {
			r.t.done <- txOutcome{err: cause}
		}
		for _, t := range rest {
			t.done <- txOutcome{err: cause}
		}
	}
	for i, t := range live {
		q := &Q{s: s, x: tx, tx: tx, stmts: s.writeStmts, detached: true}
		if !alone {
			if _, err := tx.Exec("SAVEPOINT batched"); err != nil {
				undo(live[i:], errBatchUndone)
				return
			}
		}
		o := runQueued(t, q)
		unprepared = append(unprepared, q.unprepared...)
		if alone {
			if o.err != nil || o.panicked {
				tx.Rollback()
				s.prepareAfter(unprepared)
				t.done <- o
				return
			}
			committed = append(committed, ran{t, q})
			break
		}
		failed := o.err != nil || o.panicked
		if failed {
			if _, err := tx.Exec("ROLLBACK TO batched"); err != nil {
				// The database undid the whole transaction: the ones before
				// this one are lost too.
				t.done <- o
				undo(live[i+1:], errBatchUndone)
				s.prepareAfter(unprepared)
				return
			}
		}
		if _, err := tx.Exec("RELEASE batched"); err != nil {
			if failed {
				t.done <- o
			} else {
				committed = append(committed, ran{t, q})
			}
			undo(live[i+1:], errBatchUndone)
			s.prepareAfter(unprepared)
			return
		}
		if failed {
			t.done <- o
		} else {
			committed = append(committed, ran{t, q})
		}
	}
	if len(committed) == 0 {
		tx.Rollback()
	} else if err := tx.Commit(); err != nil {
		err = translate(err)
		for _, r := range committed {
			r.t.done <- txOutcome{err: err}
		}
	} else {
		for _, r := range committed {
			for _, table := range r.q.written {
				s.bump(table)
			}
			r.t.done <- txOutcome{}
		}
	}
	s.prepareAfter(unprepared)
}

// runQueued runs one queued transaction's fn, catching a panic so that the
// others of its batch go on; the panic is raised again in its own caller.
func runQueued(t *queuedTx, q *Q) (o txOutcome) {
	defer func() {
		if p := recover(); p != nil {
			o = txOutcome{panicked: true, panicVal: p}
		}
	}()
	return txOutcome{err: t.fn(q)}
}

// prepareAfter prepares, once the writer's one connection is free again,
// what a transaction had to run unprepared.
func (s *Store) prepareAfter(queries []string) {
	for _, query := range queries {
		s.writeStmts.prepare(context.Background(), query)
	}
}
