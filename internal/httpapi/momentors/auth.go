package momentors

import (
	"net/http"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/httpapi"
)

// POST /auth/users/
func (s *Surface) signUp(w http.ResponseWriter, r *http.Request) {
	f, ok := s.Object(w, r)
	if !ok {
		return
	}
	in := accounts.SignUp{
		Username:        f.Raw("username", false),
		Email:           f.Raw("email", false),
		Password:        f.Raw("password", false),
		PasswordConfirm: f.Raw("re_password", false),
		ConfirmField:    "re_password",
		Unread:          f.Invalid(),
	}
	u, err := s.Accounts.SignUp(r.Context(), in)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, struct {
		Email    string `json:"email"`
		Username string `json:"username"`
		ID       int64  `json:"id"`
	}{u.Email, u.Username, u.ID})
}

// GET /auth/users/
func (s *Surface) listUsers(w http.ResponseWriter, r *http.Request, u *domain.User) {
	users, err := s.Accounts.VisibleUsers(r.Context(), u)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	out := make([]userOut, len(users))
	for i := range users {
		out[i] = userJSON(&users[i])
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

// /auth/users/me/
func (s *Surface) me(w http.ResponseWriter, r *http.Request, u *domain.User) {
	s.userDetail(w, r, u, u)
}

// /auth/users/<id>/: only oneself, unless staff.
func (s *Surface) userByID(w http.ResponseWriter, r *http.Request, caller *domain.User) {
	id, ok := httpapi.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	target, err := s.Accounts.UserFor(r.Context(), caller, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.userDetail(w, r, caller, target)
}

func (s *Surface) userDetail(w http.ResponseWriter, r *http.Request, caller, target *domain.User) {
	switch r.Method {
	case http.MethodGet:
		fresh, err := s.Accounts.User(r.Context(), target.ID) // not the credential cache's copy
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, userJSON(fresh))
	case http.MethodPut, http.MethodPatch:
		f, ok := s.Object(w, r)
		if !ok {
			return
		}
		email := f.Raw("email", r.Method == http.MethodPut)
		if err := f.Err(); err != nil {
			s.Fail(w, r, err)
			return
		}
		if email == nil {
			httpapi.WriteJSON(w, http.StatusOK, userJSON(target))
			return
		}
		u, err := s.Accounts.ChangeEmail(r.Context(), caller, target.ID, email)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, userJSON(u))
	case http.MethodDelete:
		f, ok := s.Object(w, r)
		if !ok {
			return
		}
		var err error
		if caller.IsStaff && caller.ID != target.ID {
			err = s.Accounts.DeleteAccountFor(r.Context(), caller, target.ID)
		} else {
			if !s.Limits.LoginAccount.Check(w, r, s.Errors, accounts.AccountLimitKey(target.ID)) {
				return
			}
			err = s.Accounts.DeleteAccountWithPassword(r.Context(), target, f.Raw("current_password", false))
		}
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.NoContent(w)
	}
}

// POST /auth/users/set_password/
func (s *Surface) setPassword(w http.ResponseWriter, r *http.Request, u *domain.User) {
	// Counted with the log-ins to this account, as the web app's form is:
	// whoever holds a token could otherwise guess the password unthrottled
	// and take the account.
	if !s.Limits.LoginAccount.Check(w, r, s.Errors, accounts.AccountLimitKey(u.ID)) {
		return
	}
	f, ok := s.Object(w, r)
	if !ok {
		return
	}
	in := accounts.PasswordChange{Current: f.Raw("current_password", false), New: f.Raw("new_password", false),
		Confirm: f.Raw("re_new_password", false), Unread: f.Invalid()}
	if err := s.Accounts.ChangePassword(r.Context(), u, in); err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.NoContent(w)
}

// POST /auth/users/reset_password/
func (s *Surface) resetPassword(w http.ResponseWriter, r *http.Request) {
	f, ok := s.Object(w, r)
	if !ok {
		return
	}
	email := f.Raw("email", true)
	if err := f.Err(); err != nil {
		s.Fail(w, r, err)
		return
	}
	if !s.Limits.ResetAccount.Check(w, r, s.Errors, *email) {
		return
	}
	if err := s.Accounts.RequestPasswordReset(r.Context(), email, s.Links.PasswordReset(r)); err != nil {
		// djoser raises this one from the view, so it is a bare list.
		s.list.Error(w, r, err)
		return
	}
	httpapi.NoContent(w)
}

// POST /auth/users/reset_password_confirm/
func (s *Surface) resetPasswordConfirm(w http.ResponseWriter, r *http.Request) {
	f, ok := s.Object(w, r)
	if !ok {
		return
	}
	in := accounts.ResetConfirm{
		UID: f.Raw("uid", false), Token: f.Raw("token", false),
		NewPassword: f.Raw("new_password", false), Confirm: f.Raw("re_new_password", false), Unread: f.Invalid(),
	}
	if err := s.Accounts.ConfirmPasswordReset(r.Context(), in); err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.NoContent(w)
}

// POST /auth/token/login
func (s *Surface) login(w http.ResponseWriter, r *http.Request) {
	u, ok := s.LoginByUsername(w, r, false)
	if !ok {
		return
	}
	key, err := s.Accounts.Token(r.Context(), u)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"auth_token": key})
}

// POST /auth/token/logout
func (s *Surface) logout(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if err := s.Accounts.Logout(r.Context(), u.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.NoContent(w)
}
