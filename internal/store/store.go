// Package store is mentord's only access to the database. One set of
// hand-written SQL in the portable subset serves both SQLite (the embedded
// default) and PostgreSQL; `?` placeholders are rebound for PostgreSQL and
// engine-specific SQL is used only where it pays. Driver errors leave the
// package as domain errors (see translate), so no caller knows the driver
// or a constraint's name.
package store

import (
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
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
	versions              sync.Map   // table name -> *atomic.Uint64
	writes                writeQueue // SQLite: the transactions waiting for the writer
}
