package store

import (
	"context"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// LockGroupSession reads a group session and, on PostgreSQL, locks its row
// until the transaction ends (FOR NO KEY UPDATE: it serialises every change
// of the session's seats and waitlist, across processes, without blocking
// inserts that only reference the row); SQLite's write transaction is
// already exclusive. Taken first, it orders concurrent joins, leaves and
// waitlist requests as they reach the database.
func (q *Q) LockGroupSession(ctx context.Context, id int64) (*domain.GroupSession, error) {
	query := "SELECT " + groupColumns + userCols("c") + " FROM group_sessions g JOIN users c ON c.id = g.creator_id WHERE g.id = ?"
	if q.s.engine == Postgres {
		query += " FOR NO KEY UPDATE OF g"
	}
	return get(ctx, q, groupDest, query, id)
}

// LockGroupSessionFor is LockGroupSession, then whether user holds a seat
// (IsParticipant) and is on the waitlist (IsWaiting), read after the lock
// is granted: on PostgreSQL one round trip with the transaction's BEGIN.
func (q *Q) LockGroupSessionFor(ctx context.Context, id, userID int64) (g *domain.GroupSession, joined, waiting bool, err error) {
	query := "SELECT " + groupColumns + userCols("c") + " FROM group_sessions g JOIN users c ON c.id = g.creator_id WHERE g.id = ?"
	if q.s.engine == Postgres {
		query += " FOR NO KEY UPDATE OF g"
	}
	err = q.pipeline(ctx, pipeItem{query: query, args: []any{id}, scan: func(sc scanner) error {
		g = new(domain.GroupSession)
		return sc.Scan(groupDest(g)...)
	}}, pipeItem{query: "SELECT 1 FROM group_participants WHERE session_id = ? AND user_id = ?", args: []any{id, userID}, scan: func(scanner) error {
		joined = true
		return nil
	}}, pipeItem{query: "SELECT 1 FROM group_waitlist WHERE session_id = ? AND user_id = ?", args: []any{id, userID}, scan: func(scanner) error {
		waiting = true
		return nil
	}})
	if err == nil && g == nil {
		err = ErrNotFound
	}
	return g, joined, waiting, err
}

// SeatFor adds p as a participant (AddParticipant), takes a seat of its
// session (TakeSeat) and reads the session back (GroupSessionByID): on
// PostgreSQL in one round trip. When no seat was free, ok is false and the
// transaction must not commit.
func (q *Q) SeatFor(ctx context.Context, p *domain.Participant, now time.Time) (g *domain.GroupSession, ok bool, err error) {
	var taken int64
	const seat = `UPDATE group_sessions SET taken = taken + 1, updated_at = ?
		WHERE id = ? AND taken < capacity AND status = 'upcoming' AND start_time > ?`
	readBack := func(sc scanner) error {
		g = new(domain.GroupSession)
		return sc.Scan(groupDest(g)...)
	}
	items := []pipeItem{{
		query: "INSERT INTO group_participants (session_id, user_id, role, joined_at) VALUES (?, ?, ?, ?) RETURNING id",
		args:  []any{p.SessionID, p.UserID, p.Role, p.JoinedAt},
		scan:  func(sc scanner) error { return sc.Scan(&p.ID) },
	}}
	if q.s.engine == Postgres {
		// The seat and the read back in one statement (a statement less
		// for PostgreSQL to run); a row comes back only if a seat was free.
		items = append(items, pipeItem{
			query: "WITH g AS (" + seat + " RETURNING *) SELECT " + groupColumns + userCols("c") + " FROM g JOIN users c ON c.id = g.creator_id",
			args:  []any{now, p.SessionID, now},
			scan: func(sc scanner) error {
				taken = 1
				return readBack(sc)
			},
		})
	} else {
		// SQLite has no UPDATE in WITH.
		items = append(items, pipeItem{query: seat, args: []any{now, p.SessionID, now}, affected: &taken}, pipeItem{
			query: "SELECT " + groupColumns + userCols("c") + " FROM group_sessions g JOIN users c ON c.id = g.creator_id WHERE g.id = ? ORDER BY g.id",
			args:  []any{p.SessionID},
			scan:  readBack,
		})
	}
	err = q.pipeline(ctx, items...)
	if err != nil {
		return nil, false, err
	}
	if taken != 1 {
		return nil, false, nil
	}
	if g == nil {
		return nil, false, ErrNotFound
	}
	return g, true, nil
}

// AddWaiter puts a person at the end of a session's waitlist and sets the
// entry's id; the unique (session, user) key refuses a second entry.
func (q *Q) AddWaiter(ctx context.Context, w *domain.Waiter) error {
	return q.row(ctx, "INSERT INTO group_waitlist (session_id, user_id, role, added_at) VALUES (?, ?, ?, ?) RETURNING id",
		w.SessionID, w.UserID, w.Role, w.AddedAt).Scan(&w.ID)
}

// RemoveWaiter takes a person off a session's waitlist; it reports whether
// they were on it.
func (q *Q) RemoveWaiter(ctx context.Context, sessionID, userID int64) (bool, error) {
	n, err := q.affected(ctx, "DELETE FROM group_waitlist WHERE session_id = ? AND user_id = ?", sessionID, userID)
	return n == 1, err
}

// ClearWaitlist empties a session's waitlist.
func (q *Q) ClearWaitlist(ctx context.Context, sessionID int64) error {
	_, err := q.exec(ctx, "DELETE FROM group_waitlist WHERE session_id = ?", sessionID)
	return err
}

// IsWaiting reports whether the user is on the session's waitlist.
func (q *Q) IsWaiting(ctx context.Context, sessionID, userID int64) (bool, error) {
	return q.exists(ctx, "SELECT 1 FROM group_waitlist WHERE session_id = ? AND user_id = ?", sessionID, userID)
}

func waiterDest(w *domain.Waiter) []any {
	return append([]any{&w.ID, &w.SessionID, &w.UserID, &w.Role, scanTime(&w.AddedAt)}, userDest(&w.User)...)
}

var waiterSelect = "SELECT w.id, w.session_id, w.user_id, w.role, w.added_at, " + userColumns +
	" FROM group_waitlist w JOIN users u ON u.id = w.user_id "

// FirstWaiter returns the first entry of a session's waitlist, or
// ErrNotFound when it is empty.
func (q *Q) FirstWaiter(ctx context.Context, sessionID int64) (*domain.Waiter, error) {
	return get(ctx, q, waiterDest, waiterSelect+"WHERE w.session_id = ? ORDER BY w.id LIMIT 1", sessionID)
}

// WaitlistsOf returns the waitlists of the sessions, by session, first
// come first, in one query.
func (q *Q) WaitlistsOf(ctx context.Context, sessionIDs ...int64) (map[int64][]domain.Waiter, error) {
	out := map[int64][]domain.Waiter{}
	if len(sessionIDs) == 0 {
		return out, nil
	}
	all, err := list(ctx, q, waiterDest, waiterSelect+"WHERE w.session_id IN ("+placeholders(len(sessionIDs))+") ORDER BY w.session_id, w.id",
		anys(sessionIDs...)...)
	if err != nil {
		return nil, err
	}
	for _, w := range all {
		out[w.SessionID] = append(out[w.SessionID], w)
	}
	return out, nil
}

// WaitlistCounts returns how many wait for each of the sessions (absent:
// none), in one query.
func (q *Q) WaitlistCounts(ctx context.Context, sessionIDs ...int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(sessionIDs) == 0 {
		return out, nil
	}
	err := q.each(ctx, func(sc scanner) error {
		var id int64
		var n int
		if err := sc.Scan(&id, &n); err != nil {
			return err
		}
		out[id] = n
		return nil
	}, "SELECT session_id, COUNT(*) FROM group_waitlist WHERE session_id IN ("+placeholders(len(sessionIDs))+") GROUP BY session_id",
		anys(sessionIDs...)...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// WaitlistPlace returns the user's place on the session's waitlist (1 for
// the first; 0 when not on it) and the waitlist's length.
func (q *Q) WaitlistPlace(ctx context.Context, sessionID, userID int64) (place, length int, err error) {
	err = q.row(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN w.id <= (SELECT m.id FROM group_waitlist m WHERE m.session_id = ? AND m.user_id = ?) THEN 1 ELSE 0 END), 0)
		FROM group_waitlist w WHERE w.session_id = ?`, sessionID, userID, sessionID).Scan(&length, &place)
	return place, length, err
}

// Standing is ParticipantsOf one session, with IsParticipant and
// WaitlistPlace of one user: what a session's detail shows its reader, read
// in one round trip on PostgreSQL.
func (q *Q) Standing(ctx context.Context, sessionID, userID int64) (parts []domain.Participant, joined bool, place, length int, err error) {
	users := "JOIN users u ON u.id = p.user_id"
	if q.s.engine == Postgres {
		// Each seat's user by primary key: PostgreSQL's own plan reads the
		// users table whole into a hash join, at two to three times the
		// CPU for a session's few seats (docs/benchmarks.md). OFFSET 0 keeps
		// the subquery from being flattened back into that join.
		users = "CROSS JOIN LATERAL (SELECT " + userColumns + " FROM users u WHERE u.id = p.user_id OFFSET 0) u"
	}
	err = q.pipeline(ctx, pipeItem{
		query: "SELECT p.id, p.session_id, p.user_id, p.role, p.joined_at, " + userColumns +
			" FROM group_participants p " + users + " WHERE p.session_id = ? ORDER BY p.joined_at, p.id",
		args: []any{sessionID},
		scan: func(sc scanner) error {
			var p domain.Participant
			if err := sc.Scan(append([]any{&p.ID, &p.SessionID, &p.UserID, &p.Role, scanTime(&p.JoinedAt)}, userDest(&p.User)...)...); err != nil {
				return err
			}
			parts = append(parts, p)
			return nil
		},
	}, pipeItem{
		query: "SELECT 1 FROM group_participants WHERE session_id = ? AND user_id = ?",
		args:  []any{sessionID, userID},
		scan:  func(scanner) error { joined = true; return nil },
	}, pipeItem{
		query: `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN w.id <= (SELECT m.id FROM group_waitlist m WHERE m.session_id = ? AND m.user_id = ?) THEN 1 ELSE 0 END), 0)
		FROM group_waitlist w WHERE w.session_id = ?`,
		args: []any{sessionID, userID, sessionID},
		scan: func(sc scanner) error { return sc.Scan(&length, &place) },
	})
	return parts, joined, place, length, err
}

// SeatedSessionsOf lists the sessions where the user holds a seat, by id.
func (q *Q) SeatedSessionsOf(ctx context.Context, userID int64) ([]int64, error) {
	var ids []int64
	err := q.each(ctx, func(sc scanner) error {
		var id int64
		if err := sc.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	}, "SELECT session_id FROM group_participants WHERE user_id = ? ORDER BY session_id", userID)
	return ids, err
}
