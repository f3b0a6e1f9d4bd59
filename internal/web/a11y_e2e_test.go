package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/web/webtest"
)

// TestEveryPageIsAccessible opens every page of the web app, as the person
// it is for and with data on it, and the forms as they come back with
// errors, and audits each with axe-core (see webtest.AccessibilityProblems).
// The journeys check the pages they walk; this also covers the ones no
// journey reaches. It runs on SQLite only:
// what it checks is the HTML, which is the same on both engines, and the
// audits take most of a minute.
func TestEveryPageIsAccessible(t *testing.T) {
	b := webtest.Chromium(t)
	s := apptest.Start(t, store.SQLite, webApp(apptest.Options{Now: mentoringNow}))
	j := &chromium{t: t, b: b, s: s}
	// The meeting owner's calendar first: its invitation is the only
	// e-mail until the session below is booked.
	tok := schedOwner(t, s, "olive")
	contact := schedContact(t, s, tok, "Ann")
	calendar := torontoCalendar(t, s, tok, contact)
	respond := invitationLinks(t, s, 1)["ann@guests.example"]

	s.Staff("sam")
	mona, bea := s.Mentor("mona", "Go"), s.Mentee("bea")
	session := bookSession(t, s, mona, bea)
	monaHTTP := logIn(t, s, "mona")
	monaHTTP.post("/app/groups", groupForm("Algebra drop-in", "Maths", "2030-01-17T16:30", "6"))
	group := monaHTTP.res.Request.URL.Path[len("/app/groups/"):]

	pages := map[string][]string{
		"": {"/app/login", "/app/signup", "/app/password/forgot", "/app/password/reset/MQ/not-a-token",
			respond, "/app/no-such-page"},
		"bea": {"/app", "/app/profile", "/app/profile/notifications", "/app/mentors", "/app/mentors/" + itoa64(mona.ID),
			"/app/sessions", "/app/sessions/archive", "/app/groups", "/app/groups/" + group, "/app/meetings"},
		"mona": {"/app", "/app/mentor/profile", "/app/availability", "/app/mentor/weekly", "/app/mentor/rules",
			"/app/sessions", "/app/groups/new", "/app/groups/" + group, "/app/groups/" + group + "/edit"},
		"olive": {"/app/meetings", "/app/meetings/contacts", fmt.Sprintf("/app/meetings/contacts/%d/edit", contact),
			"/app/meetings/new", fmt.Sprintf("/app/meetings/calendars/%d", calendar),
			fmt.Sprintf("/app/meetings/calendars/%d/suggestions", calendar)},
		"sam": {"/app/staff/users", "/app/staff/users/" + itoa64(bea.ID), "/app/staff/sessions", "/app/staff/sessions/" + session,
			"/app/staff/groups", "/app/staff/groups/" + group, "/app/staff/outbox", "/app/staff/log"},
	}
	// Forms sent empty, past the browser's own checks, so that the
	// server's messages stand next to their fields.
	forms := map[string][][2]string{
		"":     {{"/app/signup", "form"}, {"/app/login", "form"}},
		"mona": {{"/app/groups/new", "form"}, {"/app/mentor/profile", "form"}},
	}
	for _, who := range []string{"", "bea", "mona", "olive", "sam"} {
		tab := j.tab()
		if who != "" {
			j.submitLogIn(tab, who, apptest.Password)
			tab.WaitText("Log out")
		}
		for _, path := range pages[who] {
			tab.Open(s.URL + path)
			audit(t, tab, who, path)
		}
		for _, f := range forms[who] {
			tab.Open(s.URL + f[0])
			if _, err := chromedp.Run(tab.Context(), chromedp.Evaluate[bool](
				`(() => { for (const e of document.querySelectorAll("main [required], main [min], main [max], main [pattern]")) { e.removeAttribute("required"); e.removeAttribute("min"); e.removeAttribute("max"); e.removeAttribute("pattern"); } for (const e of document.querySelectorAll("main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), main textarea")) e.value = ""; return true })()`)); err != nil {
				t.Fatal(err)
			}
			tab.Submit("main " + f[1])
			audit(t, tab, who, f[0]+" (sent empty)")
		}
	}
}

// audit checks the page in tab. One width is enough: axe's rules read the
// document and the colours, which the phone layout does not change (both
// widths gave the same findings when this test was written).
func audit(t *testing.T, tab *webtest.Tab, who, what string) {
	t.Helper()
	if p := tab.AccessibilityProblems(); len(p) > 0 {
		if who == "" {
			who = "a visitor"
		}
		t.Errorf("%s as %s: %s", what, who, strings.Join(p, "; "))
	}
}
