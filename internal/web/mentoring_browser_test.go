package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/web/webtest"
)

// TestMentoringJourney is 1:1 mentoring in headless Chromium: a mentor
// (in Paris) signs up, fills their profile and publishes times for
// tomorrow; a mentee (in New York) finds them by skill and requests an
// hour in one click; the mentor confirms it, both see the meeting link,
// the mentee cancels and the mentor sees it canceled.
func TestMentoringJourney(t *testing.T) {
	journey(t, apptest.Options{Now: mentoringNow}, func(t *testing.T, s *apptest.Server, j *chromium) {
		mentor, mentee := j.tab(), j.tab()
		signUp := func(tab *webtest.Tab, username, first, role, zone string) {
			t.Helper()
			tab.Open(s.URL + "/app/signup")
			tab.Fill("#f-username", username)
			tab.Fill("#f-email", username+"@example.org")
			tab.Fill("#f-first_name", first)
			tab.Fill("#f-last_name", "Example")
			tab.Fill("#f-password", apptest.Password)
			tab.Fill("#f-re_password", apptest.Password)
			tab.Fill("#f-role", role)
			tab.Fill("#f-timezone", zone)
			tab.ClickButton("Create account")
			tab.WaitText("Welcome to mentord, " + first)
		}

		signUp(mentor, "mona", "Mona", "mentor", "Europe/Paris")
		mentor.WaitText("Your mentor profile")
		mentor.Fill("#f-about_me", "Backend developer for ten years. I like helping people write their first SQL queries and prepare interviews.")
		mentor.Fill("#f-skills", "Go, sql, Career Help")
		mentor.Fill("#f-team_number", "7")
		j.check(mentor, "mentoring-profile")
		mentor.ClickButton("Save the profile")
		mentor.WaitText("Your mentor profile is saved")
		mentor.Fill("#f-date", "2030-01-16")
		mentor.Fill("#f-start", "10:00")
		mentor.Fill("#f-end", "13:00")
		mentor.ClickButton("Add these times")
		mentor.WaitText("Published 10:00–13:00 CET on Wednesday 16 January: 6 half-hours")

		signUp(mentee, "bea", "Bea", "mentee", "America/New_York")
		mentee.WaitText("Find a mentor")
		mentee.Fill("#f-skill", "SQL")
		mentee.ClickButton("Search")
		mentee.WaitText("One mentor matches")
		j.check(mentee, "mentoring-directory")
		mentee.Click(".mentor-card h2 a")
		mentee.WaitText("Mona Example", "Wednesday 16 January 2030")
		j.check(mentee, "mentoring-mentor")
		// 10:00 in Paris is 04:00 in New York.
		mentee.ClickButton("60 min at 04:00, Wednesday 16 January 2030")
		mentee.WaitText("Requested: 60 minutes with Mona Example, Wed 16 Jan 2030, 04:00 EST", "waiting for Mona Example to confirm")

		mentor.Open(s.URL + "/app/sessions")
		mentor.WaitText("Waiting for your answer (1)", "Wed 16 Jan 2030, 10:00 CET")
		j.check(mentor, "mentoring-sessions-mentor")
		mentor.ClickButton("Confirm")
		mentor.WaitText("Confirmed. Bea Example gets an e-mail with the meeting link.", "Join the meeting")

		mentee.Open(s.URL + "/app/sessions")
		mentee.WaitText("Confirmed", "Join the meeting")
		j.check(mentee, "mentoring-sessions-mentee")
		// The calendar file downloads (a fetch with the tab's cookie).
		got, err := chromedp.Run(mentee.Context(), chromedp.Evaluate[string](`fetch(document.querySelector('a[href$=".ics"]').href)
			.then(async r => [r.status, r.headers.get("content-type"), r.headers.get("content-disposition"), await r.text()].join("\n"))`, chromedp.EvalAwaitPromise))
		if err != nil || !strings.HasPrefix(got, "200\ntext/calendar") || !strings.Contains(got, "\nattachment;") || !strings.Contains(got, "BEGIN:VEVENT") {
			t.Errorf("the .ics link: %v\n%s", err, got)
		}

		mentor.Open(s.URL + "/app/availability?week=2030-01-14")
		mentor.WaitText("Confirmed")
		j.check(mentor, "mentoring-availability")

		mentee.ClickButton("Cancel")
		mentee.WaitText("Canceled. Mona Example gets an e-mail saying so.")
		mentor.Open(s.URL + "/app/sessions")
		mentor.WaitText("Canceled")
		if strings.Contains(mentor.Text(), "Join the meeting") {
			t.Error("the mentor still sees the meeting of a canceled session")
		}
		j.check(mentor, "")
	})
}
