// Package storetest gives tests an isolated, migrated database on each
// engine: SQLite always, PostgreSQL when MENTORD_TEST_POSTGRES_URL is set.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL server for tests.
const EnvPostgres = "MENTORD_TEST_POSTGRES_URL"

// TB is a test or a benchmark (*testing.T or *testing.B): what ForEach
// runs subtests of.
type TB[T any] interface {
	testing.TB
	Run(name string, f func(T)) bool
}

// ForEach runs fn once per engine as a subtest (or sub-benchmark) named
// after the engine. The PostgreSQL one is skipped, saying why, when no
// server is configured.
func ForEach[T TB[T]](t T, fn func(t T, engine store.Engine)) {
	t.Helper()
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t T) {
			if e == store.Postgres && os.Getenv(EnvPostgres) == "" {
				t.Skip(EnvPostgres + " is not set; skipping the PostgreSQL run (.ci/run sets it)")
			}
			fn(t, e)
		})
	}
}

// EachStore runs fn once per engine, as ForEach does, each time on a new
// migrated store (see Open).
func EachStore(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	ForEach(t, func(t *testing.T, e store.Engine) { fn(t, Open(t, e)) })
}

// URL returns a DATABASE_URL for a new, empty database of the engine that
// lives as long as the test. Several stores may open it at once, as several
// mentord processes would.
func URL(t testing.TB, engine store.Engine) string {
	t.Helper()
	switch engine {
	case store.SQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "mentord.db")
	case store.Postgres:
		base := os.Getenv(EnvPostgres)
		if base == "" {
			t.Skip(EnvPostgres + " is not set")
		}
		var b [6]byte
		rand.Read(b[:])
		schema := "t_" + hex.EncodeToString(b[:])
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			t.Fatalf("creating schema: %v", err)
		}
		t.Cleanup(func() {
			db, err := sql.Open("pgx", base)
			if err != nil {
				return
			}
			defer db.Close()
			db.Exec("DROP SCHEMA " + schema + " CASCADE")
		})
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema+",public") // public holds extensions such as btree_gist
		u.RawQuery = q.Encode()
		return u.String()
	}
	t.Fatalf("unknown engine %q", engine)
	return ""
}

// Open returns a migrated store on a new database of the engine, closed when
// the test ends.
func Open(t testing.TB, engine store.Engine) *store.Store {
	t.Helper()
	return OpenURL(t, URL(t, engine))
}

// OpenURL opens and migrates the database at databaseURL for the test.
func OpenURL(t testing.TB, databaseURL string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// ExpectViolation fails the test unless err is a conflict naming rule: the
// answer to a write the database refused for that domain rule.
func ExpectViolation(t testing.TB, what string, err error, rule domain.Rule) {
	t.Helper()
	if !errs.Violated(err, rule) || errs.KindOf(err) != errs.KindConflict {
		t.Errorf("%s: got %v (kind %v), want a violation of %q", what, err, errs.KindOf(err), rule)
	}
}
