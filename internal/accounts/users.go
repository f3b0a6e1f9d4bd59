package accounts

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/store"
)

// Messages of the uniqueness rules.
const (
	MsgUsernameTaken = "A user with that username already exists."
	MsgEmailTaken    = "user with this email already exists."
	MsgPhoneTaken    = "user with this phone number already exists."
	MsgMismatch      = "The two password fields didn't match."
	MsgBadLogin      = "Unable to log in with provided credentials."
	MsgWrongPassword = "Invalid password."
)

// SignUp is a new account. Nil pointers are fields the client did not send.
type SignUp struct {
	Username        *string
	Email           *string
	Password        *string
	PasswordConfirm *string // must equal Password
	ConfirmField    string  // when set, PasswordConfirm is required and reported under this name
	FirstName       string
	LastName        string
	// Timezone (IANA; UTC when empty) and the roles the person signs up
	// for; the APIs' sign-ups leave them unset.
	Timezone           string
	IsMentor, IsMentee bool
	// Unread are the problems the surface found reading the input; they
	// are reported together with these checks (see errs.Begin).
	Unread *errs.Invalid
}

// SignUp creates an account after the checks djoser makes, in its order:
// field rules first, then the password validators, then the retyped password.
func (s *Service) SignUp(ctx context.Context, in SignUp) (*domain.User, error) {
	return s.createUser(ctx, in, false)
}

// CreateSuperuser creates a staff superuser (the createsuperuser command).
func (s *Service) CreateSuperuser(ctx context.Context, username, email, password string) (*domain.User, error) {
	return s.createUser(ctx, SignUp{Username: &username, Email: &email, Password: &password}, true)
}

func (s *Service) createUser(ctx context.Context, in SignUp, super bool) (*domain.User, error) {
	v := errs.Begin(in.Unread)
	email := checkEmail(v, "email", in.Email)
	username := checkUsername(v, "username", in.Username)
	switch {
	case v.Has("password"):
	case in.Password == nil:
		v.FieldArg("password", errs.CodeRequired, nil)
	case *in.Password == "":
		v.FieldArg("password", errs.CodeBlank, nil)
	}
	if in.ConfirmField != "" && in.PasswordConfirm == nil && !v.Has(in.ConfirmField) {
		v.FieldArg(in.ConfirmField, errs.CodeRequired, nil)
	}
	if !v.Has("email") {
		if taken, err := s.store.EmailTaken(ctx, email, 0); err != nil {
			return nil, err
		} else if taken {
			v.Add("email", CodeUnique, MsgEmailTaken)
		}
	}
	tz := strings.TrimSpace(in.Timezone)
	if tz == "" {
		tz = "UTC"
	} else if !ValidTimezone(tz) && !v.Has("timezone") {
		v.FieldArg("timezone", errs.CodeInvalidChoice, in.Timezone)
	}
	if !v.Has("username") {
		if taken, err := s.store.UsernameTaken(ctx, username, 0); err != nil {
			return nil, err
		} else if taken {
			v.Add("username", CodeUnique, MsgUsernameTaken)
		}
	}
	if !v.Empty() {
		return nil, v
	}
	u := &domain.User{
		Username: username, Email: email, FirstName: strings.TrimSpace(in.FirstName), LastName: strings.TrimSpace(in.LastName),
		Timezone: tz, IsMentor: in.IsMentor, IsMentee: in.IsMentee, IsActive: true, IsStaff: super, IsSuperuser: super, DateJoined: s.clock.Now(),
	}
	for _, m := range passwordProblems(*in.Password, u) {
		v.Add("password", m.Code, m.Text)
	}
	if !v.Empty() {
		return nil, v
	}
	if in.PasswordConfirm != nil && *in.PasswordConfirm != *in.Password {
		return nil, errs.NonField(CodePasswordMismatch, MsgMismatch)
	}
	hash, err := s.hash(ctx, *in.Password)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = hash
	err = s.store.Tx(ctx, func(q *store.Q) error { return q.CreateUser(ctx, u) })
	if err != nil {
		return nil, uniqueToField(err)
	}
	return u, nil
}

// uniqueToField turns a unique-key violation that lost a race into the same
// field error the pre-check gives.
func uniqueToField(err error) error {
	var v *errs.Violation
	if !errors.As(err, &v) {
		return err
	}
	switch {
	case errs.Violated(err, domain.RuleUniqueUsername):
		return errs.Field("username", CodeUnique, MsgUsernameTaken)
	case errs.Violated(err, domain.RuleUniqueEmail):
		return errs.Field("email", CodeUnique, MsgEmailTaken)
	case errs.Violated(err, domain.RuleUniquePhone):
		return errs.Field("phone_number", CodeUnique, MsgPhoneTaken)
	}
	return errs.Conflict("unique", "That value is already in use.")
}

// loginAccount finds the account a login names: by username, whatever its
// case, or with byEmail by e-mail address (identifier trimmed).
func (s *Service) loginAccount(ctx context.Context, identifier string, byEmail bool) (*domain.User, error) {
	u, err := s.store.UserByUsername(ctx, strings.ToLower(identifier))
	if errors.Is(err, store.ErrNotFound) && byEmail && strings.Contains(identifier, "@") {
		u, err = s.store.UserByEmail(ctx, identifier)
	}
	return u, err
}

// LoginLimitKey is the key of the per-account login limit for a login as
// identifier (byEmail as in Login): the account it names, so its username
// and its e-mail address, in any case, count together; a name that is no
// account is counted as itself, trimmed and lower-cased, so guesses at
// unknown names are limited too, with the same answer. The key of a known
// account is AccountLimitKey's.
func (s *Service) LoginLimitKey(ctx context.Context, identifier string, byEmail bool) (string, error) {
	identifier = strings.TrimSpace(identifier)
	u, err := s.loginAccount(ctx, identifier, byEmail)
	if errors.Is(err, store.ErrNotFound) {
		// "name:" and "account:" never meet: no typed name is a key of the other kind.
		return "name:" + strings.ToLower(identifier), nil
	}
	if err != nil {
		return "", err
	}
	return AccountLimitKey(u.ID), nil
}

// AccountLimitKey is the per-account login limit's key for user id, which
// the routes that check a signed-in user's current password take from too.
func AccountLimitKey(id int64) string { return "account:" + strconv.FormatInt(id, 10) }

var dummyHash = sync.OnceValue(func() string { return hashPassword("mentord-timing-equaliser", DefaultArgon2) })

// Login checks a username (or, with byEmail, an e-mail address) and password.
// Wrong credentials and inactive users get the same error. A hash from an
// older scheme or cost is replaced by a current one.
func (s *Service) Login(ctx context.Context, identifier, password string, byEmail bool) (*domain.User, error) {
	bad := errs.Unauthenticated(errs.AuthBadCredentials, MsgBadLogin)
	identifier = strings.TrimSpace(identifier)
	if identifier == "" || password == "" {
		return nil, bad
	}
	u, err := s.loginAccount(ctx, identifier, byEmail)
	if errors.Is(err, store.ErrNotFound) {
		// Spend the same time as a real check, so timing tells nothing.
		if _, _, err := s.check(ctx, password, dummyHash()); err != nil {
			return nil, err
		}
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	ok, rehash, err := s.check(ctx, password, u.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, bad
	}
	if !u.IsActive {
		// The same answer for the APIs; the cause lets a page that was
		// given the right password say the account is deactivated.
		return nil, &errs.Error{Kind: errs.KindUnauthenticated, Code: errs.AuthBadCredentials, Message: MsgBadLogin, Err: ErrDeactivated}
	}
	var newHash string
	if rehash {
		if newHash, err = s.hash(ctx, password); err != nil {
			return nil, err
		}
	}
	now := s.clock.Now()
	err = s.store.Tx(ctx, func(q *store.Q) error {
		if newHash != "" {
			if err := q.SetPassword(ctx, u.ID, newHash); err != nil {
				return err
			}
		}
		return q.SetLastLogin(ctx, u.ID, now)
	})
	if err != nil {
		return nil, err
	}
	u.LastLogin = &now
	return u, nil
}

// User returns a user by id.
func (s *Service) User(ctx context.Context, id int64) (*domain.User, error) {
	u, err := s.store.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errs.NotFound("user_not_found", "")
	}
	return u, err
}

// VisibleUsers lists the users the caller may see: everyone for staff,
// otherwise only the caller.
func (s *Service) VisibleUsers(ctx context.Context, caller *domain.User) ([]domain.User, error) {
	if caller.IsStaff {
		return s.store.ListUsers(ctx)
	}
	u, err := s.store.UserByID(ctx, caller.ID)
	if err != nil {
		return nil, err
	}
	return []domain.User{*u}, nil
}

// UserFor returns user id as seen by caller: themselves, or anyone for staff.
func (s *Service) UserFor(ctx context.Context, caller *domain.User, id int64) (*domain.User, error) {
	if id != caller.ID && !caller.IsStaff {
		return nil, errs.NotFound("user_not_found", "")
	}
	return s.User(ctx, id)
}

// ChangeEmail sets a user's e-mail address.
func (s *Service) ChangeEmail(ctx context.Context, caller *domain.User, userID int64, raw *string) (*domain.User, error) {
	v := &errs.Invalid{}
	email := checkEmail(v, "email", raw)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var u *domain.User
	err := s.store.Tx(ctx, func(q *store.Q) error {
		var err error
		if u, err = q.UserByID(ctx, userID); err != nil {
			return err
		}
		// Staff changing someone else's address: a new address and a reset
		// e-mail would take the account, so a superior's is refused.
		if caller.ID != userID {
			if err := domain.MayManage(caller, u); err != nil {
				return err
			}
		}
		if taken, err := q.EmailTaken(ctx, email, userID); err != nil {
			return err
		} else if taken {
			return errs.Field("email", CodeUnique, MsgEmailTaken)
		}
		u.Email = email
		return q.UpdateUser(ctx, u)
	})
	if err != nil {
		return nil, uniqueToField(err)
	}
	return u, nil
}

// verifyCurrent checks the password a user typed to confirm a sensitive
// step, against the hash stored now (the caller's record may be up to a
// second old, see authCache).
func (s *Service) verifyCurrent(ctx context.Context, userID int64, field string, current *string) error {
	if current == nil {
		return errs.Generic(field, errs.CodeRequired, nil)
	}
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	ok, _, err := s.check(ctx, *current, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Field(field, CodeInvalid, MsgWrongPassword)
	}
	return nil
}

// DeleteAccountWithPassword deletes the caller's account once they confirm
// their password.
func (s *Service) DeleteAccountWithPassword(ctx context.Context, u *domain.User, current *string) error {
	if err := s.verifyCurrent(ctx, u.ID, "current_password", current); err != nil {
		return err
	}
	return s.DeleteAccount(ctx, u.ID)
}

// DeleteAccountFor is staff member caller deleting user id's account: as
// for every staff change, only a superuser deletes a staff member's or a
// superuser's (see domain.MayManage).
func (s *Service) DeleteAccountFor(ctx context.Context, caller *domain.User, id int64) error {
	target, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	if err := domain.MayManage(caller, target); err != nil {
		return err
	}
	return s.DeleteAccount(ctx, id)
}

// DeleteAccount deletes a user, everything of theirs, and their photo.
func (s *Service) DeleteAccount(ctx context.Context, userID int64) error {
	var photo *string
	err := s.store.Tx(ctx, func(q *store.Q) error {
		u, err := q.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		photo = u.ProfilePhoto
		seated, err := q.SeatedSessionsOf(ctx, userID)
		if err != nil {
			return err
		}
		for _, leaving := range s.Leaving {
			if err := leaving(ctx, q, u); err != nil {
				return err
			}
		}
		if err := q.DeleteUser(ctx, userID); err != nil {
			return err
		}
		if s.SeatsFreed != nil && len(seated) > 0 {
			return s.SeatsFreed(ctx, q, seated)
		}
		return nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return errs.NotFound("user_not_found", "")
	}
	if err == nil && photo != nil {
		s.media.Remove(*photo)
	}
	if err == nil {
		s.outbox.Kick() // the e-mails of cancelled sessions, of seats given to those waiting
	}
	return err
}

// PasswordChange is a change of one's own password; nil fields were not
// sent.
type PasswordChange struct {
	Current, New, Confirm *string
	Unread                *errs.Invalid // see SignUp.Unread
}

// ChangePassword sets a new password after checking the current one.
func (s *Service) ChangePassword(ctx context.Context, u *domain.User, in PasswordChange) error {
	v := errs.Begin(in.Unread)
	requireAll(v, []namedValue{{"new_password", in.New}, {"re_new_password", in.Confirm}, {"current_password", in.Current}})
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.checkNewPassword(u, *in.New, *in.Confirm); err != nil {
		return err
	}
	if err := s.verifyCurrent(ctx, u.ID, "current_password", in.Current); err != nil {
		return err
	}
	hash, err := s.hash(ctx, *in.New)
	if err != nil {
		return err
	}
	// A new password ends the user's web sign-ins, as it ends their JWTs.
	return s.store.Tx(ctx, func(q *store.Q) error {
		if err := q.SetPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		return q.DeleteWebSessionsOf(ctx, u.ID, "")
	})
}

type namedValue struct {
	name string
	val  *string
}

// requireAll reports each field that was not sent and is not reported yet.
func requireAll(v *errs.Invalid, fields []namedValue) {
	for _, f := range fields {
		if f.val == nil && !v.Has(f.name) {
			v.FieldArg(f.name, errs.CodeRequired, nil)
		}
	}
}

// checkNewPassword runs the password validators, then the retype check.
func (s *Service) checkNewPassword(u *domain.User, password, confirm string) error {
	v := &errs.Invalid{}
	for _, m := range passwordProblems(password, u) {
		v.Add("new_password", m.Code, m.Text)
	}
	if err := v.Err(); err != nil {
		return err
	}
	if password != confirm {
		return errs.NonField(CodePasswordMismatch, MsgMismatch)
	}
	return nil
}
