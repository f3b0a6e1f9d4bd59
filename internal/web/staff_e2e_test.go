package web_test

import (
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestStaffJourney: a staff member finds a user in the browser and
// deactivates them; that user can then neither log in in the browser (and
// is told why) nor use the API token they had.
func TestStaffJourney(t *testing.T) {
	journey(t, apptest.Options{Now: mentoringNow}, func(t *testing.T, s *apptest.Server, j *chromium) {
		s.Staff("sam")
		mona, bea := s.Mentor("mona"), s.Mentee("bea")
		bookSession(t, s, mona, bea)
		s.Get("/myprofile/").Token(bea.Token).Do().Expect(200)

		sam := j.logIn("sam")
		sam.Click(`a[href="/app/staff"]`)
		sam.WaitText("Username, name or e-mail")
		j.check(sam, "staff-users")
		sam.Fill("#f-q", "bea")
		sam.ClickButton("Search")
		sam.WaitText("One found.")
		sam.Click(`a[href="/app/staff/users/` + itoa64(bea.ID) + `"]`)
		sam.WaitText("Send a password-reset e-mail")
		sam.ClickButton("Deactivate")
		sam.WaitText("bea is deactivated")
		j.check(sam, "staff-user")

		beaTab := j.tab()
		j.submitLogIn(beaTab, "bea", apptest.Password)
		beaTab.WaitText("This account is deactivated")
		s.Get("/myprofile/").Token(bea.Token).Do().Expect(401)
		s.Get("/session/").Token(bea.Token).Do().Expect(401)

		sam.Click(`a[href="/app/staff/outbox"]`)
		sam.WaitText("Links and tokens inside messages are never shown here.")
		j.check(sam, "staff-outbox")
		sam.Click(`a[href="/app/staff/log"]`)
		sam.WaitText("Deactivated")
		j.check(sam, "staff-log")
	})
}
