package store_test

import (
	"database/sql"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

// schema is what TestSchemaParity compares of a migrated database: per
// table, its columns and its unique keys.
type schema map[string]*table

type table struct {
	columns map[string]column
	// unique holds each unique key (primary key, UNIQUE constraint or unique
	// index) as its column list, "(a, b)", with " partial" after a partial
	// index's: the predicate itself is spelt differently by each engine.
	unique map[string]bool
}

type column struct {
	typ     string // as SQLite declares it: PostgreSQL's types are mapped (see sqliteType)
	notNull bool
}

func (s schema) table(name string) *table {
	if s[name] == nil {
		s[name] = &table{columns: map[string]column{}, unique: map[string]bool{}}
	}
	return s[name]
}

// Differences the engines have on purpose, each listed as compare reports it.
var intendedDifferences = map[string]string{
	// SQLite lets a PRIMARY KEY column that is not an INTEGER PRIMARY KEY
	// hold NULL unless it is declared NOT NULL (a quirk it keeps for
	// compatibility); PostgreSQL makes every primary-key column NOT NULL.
	// server_secrets.name is the only such column, and mentord always
	// writes it from a constant name, so no NULL can reach it. Rebuilding
	// the table on SQLite (it holds the DEBUG signing key) is not worth it.
	"server_secrets.name: NOT NULL on postgres, nullable on sqlite": "SQLite's nullable primary key",
}

// TestSchemaParity: migrated, the two engines have the same tables, the same
// columns in each (by name, NOT NULL and type, PostgreSQL's types mapped to
// the SQLite ones that hold the same values) and the same unique keys. The
// overlap rules are PostgreSQL exclusion constraints only (SQLite keeps them
// by its write lock); they are checked to exist there.
func TestSchemaParity(t *testing.T) {
	lite := readSQLite(t, storetest.URL(t, store.SQLite))
	if len(lite) == 0 || len(lite["users"].unique) == 0 {
		t.Fatalf("read no schema from SQLite: %v", lite)
	}
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip(storetest.EnvPostgres + " is not set; the SQLite schema has nothing to be compared with (.ci/run sets it)")
	}
	pg, exclusions := readPostgres(t, storetest.URL(t, store.Postgres))

	seen := map[string]bool{}
	for _, d := range compare(pg, lite) {
		if _, ok := intendedDifferences[d]; ok {
			seen[d] = true
			continue
		}
		t.Error(d)
	}
	for d := range intendedDifferences {
		if !seen[d] {
			t.Errorf("listed as an intended difference, but the schemas agree now: %s", d)
		}
	}
	want := []string{"availabilities.availabilities_no_overlap", "sessions.sessions_mentee_no_overlap", "sessions.sessions_mentor_no_overlap"}
	if !slices.Equal(exclusions, want) {
		t.Errorf("PostgreSQL's exclusion constraints: %v, want %v", exclusions, want)
	}
}

// compare lists every difference between the schemas, one line each.
func compare(pg, lite schema) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(merge(pg, lite))) {
		p, l := pg[name], lite[name]
		switch {
		case p == nil:
			out = append(out, fmt.Sprintf("table %s: only on sqlite", name))
			continue
		case l == nil:
			out = append(out, fmt.Sprintf("table %s: only on postgres", name))
			continue
		}
		for _, c := range slices.Sorted(maps.Keys(merge(p.columns, l.columns))) {
			pc, inP := p.columns[c]
			lc, inL := l.columns[c]
			switch {
			case !inL:
				out = append(out, fmt.Sprintf("%s.%s: only on postgres", name, c))
			case !inP:
				out = append(out, fmt.Sprintf("%s.%s: only on sqlite", name, c))
			default:
				if pc.notNull != lc.notNull {
					out = append(out, fmt.Sprintf("%s.%s: %s on postgres, %s on sqlite", name, c, nullability(pc.notNull), nullability(lc.notNull)))
				}
				if pc.typ != lc.typ {
					out = append(out, fmt.Sprintf("%s.%s: %s on postgres, %s on sqlite", name, c, pc.typ, lc.typ))
				}
			}
		}
		for _, k := range slices.Sorted(maps.Keys(merge(p.unique, l.unique))) {
			switch {
			case !l.unique[k]:
				out = append(out, fmt.Sprintf("%s: unique key %s only on postgres", name, k))
			case !p.unique[k]:
				out = append(out, fmt.Sprintf("%s: unique key %s only on sqlite", name, k))
			}
		}
	}
	return out
}

func merge[V any](a, b map[string]V) map[string]V {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

func nullability(notNull bool) string {
	if notNull {
		return "NOT NULL"
	}
	return "nullable"
}

// key spells a unique key's columns the same way on both engines
// (PostgreSQL quotes a column named like a keyword: "position").
func key(cols []string, partial bool) string {
	for i, c := range cols {
		cols[i] = strings.ToLower(strings.ReplaceAll(strings.Join(strings.Fields(c), ""), `"`, ""))
	}
	k := "(" + strings.Join(cols, ", ") + ")"
	if partial {
		k += " partial"
	}
	return k
}

// sqliteType maps a PostgreSQL column type to the SQLite type mentord
// declares for the same values: times are fixed-width UTC text, booleans 0/1.
func sqliteType(t *testing.T, pgType string) string {
	switch pgType {
	case "bigint", "integer", "boolean":
		return "INTEGER"
	case "text", "timestamp with time zone":
		return "TEXT"
	}
	t.Fatalf("no SQLite type for the PostgreSQL type %q: add it to sqliteType", pgType)
	return ""
}

func readSQLite(t *testing.T, databaseURL string) schema {
	storetest.OpenURL(t, databaseURL) // migrates
	db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(databaseURL, "sqlite:")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	strs := func(query string, args ...any) [][]sql.NullString {
		t.Helper()
		rows, err := db.Query(query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out [][]sql.NullString
		for rows.Next() {
			row := make([]sql.NullString, len(cols))
			dest := make([]any, len(cols))
			for i := range row {
				dest[i] = &row[i]
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			out = append(out, row)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	s := schema{}
	for _, tr := range strs("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
		name := tr[0].String
		tb := s.table(name)
		var pk []string
		for _, c := range strs(`SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY pk`, name) {
			// An INTEGER PRIMARY KEY is the rowid, which is never NULL.
			rowid := c[3].String == "1" && c[1].String == "INTEGER"
			tb.columns[c[0].String] = column{typ: c[1].String, notNull: c[2].String == "1" || rowid}
			if c[3].String != "0" {
				pk = append(pk, c[0].String)
			}
		}
		if len(pk) > 0 {
			tb.unique[key(pk, false)] = true
		}
		for _, ix := range strs(`SELECT name, partial FROM pragma_index_list(?) WHERE "unique" = 1`, name) {
			var cols []string
			expr := false
			for _, c := range strs("SELECT cid, name FROM pragma_index_info(?) ORDER BY seqno", ix[0].String) {
				cols = append(cols, c[1].String)
				expr = expr || c[0].String == "-2"
			}
			if expr {
				// pragma_index_info does not spell expressions: read them
				// from the CREATE INDEX statement.
				cols = indexColumns(t, strs("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?", ix[0].String)[0][0].String)
			}
			tb.unique[key(cols, ix[1].String == "1")] = true
		}
	}
	return s
}

// indexColumns returns the column list of a CREATE INDEX statement:
// "CREATE UNIQUE INDEX x ON t (a, lower(b)) WHERE c" gives a and lower(b).
func indexColumns(t *testing.T, stmt string) []string {
	on := strings.Index(strings.ToUpper(stmt), " ON ")
	open := strings.Index(stmt[on:], "(")
	if on < 0 || open < 0 {
		t.Fatalf("cannot read the columns of %q", stmt)
	}
	var cols []string
	depth, start := 0, on+open+1
	for i := start; i < len(stmt); i++ {
		switch stmt[i] {
		case '(':
			depth++
		case ',', ')':
			if depth > 0 {
				if stmt[i] == ')' {
					depth--
				}
				continue
			}
			cols = append(cols, strings.TrimSpace(stmt[start:i]))
			start = i + 1
			if stmt[i] == ')' {
				return cols
			}
		}
	}
	t.Fatalf("unbalanced parentheses in %q", stmt)
	return nil
}

// readPostgres reads the schema of the test's own PostgreSQL schema (the
// first of its search_path), and lists its exclusion constraints as
// "table.constraint".
func readPostgres(t *testing.T, databaseURL string) (schema, []string) {
	storetest.OpenURL(t, databaseURL) // migrates
	db, err := sql.Open("pgx", databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	each := func(query string, dest []any, fn func()) {
		t.Helper()
		rows, err := db.Query(query)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			fn()
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	s := schema{}
	var tbl, name, nullable, typ string
	each(`SELECT c.table_name, c.column_name, c.is_nullable, c.data_type
		FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`,
		[]any{&tbl, &name, &nullable, &typ}, func() {
			s.table(tbl).columns[name] = column{typ: sqliteType(t, typ), notNull: nullable == "NO"}
		})

	// Every unique index, primary keys and UNIQUE constraints included, with
	// each key column as pg_get_indexdef spells it (a name or an expression).
	keys := map[string][]string{}
	tables, partial := map[string]string{}, map[string]bool{}
	var index, col string
	var isPartial bool
	each(`SELECT t.relname, i.relname, x.indpred IS NOT NULL, pg_get_indexdef(x.indexrelid, k, true)
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class t ON t.oid = x.indrelid
		CROSS JOIN LATERAL generate_series(1, x.indnkeyatts) AS k
		WHERE t.relnamespace = current_schema()::regnamespace AND x.indisunique
		ORDER BY i.relname, k`,
		[]any{&tbl, &index, &isPartial, &col}, func() {
			keys[index] = append(keys[index], col)
			tables[index], partial[index] = tbl, isPartial
		})
	for index, cols := range keys {
		s.table(tables[index]).unique[key(cols, partial[index])] = true
	}

	var exclusions []string
	each(`SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint
		WHERE contype = 'x' AND connamespace = current_schema()::regnamespace ORDER BY 1`,
		[]any{&name}, func() { exclusions = append(exclusions, name) })
	return s, exclusions
}
