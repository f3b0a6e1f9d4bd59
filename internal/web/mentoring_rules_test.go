package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestBookingRulesPage: the mentor sets booking rules on their page, and
// the mentee's view of the mentor offers only the starts the rules allow.
func TestBookingRulesPage(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow}, func(t *testing.T, s *apptest.Server) {
		mona := s.Mentor("mona", "Go")
		s.Post("/availability/").Token(mona.Token).JSON(map[string]string{"start_time": "2030-01-15T10:00:00Z", "end_time": "2030-01-15T14:00:00Z"}).Do().Expect(201)
		monaWeb := logIn(t, s, "mona")
		expectPage(t, monaWeb, "/app/mentor/profile", 200, "Your mentor profile", `href="/app/mentor/rules"`)
		expectPage(t, monaWeb, "/app/mentor/rules", 200, "Your booking rules",
			`name="min_notice_minutes" type="number" value="0"`, `name="buffer_minutes"`, `name="max_sessions_per_day"`, `name="max_sessions_per_week"`,
			`name="cancel_notice_hours"`, "counted in your time zone, UTC")

		// Refusals next to the field, the input kept, nothing saved.
		expectPost(t, monaWeb, "/app/mentor/rules", url.Values{"min_notice_minutes": {"soon"}, "buffer_minutes": {"-5"}, "max_sessions_per_day": {"3"}}, 400, `id="e-min_notice_minutes"`, "Type a whole number.", `id="e-buffer_minutes"`, "Use a number of at least 0.", `value="soon"`)
		if r, err := s.Store.BookingRulesOf(t.Context(), mona.ID); err != nil || r.MaxPerDay != 0 {
			t.Fatalf("a refused form saved %+v, %v", r, err)
		}
		// Saved: 2 hours' notice, a 30-minute break, 24 hours to cancel; an empty field is off.
		status, body := monaWeb.post("/app/mentor/rules", url.Values{"min_notice_minutes": {"120"}, "buffer_minutes": {"30"}, "max_sessions_per_day": {""},
			"max_sessions_per_week": {"0"}, "cancel_notice_hours": {"24"}})
		if status != 200 || monaWeb.res.Request.URL.Path != "/app/mentor/rules" || !strings.Contains(body, "Your booking rules are saved.") ||
			!strings.Contains(body, `name="min_notice_minutes" type="number" value="120"`) || !strings.Contains(body, `name="max_sessions_per_day" type="number" value="0"`) {
			t.Fatalf("save rules: %d at %s\n%s", status, monaWeb.res.Request.URL, body)
		}
		r, err := s.Store.BookingRulesOf(t.Context(), mona.ID)
		if err != nil || r.MinNoticeMinutes != 120 || r.BufferMinutes != 30 || r.CancelNoticeHours != 24 || r.MaxPerDay != 0 {
			t.Fatalf("stored %+v, %v", r, err)
		}

		// The mentee is offered starts from 11:00 (two hours from 09:00).
		bea := s.Mentee("bea")
		beaWeb := logIn(t, s, "bea")
		path := "/app/mentors/" + itoa64(mona.ID)
		body = expectPage(t, beaWeb, path, 200, "Mona Mentor", `name="start" value="2030-01-15T11:00:00Z"`)
		if strings.Contains(body, `value="2030-01-15T10:30:00Z"`) {
			t.Error("a start inside the minimum notice is offered")
		}
		avail := find(t, `name="availability" value="(\d+)"`, body)
		expectPost(t, beaWeb, path+"/request", url.Values{"availability": {avail}, "start": {"2030-01-15T10:30:00Z"}, "length": {"30"}}, 400, "This mentor takes requests at least 2 hours before the session starts.")
		status, _ = beaWeb.post(path+"/request", url.Values{"availability": {avail}, "start": {"2030-01-15T11:00:00Z"}, "length": {"30"}})
		if status != 200 {
			t.Fatalf("request: %d", status)
		}
		// After 11:00-11:30, the next start offered is 12:00.
		body = expectPage(t, beaWeb, path, 200, "Mona Mentor", `name="start" value="2030-01-15T12:00:00Z"`)
		if strings.Contains(body, `value="2030-01-15T11:30:00Z"`) {
			t.Error("a start inside the buffer is offered")
		}

		// Inside the cancellation notice the mentee is refused; the mentor
		// cancels with a reason, which reaches the mentee.
		sessionID := find(t, `href="/app/sessions/(\d+)\.ics"`, expectPage(t, monaWeb, "/app/sessions", 200, "Sessions", `name="cancel_reason"`))
		// The mentee's page says so instead of offering Cancel; a cancel sent anyway is refused.
		body = expectPage(t, beaWeb, "/app/sessions/"+sessionID, 200, "Session with Mona Mentor", "can be canceled up to 24 hours before they start")
		if strings.Contains(body, `name="status" value="Canceled"`) {
			t.Error("the mentee is offered Cancel inside the notice")
		}
		expectPost(t, beaWeb, "/app/sessions/"+sessionID+"/status", url.Values{"status": {"Canceled"}}, 400, "can be canceled up to 24 hours before they start")
		expectPost(t, monaWeb, "/app/sessions/"+sessionID+"/status", url.Values{"status": {"Canceled"}, "cancel_reason": {""}}, 400, "Say why you cancel this late")
		status, _ = monaWeb.post("/app/sessions/"+sessionID+"/status", url.Values{"status": {"Canceled"}, "cancel_reason": {"A clash at work."}})
		if status != 200 {
			t.Fatalf("mentor's cancel: %d", status)
		}
		mail := mailTo(s, bea.Email, func(_, text string) bool { return strings.Contains(text, "The reason given: A clash at work.") })
		if !strings.Contains(mail.Subject, "canceled your session") {
			t.Fatalf("mentee's e-mail: %q", mail.Subject)
		}

		// To anyone but a mentor the page does not exist.
		status, body = beaWeb.get("/app/mentor/rules")
		expectNotFound(t, status, body, "a mentee's booking rules")
	})
}
