package mentoring

import (
	"fmt"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
)

// What a person may do with 1:1 sessions, asked before they try: a page
// offers only what these allow, and the actions themselves check the same
// rules (RequestSession, ChangeSession).

var errNotMentee = errs.Forbidden("not_mentee", MsgNotMentee)

func errOwnSession() error { return errs.NonField("own_session", MsgOwnSession) }

// MayRequest reports whether caller may request sessions with the mentor at
// all, whatever the time: nil, or the refusal RequestSession would give.
func (s *Service) MayRequest(caller *domain.User, mentorID int64) error {
	if !caller.IsMentee {
		return errNotMentee
	}
	if caller.ID == mentorID {
		return errOwnSession()
	}
	return nil
}

// transitionRule is who may move a session to another status, and when:
//
//	Pending -> Confirmed            by the mentor, before the start
//	Pending|Confirmed -> Canceled   by either participant, before the start
//	Confirmed -> Completed          by the mentor, after the start
//
// Staff act as the mentor of a session they are not the mentee of.
func transitionRule(now time.Time, caller *domain.User, sess *domain.Session, to string) error {
	started := !now.Before(sess.Start)
	isMentor := caller.ID == sess.MentorID || (caller.IsStaff && caller.ID != sess.MenteeID)
	from := sess.Status
	switch {
	case from == domain.StatusPending && to == domain.StatusConfirmed:
		if !isMentor {
			return statusError("Only the mentor can confirm a session.")
		}
		if started {
			return statusError("A session that has started can no longer be confirmed.")
		}
	case (from == domain.StatusPending || from == domain.StatusConfirmed) && to == domain.StatusCanceled:
		if started {
			return statusError("A session that has started can no longer be canceled.")
		}
	case from == domain.StatusConfirmed && to == domain.StatusCompleted:
		if !isMentor {
			return statusError("Only the mentor can complete a session.")
		}
		if !started {
			return statusError("A session can only be completed once it has started.")
		}
	default:
		return statusError(fmt.Sprintf("A %s session cannot become %s.", from, to))
	}
	return nil
}

// NextStatuses lists the statuses caller may move one of their sessions to
// now (ChangeSession would accept them), in the order Confirmed, Canceled,
// Completed.
func (s *Service) NextStatuses(caller *domain.User, sess *domain.Session) []string {
	if !caller.IsStaff && caller.ID != sess.MentorID && caller.ID != sess.MenteeID {
		return nil
	}
	now := s.clock.Now()
	var out []string
	for _, to := range []string{domain.StatusConfirmed, domain.StatusCanceled, domain.StatusCompleted} {
		if transitionRule(now, caller, sess, to) == nil {
			out = append(out, to)
		}
	}
	return out
}
