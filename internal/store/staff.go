package store

import (
	"context"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// The staff admin's reads and writes: the record of staff actions, and the
// searches over users, sessions and the outbox.

// RecordStaffAction adds one entry to the record of staff actions.
func (q *Q) RecordStaffAction(ctx context.Context, a *domain.StaffAction) error {
	var actor any
	if a.ActorID != 0 {
		actor = a.ActorID
	}
	return q.row(ctx, `INSERT INTO staff_actions (actor_id, actor_name, action, target_kind, target_id, target_label, detail, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		actor, a.ActorName, a.Action, a.TargetKind, a.TargetID, a.TargetLabel, a.Detail, a.At).Scan(&a.ID)
}

// ListStaffActions returns one page of the record, newest first, and the
// total.
func (q *Q) ListStaffActions(ctx context.Context, limit, offset int) ([]domain.StaffAction, int, error) {
	var total int
	if err := q.row(ctx, "SELECT COUNT(*) FROM staff_actions").Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := list(ctx, q, func(a *domain.StaffAction) []any {
		return []any{&a.ID, &a.ActorID, &a.ActorName, &a.Action, &a.TargetKind, &a.TargetID, &a.TargetLabel, &a.Detail, scanTime(&a.At)}
	}, `SELECT id, COALESCE(actor_id, 0), actor_name, action, target_kind, target_id, target_label, detail, created_at
		FROM staff_actions ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, limit, offset)
	return out, total, err
}

// SearchUsers returns one page of the users whose username, name or e-mail
// address holds text (any case; every user when it is empty), by id, and
// the total.
func (q *Q) SearchUsers(ctx context.Context, text string, limit, offset int) ([]domain.User, int, error) {
	var c conds
	if strings.TrimSpace(text) != "" {
		like := likeAny(text)
		c.add(`(lower(u.username) LIKE ? ESCAPE '\' OR lower(u.email) LIKE ? ESCAPE '\'
			OR lower(u.first_name || ' ' || u.last_name) LIKE ? ESCAPE '\')`, like, like, like)
	}
	var total int
	if err := q.row(ctx, "SELECT COUNT(*) FROM users u WHERE "+c.where(), c.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	users, err := list(ctx, q, userDest, "SELECT "+userColumns+" FROM users u WHERE "+c.where()+" ORDER BY u.id LIMIT ? OFFSET ?",
		append(c.args, limit, offset)...)
	return users, total, err
}

// SetUserActive sets whether a user may sign in.
func (q *Q) SetUserActive(ctx context.Context, userID int64, active bool) error {
	_, err := q.exec(ctx, "UPDATE users SET is_active = ? WHERE id = ?", active, userID)
	return err
}

// SetUserStaff sets a user's staff flag; removing it removes the superuser
// flag too (a superuser is staff).
func (q *Q) SetUserStaff(ctx context.Context, userID int64, staff bool) error {
	if staff {
		_, err := q.exec(ctx, "UPDATE users SET is_staff = ? WHERE id = ?", true, userID)
		return err
	}
	_, err := q.exec(ctx, "UPDATE users SET is_staff = ?, is_superuser = ? WHERE id = ?", false, false, userID)
	return err
}

// RaiseCredentialEpoch ends every JWT issued to the user so far.
func (q *Q) RaiseCredentialEpoch(ctx context.Context, userID int64) error {
	_, err := q.exec(ctx, "UPDATE users SET credential_epoch = credential_epoch + 1 WHERE id = ?", userID)
	return err
}

// SessionSearch selects 1:1 sessions for the staff admin.
type SessionSearch struct {
	Text   string // a part of the mentor's or mentee's username or name
	Status string
}

// SearchSessions returns one page of the 1:1 sessions that match, newest
// start first, and the total.
func (q *Q) SearchSessions(ctx context.Context, f SessionSearch, limit, offset int) ([]domain.Session, int, error) {
	var c conds
	if f.Status != "" {
		c.add("s.status = ?", f.Status)
	}
	if strings.TrimSpace(f.Text) != "" {
		like := likeAny(f.Text)
		c.add(`(lower(mr.username) LIKE ? ESCAPE '\' OR lower(mr.first_name || ' ' || mr.last_name) LIKE ? ESCAPE '\'
			OR lower(me.username) LIKE ? ESCAPE '\' OR lower(me.first_name || ' ' || me.last_name) LIKE ? ESCAPE '\')`, like, like, like, like)
	}
	// Only a search by name needs the people to count: every session has
	// both (foreign keys), so the count of the others is the table's.
	from := sessionFrom
	if strings.TrimSpace(f.Text) == "" {
		from = " FROM sessions s"
	}
	var total int
	if err := q.row(ctx, "SELECT COUNT(*)"+from+" WHERE "+c.where(), c.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := q.sessions(ctx, c.where(), "s.start_time DESC, s.id DESC LIMIT ? OFFSET ?", append(c.args, limit, offset)...)
	return out, total, err
}

// Outbox states, as the staff admin filters them.
const (
	JobQueued  = "queued"  // waiting, or retrying after an error
	JobSent    = "sent"    // delivered
	JobSkipped = "skipped" // done without sending (nothing to send any more, or cancelled)
	JobFailed  = "failed"  // given up on; waits for staff
)

// JobRow is an outbox job as the staff admin lists it.
type JobRow struct {
	Job
	State     string
	DoneAt    *time.Time
	FailedAt  *time.Time
	LastError string
}

func jobState(state string) string {
	switch state {
	case JobQueued:
		return "o.done_at IS NULL AND o.failed_at IS NULL"
	case JobSent:
		return "o.done_at IS NOT NULL AND o.last_error IS NULL"
	case JobSkipped:
		return "o.done_at IS NOT NULL AND o.last_error IS NOT NULL"
	case JobFailed:
		return "o.failed_at IS NOT NULL"
	}
	return "1 = 1"
}

const jobRowColumns = "o.id, o.kind, o.dedupe_key, o.payload, o.sensitive, o.due_at, o.attempts, o.created_at, o.done_at, o.failed_at, COALESCE(o.last_error, '')"

func jobRowDest(j *JobRow) []any {
	return []any{&j.ID, &j.Kind, &j.DedupeKey, &j.Payload, &j.Sensitive, scanTime(&j.DueAt), &j.Attempts, scanTime(&j.CreatedAt),
		scanNullTime(&j.DoneAt), scanNullTime(&j.FailedAt), &j.LastError}
}

func (j *JobRow) setState() {
	switch {
	case j.FailedAt != nil:
		j.State = JobFailed
	case j.DoneAt == nil:
		j.State = JobQueued
	case j.LastError == "":
		j.State = JobSent
	default:
		j.State = JobSkipped
	}
}

// ListJobs returns one page of the outbox's jobs in a state ("" for all),
// newest first, and the total.
func (q *Q) ListJobs(ctx context.Context, state string, limit, offset int) ([]JobRow, int, error) {
	where := jobState(state)
	var total int
	if err := q.row(ctx, "SELECT COUNT(*) FROM outbox o WHERE "+where).Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := list(ctx, q, jobRowDest, "SELECT "+jobRowColumns+" FROM outbox o WHERE "+where+" ORDER BY o.created_at DESC, o.id DESC LIMIT ? OFFSET ?", limit, offset)
	for i := range out {
		out[i].setState()
	}
	return out, total, err
}

// JobByID returns one outbox job.
func (q *Q) JobByID(ctx context.Context, id int64) (*JobRow, error) {
	j, err := get(ctx, q, jobRowDest, "SELECT "+jobRowColumns+" FROM outbox o WHERE o.id = ?", id)
	if err == nil {
		j.setState()
	}
	return j, err
}

// RequeueFailedJob makes a failed job due again at now with its attempts
// counted afresh, and reports whether it was still failed.
func (q *Q) RequeueFailedJob(ctx context.Context, id int64, now time.Time) (bool, error) {
	n, err := q.affected(ctx, `UPDATE outbox SET failed_at = NULL, due_at = ?, attempts = 0, locked_until = NULL, locked_by = NULL
		WHERE id = ? AND failed_at IS NOT NULL`, now, id)
	return n == 1, err
}
