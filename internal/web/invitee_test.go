package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/config"
)

// slotNames are the names of the owner slots' fields, in the page's order.
func slotNames(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<select id="f-(slot-\d+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestInviteePage(t *testing.T) {
	eachEngine(t, apptest.Options{Now: inviteeT0}, func(t *testing.T, s *apptest.Server) {
		tok := schedOwner(t, s, "olive")
		ann, ben := schedContact(t, s, tok, "Ann"), schedContact(t, s, tok, "Ben")
		id := torontoCalendar(t, s, tok, ann, ben)
		links := invitationLinks(t, s, 2)
		annLink, benLink := links["ann@guests.example"], links["ben@guests.example"]
		b := newBrowser(t, s)

		status, body := b.get(annLink)
		if status != 200 || title(body) != "Project interviews with Olive Owner · mentord" || strings.Count(body, "<h1") != 1 {
			t.Fatalf("answer page: %d %q", status, title(body))
		}
		mustContain(t, "answer page", body, "Hello Ann Guest", "A first chat about your project.", "30 minutes",
			"Mon 4 Mar 2030, 19:00 EST", // the deadline, in the calendar's zone
			"Every time on this page is in America/Toronto", "Tuesday 12 March 2030, 13:00 to 15:00 EDT", "Wednesday 13 March 2030, 10:00 to 12:00 EDT",
			`<form method="post"`, `name="custom_rows" value="0"`, `name="custom-0-date"`, `type="date"`, `name="custom-0-start"`,
			`name="custom-0-end"`, `name="custom-0-pref"`, `<option value="0" selected>Not available</option>`, "Send my answer",
			"Times on this page are in America/Toronto")
		slots := slotNames(body)
		if len(slots) != 2 {
			t.Fatalf("owner slots %v", slots)
		}

		// A custom range that ends before it starts is told next to its field.
		status, body = b.post(annLink, url.Values{slots[0]: {"3"}, slots[1]: {"0"}, "custom_rows": {"0"},
			"custom-0-date": {"2030-03-14"}, "custom-0-start": {"16:00"}, "custom-0-end": {"15:00"}, "custom-0-pref": {"2"}})
		if status != 400 || !strings.Contains(body, `id="e-custom-0-end">End time must be after start time.`) || !strings.Contains(body, `value="2030-03-14"`) {
			t.Fatalf("a bad range: %d\n%s", status, body)
		}
		status, body = b.post(annLink, url.Values{slots[0]: {"3"}, slots[1]: {"0"}, "custom_rows": {"0"},
			"custom-0-date": {"2030-03-14"}, "custom-0-start": {""}, "custom-0-end": {"15:00"}, "custom-0-pref": {"2"}})
		if status != 400 || !strings.Contains(body, `id="e-custom-0-start"`) {
			t.Fatalf("a range without a start: %d", status)
		}
		// A good answer; it is filled in when the link is opened again.
		status, body = b.post(annLink, url.Values{slots[0]: {"3"}, slots[1]: {"0"}, "custom_rows": {"0"},
			"custom-0-date": {"2030-03-14"}, "custom-0-start": {"09:30"}, "custom-0-end": {"11:00"}, "custom-0-pref": {"1"}})
		if status != 200 || !strings.Contains(body, "your answer is saved") || !strings.Contains(body, "You have answered") ||
			!strings.Contains(body, `name="custom_rows" value="1"`) || !strings.Contains(body, `value="09:30"`) || !strings.Contains(body, "Save the changes") {
			t.Fatalf("answer: %d\n%s", status, body)
		}
		det := s.Get(fmt.Sprintf("/schedules/calendars/%d/details/", id)).Bearer(tok).Do().Expect(200).Body
		if !strings.Contains(string(det), `"date":"2030-03-12","start_time":"13:00:00","end_time":"15:00:00","preference_level":3`) ||
			!strings.Contains(string(det), `"date":"2030-03-14","start_time":"09:30:00","end_time":"11:00:00","preference_level":1`) {
			t.Fatalf("details: %s", det)
		}

		// A made-up token, another calendar's token, a bad id: the 404 page.
		other := torontoCalendar(t, s, tok, ann)
		otherLink := respondLinks(t, s, s.SMTP.Wait(3, 10*time.Second)[2:])["ann@guests.example"]
		annToken := annLink[strings.LastIndex(annLink, "/")+1:]
		for _, p := range []string{
			fmt.Sprintf("/app/respond/%d/%s", id, strings.Repeat("A", 43)),
			fmt.Sprintf("/app/respond/%d/%s", other, annToken),
			"/app/respond/x/" + annToken,
		} {
			if status, body := b.get(p); status != 404 || title(body) != "Page not found · mentord" {
				t.Errorf("GET %s: %d %q", p, status, title(body))
			}
			if status, _ := b.post(p, url.Values{"custom_rows": {"0"}}); status != 404 {
				t.Errorf("POST %s: %d", p, status)
			}
		}
		if status, _ := b.get(otherLink); status != 200 {
			t.Fatalf("the other calendar's own link: %d", status)
		}

		// After the deadline: no form; the answer given is listed.
		s.Clock.Set(time.Date(2030, 3, 5, 0, 0, 1, 0, time.UTC))
		status, body = b.get(annLink)
		if status != 200 || strings.Contains(body, `<form method="post" class="invitee-form"`) || !strings.Contains(body, "Answers are closed") ||
			!strings.Contains(body, "Tuesday 12 March 2030, 13:00 to 15:00 EDT: High preference") {
			t.Fatalf("after the deadline: %d\n%s", status, body)
		}
		if _, body := b.get(benLink); !strings.Contains(body, "You did not answer.") || strings.Contains(body, "custom-0-date") {
			t.Fatalf("after the deadline, no answer:\n%s", body)
		}
		expectPost(t, b, annLink, url.Values{slots[0]: {"1"}, "custom_rows": {"0"}}, 200, "The deadline has passed, so answers are closed.")

		// Finalized: each link says when that person's meeting is.
		tok = schedLogin(t, s, "olive")
		s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).JSON(map[string]any{"finalized_schedule": []any{
			map[string]any{"contact_id": ann, "start_time": "2030/03/12 13:30:00", "end_time": "2030/03/12 14:00:00"}}}).Do().Expect(200)
		if _, body := b.get(annLink); !strings.Contains(body, "Tuesday 12 March 2030, 13:30 to 14:00 EDT") || strings.Contains(body, "<form method=\"post\" class") {
			t.Fatalf("finalized, with a meeting:\n%s", body)
		}
		if _, body := b.get(benLink); !strings.Contains(body, "set no meeting with you") {
			t.Fatalf("finalized, without a meeting:\n%s", body)
		}
	})
}

// TestInviteePageRateLimited: the answer page counts against the same
// per-address limit as the API's respond routes.
func TestInviteePageRateLimited(t *testing.T) {
	eachEngine(t, apptest.Options{Now: inviteeT0, Config: func(c *config.Config) { c.RespondPerMinute = 2 }}, func(t *testing.T, s *apptest.Server) {
		b := newBrowser(t, s)
		bad := "/app/respond/1/" + strings.Repeat("A", 43)
		b.get(bad)
		b.get(bad)
		if status, body := b.get(bad); status != 429 || b.res.Header.Get("Retry-After") == "" || !strings.Contains(body, "Too many attempts") {
			t.Fatalf("third request: %d", status)
		}
	})
}

// TestInviteeCustomTimeInThePast: the answer page refuses a custom time
// already over in the calendar's zone, but not one the answer holds when
// it is sent again; the scheduler API, by its spec, still takes one.
func TestInviteeCustomTimeInThePast(t *testing.T) {
	eachEngine(t, apptest.Options{Now: inviteeT0}, func(t *testing.T, s *apptest.Server) {
		tok := schedOwner(t, s, "olive")
		id := torontoCalendar(t, s, tok, schedContact(t, s, tok, "Ann"), schedContact(t, s, tok, "Ben"))
		links := invitationLinks(t, s, 2)
		annLink := links["ann@guests.example"]
		b := newBrowser(t, s)
		_, body := b.get(annLink)
		slots := slotNames(body)
		custom := func(date, start, end string) url.Values {
			return url.Values{slots[0]: {"3"}, slots[1]: {"0"}, "custom_rows": {"0"},
				"custom-0-date": {date}, "custom-0-start": {start}, "custom-0-end": {end}, "custom-0-pref": {"2"}}
		}
		// 12:00 UTC on 1 March is 07:00 in Toronto.
		for _, c := range [][3]string{{"2020-01-01", "10:00", "11:00"}, {"2030-03-01", "06:00", "06:30"}} {
			expectPost(t, b, annLink, custom(c[0], c[1], c[2]), 400, `id="e-custom-0-start">That time is in the past; choose a later one.</p>`)
		}
		expectPost(t, b, annLink, custom("2030-03-01", "08:00", "09:00"), 200, "your answer is saved")
		// Once that time is over, the answer can still be changed with it.
		s.Clock.Advance(3 * time.Hour)
		expectPost(t, b, annLink, url.Values{slots[0]: {"2"}, slots[1]: {"0"}, "custom_rows": {"0"},
			"custom-0-date": {"2030-03-01"}, "custom-0-start": {"08:00"}, "custom-0-end": {"09:00"}, "custom-0-pref": {"2"}}, 200, "your answer is saved")

		benLink := links["ben@guests.example"]
		s.Post(fmt.Sprintf("/schedules/calendars/%d/respond/%s/", id, benLink[strings.LastIndex(benLink, "/")+1:])).JSON(map[string]any{
			"availability": []any{map[string]any{"start_time": "2020/01/01 10:00:00", "end_time": "2020/01/01 11:00:00", "preference_level": 2}},
		}).Do().Expect(200)
	})
}
