package groups

import (
	"context"
	"errors"
	"fmt"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

// The waitlist of a full session. Asked for explicitly (JoinOptions.Waitlist),
// a join that finds no seat puts the caller at the end of the session's
// waitlist. Whenever a seat frees (someone leaves, the creator adds seats)
// the first on the waitlist takes it in the same transaction and is
// e-mailed, so a free seat and a waiting person never coexist. Every change
// of seats or waitlist first locks the session's row (lockSession), so the
// order is the order in which the requests reached the database, across
// processes; a unique key keeps each person on a waitlist once, and the
// lock keeps anyone from being seated and waiting at once.

// JoinResult is what a join did: a seat taken (Seat), or a place on the
// waitlist (Waiter, at Place, 1 for the first).
type JoinResult struct {
	Session *domain.GroupSession
	Seat    *domain.Participant
	Waiter  *domain.Waiter
	Place   int
}

// Standing is where a user stands in a session: seated, or at a place on
// its waitlist (0: not waiting), and how many wait in all.
type Standing struct {
	Joined  bool
	Place   int
	Waiting int
}

// JoinOrWait takes a seat for the caller or, when the session is full and
// opt.Waitlist is set, a place at the end of its waitlist. The checks come
// in the original's order: already joined, full (or, asking for the
// waitlist, already waiting), then not joinable and one's own session.
func (s *Service) JoinOrWait(ctx context.Context, caller *domain.User, id int64, opt JoinOptions) (JoinResult, error) {
	if opt.StudentsOnly && !IsStudent(caller) {
		return JoinResult{}, errs.Forbidden(CodeNotStudent, "Only students can book sessions")
	}
	var res JoinResult
	alreadyJoined := errs.BadRequest(CodeAlreadyJoined, "Already joined this session")
	alreadyWaiting := errs.BadRequest(CodeAlreadyWaiting, "Already on the waitlist of this session")
	full := errs.BadRequest(CodeFull, "Session is full")
	err := s.store.Tx(ctx, func(q *store.Q) error {
		res = JoinResult{}
		g, joined, waiting, err := q.LockGroupSessionFor(ctx, id, caller.ID)
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound
		}
		if err != nil {
			return err
		} else if joined {
			return alreadyJoined
		}
		if IsFull(g) {
			if !opt.Waitlist {
				return full
			}
			if waiting {
				return alreadyWaiting
			}
		}
		if !s.open(g) {
			return errs.BadRequest(CodeCannotJoin, "Cannot join this session. It may be cancelled, completed, or already started")
		}
		if g.CreatorID == caller.ID {
			return errs.BadRequest(CodeOwnSession, "You cannot join a session you created")
		}
		now := s.clock.Now()
		role := "student"
		if !IsStudent(caller) {
			role = "tutor"
		}
		if IsFull(g) {
			res.Waiter = &domain.Waiter{SessionID: id, UserID: caller.ID, Role: role, AddedAt: now, User: *caller}
			if err := q.AddWaiter(ctx, res.Waiter); err != nil {
				return err
			}
			if res.Place, _, err = q.WaitlistPlace(ctx, id, caller.ID); err != nil {
				return err
			}
			res.Session = g
			return nil
		}
		if waiting { // a seat is free, so nobody waits before them: they take it
			if _, err := q.RemoveWaiter(ctx, id, caller.ID); err != nil {
				return err
			}
		}
		res.Seat = &domain.Participant{SessionID: id, UserID: caller.ID, Role: role, JoinedAt: now, User: *caller}
		seated, ok, err := q.SeatFor(ctx, res.Seat, now)
		if err != nil {
			return err
		}
		if !ok {
			return full
		}
		res.Session = seated
		return nil
	})
	switch {
	case errs.Violated(err, domain.RuleOneSeat):
		return JoinResult{}, alreadyJoined
	case errs.Violated(err, domain.RuleOneWaitlistPlace):
		return JoinResult{}, alreadyWaiting
	case err != nil:
		return JoinResult{}, err
	}
	return res, nil
}

// open reports whether the session still takes people, seats aside: it is
// upcoming and has not started.
func (s *Service) open(g *domain.GroupSession) bool {
	return g.Status == domain.GroupUpcoming && g.Start.After(s.clock.Now())
}

// LeaveWaitlist takes the caller off the session's waitlist; those after
// them move up.
func (s *Service) LeaveWaitlist(ctx context.Context, caller *domain.User, id int64) (*domain.GroupSession, error) {
	var out *domain.GroupSession
	err := s.store.Tx(ctx, func(q *store.Q) error {
		g, err := lockSession(ctx, q, id)
		if err != nil {
			return err
		}
		ok, err := q.RemoveWaiter(ctx, id, caller.ID)
		if err != nil {
			return err
		}
		if !ok {
			return errs.BadRequest(CodeNotWaiting, "Not on the waitlist of this session")
		}
		out = g
		return nil
	})
	return out, err
}

// promote gives the free seats of g, one by one, to the first on its
// waitlist, each e-mailed in the same transaction; it must run inside the
// transaction that holds g's lock and freed the seats. It returns the
// session as it is after.
func (s *Service) promote(ctx context.Context, q *store.Q, g *domain.GroupSession) (*domain.GroupSession, error) {
	if !s.open(g) {
		return g, nil
	}
	now := s.clock.Now()
	moved := false
	for taken := g.Taken; taken < g.Capacity; taken++ {
		w, err := q.FirstWaiter(ctx, g.ID)
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		if _, err := q.RemoveWaiter(ctx, g.ID, w.UserID); err != nil {
			return nil, err
		}
		seat := &domain.Participant{SessionID: g.ID, UserID: w.UserID, Role: w.Role, JoinedAt: now, User: w.User}
		if err := q.AddParticipant(ctx, seat); err != nil {
			return nil, err
		}
		ok, err := q.TakeSeat(ctx, g.ID, now)
		if err != nil {
			return nil, err
		}
		if !ok { // cannot be while the lock is held; never seat past capacity
			return nil, fmt.Errorf("groups: no seat for the first waiting of session %d", g.ID)
		}
		if err := s.tellSeated(ctx, q, g, &w.User); err != nil {
			return nil, err
		}
		moved = true
	}
	if !moved {
		return g, nil
	}
	return q.GroupSessionByID(ctx, g.ID)
}

// SeatsFreed gives the seats that were freed in the sessions (by id, in
// increasing order; a user's account was deleted) to the first waiting,
// inside the caller's transaction.
func (s *Service) SeatsFreed(ctx context.Context, q *store.Q, sessionIDs []int64) error {
	for _, id := range sessionIDs {
		g, err := lockSession(ctx, q, id)
		if err != nil {
			return err
		}
		if _, err := s.promote(ctx, q, g); err != nil {
			return err
		}
	}
	return nil
}

// tellSeated e-mails one who was waiting that the seat is theirs, as the
// other "your session is on" e-mails are sent (session_confirmed).
func (s *Service) tellSeated(ctx context.Context, q *store.Q, g *domain.GroupSession, u *domain.User) error {
	if want, err := wants(ctx, q, u, func(n *domain.NotificationSettings) bool { return n.SessionConfirmed }); err != nil || !want {
		return err
	}
	m := notify.Message{
		To:      []string{u.Email},
		Subject: fmt.Sprintf("You have a seat: %s", g.Title),
		Text: fmt.Sprintf("A seat freed up in \"%s\" with %s at %s, and it is yours: you were first on the waitlist. "+
			"If you cannot come after all, give the seat back so that the next person gets it.\n",
			g.Title, g.Creator.FullName(), localTime(g.Start, u)) + notify.GroupLine(ctx, g.ID),
	}
	_, err := s.outbox.Email(ctx, q, s.clock.Now(), m, notify.Options{})
	return err
}

// tellWaiters e-mails everyone on the waitlist that the session will not
// happen (session_canceled), before the waitlist is cleared.
func (s *Service) tellWaiters(ctx context.Context, q *store.Q, g *domain.GroupSession) error {
	lists, err := q.WaitlistsOf(ctx, g.ID)
	if err != nil {
		return err
	}
	for _, w := range lists[g.ID] {
		u := &w.User
		if want, err := wants(ctx, q, u, func(n *domain.NotificationSettings) bool { return n.SessionCanceled }); err != nil {
			return err
		} else if !want {
			continue
		}
		m := notify.Message{
			To:      []string{u.Email},
			Subject: fmt.Sprintf("Session cancelled: %s", g.Title),
			Text: fmt.Sprintf("%s has cancelled \"%s\", which was to start at %s. You were on its waitlist; nothing else is needed from you.\n",
				g.Creator.FullName(), g.Title, localTime(g.Start, u)) + notify.GroupLine(ctx, g.ID),
		}
		if _, err := s.outbox.Email(ctx, q, s.clock.Now(), m, notify.Options{}); err != nil {
			return err
		}
	}
	return nil
}

// StandingOf says where the user stands in the session: seated, or their
// place on the waitlist, and the waitlist's length.
func (s *Service) StandingOf(ctx context.Context, id, userID int64) (Standing, error) {
	joined, err := s.store.IsParticipant(ctx, id, userID)
	if err != nil {
		return Standing{}, err
	}
	place, n, err := s.store.WaitlistPlace(ctx, id, userID)
	return Standing{Joined: joined, Place: place, Waiting: n}, err
}

// DetailOf returns a session's participants and the standing of userID in
// it (StandingOf), together.
func (s *Service) DetailOf(ctx context.Context, id, userID int64) ([]domain.Participant, Standing, error) {
	parts, joined, place, n, err := s.store.Standing(ctx, id, userID)
	return parts, Standing{Joined: joined, Place: place, Waiting: n}, err
}

// Waitlist returns a session's waitlist, first come first.
func (s *Service) Waitlist(ctx context.Context, id int64) ([]domain.Waiter, error) {
	m, err := s.store.WaitlistsOf(ctx, id)
	return m[id], err
}

// WaitlistCounts returns how many wait for each of the sessions.
func (s *Service) WaitlistCounts(ctx context.Context, ids ...int64) (map[int64]int, error) {
	return s.store.WaitlistCounts(ctx, ids...)
}
