package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/notify/smtptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

// TestGroupWaitlistPages: a full session's page offers "Join the
// waitlist"; those waiting see their place and can leave; the instructor
// sees who waits in order; a seat given back goes to the first waiting at
// once, who is e-mailed; a seated student is not waitlisted, nor anyone
// twice.
func TestGroupWaitlistPages(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		s := start(t, e, apptest.Options{Now: groupsNow})
		s.Mentor("ivy", "Maths")
		ivy := logIn(t, s, "ivy")
		ivy.post("/app/groups", groupForm("Algebra drop-in", "Maths", "2030-01-16T18:00", "1"))
		page := ivy.res.Request.URL.Path
		var ann, ben, cat *browser
		for _, p := range []struct {
			name string
			b    **browser
		}{{"ann", &ann}, {"ben", &ben}, {"cat", &cat}} {
			s.Mentee(p.name)
			*p.b = logIn(t, s, p.name)
		}
		ann.post(page+"/join", nil)

		body := expectPage(t, ben, page, 200, "Algebra drop-in", "This session is full: its one seat is taken. Join the waitlist",
			`action="`+page+`/waitlist"`, "Join the waitlist")
		if strings.Contains(body, `action="`+page+`/join"`) {
			t.Error("a full session offers to join")
		}
		status, body := ben.post(page+"/waitlist", nil)
		if status != 200 || ben.res.Request.URL.Path != page || !strings.Contains(body, "You joined the waitlist of “Algebra drop-in”.") ||
			!strings.Contains(body, "You are <strong>first</strong> on the waitlist.") || !strings.Contains(body, "1 person waits for a seat") ||
			!strings.Contains(body, `action="`+page+`/leave-waitlist"`) || strings.Contains(body, `action="`+page+`/waitlist"`) {
			t.Fatalf("ben waits: %d at %s\n%s", status, ben.res.Request.URL, body)
		}
		status, body = ben.post(page+"/waitlist", nil)
		if status != 400 || !strings.Contains(body, "You are already on the waitlist of this session.") {
			t.Fatalf("ben waits twice: %d\n%s", status, body)
		}
		status, body = ann.post(page+"/waitlist", nil)
		if status != 400 || !strings.Contains(body, "You already have a seat in this session") {
			t.Fatalf("a seated student waits: %d\n%s", status, body)
		}
		status, body = cat.post(page+"/waitlist", nil)
		if status != 200 || !strings.Contains(body, "You are <strong>second</strong> on the waitlist of 2.") {
			t.Fatalf("cat waits: %d\n%s", status, body)
		}
		expectPage(t, ivy, page, 200, "Algebra drop-in", "Who joined (1)", "Waitlist (2)", "2 people wait for a seat", "ben@example.com", "cat@example.com")
		if strings.Contains(body, "ben@example.com") {
			t.Error("a student sees who else waits")
		}

		// ann gives her seat back: ben has it at once, and an e-mail.
		status, body = ann.post(page+"/leave", nil)
		if status != 200 || !strings.Contains(body, "You gave your seat back; it went to the first on the waitlist.") {
			t.Fatalf("ann leaves: %d\n%s", status, body)
		}
		expectPage(t, ben, page, 200, "Algebra drop-in", "You have a seat in this session.")
		expectPage(t, cat, page, 200, "Algebra drop-in", "You are <strong>first</strong> on the waitlist.")
		mail := s.SMTP.WaitFor(10*time.Second, func(m smtptest.Mail) bool {
			return m.To[0] == "ben@example.com" && m.Subject == "You have a seat: Algebra drop-in"
		})
		if !strings.Contains(mail.Text, "with Ivy Mentor") {
			t.Errorf("ben's e-mail: %q", mail.Text)
		}

		// cat leaves the waitlist; a second time is refused.
		status, body = cat.post(page+"/leave-waitlist", nil)
		if status != 200 || !strings.Contains(body, "You left the waitlist.") || !strings.Contains(body, `action="`+page+`/waitlist"`) {
			t.Fatalf("cat leaves the waitlist: %d\n%s", status, body)
		}
		status, body = cat.post(page+"/leave-waitlist", nil)
		if status != 400 || !strings.Contains(body, "You are not on the waitlist of this session.") {
			t.Fatalf("cat leaves the waitlist twice: %d\n%s", status, body)
		}
		expectPage(t, ivy, page, 200, "Algebra drop-in", "Who joined (1)", "Ben Mentee")
		if _, body := ivy.get(page); strings.Contains(body, "Waitlist (") {
			t.Error("the instructor still sees a waitlist")
		}
	})
}
