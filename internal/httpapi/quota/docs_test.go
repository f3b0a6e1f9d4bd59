package quota_test

import (
	"fmt"
	"net/http"
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
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		mentor := s.Mentor("jane")
		student := s.Mentee("john")
		plain := s.SignUp("plain") // neither mentor nor mentee, and no name: books as a student, named by username
		mc := cookieLogin(t, s, mentor.Email)

		// Login: a form body, a username, missing fields, a body that is not JSON.
		s.Post("/user/login").Form(map[string]string{"username": "john", "password": apptest.Password}).Do().Expect(200)
		s.Post("/user/login").Multipart(map[string]string{"email": student.Email, "password": apptest.Password}).Do().Expect(200)
		s.Post("/user/login").JSON(map[string]string{"email": mentor.Email}).Do().
			ExpectBody(400, `{"success":false,"message":"email and password are required"}`)
		s.Post("/user/login").JSON(`{"email":`).Do().ExpectBody(400, `{"success":false,"message":"request body is not valid JSON"}`)
		s.Post("/user/logout").Do().ExpectBody(401, `{"success":false,"message":"Unauthorized"}`)

		// Route-level errors come in this API's format.
		s.Patch("/session/api/addSession").Cookie("auth", mc).Do().ExpectBody(405, `{"success":false,"message":"method PATCH not allowed"}`)
		s.Post("/session/api/addSession").Cookie("auth", mc).Raw("text/plain", []byte("hi")).Do().
			ExpectBody(415, `{"success":false,"message":"unsupported media type"}`)
		s.Post("/session/api/addSession").Cookie("auth", mc).JSON(`{"title": "`+strings.Repeat("x", 2<<20)+`"}`).Do().
			ExpectBody(413, `{"success":false,"message":"request body is too large"}`)

		res := s.Post("/session/api/addSession").Bearer(s.JWT(mentor)).JSON(map[string]any{"scheduledAt": "2030-10-03 14:30", "quota": 1}).Do().Expect(200).Obj()
		if d := res["data"].(map[string]any); d["title"] != "Mentoring session with Jane Mentor" || d["field"] != nil {
			t.Fatalf("add: %v", res)
		}
		s.Post("/session/api/addSession").Cookie("auth", mc).JSON(map[string]any{"scheduledAt": "2030-10-03T14:30:00Z", "quota": 2, "title": " "}).Do().
			ExpectBody(400, `{"success":false,"message":"title: This field may not be blank."}`)
		// Above the largest quota, the message says so (it used to say "greater than or equal to 1").
		s.Post("/session/api/addSession").Cookie("auth", mc).JSON(map[string]any{"scheduledAt": "2030-10-03T14:30:00Z", "quota": 10001}).Do().
			ExpectBody(400, `{"success":false,"message":"Number must be less than or equal to 10000"}`)
		s.Post("/session/api/addSession").Cookie("auth", mc).JSON(`[1]`).Do().
			ExpectBody(400, `{"success":false,"message":"request body must be a JSON object"}`)
		s.Put("/session/api/updateSession/1").Cookie("auth", s.JWT(student)).JSON(map[string]any{"quota": 3}).Do().
			ExpectBody(403, `{"success":false,"message":"only mentors can manage sessions"}`)
		s.Delete("/session/api/deleteSession/1").Token(student.Token).Do().
			ExpectBody(403, `{"success":false,"message":"only mentors can manage sessions"}`)
		s.Delete("/session/api/deleteSession/x").Cookie("auth", mc).Do().
			ExpectBody(400, `{"success":false,"message":"Validation failed (numeric string is expected)"}`)
		s.Get("/session/getSession/0").Do().ExpectBody(400, `{"success":false,"message":"Validation failed (numeric string is expected)"}`)
		s.Get("/session/getSession/999/").Do().ExpectBody(404, `{"success":false,"message":"mentor not found"}`)

		book := func(u apptest.User, body any) *apptest.Response {
			return s.Post(fmt.Sprintf("/session/api/student/bookSession/%d", mentor.ID)).Token(u.Token).JSON(body).Do()
		}
		book(student, map[string]any{"session_id": 0}).
			ExpectBody(400, `{"success":false,"message":"session_id must be a number greater than or equal to 1"}`)
		res = book(plain, map[string]any{"session_id": 1}).Expect(200).Obj()
		if d := res["data"].(map[string]any); d["mentor_name"] != "Jane Mentor" || d["student_name"] != "plain" || d["session_id"] != 1.0 {
			t.Fatalf("book: %v", res)
		}
		book(s.Mentee("late"), map[string]any{"session_id": 1}).ExpectBody(400, `{"success":false,"message":"quota has run out"}`)

		// A started session can be neither changed nor deleted; a completed one not changed.
		s.Clock.Set(time.Date(2030, 10, 3, 15, 0, 0, 0, time.UTC))
		s.Post("/api/sessions/1/start/").As(mentor).Do().Expect(200)
		s.Delete("/session/api/deleteSession/1").Cookie("auth", mc).Do().
			ExpectBody(400, `{"success":false,"message":"an ongoing or completed session cannot be deleted"}`)
		s.Post("/api/sessions/1/complete/").As(mentor).Do().Expect(200)
		s.Put("/session/api/updateSession/1").Cookie("auth", mc).JSON(map[string]any{"title": "Later"}).Do().
			ExpectBody(400, `{"success":false,"message":"this session can no longer be changed"}`)
		list := s.Get(fmt.Sprintf("/session/getSession/%d", mentor.ID)).Do().Expect(200).Obj()["data"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["status"] != "completed" {
			t.Fatalf("list: %v", list)
		}
	})
}

// TestLoginRateLimit: past the limit, 429 with Retry-After.
func TestLoginRateLimit(t *testing.T) {
	if res := apptest.LoginLimited(t, "/user/login"); !strings.Contains(string(res.Body), `"success":false`) {
		t.Fatalf("429: %s", res.Body)
	}
}

// TestWhoMayManage: mentors add; the creator or staff update and delete; a
// student is refused before the session is looked up or the body read.
func TestWhoMayManage(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		mentor := s.Mentor("jane")
		other := s.Mentor("other")
		student := s.Mentee("john")
		staff := s.JWT(s.Staff("root"))
		good := map[string]any{"scheduledAt": "2030-10-03T14:30:00Z", "quota": 5}
		s.Post("/session/api/addSession").Token(mentor.Token).JSON(good).Do().Expect(200)
		s.Post("/session/api/addSession").Bearer(staff).JSON(good).Do().
			ExpectBody(403, `{"success":false,"message":"only mentors can manage sessions"}`)

		const onlyMentors = `{"success":false,"message":"only mentors can manage sessions"}`
		const notFound = `{"success":false,"message":"session is not found"}`
		for _, id := range []string{"1", "999"} {
			// A student: 403 whether the session exists or not, whatever the body.
			for _, body := range []string{`{"quota": 3}`, `{"scheduledAt": "soon"}`, `{"quota": `, `[1]`} {
				s.Put("/session/api/updateSession/"+id).Token(student.Token).JSON(body).Do().ExpectBody(403, onlyMentors)
			}
			s.Delete("/session/api/deleteSession/"+id).Token(student.Token).Do().ExpectBody(403, onlyMentors)
			// Another mentor: someone else's session is not found, as a missing one;
			// a body that cannot be read is answered first.
			s.Put("/session/api/updateSession/"+id).Token(other.Token).JSON(`{"quota": 3}`).Do().ExpectBody(404, notFound)
			s.Put("/session/api/updateSession/"+id).Token(other.Token).JSON(`{"scheduledAt": "soon"}`).Do().
				ExpectBody(400, `{"success":false,"message":"Invalid date"}`)
			s.Delete("/session/api/deleteSession/"+id).Token(other.Token).Do().ExpectBody(404, notFound)
		}
		// Staff may act for the creator, as on the tutoring API.
		s.Put("/session/api/updateSession/1").Bearer(staff).JSON(map[string]any{"quota": 7}).Do().Expect(200)
		s.Delete("/session/api/deleteSession/1").Bearer(staff).Do().
			ExpectBody(200, `{"success":true,"message":"successfully delete mentor session"}`)
	})
}

// TestAuthCookieSecureBehindHTTPS: behind a proxy that ends TLS (PUBLIC_URL
// says https) the auth cookie, set and cleared, is Secure, as the web app's
// is; over plain HTTP it cannot be.
func TestAuthCookieSecureBehindHTTPS(t *testing.T) {
	for _, tc := range []struct {
		publicURL string
		secure    bool
	}{{"https://mentors.example.org", true}, {"", false}} {
		s := apptest.Start(t, store.SQLite, apptest.Options{NoWorker: true, Config: func(c *config.Config) { c.PublicURL = tc.publicURL }})
		u := s.SignUp("john")
		login := s.Post("/user/login").JSON(map[string]string{"email": u.Email, "password": apptest.Password}).Do().Expect(200)
		c := login.Cookie("auth")
		if c == nil || c.Secure != tc.secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Fatalf("PUBLIC_URL %q: the auth cookie %+v, want Secure %v", tc.publicURL, c, tc.secure)
		}
		if out := s.Post("/user/logout").Cookie("auth", c.Value).Do().Expect(200).Cookie("auth"); out == nil || out.Secure != tc.secure {
			t.Fatalf("PUBLIC_URL %q: the cleared cookie %+v, want Secure %v", tc.publicURL, out, tc.secure)
		}
	}
}
