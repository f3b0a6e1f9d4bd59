package store

import (
	"context"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

const groupColumns = `g.id, g.creator_id, g.title, g.description, g.field, g.start_time, g.capacity, g.taken, g.status,
	g.created_at, g.updated_at, COALESCE(g.timed_at, g.created_at), `

func (q *Q) groups(ctx context.Context, where, order string, limit, offset int, args ...any) ([]domain.GroupSession, error) {
	query := "SELECT " + groupColumns + userCols("c") + " FROM group_sessions g JOIN users c ON c.id = g.creator_id WHERE " + where + " ORDER BY " + order
	if limit > 0 {
		query += " LIMIT ? OFFSET ?"
		args = append(args, limit, offset)
	}
	return list(ctx, q, groupDest, query, args...)
}

func groupDest(g *domain.GroupSession) []any {
	return append([]any{&g.ID, &g.CreatorID, &g.Title, &g.Description, &g.Field, scanTime(&g.Start), &g.Capacity, &g.Taken,
		&g.Status, scanTime(&g.CreatedAt), scanTime(&g.UpdatedAt), scanTime(&g.TimedAt)}, userDest(&g.Creator)...)
}

// CreateGroupSession inserts a group session and sets its id.
func (q *Q) CreateGroupSession(ctx context.Context, g *domain.GroupSession) error {
	if g.TimedAt.IsZero() {
		g.TimedAt = g.CreatedAt
	}
	return q.row(ctx, `INSERT INTO group_sessions (creator_id, title, description, field, start_time, capacity, taken, status, created_at, updated_at, timed_at)
		VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?) RETURNING id`,
		g.CreatorID, g.Title, g.Description, g.Field, g.Start, g.Capacity, g.Status, g.CreatedAt, g.UpdatedAt, g.TimedAt).Scan(&g.ID)
}

// GroupSessionByID returns a group session with its creator.
func (q *Q) GroupSessionByID(ctx context.Context, id int64) (*domain.GroupSession, error) {
	return first(q.groups(ctx, "g.id = ?", "g.id", 0, 0, id))
}

// UpdateGroupSession writes the editable fields, only while the new
// capacity still holds the seats taken (compare-and-swap); it reports whether
// it wrote.
func (q *Q) UpdateGroupSession(ctx context.Context, g *domain.GroupSession) (bool, error) {
	n, err := q.affected(ctx, `UPDATE group_sessions SET title = ?, description = ?, field = ?, start_time = ?, capacity = ?, updated_at = ?,
		timed_at = ? WHERE id = ? AND taken <= ? AND status = ?`,
		g.Title, g.Description, g.Field, g.Start, g.Capacity, g.UpdatedAt, g.TimedAt, g.ID, g.Capacity, g.Status)
	return n == 1, err
}

// TakeSeat takes one seat of an upcoming session that has not started and
// is not full, in one statement; it reports whether a seat was free.
func (q *Q) TakeSeat(ctx context.Context, id int64, now time.Time) (bool, error) {
	n, err := q.affected(ctx, `UPDATE group_sessions SET taken = taken + 1, updated_at = ?
		WHERE id = ? AND taken < capacity AND status = 'upcoming' AND start_time > ?`, now, id, now)
	return n == 1, err
}

// AddParticipant records a seat holder; the unique (session, user) key
// refuses a second seat for the same person.
func (q *Q) AddParticipant(ctx context.Context, p *domain.Participant) error {
	return q.row(ctx, "INSERT INTO group_participants (session_id, user_id, role, joined_at) VALUES (?, ?, ?, ?) RETURNING id",
		p.SessionID, p.UserID, p.Role, p.JoinedAt).Scan(&p.ID)
}

// RemoveParticipant gives a seat back; it reports whether the person held one.
func (q *Q) RemoveParticipant(ctx context.Context, sessionID, userID int64, now time.Time) (bool, error) {
	if n, err := q.affected(ctx, "DELETE FROM group_participants WHERE session_id = ? AND user_id = ?", sessionID, userID); err != nil || n == 0 {
		return false, err
	}
	_, err := q.exec(ctx, "UPDATE group_sessions SET taken = taken - 1, updated_at = ? WHERE id = ?", now, sessionID)
	return err == nil, err
}

// IsParticipant reports whether the user holds a seat.
func (q *Q) IsParticipant(ctx context.Context, sessionID, userID int64) (bool, error) {
	return q.exists(ctx, "SELECT 1 FROM group_participants WHERE session_id = ? AND user_id = ?", sessionID, userID)
}

// SetGroupStatus moves a session to status to, only from one of the given
// statuses (compare-and-swap).
func (q *Q) SetGroupStatus(ctx context.Context, id int64, from []string, to string, now time.Time) (bool, error) {
	n, err := q.affected(ctx, "UPDATE group_sessions SET status = ?, updated_at = ? WHERE id = ? AND status IN ("+placeholders(len(from))+")",
		append([]any{to, now, id}, anys(from...)...)...)
	return n == 1, err
}

// DeleteGroupSession removes a session and its participants.
func (q *Q) DeleteGroupSession(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, "DELETE FROM group_sessions WHERE id = ?", id)
	return err
}

// ParticipantsOf returns the participants of the sessions, by session, in
// the order they joined, in one query.
func (q *Q) ParticipantsOf(ctx context.Context, sessionIDs ...int64) (map[int64][]domain.Participant, error) {
	out := map[int64][]domain.Participant{}
	if len(sessionIDs) == 0 {
		return out, nil
	}
	err := q.each(ctx, func(sc scanner) error {
		var p domain.Participant
		if err := sc.Scan(append([]any{&p.ID, &p.SessionID, &p.UserID, &p.Role, scanTime(&p.JoinedAt)}, userDest(&p.User)...)...); err != nil {
			return err
		}
		out[p.SessionID] = append(out[p.SessionID], p)
		return nil
	}, "SELECT p.id, p.session_id, p.user_id, p.role, p.joined_at, "+userColumns+
		" FROM group_participants p JOIN users u ON u.id = p.user_id WHERE p.session_id IN ("+placeholders(len(sessionIDs))+") ORDER BY p.joined_at, p.id",
		anys(sessionIDs...)...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// groupWhere is the SQL condition of a group-session filter.
func groupWhere(f domain.GroupFilter) (string, []any) {
	var c conds
	if f.Status != "" {
		c.add("g.status = ?", f.Status)
	}
	if f.From != nil {
		c.add("g.start_time >= ?", *f.From)
	}
	if f.To != nil {
		c.add("g.start_time <= ?", *f.To)
	}
	if f.CreatorID != 0 {
		c.add("g.creator_id = ?", f.CreatorID)
	}
	if f.InvolvedID != 0 {
		c.add("(g.creator_id = ? OR g.id IN (SELECT session_id FROM group_participants WHERE user_id = ?))", f.InvolvedID, f.InvolvedID)
	}
	if f.JoinedID != 0 {
		c.add("g.id IN (SELECT session_id FROM group_participants WHERE user_id = ?)", f.JoinedID)
	}
	if strings.TrimSpace(f.Topic) != "" {
		like := likeAny(f.Topic)
		c.add(`(lower(g.title) LIKE ? ESCAPE '\' OR lower(COALESCE(g.field, '')) LIKE ? ESCAPE '\')`, like, like)
	}
	if f.HasSeats {
		c.add("g.taken < g.capacity")
	}
	return c.where(), c.args
}

// ListGroupSessions returns one page (by start, then id) and the total count.
func (q *Q) ListGroupSessions(ctx context.Context, f domain.GroupFilter, limit, offset int) ([]domain.GroupSession, int, error) {
	where, args := groupWhere(f)
	var total int
	if err := q.row(ctx, "SELECT COUNT(*) FROM group_sessions g WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if total == 0 || offset >= total {
		return nil, total, nil
	}
	list, err := q.groups(ctx, where, "g.start_time, g.id", limit, offset, args...)
	return list, total, err
}

// GroupSessionsOf lists every session a creator made, by start.
func (q *Q) GroupSessionsOf(ctx context.Context, creatorID int64) ([]domain.GroupSession, error) {
	return q.groups(ctx, "g.creator_id = ?", "g.start_time, g.id", 0, 0, creatorID)
}

// UpcomingGroupsStartingIn lists upcoming sessions starting in (from, to].
func (q *Q) UpcomingGroupsStartingIn(ctx context.Context, from, to time.Time) ([]domain.GroupSession, error) {
	return q.groups(ctx, "g.status = 'upcoming' AND g.start_time > ? AND g.start_time <= ?", "g.start_time, g.id", 0, 0, from, to)
}
