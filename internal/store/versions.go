package store

import (
	"slices"
	"strings"
	"sync/atomic"
)

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
	if q.tx == nil && q.pg == nil {
		q.s.bump(table)
	} else if !slices.Contains(q.written, table) {
		q.written = append(q.written, table)
	}
}
