package store

import "context"

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
