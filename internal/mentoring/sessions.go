package mentoring

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/scheduling"
	"github.com/mentord/mentord/internal/store"
)

// Session messages.
const (
	MsgOverlap          = "A session with this mentor/mentee is already scheduled during this time."
	MsgOutsideAvail     = "The session must lie inside the mentor's availability."
	MsgSessionInPast    = "A session must start in the future."
	MsgNotMentee        = "Only mentees can request sessions."
	MsgOwnSession       = "You cannot request a session with yourself."
	MsgStatusAndTime    = "Change either the status or the time of a session, not both at once."
	MsgCancelBeforeDrop = "Only canceled, completed or past sessions can be deleted; cancel the session first."
)

var (
	errSessionNotFound = errs.NotFound("not_found", "")
	errNotParticipant  = errs.Forbidden("not_participant", "")
)

// RequestInput is a session request; nil fields were not sent.
type RequestInput struct {
	AvailabilityID *int64
	Start          *time.Time
	Length         *int          // minutes; 30 when not sent
	Unread         *errs.Invalid // the surface's reading problems, reported with these checks (errs.Begin)
}

func invalidChoice(field string, v any) error {
	return errs.Generic(field, errs.CodeInvalidChoice, fmt.Sprint(v))
}

// checkSlot checks a proposed time for a session of mentor with mentee,
// inside a transaction that holds both users' locks, or takes the locks of
// lock first: the named
// availability must exist and belong to the mentor, then slotRule decides.
func (s *Service) checkSlot(ctx context.Context, q *store.Q, mentorID, menteeID, availID int64, span scheduling.Interval, except int64, lock ...int64) error {
	// The facts are read after lock is granted (on PostgreSQL in the same
	// round trip); the buffer window is the mentor's rules' buffer.
	f, err := q.SlotFactsOf(ctx, lock, mentorID, []int64{mentorID, menteeID}, span.Start, span.End, except, longestSession())
	if err != nil {
		return err
	}
	around := f.Around
	named := -1
	for i, a := range around {
		if a.ID == availID {
			named = i
		}
	}
	if named < 0 {
		// Not next to the span: either it is not the mentor's (or does not
		// exist), or the span lies outside it.
		a, err := q.AvailabilityByID(ctx, availID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && a.MentorID != mentorID) {
			return errs.Generic("mentor_availability", errs.CodeDoesNotExist, availID)
		}
		if err != nil {
			return err
		}
		return slotRule(s.clock.Now(), span, interval(*a), nil, nil, nil)
	}
	b, err := loadBookingCheck(ctx, q, f.Rules, span.Start, span.Start, f.Busy, except)
	if err != nil {
		return err
	}
	return slotRule(s.clock.Now(), span, interval(around[named]), intervals(around), spans(f.Busy), b)
}

// slotRule is the rule a session's time must follow, on every path that
// books one or offers one: it starts in the future, inside the availability
// it names (named), the mentor's availability (avail, adjacent pieces
// joined) covers it to the end, and it overlaps none of the live sessions
// of either person (busy); then the mentor's booking rules (b) decide.
func slotRule(now time.Time, span, named scheduling.Interval, avail, busy []scheduling.Interval, b *bookingCheck) error {
	if !span.Start.After(now) {
		return errs.Field("start_time", "in_past", MsgSessionInPast)
	}
	if span.Start.Before(named.Start) || !span.Start.Before(named.End) || !scheduling.Covered(span, avail) {
		return errs.NonField("outside_availability", MsgOutsideAvail)
	}
	for _, b := range busy {
		if b.Overlaps(span) {
			return errOverlap
		}
	}
	return b.rule(now, span)
}

func interval(a domain.Availability) scheduling.Interval {
	return scheduling.Interval{Start: a.Start, End: a.End}
}

func intervals(list []domain.Availability) []scheduling.Interval {
	out := make([]scheduling.Interval, len(list))
	for i, a := range list {
		out[i] = interval(a)
	}
	return out
}

func spans(list []domain.SessionSpan) []scheduling.Interval {
	out := make([]scheduling.Interval, len(list))
	for i, sp := range list {
		out[i] = scheduling.Interval{Start: sp.Start, End: sp.End}
	}
	return out
}

var errOverlap = errs.NonField("overlap", MsgOverlap)

// RequestSession books a Pending session for the calling mentee inside a
// mentor's availability. Two requests for overlapping times can never both
// succeed: both run under the same user-row locks (PostgreSQL) or the single
// write lock (SQLite), and PostgreSQL's exclusion constraints back that up.
func (s *Service) RequestSession(ctx context.Context, caller *domain.User, in RequestInput) (*domain.Session, error) {
	v := errs.Begin(in.Unread)
	if in.AvailabilityID == nil && !v.Has("mentor_availability") {
		v.FieldArg("mentor_availability", errs.CodeRequired, nil)
	}
	if in.Start == nil && !v.Has("start_time") {
		v.FieldArg("start_time", errs.CodeRequired, nil)
	}
	length := 30
	if in.Length != nil && !v.Has("session_length") {
		if !sessionLengths[*in.Length] {
			v.Merge(invalidChoice("session_length", *in.Length).(*errs.Invalid))
		} else {
			length = *in.Length
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !caller.IsMentee {
		return nil, errNotMentee
	}
	now := s.clock.Now()
	sess := &domain.Session{
		MenteeID: caller.ID, AvailabilityID: in.AvailabilityID, Start: *in.Start, End: in.Start.Add(time.Duration(length) * time.Minute),
		Length: length, Status: domain.StatusPending, CreatedAt: now, ModifiedAt: now,
	}
	// What the checks and the e-mail read but do not decide on is read
	// before the transaction, so that the write lock is held only for the
	// checks that must see every other booking.
	a, all, err := s.store.AvailabilityWithPeople(ctx, *in.AvailabilityID, caller.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errs.Generic("mentor_availability", errs.CodeDoesNotExist, *in.AvailabilityID)
	}
	if err != nil {
		return nil, err
	}
	if a.MentorID == caller.ID {
		return nil, errOwnSession()
	}
	sess.MentorID = a.MentorID
	p, err := peopleFrom(all, sess)
	if err != nil {
		return nil, err
	}
	sess.MentorFirst, sess.MentorLast = p.mentor.FirstName, p.mentor.LastName
	sess.MenteeFirst, sess.MenteeLast = p.mentee.FirstName, p.mentee.LastName
	err = s.store.Tx(ctx, func(q *store.Q) error {
		span := scheduling.Interval{Start: sess.Start, End: sess.End}
		if err := s.checkSlot(ctx, q, sess.MentorID, sess.MenteeID, a.ID, span, 0, sess.MentorID, sess.MenteeID); err != nil {
			return err
		}
		if err := q.CreateSessionAtCommit(ctx, sess); err != nil {
			return err
		}
		return s.emailRequested(ctx, q, sess, p)
	})
	if errs.Violated(err, domain.RuleNoMentorSessionsOverlap, domain.RuleNoMenteeSessionsOverlap) {
		return nil, errOverlap
	}
	if err != nil {
		return nil, err
	}
	s.outbox.Kick()
	return sess, nil
}

// SessionFor returns a session the caller takes part in (or any, for staff).
func (s *Service) SessionFor(ctx context.Context, caller *domain.User, id int64) (*domain.Session, error) {
	sess, err := s.store.SessionByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errSessionNotFound
	}
	if err != nil {
		return nil, err
	}
	if !caller.IsStaff && caller.ID != sess.MentorID && caller.ID != sess.MenteeID {
		return nil, errNotParticipant
	}
	return sess, nil
}

// SessionChange is a PATCH or PUT of a session; nil fields were not sent.
type SessionChange struct {
	Status         *string
	AvailabilityID *int64
	Start          *time.Time
	Length         *int
	// CancelReason is why the session is canceled, told to the other
	// participant; the mentor must give one inside the cancellation notice.
	CancelReason *string
	Unread       *errs.Invalid // the surface's reading problems, reported with these checks (errs.Begin)
}

// ChangeSession applies a status transition or a reschedule:
//
//	Pending -> Confirmed            by the mentor, before the start
//	Pending|Confirmed -> Canceled   by either participant, before the start
//	Confirmed -> Completed          by the mentor, after the start
//
// A reschedule (new start, length or availability) is for a live session
// before its start, by either participant, under the same rules as a new
// request. When the mentee moves a confirmed session it needs the mentor's
// confirmation again.
func (s *Service) ChangeSession(ctx context.Context, caller *domain.User, id int64, ch SessionChange) (*domain.Session, error) {
	v := errs.Begin(ch.Unread)
	if ch.Status != nil && !v.Has("status") {
		switch *ch.Status {
		case domain.StatusPending, domain.StatusConfirmed, domain.StatusCanceled, domain.StatusCompleted:
		default:
			v.Merge(invalidChoice("status", *ch.Status).(*errs.Invalid))
		}
	}
	if ch.Length != nil && !sessionLengths[*ch.Length] && !v.Has("session_length") {
		v.Merge(invalidChoice("session_length", *ch.Length).(*errs.Invalid))
	}
	reason := ""
	if ch.CancelReason != nil && !v.Has("cancel_reason") {
		reason = strings.TrimSpace(*ch.CancelReason)
		if utf8.RuneCountInString(reason) > MaxReasonLength {
			v.FieldArg("cancel_reason", errs.CodeMaxLength, MaxReasonLength)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var result *domain.Session
	err := s.store.Tx(ctx, func(q *store.Q) error {
		sess, err := lockedSession(ctx, q, id, func(sess *domain.Session) error {
			if !caller.IsStaff && caller.ID != sess.MentorID && caller.ID != sess.MenteeID {
				return errNotParticipant
			}
			return nil
		})
		if err != nil {
			return err
		}
		moved := (ch.Start != nil && !ch.Start.Equal(sess.Start)) || (ch.Length != nil && *ch.Length != sess.Length) ||
			(ch.AvailabilityID != nil && (sess.AvailabilityID == nil || *ch.AvailabilityID != *sess.AvailabilityID))
		statusChange := ch.Status != nil && *ch.Status != sess.Status
		switch {
		case moved && statusChange:
			return errs.NonField("status_and_time", MsgStatusAndTime)
		case statusChange:
			result, err = s.transition(ctx, q, caller, sess, *ch.Status, reason)
		case moved:
			result, err = s.reschedule(ctx, q, caller, sess, ch)
		default:
			result = sess
		}
		return err
	})
	if errs.Violated(err, domain.RuleNoMentorSessionsOverlap, domain.RuleNoMenteeSessionsOverlap) {
		return nil, errOverlap
	}
	if err != nil {
		return nil, err
	}
	s.outbox.Kick()
	return result, nil
}

// lockedSession reads session id in q, lets may refuse the caller, then
// locks both participants and reads it again: another request may have
// changed it before the locks were taken.
func lockedSession(ctx context.Context, q *store.Q, id int64, may func(*domain.Session) error) (*domain.Session, error) {
	sess, err := q.SessionByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errSessionNotFound
	}
	if err != nil {
		return nil, err
	}
	if err := may(sess); err != nil {
		return nil, err
	}
	if err := q.LockUsers(ctx, sess.MentorID, sess.MenteeID); err != nil {
		return nil, err
	}
	return q.SessionByID(ctx, id)
}

func statusError(msg string) error { return errs.Field("status", "invalid_transition", msg) }

func (s *Service) transition(ctx context.Context, q *store.Q, caller *domain.User, sess *domain.Session, to, reason string) (*domain.Session, error) {
	now := s.clock.Now()
	if err := transitionRule(now, caller, sess, to); err != nil {
		return nil, err
	}
	if to == domain.StatusCanceled {
		r, err := q.BookingRulesOf(ctx, sess.MentorID)
		if err != nil {
			return nil, err
		}
		if err := cancelRule(now, r, caller, sess, reason); err != nil {
			return nil, err
		}
	}
	from := sess.Status
	var link *string
	if to == domain.StatusConfirmed {
		l := s.newMeetingLink()
		link = &l
	}
	// A cancellation outdates the event; so does a confirmation of a session
	// whose event already changed (the mentee moved it, which cancelled the
	// event at its SEQUENCE): calendars ignore an invitation no newer than
	// the cancellation they hold.
	bump := to == domain.StatusCanceled || (to == domain.StatusConfirmed && sess.ICSSequence > 0)
	ok, err := q.SetSessionStatus(ctx, sess.ID, from, to, link, bump, now)
	after, err := reread(ctx, q, sess.ID, ok, err)
	if err != nil {
		return nil, err
	}
	switch to {
	case domain.StatusConfirmed:
		err = s.emailConfirmed(ctx, q, after)
	case domain.StatusCanceled:
		err = s.emailCanceled(ctx, q, after, from, caller.ID, reason)
	}
	return after, err
}

func (s *Service) reschedule(ctx context.Context, q *store.Q, caller *domain.User, sess *domain.Session, ch SessionChange) (*domain.Session, error) {
	if !sess.Live() {
		return nil, statusError(fmt.Sprintf("A %s session cannot be moved.", sess.Status))
	}
	if !s.clock.Now().Before(sess.Start) {
		return nil, statusError("A session that has started can no longer be moved.")
	}
	moved := *sess
	if ch.Start != nil {
		moved.Start = *ch.Start
	}
	if ch.Length != nil {
		moved.Length = *ch.Length
	}
	if ch.AvailabilityID != nil {
		moved.AvailabilityID = ch.AvailabilityID
	}
	if moved.AvailabilityID == nil {
		return nil, errs.Generic("mentor_availability", errs.CodeRequired, nil)
	}
	moved.End = moved.Start.Add(time.Duration(moved.Length) * time.Minute)
	span := scheduling.Interval{Start: moved.Start, End: moved.End}
	if err := s.checkSlot(ctx, q, sess.MentorID, sess.MenteeID, *moved.AvailabilityID, span, sess.ID); err != nil {
		return nil, err
	}
	wasConfirmed := sess.Status == domain.StatusConfirmed
	if wasConfirmed && caller.ID == sess.MenteeID {
		moved.Status = domain.StatusPending
	}
	moved.ICSSequence++
	moved.ModifiedAt = s.clock.Now()
	ok, err := q.RescheduleSession(ctx, &moved, sess.Status)
	after, err := reread(ctx, q, sess.ID, ok, err)
	if err != nil {
		return nil, err
	}
	return after, s.emailRescheduled(ctx, q, sess, after, caller.ID)
}

// DeleteSession removes a session that no longer holds anyone's time:
// canceled, completed, or in the past. A live future session must be
// canceled first, so that the other participant hears about it.
func (s *Service) DeleteSession(ctx context.Context, caller *domain.User, id int64) error {
	return s.store.Tx(ctx, func(q *store.Q) error {
		sess, err := q.SessionByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return errSessionNotFound
		}
		if err != nil {
			return err
		}
		if !caller.IsStaff && caller.ID != sess.MentorID && caller.ID != sess.MenteeID {
			return errNotParticipant
		}
		if sess.Live() && s.clock.Now().Before(sess.End) {
			return statusError(MsgCancelBeforeDrop)
		}
		return q.DeleteSession(ctx, id)
	})
}

// Upcoming lists the caller's sessions that started at most 24 hours ago or
// later, by start; Archived lists the older ones, newest first. Together they
// hold each session exactly once.
func (s *Service) Upcoming(ctx context.Context, caller *domain.User) ([]domain.Session, error) {
	from := s.clock.Now().Add(-ArchiveAfter)
	return s.store.ListSessions(ctx, store.SessionFilter{UserID: caller.ID, StartAtLeast: &from})
}

// Archived lists the caller's sessions that started more than 24 hours ago.
func (s *Service) Archived(ctx context.Context, caller *domain.User) ([]domain.Session, error) {
	before := s.clock.Now().Add(-ArchiveAfter)
	return s.store.ListSessions(ctx, store.SessionFilter{UserID: caller.ID, StartBefore: &before, NewestFirst: true})
}

// ArchivedPage is one page of Archived, newest first, and how many the
// caller has in all (a mentor's archive grows without end).
func (s *Service) ArchivedPage(ctx context.Context, caller *domain.User, limit, offset int) ([]domain.Session, int, error) {
	before := s.clock.Now().Add(-ArchiveAfter)
	return s.store.ListSessionsPage(ctx, store.SessionFilter{UserID: caller.ID, StartBefore: &before, NewestFirst: true}, limit, offset)
}

// AllFor lists every session of the caller, or every session for staff.
func (s *Service) AllFor(ctx context.Context, caller *domain.User) ([]domain.Session, error) {
	f := store.SessionFilter{UserID: caller.ID}
	if caller.IsStaff {
		f.UserID = 0
	}
	return s.store.ListSessions(ctx, f)
}

// reread is a session after a write that holds only if the session is as
// it was read (ok): one that is not lost a race with another change.
func reread(ctx context.Context, q *store.Q, id int64, ok bool, err error) (*domain.Session, error) {
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, statusError("The session changed meanwhile; reload it and try again.")
	}
	return q.SessionByID(ctx, id)
}
