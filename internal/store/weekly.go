package store

import (
	"context"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// WeeklyRow is a mentor's stored weekly hours: the definition as the
// mentoring package encodes it, and how far it has been expanded.
type WeeklyRow struct {
	MentorID    int64
	Definition  string
	FilledUntil time.Time
	UpdatedAt   time.Time
}

// WeeklyHoursOf returns a mentor's weekly hours, or ErrNotFound.
func (q *Q) WeeklyHoursOf(ctx context.Context, mentorID int64) (*WeeklyRow, error) {
	return get(ctx, q, func(r *WeeklyRow) []any {
		return []any{&r.MentorID, &r.Definition, scanTime(&r.FilledUntil), scanTime(&r.UpdatedAt)}
	}, "SELECT mentor_id, definition, filled_until, updated_at FROM weekly_hours WHERE mentor_id = ?", mentorID)
}

// SaveWeeklyHours stores a mentor's weekly hours.
func (q *Q) SaveWeeklyHours(ctx context.Context, r *WeeklyRow) error {
	_, err := q.exec(ctx, `INSERT INTO weekly_hours (mentor_id, definition, filled_until, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (mentor_id) DO UPDATE SET definition = excluded.definition, filled_until = excluded.filled_until, updated_at = excluded.updated_at`,
		r.MentorID, r.Definition, r.FilledUntil, r.UpdatedAt)
	return err
}

// SetWeeklyFilledUntil records how far a mentor's weekly hours are expanded.
func (q *Q) SetWeeklyFilledUntil(ctx context.Context, mentorID int64, until time.Time) error {
	_, err := q.exec(ctx, "UPDATE weekly_hours SET filled_until = ? WHERE mentor_id = ?", until, mentorID)
	return err
}

// DeleteWeeklyHours removes a mentor's weekly hours.
func (q *Q) DeleteWeeklyHours(ctx context.Context, mentorID int64) error {
	_, err := q.exec(ctx, "DELETE FROM weekly_hours WHERE mentor_id = ?", mentorID)
	return err
}

// WeeklyHoursDue lists the mentors whose weekly hours are expanded only to
// before until.
func (q *Q) WeeklyHoursDue(ctx context.Context, until time.Time) ([]int64, error) {
	return list(ctx, q, func(id *int64) []any { return []any{id} },
		"SELECT mentor_id FROM weekly_hours WHERE filled_until < ? ORDER BY mentor_id", until)
}

// DeleteFreeWeeklyAvailability removes the mentor's availabilities made
// from weekly hours that end after after and hold no live session.
func (q *Q) DeleteFreeWeeklyAvailability(ctx context.Context, mentorID int64, after time.Time) error {
	_, err := q.exec(ctx, `DELETE FROM availabilities WHERE mentor_id = ? AND weekly = ? AND end_time > ?
		AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.availability_id = availabilities.id AND s.status IN ('Pending', 'Confirmed'))`,
		mentorID, true, after)
	return err
}

// CreateWeeklyAvailabilities inserts availabilities made from weekly hours
// and sets their ids.
func (q *Q) CreateWeeklyAvailabilities(ctx context.Context, list []*domain.Availability) error {
	for _, a := range list {
		err := q.row(ctx, `INSERT INTO availabilities (mentor_id, start_time, end_time, created_at, modified_at, weekly)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, a.MentorID, a.Start, a.End, a.CreatedAt, a.CreatedAt, true).Scan(&a.ID)
		if err != nil {
			return err
		}
	}
	return nil
}
