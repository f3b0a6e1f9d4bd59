package tutoring

import (
	"net/http"

	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/form"
)

// POST /api/auth/login/ with email (or username) and password.
func (s *Surface) login(w http.ResponseWriter, r *http.Request) {
	u, ok := s.LoginByEmail(w, r, "Email and password are required")
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
	if in, ok := s.Input(w, r); ok {
		s.Refresh(w, r, form.New(in))
	}
}
