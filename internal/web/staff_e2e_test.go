package web_test

import (
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
	"github.com/mentord/mentord/internal/web/webtest"
)

// TestStaffJourney: a staff member finds a user in the browser and
// deactivates them; that user can then neither log in in the browser (and
// is told why) nor use the API token they had.
func TestStaffJourney(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		b := webtest.Chromium(t)
		s := start(t, e, apptest.Options{Now: mentoringNow})
		s.Staff("sam")
		mona, bea := s.Mentor("mona"), s.Mentee("bea")
		bookSession(t, s, mona, bea)
		s.Get("/myprofile/").Token(bea.Token).Do().Expect(200)
		shot := func(tab *webtest.Tab, name string) {
			t.Helper()
			noA11yProblems(t, tab, tab.URL())
			if e == store.SQLite {
				tab.Screenshot(name)
			}
		}

		sam := b.Tab(t)
		sam.Open(s.URL + "/app/login")
		sam.Fill("#f-username", "sam")
		sam.Fill("#f-password", apptest.Password)
		sam.ClickButton("Log in")
		sam.WaitText("Log out")
		sam.Click(`a[href="/app/staff"]`)
		sam.WaitText("Username, name or e-mail")
		shot(sam, "staff-users")
		sam.Fill("#f-q", "bea")
		sam.ClickButton("Search")
		sam.WaitText("One found.")
		sam.Click(`a[href="/app/staff/users/` + itoa64(bea.ID) + `"]`)
		sam.WaitText("Send a password-reset e-mail")
		sam.ClickButton("Deactivate")
		sam.WaitText("bea is deactivated")
		shot(sam, "staff-user")

		beaTab := b.Tab(t)
		beaTab.Open(s.URL + "/app/login")
		beaTab.Fill("#f-username", "bea")
		beaTab.Fill("#f-password", apptest.Password)
		beaTab.ClickButton("Log in")
		beaTab.WaitText("This account is deactivated")
		s.Get("/myprofile/").Token(bea.Token).Do().Expect(401)
		s.Get("/session/").Token(bea.Token).Do().Expect(401)

		sam.Click(`a[href="/app/staff/outbox"]`)
		sam.WaitText("Links and tokens inside messages are never shown here.")
		shot(sam, "staff-outbox")
		sam.Click(`a[href="/app/staff/log"]`)
		sam.WaitText("Deactivated")
		shot(sam, "staff-log")
	})
}
