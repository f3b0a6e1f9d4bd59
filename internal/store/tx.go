package store

import (
	"context"
	"time"
)

// Tx runs fn in a write transaction and commits when fn returns nil. fn must
// only touch the database through q: it may run more than once when the
// engine reports a transient conflict (deadlock, serialization failure, busy).
func (s *Store) Tx(ctx context.Context, fn func(q *Q) error) error {
	for attempt := 0; ; attempt++ {
		err := s.tx(ctx, fn)
		if err == nil || attempt >= 8 || !transient(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 7 * time.Millisecond)
	}
}

func (s *Store) tx(ctx context.Context, fn func(q *Q) error) (err error) {
	if s.engine == SQLite {
		return s.batchedTx(ctx, fn)
	}
	return s.pgTx(ctx, fn)
}
