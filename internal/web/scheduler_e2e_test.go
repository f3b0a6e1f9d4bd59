package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestMeetingOwnerJourney: an owner adds three contacts and makes a
// calendar for them on the week grid, in the browser; each follows the link
// in their invitation e-mail and answers; the owner opens the suggestions
// and finalizes the best; each invitee's e-mail carries an .ics with their
// meeting's time.
func TestMeetingOwnerJourney(t *testing.T) {
	journey(t, apptest.Options{Now: inviteeT0}, func(t *testing.T, s *apptest.Server, j *chromium) {
		signUpWeb(t, s, "olive", "Olive", "mentee", "America/Toronto")
		tab := j.logIn("olive")
		tab.Click(`nav a[href="/app/meetings"]`)
		tab.WaitText("You have no calendars yet.")

		// Contacts.
		tab.Click(`main a[href="/app/meetings/contacts"]`)
		for _, n := range []string{"Ann", "Ben", "Cat"} {
			tab.Fill("#f-first_name", n)
			tab.Fill("#f-last_name", "Guest")
			tab.Fill("#f-email", strings.ToLower(n)+"@guests.example")
			tab.ClickButton("Add the contact")
			tab.WaitText(n + " Guest is added to your contacts.")
		}
		j.check(tab, "meetings-contacts")

		// The calendar, on the grid of the week from Tuesday 12 March.
		tab.Open(s.URL + "/app/meetings")
		tab.Click(`a.button[href="/app/meetings/new"]`)
		tab.WaitText("New meeting calendar")
		tab.Fill("#f-name", "Project interviews")
		tab.Fill("#f-description", "A first chat about your project.")
		tab.Fill("#f-timezone", "America/Toronto")
		tab.Fill("#f-deadline", "2030-03-04T19:00")
		tab.Fill("#f-meeting_length", "30")
		tab.Fill("#f-first_day", "2030-03-12")
		tab.ClickButton("Show these days")
		tab.WaitText("Tue 12 Mar")
		for _, c := range []string{"1300", "1330", "1400"} {
			tab.Fill(`select[name="cell-2030-03-12-`+c+`"]`, "High")
		}
		tab.Fill(`select[name="cell-2030-03-13-1000"]`, "Low")
		for i := 1; i <= 3; i++ {
			tab.Click(`fieldset.meetings-invitees .checks label:nth-of-type(` + string(rune('0'+i)) + `) input`)
		}
		if v := fieldValue(t, tab, "#f-name"); v != "Project interviews" {
			t.Fatalf("the form lost what was typed when the week changed: %q", v)
		}
		j.check(tab, "meetings-form")
		tab.ClickButton("Make the calendar and invite")
		tab.WaitText("Your 3 invitees are e-mailed a link to answer.", "Tuesday 12 March 2030, 13:00 to 14:30 EDT: High preference")
		calURL := tab.URL()

		// The invitees answer through the links in their e-mails.
		links := invitationLinks(t, s, 3)
		for _, a := range []struct{ who, first, second string }{
			{"ann", "High", "Not available"}, {"ben", "Medium", "Not available"}, {"cat", "Not available", "High"},
		} {
			it := j.tab()
			it.Open(s.URL + links[a.who+"@guests.example"])
			it.WaitText("Every time on this page is in America/Toronto")
			it.Fill(`ul.invitee-slots li:nth-child(1) select`, a.first)
			it.Fill(`ul.invitee-slots li:nth-child(2) select`, a.second)
			it.ClickButton("Send my answer")
			it.WaitText("Thank you, your answer is saved.")
		}

		// The owner sees the answers, and finalizes the best schedule.
		tab.Open(calURL)
		tab.WaitText("Invitees (3 of 3 answered)")
		tab.Click(`a.button[href$="/suggestions"]`)
		tab.WaitText("Suggested schedules for Project interviews", "score 15, 3 placed", "Cat Guest (score 4)")
		j.check(tab, "meetings-suggestions")
		tab.ClickButton("Finalize schedule 1")
		tab.WaitText("The calendar is finalized with 3 meetings. Everyone scheduled is e-mailed", "Wednesday 13 March 2030, 10:00 to 10:30 EDT")
		if tab.Exists(`a[href$="/suggestions"]`) || tab.Exists(`form[action*="/remind/"]`) {
			t.Fatal("the finalized calendar can still be changed")
		}
		j.check(tab, "meetings-calendar")

		// Each invitee's e-mail carries the .ics of their meeting.
		starts := map[string]time.Time{}
		for _, m := range s.SMTP.Wait(7, 10*time.Second) {
			if m.Subject != "Meeting Scheduled" {
				continue
			}
			if len(m.Attachments) != 1 || !strings.HasSuffix(m.Attachments[0].Name, ".ics") {
				t.Fatalf("the e-mail to %v has no .ics: %+v", m.To, m.Attachments)
			}
			cal, err := ics.ParseCalendar(bytes.NewReader(m.Attachments[0].Data))
			if err != nil || len(cal.Events()) != 1 {
				t.Fatalf("the .ics to %v: %v\n%s", m.To, err, m.Attachments[0].Data)
			}
			ev := cal.Events()[0]
			st, err1 := ev.GetStartAt()
			en, err2 := ev.GetEndAt()
			if err1 != nil || err2 != nil || en.Sub(st) != 30*time.Minute {
				t.Fatalf("the event to %v: %v %v %v %v", m.To, st, en, err1, err2)
			}
			starts[m.To[0]] = st.UTC()
		}
		at := func(h, min int) time.Time { return time.Date(2030, 3, 12, h, min, 0, 0, time.UTC) }
		tue := []time.Time{starts["ann@guests.example"], starts["ben@guests.example"]}
		slices.SortFunc(tue, func(a, b time.Time) int { return a.Compare(b) })
		if len(starts) != 3 || !starts["cat@guests.example"].Equal(time.Date(2030, 3, 13, 14, 0, 0, 0, time.UTC)) ||
			!tue[0].Equal(at(17, 0)) || !tue[1].Equal(at(17, 30)) {
			t.Fatalf("meetings in the .ics files: %v", starts)
		}
	})
}

// TestInviteeJourney: an owner invites a contact over the scheduler API;
// the contact follows the e-mailed link, answers, comes back to change the
// answer, and, once the owner finalizes, reads when the meeting is.
func TestInviteeJourney(t *testing.T) {
	journey(t, apptest.Options{Now: inviteeT0}, func(t *testing.T, s *apptest.Server, j *chromium) {
		tok := schedOwner(t, s, "olive")
		ann := schedContact(t, s, tok, "Ann")
		id := torontoCalendar(t, s, tok, ann)
		link := invitationLinks(t, s, 1)["ann@guests.example"]
		details := func() []map[string]any {
			var d struct {
				Owner struct{ Slots []map[string]any }   `json:"Owner_availability"`
				Inv   []struct{ Slots []map[string]any } `json:"Invitee_availability"`
			}
			body := s.Get(fmt.Sprintf("/schedules/calendars/%d/details/", id)).Bearer(tok).Do().Expect(200).Body
			if err := json.Unmarshal(body, &d); err != nil || len(d.Owner.Slots) != 2 || len(d.Inv) != 1 {
				t.Fatalf("details: %v %s", err, body)
			}
			return d.Inv[0].Slots
		}
		first, second := `select[name="slot-1"]`, `select[name="slot-2"]` // the owner's slots, in order

		tab := j.tab()
		if status := tab.Open(s.URL + link); status != 200 {
			t.Fatalf("the link: %d", status)
		}
		tab.WaitText("Every time on this page is in America/Toronto", "Tuesday 12 March 2030, 13:00 to 15:00 EDT")
		tab.Fill(first, "High")
		tab.Fill(second, "Low")
		tab.Fill(`input[name="custom-0-date"]`, "2030-03-14")
		tab.Fill(`input[name="custom-0-start"]`, "09:30")
		tab.Fill(`input[name="custom-0-end"]`, "11:00")
		tab.Fill(`select[name="custom-0-pref"]`, "Medium")
		tab.ClickButton("Send my answer")
		tab.WaitText("Thank you, your answer is saved.")

		// The same link again: the answer is filled in.
		tab.Open(s.URL + link)
		tab.WaitText("You have answered")
		if a, b, d, p := fieldValue(t, tab, first), fieldValue(t, tab, second), fieldValue(t, tab, `input[name="custom-0-date"]`),
			fieldValue(t, tab, `select[name="custom-0-pref"]`); a != "3" || b != "1" || d != "2030-03-14" || p != "2" {
			t.Fatalf("the answer filled in: %s %s %s %s", a, b, d, p)
		}
		j.check(tab, "invitee-answer")

		// Changed: only Wednesday now, and the own range taken out.
		tab.Fill(first, "Not available")
		tab.Fill(second, "High")
		tab.Fill(`select[name="custom-0-pref"]`, "Not available")
		tab.ClickButton("Save the changes")
		tab.WaitText("Thank you, your answer is saved.")
		got := details()
		if len(got) != 1 || got[0]["date"] != "2030-03-13" || got[0]["start_time"] != "10:00:00" || got[0]["end_time"] != "12:00:00" || got[0]["preference_level"] != 3.0 {
			t.Fatalf("the owner sees the answer %v", got)
		}

		s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).JSON(map[string]any{"finalized_schedule": []any{
			map[string]any{"contact_id": ann, "start_time": "2030/03/13 10:30:00", "end_time": "2030/03/13 11:00:00"}}}).Do().Expect(200)
		tab.Open(s.URL + link)
		tab.WaitText("Wednesday 13 March 2030, 10:30 to 11:00 EDT")
		if tab.Exists("form.invitee-form") {
			t.Fatal("a form to answer after the calendar was finalized")
		}
		j.check(tab, "invitee-finalized")

		// An e-mail from before the web app links the API: it opens here too.
		token := link[strings.LastIndex(link, "/")+1:]
		tab.Open(fmt.Sprintf("%s/schedules/calendars/%d/respond/%s/", s.URL, id, token))
		tab.WaitText("Wednesday 13 March 2030, 10:30 to 11:00 EDT")
		if u := tab.URL(); !strings.HasSuffix(u, link) {
			t.Fatalf("the API's link opened %s", u)
		}
	})
}
