package tutoring_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestDocumentedAnswers sends the answers docs/openapi.yaml documents for
// this API that the other tests do not reach; apptest checks each one
// against the document.
func TestDocumentedAnswers(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		inst := s.Mentor("john")
		other := s.Mentor("ann")
		alice := s.Mentee("alice")

		// Login and refresh: forms, missing fields, bodies that cannot be parsed.
		var login struct{ Tokens struct{ Refresh string } }
		s.Post("/api/auth/login/").Form(map[string]string{"username": "john", "password": apptest.Password}).Do().Expect(200).Decode(&login)
		s.Post("/api/auth/login/").Multipart(map[string]string{"email": alice.Email, "password": apptest.Password}).Do().Expect(200)
		s.Post("/api/auth/login/").JSON(map[string]string{"email": alice.Email}).Do().ExpectBody(400, `{"error":"Email and password are required"}`)
		s.Post("/api/auth/login/").JSON(`{`).Do().Expect(400)
		s.Post("/api/auth/token/refresh/").Form(map[string]string{"refresh": login.Tokens.Refresh}).Do().Expect(200)
		s.Post("/api/auth/token/refresh/").JSON(map[string]any{}).Do().ExpectBody(400, `{"refresh":["This field is required."]}`)
		s.Post("/api/auth/token/refresh/").JSON(map[string]any{"refresh": nil}).Do().ExpectBody(400, `{"refresh":["This field may not be null."]}`)
		s.Post("/api/auth/token/refresh/").JSON(map[string]any{"refresh": "x.y.z"}).Do().Expect(401)

		// Route-level errors.
		s.Patch("/api/sessions/").As(inst).Do().ExpectBody(405, `{"detail":"Method \"PATCH\" not allowed."}`)
		s.Post("/api/sessions/").As(inst).Raw("text/plain", []byte("hi")).Do().ExpectBody(415, `{"detail":"Unsupported media type \"text/plain\" in request."}`)
		s.Post("/api/sessions/").As(inst).JSON(`{"title": "`+strings.Repeat("x", 2<<20)+`"}`).Do().ExpectBody(413, `{"detail":"Request body is too large."}`)
		s.Get("/api/sessions/my_sessions/").Do().ExpectBody(401, `{"detail":"Authentication credentials were not provided."}`)

		// Create with a form and with a body that is not an object.
		created := map[string]string{"title": "Graphs", "description": "BFS and DFS", "date": at(3 * time.Hour), "max_participants": "3"}
		s.Post("/api/sessions/").As(inst).Form(created).Do().Expect(201)
		s.Post("/api/sessions/").As(inst).Multipart(map[string]string{"title": "Trees", "description": "AVL", "date": at(4 * time.Hour), "max_participants": "2"}).Do().Expect(201)
		s.Post("/api/sessions/").As(inst).JSON(`[1]`).Do().ExpectBody(400, `{"non_field_errors":["Invalid data. Expected a dictionary."]}`)
		// A quota session (one seat) shows here too.
		s.Post("/session/api/addSession").As(inst).JSON(map[string]any{"scheduledAt": at(5 * time.Hour), "quota": 1}).Do().Expect(200)

		// Joining: a mentor joins as tutor; the creator cannot join.
		res := s.Post("/api/sessions/1/join/").As(other).Do().Expect(201).Obj()
		if p := res["session"].(map[string]any)["participants"].([]any)[0].(map[string]any); p["role"] != "tutor" || p["user"].(map[string]any)["role"] != "instructor" {
			t.Fatalf("join by a mentor: %v", res)
		}
		s.Post("/api/sessions/1/join/").As(inst).Do().ExpectBody(400, `{"error":"You cannot join a session you created"}`)
		s.Post("/api/sessions/3/join/").As(alice).Do().Expect(201)
		s.Get("/api/sessions/3/").As(alice).Do().Expect(200)
		s.Get("/api/sessions/?page=last&page_size=2").As(alice).Do().Expect(200)
		s.Get("/api/sessions/joined_sessions/?page=2").As(alice).Do().ExpectBody(404, `{"detail":"Invalid page."}`)
		s.Get("/api/sessions/9/participants/").As(alice).Do().ExpectBody(404, `{"detail":"Not found."}`)

		// The status flow's refusals.
		s.Post("/api/sessions/1/cancel/").As(alice).Do().ExpectBody(403, `{"error":"Only the creator can cancel a session"}`)
		s.Post("/api/sessions/1/start/").As(alice).Do().ExpectBody(403, `{"error":"Only the creator can start a session"}`)
		s.Post("/api/sessions/1/complete/").As(alice).Do().ExpectBody(403, `{"error":"Only the creator can complete a session"}`)
		s.Delete("/api/sessions/1/").As(alice).Do().ExpectBody(403, `{"error":"Only the creator can delete this session"}`)
		s.Post("/api/sessions/1/complete/").As(inst).Do().ExpectBody(400, `{"error":"Only ongoing sessions can be completed"}`)
		s.Clock.Set(t0.Add(3 * time.Hour))
		s.Post("/api/sessions/1/start/").As(inst).Do().Expect(200)
		s.Post("/api/sessions/1/start/").As(inst).Do().ExpectBody(400, `{"error":"Only upcoming sessions can be started"}`)
		s.Post("/api/sessions/1/leave/").As(other).Do().ExpectBody(400, `{"error":"Cannot leave an ongoing or completed session"}`)
		s.Post("/api/sessions/1/join/").As(alice).Do().ExpectBody(400, `{"error":"Cannot join this session. It may be cancelled, completed, or already started"}`)
		s.Post("/api/sessions/1/cancel/").As(inst).Do().Expect(200)
		s.Post("/api/sessions/1/cancel/").As(inst).Do().ExpectBody(400, `{"error":"Cannot cancel a completed or cancelled session"}`)
		s.Put("/api/sessions/1/").As(inst).JSON(session("Graphs", 48*time.Hour, 3)).Do().ExpectBody(400, `{"error":"Cannot update completed or cancelled sessions"}`)
		s.Patch("/api/sessions/3/").As(inst).JSON(map[string]any{"max_participants": 2}).Do().Expect(200)
	})
}

// TestLoginRateLimit: past the limit, 429 with Retry-After.
func TestLoginRateLimit(t *testing.T) {
	if res := apptest.LoginLimited(t, "/api/auth/login/"); !strings.HasPrefix(string(res.Body), `{"detail":"Request was throttled.`) {
		t.Fatalf("429: %s", res.Body)
	}
}

// TestWhoMayManage: instructors create; the creator or staff manage; a
// student is refused before the session is looked up, so that an id that
// does not exist answers as one that does.
func TestWhoMayManage(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		inst := s.Mentor("john")
		other := s.Mentor("ann")
		alice := s.Mentee("alice")
		staff := s.Staff("root")
		s.Post("/api/sessions/").As(inst).JSON(session("Go", time.Hour, 5)).Do().Expect(201)

		// A student posting anything at all to create is told who may create.
		for _, body := range []string{`{"max_participants": 1}`, `[1]`, `{"title": `, `{}`} {
			s.Post("/api/sessions/").As(alice).JSON(body).Do().ExpectBody(403, `{"error":"Only instructors can create sessions"}`)
		}
		s.Post("/api/sessions/").As(alice).Raw("text/plain", []byte("hi")).Do().ExpectBody(403, `{"error":"Only instructors can create sessions"}`)
		s.Post("/api/sessions/").Bearer(s.JWT(staff)).JSON(session("Staff", time.Hour, 5)).Do().ExpectBody(403, `{"error":"Only instructors can create sessions"}`)
		// An instructor hears about the body.
		s.Post("/api/sessions/").As(inst).JSON(`[1]`).Do().ExpectBody(400, `{"non_field_errors":["Invalid data. Expected a dictionary."]}`)
		s.Post("/api/sessions/").As(inst).JSON(`{"title": `).Do().Expect(400)

		type try struct {
			method, path, msg string
		}
		for _, id := range []string{"1", "999"} {
			for _, tc := range []try{
				{"PATCH", "/api/sessions/" + id + "/", "Only the creator can update this session"},
				{"PUT", "/api/sessions/" + id + "/", "Only the creator can update this session"},
				{"DELETE", "/api/sessions/" + id + "/", "Only the creator can delete this session"},
				{"POST", "/api/sessions/" + id + "/cancel/", "Only the creator can cancel a session"},
				{"POST", "/api/sessions/" + id + "/start/", "Only the creator can start a session"},
				{"POST", "/api/sessions/" + id + "/complete/", "Only the creator can complete a session"},
			} {
				// A student: 403 whether the session exists or not.
				s.Request(tc.method, tc.path).As(alice).JSON(session("x", time.Hour, 5)).Do().ExpectBody(403, `{"error":"`+tc.msg+`"}`)
				// Another instructor: 403 for a session that exists, 404 for one that does not.
				res := s.Request(tc.method, tc.path).As(other).JSON(session("x", time.Hour, 5)).Do()
				if id == "1" {
					res.ExpectBody(403, `{"error":"`+tc.msg+`"}`)
				} else {
					res.ExpectBody(404, `{"detail":"Not found."}`)
				}
			}
		}
		// A body that cannot be read is 400 on update, whoever sends it.
		s.Patch("/api/sessions/1/").As(alice).JSON(`{"title": `).Do().Expect(400)

		// Staff may act for the creator.
		s.Patch("/api/sessions/1/").Bearer(s.JWT(staff)).JSON(map[string]any{"title": "Go, by staff"}).Do().Expect(200)
		s.Post("/api/sessions/1/cancel/").Bearer(s.JWT(staff)).Do().Expect(200)
		s.Delete("/api/sessions/1/").Bearer(s.JWT(staff)).Do().Expect(204)
	})
}

// TestGroupRoutesNeverFail500 sends malformed bodies, wrong types and odd
// values to every tutoring and quota route.
func TestGroupRoutesNeverFail500(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
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
