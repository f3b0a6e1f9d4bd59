package tutoring_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestGroupRoutesNeverFail500 sends malformed bodies, wrong types and odd
// values to every tutoring and quota route.
func TestGroupRoutesNeverFail500(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		m := s.Mentor("inst")
		st := s.Mentee("stud")
		s.Post("/api/sessions/").Token(m.Token).JSON(session("A", 5*time.Hour, 5)).Do().Expect(201)
		routes := []struct {
			method, path string
			fields       []string
		}{
			{"POST", "/api/sessions/", []string{"title", "description", "date", "max_participants"}},
			{"PUT", "/api/sessions/1/", []string{"title", "description", "date", "max_participants"}},
			{"PATCH", "/api/sessions/1/", []string{"title", "description", "date", "max_participants"}},
			{"POST", "/api/auth/login/", []string{"email", "username", "password"}},
			{"POST", "/api/auth/token/refresh/", []string{"refresh"}},
			{"POST", "/session/api/addSession", []string{"scheduledAt", "quota", "title", "field"}},
			{"PUT", "/session/api/updateSession/1", []string{"scheduledAt", "quota", "title", "field"}},
			{"POST", fmt.Sprintf("/session/api/student/bookSession/%d", m.ID), []string{"session_id"}},
			{"POST", "/user/login", []string{"email", "username", "password"}},
		}
		values := []any{nil, true, 12.5, -1, 1e300, "", strings.Repeat("é", 5000), []any{}, map[string]any{"a": 1},
			"\x00", "9999999999999999999999", "0001-01-01T00:00:00Z", "2030-02-30T10:00:00Z"}
		for _, r := range routes {
			for _, u := range []apptest.User{m, st} {
				s.SendBadBodies(u, r.method, r.path, r.fields, values)
				s.Request(r.method, r.path).As(u).Raw("text/plain", []byte("hi")).Do().Robust(r.path + " as text")
			}
		}
		for _, p := range []string{"/api/sessions/?page=99999999999999999999", "/api/sessions/?page_size=-5", "/api/sessions/?date_from=%00",
			"/api/sessions/abc/", "/api/sessions/99999999999999999999/join/", "/session/getSession/abc", "/session/getSession/0",
			"/api/sessions/?creator=99999999999999999999"} {
			s.Get(p).As(m).Do().Robust("GET " + p)
			s.Post(p).As(m).Do().Robust("POST " + p)
		}
	})
}
