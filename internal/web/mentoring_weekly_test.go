package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestWeeklyHoursPage: a mentor in Berlin states weekly hours and a day
// off on the web; they show in the availability week and on the mentor's
// page for mentees, and in the API.
func TestWeeklyHoursPage(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		mona := s.Mentor("mona", "Go")
		s.Patch("/myprofile/").Token(mona.Token).JSON(map[string]any{"timezone": "Europe/Berlin"}).Do().Expect(200)
		monaWeb := logIn(t, s, "mona")
		expectPage(t, monaWeb, "/app/availability", 200, "Your availability", `href="/app/mentor/weekly"`)
		expectPage(t, monaWeb, "/app/mentor/weekly", 200, "Your weekly hours", `name="mon_1_start"`, `name="sun_2_end"`, "<legend>Tuesday</legend>",
			"in your time zone (Europe/Berlin)", "None.")

		// Problems next to their fields; the input kept.
		status, body := monaWeb.post("/app/mentor/weekly", url.Values{"tue_1_start": {"17:00"}, "tue_1_end": {"16:00"}, "sat_1_start": {"ten"}, "sat_1_end": {"12:00"},
			"fri_1_start": {"09:00"}, "fri_1_end": {"11:00"}, "fri_2_start": {"10:00"}, "fri_2_end": {"12:00"}})
		if status != 400 || !strings.Contains(body, `id="e-tue_1_end"`) || !strings.Contains(body, "End after the start.") || !strings.Contains(body, `id="e-sat_1_start"`) ||
			!strings.Contains(body, `id="e-fri_2_start"`) || !strings.Contains(body, "These hours overlap other hours on Friday.") || !strings.Contains(body, `value="ten"`) {
			t.Fatalf("bad hours: %d\n%s", status, body)
		}
		// Tuesdays 17:00-19:00 and Saturdays 10:00 to midnight.
		status, body = monaWeb.post("/app/mentor/weekly", url.Values{"tue_1_start": {"17:00"}, "tue_1_end": {"19:00"}, "sat_1_start": {"10:00"}, "sat_1_end": {"00:00"}})
		if status != 200 || monaWeb.res.Request.URL.Path != "/app/mentor/weekly" || !strings.Contains(body, "Your weekly hours are saved") ||
			!strings.Contains(body, `name="tue_1_start" type="time" value="17:00"`) || !strings.Contains(body, `name="sat_1_end" type="time" value="00:00"`) ||
			!strings.Contains(body, "Published through Monday 11 February 2030") {
			t.Fatalf("save hours: %d\n%s", status, body)
		}
		s.Get("/v2/weeklyhours/").Token(mona.Token).Do().ExpectBody(200, `{"mentor":1,"timezone":"Europe/Berlin",
			"hours":[{"weekday":"tuesday","start":"17:00","end":"19:00"},{"weekday":"saturday","start":"10:00","end":"24:00"}],
			"exceptions":[],"filled_until":"2030-02-11T23:00:00Z"}`)
		expectPage(t, monaWeb, "/app/availability?week=2030-01-21", 200, "Your availability", "17:00–19:00", "10:00–00:00")

		// A day off: Tuesday 22 January.
		expectPost(t, monaWeb, "/app/mentor/weekly/exceptions", url.Values{"exception_date": {"2030-01-22"}}, 400, `id="e-exception_start"`, "Choose a day off, or give extra hours.")
		expectPost(t, monaWeb, "/app/mentor/weekly/exceptions", url.Values{"exception_date": {"2030-01-22"}, "exception_off": {"on"}}, 200, "Tuesday 22 January 2030: Day off")
		if body = expectPage(t, monaWeb, "/app/availability?week=2030-01-21", 200, "Your availability", "10:00–00:00"); strings.Contains(body, "17:00–19:00") {
			t.Error("the day off still has its weekly hours")
		}
		// The mentee sees the hours on the mentor's page (16:00 UTC is 17:00 in Berlin, 09:00 UTC 10:00).
		s.Mentee("bea")
		beaWeb := logIn(t, s, "bea")
		expectPage(t, beaWeb, "/app/mentors/"+itoa64(mona.ID), 200, "Mona Mentor", `name="start" value="2030-01-15T16:00:00Z"`, `name="start" value="2030-01-19T09:00:00Z"`)

		// Removed, the day has its hours again.
		expectPost(t, monaWeb, "/app/mentor/weekly/exceptions/2030-01-22/delete", url.Values{}, 200, "The exception is removed.")
		expectPage(t, monaWeb, "/app/availability?week=2030-01-21", 200, "Your availability", "17:00–19:00")
		status, body = monaWeb.post("/app/mentor/weekly/exceptions/2030-01-23/delete", url.Values{})
		expectNotFound(t, status, body, "removing an exception that is not there")
		status, body = beaWeb.get("/app/mentor/weekly")
		expectNotFound(t, status, body, "a mentee's weekly hours")
	})
}

// TestWeeklyExceptionInThePast: the form refuses an exception for a day
// that is over in the mentor's zone, and takes today's; the API, which
// takes the list whole, still keeps one.
func TestWeeklyExceptionInThePast(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		mona := s.Mentor("mona", "Go")
		// 09:00 UTC on 15 January is 23:00 on the 14th in Honolulu.
		s.Patch("/myprofile/").Token(mona.Token).JSON(map[string]any{"timezone": "Pacific/Honolulu"}).Do().Expect(200)
		monaWeb := logIn(t, s, "mona")
		for _, date := range []string{"2020-01-01", "2030-01-13"} {
			body := expectPost(t, monaWeb, "/app/mentor/weekly/exceptions", url.Values{"exception_date": {date}, "exception_off": {"on"}}, 400,
				`id="e-exception_date">That date is in the past; choose today or a later date.</p>`)
			if !strings.Contains(body, "None.") {
				t.Errorf("the exception for %s is listed:\n%s", date, body)
			}
		}
		expectPost(t, monaWeb, "/app/mentor/weekly/exceptions", url.Values{"exception_date": {"2030-01-14"}, "exception_off": {"on"}}, 200, "Monday 14 January 2030: Day off")
		s.Put("/v2/weeklyhours/").Token(mona.Token).JSON(map[string]any{"exceptions": []any{map[string]any{"date": "2020-01-01", "off": true}}}).Do().Expect(200)
	})
}
