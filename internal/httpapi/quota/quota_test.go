package quota_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/notify/smtptest"
)

var t0 = time.Date(2030, 10, 1, 9, 0, 0, 0, time.UTC)

// cookieLogin logs in through /user/login and returns the auth cookie.
func cookieLogin(t *testing.T, s *apptest.Server, email string) string {
	t.Helper()
	res := s.Post("/user/login").JSON(map[string]string{"email": email, "password": apptest.Password}).Do().Expect(200)
	if c := res.Cookie("auth"); c != nil {
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
			t.Fatalf("cookie attributes: %+v", c)
		}
		return c.Value
	}
	t.Fatalf("no auth cookie in %v", res.Header)
	return ""
}

func TestQuotaWalkThrough(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		mentor := s.Mentor("jane")
		s.Patch("/myprofile/").Token(mentor.Token).JSON(map[string]string{"first_name": "Jane", "last_name": "Doe"}).Do().Expect(200)
		student := s.Mentee("john")
		s.Patch("/myprofile/").Token(student.Token).JSON(map[string]string{"first_name": "John", "last_name": "Doe"}).Do().Expect(200)

		s.Post("/user/login").JSON(map[string]string{"email": "jane@example.com", "password": "nope"}).Do().
			ExpectBody(401, `{"success":false,"message":"email or password wrong"}`)
		mc := cookieLogin(t, s, "jane@example.com")
		sc := cookieLogin(t, s, "john@example.com")

		s.Post("/session/api/addSession").JSON(map[string]any{"scheduledAt": "2030-10-03T14:30:00Z", "quota": 5}).Do().
			ExpectBody(401, `{"success":false,"message":"Unauthorized"}`)
		s.Post("/session/api/addSession").Cookie("auth", "wrong").JSON(map[string]any{"scheduledAt": "2030-10-03T14:30:00Z", "quota": 5}).Do().
			ExpectBody(401, `{"success":false,"message":"Unauthorized"}`)
		res := s.Post("/session/api/addSession").Cookie("auth", mc).JSON(map[string]any{"scheduledAt": "2030-10-03T14:30:00Z", "quota": 5}).Do().Expect(200).Obj()
		data := res["data"].(map[string]any)
		if res["success"] != true || res["message"] != "Successfully add new schedule" || data["id"] != 1.0 || data["mentor_id"] != float64(mentor.ID) ||
			data["scheduledAt"] != "2030-10-03 14:30:00" || data["quota"] != 5.0 || data["booked"] != 0.0 || data["remaining"] != 5.0 {
			t.Fatalf("add: %v", res)
		}
		for body, msg := range map[string]string{
			`{"scheduledAt": "2024-10-03T14:30:00Z", "quota": 5}`:   "scheduled time cannot in the past",
			`{"scheduledAt": "2030-10-03T14:30:00Z", "quota": 0}`:   "Number must be greater than or equal to 1",
			`{"scheduledAt": "soon", "quota": 2}`:                   "Invalid date",
			`{"scheduledAt": "2030-10-03T14:30:00Z"}`:               "quota is required",
			`{"scheduledAt": "2030-10-03T14:30:00Z", "quota": 1.5}`: "quota must be a whole number",
		} {
			s.Post("/session/api/addSession").Cookie("auth", mc).JSON(body).Do().ExpectBody(400, fmt.Sprintf(`{"success":false,"message":%q}`, msg))
		}
		s.Post("/session/api/addSession").Cookie("auth", sc).JSON(map[string]any{"scheduledAt": "2030-10-03T14:30:00Z", "quota": 5}).Do().
			ExpectBody(403, `{"success":false,"message":"only mentors can manage sessions"}`)

		res = s.Put("/session/api/updateSession/1").Cookie("auth", mc).JSON(map[string]any{"scheduledAt": "2030-12-23T10:30:00Z", "quota": 10}).Do().Expect(200).Obj()
		if res["message"] != "successfully update mentor session" || res["data"].(map[string]any)["quota"] != 10.0 ||
			res["data"].(map[string]any)["scheduledAt"] != "2030-12-23 10:30:00" {
			t.Fatalf("update: %v", res)
		}
		s.Put("/session/api/updateSession/2").Cookie("auth", mc).JSON(map[string]any{"quota": 3}).Do().
			ExpectBody(404, `{"success":false,"message":"session is not found"}`)
		s.Put("/session/api/updateSession/abc").Cookie("auth", mc).JSON(map[string]any{"quota": 3}).Do().Expect(400)
		other := s.Mentor("other")
		oc := cookieLogin(t, s, other.Email)
		s.Put("/session/api/updateSession/1").Cookie("auth", oc).JSON(map[string]any{"quota": 3}).Do().
			ExpectBody(404, `{"success":false,"message":"session is not found"}`)

		// Public list of a mentor's sessions.
		res = s.Get(fmt.Sprintf("/session/getSession/%d", mentor.ID)).Do().Expect(200).Obj()
		if res["message"] != "Successfully get all session data" || len(res["data"].([]any)) != 1 {
			t.Fatalf("list: %v", res)
		}
		s.Get(fmt.Sprintf("/session/getSession/%d", student.ID)).Do().ExpectBody(404, `{"success":false,"message":"mentor not found"}`)

		// Booking.
		book := func(cookie string, mentorID int64, sessionID any) *apptest.Response {
			return s.Post(fmt.Sprintf("/session/api/student/bookSession/%d", mentorID)).Cookie("auth", cookie).JSON(map[string]any{"session_id": sessionID}).Do()
		}
		res = book(sc, mentor.ID, 1).Expect(200).Obj()
		data = res["data"].(map[string]any)
		if res["message"] != "successfully book mentoring session" || data["mentor_name"] != "Jane Doe" || data["student_name"] != "John Doe" ||
			data["scheduledAt"] != "2030-12-23 10:30:00" || data["bookedAt"] != "2030-10-01 09:00:00" {
			t.Fatalf("book: %v", res)
		}
		book(sc, mentor.ID, 1).ExpectBody(400, `{"success":false,"message":"you already booked this session"}`)
		book(sc, other.ID, 1).ExpectBody(404, `{"success":false,"message":"session is not found"}`)
		book(sc, mentor.ID, 42).ExpectBody(404, `{"success":false,"message":"session is not found"}`)
		book(sc, mentor.ID, "1").Expect(400)
		book(mc, mentor.ID, 1).ExpectBody(403, `{"success":false,"message":"only students can book sessions"}`)
		// Lowering the quota below what is booked is refused.
		s.Put("/session/api/updateSession/1").Cookie("auth", mc).JSON(map[string]any{"quota": 0}).Do().Expect(400)
		s.Put("/session/api/updateSession/1").Cookie("auth", mc).JSON(map[string]any{"quota": 1}).Do().Expect(200)
		late := s.Mentee("late")
		book(cookieLogin(t, s, late.Email), mentor.ID, 1).ExpectBody(400, `{"success":false,"message":"quota has run out"}`)

		// A past session cannot be booked.
		s.Post("/session/api/addSession").Cookie("auth", mc).JSON(map[string]any{"scheduledAt": "2030-10-01T10:00:00Z", "quota": 3}).Do().Expect(200)
		s.Clock.Set(t0.Add(2 * time.Hour))
		book(cookieLogin(t, s, late.Email), mentor.ID, 2).ExpectBody(400, `{"success":false,"message":"this session can no longer be booked"}`)

		// Deleting a booked session cancels the bookings and tells the students.
		s.Delete("/session/api/deleteSession/1").Cookie("auth", oc).Do().ExpectBody(404, `{"success":false,"message":"session is not found"}`)
		s.Delete("/session/api/deleteSession/1").Cookie("auth", mc).Do().ExpectBody(200, `{"success":true,"message":"successfully delete mentor session"}`)
		s.Delete("/session/api/deleteSession/1").Cookie("auth", mc).Do().ExpectBody(404, `{"success":false,"message":"session is not found"}`)
		s.SMTP.WaitFor(10*time.Second, func(m smtptest.Mail) bool {
			return m.To[0] == student.Email && strings.HasPrefix(m.Subject, "Session cancelled")
		})

		s.Post("/user/logout").Cookie("auth", sc).Do().ExpectBody(200, `{"success":true,"message":"successfully logout user"}`)
		book(sc, mentor.ID, 2).Expect(401)
		s.Get("/session/nope").Do().ExpectBody(404, `{"success":false,"message":"not found"}`)

		// JSON wants a number; a form's digits are one.
		s.Post("/session/api/addSession").Cookie("auth", mc).JSON(`{"scheduledAt": "2030-10-03T14:30:00Z", "quota": "5"}`).Do().
			ExpectBody(400, `{"success":false,"message":"quota must be a whole number"}`)
		s.Post("/session/api/addSession").Cookie("auth", mc).Raw("application/x-www-form-urlencoded", []byte("scheduledAt=2030-10-03T14:30:00Z&quota=x")).Do().
			ExpectBody(400, `{"success":false,"message":"quota must be a whole number"}`)
		form := s.Post("/session/api/addSession").Cookie("auth", mc).Raw("application/x-www-form-urlencoded", []byte("scheduledAt=2030-10-03T14:30:00Z&quota=4")).Do().Expect(200).Obj()
		if data := form["data"].(map[string]any); data["quota"] != 4.0 || data["remaining"] != 4.0 {
			t.Fatalf("add by form: %v", form)
		}
		formID := fmt.Sprintf("%.0f", form["data"].(map[string]any)["id"])
		formCookie := cookieLogin(t, s, s.Mentee("former").Email)
		bookPath := fmt.Sprintf("/session/api/student/bookSession/%d", mentor.ID)
		s.Post(bookPath).Cookie("auth", formCookie).Raw("application/x-www-form-urlencoded", []byte("session_id=one")).Do().
			ExpectBody(400, `{"success":false,"message":"session_id must be a number greater than or equal to 1"}`)
		s.Post(bookPath).Cookie("auth", formCookie).Raw("application/x-www-form-urlencoded", []byte("session_id="+formID)).Do().Expect(200)
	})
}

// A session made on one surface is seen and booked on the other.
func TestOneModelTwoSurfaces(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		mentor := s.Mentor("jane")
		st1, st2 := s.Mentee("st1"), s.Mentee("st2")
		mc := cookieLogin(t, s, mentor.Email)
		s.Post("/session/api/addSession").Cookie("auth", mc).JSON(map[string]any{"scheduledAt": "2030-10-03T14:30:00Z", "quota": 3, "field": "Web Development"}).Do().Expect(200)
		tut := s.Post("/api/sessions/").Token(mentor.Token).JSON(map[string]any{"title": "Workshop", "description": "d", "date": "2030-10-04T10:00:00Z", "max_participants": 4}).Do().Expect(201).Obj()

		page := s.Get("/api/sessions/").Token(st1.Token).Do().Expect(200).Obj()
		first := page["results"].([]any)[0].(map[string]any)
		if page["count"] != 2.0 || first["max_participants"] != 3.0 || first["title"] != "Mentoring session with Jane Mentor" {
			t.Fatalf("quota session on the tutoring surface: %v", page)
		}
		// Book the quota session by joining it on the tutoring surface, and
		// the tutoring session through bookSession.
		s.Post("/api/sessions/1/join/").Token(st1.Token).Do().Expect(201)
		res := s.Post(fmt.Sprintf("/session/api/student/bookSession/%d", mentor.ID)).Token(st2.Token).JSON(map[string]any{"session_id": tut["id"]}).Do().Expect(200).Obj()
		if res["data"].(map[string]any)["field"] != nil {
			t.Fatalf("booking: %v", res)
		}
		list := s.Get(fmt.Sprintf("/session/getSession/%d", mentor.ID)).Do().Expect(200).Obj()["data"].([]any)
		if list[0].(map[string]any)["booked"] != 1.0 || list[0].(map[string]any)["field"] != "Web Development" || list[1].(map[string]any)["booked"] != 1.0 {
			t.Fatalf("seats on the quota surface: %v", list)
		}
		// The seat counts stay true to the participant rows.
		detail := s.Get("/api/sessions/2/").Token(st1.Token).Do().Expect(200).Obj()
		if detail["available_spots"] != 3.0 || len(detail["participants"].([]any)) != 1 {
			t.Fatalf("tutoring detail after bookSession: %v", detail)
		}
	})
}

// TestNeverOversold: 200 students book a 5-seat session at once (half
// through bookSession, half through join), and one student tries 20 times at
// once; on PostgreSQL also split across two mentord instances.
func TestNeverOversold(t *testing.T) {
	apptest.EachCluster(t, apptest.Options{Now: t0, NoWorker: true}, func(t *testing.T, servers []*apptest.Server) {
		s := servers[0]
		mentor := s.Mentor("jane")
		s.Post("/api/sessions/").Token(mentor.Token).JSON(map[string]any{"title": "Hot", "description": "d", "date": "2030-10-03T10:00:00Z", "max_participants": 5}).Do().Expect(201)
		s.Post("/api/sessions/").Token(mentor.Token).JSON(map[string]any{"title": "Solo", "description": "d", "date": "2030-10-03T12:00:00Z", "max_participants": 20}).Do().Expect(201)
		students := s.Students("st", 200)

		statuses := make([]int, len(students))
		bodies := make([]string, len(students))
		// Meanwhile one student, twenty times at once, on the other session.
		same := make([]int, 20)
		apptest.AtOnce(len(students)+len(same), func(i int) {
			if k := i - len(students); k >= 0 {
				same[k] = servers[k%len(servers)].Post("/api/sessions/2/join/").Bearer(students[0].Token).Do().Status
				return
			}
			srv, u := servers[i%len(servers)], students[i]
			var res *apptest.Response
			if i%2 == 0 {
				res = srv.Post(fmt.Sprintf("/session/api/student/bookSession/%d", mentor.ID)).Bearer(u.Token).JSON(map[string]any{"session_id": 1}).Do()
			} else {
				res = srv.Post("/api/sessions/1/join/").Bearer(u.Token).Do()
			}
			statuses[i], bodies[i] = res.Status, string(res.Body)
		})

		ok := 0
		for i, st := range statuses {
			switch {
			case st == 200 || st == 201:
				ok++
			case i%2 == 0 && st == 400 && bodies[i] == `{"success":false,"message":"quota has run out"}`:
			case i%2 == 1 && st == 400 && bodies[i] == `{"error":"Session is full"}`:
			default:
				t.Errorf("student %d: %d %s", i, st, bodies[i])
			}
		}
		once := apptest.Winners(t, same, 201, 400)
		g1, _ := s.Store.GroupSessionByID(t.Context(), 1)
		g2, _ := s.Store.GroupSessionByID(t.Context(), 2)
		parts, _ := s.Store.ParticipantsOf(t.Context(), 1, 2)
		if ok != 5 || g1.Taken != 5 || len(parts[1]) != 5 || once != 1 || g2.Taken != 1 || len(parts[2]) != 1 {
			t.Fatalf("booked %d (stored %d, %d rows); repeat joins %d (stored %d, %d rows)", ok, g1.Taken, len(parts[1]), once, g2.Taken, len(parts[2]))
		}
	})
}
