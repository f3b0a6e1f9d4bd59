package tutoring_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/config"
	"github.com/mentord/mentord/internal/store"
)

// TestDocumentedAnswers sends the answers docs/openapi.yaml documents for
// this API that the other tests do not reach; apptest checks each one
// against the document.
func TestDocumentedAnswers(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		inst := s.Mentor("john")
		other := s.Mentor("ann")
		alice := s.Mentee("alice")

		// Login and refresh: forms, missing fields, bodies that cannot be parsed.
		form := url.Values{"username": {"john"}, "password": {apptest.Password}}.Encode()
		var login struct{ Tokens struct{ Refresh string } }
		s.Post("/api/auth/login/").Raw("application/x-www-form-urlencoded", []byte(form)).Do().Expect(200).Decode(&login)
		s.Post("/api/auth/login/").Multipart(map[string]string{"email": alice.Email, "password": apptest.Password}).Do().Expect(200)
		s.Post("/api/auth/login/").JSON(map[string]string{"email": alice.Email}).Do().ExpectBody(400, `{"error":"Email and password are required"}`)
		s.Post("/api/auth/login/").JSON(`{`).Do().Expect(400)
		s.Post("/api/auth/token/refresh/").Raw("application/x-www-form-urlencoded", []byte("refresh="+login.Tokens.Refresh)).Do().Expect(200)
		s.Post("/api/auth/token/refresh/").JSON(map[string]any{}).Do().ExpectBody(400, `{"refresh":["This field is required."]}`)
		s.Post("/api/auth/token/refresh/").JSON(map[string]any{"refresh": nil}).Do().ExpectBody(400, `{"refresh":["This field may not be null."]}`)
		s.Post("/api/auth/token/refresh/").JSON(map[string]any{"refresh": "x.y.z"}).Do().Expect(401)

		// Route-level errors.
		s.Patch("/api/sessions/").As(inst).Do().ExpectBody(405, `{"detail":"Method \"PATCH\" not allowed."}`)
		s.Post("/api/sessions/").As(inst).Raw("text/plain", []byte("hi")).Do().ExpectBody(415, `{"detail":"Unsupported media type \"text/plain\" in request."}`)
		s.Post("/api/sessions/").As(inst).JSON(`{"title": "`+strings.Repeat("x", 2<<20)+`"}`).Do().ExpectBody(413, `{"detail":"Request body is too large."}`)
		s.Get("/api/sessions/my_sessions/").Do().ExpectBody(401, `{"detail":"Authentication credentials were not provided."}`)

		// Create with a form and with a body that is not an object.
		created := url.Values{"title": {"Graphs"}, "description": {"BFS and DFS"}, "date": {at(3 * time.Hour)}, "max_participants": {"3"}}.Encode()
		s.Post("/api/sessions/").As(inst).Raw("application/x-www-form-urlencoded", []byte(created)).Do().Expect(201)
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
	s := apptest.Start(t, store.SQLite, apptest.Options{Now: t0, NoWorker: true, Config: func(c *config.Config) { c.LoginPerMinute = 1 }})
	s.Post("/api/auth/login/").JSON(map[string]string{"email": "nobody@example.com", "password": "x"}).Do().Expect(401)
	res := s.Post("/api/auth/login/").JSON(map[string]string{"email": "nobody@example.com", "password": "x"}).Do().Expect(429)
	if res.Header.Get("Retry-After") == "" || !strings.HasPrefix(string(res.Body), `{"detail":"Request was throttled.`) {
		t.Fatalf("429: %v %s", res.Header, res.Body)
	}
}
