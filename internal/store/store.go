// Package store is mentord's only access to the database. One set of
// hand-written SQL in the portable subset serves both SQLite (the embedded
// default) and PostgreSQL; `?` placeholders are rebound for PostgreSQL and
// engine-specific SQL is used only where it pays.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"modernc.org/sqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Engine names a storage engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// ErrNotFound is returned by single-row lookups that find nothing.
var ErrNotFound = errors.New("store: not found")

// Store is a handle on one database. Reads go through the embedded Q; writes
// go through Tx.
type Store struct {
	*Q
	engine  Engine
	read    *sql.DB
	write   *sql.DB
	queries atomic.Int64
	rebound sync.Map // query text -> PostgreSQL text
	// Prepared statements of the SQLite read pool and writer (nil on
	// PostgreSQL, where pgx already keeps them per connection).
	readStmts, writeStmts *stmtCache
	versions              sync.Map // table name -> *atomic.Uint64
}

// Open connects to the database named by a DATABASE_URL value
// (sqlite:PATH, sqlite::memory: or postgres://...). It does not migrate.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	s := &Store{}
	switch {
	case strings.HasPrefix(databaseURL, "sqlite:"):
		s.engine = SQLite
		path := strings.TrimPrefix(databaseURL, "sqlite:")
		const pragmas = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
		if path == ":memory:" {
			// Every connection to :memory: is a new database, so one
			// connection serves reads and writes alike.
			db, err := sql.Open("sqlite", "file::memory:?"+pragmas+"&_txlock=immediate")
			if err != nil {
				return nil, err
			}
			db.SetMaxOpenConns(1)
			db.SetConnMaxLifetime(0)
			db.SetConnMaxIdleTime(0)
			s.read, s.write = db, db
		} else {
			// One writer connection, so writers queue in Go instead of failing
			// with SQLITE_BUSY; BEGIN IMMEDIATE takes the write lock before the
			// first read, so check-then-write transactions cannot be raced even
			// by another process on the same file.
			w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
			if err != nil {
				return nil, err
			}
			w.SetMaxOpenConns(1)
			w.SetConnMaxIdleTime(0)
			w.SetConnMaxLifetime(0)
			if err := pingSwitchingToWAL(ctx, w); err != nil {
				w.Close()
				return nil, fmt.Errorf("opening %s: %w", path, err)
			}
			r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_query_only=1")
			if err != nil {
				w.Close()
				return nil, err
			}
			r.SetMaxOpenConns(max(4, runtime.NumCPU()))
			r.SetMaxIdleConns(max(4, runtime.NumCPU()))
			s.read, s.write = r, w
		}
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		s.engine = Postgres
		db, err := sql.Open("pgx", databaseURL)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(16)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.read, s.write = db, db
	default:
		return nil, fmt.Errorf("unsupported DATABASE_URL %q", databaseURL)
	}
	if s.engine == SQLite {
		s.readStmts = &stmtCache{db: s.read}
		s.writeStmts = s.readStmts
		if s.write != s.read {
			s.writeStmts = &stmtCache{db: s.write}
		}
	}
	s.Q = &Q{s: s, x: s.read, stmts: s.readStmts}
	if err := s.read.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connecting to database: %w", err)
	}
	return s, nil
}

// pingSwitchingToWAL opens the writer connection, whose DSN switches the file
// to WAL. SQLite answers that switch with SQLITE_BUSY at once, without
// calling the busy handler, while another process is opening the same new
// file, so it is retried here for as long as busy_timeout would have waited.
func pingSwitchingToWAL(ctx context.Context, w *sql.DB) error {
	deadline := time.Now().Add(10 * time.Second)
	for attempt := 1; ; attempt++ {
		err := w.PingContext(ctx)
		if err == nil || !transient(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(min(attempt, 20)) * 5 * time.Millisecond):
		}
	}
}

// Engine reports which engine this store runs on.
func (s *Store) Engine() Engine { return s.engine }

// Close releases the connections.
func (s *Store) Close() error {
	s.readStmts.close()
	if s.writeStmts != s.readStmts {
		s.writeStmts.close()
	}
	err := s.read.Close()
	if s.write != s.read {
		err = errors.Join(err, s.write.Close())
	}
	return err
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return err
	}
	var one int
	return s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// QueryCount is the number of statements sent so far; tests use it to check
// that list endpoints do not issue a query per row.
func (s *Store) QueryCount() int64 { return s.queries.Load() }

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
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	s.queries.Add(1)
	q := &Q{s: s, x: tx, tx: tx, stmts: s.writeStmts}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
		// The writer's one connection was the transaction's; now that it is
		// free, prepare what the transaction had to run unprepared.
		for _, query := range q.unprepared {
			s.writeStmts.prepare(context.WithoutCancel(ctx), query)
		}
	}()
	if err = fn(q); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return err
	}
	for _, table := range q.written {
		s.bump(table)
	}
	return nil
}

// Version counts the writes this process has committed to the tables. A
// cache of data read from them is current while their Version is unchanged
// (other processes sharing the database are not seen: such a cache must
// also expire).
func (s *Store) Version(tables ...string) uint64 {
	var sum uint64
	for _, t := range tables {
		if v, ok := s.versions.Load(t); ok {
			sum += v.(*atomic.Uint64).Load()
		}
	}
	return sum
}

func (s *Store) bump(table string) {
	v, ok := s.versions.Load(table)
	if !ok {
		v, _ = s.versions.LoadOrStore(table, new(atomic.Uint64))
	}
	v.(*atomic.Uint64).Add(1)
}

// writtenTable is the table a statement writes ("INSERT INTO t", "UPDATE
// t", "DELETE FROM t"), or "" for a read. Every write in this package is
// written in one of these forms.
func writtenTable(query string) string {
	query = strings.TrimLeft(query, " \t\n")
	var rest string
	switch {
	case hasPrefixFold(query, "INSERT INTO "):
		rest = query[len("INSERT INTO "):]
	case hasPrefixFold(query, "UPDATE "):
		rest = query[len("UPDATE "):]
	case hasPrefixFold(query, "DELETE FROM "):
		rest = query[len("DELETE FROM "):]
	default:
		return ""
	}
	rest = strings.TrimLeft(rest, " ")
	if i := strings.IndexAny(rest, " (\n\t"); i >= 0 {
		rest = rest[:i]
	}
	return strings.ToLower(rest)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// noteWrite records the table a statement writes: at commit for a
// transaction, at once otherwise.
func (q *Q) noteWrite(query string) {
	table := writtenTable(query)
	if table == "" {
		return
	}
	if q.tx == nil {
		q.s.bump(table)
	} else if !slices.Contains(q.written, table) {
		q.written = append(q.written, table)
	}
}

func transient(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		code := se.Code() & 0xff
		return code == 5 || code == 6 // SQLITE_BUSY, SQLITE_LOCKED
	}
	return false
}

// Unavailable reports whether err means the database cannot be reached
// (refused or dropped connections, a server shutting down), as opposed to a
// problem with the query: the request may succeed later.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// admin shutdown, crash shutdown, cannot connect now, too many connections
		return pg.Code == "57P01" || pg.Code == "57P02" || pg.Code == "57P03" || pg.Code == "53300" || strings.HasPrefix(pg.Code, "08")
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var op *net.OpError
	return errors.As(err, &ce) || errors.As(err, &op) || errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed")
}

// UniqueViolation reports whether err is a unique-key violation and, when it
// is, the name of the key (PostgreSQL constraint name; for SQLite the same
// name derived from the message, "<table>_<columns>_key" or the index name).
func UniqueViolation(err error) (string, bool) {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.ConstraintName, pg.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		if se.Code() != 2067 && se.Code() != 1555 { // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
			return "", false
		}
		msg := se.Error()
		i := strings.LastIndex(msg, "constraint failed: ")
		if i < 0 {
			return "", true
		}
		rest, _, _ := strings.Cut(msg[i+len("constraint failed: "):], " (")
		if name, ok := strings.CutPrefix(rest, "index '"); ok {
			return strings.TrimSuffix(name, "'"), true
		}
		var table string
		var cols []string
		for _, tc := range strings.Split(rest, ", ") {
			t, c, _ := strings.Cut(tc, ".")
			table = t
			cols = append(cols, c)
		}
		return table + "_" + strings.Join(cols, "_") + "_key", true
	}
	return "", false
}

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
	if st := q.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, q.s.conv(args)...)
	}
	return q.x.ExecContext(ctx, q.s.rebind(query), q.s.conv(args)...)
}

func (q *Q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q.s.queries.Add(1)
	q.noteWrite(query)
	if st := q.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, q.s.conv(args)...)
	}
	return q.x.QueryContext(ctx, q.s.rebind(query), q.s.conv(args)...)
}

func (q *Q) row(ctx context.Context, query string, args ...any) *sql.Row {
	q.s.queries.Add(1)
	q.noteWrite(query)
	if st := q.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, q.s.conv(args)...)
	}
	return q.x.QueryRowContext(ctx, q.s.rebind(query), q.s.conv(args)...)
}

// prepared returns the cached prepared statement of query, bound to the
// transaction when there is one, or nil to send the text.
func (q *Q) prepared(ctx context.Context, query string) *sql.Stmt {
	if q.stmts == nil {
		return nil
	}
	if q.tx == nil {
		return q.stmts.prepare(ctx, query)
	}
	// Preparing on the database would wait for a connection, and on SQLite
	// the transaction holds the only one: use what is cached, and cache the
	// rest once the transaction is over.
	st, ok := q.stmts.lookup(query)
	if !ok {
		if st == nil && !slices.Contains(q.unprepared, query) {
			q.unprepared = append(q.unprepared, query)
		}
		return nil
	}
	return q.tx.StmtContext(ctx, st)
}

// stmtCache keeps prepared statements by query text. The SQLite driver
// parses and plans every statement it is given anew, which costs more than
// running the small queries of a request; a prepared *sql.Stmt is prepared
// once per connection and reused. Query texts with a variable number of
// placeholders could be endless, so the cache stops growing at a bound.
type stmtCache struct {
	db    *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

const maxCachedStatements = 512

// lookup returns the cached statement of query; ok is false when it is not
// cached and there is room for it.
func (c *stmtCache) lookup(query string) (st *sql.Stmt, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	st, ok = c.stmts[query]
	return st, ok || len(c.stmts) >= maxCachedStatements
}

// prepare returns the cached statement of query, preparing it on the pool
// first if need be; nil when the cache is full or preparing failed.
func (c *stmtCache) prepare(ctx context.Context, query string) *sql.Stmt {
	if st, ok := c.lookup(query); ok {
		return st
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // run unprepared; the error shows there
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if have, ok := c.stmts[query]; ok {
		st.Close()
		return have
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = st
	return st
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
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

// withSearchPath returns a PostgreSQL URL whose connections use schema.
func withSearchPath(databaseURL, schema string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Analyze refreshes the planner's statistics (PostgreSQL ANALYZE, SQLite
// ANALYZE), as after a bulk load.
//
// On SQLite only the per-index row counts (sqlite_stat1) are kept: with the
// value samples of sqlite_stat4, SQLite plans a statement again each time a
// value bound to a range condition changes, which made every prepared query
// as costly as an unprepared one, for plans no better on these indexes.
func (q *Q) Analyze(ctx context.Context) error {
	if _, err := q.exec(ctx, "ANALYZE"); err != nil || q.s.engine != SQLite {
		return err
	}
	var n int
	if err := q.row(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'").Scan(&n); err != nil || n == 0 {
		return err
	}
	if _, err := q.exec(ctx, "DELETE FROM sqlite_stat4"); err != nil {
		return err
	}
	_, err := q.exec(ctx, "ANALYZE sqlite_schema") // reload the statistics
	return err
}
