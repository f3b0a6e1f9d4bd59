package mentoring

import (
	"context"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/scheduling"
)

// OpenStart is a time a session can be requested at, and for how long.
type OpenStart struct {
	Start          time.Time
	AvailabilityID int64
	Lengths        []int // minutes: 30, 60 or both
}

// StartStep is the distance between the start times offered: the V2
// chunk, counted from each availability's start.
const StartStep = ChunkSize

// OpenStarts lists, by time, the start times from now until until at which
// viewer could request a session with the mentor, under the very rule a
// request is checked with (slotRule): inside the mentor's availability,
// clear of every live session of the mentor and of the viewer, and within
// the mentor's booking rules.
func (s *Service) OpenStarts(ctx context.Context, viewer *domain.User, mentorID int64, until time.Time) ([]OpenStart, error) {
	now := s.clock.Now()
	avail, err := s.store.AvailabilityOf(ctx, mentorID, now)
	if err != nil {
		return nil, err
	}
	rules, err := s.store.BookingRulesOf(ctx, mentorID)
	if err != nil {
		return nil, err
	}
	longest, buf := longestSession(), rules.Buffer()
	busySpans, err := s.store.LiveSpansOfPeople(ctx, []int64{mentorID, viewer.ID}, now.Add(-buf), until.Add(longest+buf), 0, longest)
	if err != nil {
		return nil, err
	}
	b, err := loadBookingCheck(ctx, s.store.Q, rules, now, until, busySpans, 0)
	if err != nil {
		return nil, err
	}
	all, busy := intervals(avail), spans(busySpans)
	var out []OpenStart
	for _, a := range avail {
		for t := a.Start; t.Before(a.End) && t.Before(until); t = t.Add(StartStep) {
			var lengths []int
			for _, n := range lengthChoices {
				span := scheduling.Interval{Start: t, End: t.Add(time.Duration(n) * time.Minute)}
				if slotRule(now, span, interval(a), all, busy, b) == nil {
					lengths = append(lengths, n)
				}
			}
			if len(lengths) > 0 {
				out = append(out, OpenStart{Start: t, AvailabilityID: a.ID, Lengths: lengths})
			}
		}
	}
	return out, nil
}
