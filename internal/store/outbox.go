package store

import (
	"context"
	"sort"
	"strings"
	"time"
)

// Job is one durable unit of delivery work in the outbox.
type Job struct {
	ID        int64
	Kind      string
	DedupeKey *string // at most one job per key, ever
	Payload   string  // read by the handler of Kind (an e-mail is sealed: see notify.Outbox)
	Sensitive bool    // payload is wiped once the job is done (it holds a secret link)
	DueAt     time.Time
	Attempts  int
	CreatedAt time.Time
}

// EnqueueJob adds a job unless one with the same dedupe key exists. It
// reports whether the job was added.
func (q *Q) EnqueueJob(ctx context.Context, j Job) (bool, error) {
	const insert = `INSERT INTO outbox (kind, dedupe_key, payload, sensitive, due_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING`
	if j.DedupeKey == nil && q.pg != nil {
		// Without a key nothing can refuse it: it goes out with the COMMIT.
		return true, q.atCommit(ctx, pipeItem{query: insert, args: []any{j.Kind, j.DedupeKey, j.Payload, j.Sensitive, j.DueAt, j.CreatedAt}})
	}
	res, err := q.exec(ctx, insert,
		j.Kind, j.DedupeKey, j.Payload, j.Sensitive, j.DueAt, j.CreatedAt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// CancelJobs marks pending jobs whose dedupe key starts with prefix as done
// without running them; it returns how many it cancelled.
func (q *Q) CancelJobs(ctx context.Context, keyPrefix string, now time.Time) (int64, error) {
	res, err := q.exec(ctx, `UPDATE outbox SET done_at = ?, last_error = 'cancelled'
		WHERE done_at IS NULL AND failed_at IS NULL AND dedupe_key LIKE ? ESCAPE '\'`, now, escapeLike(keyPrefix)+"%")
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// likeAny is a LIKE pattern (with ESCAPE '\') matching lower-cased text
// that holds s, any case: the searches' "contains".
func likeAny(s string) string { return "%" + escapeLike(strings.ToLower(strings.TrimSpace(s))) + "%" }

func escapeLike(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' || s[i] == '_' || s[i] == '\\' {
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// ClaimJobs leases up to limit due jobs to worker until now+lease and counts
// the attempt. On PostgreSQL, workers in several processes skip each other's
// rows (FOR UPDATE SKIP LOCKED); on SQLite the write lock serialises them.
func (s *Store) ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, worker string, limit int) ([]Job, error) {
	var jobs []Job
	claim := func(q *Q) error {
		jobs = jobs[:0]
		lock := ""
		if s.engine == Postgres {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		rows, err := q.query(ctx, `UPDATE outbox SET locked_until = ?, locked_by = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM outbox WHERE done_at IS NULL AND failed_at IS NULL AND due_at <= ?
				AND (locked_until IS NULL OR locked_until < ?) ORDER BY due_at, id LIMIT ?`+lock+`)
			RETURNING id, kind, dedupe_key, payload, sensitive, due_at, attempts, created_at`,
			now.Add(lease), worker, now, now, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var j Job
			if err := rows.Scan(&j.ID, &j.Kind, &j.DedupeKey, &j.Payload, &j.Sensitive, scanTime(&j.DueAt), &j.Attempts, scanTime(&j.CreatedAt)); err != nil {
				return err
			}
			jobs = append(jobs, j)
		}
		return rows.Err()
	}
	var err error
	if s.engine == Postgres {
		err = claim(&Q{s: s, x: s.write}) // one statement: no BEGIN and COMMIT around it
	} else {
		err = s.Tx(ctx, claim)
	}
	// RETURNING does not keep the subquery's order; deliver in due order so
	// that, say, a confirmation goes out before the cancellation after it.
	sort.Slice(jobs, func(a, b int) bool {
		if !jobs[a].DueAt.Equal(jobs[b].DueAt) {
			return jobs[a].DueAt.Before(jobs[b].DueAt)
		}
		return jobs[a].ID < jobs[b].ID
	})
	return jobs, err
}

// CompleteJob marks a leased job done; a sensitive payload is wiped.
func (s *Store) CompleteJob(ctx context.Context, id int64, worker string, now time.Time, note string) error {
	return s.CompleteJobs(ctx, []int64{id}, worker, now, note)
}

// CompleteJobs marks leased jobs done, in one statement; sensitive
// payloads are wiped.
func (s *Store) CompleteJobs(ctx context.Context, ids []int64, worker string, now time.Time, note string) error {
	if len(ids) == 0 {
		return nil
	}
	args := append([]any{now, nullIfEmpty(note)}, anys(ids...)...)
	return s.execAlone(ctx, `UPDATE outbox SET done_at = ?, locked_until = NULL, last_error = ?,
			payload = CASE WHEN sensitive THEN '' ELSE payload END WHERE id IN (`+placeholders(len(ids))+`) AND locked_by = ?`,
		append(args, worker)...)
}

// execAlone runs one write statement as a transaction of its own: on
// PostgreSQL without BEGIN and COMMIT (one round trip), on SQLite through
// the writer's queue.
func (s *Store) execAlone(ctx context.Context, query string, args ...any) error {
	if s.engine == Postgres {
		q := &Q{s: s, x: s.write}
		_, err := q.exec(ctx, query, args...)
		return err
	}
	return s.Tx(ctx, func(q *Q) error {
		_, err := q.exec(ctx, query, args...)
		return err
	})
}

// RetryJob releases a leased job to run again at next.
func (s *Store) RetryJob(ctx context.Context, id int64, worker string, next time.Time, reason string) error {
	return s.Tx(ctx, func(q *Q) error {
		_, err := q.exec(ctx, "UPDATE outbox SET due_at = ?, locked_until = NULL, last_error = ? WHERE id = ? AND locked_by = ?",
			next, reason, id, worker)
		return err
	})
}

// FailJob gives up on a leased job.
func (s *Store) FailJob(ctx context.Context, id int64, worker string, now time.Time, reason string) error {
	return s.Tx(ctx, func(q *Q) error {
		_, err := q.exec(ctx, `UPDATE outbox SET failed_at = ?, locked_until = NULL, last_error = ?,
			payload = CASE WHEN sensitive THEN '' ELSE payload END WHERE id = ? AND locked_by = ?`,
			now, reason, id, worker)
		return err
	})
}

// PurgeDoneJobs deletes up to limit jobs done (delivered, skipped or
// cancelled) before before; failed jobs are kept. It reports how many it
// deleted.
func (s *Store) PurgeDoneJobs(ctx context.Context, before time.Time, limit int) (int64, error) {
	var n int64
	err := s.Tx(ctx, func(q *Q) error {
		res, err := q.exec(ctx, `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE done_at IS NOT NULL AND done_at < ?
			ORDER BY done_at LIMIT ?)`, before, limit)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// JobsCreated returns when each of the jobs with these dedupe keys was
// enqueued; keys with no job are absent.
func (q *Q) JobsCreated(ctx context.Context, keys []string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	if len(keys) == 0 {
		return out, nil
	}
	args := make([]any, len(keys))
	for i, k := range keys {
		args[i] = k
	}
	rows, err := q.query(ctx, "SELECT dedupe_key, created_at FROM outbox WHERE dedupe_key IN ("+placeholders(len(keys))+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var at time.Time
		if err := rows.Scan(&k, scanTime(&at)); err != nil {
			return nil, err
		}
		out[k] = at
	}
	return out, rows.Err()
}

// CountJobs counts every job in the outbox, done or not.
func (s *Store) CountJobs(ctx context.Context) (int, error) {
	var n int
	err := s.row(ctx, "SELECT COUNT(*) FROM outbox").Scan(&n)
	return n, err
}

// OutboxStats describes the jobs not yet done.
type OutboxStats struct {
	Pending   int
	OldestDue *time.Time
	Failed    int
}

// OutboxStats counts pending and failed jobs.
func (q *Q) OutboxStats(ctx context.Context, now time.Time) (OutboxStats, error) {
	var st OutboxStats
	err := q.row(ctx, `SELECT COUNT(*), MIN(due_at) FROM outbox WHERE done_at IS NULL AND failed_at IS NULL AND due_at <= ?`, now).
		Scan(&st.Pending, scanNullTime(&st.OldestDue))
	if err != nil {
		return st, err
	}
	err = q.row(ctx, "SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL").Scan(&st.Failed)
	return st, err
}

// NextJobDue returns the due time of the earliest pending job, or nil.
func (q *Q) NextJobDue(ctx context.Context) (*time.Time, error) {
	var t *time.Time
	err := q.row(ctx, "SELECT MIN(due_at) FROM outbox WHERE done_at IS NULL AND failed_at IS NULL").Scan(scanNullTime(&t))
	return t, err
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
