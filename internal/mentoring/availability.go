package mentoring

import (
	"context"
	"errors"

	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/scheduling"
	"github.com/mentord/mentord/internal/store"
)

// Availability messages, as the original server words them.
const (
	MsgEndInFuture       = "End time must be in the future."
	MsgStartInFuture     = "Start time must be in the future."
	MsgEndAfterStart     = "End time must be after start time."
	MsgOverlapV1         = "Input overlaps with existing availability."
	MsgOverlapV2         = "Availability overlaps with existing availability."
	MsgTooShortForChunks = "Availability must be at least 30 minutes long."
	MsgTooLong           = "Availability may span at most 31 days."
	MsgHasSessions       = "This availability has pending or confirmed sessions. Cancel them before deleting it."
)

var errNotMentor = errs.Forbidden("not_mentor", "Only mentors can manage availability.")

// AvailabilityInput is a posted span; nil fields were not sent.
type AvailabilityInput struct {
	Start, End *time.Time
	Unread     *errs.Invalid // the surface's reading problems, reported with these checks (errs.Begin)
}

// MyAvailability lists the caller's availability that has not ended, by
// start time, with its derived status.
func (s *Service) MyAvailability(ctx context.Context, caller *domain.User) ([]domain.Availability, error) {
	return s.FutureAvailabilityOf(ctx, caller.ID)
}

// withStatus derives each availability's status from the live sessions:
// Confirmed when a confirmed session overlaps it, Requested when only
// pending ones do, Open otherwise. Both lists are ordered by mentor, then
// start, so one pass over each suffices.
func withStatus(avail []domain.Availability, spans []domain.SessionSpan) {
	j := 0
	for i := range avail {
		a := &avail[i]
		a.Status = domain.AvailOpen
		for j < len(spans) && (spans[j].MentorID < a.MentorID || (spans[j].MentorID == a.MentorID && !spans[j].End.After(a.Start))) {
			j++
		}
		for k := j; k < len(spans) && spans[k].MentorID == a.MentorID && spans[k].Start.Before(a.End); k++ {
			if !spans[k].End.After(a.Start) {
				continue
			}
			if spans[k].Status == domain.StatusConfirmed {
				a.Status = domain.AvailConfirmed
				break
			}
			a.Status = domain.AvailRequested
		}
	}
}

// AddAvailability publishes availability for a mentor. V1 stores the span as
// given; V2 stores consecutive 30-minute chunks of it. The checks and their
// wording follow the original V1 and V2 serializers.
func (s *Service) AddAvailability(ctx context.Context, caller *domain.User, in AvailabilityInput, v2 bool) ([]domain.Availability, error) {
	if !caller.IsMentor {
		return nil, errNotMentor
	}
	v := errs.Begin(in.Unread)
	if in.Start == nil && !v.Has("start_time") {
		v.FieldArg("start_time", errs.CodeRequired, nil)
	}
	if in.End == nil && !v.Has("end_time") {
		v.FieldArg("end_time", errs.CodeRequired, nil)
	}
	now := s.clock.Now()
	if !v2 && in.End != nil && !in.End.After(now) {
		v.Add("end_time", "end_in_past", MsgEndInFuture) // V1's field validator
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	span := scheduling.Interval{Start: *in.Start, End: *in.End}
	overlapMsg := MsgOverlapV1
	if v2 {
		overlapMsg = MsgOverlapV2
		if !span.Start.After(now) {
			return nil, errs.NonField("start_in_past", MsgStartInFuture)
		}
	}
	if !span.Valid() {
		return nil, errs.NonField("end_before_start", MsgEndAfterStart)
	}
	if span.Duration() > MaxAvailabilitySpan {
		return nil, errs.NonField("too_long", MsgTooLong)
	}
	pieces := []scheduling.Interval{span}
	if v2 {
		if pieces = scheduling.Chunks(span.Start, span.End, ChunkSize); len(pieces) == 0 {
			return nil, errs.NonField("too_short", MsgTooShortForChunks)
		}
	}
	list := make([]*domain.Availability, len(pieces))
	for i, p := range pieces {
		list[i] = &domain.Availability{MentorID: caller.ID, Start: p.Start, End: p.End, CreatedAt: now}
	}
	overlap := errs.NonField("overlap", overlapMsg)
	err := s.store.Tx(ctx, func(q *store.Q) error {
		if err := q.LockUsers(ctx, caller.ID); err != nil {
			return err
		}
		clash, err := q.AvailabilityOverlapping(ctx, caller.ID, span.Start, span.End)
		if err != nil {
			return err
		}
		if len(clash) > 0 {
			return overlap
		}
		return q.CreateAvailabilities(ctx, list)
	})
	if errs.Violated(err, domain.RuleNoAvailabilityOverlap) {
		return nil, overlap
	}
	if err != nil {
		return nil, err
	}
	out := make([]domain.Availability, len(list))
	for i, a := range list {
		out[i] = *a
		out[i].Status = domain.AvailOpen // new availability overlaps no other, so no session either
	}
	return out, nil
}

// DeleteAvailability removes one of the caller's availabilities (staff may
// remove anyone's). An availability that carries a Pending or Confirmed
// session is kept: those sessions must be cancelled first.
func (s *Service) DeleteAvailability(ctx context.Context, caller *domain.User, id int64) error {
	return s.store.Tx(ctx, func(q *store.Q) error {
		a, err := q.AvailabilityByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return errs.NotFound("not_found", "")
		}
		if err != nil {
			return err
		}
		if a.MentorID != caller.ID && !caller.IsStaff {
			return errs.Forbidden("not_owner", "")
		}
		if err := q.LockUsers(ctx, a.MentorID); err != nil {
			return err
		}
		busy, err := q.LiveSessionsOverlapping(ctx, a.MentorID, a.Start, a.End)
		if err != nil {
			return err
		}
		if busy {
			return errs.NonField("has_sessions", MsgHasSessions)
		}
		return q.DeleteAvailability(ctx, id)
	})
}

// directoryTables are the tables the mentor directory (every mentor with
// their future availability and its status) is read from.
var directoryTables = []string{"users", "mentors", "mentor_skills", "availabilities", "sessions"}

// DirectoryVersion changes whenever this process commits a change to what
// the mentor directory shows; see store.Version.
func (s *Service) DirectoryVersion() uint64 { return s.store.Version(directoryTables...) }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.clock.Now() }

// FutureAvailabilityOfMentors returns, in one query, the availability that
// has not ended of every listed mentor, by mentor id.
func (s *Service) FutureAvailabilityOfMentors(ctx context.Context) (map[int64][]domain.Availability, error) {
	now := s.clock.Now()
	list, err := s.store.AvailabilityOfListedMentors(ctx, now)
	if err != nil {
		return nil, err
	}
	spans, err := s.store.LiveSpansOfListedMentors(ctx, now)
	if err != nil {
		return nil, err
	}
	withStatus(list, spans)
	// The list is ordered by mentor: each mentor's part is a subslice.
	out := map[int64][]domain.Availability{}
	for i := 0; i < len(list); {
		j := i + 1
		for j < len(list) && list[j].MentorID == list[i].MentorID {
			j++
		}
		out[list[i].MentorID] = list[i:j:j]
		i = j
	}
	return out, nil
}

// FutureAvailabilityBetween is FutureAvailabilityOf limited to what starts
// in [start, end): a page showing one week reads that week only.
func (s *Service) FutureAvailabilityBetween(ctx context.Context, mentorID int64, start, end time.Time) ([]domain.Availability, error) {
	now := s.clock.Now()
	list, err := s.store.AvailabilityOfBetween(ctx, mentorID, now, start, end)
	if err != nil || len(list) == 0 {
		return list, err
	}
	// The sessions that could overlap them: an availability starting in
	// the window may end after it.
	last := end
	for _, a := range list {
		if a.End.After(last) {
			last = a.End
		}
	}
	spans, err := s.store.LiveSpansOfBetween(ctx, mentorID, now, start, last)
	if err != nil {
		return nil, err
	}
	withStatus(list, spans)
	return list, nil
}

// FutureAvailabilityOf returns one mentor's availability that has not ended.
func (s *Service) FutureAvailabilityOf(ctx context.Context, mentorID int64) ([]domain.Availability, error) {
	now := s.clock.Now()
	list, err := s.store.AvailabilityOf(ctx, mentorID, now)
	if err != nil {
		return nil, err
	}
	spans, err := s.store.LiveSpansOf(ctx, mentorID, now)
	if err != nil {
		return nil, err
	}
	withStatus(list, spans)
	return list, nil
}
