// Package groups holds the rules of group sessions: sessions with a number
// of seats that mentors (instructors) publish and students book or join.
// The session-quota API and the tutoring API are two views of these rules.
package groups

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

// Error codes, which surfaces map to their own wording.
const (
	CodeNotFound       = "not_found"
	CodeNotInstructor  = "not_instructor"
	CodeNotCreator     = "not_creator"
	CodeNotStudent     = "not_student"
	CodeAlreadyJoined  = "already_joined"
	CodeFull           = "full"
	CodeCannotJoin     = "cannot_join"
	CodeOwnSession     = "own_session"
	CodeNotJoined      = "not_joined"
	CodeCannotLeave    = "cannot_leave"
	CodeFrozen         = "frozen" // completed or cancelled: no more edits
	CodeCannotDelete   = "cannot_delete"
	CodeCannotCancel   = "cannot_cancel"
	CodeNotUpcoming    = "not_upcoming"
	CodeTooEarly       = "too_early"
	CodeNotOngoing     = "not_ongoing"
	CodeInPast         = "in_past"
	CodeBelowTaken     = "below_taken"
	CodeAlreadyWaiting = "already_waiting"
	CodeNotWaiting     = "not_waiting"
	MaxTitle           = 200
	MaxCapacity        = 10000 // the most seats a session may have (DefaultCapacity.Max)
)

// Capacity is a range of seats a session may have, bounds included.
type Capacity struct{ Min, Max int }

// DefaultCapacity is the domain's range: from one seat to MaxCapacity.
var DefaultCapacity = Capacity{Min: 1, Max: MaxCapacity}

// narrowed returns c narrowed by a surface's bounds: a surface may accept
// fewer seats than c, never more, and a zero bound keeps c's.
func (c Capacity) narrowed(by Capacity) Capacity {
	if by.Min > c.Min {
		c.Min = by.Min
	}
	if by.Max > 0 && by.Max < c.Max {
		c.Max = by.Max
	}
	return c
}

// Service implements the group-session rules.
type Service struct {
	store  *store.Store
	clock  clock.Clock
	outbox *notify.Outbox
}

// New returns the service.
func New(st *store.Store, clk clock.Clock, outbox *notify.Outbox) *Service {
	return &Service{store: st, clock: clk, outbox: outbox}
}

// Role is how a surface names a user: "instructor" for mentors, "admin" for
// other staff, "student" for everyone else.
func Role(u *domain.User) string {
	switch {
	case u.IsMentor:
		return "instructor"
	case u.IsStaff:
		return "admin"
	}
	return "student"
}

// IsStudent reports whether the user books as a student: a mentee, or anyone
// who is not a mentor.
func IsStudent(u *domain.User) bool { return u.IsMentee || !u.IsMentor }

// Computed properties of a session.
func IsFull(g *domain.GroupSession) bool        { return g.Taken >= g.Capacity }
func AvailableSpots(g *domain.GroupSession) int { return max(0, g.Capacity-g.Taken) }
func (s *Service) CanJoin(g *domain.GroupSession) bool {
	return g.Status == domain.GroupUpcoming && g.Start.After(s.clock.Now()) && !IsFull(g)
}

var errNotFound = errs.NotFound(CodeNotFound, "")

// Input is a new session or a change to one; nil fields are not set.
type Input struct {
	Title       *string
	Description *string
	Field       *string
	Start       *time.Time
	Capacity    *int
	// Bounds narrows DefaultCapacity where a surface's spec gives narrower
	// bounds; its zero value keeps the default.
	Bounds Capacity
	Unread *errs.Invalid // the surface's reading problems, reported with these checks (errs.Begin)
	// ReadErr is why the surface could not read the request at all: the
	// answer once the caller is known to be allowed to act (a mentor to
	// create, a mentor or staff to manage), before anything else is looked
	// at, so that who may act comes before what was sent.
	ReadErr error
}

func (s *Service) apply(v *errs.Invalid, g *domain.GroupSession, in Input, creating bool) error {
	if in.Title != nil && !v.Has("title") {
		t := strings.TrimSpace(*in.Title)
		switch {
		case t == "":
			v.FieldArg("title", errs.CodeBlank, nil)
		case utf8.RuneCountInString(t) > MaxTitle:
			v.FieldArg("title", errs.CodeMaxLength, MaxTitle)
		default:
			g.Title = t
		}
	}
	if in.Description != nil {
		g.Description = *in.Description
	}
	if in.Field != nil {
		f := strings.TrimSpace(*in.Field)
		if f == "" {
			g.Field = nil
		} else {
			g.Field = &f
		}
	}
	if in.Start != nil && !v.Has("date") {
		if !in.Start.After(s.clock.Now()) {
			v.Add("date", CodeInPast, "Session date must be in the future")
		} else {
			g.Start = *in.Start
		}
	}
	if in.Capacity != nil && !v.Has("capacity") {
		bounds := DefaultCapacity.narrowed(in.Bounds)
		switch c := *in.Capacity; {
		case c < bounds.Min:
			v.FieldArg("capacity", errs.CodeMinValue, bounds.Min)
		case c > bounds.Max:
			v.FieldArg("capacity", errs.CodeMaxValue, bounds.Max)
		case !creating && c < g.Taken:
			v.Add("capacity", CodeBelowTaken, belowTaken(g.Taken))
		default:
			g.Capacity = c
		}
	}
	return v.Err()
}

// Create publishes a session; only mentors (instructors) may, which is
// checked before anything the surface read.
func (s *Service) Create(ctx context.Context, caller *domain.User, in Input) (*domain.GroupSession, error) {
	if !caller.IsMentor {
		return nil, errs.Forbidden(CodeNotInstructor, "Only instructors can create sessions")
	}
	if in.ReadErr != nil {
		return nil, in.ReadErr
	}
	v := errs.Begin(in.Unread)
	for _, req := range []struct {
		name string
		ok   bool
	}{{"title", in.Title != nil}, {"description", in.Description != nil}, {"date", in.Start != nil}, {"capacity", in.Capacity != nil}} {
		if !req.ok && !v.Has(req.name) {
			v.FieldArg(req.name, errs.CodeRequired, nil)
		}
	}
	now := s.clock.Now()
	g := &domain.GroupSession{CreatorID: caller.ID, Status: domain.GroupUpcoming, CreatedAt: now, UpdatedAt: now, Creator: *caller}
	if err := s.apply(v, g, in, true); err != nil {
		return nil, err
	}
	if err := s.store.Tx(ctx, func(q *store.Q) error { return q.CreateGroupSession(ctx, g) }); err != nil {
		return nil, err
	}
	return g, nil
}

// Get returns a session.
func (s *Service) Get(ctx context.Context, id int64) (*domain.GroupSession, error) {
	return sessionIn(ctx, s.store.Q, id)
}

// Participants returns the seat holders of a session, in joining order.
func (s *Service) Participants(ctx context.Context, id int64) ([]domain.Participant, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, err
	}
	m, err := s.store.ParticipantsOf(ctx, id)
	return m[id], err
}

// ParticipantsOf returns the seat holders of several sessions in one query.
func (s *Service) ParticipantsOf(ctx context.Context, ids ...int64) (map[int64][]domain.Participant, error) {
	return s.store.ParticipantsOf(ctx, ids...)
}

// lockSession loads a session inside a transaction and holds it until the
// transaction ends (store.LockGroupSession): every change of its seats or
// waitlist begins so, which is what keeps the waitlist first come, first
// served and nobody both seated and waiting.
func lockSession(ctx context.Context, q *store.Q, id int64) (*domain.GroupSession, error) {
	g, err := q.LockGroupSession(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNotFound
	}
	return g, err
}

// sessionIn loads a session with q (inside a transaction or not).
func sessionIn(ctx context.Context, q *store.Q, id int64) (*domain.GroupSession, error) {
	g, err := q.GroupSessionByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNotFound
	}
	return g, err
}

// An action is something done to an existing session. This table is the
// one statement of which statuses allow which action and where a status
// change leads: the check before acting and the compare-and-swap that acts
// both read it.
type action struct {
	denied string   // for an action only the creator (or staff) may take, the refusal's message
	from   []string // the statuses that allow the action
	to     string   // the status the action moves the session to; "" when it keeps it
	wrong  error    // the answer when the session is in another status
}

var (
	actUpdate = action{denied: "Only the creator can update this session",
		from:  []string{domain.GroupUpcoming, domain.GroupOngoing},
		wrong: errs.BadRequest(CodeFrozen, "Cannot update completed or cancelled sessions")}
	actDelete = action{denied: "Only the creator can delete this session",
		from:  []string{domain.GroupUpcoming, domain.GroupCancelled},
		wrong: errs.BadRequest(CodeCannotDelete, "Cannot delete ongoing or completed sessions")}
	actLeave = action{
		from:  []string{domain.GroupUpcoming, domain.GroupCancelled},
		wrong: errs.BadRequest(CodeCannotLeave, "Cannot leave an ongoing or completed session")}
	actCancel = action{denied: "Only the creator can cancel a session",
		from: []string{domain.GroupUpcoming, domain.GroupOngoing}, to: domain.GroupCancelled,
		wrong: errs.BadRequest(CodeCannotCancel, "Cannot cancel a completed or cancelled session")}
	actStart = action{denied: "Only the creator can start a session",
		from: []string{domain.GroupUpcoming}, to: domain.GroupOngoing,
		wrong: errs.BadRequest(CodeNotUpcoming, "Only upcoming sessions can be started")}
	actComplete = action{denied: "Only the creator can complete a session",
		from: []string{domain.GroupOngoing}, to: domain.GroupCompleted,
		wrong: errs.BadRequest(CodeNotOngoing, "Only ongoing sessions can be completed")}
)

// allows checks that the session's status allows the action.
func (a action) allows(g *domain.GroupSession) error {
	if !slices.Contains(a.from, g.Status) {
		return a.wrong
	}
	return nil
}

// manage is the one rule of who may manage a session — update, delete,
// cancel, start or complete it — and how each of those begins: in one
// transaction it loads the session, checks that the caller may take the
// action and that the session's status allows it, then runs do. Its
// creator may, and staff acting for them. Someone who is neither a mentor
// nor staff is refused (CodeNotInstructor) before the session is looked
// up, so a student cannot probe which sessions exist; a mentor who did not
// create it is refused after (CodeNotCreator). Both carry the action's
// message. unread, why the surface could not read the request, is the
// answer once the caller may manage sessions at all.
func (s *Service) manage(ctx context.Context, caller *domain.User, id int64, a action, unread error, do func(q *store.Q, g *domain.GroupSession) error) error {
	if !caller.IsMentor && !caller.IsStaff {
		return errs.Forbidden(CodeNotInstructor, a.denied)
	}
	if unread != nil {
		return unread
	}
	return s.store.Tx(ctx, func(q *store.Q) error {
		g, err := lockSession(ctx, q, id)
		if err != nil {
			return err
		}
		if !mayManage(caller, g) {
			return errs.Forbidden(CodeNotCreator, a.denied)
		}
		if err := a.allows(g); err != nil {
			return err
		}
		return do(q, g)
	})
}

func belowTaken(taken int) string {
	return fmt.Sprintf("Cannot reduce max participants below current participant count (%d)", taken)
}

// Update changes a session that is not completed or cancelled; only its
// creator may. Participants hear about a new time.
func (s *Service) Update(ctx context.Context, caller *domain.User, id int64, in Input) (*domain.GroupSession, error) {
	var out *domain.GroupSession
	err := s.manage(ctx, caller, id, actUpdate, in.ReadErr, func(q *store.Q, g *domain.GroupSession) error {
		before := *g
		if err := s.apply(errs.Begin(in.Unread), g, in, false); err != nil {
			return err
		}
		g.UpdatedAt = s.clock.Now()
		if !before.Start.Equal(g.Start) {
			g.TimedAt = g.UpdatedAt
		}
		ok, err := q.UpdateGroupSession(ctx, g)
		if err != nil {
			return err
		}
		if !ok { // a seat was taken meanwhile, or the status changed
			now, err := q.GroupSessionByID(ctx, id)
			if err != nil {
				return err
			}
			if now.Status != g.Status {
				return actUpdate.wrong
			}
			return errs.Field("capacity", CodeBelowTaken, belowTaken(now.Taken))
		}
		out = g
		if !before.Start.Equal(g.Start) {
			if err := s.tellParticipants(ctx, q, g, caller, kindMoved, &before.Start); err != nil {
				return err
			}
		}
		if g.Capacity > before.Capacity { // new seats go to the waitlist first
			if out, err = s.promote(ctx, q, g); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.outbox.Kick()
	return out, nil
}

// Delete removes a session that is not ongoing or completed; only its
// creator may. Those who held seats are told it will not happen.
func (s *Service) Delete(ctx context.Context, caller *domain.User, id int64) error {
	ctx = notify.NoPages(ctx) // the session goes, and its page with it
	err := s.manage(ctx, caller, id, actDelete, nil, func(q *store.Q, g *domain.GroupSession) error {
		if g.Status != domain.GroupCancelled {
			if err := s.tellParticipants(ctx, q, g, caller, kindCancelled, nil); err != nil {
				return err
			}
			if err := s.tellWaiters(ctx, q, g); err != nil {
				return err
			}
		}
		return q.DeleteGroupSession(ctx, id)
	})
	if err == nil {
		s.outbox.Kick()
	}
	return err
}

// JoinOptions narrow who may take a seat.
type JoinOptions struct {
	// StudentsOnly refuses mentors who are not also mentees (the quota API's
	// "only mentees book").
	StudentsOnly bool
	// Waitlist: when the session is full, put the caller on its waitlist
	// instead of refusing (an explicit choice; without it a full session
	// is refused as it always was).
	Waitlist bool
}

// Join takes a seat for the caller, with the checks of the original view in
// its order: already joined, full, then not joinable (see JoinOrWait, which
// this is without a waitlist place to return).
func (s *Service) Join(ctx context.Context, caller *domain.User, id int64, opt JoinOptions) (*domain.GroupSession, *domain.Participant, error) {
	res, err := s.JoinOrWait(ctx, caller, id, opt)
	if err != nil {
		return nil, nil, err
	}
	return res.Session, res.Seat, nil
}

// Leave gives the caller's seat back, before the session starts.
func (s *Service) Leave(ctx context.Context, caller *domain.User, id int64) (*domain.GroupSession, error) {
	var out *domain.GroupSession
	err := s.store.Tx(ctx, func(q *store.Q) error {
		g, err := lockSession(ctx, q, id)
		if err != nil {
			return err
		}
		joined, err := q.IsParticipant(ctx, id, caller.ID)
		if err != nil {
			return err
		}
		if !joined {
			return errs.BadRequest(CodeNotJoined, "Not joined to this session")
		}
		if err := actLeave.allows(g); err != nil {
			return err
		}
		if _, err := q.RemoveParticipant(ctx, id, caller.ID, s.clock.Now()); err != nil {
			return err
		}
		if out, err = q.GroupSessionByID(ctx, id); err != nil {
			return err
		}
		out, err = s.promote(ctx, q, out) // the freed seat goes to the first waiting
		return err
	})
	if err != nil {
		return nil, err
	}
	s.outbox.Kick()
	return out, nil
}

// transition moves a session to the action's status by compare-and-swap on
// the statuses it may come from; ready, when set, is a further condition.
func (s *Service) transition(ctx context.Context, caller *domain.User, id int64, a action, ready func(*domain.GroupSession) error) (*domain.GroupSession, error) {
	return s.transitionThen(ctx, caller, id, a, ready, nil)
}

// transitionThen is transition, running then (when set) in its transaction
// once the session has changed.
func (s *Service) transitionThen(ctx context.Context, caller *domain.User, id int64, a action, ready func(*domain.GroupSession) error,
	then func(q *store.Q, g *domain.GroupSession) error) (*domain.GroupSession, error) {
	var out *domain.GroupSession
	err := s.manage(ctx, caller, id, a, nil, func(q *store.Q, g *domain.GroupSession) error {
		if ready != nil {
			if err := ready(g); err != nil {
				return err
			}
		}
		ok, err := q.SetGroupStatus(ctx, id, a.from, a.to, s.clock.Now())
		if err != nil {
			return err
		}
		if !ok {
			return errs.BadRequest("changed", "The session changed meanwhile; reload it and try again")
		}
		if out, err = q.GroupSessionByID(ctx, id); err != nil {
			return err
		}
		if a.to == domain.GroupCancelled {
			if err := s.tellParticipants(ctx, q, out, caller, kindCancelled, nil); err != nil {
				return err
			}
			if err := s.tellWaiters(ctx, q, out); err != nil {
				return err
			}
		}
		if a.to == domain.GroupCancelled || a.to == domain.GroupOngoing {
			// No seat can be given any more: the waitlist is over.
			if err := q.ClearWaitlist(ctx, id); err != nil {
				return err
			}
		}
		if then != nil {
			return then(q, out)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.outbox.Kick()
	return out, nil
}

// Cancel cancels an upcoming or ongoing session; participants are told.
func (s *Service) Cancel(ctx context.Context, caller *domain.User, id int64) (*domain.GroupSession, error) {
	return s.transition(ctx, caller, id, actCancel, nil)
}

// Start marks an upcoming session as ongoing, from its scheduled time.
func (s *Service) Start(ctx context.Context, caller *domain.User, id int64) (*domain.GroupSession, error) {
	return s.transition(ctx, caller, id, actStart, func(g *domain.GroupSession) error {
		if g.Start.After(s.clock.Now()) {
			return errs.BadRequest(CodeTooEarly, "Cannot start session before scheduled time")
		}
		return nil
	})
}

// Complete marks an ongoing session as completed.
func (s *Service) Complete(ctx context.Context, caller *domain.User, id int64) (*domain.GroupSession, error) {
	return s.transition(ctx, caller, id, actComplete, nil)
}

// List returns one page of sessions and the total.
func (s *Service) List(ctx context.Context, f domain.GroupFilter, limit, offset int) ([]domain.GroupSession, int, error) {
	return s.store.ListGroupSessions(ctx, f, limit, offset)
}

// OfCreator lists every session a user created, by start.
func (s *Service) OfCreator(ctx context.Context, creatorID int64) ([]domain.GroupSession, error) {
	return s.store.GroupSessionsOf(ctx, creatorID)
}
