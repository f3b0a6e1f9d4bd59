package web_test

import (
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestBookingRulesJourney in headless Chromium: a mentor states weekly
// hours, finds their booking rules from their profile, asks for two hours'
// notice and a half-hour break; a mentee sees the mentor's times start two hours from
// now, books one, and sees no start in the break after it; then the mentor
// cancels it late, saying why.
func TestBookingRulesJourney(t *testing.T) {
	journey(t, apptest.Options{Now: mentoringNow}, func(t *testing.T, s *apptest.Server, j *chromium) {
		mona := s.Mentor("mona", "Go")
		s.Mentee("bea")

		mentor := j.logIn("mona")
		// Weekly hours: Tuesdays 10:00-14:00 (the mentor's zone is UTC).
		mentor.Open(s.URL + "/app/availability")
		mentor.Click(`a[href="/app/mentor/weekly"]`)
		mentor.WaitText("Hours you are free every week")
		mentor.Fill("#f-tue_1_start", "10:00")
		mentor.Fill("#f-tue_1_end", "14:00")
		mentor.ClickButton("Save the weekly hours")
		mentor.WaitText("Your weekly hours are saved")
		j.check(mentor, "weekly-hours")
		mentor.Open(s.URL + "/app/mentor/profile")
		mentor.Click(`a[href="/app/mentor/rules"]`)
		mentor.WaitText("Limits on how mentees book you")
		mentor.Fill("#f-min_notice_minutes", "120")
		mentor.Fill("#f-buffer_minutes", "-30")
		mentor.ClickButton("Save the rules")
		mentor.WaitText("Use a number of at least 0.")
		mentor.Fill("#f-buffer_minutes", "30")
		mentor.Fill("#f-cancel_notice_hours", "24")
		j.check(mentor, "")
		mentor.ClickButton("Save the rules")
		mentor.WaitText("Your booking rules are saved.")
		j.check(mentor, "booking-rules")

		mentee := j.logIn("bea")
		mentee.Open(s.URL + "/app/mentors/" + itoa64(mona.ID))
		mentee.WaitText("Mona Mentor")
		offered := func(at string) bool {
			return mentee.Exists(`button[aria-label="30 min at ` + at + `, Tuesday 15 January 2030"]`)
		}
		if offered("10:30") || !offered("11:00") {
			t.Error("the starts offered ignore the notice")
		}
		mentee.ClickButton("30 min at 11:00, Tuesday 15 January 2030")
		mentee.WaitText("Requested: 30 minutes with Mona Mentor")
		mentee.Open(s.URL + "/app/mentors/" + itoa64(mona.ID))
		mentee.WaitText("Tuesday 15 January 2030")
		if offered("11:30") || !offered("12:00") {
			t.Error("a start inside the break is offered")
		}

		mentor.Open(s.URL + "/app/sessions")
		mentor.WaitText("Waiting for your answer (1)")
		mentor.Fill("input[name=cancel_reason]", "A clash at work.")
		j.check(mentor, "booking-rules-cancel")
		mentor.ClickButton("Cancel")
		mentor.WaitText("Canceled. Bea Mentee gets an e-mail saying so.")
		j.check(mentor, "")
	})
}
