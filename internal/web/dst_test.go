package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestAvailabilityOnClockChangeDays: times typed on the availability page
// are read in the mentor's zone as weekly hours read them. On the spring
// night a New York clock skips 02:00-03:00, so 02:00-04:00 is the one hour
// 03:00-04:00 EDT (it was read as 01:00 EST-04:00 EDT, an hour the mentor
// never offered); on the autumn night 01:00-02:00 is two real hours, from
// the first 01:00 (EDT) to 02:00 EST. A span across a change names the
// zone at both ends (the page said "01:00–03:00 EDT" of a span starting at
// 01:00 EST). Each goes to the week that holds it.
func TestAvailabilityOnClockChangeDays(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow}, func(t *testing.T, s *apptest.Server) {
		mona := webMentor(t, s, "America/New_York")
		publish(t, mona, "2030-03-10", "02:00", "04:00", "2030-03-04", "Published 03:00–04:00 EDT on Sunday 10 March: 2 half-hours")
		// Nothing was made before the gap, so 01:00-02:00 EST is still free.
		publish(t, mona, "2030-03-10", "01:00", "02:00", "2030-03-04", "Published 01:00 EST–03:00 EDT on Sunday 10 March: 2 half-hours")
		publish(t, mona, "2030-11-03", "01:00", "02:00", "2030-10-28", "Published 01:00 EDT–02:00 EST on Sunday 3 November: 4 half-hours")
		// The week names its clock change; a week without one, its zone.
		expectPage(t, mona, "/app/availability?week=2030-03-04", 200, "Your availability", "America/New_York (EST, then EDT from Sunday 10 March)")
		expectPage(t, mona, "/app/availability?week=2030-03-11", 200, "Your availability", "America/New_York (EDT).")
		expectPage(t, mona, "/app/availability?week=2030-10-28", 200, "Your availability", "America/New_York (EDT, then EST from Sunday 3 November)")
		var tok struct {
			AuthToken string `json:"auth_token"`
		}
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "mona", "password": apptest.Password}).Do().Expect(200).Decode(&tok)
		var list []struct {
			Start string `json:"start_time"`
			End   string `json:"end_time"`
		}
		s.Get("/availability/").Token(tok.AuthToken).Do().Expect(200).Decode(&list)
		var spans [][2]string
		for _, a := range list {
			spans = append(spans, [2]string{a.Start, a.End})
		}
		want := [][2]string{
			{"2030-03-10T06:00:00Z", "2030-03-10T06:30:00Z"}, {"2030-03-10T06:30:00Z", "2030-03-10T07:00:00Z"},
			{"2030-03-10T07:00:00Z", "2030-03-10T07:30:00Z"}, {"2030-03-10T07:30:00Z", "2030-03-10T08:00:00Z"},
			{"2030-11-03T05:00:00Z", "2030-11-03T05:30:00Z"}, {"2030-11-03T05:30:00Z", "2030-11-03T06:00:00Z"},
			{"2030-11-03T06:00:00Z", "2030-11-03T06:30:00Z"}, {"2030-11-03T06:30:00Z", "2030-11-03T07:00:00Z"},
		}
		if len(spans) != len(want) {
			t.Fatalf("availability:\n got %v\nwant %v", spans, want)
		}
		for i := range want {
			if spans[i] != want[i] {
				t.Fatalf("availability %d: got %v, want %v\n%v", i, spans[i], want[i], spans)
			}
		}
		// A mentee in New York a week before the change: the open times
		// run past it, and the page says so.
		s.Clock.Set(time.Date(2030, 3, 3, 12, 0, 0, 0, time.UTC))
		bea := signUpWeb(t, s, "bea", "Bea", "mentee", "America/New_York")
		expectPage(t, bea, "/app/mentors/1", 200, "Mona Example", "Times are in America/New_York (EST, then EDT from Sunday 10 March), until")
		// The footer names the zone as the app's clock finds it.
		s.Clock.Set(time.Date(2030, 7, 1, 12, 0, 0, 0, time.UTC))
		webLogin(t, bea, "bea", apptest.Password) // months on, the sign-in has ended
		expectPage(t, bea, "/app/sessions", 200, "Sessions", "Times are shown in America/New_York (EDT)")
	})
}

// TestGroupStartInTheSkippedHour: a group session set for 02:30 on the
// night a New York clock skips 02:00-03:00 starts at 03:00 EDT, when the
// clock first shows 02:30 or later; it was read as 01:30 EST, an hour
// before the time the instructor typed.
func TestGroupStartInTheSkippedHour(t *testing.T) {
	eachEngine(t, apptest.Options{Now: groupsNow}, func(t *testing.T, s *apptest.Server) {
		ivy := s.Mentor("ivy", "Maths")
		s.Patch("/myprofile/").Token(ivy.Token).JSON(map[string]any{"timezone": "America/New_York"}).Do().Expect(200)
		web := logIn(t, s, "ivy")
		status, body := web.post("/app/groups", groupForm("Night owls", "Maths", "2030-03-10T02:30", "3"))
		if status != 200 || !strings.Contains(body, "Sun 10 Mar 2030, 03:00 EDT") {
			t.Fatalf("publish: %d at %s\n%s", status, web.res.Request.URL, body)
		}
	})
}

// TestAvailabilityWhereMidnightIsSkipped: in America/Santiago the clock
// jumps from 24:00 on Saturday 4 September 2027 to 01:00 on Sunday. Saturday
// 23:00 to "00:00" is the hour to Sunday 01:00 (-03); it was refused, the
// midnight read as 23:00 on Saturday, and the week showed Saturday twice and
// no Sunday, whose day was taken to start at Saturday 23:00.
func TestAvailabilityWhereMidnightIsSkipped(t *testing.T) {
	eachEngine(t, apptest.Options{Now: time.Date(2027, 9, 1, 12, 0, 0, 0, time.UTC)}, func(t *testing.T, s *apptest.Server) {
		mona := webMentor(t, s, "America/Santiago")
		publish(t, mona, "2027-09-04", "23:00", "00:00", "2027-08-30", "Published 23:00 -04–01:00 -03 on Saturday 4 September: 2 half-hours")
		// Sunday's own times, from its first instant.
		body := publish(t, mona, "2027-09-05", "00:00", "02:00", "2027-08-30", "Published 01:00–02:00 -03 on Sunday 5 September: 2 half-hours")
		if strings.Count(body, "<h3>Sat 4 Sep</h3>") != 1 || strings.Count(body, "<h3>Sun 5 Sep</h3>") != 1 {
			t.Fatalf("the week's days:\n%s", body)
		}
		sat, sun := body[strings.Index(body, "<h3>Sat 4 Sep</h3>"):strings.Index(body, "<h3>Sun 5 Sep</h3>")], body[strings.Index(body, "<h3>Sun 5 Sep</h3>"):]
		if !strings.Contains(sat, "23:00–23:30") || !strings.Contains(sat, "23:30–01:00") || strings.Contains(sat, "01:00–01:30") ||
			!strings.Contains(sun, "01:00–01:30") || !strings.Contains(sun, "01:30–02:00") || strings.Contains(sun, "23:00–23:30") {
			t.Fatalf("Saturday:\n%s\nSunday:\n%s", sat, sun)
		}
		expectPage(t, mona, "/app/availability?week=2027-09-05", 200, "Your availability", "Week of Monday 30 August 2027", "?week=2027-09-06", "?week=2027-08-23")
	})
}

// TestNewCalendarTomorrowWhereMidnightIsSkipped: at 00:30 on Saturday 4
// September 2027 in America/Santiago, a new calendar's first day is
// tomorrow, Sunday 5, though that Sunday has no 00:30 (the form offered
// today: the time a day on read as 23:30 on Saturday).
func TestNewCalendarTomorrowWhereMidnightIsSkipped(t *testing.T) {
	eachEngine(t, apptest.Options{Now: time.Date(2027, 9, 4, 4, 30, 0, 0, time.UTC)}, func(t *testing.T, s *apptest.Server) {
		b := signUpWeb(t, s, "olive", "Olive", "mentee", "America/Santiago")
		expectPage(t, b, "/app/meetings/new", 200, "New meeting calendar", `name="first_day" type="date" value="2027-09-05"`, "Sun 5 Sep")
	})
}

// TestGroupFiltersWhereMidnightIsSkipped: the date filters of the group
// list are whole days in the viewer's zone. In America/Santiago, Sunday 5
// September 2027 starts at 01:00 (-03), so a session at 23:30 on Saturday
// is Saturday's: listed up to the 4th, not from the 5th (the filter took
// Sunday from Saturday 23:00).
func TestGroupFiltersWhereMidnightIsSkipped(t *testing.T) {
	eachEngine(t, apptest.Options{Now: time.Date(2027, 9, 1, 12, 0, 0, 0, time.UTC)}, func(t *testing.T, s *apptest.Server) {
		ivy := s.Mentor("ivy", "Maths")
		s.Patch("/myprofile/").Token(ivy.Token).JSON(map[string]any{"timezone": "America/Santiago"}).Do().Expect(200)
		web := logIn(t, s, "ivy")
		if status, body := web.post("/app/groups", groupForm("Late one", "Maths", "2027-09-04T23:30", "3")); status != 200 || !strings.Contains(body, "Sat 4 Sep 2027, 23:30 -04") {
			t.Fatalf("publish: %d\n%s", status, body)
		}
		list := func(from, to string) string {
			_, body := web.get("/app/groups?" + url.Values{"topic": {""}, "from": {from}, "to": {to}, "status": {""}, "scope": {""}}.Encode())
			return body
		}
		if body := list("2027-09-05", ""); strings.Contains(body, "Late one") {
			t.Errorf("from Sunday lists Saturday's session:\n%s", body)
		}
		if body := list("", "2027-09-04"); !strings.Contains(body, "Late one") {
			t.Errorf("up to Saturday leaves out Saturday's session:\n%s", body)
		}
	})
}

// webMentor is a mentor signed up in the web app in zone, with a profile.
func webMentor(t *testing.T, s *apptest.Server, zone string) *browser {
	t.Helper()
	b := signUpWeb(t, s, "mona", "Mona", "mentor", zone)
	b.post("/app/mentor/profile", url.Values{"about_me": {"I teach Go."}, "skills": {"Go"}, "team_number": {"7"}})
	return b
}

// publish adds availability on the page and expects to land on week with
// the flash want; it returns the page.
func publish(t *testing.T, b *browser, date, start, end, week, want string) string {
	t.Helper()
	status, body := b.post("/app/availability", url.Values{"date": {date}, "start": {start}, "end": {end}})
	if status != 200 || b.res.Request.URL.RawQuery != "week="+week || !strings.Contains(body, want) {
		t.Fatalf("%s %s-%s: %d at %s, want %q\n%s", date, start, end, status, b.res.Request.URL, want, body)
	}
	return body
}
