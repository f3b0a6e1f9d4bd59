package store

import (
	"context"
	"time"
)

// TakeToken takes one request from the shared token bucket named bucket,
// which refills one request every `every` and holds at most burst: the
// generic cell rate algorithm in one statement, so concurrent requests from
// any number of processes are counted exactly. When the request is refused,
// wait says how long until the next one would be allowed. PostgreSQL only:
// a SQLite database serves one process, whose buckets live in memory.
func (s *Store) TakeToken(ctx context.Context, bucket string, now time.Time, every time.Duration, burst int) (ok bool, wait time.Duration, err error) {
	step, tolerance := every.Seconds(), (every * time.Duration(burst)).Seconds()
	var tat time.Time
	err = one(s.row(ctx, `INSERT INTO rate_limits (bucket, tat) VALUES (?, ?::timestamptz + make_interval(secs => ?))
		ON CONFLICT (bucket) DO UPDATE SET tat = GREATEST(rate_limits.tat, excluded.tat - make_interval(secs => ?)) + make_interval(secs => ?)
		WHERE GREATEST(rate_limits.tat, excluded.tat - make_interval(secs => ?)) + make_interval(secs => ?) <= ?::timestamptz + make_interval(secs => ?)
		RETURNING tat`, bucket, now, step, step, step, step, step, now, tolerance).Scan(scanTime(&tat)))
	if err == nil {
		return true, 0, nil
	}
	if err != ErrNotFound {
		return false, 0, err
	}
	if err = s.row(ctx, "SELECT tat FROM rate_limits WHERE bucket = ?", bucket).Scan(scanTime(&tat)); err != nil {
		return false, 0, err
	}
	if tat.Before(now) {
		tat = now
	}
	return false, tat.Add(every).Sub(now.Add(every * time.Duration(burst))), nil
}

// PurgeTokens deletes the buckets that have been full since before, which
// are the same as absent.
func (s *Store) PurgeTokens(ctx context.Context, before time.Time) error {
	_, err := s.exec(ctx, "DELETE FROM rate_limits WHERE tat < ?", before)
	return err
}
