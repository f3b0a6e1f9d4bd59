package store

import (
	"context"
	"slices"
	"time"

	"github.com/mentord/mentord/internal/domain"
)

// SlotFacts is what a booking's check reads in its transaction: the
// mentor's availability around the span (AvailabilityAround), the mentor's
// booking rules (BookingRulesOf), and the live sessions of the people that
// come within the rules' buffer of the span (LiveSpansOfPeople).
type SlotFacts struct {
	Around []domain.Availability
	Rules  *domain.BookingRules
	Busy   []domain.SessionSpan
}

// SlotFactsOf locks the users lock (as LockUsers) and then reads the facts
// of a booking of [start, end) with mentorID, by people, other than
// session except; no session lasts longer than longest. On PostgreSQL it
// is one round trip (with the transaction's BEGIN): the reads run after the
// lock is granted, each on a snapshot of its own, so they see every booking
// that committed while the lock was awaited.
func (q *Q) SlotFactsOf(ctx context.Context, lock []int64, mentorID int64, people []int64, start, end time.Time, except int64, longest time.Duration) (*SlotFacts, error) {
	f := &SlotFacts{}
	if q.s.engine != Postgres {
		var err error
		if f.Around, err = q.AvailabilityAround(ctx, mentorID, start, end); err != nil {
			return nil, err
		}
		if f.Rules, err = q.BookingRulesOf(ctx, mentorID); err != nil {
			return nil, err
		}
		buf := f.Rules.Buffer()
		if f.Busy, err = q.LiveSpansOfPeople(ctx, people, start.Add(-buf), end.Add(buf), except, longest); err != nil {
			return nil, err
		}
		return f, nil
	}
	var items []pipeItem
	if len(lock) > 0 {
		sorted := slices.Clone(lock)
		slices.Sort(sorted)
		items = append(items, pipeItem{
			query: "SELECT id FROM users WHERE id IN (" + placeholders(len(sorted)) + ") ORDER BY id FOR UPDATE",
			args:  anys(sorted...),
			scan:  func(scanner) error { return nil },
		})
	}
	items = append(items, pipeItem{
		query: "SELECT " + availabilityColumns + " FROM availabilities a WHERE a.mentor_id = ? AND a.end_time >= ? AND a.start_time <= ? ORDER BY a.end_time",
		args:  []any{mentorID, start, end},
		scan: func(sc scanner) error {
			var a domain.Availability
			if err := sc.Scan(availabilityDest(&a)...); err != nil {
				return err
			}
			if a.Start.After(end) {
				return errStop
			}
			f.Around = append(f.Around, a)
			return nil
		},
	}, pipeItem{
		query: `SELECT mentor_id, min_notice_minutes, buffer_minutes, max_per_day, max_per_week, cancel_notice_hours, updated_at
		FROM booking_rules WHERE mentor_id = ?`,
		args: []any{mentorID},
		scan: func(sc scanner) error {
			r := &domain.BookingRules{}
			f.Rules = r
			return sc.Scan(&r.MentorID, &r.MinNoticeMinutes, &r.BufferMinutes, &r.MaxPerDay, &r.MaxPerWeek, &r.CancelNoticeHours, scanTime(&r.UpdatedAt))
		},
	})
	if len(people) > 0 {
		// LiveSpansOfPeople's query, its window widened by the mentor's
		// buffer as the rules row has it at this statement's start.
		ids := anys(people...)
		in := placeholders(len(ids))
		args := append(append(append([]any{}, ids...), ids...), mentorID, end, start, longest.Microseconds(), start, except)
		items = append(items, pipeItem{
			query: `SELECT s.mentor_id, s.start_time, s.end_time, s.status FROM sessions s
			CROSS JOIN (SELECT make_interval(mins => COALESCE((SELECT buffer_minutes FROM booking_rules WHERE mentor_id = ?), 0)) AS buf) b
			WHERE s.status IN ('Pending', 'Confirmed') AND (s.mentor_id IN (` + in + `) OR s.mentee_id IN (` + in + `))
			AND s.start_time < ?::timestamptz + b.buf AND s.start_time > ?::timestamptz - b.buf - make_interval(secs => ?::bigint / 1000000.0)
			AND s.end_time > ?::timestamptz - b.buf AND s.id <> ? ORDER BY s.start_time`,
			args: args,
			scan: func(sc scanner) error {
				var sp domain.SessionSpan
				if err := sc.Scan(spanDest(&sp)...); err != nil {
					return err
				}
				f.Busy = append(f.Busy, sp)
				return nil
			},
		})
	}
	if err := q.pipeline(ctx, items...); err != nil {
		return nil, err
	}
	if f.Rules == nil {
		f.Rules = &domain.BookingRules{MentorID: mentorID}
	}
	return f, nil
}
