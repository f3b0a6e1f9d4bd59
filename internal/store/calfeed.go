package store

import (
	"context"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// CalendarFeed is a user's calendar feed, without its token.
type CalendarFeed struct {
	UserID    int64
	TokenHash string
	TokenSeed string
	CreatedAt time.Time
}

func calendarFeedDest(f *CalendarFeed) []any {
	return []any{&f.UserID, &f.TokenHash, &f.TokenSeed, scanTime(&f.CreatedAt)}
}

// CalendarFeedOf returns the user's feed row.
func (q *Q) CalendarFeedOf(ctx context.Context, userID int64) (*CalendarFeed, error) {
	return get(ctx, q, calendarFeedDest, "SELECT user_id, token_hash, token_seed, created_at FROM calendar_feeds WHERE user_id = ?", userID)
}

// CalendarFeedByHash finds a feed by its token's hash.
func (q *Q) CalendarFeedByHash(ctx context.Context, tokenHash string) (*CalendarFeed, error) {
	return get(ctx, q, calendarFeedDest, "SELECT user_id, token_hash, token_seed, created_at FROM calendar_feeds WHERE token_hash = ?", tokenHash)
}

// PutCalendarFeed stores the user's feed, replacing any previous one (whose
// token then stops working).
func (q *Q) PutCalendarFeed(ctx context.Context, f CalendarFeed) error {
	_, err := q.exec(ctx, `INSERT INTO calendar_feeds (user_id, token_hash, token_seed, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, token_seed = excluded.token_seed, created_at = excluded.created_at`,
		f.UserID, f.TokenHash, f.TokenSeed, f.CreatedAt)
	return err
}

// DeleteCalendarFeed removes the user's feed and reports whether there was one.
func (q *Q) DeleteCalendarFeed(ctx context.Context, userID int64) (bool, error) {
	n, err := q.affected(ctx, "DELETE FROM calendar_feeds WHERE user_id = ?", userID)
	return n > 0, err
}

// FeedWindow selects the items of a calendar feed: those of one user,
// starting in [From, To), in one of the statuses given, at most Limit of
// each kind, by start.
type FeedWindow struct {
	UserID   int64
	From, To time.Time
	Statuses []string
	Limit    int
}

// FeedSessions lists the 1:1 sessions the user is mentor or mentee of.
func (q *Q) FeedSessions(ctx context.Context, w FeedWindow) ([]domain.Session, error) {
	if len(w.Statuses) == 0 {
		return nil, nil
	}
	args := append([]any{w.UserID, w.UserID, w.From, w.To}, anys(w.Statuses...)...)
	return q.sessions(ctx, "(s.mentor_id = ? OR s.mentee_id = ?) AND s.start_time >= ? AND s.start_time < ? AND s.status IN ("+
		placeholders(len(w.Statuses))+")", "s.start_time, s.id LIMIT ?", append(args, w.Limit)...)
}

// FeedGroupSessions lists the group sessions the user created or holds a
// seat in, with their creators.
func (q *Q) FeedGroupSessions(ctx context.Context, w FeedWindow) ([]domain.GroupSession, error) {
	if len(w.Statuses) == 0 {
		return nil, nil
	}
	args := append([]any{w.UserID, w.UserID, w.From, w.To}, anys(w.Statuses...)...)
	return q.groups(ctx, "(g.creator_id = ? OR g.id IN (SELECT session_id FROM group_participants WHERE user_id = ?))"+
		" AND g.start_time >= ? AND g.start_time < ? AND g.status IN ("+placeholders(len(w.Statuses))+")",
		"g.start_time, g.id", w.Limit, 0, args...)
}

// FeedMeeting is a meeting of a finalized calendar, with its calendar's
// name and description.
type FeedMeeting struct {
	domain.Meeting
	CalendarName        string
	CalendarDescription string
}

// FeedMeetings lists the meetings of the finalized calendars the user
// owns (Statuses is not used: a meeting has none).
func (q *Q) FeedMeetings(ctx context.Context, w FeedWindow) ([]FeedMeeting, error) {
	return list(ctx, q, func(m *FeedMeeting) []any {
		return append(meetingDest(&m.Meeting), &m.CalendarName, &m.CalendarDescription)
	}, "SELECT m.id, m.calendar_id, m.contact_id, m.start_time, m.end_time, m.created_at, "+contactColumns+", c.name, c.description"+
		" FROM meetings m JOIN calendars c ON c.id = m.calendar_id JOIN contacts k ON k.id = m.contact_id"+
		" WHERE c.owner_id = ? AND c.finalized = ? AND m.start_time >= ? AND m.start_time < ? ORDER BY m.start_time, m.id LIMIT ?",
		w.UserID, true, w.From, w.To, w.Limit)
}
