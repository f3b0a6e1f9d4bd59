package store

import (
	"context"
	"errors"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

func bookingRulesDest(r *domain.BookingRules) []any {
	return []any{&r.MentorID, &r.MinNoticeMinutes, &r.BufferMinutes, &r.MaxPerDay, &r.MaxPerWeek, &r.CancelNoticeHours, scanTime(&r.UpdatedAt)}
}

const bookingRulesSelect = `SELECT mentor_id, min_notice_minutes, buffer_minutes, max_per_day, max_per_week, cancel_notice_hours, updated_at
	FROM booking_rules WHERE mentor_id `

// BookingRulesOf returns a mentor's booking rules; a mentor who never set
// any has all of them off.
func (q *Q) BookingRulesOf(ctx context.Context, mentorID int64) (*domain.BookingRules, error) {
	r, err := get(ctx, q, bookingRulesDest, bookingRulesSelect+"= ?", mentorID)
	if errors.Is(err, ErrNotFound) {
		return &domain.BookingRules{MentorID: mentorID}, nil
	}
	return r, err
}

// BookingRulesOfMentors returns the booking rules of each of the mentors,
// in one query (a page of sessions asks for many mentors' at once); a
// mentor who never set any has all of them off.
func (q *Q) BookingRulesOfMentors(ctx context.Context, mentorIDs ...int64) (map[int64]*domain.BookingRules, error) {
	out := make(map[int64]*domain.BookingRules, len(mentorIDs))
	if len(mentorIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(mentorIDs))
	for i, id := range mentorIDs {
		args[i] = id
		out[id] = &domain.BookingRules{MentorID: id}
	}
	rules, err := list(ctx, q, bookingRulesDest, bookingRulesSelect+"IN ("+placeholders(len(args))+")", args...)
	for i := range rules {
		out[rules[i].MentorID] = &rules[i]
	}
	return out, err
}

// SaveBookingRules stores a mentor's booking rules.
func (q *Q) SaveBookingRules(ctx context.Context, r *domain.BookingRules) error {
	_, err := q.exec(ctx, `INSERT INTO booking_rules (mentor_id, min_notice_minutes, buffer_minutes, max_per_day, max_per_week,
		cancel_notice_hours, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (mentor_id) DO UPDATE SET min_notice_minutes = excluded.min_notice_minutes, buffer_minutes = excluded.buffer_minutes,
		max_per_day = excluded.max_per_day, max_per_week = excluded.max_per_week, cancel_notice_hours = excluded.cancel_notice_hours,
		updated_at = excluded.updated_at`,
		r.MentorID, r.MinNoticeMinutes, r.BufferMinutes, r.MaxPerDay, r.MaxPerWeek, r.CancelNoticeHours, r.UpdatedAt)
	return err
}

// LiveStartsOfMentor lists, by time, the starts in [from, to) of the
// mentor's Pending or Confirmed sessions other than session except: what
// the day and week limits count.
func (q *Q) LiveStartsOfMentor(ctx context.Context, mentorID int64, from, to time.Time, except int64) ([]time.Time, error) {
	return list(ctx, q, func(t *time.Time) []any { return []any{scanTime(t)} },
		`SELECT start_time FROM sessions WHERE mentor_id = ? AND status IN ('Pending', 'Confirmed')
		AND start_time >= ? AND start_time < ? AND id <> ? ORDER BY start_time`, mentorID, from, to, except)
}
