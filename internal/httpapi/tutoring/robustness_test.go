package tutoring_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

// TestGroupRoutesNeverFail500 sends malformed bodies, wrong types and odd
// values to every tutoring and quota route.
func TestGroupRoutesNeverFail500(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		s := apptest.Start(t, e, apptest.Options{Now: t0, NoWorker: true})
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
		check := func(name string, res *apptest.Response) {
			t.Helper()
			if res.Status >= 500 {
				t.Errorf("%s: %d %s", name, res.Status, res.Body)
			}
			var v any
			if res.Status >= 400 && json.Unmarshal(res.Body, &v) != nil {
				t.Errorf("%s: error body is not JSON: %s", name, res.Body)
			}
		}
		for _, r := range routes {
			for _, u := range []apptest.User{m, st} {
				for _, body := range []string{`{`, `[1]`, `"x"`, `null`, `7`} {
					check(fmt.Sprintf("%s %s %s", r.method, r.path, body), s.Request(r.method, r.path).Token(u.Token).JSON(body).Do())
				}
				check(r.path+" as text", s.Request(r.method, r.path).Token(u.Token).Raw("text/plain", []byte("hi")).Do())
				for _, f := range r.fields {
					for _, v := range values {
						check(fmt.Sprintf("%s %s {%s: %.30v}", r.method, r.path, f, v), s.Request(r.method, r.path).Token(u.Token).JSON(map[string]any{f: v}).Do())
					}
				}
			}
		}
		for _, p := range []string{"/api/sessions/?page=99999999999999999999", "/api/sessions/?page_size=-5", "/api/sessions/?date_from=%00",
			"/api/sessions/abc/", "/api/sessions/99999999999999999999/join/", "/session/getSession/abc", "/session/getSession/0",
			"/api/sessions/?creator=99999999999999999999"} {
			check("GET "+p, s.Get(p).Token(m.Token).Do())
			check("POST "+p, s.Post(p).Token(m.Token).Do())
		}
	})
}
