package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

// calendarForm is the new-calendar form with a grid week from 2030-03-12
// and the given cells set.
func calendarForm(name string, cells map[string]string, invitees ...string) url.Values {
	v := url.Values{"name": {name}, "description": {"A first chat about your project."}, "timezone": {"America/Toronto"},
		"deadline": {"2030-03-04T19:00"}, "meeting_length": {"30"}, "first_day": {"2030-03-12"}, "invitee": invitees}
	for k, p := range cells {
		v.Set(k, p)
	}
	return v
}

// TestSchedulerPages walks the owner's pages over HTTP: contacts, a
// calendar made on the grid, answers, a reminder, the suggestions and
// finalizing; someone else's calendar and contact are 404.
func TestSchedulerPages(t *testing.T) {
	eachEngine(t, apptest.Options{Now: inviteeT0}, func(t *testing.T, s *apptest.Server) {
		b := signUpWeb(t, s, "olive", "Olive", "mentee", "America/Toronto")
		expectPage(t, b, "/app/meetings", 200, "Your meeting calendars", `aria-current="page">Meetings</a>`, "You have no calendars yet.", `href="/app/meetings/new"`)
		expectPage(t, b, "/app/meetings/contacts", 200, "Your contacts", "No contacts yet.", `name="first_name"`, `name="email"`)

		// Contacts: the API's rules, told next to the field.
		expectPost(t, b, "/app/meetings/contacts", url.Values{"first_name": {" "}, "last_name": {"Guest"}, "email": {"nope"}}, 400, `id="e-first_name">This cannot be empty.`, `id="e-email">Enter an e-mail address`)
		for _, n := range []string{"Ann", "Ben", "Cat"} {
			expectPost(t, b, "/app/meetings/contacts", url.Values{"first_name": {n}, "last_name": {"Guest"}, "email": {strings.ToLower(n) + "@guests.example"}}, 200, n+" Guest is added")
		}
		expectPost(t, b, "/app/meetings/contacts", url.Values{"first_name": {"Ann"}, "last_name": {"Again"}, "email": {"ann@guests.example"}}, 400, `id="e-email">A contact with this email already exists.`)
		_, body := b.get("/app/meetings/contacts")
		ids := regexp.MustCompile(`/app/meetings/contacts/(\d+)/edit`).FindAllStringSubmatch(body, -1)
		if len(ids) != 3 {
			t.Fatalf("contacts listed: %v", ids)
		}
		ann, ben, cat := ids[0][1], ids[1][1], ids[2][1]
		expectPage(t, b, "/app/meetings/contacts/"+cat+"/edit", 200, "Edit Cat Guest", `value="cat@guests.example"`)
		expectPost(t, b, "/app/meetings/contacts/"+cat+"/edit", url.Values{"first_name": {"Cat"}, "last_name": {"Guest"}, "email": {"ben@guests.example"}}, 400, `id="e-email">A contact with this email already exists.`)
		expectPost(t, b, "/app/meetings/contacts/"+cat+"/edit", url.Values{"first_name": {"Cathy"}, "last_name": {"Guest"}, "email": {"cat@guests.example"}}, 200, "Cathy Guest")

		// The form, and its checks.
		expectPage(t, b, "/app/meetings/new", 200, "New meeting calendar", `name="name"`, `name="deadline"`, `name="meeting_length"`,
			`value="America/Toronto"`, `name="invitee" value="`+ann+`"`, `name="cell-2030-03-02-800"`, `aria-label="Saturday 2 March, 08:00 to 08:30"`)
		_, body = b.get("/app/meetings/new?first_day=2030-03-12")
		mustContain(t, "the grid of another week", body, `name="cell-2030-03-12-1300"`, "Tue 12 Mar", "Mon 18 Mar")
		expectPost(t, b, "/app/meetings/new", calendarForm("", nil, ann), 400, `id="e-name">`, `id="e-available_slots">Choose at least one time`)
		bad := calendarForm("Interviews", map[string]string{"cell-2030-03-12-1300": "3"}, ann)
		bad.Set("deadline", "2030-02-01T10:00")
		bad.Set("timezone", "Mars/Olympus")
		expectPost(t, b, "/app/meetings/new", bad, 400, `id="e-deadline">Deadline cannot be in the past.`, `id="e-timezone">`, `<option value="3" selected>High</option>`)
		// Showing another week keeps the times chosen on this one, and they
		// are made with the calendar whichever week is shown then.
		week := calendarForm("Project interviews", map[string]string{"cell-2030-03-12-1300": "3"}, ann)
		week.Set("first_day", "2030-03-19")
		week.Set("show", "1")
		body = expectPost(t, b, "/app/meetings/new", week, 200, "Tue 19 Mar", `<input type="hidden" name="cell-2030-03-12-1300" value="3">`, "You chose times on other days too")
		if strings.Contains(body, `name="cell-2030-03-12-1330" value`) {
			t.Error("a time not chosen is carried")
		}
		good := calendarForm("Project interviews", map[string]string{"cell-2030-03-12-1300": "3", "cell-2030-03-12-1330": "3", "cell-2030-03-13-1000": "1"}, ann, ben, cat)
		good.Set("first_day", "2030-03-19")
		expectPost(t, b, "/app/meetings/new", good, 200, "Your 3 invitees are e-mailed")
		calPath := b.res.Request.URL.Path
		expectPage(t, b, calPath, 200, "Project interviews", "Every time on this page is in America/Toronto", "Mon 4 Mar 2030, 19:00 EST",
			"Tuesday 12 March 2030, 13:00 to 14:00 EDT: High preference", "Wednesday 13 March 2030, 10:00 to 10:30 EDT: Low preference",
			"Invitees (0 of 3 answered)", "Not answered yet", "Send a reminder", "See the suggested schedules")
		links := invitationLinks(t, s, 3)

		// Ann answers; Ben gets a reminder.
		ab := newBrowser(t, s)
		_, page := ab.get(links["ann@guests.example"])
		slots := slotNames(page)
		expectPost(t, ab, links["ann@guests.example"], url.Values{slots[0]: {"3"}, slots[1]: {"0"}, "custom_rows": {"0"}}, 200)
		expectPage(t, b, calPath, 200, "Project interviews", "Invitees (1 of 3 answered)", "Answered:", "Tuesday 12 March 2030, 13:00 to 14:00 EDT (High)")
		expectPost(t, b, calPath+"/remind/"+ben, nil, 200, "Reminder email successfully sent to Ben Guest")
		if _, body = b.post(calPath+"/remind/"+ann, nil); !strings.Contains(body, "Ann Guest has already responded") {
			t.Fatalf("remind one who answered:\n%s", body)
		}

		// Past the deadline the answer page takes no answer, so no reminder
		// is offered.
		s.Clock.Set(time.Date(2030, 3, 5, 1, 0, 0, 0, time.UTC))
		if body := expectPage(t, b, calPath, 200, "Project interviews", "Deadline passed", "See the suggested schedules"); strings.Contains(body, "Send a reminder") {
			t.Fatal("a reminder is offered after the deadline")
		}

		// Suggestions, and finalizing the best.
		body = expectPage(t, b, calPath+"/suggestions", 200, "Suggested schedules for Project interviews", "Schedule 1", "Ann Guest (score 6)",
			"Ben Guest, Cathy Guest", "Finalize schedule 1", "Tue 12 Mar<br>13:00 to 13:30 EDT")
		item := find(t, `name="meeting" value="([^"]+)"`, body)
		expectPost(t, b, calPath+"/finalize", url.Values{"meeting": {"999|2030-03-12T17:00:00Z|2030-03-12T17:30:00Z"}}, 200, "That schedule cannot be kept")
		expectPost(t, b, calPath+"/finalize", url.Values{"meeting": {"x"}}, 400, "could not be read")
		status, body := b.post(calPath+"/finalize", url.Values{"meeting": {item}})
		if status != 200 || !strings.Contains(body, "finalized with one meeting. The person scheduled is e-mailed an invitation") || !strings.Contains(body, "Tuesday 12 March 2030, 13:00 to 13:30 EDT") ||
			strings.Contains(body, "Send a reminder") || strings.Contains(body, "See the suggested schedules") {
			t.Fatalf("finalize: %d\n%s", status, body)
		}
		if _, body := b.post(calPath+"/finalize", url.Values{"meeting": {item}}); !strings.Contains(body, "finalized already") {
			t.Fatal("a second finalize")
		}
		if _, body := b.get(calPath + "/suggestions"); !strings.Contains(body, "This calendar is finalized") {
			t.Fatal("suggestions after finalizing")
		}
		expectPage(t, b, "/app/meetings", 200, "Your meeting calendars", "Project interviews", "Finalized: one meeting")

		// Another owner sees none of it.
		o := signUpWeb(t, s, "oscar", "Oscar", "mentee", "UTC")
		for _, p := range []string{calPath, calPath + "/suggestions", "/app/meetings/contacts/" + ann + "/edit", "/app/meetings/calendars/x"} {
			status, body := o.get(p)
			expectNotFound(t, status, body, "GET "+p)
		}
		for _, p := range []string{calPath + "/remind/" + ben, calPath + "/finalize", "/app/meetings/contacts/" + ann + "/edit", "/app/meetings/contacts/" + ann + "/delete"} {
			status, body := o.post(p, url.Values{"first_name": {"X"}, "last_name": {"Y"}, "email": {"x@y.example"}})
			expectNotFound(t, status, body, "POST "+p)
		}

		// Deleting a contact.
		if status, body := b.post("/app/meetings/contacts/"+cat+"/delete", nil); status != 200 || !strings.Contains(body, "Cathy Guest is deleted") || strings.Contains(body, "cat@guests.example") {
			t.Fatalf("delete: %d", status)
		}
		// Signed out: the login page.
		if status, _ := newBrowser(t, s).get("/app/meetings"); status != 200 {
			t.Fatalf("signed out: %d", status)
		}
	})
}

// TestFinalizedWithNoMeetings: a calendar finalized with no one placed says
// so in words, on its page and in the list, and invites no one.
func TestFinalizedWithNoMeetings(t *testing.T) {
	eachEngine(t, apptest.Options{Now: inviteeT0}, func(t *testing.T, s *apptest.Server) {
		tok := schedOwner(t, s, "olive")
		id := itoa64(int64(torontoCalendar(t, s, tok, schedContact(t, s, tok, "Ann"))))
		b := logIn(t, s, "olive")
		body := expectPost(t, b, "/app/meetings/calendars/"+id+"/finalize", url.Values{}, 200, "The calendar is finalized with no meetings. No one is invited.")
		if strings.Contains(body, "meeting(s)") || strings.Contains(body, "e-mailed an invitation") {
			t.Errorf("finalized with no meetings:\n%s", body)
		}
		expectPage(t, b, "/app/meetings", 200, "Your meeting calendars", "Finalized: no meetings")
	})
}
