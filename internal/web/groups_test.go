package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestGroupPages walks every group-session page over HTTP: an instructor
// publishes a 3-seat session, four students try to join it (the fourth is
// told it is full, a second join is refused), the list filters and pages,
// the capacity cannot go below the seats taken, the instructor starts,
// completes, cancels and deletes, and participants are e-mailed on cancel.
func TestGroupPages(t *testing.T) {
	eachEngine(t, apptest.Options{Now: groupsNow}, func(t *testing.T, s *apptest.Server) {
		expectSentToLogIn(t, s, "/app/groups")

		s.Mentor("ivy", "Maths")
		ivy := logIn(t, s, "ivy")
		expectPage(t, ivy, "/app/groups/new", 200, "New group session",
			`name="title"`, `name="subject"`, `name="description"`, `name="date" type="datetime-local"`, `name="capacity" type="number"`, "In UTC.")
		// Every bad field is told next to it, and what was typed stays.
		expectPost(t, ivy, "/app/groups", url.Values{"title": {" "}, "subject": {"Maths"}, "date": {"tomorrow"}, "capacity": {"0"}}, 400, `id="e-title"`, `id="e-date"`, "Use a number of at least 1.", `value="Maths"`)
		expectPost(t, ivy, "/app/groups", groupForm("Algebra drop-in", "Maths", "2030-01-14T18:00", "3"), 400, `<p class="error" id="e-date">Choose a time in the future.</p>`)
		status, body := ivy.post("/app/groups", groupForm("Algebra drop-in", "Maths", "2030-01-16T18:00", "3"))
		if status != 200 || !strings.HasPrefix(ivy.res.Request.URL.Path, "/app/groups/") || !strings.Contains(body, "Published. People can join it now: 3 seats.") ||
			!strings.Contains(body, "Wed 16 Jan 2030, 18:00 UTC") || !strings.Contains(body, "Who joined (0)") || !strings.Contains(body, "3 of 3 seats left") {
			t.Fatalf("publish: %d at %s\n%s", status, ivy.res.Request.URL, body)
		}
		id := strings.TrimPrefix(ivy.res.Request.URL.Path, "/app/groups/")
		page := "/app/groups/" + id
		if strings.Contains(body, `action="`+page+`/join"`) || strings.Contains(body, `action="`+page+`/start"`) {
			t.Error("the instructor is offered to join their own session, or to start it early")
		}

		// Students browse and join; the fourth finds it full.
		var students []apptest.User
		var tabs []*browser
		for _, name := range []string{"ann", "ben", "cat", "dan"} {
			students = append(students, s.Mentee(name))
			tabs = append(tabs, logIn(t, s, name))
		}
		ann, dan := tabs[0], tabs[3]
		expectNotFoundAt(t, ann, "a student at ", nil, "/app/groups/new")
		status, body = ann.post("/app/groups", groupForm("Mine", "", "2030-01-16T18:00", "3"))
		expectNotFound(t, status, body, "a student publishing")
		expectPage(t, ann, "/app/groups", 200, "Group sessions", "Algebra drop-in", "3 of 3 seats left", "Ivy Mentor", "Maths", "One session.")
		for i, b := range tabs[:3] {
			status, body := b.post(page+"/join", nil)
			if status != 200 || b.res.Request.URL.Path != page || !strings.Contains(body, "You have a seat in “Algebra drop-in”.") ||
				!strings.Contains(body, "You have a seat in this session.") || !strings.Contains(body, `action="`+page+`/leave"`) {
				t.Fatalf("join %d: %d at %s\n%s", i, status, b.res.Request.URL, body)
			}
			if i == 2 && !strings.Contains(body, "It is now full.") {
				t.Errorf("the third seat does not say the session is now full:\n%s", body)
			}
		}
		status, body = ann.post(page+"/join", nil)
		if status != 400 || title(body) != "Algebra drop-in · mentord" || !strings.Contains(body, "You already have a seat in this session; nobody can join the same session twice.") {
			t.Fatalf("a second join: %d\n%s", status, body)
		}
		body = expectPage(t, dan, page, 200, "Algebra drop-in", "This session is full: all 3 seats are taken.", "Full: all 3 seats taken")
		if strings.Contains(body, `action="`+page+`/join"`) || strings.Contains(body, "Who joined") || strings.Contains(body, "ann@example.com") {
			t.Error("a full session offers to join, or shows a student who joined")
		}
		expectPost(t, dan, page+"/join", nil, 400, "This session is full: every seat is taken.", `role="alert"`)
		expectPost(t, dan, page+"/bogus", nil, 404, "Page not found") // only the page's buttons are actions
		if names, full := apiSeats(t, s, students[3], id); strings.Join(names, " ") != "ann ben cat" || !full {
			t.Fatalf("the API says %v (full %v), want ann ben cat, full", names, full)
		}

		// The instructor sees who joined; the capacity cannot go below them.
		expectPage(t, ivy, page, 200, "Algebra drop-in", "Who joined (3)", "Ann Mentee", "ben@example.com", "Cat Mentee", `action="`+page+`/cancel"`)
		expectPage(t, ivy, page+"/edit", 200, "Edit “Algebra drop-in”", `value="Algebra drop-in"`, `value="2030-01-16T18:00"`, `value="3"`,
			"3 of 3 seats are taken now, so it cannot be fewer than 3.")
		expectPost(t, ivy, page+"/edit", groupForm("Algebra drop-in", "Maths", "2030-01-16T18:00", "2"), 400, `<p class="error" id="e-capacity">3 people have joined, so the session needs at least 3 seats. Choose 3 or more.</p>`, `name="capacity" type="number" value="2"`)
		expectNotFoundAt(t, ann, "a student at ", nil, page+"/edit")
		maxUser := s.Mentor("max")
		maxWeb := logIn(t, s, "max")
		for _, act := range []string{"edit", "cancel", "delete", "start"} {
			status, body := maxWeb.post(page+"/"+act, groupForm("Taken over", "", "2030-01-16T18:00", "9"))
			expectNotFound(t, status, body, "another mentor's "+act)
			status, body = ann.post(page+"/"+act, groupForm("Taken over", "", "2030-01-16T18:00", "9"))
			expectNotFound(t, status, body, "a student's "+act)
		}
		// A seat more, and a new time: the participants are told.
		status, body = ivy.post(page+"/edit", groupForm("Algebra drop-in", "Maths", "2030-01-16T19:00", "4"))
		if status != 200 || ivy.res.Request.URL.Path != page || !strings.Contains(body, "Saved. Its participants get an e-mail with the new time.") ||
			!strings.Contains(body, "Wed 16 Jan 2030, 19:00 UTC") || !strings.Contains(body, "1 of 4 seats left") {
			t.Fatalf("edit: %d\n%s", status, body)
		}
		mailTo(s, "cat@example.com", func(subject, _ string) bool {
			return strings.HasPrefix(subject, "Session rescheduled: Algebra drop-in")
		})
		ann.post(page+"/leave", nil)
		if body := expectPage(t, ann, page, 200, "Algebra drop-in", "2 of 4 seats left", `action="`+page+`/join"`); strings.Contains(body, "You have a seat") {
			t.Error("a seat given back is still shown as held")
		}

		// The list: filters by topic, dates, status, seats, whose; pages.
		ivy.post("/app/groups", groupForm("Go code review", "Go", "2030-01-20T10:00", "1"))
		goPage := ivy.res.Request.URL.Path
		ben := tabs[1]
		ben.post(goPage+"/join", nil)
		list := func(q string) string { return "/app/groups?" + q }
		body = expectPage(t, ann, list("topic=MATH&from=&to=&status=upcoming&scope="), 200, "Group sessions", "Algebra drop-in", `value="MATH"`)
		if strings.Contains(body, "Go code review") {
			t.Error("the topic filter shows another subject")
		}
		body = expectPage(t, ann, list("topic=&from=2030-01-18&to=&status=upcoming&scope="), 200, "Group sessions", "Go code review", "Full: all 1 seats taken")
		if strings.Contains(body, "Algebra drop-in") {
			t.Error("the date filter shows an earlier session")
		}
		body = expectPage(t, ann, list("topic=&from=&to=&status=&scope=&seats=1"), 200, "Group sessions", "Algebra drop-in", "checked")
		if strings.Contains(body, "Go code review") {
			t.Error("the seats filter shows a full session")
		}
		// Until a day is to its end: the session at 19:00 that day is in.
		body = expectPage(t, ann, list("topic=&from=&to=2030-01-16&status=&scope="), 200, "Group sessions", "Algebra drop-in")
		if strings.Contains(body, "Go code review") {
			t.Error("the date filter shows a later session")
		}
		expectPage(t, ann, list("topic=&from=&to=&status=cancelled&scope="), 200, "Group sessions", "No session matches.")
		expectPage(t, ann, list("topic=%25&from=&to=&status=&scope="), 200, "Group sessions", "No session matches.")
		expectPage(t, ben, list("topic=&from=&to=&status=&scope=joined"), 200, "Group sessions", "Algebra drop-in", "Go code review", "You have a seat")
		body = expectPage(t, ann, list("topic=&from=&to=&status=&scope=joined"), 200, "Group sessions", "No session matches.")
		if strings.Contains(body, `value="mine"`) {
			t.Error("a student is offered the sessions they run")
		}
		status, body = ann.get(list("topic=&from=16/01/2030&to=&status=soon&scope="))
		if status != 400 || !strings.Contains(body, `id="e-from"`) || !strings.Contains(body, `id="e-status"`) {
			t.Fatalf("bad filters: %d\n%s", status, body)
		}
		for i := range 10 {
			ivy.post("/app/groups", groupForm(fmt.Sprintf("Study hour %d", i), "Study", fmt.Sprintf("2030-02-%02dT10:00", i+1), "5"))
		}
		body = expectPage(t, ann, "/app/groups", 200, "Group sessions", "12 sessions; page 1 of 2", `value="2030-01-15"`, `rel="next"`)
		if n := strings.Count(body, `class="card group-card`); n != 10 {
			t.Errorf("page 1 shows %d sessions", n)
		}
		next := find(t, `href="([^"]+)" rel="next"`, body)
		body = expectPage(t, ann, strings.ReplaceAll(next, "&amp;", "&"), 200, "Group sessions", "page 2 of 2", "Study hour 9", `rel="prev"`)
		if n := strings.Count(body, `class="card group-card`); n != 2 || !strings.Contains(next, "status=upcoming") {
			t.Errorf("page 2 shows %d sessions, or its link %s lost the filter", n, next)
		}
		expectPage(t, ivy, "/app/groups?scope=mine&status=&from=&topic=study", 200, "Group sessions", "10 sessions", "You run it")

		// Started from its time, then completed; not before.
		expectPost(t, ivy, goPage+"/start", nil, 400, "The session can be started from its scheduled time, not before.")
		s.Clock.Set(time.Date(2030, 1, 20, 10, 5, 0, 0, time.UTC))
		expectPage(t, ivy, goPage, 200, "Go code review", `action="`+goPage+`/start"`)
		expectPost(t, ivy, goPage+"/start", nil, 200, "Started: the session is ongoing.", `action="`+goPage+`/complete"`)
		expectPost(t, ben, goPage+"/leave", nil, 400, "the seat can no longer be given back")
		// An ongoing session can still be edited, its start kept as it was.
		status, body = ivy.post(goPage+"/edit", groupForm("Go code review, part 1", "Go", "2030-01-20T10:00", "1"))
		if status != 200 || !strings.Contains(body, "Saved.") || strings.Contains(body, "e-mail with the new time") || !strings.Contains(body, "Go code review, part 1") {
			t.Fatalf("editing an ongoing session: %d\n%s", status, body)
		}
		status, body = ivy.post(goPage+"/complete", nil)
		if status != 200 || !strings.Contains(body, "Marked as completed.") || strings.Contains(body, goPage+"/edit") {
			t.Fatalf("complete: %d\n%s", status, body)
		}
		if _, body := ivy.get(goPage + "/edit"); ivy.res.Request.URL.Path != goPage || !strings.Contains(body, "A completed or cancelled session can no longer be changed.") {
			t.Errorf("editing a completed session: at %s", ivy.res.Request.URL)
		}
		s.Clock.Set(groupsNow)

		// Times are read and shown in each viewer's zone.
		s.Patch("/myprofile/").Token(maxUser.Token).JSON(map[string]string{"timezone": "Europe/Paris"}).Do().Expect(200)
		expectPost(t, maxWeb, "/app/groups", groupForm("Soirée SQL", "SQL", "2030-01-16T18:00", "4"), 200, "Wed 16 Jan 2030, 18:00 CET")
		expectPage(t, ann, maxWeb.res.Request.URL.Path, 200, "Soirée SQL", "Wed 16 Jan 2030, 17:00 UTC")
		expectPage(t, maxWeb, maxWeb.res.Request.URL.Path+"/edit", 200, "Edit “Soirée SQL”", `value="2030-01-16T18:00"`, "In Europe/Paris.")

		// Cancelled: its participants are e-mailed; then it can be deleted.
		expectPost(t, ivy, page+"/cancel", nil, 200, "Cancelled. Its 2 participants get an e-mail saying so.", "status-cancelled")
		for _, who := range []string{"ben@example.com", "cat@example.com"} {
			mailTo(s, who, func(subject, _ string) bool { return subject == "Session cancelled: Algebra drop-in" })
		}
		for _, m := range s.SMTP.To("ann@example.com") {
			if strings.HasPrefix(m.Subject, "Session cancelled") {
				t.Error("ann, who gave her seat back, is told of the cancellation")
			}
		}
		expectPage(t, dan, page, 200, "Algebra drop-in", "Cancelled", "This session can no longer be joined.")
		status, body = ivy.post(page+"/delete", nil)
		if status != 200 || ivy.res.Request.URL.Query().Get("scope") != "mine" || !strings.Contains(body, "Deleted “Algebra drop-in”.") {
			t.Fatalf("delete: %d at %s\n%s", status, ivy.res.Request.URL, body)
		}
		expectNotFoundAt(t, ivy, "", nil, page, "/app/groups/999999", "/app/groups/x", "/app/groups/x/edit")
	})
}

// TestGroupWaitlistPages: a full session's page offers "Join the
// waitlist"; those waiting see their place and can leave; the instructor
// sees who waits in order; a seat given back goes to the first waiting at
// once, who is e-mailed; a seated student is not waitlisted, nor anyone
// twice.
func TestGroupWaitlistPages(t *testing.T) {
	eachEngine(t, apptest.Options{Now: groupsNow}, func(t *testing.T, s *apptest.Server) {
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
		expectPost(t, ben, page+"/waitlist", nil, 400, "You are already on the waitlist of this session.")
		expectPost(t, ann, page+"/waitlist", nil, 400, "You already have a seat in this session")
		body = expectPost(t, cat, page+"/waitlist", nil, 200, "You are <strong>second</strong> on the waitlist of 2.")
		expectPage(t, ivy, page, 200, "Algebra drop-in", "Who joined (1)", "Waitlist (2)", "2 people wait for a seat", "ben@example.com", "cat@example.com")
		if strings.Contains(body, "ben@example.com") {
			t.Error("a student sees who else waits")
		}

		// ann gives her seat back: ben has it at once, and an e-mail.
		expectPost(t, ann, page+"/leave", nil, 200, "You gave your seat back; it went to the first on the waitlist.")
		expectPage(t, ben, page, 200, "Algebra drop-in", "You have a seat in this session.")
		expectPage(t, cat, page, 200, "Algebra drop-in", "You are <strong>first</strong> on the waitlist.")
		mail := mailTo(s, "ben@example.com", func(subject, _ string) bool { return subject == "You have a seat: Algebra drop-in" })
		if !strings.Contains(mail.Text, "with Ivy Mentor") {
			t.Errorf("ben's e-mail: %q", mail.Text)
		}

		// cat leaves the waitlist; a second time is refused.
		expectPost(t, cat, page+"/leave-waitlist", nil, 200, "You left the waitlist.", `action="`+page+`/waitlist"`)
		expectPost(t, cat, page+"/leave-waitlist", nil, 400, "You are not on the waitlist of this session.")
		expectPage(t, ivy, page, 200, "Algebra drop-in", "Who joined (1)", "Ben Mentee")
		if _, body := ivy.get(page); strings.Contains(body, "Waitlist (") {
			t.Error("the instructor still sees a waitlist")
		}
	})
}
