package mentoring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/scheduling"
	"github.com/mentord/mentord/internal/store"
)

// Weekly hours: a mentor states hours per weekday in their time zone, with
// date exceptions; they become ordinary availabilities (marked weekly) for
// the coming WeeklyDays, so every list, the mentor directory, the open
// start times and session requests treat them as hand-entered ones. The
// worker extends them day by day (FillWeeklyHours).

// WeeklyDays is how many days ahead weekly hours are expanded.
const WeeklyDays = 28

// Bounds of one mentor's weekly hours.
const (
	MaxWeeklyRules      = 50
	MaxWeeklyExceptions = 200
)

// WeeklyHours are a mentor's weekly hours and date exceptions.
type WeeklyHours struct {
	Hours      []scheduling.WeeklyRule
	Exceptions []scheduling.DateException
	// FilledUntil is how far they are expanded into availability (zero:
	// no weekly hours); Timezone is the zone they are read in.
	FilledUntil time.Time `json:"-"`
	Timezone    string    `json:"-"`
}

// WeeklyHoursInput replaces a mentor's weekly hours.
type WeeklyHoursInput struct {
	Hours      []scheduling.WeeklyRule
	Exceptions []scheduling.DateException
	Unread     *errs.Invalid // the surface's reading problems
}

// MyWeeklyHours returns the calling mentor's weekly hours (none when never
// set).
func (s *Service) MyWeeklyHours(ctx context.Context, caller *domain.User) (*WeeklyHours, error) {
	if !caller.IsMentor {
		return nil, errNotMentor
	}
	row, err := s.store.WeeklyHoursOf(ctx, caller.ID)
	if errors.Is(err, store.ErrNotFound) {
		return &WeeklyHours{Hours: []scheduling.WeeklyRule{}, Exceptions: []scheduling.DateException{}, Timezone: caller.Timezone}, nil
	}
	if err != nil {
		return nil, err
	}
	wh, err := decodeWeekly(row)
	if err != nil {
		return nil, err
	}
	wh.Timezone = caller.Timezone
	return wh, nil
}

func decodeWeekly(row *store.WeeklyRow) (*WeeklyHours, error) {
	wh := &WeeklyHours{}
	if err := json.Unmarshal([]byte(row.Definition), wh); err != nil {
		return nil, fmt.Errorf("weekly hours of mentor %d: %w", row.MentorID, err)
	}
	if wh.Hours == nil {
		wh.Hours = []scheduling.WeeklyRule{}
	}
	if wh.Exceptions == nil {
		wh.Exceptions = []scheduling.DateException{}
	}
	wh.FilledUntil = row.FilledUntil
	return wh, nil
}

// weeklyProblems words scheduling's problems for the fields hours and
// exceptions, numbering items from 1 as a person counts.
func weeklyProblems(v *errs.Invalid, err error) {
	var ps scheduling.Problems
	if !errors.As(err, &ps) {
		return
	}
	for _, p := range ps {
		switch {
		case p.Rule >= 0 && p.Other >= 0:
			v.Add("hours", "overlap", fmt.Sprintf("Hours %d overlap hours %d on the same day.", p.Rule+1, p.Other+1))
		case p.Rule >= 0:
			v.Add("hours", "invalid", fmt.Sprintf("Hours %d: %s.", p.Rule+1, problemWords(p.Err)))
		case p.Extra >= 0 && p.Other >= 0:
			v.Add("exceptions", "overlap", fmt.Sprintf("Exception %d: extra hours %d overlap extra hours %d.", p.Exception+1, p.Extra+1, p.Other+1))
		case p.Extra >= 0:
			v.Add("exceptions", "invalid", fmt.Sprintf("Exception %d, extra hours %d: %s.", p.Exception+1, p.Extra+1, problemWords(p.Err)))
		case p.Other >= 0:
			v.Add("exceptions", "duplicate", fmt.Sprintf("Exception %d is for the same date as exception %d.", p.Exception+1, p.Other+1))
		default:
			v.Add("exceptions", "invalid", fmt.Sprintf("Exception %d: %s.", p.Exception+1, problemWords(p.Err)))
		}
	}
}

func problemWords(err error) string {
	switch {
	case errors.Is(err, scheduling.ErrBadWeekday):
		return "no such weekday"
	case errors.Is(err, scheduling.ErrBadClock):
		return "a time of day runs from 00:00 to 24:00 (24:00 only as an end)"
	case errors.Is(err, scheduling.ErrEmptySpan):
		return "the end must be after the start"
	case errors.Is(err, scheduling.ErrBadDate):
		return "no such date"
	}
	return err.Error()
}

// SetWeeklyHours replaces the calling mentor's weekly hours: the
// availabilities made from the old ones that hold no live session are
// removed, and the new ones are expanded for the coming WeeklyDays, around
// the availability already there (hand-entered, or weekly holding a
// session). No hours and no exceptions switch weekly hours off.
func (s *Service) SetWeeklyHours(ctx context.Context, caller *domain.User, in WeeklyHoursInput) (*WeeklyHours, error) {
	if !caller.IsMentor {
		return nil, errNotMentor
	}
	v := errs.Begin(in.Unread)
	if !v.Has("hours") {
		if len(in.Hours) > MaxWeeklyRules {
			v.FieldArg("hours", errs.CodeMaxItems, MaxWeeklyRules)
		} else {
			weeklyProblems(v, scheduling.ValidateRules(in.Hours))
		}
	}
	if !v.Has("exceptions") {
		if len(in.Exceptions) > MaxWeeklyExceptions {
			v.FieldArg("exceptions", errs.CodeMaxItems, MaxWeeklyExceptions)
		} else {
			weeklyProblems(v, scheduling.ValidateExceptions(in.Exceptions))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	wh := &WeeklyHours{Hours: in.Hours, Exceptions: in.Exceptions, Timezone: caller.Timezone}
	if wh.Hours == nil {
		wh.Hours = []scheduling.WeeklyRule{}
	}
	if wh.Exceptions == nil {
		wh.Exceptions = []scheduling.DateException{}
	}
	def, err := json.Marshal(wh)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	err = s.store.Tx(ctx, func(q *store.Q) error {
		if err := q.LockUsers(ctx, caller.ID); err != nil {
			return err
		}
		mentor, err := q.UserByID(ctx, caller.ID)
		if err != nil {
			return err
		}
		wh.Timezone = mentor.Timezone
		if err := q.DeleteFreeWeeklyAvailability(ctx, caller.ID, now); err != nil {
			return err
		}
		if len(wh.Hours) == 0 && len(wh.Exceptions) == 0 {
			wh.FilledUntil = time.Time{}
			return q.DeleteWeeklyHours(ctx, caller.ID)
		}
		loc := zone(mentor)
		from, _ := dayOf(now, loc)
		wh.FilledUntil = weeklyHorizon(now, loc)
		if err := s.fillWeekly(ctx, q, caller.ID, wh, loc, from, wh.FilledUntil, now); err != nil {
			return err
		}
		return q.SaveWeeklyHours(ctx, &store.WeeklyRow{MentorID: caller.ID, Definition: string(def), FilledUntil: wh.FilledUntil, UpdatedAt: now})
	})
	if errs.Violated(err, domain.RuleNoAvailabilityOverlap) {
		// Only a concurrent writer that ignored the mentor's lock could
		// cause this; say so plainly rather than fail.
		return nil, errs.NonField("overlap", MsgOverlapV2)
	}
	if err != nil {
		return nil, err
	}
	return wh, nil
}

// ZoneChanged re-expands a mentor's weekly hours after their time zone
// changed (u is the user as changed, q the transaction that changed it):
// the hours are wall-clock times, so the free availability made from them
// is made again in the new zone. Booked availability stays as it is.
func (s *Service) ZoneChanged(ctx context.Context, q *store.Q, u *domain.User) error {
	row, err := q.WeeklyHoursOf(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	wh, err := decodeWeekly(row)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	if err := q.DeleteFreeWeeklyAvailability(ctx, u.ID, now); err != nil {
		return err
	}
	loc := zone(u)
	from, _ := dayOf(now, loc)
	wh.Timezone, wh.FilledUntil = u.Timezone, weeklyHorizon(now, loc)
	if err := s.fillWeekly(ctx, q, u.ID, wh, loc, from, wh.FilledUntil, now); err != nil {
		return err
	}
	def, err := json.Marshal(wh)
	if err != nil {
		return err
	}
	return q.SaveWeeklyHours(ctx, &store.WeeklyRow{MentorID: u.ID, Definition: string(def), FilledUntil: wh.FilledUntil, UpdatedAt: now})
}

// weeklyHorizon is the local midnight WeeklyDays after today's.
func weeklyHorizon(now time.Time, loc *time.Location) time.Time {
	return scheduling.DateOf(now.In(loc)).AddDays(WeeklyDays).At(0, loc)
}

// fillWeekly expands wh over [from, to) into weekly availabilities, leaving
// out what has ended, what existing availability covers, and pieces too
// short for a session.
func (s *Service) fillWeekly(ctx context.Context, q *store.Q, mentorID int64, wh *WeeklyHours, loc *time.Location, from, to, now time.Time) error {
	var spans []scheduling.Interval
	for _, iv := range scheduling.Expand(wh.Hours, wh.Exceptions, loc, from, to) {
		if iv.Start.Before(from) {
			iv.Start = from
		}
		if iv.End.After(to) {
			iv.End = to
		}
		if iv.End.After(now) && iv.Valid() {
			spans = append(spans, iv)
		}
	}
	if len(spans) == 0 {
		return nil
	}
	existing, err := q.AvailabilityOverlapping(ctx, mentorID, spans[0].Start, spans[len(spans)-1].End)
	if err != nil {
		return err
	}
	var list []*domain.Availability
	for _, p := range scheduling.Subtract(spans, intervals(existing)) {
		if p.Duration() >= ChunkSize {
			list = append(list, &domain.Availability{MentorID: mentorID, Start: p.Start, End: p.End, CreatedAt: now})
		}
	}
	return q.CreateWeeklyAvailabilities(ctx, list)
}

// FillWeeklyHours extends every mentor's weekly hours that reach less than
// WeeklyDays-1 days ahead to WeeklyDays, a worker scan: the days that come
// into range get their availability. It returns 0: it enqueues no jobs.
func (s *Service) FillWeeklyHours(ctx context.Context) (int, error) {
	now := s.clock.Now()
	due, err := s.store.WeeklyHoursDue(ctx, now.Add((WeeklyDays-1)*24*time.Hour))
	if err != nil || len(due) == 0 {
		return 0, err
	}
	for _, id := range due {
		err := s.store.Tx(ctx, func(q *store.Q) error {
			if err := q.LockUsers(ctx, id); err != nil {
				return err
			}
			// Another process may have filled it meanwhile.
			row, err := q.WeeklyHoursOf(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			mentor, err := q.UserByID(ctx, id)
			if err != nil {
				return err
			}
			loc := zone(mentor)
			to := weeklyHorizon(now, loc)
			if !row.FilledUntil.Before(to) {
				return nil
			}
			wh, err := decodeWeekly(row)
			if err != nil {
				return err
			}
			from := row.FilledUntil
			if day, _ := dayOf(now, loc); from.Before(day) {
				from = day // nobody needs the days that have passed
			}
			if err := s.fillWeekly(ctx, q, id, wh, loc, from, to, now); err != nil {
				return err
			}
			return q.SetWeeklyFilledUntil(ctx, id, to)
		})
		if err != nil {
			return 0, fmt.Errorf("weekly hours of mentor %d: %w", id, err)
		}
	}
	return 0, nil
}
