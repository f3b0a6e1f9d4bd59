package domain

import (
	"time"

	"github.com/mentord/mentord/internal/errs"
)

// StaffAction is one thing a staff member did in the staff admin, kept in
// the record shown at /app/staff/log. Names are copied at the time, so an
// entry still reads right after the accounts it names are gone.
type StaffAction struct {
	ID          int64
	ActorID     int64 // 0 once the staff member's account is deleted
	ActorName   string
	Action      string // one of the Staff* actions
	TargetKind  string // "user", "session", "group_session" or "outbox"
	TargetID    int64
	TargetLabel string // the username, the session's people or title, the e-mail's subject
	Detail      string // e.g. on whose behalf a session was cancelled
	At          time.Time
}

// The actions staff take.
const (
	StaffDeactivate  = "deactivate"
	StaffReactivate  = "reactivate"
	StaffGrantStaff  = "grant_staff"
	StaffRemoveStaff = "remove_staff"
	StaffSendReset   = "send_password_reset"
	StaffCancel      = "cancel_session"
	StaffCancelGroup = "cancel_group_session"
	StaffRetry       = "retry_email"
)

// NewStaffAction is an action by staff member actor, now.
func NewStaffAction(actor *User, action, kind string, id int64, label, detail string, now time.Time) *StaffAction {
	return &StaffAction{ActorID: actor.ID, ActorName: actor.Username, Action: action, TargetKind: kind, TargetID: id,
		TargetLabel: label, Detail: detail, At: now}
}

// ActiveStaff reports whether u may use the staff admin.
func (u *User) ActiveStaff() bool { return u != nil && u.IsStaff && u.IsActive }

// MsgNotStaff is the refusal of a staff action to anyone else.
const MsgNotStaff = "Only staff can do this."

// RequireStaff refuses a staff action to anyone who is not active staff;
// every domain package's staff actions start with it.
func RequireStaff(u *User) error {
	if !u.ActiveStaff() {
		return errs.Forbidden("not_staff", MsgNotStaff)
	}
	return nil
}

// Messages of who may manage whom, as Django's admin has it: a superuser
// manages everyone; other staff manage only accounts that are not staff,
// and only a superuser grants or removes staff access.
const (
	MsgManageStaff  = "Only a superuser can change another staff member's or a superuser's account."
	MsgGrantStaff   = "Only a superuser can grant or remove staff access."
	CodeNotSuperior = "superuser_required"
)

// MayManage refuses staff member caller an action on target's account
// when target is staff (or a superuser) and caller is not a superuser.
func MayManage(caller, target *User) error {
	if err := RequireStaff(caller); err != nil {
		return err
	}
	if caller.ID != target.ID && (target.IsStaff || target.IsSuperuser) && !caller.IsSuperuser {
		return errs.Forbidden(CodeNotSuperior, MsgManageStaff)
	}
	return nil
}

// MayChangeStaff refuses a change to anyone's staff flag to all but a
// superuser.
func MayChangeStaff(caller *User) error {
	if err := RequireStaff(caller); err != nil {
		return err
	}
	if !caller.IsSuperuser {
		return errs.Forbidden(CodeNotSuperior, MsgGrantStaff)
	}
	return nil
}
