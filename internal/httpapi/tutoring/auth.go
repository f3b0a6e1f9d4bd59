package tutoring

import (
	"net/http"

	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/drf"
)

// POST /api/auth/login/ with email (or username) and password.
func (s *Surface) login(w http.ResponseWriter, r *http.Request) {
	in, err := httpapi.ReadInput(r)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	f := drf.NewForm(in)
	id := f.Raw("email", false)
	if id == nil {
		id = f.Raw("username", false)
	}
	password := f.Raw("password", false)
	if id == nil || password == nil {
		s.rd.Error(w, r, errs.BadRequest("required", "Email and password are required"))
		return
	}
	if !s.Limits.LoginAccount.Check(w, r, s.rd, *id) {
		return
	}
	u, err := s.Accounts.Login(r.Context(), *id, *password, true)
	if errs.CodeOf(err) == errs.AuthBadCredentials {
		httpapi.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "Invalid credentials"})
		return
	}
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	access, refresh, err := s.Accounts.IssueJWT(r.Context(), u.ID)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	httpapi.NoteUser(r, u.ID)
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{
		"message": "Login successful",
		"user":    userJSON(u),
		"tokens":  map[string]string{"access": access, "refresh": refresh},
	})
}

// POST /api/auth/token/refresh/ {"refresh": "..."} -> {"access": "..."}.
func (s *Surface) refresh(w http.ResponseWriter, r *http.Request) {
	in, err := httpapi.ReadInput(r)
	if err != nil {
		s.rd.Error(w, r, err)
		return
	}
	f := drf.NewForm(in)
	tok := f.Raw("refresh", true)
	if err := f.Err(); err != nil {
		s.rd.Error(w, r, err)
		return
	}
	access, err := s.Accounts.RefreshJWT(r.Context(), *tok)
	if err != nil {
		if errs.KindOf(err) == errs.KindUnauthenticated {
			httpapi.WriteJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Token is invalid or expired", "code": "token_not_valid"})
			return
		}
		s.rd.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"access": access})
}
