package web_test

// Attacks on the web app: text that would break out of an .ics line,
// and the like.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/mentord/mentord/internal/app/apptest"
)

// icsLines checks that data is iCalendar content lines only: each ends in
// CRLF and holds no other line break, and no line is one of the injected
// properties (a name or link that broke out of its line).
func icsLines(t *testing.T, what string, data string, injected ...string) {
	t.Helper()
	if !strings.HasSuffix(data, "\r\n") {
		t.Errorf("%s does not end in CRLF", what)
	}
	for _, l := range strings.Split(strings.TrimSuffix(data, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("%s: a bare line break in %q", what, l)
		}
		for _, bad := range injected {
			if strings.HasPrefix(l, bad) || strings.Contains(l, "\r"+bad) || strings.Contains(l, "\n"+bad) {
				t.Errorf("%s: the injected %s in %q", what, bad, l)
			}
		}
	}
}

// TestSessionCalendarTextStaysInItsLine: a name with line breaks, set on
// the API, cannot add properties to a session's .ics (served by the web
// app and attached to its e-mails).
func TestSessionCalendarTextStaysInItsLine(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow}, func(t *testing.T, s *apptest.Server) {
		mona, bea := s.Mentor("mona"), s.Mentee("bea")
		s.Patch("/myprofile/").Token(mona.Token).JSON(map[string]any{"first_name": "Mona\rATTENDEE:mailto:evil@example.com",
			"last_name": "Mentor\r\nX-EVIL:1"}).Do().Expect(200)
		s.Patch("/myprofile/").Token(bea.Token).JSON(map[string]any{"first_name": "Bea: mailto:evil@example.com;RSVP=FALSE",
			"last_name": "\"Mentee\n"}).Do().Expect(200)
		id := bookSession(t, s, mona, bea)
		b := logIn(t, s, "bea")
		status, body := b.get("/app/sessions/" + id + ".ics")
		if status != 200 {
			t.Fatalf(".ics: %d\n%s", status, body)
		}
		icsLines(t, "the session's .ics", body, "ATTENDEE:", "X-EVIL")
		cal, err := ics.ParseCalendar(strings.NewReader(body))
		if err != nil {
			t.Fatalf("the .ics does not parse: %v\n%s", err, body)
		}
		e := cal.Events()[0]
		var who []string
		for _, p := range e.Properties {
			if p.IANAToken == string(ics.ComponentPropertyOrganizer) || p.IANAToken == string(ics.ComponentPropertyAttendee) {
				who = append(who, p.IANAToken+" "+p.Value)
			}
		}
		if want := []string{"ORGANIZER mailto:" + mona.Email, "ATTENDEE mailto:" + bea.Email}; strings.Join(who, ", ") != strings.Join(want, ", ") {
			t.Errorf("the people of the event: %q, want %q\n%s", who, want, body)
		}
		s.Deliver()
		for _, m := range s.SMTP.Wait(2, mailWait) {
			for _, a := range m.Attachments {
				icsLines(t, "the .ics of "+m.Subject, string(a.Data), "ATTENDEE:", "X-EVIL")
			}
		}
	})
}

// TestLogInComesBackOnlyToTheApp: after logging in, next= sends the browser
// back to a page of the app only: not another site, and not a path that
// leaves the app once cleaned or once a browser drops its tabs and line
// breaks.
func TestLogInComesBackOnlyToTheApp(t *testing.T) {
	eachEngine(t, apptest.Options{NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		s.SignUp("ann")
		for _, next := range []string{"//evil.example", "/\\evil.example", "https://evil.example/app/", "/app/\\/evil.example",
			"/app/../auth/users/me/", "/app/../../evil", "/app/..", "/app/../\t/evil.example", "/app/\n/x", "/app/\r\nSet-Cookie: x=1"} {
			b := newBrowser(t, s)
			if _, body := b.get("/app/login?next=" + url.QueryEscape(next)); !strings.Contains(body, `name="next" value="/app"`) {
				t.Errorf("the login page keeps next %q", next)
			}
			b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			status, _ := b.post("/app/login", url.Values{"username": {"ann"}, "password": {apptest.Password}, "next": {next}})
			if loc := b.res.Header.Get("Location"); status != 303 || loc != "/app" {
				t.Errorf("logging in with next %q: %d to %q, want /app", next, status, loc)
			}
		}
		// The app's own pages, with their queries, are kept.
		for _, next := range []string{"/app/sessions", "/app/mentors?skill=go&page=2", "/app/groups/../sessions"} {
			b := newBrowser(t, s)
			b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			b.post("/app/login", url.Values{"username": {"ann"}, "password": {apptest.Password}, "next": {next}})
			if loc := b.res.Header.Get("Location"); !strings.HasPrefix(loc, "/app/") {
				t.Errorf("logging in with next %q: to %q", next, loc)
			}
		}
	})
}

// TestLoggedOutCookieIsDead: logging out ends the session on the server, so
// a copy of the cookie taken before (another tab, a thief) no longer signs
// anyone in.
func TestLoggedOutCookieIsDead(t *testing.T) {
	eachEngine(t, apptest.Options{NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		s.SignUp("ann")
		b := logIn(t, s, "ann")
		u, _ := url.Parse(s.URL + "/app")
		var copied *http.Cookie
		for _, c := range b.c.Jar.Cookies(u) {
			if c.Name == "mentord_session" {
				copied = c
			}
		}
		if copied == nil {
			t.Fatal("no session cookie")
		}
		expectPost(t, b, "/app/logout", nil, 200, "You are logged out")
		thief := newBrowser(t, s)
		thief.c.Jar.SetCookies(u, []*http.Cookie{{Name: copied.Name, Value: copied.Value, Path: "/app"}})
		if _, body := thief.get("/app/profile"); title(body) != "Log in · mentord" {
			t.Fatalf("the cookie from before logging out still opens %q", title(body))
		}
	})
}
