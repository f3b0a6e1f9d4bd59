package tutoring

import (
	"net/http"

	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/form"
)

// POST /api/auth/login/ with email (or username) and password.
func (s *Surface) login(w http.ResponseWriter, r *http.Request) {
	in, ok := s.Input(w, r)
	if !ok {
		return
	}
	f := form.New(in)
	id := f.Raw("email", false)
	if id == nil {
		id = f.Raw("username", false)
	}
	password := f.Raw("password", false)
	if id == nil || password == nil {
		s.Fail(w, r, errs.BadRequest("required", "Email and password are required"))
		return
	}
	u, ok := s.Login(w, r, id, password, true)
	if !ok {
		return
	}
	access, refresh, err := s.Accounts.IssueJWT(r.Context(), u.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{
		"message": "Login successful",
		"user":    userJSON(u),
		"tokens":  map[string]string{"access": access, "refresh": refresh},
	})
}

// POST /api/auth/token/refresh/ {"refresh": "..."} -> {"access": "..."}.
func (s *Surface) refresh(w http.ResponseWriter, r *http.Request) {
	in, ok := s.Input(w, r)
	if !ok {
		return
	}
	f := form.New(in)
	tok := f.Raw("refresh", true)
	if err := f.Err(); err != nil {
		s.Fail(w, r, err)
		return
	}
	access, err := s.Accounts.RefreshJWT(r.Context(), *tok)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"access": access})
}
