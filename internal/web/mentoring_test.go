package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/mentoring"
	"github.com/mentord/mentord/internal/store"
)

// TestMentoringPages walks every mentoring page over HTTP: a mentor signs
// up in the web app and publishes times, a mentee finds them and requests
// a session, the mentor confirms it; along the way, what is not the
// caller's is 404 and the domain's refusals are shown on the page.
func TestMentoringPages(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow}, func(t *testing.T, s *apptest.Server) {

		// Signed-out people are sent to log in, and come back.
		expectSentToLogIn(t, s, "/app/mentors?skill=Go")

		// The mentor's profile: created on the first save.
		mona := signUpWeb(t, s, "mona", "Mona", "mentor", "Europe/Paris")
		if mona.res.Request.URL.Path != "/app/mentor/profile" {
			t.Fatalf("a new mentor lands on %s", mona.res.Request.URL)
		}
		expectPage(t, mona, "/app/mentor/profile", 200, "Your mentor profile",
			`name="about_me"`, `name="skills"`, `name="team_number"`, "Career Help", `id="h-skills"`)
		expectPost(t, mona, "/app/mentor/profile", url.Values{"about_me": {"I teach Go."}, "skills": {" , "}, "team_number": {"seven"}}, 400, `id="e-skills"`, `id="e-team_number"`, "I teach Go.")
		// Any skill may be typed, so a bad one is not told as a choice missed.
		long := strings.Repeat("s", 51)
		body := expectPost(t, mona, "/app/mentor/profile", url.Values{"skills": {"Go, " + long}}, 400,
			`id="e-skills">A skill name is at most 50 characters, without / or a line break (&#34;`+long+`&#34; is not).</p>`)
		if strings.Contains(body, "Choose one of the options") {
			t.Error("a skill name too long is told as a choice missed")
		}
		status, body := mona.post("/app/mentor/profile", url.Values{"about_me": {"I teach Go and SQL."}, "skills": {"go, sql, Career help,"}, "team_number": {"7"}})
		if status != 200 || mona.res.Request.URL.Path != "/app/availability" || !strings.Contains(body, "Your mentor profile is saved") {
			t.Fatalf("first save: %d at %s\n%s", status, mona.res.Request.URL, body)
		}
		// The second save changes it; known skills get their usual spelling.
		mona.post("/app/mentor/profile", url.Values{"about_me": {"I teach Go and SQL."}, "skills": {"Go, sql, career help"}, "team_number": {"7"}})
		if mona.res.Request.URL.Path != "/app/mentor/profile" {
			t.Fatalf("second save: at %s", mona.res.Request.URL)
		}
		expectPage(t, mona, "/app/mentor/profile", 200, "Your mentor profile", `value="Go, SQL, Career Help"`, `value="7"`)

		// Availability: a week view, the add form, refusals next to it.
		expectPage(t, mona, "/app/availability", 200, "Your availability",
			`name="date"`, `name="start"`, `name="end"`, `value="2030-01-15"`, "Week of Monday 14 January 2030", "?week=2030-01-21", "?week=2030-01-07")
		status, body = mona.post("/app/availability", url.Values{"date": {"2030-01-16"}, "start": {"10:00"}, "end": {"12:00"}})
		if status != 200 || mona.res.Request.URL.RawQuery != "week=2030-01-14" || !strings.Contains(body, "Published 10:00–12:00 CET on Wednesday 16 January: 4 half-hours") ||
			strings.Count(body, `class="chunk chunk-Open"`) != 4 || !strings.Contains(body, "10:30–11:00") {
			t.Fatalf("add availability: %d at %s\n%s", status, mona.res.Request.URL, body)
		}
		chunkID := find(t, `action="/app/availability/(\d+)/delete"`, body)
		expectPost(t, mona, "/app/availability", url.Values{"date": {"2030-01-16"}, "start": {"11:00"}, "end": {"13:00"}}, 400, mentoring.MsgOverlapV2, `value="13:00"`)
		status, body = mona.post("/app/availability", url.Values{"date": {"16/01/2030"}, "start": {"9"}, "end": {"12:00"}})
		if status != 400 || !strings.Contains(body, `id="e-date"`) || !strings.Contains(body, `id="e-start"`) || strings.Contains(body, `id="e-end"`) {
			t.Fatalf("unreadable availability: %d\n%s", status, body)
		}
		expectPost(t, mona, "/app/availability", url.Values{"date": {"2030-01-14"}, "start": {"10:00"}, "end": {"11:00"}}, 400, mentoring.MsgStartInFuture)
		expectPage(t, mona, "/app/availability?week=2030-01-23", 200, "Your availability", "Week of Monday 21 January 2030", "Nothing")

		// A second mentor, made through the API, free at the same time.
		max := s.Mentor("max", "Go")
		s.Post("/availability/").Token(max.Token).JSON(map[string]string{"start_time": "2030-01-16T08:00:00Z", "end_time": "2030-01-16T12:00:00Z"}).Do().Expect(201)

		// The directory: search by name and by skill.
		bea := s.Mentee("bea")
		beaWeb := logIn(t, s, "bea")
		body = expectPage(t, beaWeb, "/app/mentors", 200, "Find a mentor", `name="q"`, `name="skill"`, `<option value="SQL">SQL</option>`, "Mona Example", "Max Mentor", "2 mentors")
		monaID := find(t, `<a href="/app/mentors/(\d+)">Mona Example</a>`, body)
		maxID := find(t, `<a href="/app/mentors/(\d+)">Max Mentor</a>`, body)
		body = expectPage(t, beaWeb, "/app/mentors?skill=sql", 200, "Find a mentor", "Mona Example", "One mentor matches", `<option value="SQL" selected>`, "Team 7")
		if strings.Contains(body, "Max Mentor") {
			t.Error("the skill search shows a mentor without the skill")
		}
		expectPage(t, beaWeb, "/app/mentors?q=nobody", 200, "Find a mentor", "No mentor matches this search", `value="nobody"`)

		// A mentor's page: the open starts, in the viewer's zone (UTC).
		body = expectPage(t, beaWeb, "/app/mentors/"+monaID, 200, "Mona Example", "I teach Go and SQL.", "Wednesday 16 January 2030",
			`name="availability"`, `name="start" value="2030-01-16T09:00:00Z"`, `name="length" value="60"`, "60 min at 09:00")
		if strings.Contains(body, "60 min at 10:30") || !strings.Contains(body, "30 min at 10:30") {
			t.Error("a 60-minute start is offered where only 30 minutes fit")
		}
		avail := find(t, `name="availability" value="(\d+)"`, body)
		expectNotFoundAt(t, beaWeb, "", nil, "/app/mentors/"+itoa64(bea.ID), "/app/mentors/999999", "/app/mentors/x")
		status, body = beaWeb.post("/app/mentors/"+itoa64(bea.ID)+"/request", url.Values{"availability": {avail}, "start": {"2030-01-16T09:00:00Z"}, "length": {"60"}})
		expectNotFound(t, status, body, "a request to someone who is not a mentor")

		// Requesting is one step.
		status, body = beaWeb.post("/app/mentors/"+monaID+"/request", url.Values{"availability": {avail}, "start": {"2030-01-16T09:00:00Z"}, "length": {"60"}})
		if status != 200 || beaWeb.res.Request.URL.Path != "/app/sessions" || !strings.Contains(body, "Requested: 60 minutes with Mona Example, Wed 16 Jan 2030, 09:00 UTC") ||
			!strings.Contains(body, "waiting for Mona Example to confirm") {
			t.Fatalf("request: %d at %s\n%s", status, beaWeb.res.Request.URL, body)
		}
		sessionID := find(t, `href="/app/sessions/(\d+)\.ics"`, body)
		// The same time again, with another mentor: the domain's message, on that mentor's page.
		body = expectPage(t, beaWeb, "/app/mentors/"+maxID, 200, "Max Mentor", `name="start" value="2030-01-16T08:00:00Z"`)
		if strings.Contains(body, `value="2030-01-16T09:30:00Z"`) {
			t.Error("a start that overlaps the mentee's own session is offered")
		}
		maxAvail := find(t, `name="availability" value="(\d+)"`, body)
		status, body = beaWeb.post("/app/mentors/"+maxID+"/request", url.Values{"availability": {maxAvail}, "start": {"2030-01-16T09:30:00Z"}, "length": {"30"}})
		if status != 400 || title(body) != "Max Mentor · mentord" || !strings.Contains(body, mentoring.MsgOverlap) || !strings.Contains(body, `role="alert"`) {
			t.Fatalf("overlapping request: %d %q\n%s", status, title(body), body)
		}
		expectPost(t, beaWeb, "/app/mentors/"+maxID+"/request", url.Values{"availability": {maxAvail}, "start": {"tomorrow"}, "length": {"45"}}, 400, "Enter a date and a time.")

		// A mentor who is not a mentee sees the times without buttons, and why.
		body = expectPage(t, mona, "/app/mentors/"+maxID, 200, "Max Mentor", mentoring.MsgNotMentee)
		if strings.Contains(body, `name="length"`) {
			t.Error("a non-mentee is offered request buttons")
		}

		// Sessions: the mentor sees the request first, and confirms it.
		expectPage(t, mona, "/app/sessions", 200, "Sessions", "Waiting for your answer (1)", "Bea Mentee",
			`action="/app/sessions/`+sessionID+`/status"`, `name="status" value="Confirmed"`, `name="status" value="Canceled"`, "Wed 16 Jan 2030, 10:00 CET")
		status, body = mona.post("/app/sessions/"+sessionID+"/status", url.Values{"status": {"Confirmed"}, "back": {"/sessions"}})
		if status != 200 || !strings.Contains(body, "Confirmed. Bea Mentee gets an e-mail") || strings.Contains(body, "Waiting for your answer") ||
			!strings.Contains(body, "Join the meeting") {
			t.Fatalf("confirm: %d\n%s", status, body)
		}
		if _, body = mona.post("/app/sessions/"+sessionID+"/status", url.Values{"status": {"Confirmed"}}); !strings.Contains(body, "This session was already Confirmed.") {
			t.Fatalf("a second confirmation:\n%s", body)
		}
		status, body = beaWeb.post("/app/sessions/"+sessionID+"/status", url.Values{"status": {"Completed"}})
		if status != 400 || title(body) != "Sessions · mentord" || !strings.Contains(body, "Only the mentor can complete a session.") {
			t.Fatalf("a refused change: %d\n%s", status, body)
		}
		body = expectPage(t, beaWeb, "/app/sessions/"+sessionID, 200, "Session with Mona Example", "Confirmed", "https://meet.jit.si/mentord-", `value="Canceled"`)
		if strings.Contains(body, `value="Completed"`) {
			t.Error("completing is offered before the start")
		}
		ics, ibody := beaWeb.get("/app/sessions/" + sessionID + ".ics")
		if ics != 200 || !strings.HasPrefix(beaWeb.res.Header.Get("Content-Type"), "text/calendar") ||
			!strings.HasPrefix(beaWeb.res.Header.Get("Content-Disposition"), "attachment") || !strings.Contains(ibody, "BEGIN:VEVENT") {
			t.Fatalf(".ics: %d %v\n%s", ics, beaWeb.res.Header, ibody)
		}

		// What is not the caller's is not found.
		s.Mentee("cleo")
		cleoWeb := logIn(t, s, "cleo")
		expectNotFoundAt(t, cleoWeb, "someone else's ", nil, "/app/sessions/"+sessionID, "/app/sessions/"+sessionID+".ics", "/app/sessions/999999.ics", "/app/sessions/x.ics")
		status, body = cleoWeb.post("/app/sessions/"+sessionID+"/status", url.Values{"status": {"Canceled"}})
		expectNotFound(t, status, body, "cancelling someone else's session")
		expectPage(t, cleoWeb, "/app/sessions", 200, "Sessions", "Nothing planned yet")
		// Pages for mentors only.
		mentorPages := []string{"/app/mentor/profile", "/app/availability"}
		expectNotFoundAt(t, cleoWeb, "a mentee at ", nil, mentorPages...)
		expectNotFoundAt(t, cleoWeb, "a mentee posting to ", url.Values{"date": {"2030-01-16"}, "start": {"10:00"}, "end": {"11:00"}, "skills": {"Go"}}, mentorPages...)
		maxWeb := logIn(t, s, "max")
		status, body = maxWeb.post("/app/availability/"+chunkID+"/delete", url.Values{"week": {"2030-01-14"}})
		expectNotFound(t, status, body, "deleting someone else's availability")

		// Times with a session cannot be deleted; the others can.
		expectPage(t, mona, "/app/availability", 200, "Your availability", `class="chunk chunk-Confirmed"`)
		body = expectPost(t, mona, "/app/availability/"+chunkID+"/delete", url.Values{"week": {"2030-01-14"}}, 400, mentoring.MsgHasSessions)
		free := find(t, `<li class="chunk chunk-Open">\s*<span class="chunk-time">11:30–12:00</span>[\s\S]*?action="/app/availability/(\d+)/delete"`, body)
		status, body = mona.post("/app/availability/"+free+"/delete", url.Values{"week": {"2030-01-14"}})
		if status != 200 || mona.res.Request.URL.RawQuery != "week=2030-01-14" || !strings.Contains(body, "That time is deleted") || strings.Contains(body, "11:30–12:00") {
			t.Fatalf("delete: %d at %s\n%s", status, mona.res.Request.URL, body)
		}

		// The mentee cancels; both see it, and the archive is there.
		status, body = beaWeb.post("/app/sessions/"+sessionID+"/status", url.Values{"status": {"Canceled"}, "back": {"/sessions/" + sessionID}})
		if status != 200 || beaWeb.res.Request.URL.Path != "/app/sessions/"+sessionID || !strings.Contains(body, "Canceled. Mona Example gets an e-mail") {
			t.Fatalf("cancel: %d at %s\n%s", status, beaWeb.res.Request.URL, body)
		}
		body = expectPage(t, mona, "/app/sessions", 200, "Sessions", `status-Canceled">Canceled`)
		if strings.Contains(body, "Join the meeting") || strings.Contains(body, `name="status"`) {
			t.Error("a canceled session still offers its meeting or actions")
		}
		expectPage(t, beaWeb, "/app/sessions/archive", 200, "Past sessions", "No past sessions.")
		s.Clock.Advance(3 * 24 * time.Hour)
		expectPage(t, beaWeb, "/app/sessions/archive", 200, "Past sessions", "Mona Example", "Canceled")

		// An empty team number is no team.
		mona.post("/app/mentor/profile", url.Values{"about_me": {"I teach Go and SQL."}, "skills": {"Go, SQL"}, "team_number": {""}})
		if body := expectPage(t, beaWeb, "/app/mentors/"+monaID, 200, "Mona Example"); strings.Contains(body, "Team 7") {
			t.Error("the team number was not cleared")
		}
	})
}

// TestHomeListsSessionsStillToBeHeld: "Your next sessions" on the home
// page are the pending and confirmed ones that have not ended; a cancelled
// one, or one that is over, is left to the sessions page.
func TestHomeListsSessionsStillToBeHeld(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow}, func(t *testing.T, s *apptest.Server) {
		mona := s.Mentor("mona", "Go")
		bea := s.Mentee("bea")
		av := s.Post("/availability/").Token(mona.Token).JSON(map[string]string{"start_time": "2030-01-15T15:00:00Z", "end_time": "2030-01-15T19:00:00Z"}).Do().Expect(201).Obj()
		request := func(start string, length int) string {
			req := s.Post("/sessionrequest/").Token(bea.Token).JSON(map[string]any{"mentor_availability": av["pk"], "start_time": start, "session_length": length}).Do().Expect(201).Obj()
			return itoa64(int64(req["pk"].(float64)))
		}
		cancelled := request("2030-01-15T15:00:00Z", 60)
		s.Patch("/sessionrequest/" + cancelled + "/").Token(bea.Token).JSON(map[string]string{"status": "Canceled"}).Do().Expect(200)
		request("2030-01-15T16:00:00Z", 30)
		confirmed := request("2030-01-15T17:00:00Z", 60)
		s.Patch("/sessionrequest/" + confirmed + "/").Token(mona.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)

		beaWeb := logIn(t, s, "bea")
		body := expectPage(t, beaWeb, "/app", 200, "Home", "Tue 15 Jan 2030, 16:00 UTC", `status-Pending">Pending`, "Tue 15 Jan 2030, 17:00 UTC", `status-Confirmed">Confirmed`)
		if strings.Contains(body, "15:00 UTC") || strings.Contains(body, "Canceled") {
			t.Errorf("the home page lists the cancelled session:\n%s", body)
		}
		// The sessions page still shows it, with its status.
		expectPage(t, beaWeb, "/app/sessions", 200, "Sessions", `status-Canceled">Canceled`)

		// Once they are over, nothing is planned, though the sessions page
		// keeps them for a day.
		s.Clock.Advance(10 * time.Hour)
		expectPage(t, beaWeb, "/app", 200, "Home", "Nothing planned yet.")
		expectPage(t, beaWeb, "/app/sessions", 200, "Sessions", "Tue 15 Jan 2030, 17:00 UTC")
	})
}

// TestMentorDirectoryPaging: 20 mentors a page, and the links to the
// pages around keep the search.
func TestMentorDirectoryPaging(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow}, func(t *testing.T, s *apptest.Server) {
		seedMentors(t, s, 45)
		s.Mentee("bea")
		b := logIn(t, s, "bea")
		body := expectPage(t, b, "/app/mentors?skill=go", 200, "Find a mentor", "45 mentors match; page 1 of 3",
			`href="/app/mentors?page=2&amp;skill=go" rel="next"`, "Team 1", "Seeded mentor. I help with code reviews")
		if n := strings.Count(body, `class="card mentor-card"`); n != 20 || strings.Contains(body, `rel="prev"`) {
			t.Errorf("page 1: %d mentors, or a previous page", n)
		}
		if strings.Contains(body, "first jobs. I help with code reviews, interviews and first jobs. I help with code reviews, interviews and first jobs.") {
			t.Error("the about-me text is shown whole in the list")
		}
		body = expectPage(t, b, "/app/mentors?skill=go&page=3&q=bench", 200, "Find a mentor", "45 mentors match; page 3 of 3",
			`href="/app/mentors?page=2&amp;q=bench&amp;skill=go" rel="prev"`)
		if n := strings.Count(body, `class="card mentor-card"`); n != 5 || strings.Contains(body, `rel="next"`) {
			t.Errorf("page 3: %d mentors, or a next page", n)
		}
		expectPage(t, b, "/app/mentors?q=bench&page=9", 200, "Find a mentor", "There are fewer pages than that", `href="/app/mentors?page=3&amp;q=bench" rel="prev"`)
		expectPage(t, b, "/app/mentors?q=Bench+4", 200, "Find a mentor", "6 mentors match")
	})
}

// BenchmarkMentorDirectoryPage renders the mentor directory over 1,000
// mentors through the real handler (HTTP on loopback, the sign-in cookie,
// the templates): page 1 of everyone, and a search by skill.
//
//	go test ./internal/web -run '^$' -bench MentorDirectory -benchmem
//
// with MENTORD_TEST_POSTGRES_URL set for the PostgreSQL run.
func BenchmarkMentorDirectoryPage(b *testing.B) {
	apptest.Each(b, apptest.Options{Now: mentoringNow, NoWorker: true}, func(b *testing.B, s *apptest.Server) {
		seedMentors(b, s, 1000)
		viewer := s.SignUp("viewer")
		ctx := b.Context()
		u, err := s.App.Accounts.User(ctx, viewer.ID)
		if err != nil {
			b.Fatal(err)
		}
		cookie, err := s.App.Accounts.StartWebSession(ctx, u)
		if err != nil {
			b.Fatal(err)
		}
		get := func(b *testing.B, path string) string {
			req, _ := http.NewRequest("GET", s.URL+path, nil)
			req.Header.Set("Accept", "text/html")
			req.AddCookie(&http.Cookie{Name: "mentord_session", Value: cookie})
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Fatalf("GET %s: %d", path, res.StatusCode)
			}
			b.SetBytes(int64(len(body)))
			return string(body)
		}
		for _, page := range []struct{ name, path, want string }{
			{"page1", "/app/mentors", "1000 mentors; page 1 of 50"},
			{"skill", "/app/mentors?skill=skill7", "25 mentors match; page 1 of 2"},
		} {
			b.Run(page.name, func(b *testing.B) {
				if body := get(b, page.path); !strings.Contains(body, page.want) || strings.Count(body, `class="card mentor-card"`) != 20 {
					b.Fatalf("GET %s does not show %q and 20 mentors:\n%s", page.path, page.want, body)
				}
				for b.Loop() {
					get(b, page.path)
				}
			})
		}
	})
}

// seedMentors stores n mentors with a profile and three skills each
// (Skill0 to Skill39 in turn), straight into the store, as the Momentors
// benchmarks seed theirs.
func seedMentors(b testing.TB, s *apptest.Server, n int) {
	ctx := b.Context()
	now := s.Clock.Now()
	err := s.Store.Tx(ctx, func(q *store.Q) error {
		for i := range n {
			u := &domain.User{Username: fmt.Sprintf("bench%d", i), Email: fmt.Sprintf("bench%d@example.com", i), FirstName: "Bench",
				LastName: fmt.Sprint(i), Timezone: "UTC", IsActive: true, IsMentor: true, DateJoined: now}
			if err := q.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := q.CreateMentor(ctx, &domain.Mentor{UserID: u.ID, TeamNumber: i%12 + 1,
				AboutMe: "Seeded mentor. " + strings.Repeat("I help with code reviews, interviews and first jobs. ", 4),
				Skills:  []string{"Go", "SQL", fmt.Sprintf("Skill%d", i%40)}, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
