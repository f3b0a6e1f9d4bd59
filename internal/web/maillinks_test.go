package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/config"
	"github.com/mentord/mentord/internal/notify/smtptest"
)

// withPublicURL is o for the web app with PUBLIC_URL the test server's own
// address (which apptest made FRONTEND_URL), so that reminders, rendered
// with no request, have a host to link to too.
func withPublicURL(o apptest.Options) apptest.Options {
	o.Config = func(c *config.Config) { c.PublicURL, c.FrontendURL = c.FrontendURL, "" }
	return o
}

// expectPageLine checks that mail ends with the line naming page.
func expectPageLine(t *testing.T, s *apptest.Server, what string, mail smtptest.Mail, page string) {
	t.Helper()
	expectLinkLine(t, s, what, mail, "Session page: ", page)
}

// expectLinkLine checks that mail ends with the line label and page.
func expectLinkLine(t *testing.T, s *apptest.Server, what string, mail smtptest.Mail, label, page string) {
	t.Helper()
	text := strings.TrimRight(strings.ReplaceAll(mail.Text, "\r\n", "\n"), "\n")
	if want := "\n\n" + label + s.URL + page; !strings.HasSuffix(text, want) {
		t.Errorf("%s (%q) does not end with %q:\n%s", what, mail.Subject, want, mail.Text)
	}
}

// followSignedOut follows an e-mailed link with no web session: the login
// page, then, once logged in, the page itself.
func followSignedOut(t *testing.T, s *apptest.Server, username, link, titleWant string) *browser {
	t.Helper()
	path := strings.TrimPrefix(link, s.URL)
	b := newBrowser(t, s)
	status, body := b.get(path)
	if status != 200 || b.res.Request.URL.Path != "/app/login" || b.res.Request.URL.Query().Get("next") != path {
		t.Fatalf("signed out at %s: %d at %s", path, status, b.res.Request.URL)
	}
	next := find(t, `name="next" value="([^"]*)"`, body)
	status, body = b.post("/app/login", url.Values{"username": {username}, "password": {apptest.Password}, "next": {next}})
	if status != 200 || b.res.Request.URL.Path != path || !strings.Contains(title(body), titleWant) {
		t.Fatalf("after logging in from %s: %d at %s, %q", path, status, b.res.Request.URL, title(body))
	}
	return b
}

// TestSessionMailLinks: every e-mail about a 1:1 session names the
// session's page in the web app, which a signed-out recipient reaches by
// logging in.
func TestSessionMailLinks(t *testing.T) {
	apptest.Each(t, withPublicURL(apptest.Options{Now: mentoringNow, NoWorker: true}), func(t *testing.T, s *apptest.Server) {
		mona, bea := s.Mentor("mona"), s.Mentee("bea")
		id := bookSession(t, s, mona, bea)
		page := "/app/sessions/" + id
		s.Deliver()
		requested := mailTo(s, mona.Email, func(subject, _ string) bool { return strings.HasSuffix(subject, "has requested your help") })
		if !strings.Contains(requested.Text, "Confirm or cancel it on your sessions page.") {
			t.Errorf("the request mail lost its sentence:\n%s", requested.Text)
		}
		expectLinkLine(t, s, "the request mail", requested, "Your sessions: ", "/app/sessions")
		for _, to := range []string{mona.Email, bea.Email} {
			expectPageLine(t, s, "the confirmation", mailTo(s, to, func(subject, _ string) bool { return subject == "Mentor Session Confirmed" }), page)
		}
		followSignedOut(t, s, "mona", s.URL+page, "Session")

		// A request still pending: its link is where the mentor confirms it.
		cleo := s.Mentee("cleo")
		req := s.Post("/sessionrequest/").Token(cleo.Token).JSON(map[string]any{"mentor_availability": 4,
			"start_time": "2030-01-15T16:30:00Z", "session_length": 30}).Do().Expect(201).Obj()
		pending := "/app/sessions/" + itoa64(int64(req["pk"].(float64)))
		s.Deliver()
		expectLinkLine(t, s, "the second request", mailTo(s, mona.Email, func(subject, _ string) bool { return subject == "Cleo Mentee has requested your help" }),
			"Your sessions: ", "/app/sessions")
		b := followSignedOut(t, s, "mona", s.URL+"/app/sessions", "Sessions")
		expectPage(t, b, "/app/sessions", 200, "Sessions", "Waiting for your answer", "Cleo Mentee", `action="`+pending+`/status"`, `value="Confirmed"`)

		// The reminder, rendered by the worker.
		s.Clock.Advance(5*time.Hour + 2*time.Minute) // 58 minutes before 15:00
		s.Deliver()
		expectPageLine(t, s, "the reminder", mailTo(s, bea.Email, func(subject, _ string) bool { return strings.HasPrefix(subject, "Mentor Session in") }), page)

		// Rescheduled by the mentor, then cancelled by the mentee.
		s.Patch("/sessionrequest/" + id + "/").Token(mona.Token).JSON(map[string]any{"mentor_availability": 2, "start_time": "2030-01-15T15:30:00Z"}).Do().Expect(200)
		s.Patch("/sessionrequest/" + id + "/").Token(bea.Token).JSON(map[string]string{"status": "Canceled"}).Do().Expect(200)
		s.Deliver()
		expectPageLine(t, s, "the new time", mailTo(s, bea.Email, func(subject, _ string) bool { return subject == "Mentor Session Rescheduled" }), page)
		expectPageLine(t, s, "the cancellation", mailTo(s, mona.Email, func(subject, _ string) bool { return strings.HasSuffix(subject, "has canceled their session") }), page)
	})
}

// TestSessionMailsWithExternalClient: with FRONTEND_URL set, whose routes
// for a session are unknown, session e-mails carry no page link.
func TestSessionMailsWithExternalClient(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: mentoringNow, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		mona, bea := s.Mentor("mona"), s.Mentee("bea")
		bookSession(t, s, mona, bea)
		s.Deliver()
		for _, m := range s.SMTP.Messages() {
			if strings.Contains(m.Text, "Session page:") || strings.Contains(m.Text, "/app/") {
				t.Errorf("%q links a page:\n%s", m.Subject, m.Text)
			}
		}
	})
}

// TestGroupMailLinks: group-session e-mails name the session's page, and
// staff who move or cancel a session on its instructor's behalf tell the
// instructor as well as the seat holders.
func TestGroupMailLinks(t *testing.T) {
	eachEngine(t, apptest.Options{Now: groupsNow, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		s.Staff("sam")
		mona, bea := s.Mentor("mona"), s.Mentee("bea")
		monaWeb := logIn(t, s, "mona")
		expectPost(t, monaWeb, "/app/groups", groupForm("Algebra drop-in", "Maths", "2030-01-17T18:00", "3"), 200)
		sam := logIn(t, s, "sam")
		groupID := find(t, `href="/app/staff/groups/(\d+)"`, expectPage(t, sam, "/app/staff/groups?q=algebra", 200, "Staff: group sessions"))
		page := "/app/groups/" + groupID
		s.Post("/api/sessions/" + groupID + "/join/").Bearer(s.JWT(bea)).Do().Expect(201)

		// The instructor moves it: the seat holder hears, with the link.
		expectPost(t, monaWeb, page+"/edit", groupForm("Algebra drop-in", "Maths", "2030-01-17T19:00", "3"), 200, "Saved.")
		s.Deliver()
		moved := mailTo(s, bea.Email, func(subject, _ string) bool { return subject == "Session rescheduled: Algebra drop-in" })
		expectPageLine(t, s, "the new time", moved, page)
		followSignedOut(t, s, "bea", s.URL+page, "Algebra drop-in")
		if n := len(s.SMTP.To(mona.Email)); n != 0 {
			t.Errorf("the instructor got %d e-mails about their own change", n)
		}

		// Staff move it, then cancel it: the instructor is told each time.
		expectPost(t, sam, page+"/edit", groupForm("Algebra drop-in", "Maths", "2030-01-17T20:00", "3"), 200, "Saved.")
		expectPost(t, sam, "/app/staff/groups/"+groupID+"/cancel", nil, 200, "is cancelled")
		s.Deliver()
		staffMoved := mailTo(s, mona.Email, func(subject, _ string) bool { return subject == "Session rescheduled: Algebra drop-in" })
		if !strings.Contains(staffMoved.Text, "sam, of the staff, has moved your session \"Algebra drop-in\"") {
			t.Errorf("the instructor's mail about the staff's move:\n%s", staffMoved.Text)
		}
		expectPageLine(t, s, "the instructor's new time", staffMoved, page)
		cancelled := mailTo(s, mona.Email, func(subject, _ string) bool { return subject == "Session cancelled: Algebra drop-in" })
		if !strings.Contains(cancelled.Text, "has cancelled your session \"Algebra drop-in\"") {
			t.Errorf("the instructor's mail about the staff's cancel:\n%s", cancelled.Text)
		}
		expectPageLine(t, s, "the instructor's cancellation", cancelled, page)
		expectPageLine(t, s, "the seat holder's cancellation",
			mailTo(s, bea.Email, func(subject, _ string) bool { return subject == "Session cancelled: Algebra drop-in" }), page)
		followSignedOut(t, s, "mona", s.URL+page, "Algebra drop-in")
	})
}
