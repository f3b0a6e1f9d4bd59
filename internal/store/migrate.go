package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func (s *Store) migrations() ([]migration, error) {
	dir := path.Join("migrations", string(s.engine))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", e.Name())
		}
		body, err := migrationFiles.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, strings.TrimSuffix(e.Name(), ".sql"), string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// Migrate applies the embedded migrations that have not been applied yet, in
// one transaction, and returns the names of those it applied. Several
// processes may call it at once: PostgreSQL serialises them with an advisory
// lock, SQLite with its write lock.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	all, err := s.migrations()
	if err != nil {
		return nil, err
	}
	var applied []string
	err = s.Tx(ctx, func(q *Q) error {
		applied = applied[:0]
		if s.engine == Postgres {
			if _, err := q.exec(ctx, "SELECT pg_advisory_xact_lock(7243017)"); err != nil {
				return err
			}
		}
		if _, err := q.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)`); err != nil {
			return err
		}
		done := map[int]bool{}
		rows, err := q.query(ctx, "SELECT version FROM schema_migrations")
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			done[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range all {
			if done[m.version] {
				continue
			}
			if _, err := q.x.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, translate(err))
			}
			if _, err := q.exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", m.version, m.name); err != nil {
				return err
			}
			applied = append(applied, m.name)
		}
		return nil
	})
	return applied, err
}
