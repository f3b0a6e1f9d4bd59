package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// execer is what *sql.DB and *sql.Tx have in common.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Q runs queries, either on the read pool or inside a transaction. All
// aggregate methods hang off Q so the same code serves both.
type Q struct {
	s     *Store
	x     execer
	tx    *sql.Tx    // set inside a transaction
	stmts *stmtCache // nil: send the text each time
	// unprepared lists the queries a transaction ran before they were
	// cached; they are prepared when it ends.
	unprepared []string
	written    []string // tables the transaction wrote
}

// Engine reports which engine the queries run on.
func (q *Q) Engine() Engine { return q.s.engine }

func (q *Q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q.s.queries.Add(1)
	q.noteWrite(query)
	var res sql.Result
	var err error
	if st := q.prepared(ctx, query); st != nil {
		res, err = st.ExecContext(ctx, q.s.conv(args)...)
	} else {
		res, err = q.x.ExecContext(ctx, q.s.rebind(query), q.s.conv(args)...)
	}
	return res, translate(err)
}

func (q *Q) query(ctx context.Context, query string, args ...any) (rows, error) {
	q.s.queries.Add(1)
	q.noteWrite(query)
	var r *sql.Rows
	var err error
	if st := q.prepared(ctx, query); st != nil {
		r, err = st.QueryContext(ctx, q.s.conv(args)...)
	} else {
		r, err = q.x.QueryContext(ctx, q.s.rebind(query), q.s.conv(args)...)
	}
	return rows{r}, translate(err)
}

func (q *Q) row(ctx context.Context, query string, args ...any) row {
	q.s.queries.Add(1)
	q.noteWrite(query)
	if st := q.prepared(ctx, query); st != nil {
		return row{st.QueryRowContext(ctx, q.s.conv(args)...)}
	}
	return row{q.x.QueryRowContext(ctx, q.s.rebind(query), q.s.conv(args)...)}
}

// rows and row are *sql.Rows and *sql.Row whose errors go through translate:
// a driver reports some errors (a refused INSERT ... RETURNING, a dropped
// connection) only when the rows are read.
type rows struct{ r *sql.Rows }

func (r rows) Next() bool             { return r.r.Next() }
func (r rows) Scan(dest ...any) error { return translate(r.r.Scan(dest...)) }
func (r rows) Err() error             { return translate(r.r.Err()) }
func (r rows) Close() error           { return translate(r.r.Close()) }

type row struct{ r *sql.Row }

func (r row) Scan(dest ...any) error { return translate(r.r.Scan(dest...)) }

// one maps sql.ErrNoRows to ErrNotFound.
func one(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// rebind turns ? placeholders into $n for PostgreSQL. Queries never contain a
// literal question mark.
func (s *Store) rebind(query string) string {
	if s.engine != Postgres {
		return query
	}
	if v, ok := s.rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	out := b.String()
	s.rebound.Store(query, out)
	return out
}

// conv encodes times for SQLite as fixed-width UTC text, so that they compare
// correctly as strings; PostgreSQL stores them as timestamptz.
func (s *Store) conv(args []any) []any {
	if s.engine != SQLite {
		return args
	}
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = formatTime(v)
		case *time.Time:
			if v == nil {
				args[i] = nil
			} else {
				args[i] = formatTime(*v)
			}
		}
	}
	return args
}

const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(sqliteTimeLayout) }

// timeScanner reads a time column from either engine.
type timeScanner struct {
	dst  *time.Time
	null **time.Time
}

func (ts timeScanner) Scan(v any) error {
	var t time.Time
	switch v := v.(type) {
	case nil:
		if ts.null != nil {
			*ts.null = nil
			return nil
		}
		return errors.New("store: NULL in a NOT NULL time column")
	case time.Time:
		t = v.UTC()
	case string:
		p, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return fmt.Errorf("store: bad time %q: %w", v, err)
		}
		t = p.UTC()
	case []byte:
		p, err := time.Parse(time.RFC3339Nano, string(v))
		if err != nil {
			return fmt.Errorf("store: bad time %q: %w", v, err)
		}
		t = p.UTC()
	default:
		return fmt.Errorf("store: cannot scan %T into a time", v)
	}
	if ts.null != nil {
		*ts.null = &t
	} else {
		*ts.dst = t
	}
	return nil
}

func scanTime(dst *time.Time) sql.Scanner      { return timeScanner{dst: dst} }
func scanNullTime(dst **time.Time) sql.Scanner { return timeScanner{null: dst} }
