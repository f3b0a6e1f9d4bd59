package store

import (
	"context"
	"sort"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// LockUsers locks the users' rows until the transaction ends, in id order so
// that two transactions never wait on each other in a cycle. On SQLite the
// write transaction is already exclusive.
func (q *Q) LockUsers(ctx context.Context, ids ...int64) error {
	if q.s.engine != Postgres || len(ids) == 0 {
		return nil
	}
	sorted := append([]int64(nil), ids...)
	sort.Slice(sorted, func(a, b int) bool { return sorted[a] < sorted[b] })
	rows, err := q.query(ctx, "SELECT id FROM users WHERE id IN ("+placeholders(len(sorted))+") ORDER BY id FOR UPDATE", anys(sorted...)...)
	if err != nil {
		return err
	}
	return rows.Close()
}

// availabilityColumns leaves out created_at, which nothing reads back: the
// mentor list reads tens of thousands of these rows.
const availabilityColumns = "a.id, a.mentor_id, a.start_time, a.end_time"

func availabilityDest(a *domain.Availability) []any {
	return []any{&a.ID, &a.MentorID, scanTime(&a.Start), scanTime(&a.End)}
}

func (q *Q) availabilities(ctx context.Context, where string, args ...any) ([]domain.Availability, error) {
	return list(ctx, q, availabilityDest, "SELECT "+availabilityColumns+" FROM availabilities a WHERE "+where+" ORDER BY a.mentor_id, a.start_time, a.id", args...)
}

// CreateAvailabilities inserts availabilities and sets their ids.
func (q *Q) CreateAvailabilities(ctx context.Context, list []*domain.Availability) error {
	for _, a := range list {
		err := q.row(ctx, "INSERT INTO availabilities (mentor_id, start_time, end_time, created_at, modified_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
			a.MentorID, a.Start, a.End, a.CreatedAt, a.CreatedAt).Scan(&a.ID)
		if err != nil {
			return err
		}
	}
	return nil
}

// AvailabilityByID returns one availability.
func (q *Q) AvailabilityByID(ctx context.Context, id int64) (*domain.Availability, error) {
	return first(q.availabilities(ctx, "a.id = ?", id))
}

// AvailabilityOverlapping lists the mentor's availabilities that overlap
// [start, end) (touching ones do not).
func (q *Q) AvailabilityOverlapping(ctx context.Context, mentorID int64, start, end time.Time) ([]domain.Availability, error) {
	return q.availabilities(ctx, "a.mentor_id = ? AND a.start_time < ? AND a.end_time > ?", mentorID, end, start)
}

// AvailabilityAround lists the mentor's availabilities that overlap or touch
// [start, end], enough to tell whether adjacent ones cover it, by start.
// A mentor's availabilities never overlap, so in order of end they are also
// in order of start: the query ends at the first one that starts after end
// instead of reading every later one (hundreds, for a mentor who posted
// months of chunks).
func (q *Q) AvailabilityAround(ctx context.Context, mentorID int64, start, end time.Time) ([]domain.Availability, error) {
	var out []domain.Availability
	err := q.each(ctx, func(sc scanner) error {
		var a domain.Availability
		if err := sc.Scan(availabilityDest(&a)...); err != nil {
			return err
		}
		if a.Start.After(end) {
			return errStop
		}
		out = append(out, a)
		return nil
	}, "SELECT "+availabilityColumns+" FROM availabilities a WHERE a.mentor_id = ? AND a.end_time >= ? AND a.start_time <= ? ORDER BY a.end_time", mentorID, start, end)
	return out, err
}

// AvailabilityOf lists a mentor's availabilities that end at or after from.
func (q *Q) AvailabilityOf(ctx context.Context, mentorID int64, from time.Time) ([]domain.Availability, error) {
	return q.availabilities(ctx, "a.mentor_id = ? AND a.end_time >= ?", mentorID, from)
}

// AvailabilityOfBetween is AvailabilityOf limited to the availabilities
// starting in [start, end): one week of a mentor's page, however many
// weeks ahead they published.
func (q *Q) AvailabilityOfBetween(ctx context.Context, mentorID int64, from, start, end time.Time) ([]domain.Availability, error) {
	return q.availabilities(ctx, "a.mentor_id = ? AND a.end_time >= ? AND a.start_time >= ? AND a.start_time < ?", mentorID, from, start, end)
}

// AvailabilityOfListedMentors lists, in one query, the availabilities ending
// at or after from of every active user flagged as mentor.
func (q *Q) AvailabilityOfListedMentors(ctx context.Context, from time.Time) ([]domain.Availability, error) {
	return q.availabilities(ctx, `a.end_time >= ? AND a.mentor_id IN (SELECT u.id FROM users u WHERE u.is_mentor = ? AND u.is_active = ?)`,
		from, true, true)
}

// DeleteAvailability removes an availability.
func (q *Q) DeleteAvailability(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, "DELETE FROM availabilities WHERE id = ?", id)
	return err
}

// LiveSpansOf lists the mentor's live sessions ending after from.
func (q *Q) LiveSpansOf(ctx context.Context, mentorID int64, from time.Time) ([]domain.SessionSpan, error) {
	return q.liveSpans(ctx, "mentor_id = ? AND end_time > ?", mentorID, from)
}

// LiveSpansOfBetween is LiveSpansOf limited to the sessions that start
// before end and end after start.
func (q *Q) LiveSpansOfBetween(ctx context.Context, mentorID int64, from, start, end time.Time) ([]domain.SessionSpan, error) {
	return q.liveSpans(ctx, "mentor_id = ? AND end_time > ? AND end_time > ? AND start_time < ?", mentorID, from, start, end)
}

// LiveSpansOfListedMentors lists, in one query, the live sessions ending
// after from of every active user flagged as mentor.
func (q *Q) LiveSpansOfListedMentors(ctx context.Context, from time.Time) ([]domain.SessionSpan, error) {
	return q.liveSpans(ctx, "end_time > ? AND mentor_id IN (SELECT u.id FROM users u WHERE u.is_mentor = ? AND u.is_active = ?)", from, true, true)
}

func (q *Q) liveSpans(ctx context.Context, where string, args ...any) ([]domain.SessionSpan, error) {
	return list(ctx, q, spanDest, "SELECT mentor_id, start_time, end_time, status FROM sessions WHERE status IN ('Pending', 'Confirmed') AND "+
		where+" ORDER BY mentor_id, start_time", args...)
}

func spanDest(sp *domain.SessionSpan) []any {
	return []any{&sp.MentorID, scanTime(&sp.Start), scanTime(&sp.End), &sp.Status}
}

const sessionColumns = `s.id, s.mentor_id, s.mentee_id, s.availability_id, s.start_time, s.end_time, s.session_length,
	s.status, s.meeting_link, s.ics_sequence, s.created_at, s.modified_at,
	mr.first_name, mr.last_name, me.first_name, me.last_name`

const sessionFrom = " FROM sessions s JOIN users mr ON mr.id = s.mentor_id JOIN users me ON me.id = s.mentee_id"

func sessionDest(s *domain.Session) []any {
	return []any{&s.ID, &s.MentorID, &s.MenteeID, &s.AvailabilityID, scanTime(&s.Start), scanTime(&s.End), &s.Length,
		&s.Status, &s.MeetingLink, &s.ICSSequence, scanTime(&s.CreatedAt), scanTime(&s.ModifiedAt),
		&s.MentorFirst, &s.MentorLast, &s.MenteeFirst, &s.MenteeLast}
}

func (q *Q) sessions(ctx context.Context, where, order string, args ...any) ([]domain.Session, error) {
	return list(ctx, q, sessionDest, "SELECT "+sessionColumns+sessionFrom+" WHERE "+where+" ORDER BY "+order, args...)
}

// CreateSession inserts a session and sets its id.
func (q *Q) CreateSession(ctx context.Context, s *domain.Session) error {
	return q.row(ctx, `INSERT INTO sessions (mentor_id, mentee_id, availability_id, start_time, end_time, session_length, status,
		meeting_link, ics_sequence, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.MentorID, s.MenteeID, s.AvailabilityID, s.Start, s.End, s.Length, s.Status, s.MeetingLink, s.ICSSequence,
		s.CreatedAt, s.ModifiedAt).Scan(&s.ID)
}

// CreateSessionAtCommit is CreateSession sent with the transaction's
// COMMIT on PostgreSQL (see Q.atCommit): s.ID is set once the transaction
// has committed, and a refused insert (an overlap) is the transaction's
// error.
func (q *Q) CreateSessionAtCommit(ctx context.Context, s *domain.Session) error {
	return q.atCommit(ctx, pipeItem{
		query: `INSERT INTO sessions (mentor_id, mentee_id, availability_id, start_time, end_time, session_length, status,
		meeting_link, ics_sequence, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		args: []any{s.MentorID, s.MenteeID, s.AvailabilityID, s.Start, s.End, s.Length, s.Status, s.MeetingLink, s.ICSSequence,
			s.CreatedAt, s.ModifiedAt},
		scan: func(sc scanner) error { return sc.Scan(&s.ID) },
	})
}

// SessionByID returns a session with the participants' names.
func (q *Q) SessionByID(ctx context.Context, id int64) (*domain.Session, error) {
	return first(q.sessions(ctx, "s.id = ?", "s.id", id))
}

// UserBusy reports whether the user (as mentor or as mentee) has a Pending or
// Confirmed session overlapping [start, end), other than session except.
func (q *Q) UserBusy(ctx context.Context, userID int64, start, end time.Time, except int64) (bool, error) {
	return q.exists(ctx, `SELECT 1 FROM sessions WHERE (mentor_id = ? OR mentee_id = ?) AND status IN ('Pending', 'Confirmed')
		AND start_time < ? AND end_time > ? AND id <> ?`, userID, userID, end, start, except)
}

// LiveSessionsOverlapping counts the mentor's Pending or Confirmed sessions
// overlapping [start, end).
func (q *Q) LiveSessionsOverlapping(ctx context.Context, mentorID int64, start, end time.Time) (bool, error) {
	return q.exists(ctx, `SELECT 1 FROM sessions WHERE mentor_id = ? AND status IN ('Pending', 'Confirmed')
		AND start_time < ? AND end_time > ?`, mentorID, end, start)
}

// SetSessionStatus moves a session from one status to another, only if it
// is still in from (compare-and-swap), and reports whether it did.
func (q *Q) SetSessionStatus(ctx context.Context, id int64, from, to string, link *string, bumpSequence bool, now time.Time) (bool, error) {
	bump := 0
	if bumpSequence {
		bump = 1
	}
	n, err := q.affected(ctx, `UPDATE sessions SET status = ?, meeting_link = COALESCE(?, meeting_link), ics_sequence = ics_sequence + ?,
		modified_at = ? WHERE id = ? AND status = ?`, to, link, bump, now, id, from)
	return n == 1, err
}

// RescheduleSession moves a live session to a new time (and status), only if
// its status is still from.
func (q *Q) RescheduleSession(ctx context.Context, s *domain.Session, from string) (bool, error) {
	n, err := q.affected(ctx, `UPDATE sessions SET availability_id = ?, start_time = ?, end_time = ?, session_length = ?, status = ?,
		ics_sequence = ?, modified_at = ? WHERE id = ? AND status = ?`,
		s.AvailabilityID, s.Start, s.End, s.Length, s.Status, s.ICSSequence, s.ModifiedAt, s.ID, from)
	return n == 1, err
}

// DeleteSession removes a session.
func (q *Q) DeleteSession(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, "DELETE FROM sessions WHERE id = ?", id)
	return err
}

// SessionFilter selects sessions for a list.
type SessionFilter struct {
	UserID       int64      // mentor or mentee; 0 means everyone (staff)
	StartAtLeast *time.Time // start_time >= this
	StartBefore  *time.Time // start_time < this
	NewestFirst  bool
}

// ListSessions lists sessions in one query.
func (q *Q) ListSessions(ctx context.Context, f SessionFilter) ([]domain.Session, error) {
	c, order := f.conds()
	return q.sessions(ctx, c.where(), order, c.args...)
}

// ListSessionsPage is one page of ListSessions and how many there are in
// all: two queries, whatever the number of sessions.
func (q *Q) ListSessionsPage(ctx context.Context, f SessionFilter, limit, offset int) ([]domain.Session, int, error) {
	c, order := f.conds()
	var total int
	if err := q.row(ctx, "SELECT COUNT(*) FROM sessions s WHERE "+c.where(), c.args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := q.sessions(ctx, c.where(), order+" LIMIT ? OFFSET ?", append(c.args, limit, offset)...)
	return out, total, err
}

func (f SessionFilter) conds() (conds, string) {
	var c conds
	if f.UserID != 0 {
		c.add("(s.mentor_id = ? OR s.mentee_id = ?)", f.UserID, f.UserID)
	}
	if f.StartAtLeast != nil {
		c.add("s.start_time >= ?", *f.StartAtLeast)
	}
	if f.StartBefore != nil {
		c.add("s.start_time < ?", *f.StartBefore)
	}
	order := "s.start_time, s.id"
	if f.NewestFirst {
		order = "s.start_time DESC, s.id DESC"
	}
	return c, order
}

// ConfirmedStartingIn lists Confirmed sessions starting in (from, to].
func (q *Q) ConfirmedStartingIn(ctx context.Context, from, to time.Time) ([]domain.Session, error) {
	return q.sessions(ctx, "s.status = 'Confirmed' AND s.start_time > ? AND s.start_time <= ?", "s.start_time, s.id", from, to)
}
