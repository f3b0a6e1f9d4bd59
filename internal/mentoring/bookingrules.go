package mentoring

import (
	"context"
	"fmt"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/scheduling"
	"github.com/mentord/mentord/internal/store"
)

// Bounds of the booking rules: beyond these a setting is a slip, not a rule.
const (
	MaxNoticeMinutes  = 30 * 24 * 60
	MaxBufferMinutes  = 24 * 60
	MaxSessionsPerDay = 48
	MaxSessionsPerWk  = 7 * 48
	MaxCancelHours    = 30 * 24
	MaxReasonLength   = 500
)

var errNoRules = errs.Forbidden("not_mentor", "Only mentors have booking rules.")

// BookingRulesInput changes a mentor's booking rules; nil fields stay.
type BookingRulesInput struct {
	MinNoticeMinutes, BufferMinutes, MaxPerDay, MaxPerWeek, CancelNoticeHours *int
	Unread                                                                    *errs.Invalid // the surface's reading problems
}

// BookingRulesOf returns a mentor's booking rules (all off when never set).
func (s *Service) BookingRulesOf(ctx context.Context, mentorID int64) (*domain.BookingRules, error) {
	return s.store.BookingRulesOf(ctx, mentorID)
}

// MyBookingRules returns the calling mentor's booking rules.
func (s *Service) MyBookingRules(ctx context.Context, caller *domain.User) (*domain.BookingRules, error) {
	if !caller.IsMentor {
		return nil, errNoRules
	}
	return s.store.BookingRulesOf(ctx, caller.ID)
}

// UpdateBookingRules changes the calling mentor's booking rules. They hold
// for requests and cancellations from then on; sessions already booked stay.
func (s *Service) UpdateBookingRules(ctx context.Context, caller *domain.User, in BookingRulesInput) (*domain.BookingRules, error) {
	if !caller.IsMentor {
		return nil, errNoRules
	}
	v := errs.Begin(in.Unread)
	for _, f := range []struct {
		name string
		val  *int
		max  int
	}{{"min_notice_minutes", in.MinNoticeMinutes, MaxNoticeMinutes}, {"buffer_minutes", in.BufferMinutes, MaxBufferMinutes},
		{"max_sessions_per_day", in.MaxPerDay, MaxSessionsPerDay}, {"max_sessions_per_week", in.MaxPerWeek, MaxSessionsPerWk},
		{"cancel_notice_hours", in.CancelNoticeHours, MaxCancelHours}} {
		switch {
		case f.val == nil || v.Has(f.name):
		case *f.val < 0:
			v.FieldArg(f.name, errs.CodeMinValue, 0)
		case *f.val > f.max:
			v.FieldArg(f.name, errs.CodeMaxValue, f.max)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *domain.BookingRules
	err := s.store.Tx(ctx, func(q *store.Q) error {
		if err := q.LockUsers(ctx, caller.ID); err != nil {
			return err
		}
		r, err := q.BookingRulesOf(ctx, caller.ID)
		if err != nil {
			return err
		}
		set := func(dst *int, src *int) {
			if src != nil {
				*dst = *src
			}
		}
		set(&r.MinNoticeMinutes, in.MinNoticeMinutes)
		set(&r.BufferMinutes, in.BufferMinutes)
		set(&r.MaxPerDay, in.MaxPerDay)
		set(&r.MaxPerWeek, in.MaxPerWeek)
		set(&r.CancelNoticeHours, in.CancelNoticeHours)
		r.UpdatedAt = s.clock.Now()
		out = r
		return q.SaveBookingRules(ctx, r)
	})
	return out, err
}

// bookingCheck is what a mentor's booking rules need to judge a proposed
// span: the rules, the mentor's zone, the mentor's own live sessions (for
// the buffer) and their starts over the weeks in question (for the limits).
// A nil *bookingCheck judges nothing.
type bookingCheck struct {
	rules      domain.BookingRules
	loc        *time.Location
	mentorBusy []scheduling.Interval
	starts     []time.Time
}

// Booking rule messages; the limits name themselves.
const (
	msgTooSoon = "This mentor takes requests at least %s before the session starts."
	msgBuffer  = "This mentor keeps %s free between sessions; choose a time further from their other sessions."
	msgPerDay  = "This mentor takes at most %s a day, and that day is full."
	msgPerWeek = "This mentor takes at most %s a week, and that week is full."
	msgCancel  = "Sessions with this mentor can be canceled up to %s before they start; ask your mentor to cancel."
	msgReason  = "Say why you cancel this late: the mentee is told."
)

// rule is the booking rules' part of slotRule, after the span is known to
// lie in the future inside the availability and to overlap nothing.
func (b *bookingCheck) rule(now time.Time, span scheduling.Interval) error {
	if b == nil {
		return nil
	}
	r := b.rules
	if n := time.Duration(r.MinNoticeMinutes) * time.Minute; n > 0 && span.Start.Before(now.Add(n)) {
		return errs.Field("start_time", "too_soon", fmt.Sprintf(msgTooSoon, noticeWords(r.MinNoticeMinutes)))
	}
	if buf := time.Duration(r.BufferMinutes) * time.Minute; buf > 0 {
		wide := scheduling.Interval{Start: span.Start.Add(-buf), End: span.End.Add(buf)}
		for _, m := range b.mentorBusy {
			if m.Overlaps(wide) {
				return errs.NonField("buffer", fmt.Sprintf(msgBuffer, plural(r.BufferMinutes, "minute")))
			}
		}
	}
	if r.MaxPerDay > 0 {
		from, to := dayOf(span.Start, b.loc)
		if countIn(b.starts, from, to) >= r.MaxPerDay {
			return errs.NonField("day_limit", fmt.Sprintf(msgPerDay, plural(r.MaxPerDay, "session")))
		}
	}
	if r.MaxPerWeek > 0 {
		from, to := weekOf(span.Start, b.loc)
		if countIn(b.starts, from, to) >= r.MaxPerWeek {
			return errs.NonField("week_limit", fmt.Sprintf(msgPerWeek, plural(r.MaxPerWeek, "session")))
		}
	}
	return nil
}

func noticeWords(min int) string {
	switch {
	case min%(24*60) == 0:
		return plural(min/(24*60), "day")
	case min%60 == 0:
		return plural(min/60, "hour")
	}
	return plural(min, "minute")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

// dayOf is the local day in loc holding t, as instants. A day starts at its
// first instant (scheduling.Date.At), also where a clock change skips
// midnight; time.Date would put that midnight an hour into the day before.
func dayOf(t time.Time, loc *time.Location) (from, to time.Time) {
	d := scheduling.DateOf(t.In(loc))
	return d.At(0, loc), d.AddDays(1).At(0, loc)
}

// weekOf is the local week (Monday to Sunday) in loc holding t.
func weekOf(t time.Time, loc *time.Location) (from, to time.Time) {
	d := scheduling.DateOf(t.In(loc))
	d = d.AddDays(-((int(d.Weekday()) + 6) % 7))
	return d.At(0, loc), d.AddDays(7).At(0, loc)
}

// countWindow is the span of starts the limits of a session starting
// between first and last need: the weeks (or days) holding them.
func countWindow(r domain.BookingRules, first, last time.Time, loc *time.Location) (from, to time.Time) {
	if r.MaxPerWeek > 0 {
		from, _ = weekOf(first, loc)
		_, to = weekOf(last, loc)
		return from, to
	}
	from, _ = dayOf(first, loc)
	_, to = dayOf(last, loc)
	return from, to
}

func countIn(starts []time.Time, from, to time.Time) int {
	n := 0
	for _, t := range starts {
		if !t.Before(from) && t.Before(to) {
			n++
		}
	}
	return n
}

func zone(u *domain.User) *time.Location {
	if loc, err := time.LoadLocation(u.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// loadBookingCheck reads what the mentor's rules r need to judge spans
// starting between first and last, with busy the live sessions already read
// around them (widened by the buffer) (their mentor's own become the buffer's). Inside a write
// transaction that holds the mentor's lock, the counts cannot change before
// it commits, so two requests can never both take a day's last place.
func loadBookingCheck(ctx context.Context, q *store.Q, r *domain.BookingRules, first, last time.Time, busy []domain.SessionSpan, except int64) (*bookingCheck, error) {
	mentorID := r.MentorID
	b := &bookingCheck{rules: *r, loc: time.UTC}
	for _, sp := range busy {
		if sp.MentorID == mentorID {
			b.mentorBusy = append(b.mentorBusy, scheduling.Interval{Start: sp.Start, End: sp.End})
		}
	}
	if !r.Limits() {
		return b, nil
	}
	mentor, err := q.UserByID(ctx, mentorID)
	if err != nil {
		return nil, err
	}
	b.loc = zone(mentor)
	from, to := countWindow(*r, first, last, b.loc)
	if b.starts, err = q.LiveStartsOfMentor(ctx, mentorID, from, to, except); err != nil {
		return nil, err
	}
	return b, nil
}

func insideCancelNotice(now time.Time, r *domain.BookingRules, sess *domain.Session) bool {
	return r.CancelNoticeHours != 0 && now.After(sess.Start.Add(-time.Duration(r.CancelNoticeHours)*time.Hour))
}

// CancelClosed is, by session id, for each of the sessions whose mentee
// is the caller and that is inside its mentor's cancellation notice, the
// refusal a cancel would get (so that a page says it instead of offering
// the button); the other sessions are not in it. The mentors' rules are
// read in one query, however many sessions the page lists.
func (s *Service) CancelClosed(ctx context.Context, caller *domain.User, list []domain.Session) (map[int64]string, error) {
	var mentors []int64
	seen := map[int64]bool{}
	for i := range list {
		if m := list[i].MentorID; list[i].MenteeID == caller.ID && !seen[m] {
			seen[m] = true
			mentors = append(mentors, m)
		}
	}
	out := map[int64]string{}
	if len(mentors) == 0 {
		return out, nil
	}
	rules, err := s.store.BookingRulesOfMentors(ctx, mentors...)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	for i := range list {
		sess := &list[i]
		if r := rules[sess.MentorID]; sess.MenteeID == caller.ID && insideCancelNotice(now, r, sess) {
			out[sess.ID] = fmt.Sprintf(msgCancel, plural(r.CancelNoticeHours, "hour"))
		}
	}
	return out, nil
}

// cancelRule is the cancellation notice: inside it the mentee may not
// cancel, and the mentor (or staff) cancels only saying why.
func cancelRule(now time.Time, r *domain.BookingRules, caller *domain.User, sess *domain.Session, reason string) error {
	if !insideCancelNotice(now, r, sess) {
		return nil
	}
	if caller.ID == sess.MenteeID {
		return statusError(fmt.Sprintf(msgCancel, plural(r.CancelNoticeHours, "hour")))
	}
	if reason == "" {
		return errs.Field("cancel_reason", "required", msgReason)
	}
	return nil
}
