package scheduler_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/config"
	"github.com/mentord/mentord/internal/notify/smtptest"
)

var t0 = time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC)

// owner signs up and logs in on this API and returns an access token.
func owner(t *testing.T, s *apptest.Server, username string) string {
	t.Helper()
	s.Post("/accounts/signup/").JSON(map[string]string{"email": username + "@example.com", "username": username, "first_name": "Olive",
		"last_name": "Owner", "password": apptest.Password, "password2": apptest.Password}).Do().Expect(201)
	var tok struct{ Access, Refresh string }
	s.Post("/accounts/login/").JSON(map[string]string{"username": username, "password": apptest.Password}).Do().Expect(200).Decode(&tok)
	return tok.Access
}

func contact(t *testing.T, s *apptest.Server, tok, first string) int {
	t.Helper()
	res := s.Post("/schedules/contacts/").Bearer(tok).JSON(map[string]string{"first_Name": first, "last_Name": "Guest", "email": strings.ToLower(first) + "@guests.example"}).Do().Expect(201).Obj()
	return int(res["id"].(float64))
}

// calendar creates a calendar of the owner tok that invites the contacts,
// with one slot on 2030-03-12 from 13:00 to 15:00, and returns its id.
func calendar(t *testing.T, s *apptest.Server, tok string, invitees ...int) int {
	t.Helper()
	return int(s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{"name": "C", "description": "d", "deadline": "2030-03-05",
		"invitees": invitees, "available_slots": []any{slot("2030-03-12", "13:00:00", "15:00:00", 3)}}).Do().Expect(201).Obj()["id"].(float64))
}

// scheduledStarts is the start (DTSTART) of the calendar invitation of
// every "Meeting Scheduled" e-mail among mails, sorted.
func scheduledStarts(t *testing.T, mails []smtptest.Mail) []string {
	t.Helper()
	var out []string
	for _, m := range mails {
		if m.Subject == "Meeting Scheduled" {
			out = append(out, smtptest.CalendarField(m.Calendar(t), "DTSTART"))
		}
	}
	sort.Strings(out)
	return out
}

// links reads the response links out of the invitation e-mails, by recipient.
func links(t *testing.T, mails []smtptest.Mail) map[string]string {
	out := map[string]string{}
	for _, m := range mails {
		if m.Subject != "Meeting invitation" && m.Subject != "Meeting Reminder" {
			continue
		}
		l := apptest.InviteLink.FindString(m.Text)
		if l == "" {
			t.Fatalf("no link in %q", m.Text)
		}
		out[m.To[0]] = l
	}
	return out
}

func TestSchedulerAccountsAndContacts(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		body := func(pw, pw2, username string) map[string]string {
			return map[string]string{"email": username + "@example.com", "username": username, "first_name": "A", "last_name": "B", "password": pw, "password2": pw2}
		}
		s.Post("/accounts/signup/").JSON(body("short1", "short1", "ann")).Do().ExpectBody(400, `{"non_field_errors":["Password must be at least 8 characters long."]}`)
		s.Post("/accounts/signup/").JSON(body(apptest.Password, "other-pass-1", "ann")).Do().ExpectBody(400, `{"non_field_errors":["Passwords must match."]}`)
		s.Post("/accounts/signup/").JSON(map[string]string{"username": "x"}).Do().Expect(400)
		res := s.Post("/accounts/signup/").JSON(body(apptest.Password, apptest.Password, "ann")).Do().Expect(201).Obj()
		if res["username"] != "ann" || res["first_name"] != "A" || res["id"] == nil {
			t.Fatalf("signup: %v", res)
		}
		s.Post("/accounts/signup/").JSON(map[string]string{"email": "other@example.com", "username": "ANN", "password": apptest.Password, "password2": apptest.Password}).Do().
			ExpectBody(400, `{"non_field_errors":["Username already taken."]}`)
		s.Post("/accounts/login/").JSON(map[string]string{"username": "ann", "password": "nope"}).Do().
			ExpectBody(401, `{"detail":"No active account found with the given credentials"}`)
		var tok struct{ Access, Refresh string }
		s.Post("/accounts/login/").JSON(map[string]string{"username": "ann", "password": apptest.Password}).Do().Expect(200).Decode(&tok)
		var ref struct{ Access string }
		s.Post("/accounts/login/refresh/").JSON(map[string]string{"refresh": tok.Refresh}).Do().Expect(200).Decode(&ref)
		// The same user everywhere: the Momentors token login works too.
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "ann", "password": apptest.Password}).Do().Expect(200)

		a := ref.Access
		s.Get("/schedules/contacts/").Do().Expect(401)
		s.Get("/schedules/contacts/").Bearer(a).Do().ExpectBody(200, `[]`)
		s.Post("/schedules/contacts/").Bearer(a).JSON(map[string]string{"first_Name": "John", "last_Name": "Smith", "email": "john@aol.com"}).Do().
			ExpectBody(201, `{"id":1,"first_Name":"John","last_Name":"Smith","email":"john@aol.com"}`)
		s.Post("/schedules/contacts/").Bearer(a).JSON(map[string]string{"first_Name": "J", "last_Name": "S", "email": "JOHN@aol.com"}).Do().
			ExpectBody(400, `{"email":["A contact with this email already exists."]}`)
		s.Post("/schedules/contacts/").Bearer(a).JSON(map[string]string{"first_Name": "J", "email": "not-mail"}).Do().
			ExpectBody(400, `{"last_Name":["This field is required."],"email":["Enter a valid email address."]}`)
		s.Post("/schedules/contacts/").Bearer(a).JSON(map[string]string{"first_Name": strings.Repeat("x", 151), "last_Name": "S", "email": "x@x.io"}).Do().
			ExpectBody(400, `{"first_Name":["Ensure this field has no more than 150 characters."]}`)
		s.Patch("/schedules/contacts/").Bearer(a).JSON(map[string]any{"contact_id": 1, "first_Name": "Johnny"}).Do().
			ExpectBody(200, `{"contact_id":1,"id":1,"first_Name":"Johnny","last_Name":"Smith","email":"john@aol.com"}`)
		s.Put("/schedules/contacts/").Bearer(a).JSON(map[string]any{"contact_id": 1, "email": "bad"}).Do().ExpectBody(400, `{"email":["Enter a valid email address."]}`)
		s.Patch("/schedules/contacts/").Bearer(a).JSON(map[string]any{"contact_id": 1}).Do().ExpectBody(400, `{"non_field_errors":["No input."]}`)
		s.Patch("/schedules/contacts/").Bearer(a).JSON(map[string]any{"contact_id": 99, "first_Name": "x"}).Do().ExpectBody(404, `{"detail":"Not found."}`)

		// Another owner can neither see nor touch ann's contacts.
		b := owner(t, s, "bob")
		s.Get("/schedules/contacts/").Bearer(b).Do().ExpectBody(200, `[]`)
		s.Patch("/schedules/contacts/").Bearer(b).JSON(map[string]any{"contact_id": 1, "first_Name": "Hacked"}).Do().ExpectBody(403, `{"detail":"Invalid contact"}`)
		s.Delete("/schedules/contacts/").Bearer(b).JSON(map[string]any{"contact_id": 1}).Do().ExpectBody(403, `{"detail":"Invalid contact"}`)
		s.Delete("/schedules/contacts/").Bearer(a).JSON(map[string]any{}).Do().ExpectBody(404, `{"detail":"Not found."}`)
		s.Delete("/schedules/contacts/").Bearer(a).JSON(map[string]any{"contact_id": 1}).Do().Expect(204)
		s.Get("/schedules/contacts/").Bearer(a).Do().ExpectBody(200, `[]`)
	})
}

func slot(date, start, end string, pref any) map[string]any {
	return map[string]any{"date": date, "start_time": start, "end_time": end, "preference_level": pref}
}

// TestSchedulerWalkThrough: contacts and a calendar, invitees answer through
// the links in their e-mails, the owner reads the suggestions, finalizes,
// and everyone gets a calendar invitation with the right times.
func TestSchedulerWalkThrough(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ann, ben, cal := contact(t, s, tok, "Ann"), contact(t, s, tok, "Ben"), contact(t, s, tok, "Cal")

		bad := map[string]any{"name": "x", "description": "d", "deadline": "2030-03-05T00:00:00Z", "invitees": []int{ann}}
		for _, tc := range []struct {
			slots []any
			want  string
		}{
			{[]any{map[string]any{"date": "2030-03-10"}}, `{"available_slots":["Invalid slot data. Must be in the form: 'date','start_time', 'end_time', 'preference_level' "]}`},
			{[]any{slot("2030/03/10", "10:00:00", "11:00:00", 1)}, `{"available_slots":["Date must be in a valid date format YYYY-MM-DD."]}`},
			{[]any{slot("2030-02-30", "10:00:00", "11:00:00", 1)}, `{"available_slots":["Date must be in a valid date format YYYY-MM-DD."]}`},
			{[]any{slot("2030-03-10", "10:00", "11:00:00", 1)}, `{"available_slots":["Start and end times must be in a valid date format HH:MM:SS."]}`},
			{[]any{slot("2030-02-01", "10:00:00", "11:00:00", 1)}, `{"available_slots":["Available date cannot be in the past."]}`},
			{[]any{slot("2030-03-10", "11:00:00", "10:00:00", 1)}, `{"available_slots":["End time must be after start time."]}`},
			{[]any{slot("2030-03-10", "10:00:00", "11:00:00", 5)}, `{"available_slots":["Preference level must be either 1, 2, or 3 (3 being highest preference)."]}`},
			{[]any{slot("2030-03-10", "10:00:00", "11:00:00", "high")}, `{"available_slots":["Preference level must be an integer."]}`},
			{[]any{slot("2030-03-10", "10:00:00", "12:00:00", 1), slot("2030-03-10", "11:00:00", "13:00:00", 2)}, `{"available_slots":["Availability slots may not overlap."]}`},
		} {
			bad["available_slots"] = tc.slots
			s.Post("/schedules/calendars/create/").Bearer(tok).JSON(bad).Do().ExpectBody(400, tc.want)
		}
		bad["available_slots"] = []any{slot("2030-03-10", "10:00:00", "11:00:00", 1)}
		bad["deadline"] = "2030-02-01"
		s.Post("/schedules/calendars/create/").Bearer(tok).JSON(bad).Do().ExpectBody(400, `{"deadline":["Deadline cannot be in the past."]}`)
		bad["deadline"], bad["invitees"] = "2030-03-05", []int{99}
		s.Post("/schedules/calendars/create/").Bearer(tok).JSON(bad).Do().ExpectBody(400, `{"invitees":["Contact does not exist."]}`)

		// The real calendar: two owner slots (the second preferred), the
		// document's aliases for the field names.
		created := s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{
			"name": "CSC309 Phase 2", "description": "Interview session", "deadline": "2030-03-05", "invitees": []int{ann, ben, cal},
			"timezone": "America/New_York",
			"availability": []any{
				map[string]any{"date": "2030-03-12", "start_time": "13:00:00", "end_time": "15:00:00", "preference": 3},
				slot("2030-03-13", "10:00:00", "12:00:00", 1),
			},
		}).Do().Expect(201).Obj()
		if created["deadline"] != "2030-03-05T00:00:00Z" || created["finalized"] != false || len(created["invitees"].([]any)) != 3 ||
			created["meeting_length"] != 60.0 || created["timezone"] != "America/New_York" {
			t.Fatalf("created: %v", created)
		}
		id := int(created["id"].(float64))

		mails := s.SMTP.Wait(3, 10*time.Second)
		ls := links(t, mails)
		if len(ls) != 3 || !strings.Contains(mails[0].Text, "You are invited to the following meeting with Olive Owner") || mails[0].HTML == "" {
			t.Fatalf("invitations: %d links; text %q", len(ls), mails[0].Text)
		}
		path := func(email string) string { return strings.TrimPrefix(ls[email], s.URL) }

		// Ann: view, then answer.
		view := s.Get(path("ann@guests.example")).Do().Expect(200).Obj()
		if view["name"] != "CSC309 Phase 2" || view["owner"].(map[string]any)["first_name"] != "Olive" || len(view["owner_availability"].([]any)) != 2 ||
			view["invitee"].(map[string]any)["email"] != "ann@guests.example" || view["responded"] != false {
			t.Fatalf("invitee view: %v", view)
		}
		answer := func(email string, slots ...map[string]any) *apptest.Response {
			if slots == nil {
				slots = []map[string]any{}
			}
			return s.Post(path(email)).JSON(map[string]any{"availability": slots}).Do()
		}
		res := answer("ann@guests.example", map[string]any{"start_time": "2030/03/12 13:00:00", "end_time": "2030/03/12 14:00:00", "preference_level": 3}).Expect(200).Obj()
		if res["success_message"] != "Availability submitted successfully." || len(res["availability"].([]any)) != 1 {
			t.Fatalf("answer: %v", res)
		}
		answer("ann@guests.example").ExpectBody(400, `{"error":"Already responded"}`)
		answer("ben@guests.example", map[string]any{"start_time": "2030/03/12 13:00:00", "end_time": "2030/03/12 15:00:00", "preference_level": "x"}).
			ExpectBody(400, `{"error":"Invalid preference level."}`)
		answer("ben@guests.example", map[string]any{"start_time": "12 March", "end_time": "2030/03/12 15:00:00", "preference_level": 1}).
			ExpectBody(400, `{"error":"Invalid start time format."}`)
		// Ben can do either 13:00 (pref 1) or Wednesday 10:00 (pref 3).
		answer("ben@guests.example",
			map[string]any{"start_time": "2030/03/12 13:00:00", "end_time": "2030/03/12 15:00:00", "preference_level": 1},
			map[string]any{"start_time": "2030/03/13 10:00:00", "end_time": "2030/03/13 11:00:00", "preference": 3}).Expect(200)
		// Cal does not answer.

		p := s.Get(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).Do().Expect(200).Obj()
		sched := p["suggested_schedules"].([]any)
		best := sched[0].([]any)
		det := p["suggestions"].([]any)[0].(map[string]any)
		// Best: Ann 13:00 (3+3) and Ben 14:00 (3+1) = 10 beats Ann 13:00 and
		// Ben Wednesday 10:00 (6+4) = 10 on score... equal, so the earlier wins.
		got := map[string]string{}
		for _, m := range best {
			mm := m.(map[string]any)
			got[mm["first_name"].(string)] = mm["start_time"].(string)
		}
		if len(sched) != 3 || got["Ann"] != "2030-03-12T13:00:00" || got["Ben"] != "2030-03-12T14:00:00" || det["score"] != 10.0 ||
			len(det["unscheduled"].([]any)) != 1 || det["unscheduled"].([]any)[0].(map[string]any)["first_name"] != "Cal" {
			t.Fatalf("best suggestion: %v %v", got, det)
		}

		// Finalize with the best suggestion, posting its times back as they came.
		var items []map[string]any
		for _, m := range best {
			mm := m.(map[string]any)
			items = append(items, map[string]any{"contact_id": mm["id"], "start_time": mm["start_time"], "end_time": mm["end_time"]})
		}
		cfinal := fmt.Sprintf("/schedules/calendars/%d/confirm/", id)
		s.Post(cfinal).Bearer(tok).JSON(map[string]any{}).Do().ExpectBody(400, `{"error":"Missing Fields"}`)
		s.Post(cfinal).Bearer(tok).JSON(map[string]any{"finalized_schedule": []any{map[string]any{"contact_id": ann, "start_time": "2030/03/12 13:00:00", "end_time": "2030/03/12 14:00:00"},
			map[string]any{"contact_id": ben, "start_time": "2030/03/12 13:30:00", "end_time": "2030/03/12 14:30:00"}}}).Do().ExpectBody(400, `{"error":"Meeting times overlap"}`)
		s.Post(cfinal).Bearer(tok).JSON(map[string]any{"finalized_schedule": []any{map[string]any{"contact_id": ann, "start_time": "2030/03/13 10:00:00", "end_time": "2030/03/13 11:00:00"}}}).Do().
			ExpectBody(400, fmt.Sprintf(`{"error":"Invalid meeting time for contact: %d"}`, ann))
		s.Post(cfinal).Bearer(tok).JSON(map[string]any{"finalized_schedule": []any{map[string]any{"contact_id": cal, "start_time": "2030/03/12 09:00:00", "end_time": "2030/03/12 10:00:00"}}}).Do().
			ExpectBody(400, fmt.Sprintf(`{"error":"Meeting time outside your availability for contact: %d"}`, cal))
		stranger := contact(t, s, tok, "Dan")
		s.Post(cfinal).Bearer(tok).JSON(map[string]any{"finalized_schedule": []any{map[string]any{"contact_id": stranger, "start_time": "2030/03/12 13:00:00", "end_time": "2030/03/12 14:00:00"}}}).Do().
			ExpectBody(400, `{"error":"Contact not invited to calendar"}`)
		// Cal did not answer: the owner places him by hand.
		items = append(items, map[string]any{"contact_id": cal, "start_time": "2030/03/13 10:00:00", "end_time": "2030/03/13 11:00:00"})
		before := len(s.SMTP.Messages())
		fin := s.Post(cfinal).Bearer(tok).JSON(map[string]any{"finalized_schedule": items}).Do().Expect(200).Obj()
		if len(fin["meetings"].([]any)) != 3 {
			t.Fatalf("finalize: %v", fin)
		}
		all := s.SMTP.Wait(before+4, 10*time.Second)[before:]
		var scheduled []string
		for _, m := range all {
			if m.Subject != "Meeting Scheduled" {
				continue
			}
			ics := m.Calendar(t)
			start := smtptest.CalendarField(ics, "DTSTART")
			scheduled = append(scheduled, m.To[0]+" "+start)
			if !strings.Contains(ics, "METHOD:REQUEST") || !strings.Contains(ics, "ORGANIZER;CN=Olive Owner:mailto:olive@example.com") {
				t.Fatalf("invite:\n%s", ics)
			}
		}
		sort.Strings(scheduled)
		want := []string{"ann@guests.example 20300312T170000Z", "ben@guests.example 20300312T180000Z", "cal@guests.example 20300313T140000Z"}
		if strings.Join(scheduled, "|") != strings.Join(want, "|") {
			t.Fatalf("invitations\n got %v\nwant %v", scheduled, want)
		}
		var summary bool
		for _, m := range all {
			if m.To[0] == "olive@example.com" && strings.HasPrefix(m.Subject, "Meetings scheduled") && strings.Count(string(m.Attachments[0].Data), "BEGIN:VEVENT") == 3 &&
				strings.Contains(m.Text, "is finalized with 3 meetings:") {
				summary = true
			}
		}
		if !summary {
			t.Fatal("no summary with three events to the owner")
		}

		// Finalized: read-only, links dead, no more proposals.
		s.Get(path("cal@guests.example")).Do().ExpectBody(404, `{"detail":"Not found."}`)
		s.Put(fmt.Sprintf("/schedules/calendars/%d/details/", id)).Bearer(tok).JSON(map[string]any{"name": "New"}).Do().
			ExpectBody(400, `{"error":"Calendar has been finalized and can no longer be changed."}`)
		s.Get(cfinal).Bearer(tok).Do().ExpectBody(404, `{"error":"Calendar is already finalized"}`)
		s.Post(cfinal).Bearer(tok).JSON(map[string]any{"finalized_schedule": []any{}}).Do().ExpectBody(404, `{"error":"Calendar is already finalized"}`)
		home := s.Get("/schedules/home/").Bearer(tok).Do().Expect(200).Obj()
		fm := home["finalized_meetings"].([]any)
		if len(fm) != 1 || fm[0].(map[string]any)["start_time"] != "2030-03-12T13:00:00" || fm[0].(map[string]any)["end_time"] != "2030-03-13T11:00:00" ||
			fm[0].(map[string]any)["deadline"] != "2030-03-05T00:00:00Z" {
			t.Fatalf("home: %v", home)
		}
	})
}

func TestCalendarUpdatesAndReminders(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ann, ben, cal := contact(t, s, tok, "Ann"), contact(t, s, tok, "Ben"), contact(t, s, tok, "Cal")
		id := int(s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{
			"name": "Chat", "description": "d", "deadline": "2030-03-05T12:00:00Z", "invitees": []int{ann},
			"available_slots": []any{slot("2030-03-12", "13:00:00", "15:00:00", 3)}, "meeting_length": 30,
		}).Do().Expect(201).Obj()["id"].(float64))
		details := fmt.Sprintf("/schedules/calendars/%d/details/", id)
		s.Put(details).Bearer(tok).JSON(map[string]any{}).Do().ExpectBody(400, `{"non_field_errors":["No input."]}`)
		s.Put(details).Bearer(tok).JSON(map[string]any{"add_invitees": []int{ann}}).Do().ExpectBody(400, `{"add_invitees":["This contact is already invited."]}`)
		s.Put(details).Bearer(tok).JSON(map[string]any{"add_availabilities": []any{slot("2030-03-12", "14:00:00", "16:00:00", 1)}}).Do().
			ExpectBody(400, `{"add_availabilities":["Availability slots may not overlap."]}`)
		res := s.Put(details).Bearer(tok).JSON(map[string]any{"name": "Chat 2", "add_invitees": []int{ben, cal}, "remove_invitees": []int{ann, 42},
			"add_availabilities": []any{slot("2030-03-13", "09:00:00", "10:00:00", 2)}, "remove_availabilities": []int{999}}).Do().Expect(200).Obj()
		c := res["Calendar"].(map[string]any)
		if c["name"] != "Chat 2" || len(c["invitees"].([]any)) != 2 || len(res["Owner_availability"].(map[string]any)["slots"].([]any)) != 2 ||
			len(res["Invitee_availability"].([]any)) != 2 {
			t.Fatalf("update: %v", res)
		}
		other := owner(t, s, "bob")
		s.Get(details).Bearer(other).Do().ExpectBody(404, `{"detail":"Not found."}`)
		s.Put(details).Bearer(other).JSON(map[string]any{"name": "mine"}).Do().Expect(404)
		s.Get(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(other).Do().Expect(403)
		s.Get(fmt.Sprintf("/schedules/calendars/remind/%d/%d/", id, ben)).Bearer(other).Do().Expect(403)

		// Deliver the invitations; answer as Ben.
		s.Deliver()
		ls := links(t, s.SMTP.Messages())
		if len(ls) != 3 {
			t.Fatalf("%d invitations", len(ls))
		}
		s.Post(strings.TrimPrefix(ls["ben@guests.example"], s.URL)).JSON(map[string]any{"availability": []any{}}).Do().Expect(200)
		// Ann was removed: her link no longer works.
		s.Get(strings.TrimPrefix(ls["ann@guests.example"], s.URL)).Do().Expect(404)

		remind := func(contact int) *apptest.Response {
			return s.Get(fmt.Sprintf("/schedules/calendars/remind/%d/%d/", id, contact)).Bearer(tok).Do()
		}
		remind(ben).ExpectBody(200, `{"message":"Ben Guest has already responded"}`)
		remind(cal).ExpectBody(200, `{"message":"Reminder email successfully sent to Cal Guest"}`)
		remind(ann).ExpectBody(404, `{"detail":"Contact is not an invitee."}`)
		remind(999).Expect(404)
		s.Get(fmt.Sprintf("/schedules/calendars/remind/%d/%d/", 999, cal)).Bearer(tok).Do().Expect(404)

		// The automatic reminder: 24 hours before the deadline, to Cal only,
		// once, with the same link as the invitation.
		base := len(s.SMTP.Messages())
		s.Deliver()
		if got := s.SMTP.Messages()[base:]; len(got) != 1 || got[0].Subject != "Meeting Reminder" || links(t, got)["cal@guests.example"] != ls["cal@guests.example"] {
			t.Fatalf("manual reminder: %+v", got)
		}
		base = len(s.SMTP.Messages())
		s.Clock.Set(time.Date(2030, 3, 4, 11, 0, 0, 0, time.UTC)) // 25 h before
		s.Deliver()
		s.Clock.Set(time.Date(2030, 3, 4, 12, 30, 0, 0, time.UTC)) // 23.5 h before
		s.Deliver()
		s.Clock.Set(time.Date(2030, 3, 5, 11, 0, 0, 0, time.UTC))
		s.Deliver()
		got := s.SMTP.Messages()[base:]
		if len(got) != 1 || got[0].To[0] != "cal@guests.example" || !strings.Contains(got[0].Text, "by 2030-03-05 at 12:00 UTC") {
			t.Fatalf("automatic reminders: %d", len(got))
		}
		// After the deadline answers are refused.
		s.Clock.Set(time.Date(2030, 3, 6, 0, 0, 0, 0, time.UTC))
		s.Post(strings.TrimPrefix(ls["cal@guests.example"], s.URL)).JSON(map[string]any{"availability": []any{}}).Do().ExpectBody(400, `{"error":"Deadline has passed"}`)
	})
}

// TestInvitationLinksAreUnforgeable: altered, made-up and other calendars'
// tokens are 404; the response endpoints are rate limited.
func TestInvitationLinksAreUnforgeable(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0, Config: func(c *config.Config) { c.RespondPerMinute = 20 }}, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ann := contact(t, s, tok, "Ann")
		one, two := calendar(t, s, tok, ann), calendar(t, s, tok, ann)
		mails := s.SMTP.Wait(2, 10*time.Second)
		var tokens = map[int]string{}
		for _, m := range mails {
			sub := apptest.InviteLink.FindStringSubmatch(m.Text)
			var cid int
			fmt.Sscan(sub[1], &cid)
			tokens[cid] = sub[2]
		}
		if len(tokens[one]) < 40 {
			t.Fatalf("token %q is short", tokens[one])
		}
		get := func(cal int, token string) int {
			return s.Get(fmt.Sprintf("/schedules/calendars/%d/respond/%s/", cal, token)).Do().Status
		}
		altered := []byte(tokens[one])
		altered[5] ^= 1
		for name, status := range map[string]int{
			"valid":            get(one, tokens[one]),
			"altered":          get(one, string(altered)),
			"made up":          get(one, strings.Repeat("A", 43)),
			"other calendar's": get(one, tokens[two]),
			"short":            get(one, "abc"),
			"missing calendar": get(999, tokens[one]),
		} {
			if want := map[bool]int{true: 200, false: 404}[name == "valid"]; status != want {
				t.Errorf("%s token: %d, want %d", name, status, want)
			}
		}
		// The limit: 20 a minute per address, 429 with Retry-After past it.
		var last *apptest.Response
		for i := 0; i < 25; i++ {
			last = s.Get(fmt.Sprintf("/schedules/calendars/%d/respond/%s/", one, tokens[one])).Do()
		}
		if last.Status != 429 || last.Header.Get("Retry-After") == "" || !strings.Contains(string(last.Body), "throttled") {
			t.Fatalf("after 25 requests: %d %v %s", last.Status, last.Header, last.Body)
		}
	})
}

// TestDaylightSavingDays: a calendar in America/New_York with slots on the
// March and November transition days yields meetings at the right instants.
func TestDaylightSavingDays(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ids := []int{contact(t, s, tok, "Ann"), contact(t, s, tok, "Ben"), contact(t, s, tok, "Cal"), contact(t, s, tok, "Dee"),
			contact(t, s, tok, "Eve"), contact(t, s, tok, "Fay")}
		id := int(s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{
			"name": "DST", "description": "d", "deadline": "2030-03-05", "invitees": ids, "timezone": "America/New_York",
			"available_slots": []any{
				slot("2030-03-10", "01:00:00", "04:00:00", 3), // 01:00 EST .. 04:00 EDT: two real hours
				slot("2030-11-03", "00:00:00", "03:00:00", 3), // 00:00 EDT .. 03:00 EST: four real hours
			},
		}).Do().Expect(201).Obj()["id"].(float64))
		mails := s.SMTP.Wait(6, 10*time.Second)
		ls := links(t, mails)
		// Everyone answers for the whole of both days.
		for _, l := range ls {
			s.Post(strings.TrimPrefix(l, s.URL)).JSON(map[string]any{"availability": []any{
				map[string]any{"start_time": "2030/03/10 00:00:00", "end_time": "2030/03/10 23:00:00", "preference_level": 2},
				map[string]any{"start_time": "2030/11/03 00:00:00", "end_time": "2030/11/03 23:00:00", "preference_level": 2},
			}}).Do().Expect(200)
		}
		p := s.Get(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).Do().Expect(200).Obj()
		best := p["suggested_schedules"].([]any)[0].([]any)
		var starts []string
		var items []map[string]any
		for _, m := range best {
			mm := m.(map[string]any)
			starts = append(starts, mm["start_time"].(string))
			items = append(items, map[string]any{"contact_id": mm["id"], "start_time": mm["start_time"], "end_time": mm["end_time"]})
		}
		// Wall-clock times, with no zone: the blocks of the hour repeated in
		// November (01:00 EDT-01:00 EST, 01:00 EST-02:00 EST) have no
		// wall-clock names of their own, so they are not offered.
		want := []string{"2030-03-10T01:00:00", "2030-03-10T03:00:00", "2030-11-03T00:00:00", "2030-11-03T02:00:00"}
		if strings.Join(starts, " ") != strings.Join(want, " ") {
			t.Fatalf("meetings on the transition days:\n got %v\nwant %v", starts, want)
		}
		before := len(s.SMTP.Messages())
		s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).JSON(map[string]any{"finalized_schedule": items}).Do().Expect(200)
		sent := s.SMTP.Wait(before+5, 10*time.Second)[before:]
		utc := scheduledStarts(t, sent)
		wantUTC := []string{"20300310T060000Z", "20300310T070000Z", "20301103T040000Z", "20301103T070000Z"}
		if strings.Join(utc, " ") != strings.Join(wantUTC, " ") {
			t.Fatalf("UTC instants\n got %v\nwant %v", utc, wantUTC)
		}
		// The meeting from 01:00 EST to 03:00 EDT names each end's zone: "01:00
		// to 03:00 (EST)" would be an hour late at its end.
		var texts []string
		for _, m := range sent {
			texts = append(texts, m.Text)
		}
		all := strings.Join(texts, "\n")
		for _, want := range []string{"on 2030-03-10 from 01:00 (EST) to 03:00 (EDT).", "on 2030-03-10 from 03:00 to 04:00 (EDT).",
			"on 2030-11-03 from 02:00 to 03:00 (EST).", "Sunday, March 10, 2030, 01:00 EST to 03:00 EDT", "Sunday, March 10, 2030, 03:00 to 04:00 EDT"} {
			if !strings.Contains(all, want) {
				t.Errorf("no %q in the e-mails:\n%s", want, all)
			}
		}
	})
}

// TestSlotsInTheSkippedHour: an owner slot that starts in the hour a
// spring-forward change skips starts when the clock next shows a time at
// or after its start (the end of the gap), as weekly hours read it, never an
// hour early: 02:00-04:00 in New York on 10 March 2030 is 03:00-04:00 EDT,
// so it offers one 60-minute meeting, not one at 01:00 EST that the owner
// never offered. Lord Howe moves by half an hour: 02:00-03:00 there on 6
// October 2030 is 02:30-03:00 (+11), one 30-minute meeting.
func TestSlotsInTheSkippedHour(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		cases := []struct {
			zone, date, start, end string
			length                 int
			want                   []string // suggested starts, wall-clock
			wantUTC                []string // DTSTART of the invitations
		}{
			{"America/New_York", "2030-03-10", "02:00:00", "04:00:00", 60, []string{"2030-03-10T03:00:00"}, []string{"20300310T070000Z"}},
			{"Australia/Lord_Howe", "2030-10-06", "02:00:00", "03:00:00", 30, []string{"2030-10-06T02:30:00"}, []string{"20301005T153000Z"}},
		}
		for i, c := range cases {
			ids := []int{contact(t, s, tok, fmt.Sprintf("Ann%c", 'a'+i)), contact(t, s, tok, fmt.Sprintf("Ben%c", 'a'+i))}
			before := len(s.SMTP.Messages())
			id := int(s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{
				"name": "Gap", "description": "d", "deadline": "2030-03-05", "invitees": ids, "timezone": c.zone, "meeting_length": c.length,
				"available_slots": []any{slot(c.date, c.start, c.end, 3)},
			}).Do().Expect(201).Obj()["id"].(float64))
			day := strings.ReplaceAll(c.date, "-", "/")
			for _, l := range links(t, s.SMTP.Wait(before+2, 10*time.Second)[before:]) {
				s.Post(strings.TrimPrefix(l, s.URL)).JSON(map[string]any{"availability": []any{
					map[string]any{"start_time": day + " 00:00:00", "end_time": day + " 23:00:00", "preference_level": 2},
				}}).Do().Expect(200)
			}
			p := s.Get(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).Do().Expect(200).Obj()
			var starts []string
			var items []map[string]any
			for _, m := range p["suggested_schedules"].([]any)[0].([]any) {
				mm := m.(map[string]any)
				starts = append(starts, mm["start_time"].(string))
				items = append(items, map[string]any{"contact_id": mm["id"], "start_time": mm["start_time"], "end_time": mm["end_time"]})
			}
			if strings.Join(starts, " ") != strings.Join(c.want, " ") {
				t.Fatalf("%s: meetings of a slot starting in the gap:\n got %v\nwant %v", c.zone, starts, c.want)
			}
			before = len(s.SMTP.Messages())
			s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).JSON(map[string]any{"finalized_schedule": items}).Do().Expect(200)
			if utc := scheduledStarts(t, s.SMTP.Wait(before+len(items)+1, 10*time.Second)[before:]); strings.Join(utc, " ") != strings.Join(c.wantUTC, " ") {
				t.Fatalf("%s: UTC instants\n got %v\nwant %v", c.zone, utc, c.wantUTC)
			}
		}
		// A slot wholly inside the gap is no time at all: refused, not a meeting.
		s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{
			"name": "Gap", "description": "d", "deadline": "2030-03-05", "invitees": []int{}, "timezone": "America/New_York",
			"available_slots": []any{slot("2030-03-10", "02:00:00", "02:30:00", 3)},
		}).Do().Expect(400)
	})
}

// TestFinalizeNaiveTimesWithASpace: a naive date-time is wall-clock in the
// calendar's zone however it is written; "2030-03-12 13:00" (a space, no
// seconds) was read as 13:00 UTC, 09:00 in Toronto and outside the owner's
// slot, while "2030-03-12T13:00" was read as 13:00 there.
func TestFinalizeNaiveTimesWithASpace(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ann := contact(t, s, tok, "Ann")
		id := int(s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{"name": "C", "description": "d", "deadline": "2030-03-05",
			"invitees": []int{ann}, "timezone": "America/Toronto", "available_slots": []any{slot("2030-03-12", "13:00:00", "15:00:00", 3)}}).Do().Expect(201).Obj()["id"].(float64))
		s.SMTP.Wait(1, 10*time.Second)
		before := len(s.SMTP.Messages())
		s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).JSON(map[string]any{"finalized_schedule": []any{
			map[string]any{"contact_id": ann, "start_time": "2030-03-12 13:00", "end_time": "2030-03-12 14:00"}}}).Do().Expect(200)
		if utc := scheduledStarts(t, s.SMTP.Wait(before+2, 10*time.Second)[before:]); strings.Join(utc, " ") != "20300312T170000Z" {
			t.Fatalf("DTSTART %v, want 13:00 EDT", utc)
		}
	})
}

// TestNoDeadlineReminderOnTheHeelsOfTheInvitation: the automatic reminder
// comes 24 hours before the deadline to those invited before then; one
// invited later (a calendar made, or an invitee added, within the last 24
// hours) has just had the invitation, and gets no reminder seconds after
// it, as a session confirmed after its 60-minute mark gets no 60-minute
// reminder.
func TestNoDeadlineReminderOnTheHeelsOfTheInvitation(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ann, ben := contact(t, s, tok, "Ann"), contact(t, s, tok, "Ben")
		// Made at t0 with a deadline 8 hours on.
		late := int(s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{
			"name": "Soon", "description": "d", "deadline": "2030-03-01T20:00:00Z", "invitees": []int{ann},
			"available_slots": []any{slot("2030-03-12", "13:00:00", "15:00:00", 3)}}).Do().Expect(201).Obj()["id"].(float64))
		// Made at t0 with a deadline two days on; Ben is added 6 hours before it.
		early := int(s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{
			"name": "Later", "description": "d", "deadline": "2030-03-03T12:00:00Z", "invitees": []int{ann},
			"available_slots": []any{slot("2030-03-13", "13:00:00", "15:00:00", 3)}}).Do().Expect(201).Obj()["id"].(float64))
		var got []string
		collect := func() {
			s.Deliver()
			for _, m := range s.SMTP.Messages()[len(got):] {
				got = append(got, s.Clock.Now().Format("01-02 15:04")+" "+m.To[0]+" "+m.Subject)
			}
		}
		collect()
		for _, at := range []time.Time{t0.Add(time.Minute), t0.Add(time.Hour), time.Date(2030, 3, 2, 12, 0, 0, 0, time.UTC),
			time.Date(2030, 3, 3, 6, 0, 0, 0, time.UTC)} {
			s.Clock.Set(at)
			if at.Day() == 3 {
				var fresh struct{ Access string }
				s.Post("/accounts/login/").JSON(map[string]string{"username": "olive", "password": apptest.Password}).Do().Expect(200).Decode(&fresh)
				tok = fresh.Access
				s.Put(fmt.Sprintf("/schedules/calendars/%d/details/", early)).Bearer(tok).JSON(map[string]any{"add_invitees": []int{ben}}).Do().Expect(200)
			}
			collect()
			s.Clock.Set(at.Add(time.Minute))
			collect()
		}
		want := []string{
			"03-01 12:00 ann@guests.example Meeting invitation",
			"03-01 12:00 ann@guests.example Meeting invitation",
			"03-02 12:00 ann@guests.example Meeting Reminder",
			"03-03 06:00 ben@guests.example Meeting invitation",
		}
		apptest.ExpectLines(t, fmt.Sprintf("calendars %d and %d mailed", late, early), got, want)
	})
}

// TestDeletingAContactCancelsTheirMeeting: deleting a contact removes
// their finalized meeting with them; the contact, whose calendar holds the
// event from the "Meeting Scheduled" invitation, gets its cancellation
// (same UID, higher SEQUENCE, METHOD:CANCEL). A meeting already over, or a
// contact with none, sends nothing.
func TestDeletingAContactCancelsTheirMeeting(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ann, ben, cal := contact(t, s, tok, "Ann"), contact(t, s, tok, "Ben"), contact(t, s, tok, "Cal")
		id := calendar(t, s, tok, ann, ben)
		s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).JSON(map[string]any{"finalized_schedule": []any{
			map[string]any{"contact_id": ann, "start_time": "2030/03/12 13:00:00", "end_time": "2030/03/12 14:00:00"},
			map[string]any{"contact_id": ben, "start_time": "2030/03/12 14:00:00", "end_time": "2030/03/12 15:00:00"},
		}}).Do().Expect(200)
		s.Deliver()
		var scheduled smtptest.Mail
		for _, m := range s.SMTP.To("ann@guests.example") {
			if m.Subject == "Meeting Scheduled" {
				scheduled = m
			}
		}
		invite := scheduled.Calendar(t)
		base := len(s.SMTP.Messages())
		del := func(k int) {
			s.Delete("/schedules/contacts/").Bearer(tok).JSON(map[string]any{"contact_id": k}).Do().Expect(204)
			s.Deliver()
		}
		del(ann)
		del(cal)
		got := s.SMTP.Messages()[base:]
		if len(got) != 1 || got[0].To[0] != "ann@guests.example" || got[0].Subject != "Meeting Cancelled" ||
			!strings.Contains(got[0].Text, "Your meeting with Olive Owner on 2030-03-12 from 13:00 to 14:00 (UTC) is cancelled.") {
			t.Fatalf("after deleting Ann and Cal: %+v", got)
		}
		ics := got[0].Calendar(t)
		for field, want := range map[string]string{"METHOD": "CANCEL", "STATUS": "CANCELLED", "SEQUENCE": "1",
			"UID": smtptest.CalendarField(invite, "UID"), "DTSTART": smtptest.CalendarField(invite, "DTSTART")} {
			if v := smtptest.CalendarField(ics, field); v != want || smtptest.CalendarField(invite, "SEQUENCE") != "0" {
				t.Fatalf("%s %q, want %q:\n%s", field, v, want, ics)
			}
		}
		// Once Ben's meeting is over, deleting him tells him nothing.
		s.Clock.Set(time.Date(2030, 3, 12, 16, 0, 0, 0, time.UTC))
		var fresh struct{ Access string }
		s.Post("/accounts/login/").JSON(map[string]string{"username": "olive", "password": apptest.Password}).Do().Expect(200).Decode(&fresh)
		tok = fresh.Access
		del(ben)
		if n := len(s.SMTP.Messages()) - base; n != 1 {
			t.Fatalf("%d mails after deleting Ben", n-1)
		}
	})
}

// TestNamesInMeetingMails: names and titles with quotes, an apostrophe, a
// comma, markup and a line break come out whole in every part: the
// subject on one line, the HTML escaped, and the .ics with each name as
// one quoted parameter (the library had written O\'Brien, and a line
// break in a name had ended the ATTENDEE line) and no bare CR in a value.
func TestNamesInMeetingMails(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		k := int(s.Post("/schedules/contacts/").Bearer(tok).JSON(map[string]string{"first_Name": `Zoë "Z" <b>`, "last_Name": "O'Brien,\r\nJr.",
			"email": "zoe@guests.example"}).Do().Expect(201).Obj()["id"].(float64))
		id := int(s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{"name": "Plan & <i>review</i>\r\nround 2",
			"description": "d", "deadline": "2030-03-05", "invitees": []int{k},
			"available_slots": []any{slot("2030-03-12", "13:00:00", "15:00:00", 3)}}).Do().Expect(201).Obj()["id"].(float64))
		s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).JSON(map[string]any{"finalized_schedule": []any{
			map[string]any{"contact_id": k, "start_time": "2030/03/12 13:00:00", "end_time": "2030/03/12 14:00:00"}}}).Do().Expect(200)
		s.Deliver()
		mails := s.SMTP.Messages()
		if len(mails) != 3 {
			t.Fatalf("%d mails", len(mails))
		}
		if inv := mails[0]; !strings.Contains(inv.HTML, "Dear Zoë &#34;Z&#34; &lt;b&gt; O&#39;Brien,") ||
			!strings.Contains(inv.HTML, "Plan &amp; &lt;i&gt;review&lt;/i&gt;") || !strings.Contains(inv.Text, `Dear Zoë "Z" <b> O'Brien,`) {
			t.Fatalf("invitation:\n%s\n%s", inv.Text, inv.HTML)
		}
		if sum := mails[2]; sum.Subject != "Meetings scheduled: Plan & <i>review</i>  round 2" {
			t.Fatalf("owner's subject %q", sum.Subject)
		}
		for _, m := range mails[1:] {
			raw := m.Calendar(t)
			if strings.Contains(strings.ReplaceAll(raw, "\n", ""), "\r") {
				t.Fatalf("bare CR in\n%q", raw)
			}
			ics := strings.ReplaceAll(raw, "\n ", "") // unfolded
			if a := smtptest.CalendarField(ics, "ATTENDEE"); !strings.HasPrefix(a, `CN="Zoë ^'Z^' <b> O'Brien,  Jr.";`) ||
				!strings.HasSuffix(a, ":mailto:zoe@guests.example") {
				t.Fatalf("ATTENDEE %q in\n%s", a, ics)
			}
			if o := smtptest.CalendarField(ics, "ORGANIZER"); o != `CN=Olive Owner:mailto:olive@example.com` {
				t.Fatalf("ORGANIZER %q", o)
			}
			if sm := smtptest.CalendarField(ics, "SUMMARY"); sm != `Plan & <i>review</i>\nround 2: Olive Owner and Zoë "Z" <b> O'Brien\,\nJr.` {
				t.Fatalf("SUMMARY %q", sm)
			}
		}
	})
}
