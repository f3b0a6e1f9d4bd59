package tutoring_test

import (
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestWhoMayManage: instructors create; the creator or staff manage; a
// student is refused before the session is looked up, so that an id that
// does not exist answers as one that does.
func TestWhoMayManage(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
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
