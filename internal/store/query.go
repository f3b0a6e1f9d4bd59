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
	tx    *sql.Tx    // set inside a SQLite transaction
	pg    *pgTx      // set inside a PostgreSQL transaction
	stmts *stmtCache // nil: send the text each time
	// unprepared lists the queries a transaction ran before they were
	// cached; they are prepared when it ends.
	unprepared []string
	written    []string // tables the transaction wrote
	// detached: the statements run to the end even if the caller's context
	// ends, since on SQLite an interrupted write inside a transaction undoes
	// the whole transaction, and a batched one holds other callers' work.
	detached bool
}

func (q *Q) context(ctx context.Context) context.Context {
	if q.detached {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

// Engine reports which engine the queries run on.
func (q *Q) Engine() Engine { return q.s.engine }

func (q *Q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ctx = q.context(ctx)
	if err := q.begin(ctx); err != nil {
		return nil, err
	}
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
	ctx = q.context(ctx)
	if err := q.begin(ctx); err != nil {
		return rows{}, err
	}
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
	ctx = q.context(ctx)
	if err := q.begin(ctx); err != nil {
		return row{err: err}
	}
	q.s.queries.Add(1)
	q.noteWrite(query)
	if st := q.prepared(ctx, query); st != nil {
		return row{r: st.QueryRowContext(ctx, q.s.conv(args)...)}
	}
	return row{r: q.x.QueryRowContext(ctx, q.s.rebind(query), q.s.conv(args)...)}
}

// rows and row are *sql.Rows and *sql.Row whose errors go through translate:
// a driver reports some errors (a refused INSERT ... RETURNING, a dropped
// connection) only when the rows are read.
type rows struct{ r *sql.Rows }

func (r rows) Next() bool             { return r.r.Next() }
func (r rows) Scan(dest ...any) error { return translate(r.r.Scan(dest...)) }
func (r rows) Err() error             { return translate(r.r.Err()) }
func (r rows) Close() error           { return translate(r.r.Close()) }

type row struct {
	r   *sql.Row
	err error // the row was never asked for
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return translate(r.r.Scan(dest...))
}

// scanner is a row to read: rows (at one row) or row.
type scanner interface{ Scan(dest ...any) error }

// errStop, returned by each's fn, ends the scan early without an error.
var errStop = errors.New("stop")

// each runs query and calls fn on every row it returns, in order, until fn
// returns errStop; the rows are closed by the time it returns.
func (q *Q) each(ctx context.Context, fn func(sc scanner) error, query string, args ...any) error {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err == errStop {
			return nil
		} else if err != nil {
			return err
		}
	}
	return rows.Err()
}

// list runs query and reads every row into a new T, scanning into what dest
// gives for it.
func list[T any](ctx context.Context, q *Q, dest func(*T) []any, query string, args ...any) ([]T, error) {
	var out []T
	err := q.each(ctx, func(sc scanner) error {
		var v T
		if err := sc.Scan(dest(&v)...); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// get runs a one-row query and scans the row into a new T; no row is
// ErrNotFound.
func get[T any](ctx context.Context, q *Q, dest func(*T) []any, query string, args ...any) (*T, error) {
	v := new(T)
	err := q.row(ctx, query, args...).Scan(dest(v)...)
	return v, one(err)
}

// first returns the first of a list a lookup by key returned, or
// ErrNotFound when it is empty.
func first[T any](list []T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNotFound
	}
	return &list[0], nil
}

// affected runs a statement and returns how many rows it changed.
func (q *Q) affected(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// conds builds a WHERE clause from the conditions a filter sets.
type conds struct {
	sql  []string
	args []any
}

// add ANDs cond, with its arguments, to the clause.
func (c *conds) add(cond string, args ...any) {
	c.sql = append(c.sql, cond)
	c.args = append(c.args, args...)
}

// where is the clause: "1 = 1" when no condition was added.
func (c *conds) where() string {
	if len(c.sql) == 0 {
		return "1 = 1"
	}
	return strings.Join(c.sql, " AND ")
}

// anys turns values (ids, names) into query arguments.
func anys[T any](vs ...T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

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
