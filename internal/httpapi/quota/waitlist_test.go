package quota_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestQuotaWaitlist walks the waitlist rules over the session-quota API:
// booking a full session is refused as before unless the student asks for
// the waitlist; places are first come, first served and shown on the
// session list; a raised quota and a seat given back (through the tutoring
// API, the same session) seat the first waiting, who is e-mailed; a student
// leaves the waitlist; deleting the session tells those waiting.
func TestQuotaWaitlist(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		mentor := s.Mentor("jane")
		mc := cookieLogin(t, s, mentor.Email)
		students := map[string]apptest.User{}
		cookies := map[string]string{}
		for _, n := range []string{"amy", "ben", "cal", "dan"} {
			students[n] = s.Mentee(n)
			cookies[n] = cookieLogin(t, s, students[n].Email)
		}
		s.Post("/session/api/addSession").Cookie("auth", mc).JSON(map[string]any{"scheduledAt": "2030-10-03T14:30:00Z", "quota": 1}).Do().Expect(200)
		book := func(who string, body map[string]any) *apptest.Response {
			body["session_id"] = 1
			return s.Post(fmt.Sprintf("/session/api/student/bookSession/%d", mentor.ID)).Cookie("auth", cookies[who]).JSON(body).Do()
		}
		book("amy", map[string]any{"waitlist": true}).Expect(200) // a free seat is booked as usual
		book("ben", map[string]any{}).ExpectBody(400, `{"success":false,"message":"quota has run out"}`)
		book("ben", map[string]any{"waitlist": "soon"}).ExpectBody(400, `{"success":false,"message":"waitlist must be true or false"}`)
		res := book("ben", map[string]any{"waitlist": true}).Expect(200).Obj()
		data := res["data"].(map[string]any)
		if res["message"] != "successfully joined the waitlist" || data["waitlist_position"] != 1.0 || data["waitlistedAt"] != "2030-10-01 09:00:00" ||
			data["mentor_name"] != "Jane Mentor" || data["student_name"] != "Ben Mentee" {
			t.Fatalf("waitlisted: %v", res)
		}
		if got := book("cal", map[string]any{"waitlist": true}).Expect(200).Obj()["data"].(map[string]any)["waitlist_position"]; got != 2.0 {
			t.Fatalf("cal's place: %v", got)
		}
		book("cal", map[string]any{"waitlist": true}).ExpectBody(400, `{"success":false,"message":"you are already on the waitlist of this session"}`)
		book("amy", map[string]any{"waitlist": true}).ExpectBody(400, `{"success":false,"message":"you already booked this session"}`)
		s.Post(fmt.Sprintf("/session/api/student/bookSession/%d", mentor.ID)).Cookie("auth", mc).JSON(map[string]any{"session_id": 1, "waitlist": true}).Do().
			ExpectBody(403, `{"success":false,"message":"only students can book sessions"}`)

		// The public list shows the waitlist's length; with a credential,
		// the caller's place too.
		list := fmt.Sprintf("/session/getSession/%d", mentor.ID)
		item := s.Get(list).Do().Expect(200).Obj()["data"].([]any)[0].(map[string]any)
		if item["waitlist_count"] != 2.0 || item["waitlist_position"] != nil || item["remaining"] != 0.0 {
			t.Fatalf("public list: %v", item)
		}
		if item := s.Get(list).Cookie("auth", cookies["cal"]).Do().Expect(200).Obj()["data"].([]any)[0].(map[string]any); item["waitlist_position"] != 2.0 {
			t.Fatalf("cal's list: %v", item)
		}
		s.Deliver()
		base := len(s.SMTP.Messages())

		// A raised quota seats the first waiting at once.
		upd := s.Put("/session/api/updateSession/1").Cookie("auth", mc).JSON(map[string]any{"quota": 2}).Do().Expect(200).Obj()["data"].(map[string]any)
		if upd["booked"] != 2.0 || upd["remaining"] != 0.0 || upd["waitlist_count"] != 1.0 {
			t.Fatalf("after raising the quota: %v", upd)
		}
		s.Deliver()
		if m := s.SMTP.Messages()[base:]; len(m) != 1 || m[0].To[0] != students["ben"].Email || !strings.HasPrefix(m[0].Subject, "You have a seat: ") {
			t.Fatalf("mails after raising the quota: %+v", m)
		}
		book("dan", map[string]any{"waitlist": true}).Expect(200)

		// amy gives her seat back (the tutoring API's leave, same session): cal is seated.
		s.Post("/api/sessions/1/leave/").Cookie("auth", cookies["amy"]).Do().Expect(200)
		if item := s.Get(list).Cookie("auth", cookies["dan"]).Do().Expect(200).Obj()["data"].([]any)[0].(map[string]any); item["waitlist_count"] != 1.0 || item["waitlist_position"] != 1.0 || item["booked"] != 2.0 {
			t.Fatalf("after amy left: %v", item)
		}
		parts, err := s.App.Groups.Participants(t.Context(), 1)
		if err != nil || len(parts) != 2 || parts[0].UserID != students["ben"].ID || parts[1].UserID != students["cal"].ID {
			t.Fatalf("seats after amy left: %+v %v", parts, err)
		}

		// Leaving the waitlist.
		leave := func(who string) *apptest.Response {
			return s.Post(fmt.Sprintf("/session/api/student/leaveWaitlist/%d", mentor.ID)).Cookie("auth", cookies[who]).JSON(map[string]any{"session_id": 1}).Do()
		}
		leave("cal").ExpectBody(400, `{"success":false,"message":"you are not on the waitlist of this session"}`)
		leave("dan").ExpectBody(200, `{"success":true,"message":"successfully left the waitlist"}`)
		leave("dan").Expect(400)
		s.Post("/session/api/student/leaveWaitlist/abc").Cookie("auth", cookies["dan"]).JSON(map[string]any{"session_id": 1}).Do().Expect(400)
		s.Post(fmt.Sprintf("/session/api/student/leaveWaitlist/%d", mentor.ID)).Cookie("auth", cookies["dan"]).JSON(map[string]any{"session_id": 7}).Do().
			ExpectBody(404, `{"success":false,"message":"session is not found"}`)
		s.Post(fmt.Sprintf("/session/api/student/leaveWaitlist/%d", mentor.ID)).JSON(map[string]any{"session_id": 1}).Do().Expect(401)

		// Deleting the session tells those waiting as well as those booked.
		book("amy", map[string]any{"waitlist": true}).Expect(200)
		s.Deliver()
		base = len(s.SMTP.Messages())
		s.Delete("/session/api/deleteSession/1").Cookie("auth", mc).Do().Expect(200)
		s.Deliver()
		var to []string
		for _, m := range s.SMTP.Messages()[base:] {
			to = append(to, strings.SplitN(m.To[0], "@", 2)[0])
		}
		if strings.Join(to, " ") != "ben cal amy" {
			t.Fatalf("delete mails to %v", to)
		}
	})
}
