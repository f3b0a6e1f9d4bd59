package store

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// transient reports whether err is a conflict between transactions (deadlock,
// serialization failure, SQLite busy) that running the transaction again clears.
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

// ExclusionViolation reports whether err is a PostgreSQL exclusion-constraint
// violation (an overlap the database refused), and which constraint.
func ExclusionViolation(err error) (string, bool) {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23P01" {
		return pg.ConstraintName, true
	}
	return "", false
}
