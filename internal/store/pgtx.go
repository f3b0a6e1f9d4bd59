package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// A PostgreSQL write transaction runs on a connection of its own, and
// mentord sends BEGIN and COMMIT itself rather than through database/sql:
// BEGIN goes out with the transaction's first statements and COMMIT with
// its last ones, in one pipeline each (pgx batches), so a transaction that
// reads what it checks in a pipeline (Q.pipeline) and writes at commit
// (Q.atCommit) holds its row locks for two round trips, not one per
// statement. Statements in one pipeline still run one after another, each
// with a snapshot taken when it starts, so a read queued after a FOR UPDATE
// sees whatever committed while the lock was awaited.
type pgTx struct {
	conn  *sql.Conn
	begun bool
	later []pipeItem // sent with COMMIT
}

// pipeItem is one statement of a pipeline: a query whose rows scan reads,
// or a statement whose result is not read (scan nil).
type pipeItem struct {
	query string
	args  []any
	scan  func(sc scanner) error // called on every row
	// affected, when set for a statement (scan nil), receives how many
	// rows it changed.
	affected *int64
}

func (s *Store) pgTx(ctx context.Context, fn func(q *Q) error) (err error) {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return translate(err)
	}
	t := &pgTx{conn: conn}
	q := &Q{s: s, x: conn, pg: t}
	done := false
	defer func() {
		p := recover()
		if !done && t.begun {
			// Give the connection back only outside a transaction; one whose
			// ROLLBACK did not go through is closed.
			if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}
		conn.Raw(func(dc any) error {
			if c, ok := dc.(*stdlib.Conn); ok && c.Conn().PgConn().TxStatus() != 'I' {
				return driver.ErrBadConn
			}
			return nil
		})
		conn.Close()
		if p != nil {
			panic(p)
		}
	}()
	if err = fn(q); err != nil {
		return err
	}
	if !t.begun && len(t.later) == 0 {
		done = true // nothing was sent: nothing to commit
		return nil
	}
	items := append(t.later, pipeItem{query: "COMMIT"})
	t.later = nil
	if err = q.sendOn(ctx, conn, t, items); err != nil {
		return err
	}
	done = true
	for _, table := range q.written {
		s.bump(table)
	}
	return nil
}

// begin sends BEGIN unless it went out already.
func (q *Q) begin(ctx context.Context) error {
	if q.pg == nil || q.pg.begun {
		return nil
	}
	q.s.queries.Add(1)
	if _, err := q.pg.conn.ExecContext(ctx, "BEGIN"); err != nil {
		return translate(err)
	}
	q.pg.begun = true
	return nil
}

// pipeline runs items in order and reads their rows. On PostgreSQL inside
// a transaction they go out together, in one round trip (with the BEGIN
// when it has not gone out yet); an item that fails stops the ones after
// it. Elsewhere they run one after another.
func (q *Q) pipeline(ctx context.Context, items ...pipeItem) error {
	if db, ok := q.x.(*sql.DB); ok && q.pg == nil && q.s.engine == Postgres {
		// Outside a transaction: on one pooled connection.
		for _, it := range items {
			q.noteWrite(it.query)
		}
		conn, err := db.Conn(ctx)
		if err != nil {
			return translate(err)
		}
		defer conn.Close()
		return q.sendOn(ctx, conn, nil, items)
	}
	if q.pg == nil {
		for _, it := range items {
			if it.scan == nil {
				res, err := q.exec(ctx, it.query, it.args...)
				if err != nil {
					return err
				}
				if it.affected != nil {
					if *it.affected, err = res.RowsAffected(); err != nil {
						return err
					}
				}
				continue
			}
			if err := q.each(ctx, it.scan, it.query, it.args...); err != nil && err != errStop {
				return err
			}
		}
		return nil
	}
	for _, it := range items {
		q.noteWrite(it.query)
	}
	return q.sendOn(ctx, q.pg.conn, q.pg, items)
}

// atCommit runs a statement whose result the transaction does not read:
// on PostgreSQL it goes out with the COMMIT (its error is the
// transaction's), elsewhere at once.
func (q *Q) atCommit(ctx context.Context, item pipeItem) error {
	if q.pg == nil {
		return q.pipeline(ctx, item)
	}
	q.noteWrite(item.query)
	q.pg.later = append(q.pg.later, item)
	return nil
}

// sendOn sends items as one pipeline on conn, in transaction t (nil:
// outside any).
func (q *Q) sendOn(ctx context.Context, conn *sql.Conn, t *pgTx, items []pipeItem) error {
	return translate(conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("store: not a pgx connection")
		}
		b := &pgx.Batch{}
		opened := t != nil && !t.begun
		if opened {
			b.Queue("BEGIN")
		}
		for _, it := range items {
			b.Queue(q.s.rebind(it.query), it.args...)
		}
		q.s.queries.Add(int64(b.Len()))
		br := c.Conn().SendBatch(ctx, b)
		if opened {
			if _, err := br.Exec(); err != nil {
				br.Close()
				return err
			}
			t.begun = true
		}
		for _, it := range items {
			if it.scan == nil {
				tag, err := br.Exec()
				if err == nil && it.query == "COMMIT" && tag.String() == "ROLLBACK" {
					// The transaction had failed already: nothing was committed.
					err = pgx.ErrTxCommitRollback
				}
				if err != nil {
					br.Close()
					return err
				}
				if it.affected != nil {
					*it.affected = tag.RowsAffected()
				}
				continue
			}
			rows, err := br.Query()
			if err != nil {
				br.Close()
				return err
			}
			stopped := false
			for rows.Next() {
				if stopped {
					continue
				}
				if err := it.scan(rows); err == errStop {
					stopped = true
				} else if err != nil {
					rows.Close()
					br.Close()
					return err
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				br.Close()
				return err
			}
		}
		if err := br.Close(); err != nil {
			return err
		}
		if t != nil && items[len(items)-1].query == "COMMIT" {
			t.begun = false
		}
		return nil
	}))
}
