package mentoring

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/store"
)

// SessionSearch selects sessions for the staff admin: Text is a part of
// the mentor's or mentee's username or name; Status one of the statuses.
type SessionSearch = store.SessionSearch

// SearchSessions returns one page of every user's 1:1 sessions that match,
// newest start first, and the total; for staff only.
func (s *Service) SearchSessions(ctx context.Context, caller *domain.User, f SessionSearch, limit, offset int) ([]domain.Session, int, error) {
	if err := domain.RequireStaff(caller); err != nil {
		return nil, 0, err
	}
	switch f.Status {
	case "", domain.StatusPending, domain.StatusConfirmed, domain.StatusCanceled, domain.StatusCompleted:
	default:
		return nil, 0, invalidChoice("status", f.Status)
	}
	return s.store.SearchSessions(ctx, f, limit, offset)
}

// MayCancelFor reports whether staff may cancel the session now for one of
// its participants: nil, or the refusal CancelFor would give (but for the
// mentor's cancellation notice, which asks for a reason).
func (s *Service) MayCancelFor(sess *domain.Session) error {
	p := &domain.User{ID: sess.MenteeID}
	return transitionRule(s.clock.Now(), p, sess, domain.StatusCanceled)
}

// CancelFor cancels a session as its participant onBehalfOf (the mentor or
// the mentee) would: under the same rules, with the same e-mail to the
// other participant (and the calendar event cancelled). Staff do it, and
// it is recorded as theirs.
func (s *Service) CancelFor(ctx context.Context, caller *domain.User, id, onBehalfOf int64, reason string) (*domain.Session, error) {
	if err := domain.RequireStaff(caller); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > MaxReasonLength {
		return nil, errs.Generic("cancel_reason", errs.CodeMaxLength, MaxReasonLength)
	}
	var result *domain.Session
	err := s.store.Tx(ctx, func(q *store.Q) error {
		sess, err := lockedSession(ctx, q, id, func(sess *domain.Session) error {
			if onBehalfOf != sess.MentorID && onBehalfOf != sess.MenteeID {
				return errs.Field("on_behalf_of", errs.CodeInvalidChoice, "Choose the mentor or the mentee of this session.")
			}
			return nil
		})
		if err != nil {
			return err
		}
		who, err := q.UserByID(ctx, onBehalfOf)
		if err != nil {
			return err
		}
		if result, err = s.transition(ctx, q, who, sess, domain.StatusCanceled, reason); err != nil {
			return err
		}
		role := "mentee"
		if who.ID == sess.MentorID {
			role = "mentor"
		}
		label := fmt.Sprintf("%s with %s", strings.TrimSpace(sess.MentorFirst+" "+sess.MentorLast), strings.TrimSpace(sess.MenteeFirst+" "+sess.MenteeLast))
		detail := "for the " + role + ", " + who.Username
		if reason != "" {
			detail += "; reason: " + reason
		}
		return q.RecordStaffAction(ctx, domain.NewStaffAction(caller, domain.StaffCancel, "session", sess.ID, label, detail, s.clock.Now()))
	})
	if err != nil {
		return nil, err
	}
	s.outbox.Kick()
	return result, nil
}
