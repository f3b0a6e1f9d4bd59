package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// sqliteHint says why SQLite could not open path when the reason is its
// directory: the driver's "unable to open database file" does not.
func sqliteHint(path string) string {
	dir := filepath.Dir(path)
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs // "." says little in a log
	}
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Sprintf(" (directory %s does not exist; DATABASE_URL names it)", dir)
	case err == nil && !info.IsDir():
		return fmt.Sprintf(" (%s is not a directory)", dir)
	case err == nil:
		// SQLite creates the database and its -wal and -shm files beside it.
		f, err := os.CreateTemp(dir, ".mentord-check-*")
		if err != nil {
			return fmt.Sprintf(" (directory %s is not writable by this user; DATABASE_URL names it)", dir)
		}
		f.Close()
		os.Remove(f.Name())
	}
	return ""
}

// Open connects to the database named by a DATABASE_URL value
// (sqlite:PATH, sqlite::memory: or postgres://...). It does not migrate.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	s := &Store{writes: writeQueue{turn: make(chan struct{}, 1)}}
	switch {
	case strings.HasPrefix(databaseURL, "sqlite:"):
		s.engine = SQLite
		path := strings.TrimPrefix(databaseURL, "sqlite:")
		// secure_delete overwrites what a write removes, so deleted rows do not
		// linger in free pages.
		const pragmas = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=secure_delete(ON)"
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
				return nil, fmt.Errorf("opening %s: %w%s", path, err, sqliteHint(path))
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
		// As many idle as open: a burst must not close connections it will
		// reopen at once (each costs PostgreSQL a fork and an authentication).
		db.SetMaxIdleConns(32)
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
		return translate(err)
	}
	var one int
	return translate(s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one))
}

// QueryCount is the number of statements sent so far; tests use it to check
// that list endpoints do not issue a query per row.
func (s *Store) QueryCount() int64 { return s.queries.Load() }
