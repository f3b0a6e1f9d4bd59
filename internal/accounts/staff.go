package accounts

import (
	"context"
	"errors"
	"strings"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/store"
)

// What staff do to accounts in the staff admin. Each action checks that
// the caller is staff, and is recorded (who, what, to whom, when) in the
// transaction that makes it.

// ErrDeactivated is the cause behind Login's refusal of a deactivated
// account whose password was right (see Login).
var ErrDeactivated = errors.New("account deactivated")

// Messages of the staff rules.
const (
	MsgDeactivateSelf    = "You cannot deactivate your own account: ask another staff member."
	MsgRemoveOwnStaff    = "You cannot remove your own staff access: ask another staff member."
	MsgResetInactive     = "This account is deactivated: reactivate it before sending a password-reset e-mail."
	MsgResetNoEmail      = "This account has no e-mail address to send a password-reset link to."
	CodeDeactivateSelf   = "deactivate_self"
	CodeRemoveOwnStaff   = "remove_own_staff"
	CodeResetUnavailable = "reset_unavailable"
)

// SearchUsers returns one page of the users whose username, name or e-mail
// address holds text (all users when it is empty), by id, and the total.
func (s *Service) SearchUsers(ctx context.Context, caller *domain.User, text string, limit, offset int) ([]domain.User, int, error) {
	if err := domain.RequireStaff(caller); err != nil {
		return nil, 0, err
	}
	return s.store.SearchUsers(ctx, text, limit, offset)
}

// refuseSelf refuses a change staff may not make to their own account
// (code and msg say which); to anyone else not staff, it is refused as any
// staff action is.
func refuseSelf(caller *domain.User, id int64, code, msg string) error {
	if caller == nil || caller.ID != id {
		return nil
	}
	if err := domain.RequireStaff(caller); err != nil {
		return err
	}
	return errs.BadRequest(code, msg)
}

// staffChange runs change on user id, locked, in one transaction with the
// record of the action, once caller may manage that account (see
// domain.MayManage); change reports the action it took ("" when the
// account already was as asked: nothing is recorded and changed is false).
func (s *Service) staffChange(ctx context.Context, caller *domain.User, id int64, change func(q *store.Q, u *domain.User) (string, error)) (out *domain.User, changed bool, err error) {
	if err := domain.RequireStaff(caller); err != nil {
		return nil, false, err
	}
	err = s.store.Tx(ctx, func(q *store.Q) error {
		u, err := q.LockUser(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return errs.NotFound("user_not_found", "")
		}
		if err != nil {
			return err
		}
		if err := domain.MayManage(caller, u); err != nil {
			return err
		}
		action, err := change(q, u)
		if err != nil || action == "" {
			out = u
			return err
		}
		changed = true
		if err := q.RecordStaffAction(ctx, domain.NewStaffAction(caller, action, "user", u.ID, u.Username, "", s.clock.Now())); err != nil {
			return err
		}
		out, err = q.UserByID(ctx, id)
		return err
	})
	return out, changed, err
}

// SetActive deactivates or reactivates an account. A deactivated account
// cannot log in anywhere, and every credential it holds stops working at
// once: its web sign-ins and reset links are ended, its DRF-style token
// deleted, and its JWTs (access and refresh) refused for good, also after a
// reactivation, which restores logging in with the same password. Staff
// cannot deactivate themselves, and only a superuser changes a staff
// member's account. changed is false when the account already was as asked.
func (s *Service) SetActive(ctx context.Context, caller *domain.User, id int64, active bool) (u *domain.User, changed bool, err error) {
	if !active {
		if err := refuseSelf(caller, id, CodeDeactivateSelf, MsgDeactivateSelf); err != nil {
			return nil, false, err
		}
	}
	return s.staffChange(ctx, caller, id, func(q *store.Q, u *domain.User) (string, error) {
		if u.IsActive == active {
			return "", nil
		}
		if err := q.SetUserActive(ctx, u.ID, active); err != nil {
			return "", err
		}
		if active {
			return domain.StaffReactivate, nil
		}
		if err := q.DeleteWebSessionsOf(ctx, u.ID, ""); err != nil {
			return "", err
		}
		if err := q.DeleteToken(ctx, u.ID); err != nil {
			return "", err
		}
		if err := q.UsePasswordResets(ctx, u.ID, s.clock.Now()); err != nil {
			return "", err
		}
		if err := q.RaiseCredentialEpoch(ctx, u.ID); err != nil {
			return "", err
		}
		return domain.StaffDeactivate, nil
	})
}

// SetStaff grants or removes staff access (removing it removes superuser
// too). Only a superuser may, and not their own. changed is false when
// the account already was as asked.
func (s *Service) SetStaff(ctx context.Context, caller *domain.User, id int64, staff bool) (u *domain.User, changed bool, err error) {
	if !staff {
		if err := refuseSelf(caller, id, CodeRemoveOwnStaff, MsgRemoveOwnStaff); err != nil {
			return nil, false, err
		}
	}
	if err := domain.MayChangeStaff(caller); err != nil {
		return nil, false, err
	}
	return s.staffChange(ctx, caller, id, func(q *store.Q, u *domain.User) (string, error) {
		if u.IsStaff == staff {
			return "", nil
		}
		if err := q.SetUserStaff(ctx, u.ID, staff); err != nil {
			return "", err
		}
		if staff {
			return domain.StaffGrantStaff, nil
		}
		return domain.StaffRemoveStaff, nil
	})
}

// SendPasswordReset e-mails user id the same single-use reset link as the
// forgot-password flow (linkPattern as in RequestPasswordReset), for staff
// helping someone who cannot find it. The account must be active and have
// an address.
func (s *Service) SendPasswordReset(ctx context.Context, caller *domain.User, id int64, linkPattern string) error {
	if err := domain.RequireStaff(caller); err != nil {
		return err
	}
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	refusal := func(u *domain.User) error {
		switch {
		case !u.IsActive:
			return errs.BadRequest(CodeResetUnavailable, MsgResetInactive)
		case strings.TrimSpace(u.Email) == "":
			return errs.BadRequest(CodeResetUnavailable, MsgResetNoEmail)
		}
		return nil
	}
	if err := refusal(u); err != nil {
		return err
	}
	return s.sendReset(ctx, u, linkPattern, func(q *store.Q) error {
		now, err := q.LockUser(ctx, id) // deactivated meanwhile?
		if err != nil {
			return err
		}
		if err := refusal(now); err != nil {
			return err
		}
		return q.RecordStaffAction(ctx, domain.NewStaffAction(caller, domain.StaffSendReset, "user", u.ID, u.Username, u.Email, s.clock.Now()))
	})
}

// StaffLog returns one page of the record of staff actions, newest first,
// and the total.
func (s *Service) StaffLog(ctx context.Context, caller *domain.User, limit, offset int) ([]domain.StaffAction, int, error) {
	if err := domain.RequireStaff(caller); err != nil {
		return nil, 0, err
	}
	return s.store.ListStaffActions(ctx, limit, offset)
}
