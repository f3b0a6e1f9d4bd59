package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

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
		tab.WaitText("Every time on this page is in America/Toronto")
		tab.WaitText("Tuesday 12 March 2030, 13:00 to 15:00 EDT")
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
