package momentors_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/notify/smtptest"
)

const rulesPath = "/v2/bookingrules/"

func ask(s *apptest.Server, me apptest.User, avail int, at string) *apptest.Response {
	return s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": avail, "start_time": at}).Do()
}

func setRules(s *apptest.Server, m apptest.User, rules map[string]any) {
	s.Patch(rulesPath).Token(m.Token).JSON(rules).Do().Expect(200)
}

func TestBookingRulesRoutes(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: morning}, func(t *testing.T, s *apptest.Server) {
		m, me := s.Mentor("mentor1"), s.Mentee("mentee1")
		off := `{"mentor":1,"min_notice_minutes":0,"buffer_minutes":0,"max_sessions_per_day":0,"max_sessions_per_week":0,"cancel_notice_hours":0}`
		s.Get(rulesPath).Token(m.Token).Do().ExpectBody(200, off)
		s.Get(rulesPath).Token(me.Token).Do().ExpectBody(403, `{"detail":"Only mentors have booking rules."}`)
		s.Patch(rulesPath).Token(me.Token).JSON(map[string]any{"buffer_minutes": 10}).Do().Expect(403)
		s.Get(rulesPath).Do().Expect(401)

		// Bad values are refused together, and nothing changes.
		s.Patch(rulesPath).Token(m.Token).JSON(map[string]any{"buffer_minutes": -1, "max_sessions_per_day": 49, "cancel_notice_hours": "soon", "min_notice_minutes": 60}).Do().
			ExpectBody(400, `{"buffer_minutes":["Ensure this value is greater than or equal to 0."],"max_sessions_per_day":["Ensure this value is less than or equal to 48."],"cancel_notice_hours":["A valid integer is required."]}`)
		s.Get(rulesPath).Token(m.Token).Do().ExpectBody(200, off)

		// PATCH and PUT change what is sent; the rest stays.
		s.Patch(rulesPath).Token(m.Token).JSON(map[string]any{"min_notice_minutes": 120, "max_sessions_per_day": "3"}).Do().
			ExpectBody(200, `{"mentor":1,"min_notice_minutes":120,"buffer_minutes":0,"max_sessions_per_day":3,"max_sessions_per_week":0,"cancel_notice_hours":0}`)
		s.Put(rulesPath).Token(m.Token).JSON(map[string]any{"buffer_minutes": 15, "max_sessions_per_week": 10, "cancel_notice_hours": 24}).Do().
			ExpectBody(200, `{"mentor":1,"min_notice_minutes":120,"buffer_minutes":15,"max_sessions_per_day":3,"max_sessions_per_week":10,"cancel_notice_hours":24}`)
		s.Get(strings.TrimSuffix(rulesPath, "/")).Token(m.Token).Do().
			ExpectBody(200, `{"mentor":1,"min_notice_minutes":120,"buffer_minutes":15,"max_sessions_per_day":3,"max_sessions_per_week":10,"cancel_notice_hours":24}`)
		r, err := s.Store.BookingRulesOf(t.Context(), m.ID)
		if err != nil || r.MaxPerWeek != 10 || !r.UpdatedAt.Equal(morning) {
			t.Fatalf("stored rules %+v, %v", r, err)
		}
	})
}

func TestMinimumNotice(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: morning}, func(t *testing.T, s *apptest.Server) {
		m, me := mentorAndMentee(s, "2030-01-15T09:30:00Z", "2030-01-15T13:00:00Z")
		// Off by default: half an hour ahead is fine.
		ask(s, me, 1, "2030-01-15T09:30:00Z").Expect(201)
		setRules(s, m, map[string]any{"min_notice_minutes": 120})
		ask(s, me, 1, "2030-01-15T10:30:00Z").
			ExpectBody(400, `{"start_time":["This mentor takes requests at least 2 hours before the session starts."]}`)
		ask(s, me, 1, "2030-01-15T11:00:00Z").Expect(201)
		// Moving a session closer than the notice is refused too.
		s.Patch("/sessionrequest/2/").Token(me.Token).JSON(map[string]any{"start_time": "2030-01-15T10:00:00Z"}).Do().
			ExpectBody(400, `{"start_time":["This mentor takes requests at least 2 hours before the session starts."]}`)
		// As time passes the notice moves with it.
		s.Clock.Set(morning.Add(time.Hour))
		ask(s, me, 1, "2030-01-15T11:30:00Z").
			ExpectBody(400, `{"start_time":["This mentor takes requests at least 2 hours before the session starts."]}`)
		ask(s, me, 1, "2030-01-15T12:00:00Z").Expect(201) // exactly 2 hours ahead
		if list := s.Get("/session/").Token(me.Token).Do().Expect(200).List(); len(list) != 3 {
			t.Fatalf("sessions: %v", list)
		}
	})
}

func TestBuffer(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: morning}, func(t *testing.T, s *apptest.Server) {
		m, me := mentorAndMentee(s, "2030-01-15T10:00:00Z", "2030-01-15T16:00:00Z")
		other := s.Mentee("mentee2")
		ask(s, me, 1, "2030-01-15T12:00:00Z").Expect(201) // 12:00-12:30
		// Off by default: back to back is fine.
		ask(s, other, 1, "2030-01-15T12:30:00Z").Expect(201)
		setRules(s, m, map[string]any{"buffer_minutes": 15})
		const msg = `{"non_field_errors":["This mentor keeps 15 minutes free between sessions; choose a time further from their other sessions."]}`
		ask(s, other, 1, "2030-01-15T11:30:00Z").ExpectBody(400, msg) // ends 12:00
		ask(s, other, 1, "2030-01-15T13:10:00Z").ExpectBody(400, msg) // 10 min after 13:00
		ask(s, other, 1, "2030-01-15T11:15:00Z").Expect(201)          // ends 11:45, 15 min before
		ask(s, other, 1, "2030-01-15T13:15:00Z").Expect(201)
		// A move into the buffer is refused; its own old time does not count.
		s.Patch("/sessionrequest/4/").Token(other.Token).JSON(map[string]any{"start_time": "2030-01-15T13:40:00Z"}).Do().Expect(200)
		s.Patch("/sessionrequest/4/").Token(other.Token).JSON(map[string]any{"start_time": "2030-01-15T13:50:00Z"}).Do().Expect(200)
		s.Patch("/sessionrequest/4/").Token(other.Token).JSON(map[string]any{"start_time": "2030-01-15T13:05:00Z"}).Do().ExpectBody(400, msg)
		// A canceled session frees its buffer.
		ask(s, me, 1, "2030-01-15T13:00:00Z").ExpectBody(400, msg) // right after session 2
		s.Patch("/sessionrequest/2/").Token(other.Token).JSON(map[string]any{"status": "Canceled"}).Do().Expect(200)
		ask(s, me, 1, "2030-01-15T13:00:00Z").Expect(201)
	})
}

func TestDayAndWeekLimits(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: morning}, func(t *testing.T, s *apptest.Server) {
		m, me := mentorAndMentee(s, "2030-01-15T10:00:00Z", "2030-01-23T10:00:00Z")
		s.Patch("/myprofile/").Token(m.Token).JSON(map[string]any{"timezone": "America/New_York"}).Do().Expect(200)
		setRules(s, m, map[string]any{"max_sessions_per_day": 2, "max_sessions_per_week": 4})
		const day = `{"non_field_errors":["This mentor takes at most 2 sessions a day, and that day is full."]}`
		const week = `{"non_field_errors":["This mentor takes at most 4 sessions a week, and that week is full."]}`
		// Tuesday 15 January in New York runs from 05:00Z to 05:00Z the next day.
		ask(s, me, 1, "2030-01-15T14:00:00Z").Expect(201)
		ask(s, me, 1, "2030-01-15T15:00:00Z").Expect(201)
		ask(s, me, 1, "2030-01-15T16:00:00Z").ExpectBody(400, day)
		ask(s, me, 1, "2030-01-16T04:30:00Z").ExpectBody(400, day) // 23:30 on the 15th in New York
		ask(s, me, 1, "2030-01-16T05:00:00Z").Expect(201)          // midnight: the 16th
		// A canceled session gives its place back.
		s.Patch("/sessionrequest/1/").Token(me.Token).JSON(map[string]any{"status": "Canceled"}).Do().Expect(200)
		ask(s, me, 1, "2030-01-15T16:00:00Z").Expect(201)
		// The week (Monday 14 to Sunday 20 January, New York) holds 4.
		ask(s, me, 1, "2030-01-17T15:00:00Z").Expect(201)
		ask(s, me, 1, "2030-01-18T15:00:00Z").ExpectBody(400, week)
		ask(s, me, 1, "2030-01-21T04:30:00Z").ExpectBody(400, week) // Sunday 23:30 in New York
		ask(s, me, 1, "2030-01-21T05:00:00Z").Expect(201)           // Monday: a new week
		// A move within the full week is not counted twice; out of it is
		// refused.
		s.Patch("/sessionrequest/5/").Token(me.Token).JSON(map[string]any{"start_time": "2030-01-19T15:00:00Z"}).Do().Expect(200)
		s.Patch("/sessionrequest/6/").Token(me.Token).JSON(map[string]any{"start_time": "2030-01-19T16:00:00Z"}).Do().ExpectBody(400, week)
		// The day limit holds for moves too.
		s.Patch("/sessionrequest/5/").Token(me.Token).JSON(map[string]any{"start_time": "2030-01-15T18:00:00Z"}).Do().ExpectBody(400, day)
	})
}

// TestDayLimitUnderConcurrency fires 20 requests for distinct free slots of
// one day at once, with a limit of 3 a day: exactly 3 are created. On
// PostgreSQL the requests are also split across two mentord instances.
func TestDayLimitUnderConcurrency(t *testing.T) {
	apptest.EachCluster(t, apptest.Options{Now: morning, NoWorker: true}, func(t *testing.T, servers []*apptest.Server) {
		s := servers[0]
		m, _ := mentorAndMentee(s, "2030-01-15T10:00:00Z", "2030-01-15T22:00:00Z")
		setRules(s, m, map[string]any{"max_sessions_per_day": 3})
		created, stored := race(t, servers, "racer", 20, time.Date(2030, 1, 15, 10, 0, 0, 0, time.UTC), 30*time.Minute,
			`{"non_field_errors":["This mentor takes at most 3 sessions a day, and that day is full."]}`,
			func(s *apptest.Server, me apptest.User, at string) *apptest.Response { return ask(s, me, 1, at) })
		if created != 3 || stored != 3 {
			t.Fatalf("created %d, stored %d", created, stored)
		}
	})
}

func TestCancellationNotice(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: morning}, func(t *testing.T, s *apptest.Server) {
		m, me := mentorAndMentee(s, "2030-01-17T10:00:00Z", "2030-01-17T14:00:00Z")
		for _, at := range []string{"2030-01-17T10:00:00Z", "2030-01-17T10:30:00Z", "2030-01-17T12:00:00Z"} {
			ask(s, me, 1, at).Expect(201)
		}
		s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]any{"status": "Confirmed"}).Do().Expect(200)
		setRules(s, m, map[string]any{"cancel_notice_hours": 24})
		// 48 hours ahead the mentee still cancels.
		s.Patch("/sessionrequest/3/").Token(me.Token).JSON(map[string]any{"status": "Canceled"}).Do().Expect(200)
		// 23 hours ahead only the mentor can, and says why.
		s.Clock.Set(time.Date(2030, 1, 16, 11, 0, 0, 0, time.UTC))
		s.Patch("/sessionrequest/1/").Token(me.Token).JSON(map[string]any{"status": "Canceled"}).Do().
			ExpectBody(400, `{"status":["Sessions with this mentor can be canceled up to 24 hours before they start; ask your mentor to cancel."]}`)
		s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]any{"status": "Canceled", "cancel_reason": "  "}).Do().
			ExpectBody(400, `{"cancel_reason":["Say why you cancel this late: the mentee is told."]}`)
		s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]any{"status": "Canceled", "cancel_reason": strings.Repeat("x", 501)}).Do().
			ExpectBody(400, `{"cancel_reason":["Ensure this field has no more than 500 characters."]}`)
		if got := s.Get("/sessionrequest/1/").Token(me.Token).Do().Expect(200).Obj()["status"]; got != "Confirmed" {
			t.Fatalf("status after refusals: %v", got)
		}
		s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]any{"status": "Canceled", "cancel_reason": "I am ill."}).Do().Expect(200)
		mail := s.SMTP.WaitFor(5*time.Second, func(m smtptest.Mail) bool {
			return len(m.To) == 1 && m.To[0] == me.Email && strings.Contains(m.Subject, "has canceled your session")
		})
		if !strings.Contains(mail.Text, "The reason given: I am ill.") {
			t.Fatalf("mentee's e-mail: %q", mail.Text)
		}
		// The notice holds for pending requests too, and one hour is "1 hour".
		s.Patch("/sessionrequest/2/").Token(me.Token).JSON(map[string]any{"status": "Canceled"}).Do().Expect(400)
		setRules(s, m, map[string]any{"cancel_notice_hours": 1})
		s.Clock.Set(time.Date(2030, 1, 17, 9, 45, 0, 0, time.UTC))
		s.Patch("/sessionrequest/2/").Token(me.Token).JSON(map[string]any{"status": "Canceled"}).Do().
			ExpectBody(400, `{"status":["Sessions with this mentor can be canceled up to 1 hour before they start; ask your mentor to cancel."]}`)
		// Switched off, the old rule is back.
		setRules(s, m, map[string]any{"cancel_notice_hours": 0})
		s.Patch("/sessionrequest/2/").Token(me.Token).JSON(map[string]any{"status": "Canceled"}).Do().Expect(200)
	})
}

// TestDayLimitWhereMidnightIsSkipped: in America/Santiago clocks jump from
// 24:00 on Saturday 4 September 2027 to 01:00 on Sunday, so Saturday ends
// at 04:00 UTC, not an hour earlier: a session at 23:00 on Saturday (-04)
// is Saturday's, as one at 22:00 is, and leaves Sunday's place free. (The
// day was taken as time.Date's midnight, which reads the skipped 00:00 as
// 23:00 on Saturday.)
func TestDayLimitWhereMidnightIsSkipped(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: time.Date(2027, 9, 1, 12, 0, 0, 0, time.UTC)}, func(t *testing.T, s *apptest.Server) {
		m, me := mentorAndMentee(s, "2027-09-05T02:00:00Z", "2027-09-05T15:00:00Z") // Saturday 22:00 -04 to Sunday 12:00 -03
		s.Patch("/myprofile/").Token(m.Token).JSON(map[string]any{"timezone": "America/Santiago"}).Do().Expect(200)
		setRules(s, m, map[string]any{"max_sessions_per_day": 1})
		ask(s, me, 1, "2027-09-05T03:00:00Z").Expect(201) // Saturday 23:00
		ask(s, me, 1, "2027-09-05T13:00:00Z").Expect(201) // Sunday 10:00
		full := `{"non_field_errors":["This mentor takes at most 1 session a day, and that day is full."]}`
		ask(s, me, 1, "2027-09-05T02:00:00Z").ExpectBody(400, full) // Saturday 22:00
	})
}
