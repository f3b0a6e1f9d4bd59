package scheduler_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

var wallTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$`)

// TestOriginalWebClientJourney walks the original React client's journey
// as it sends it: sign-up, login, the token check it makes on every page,
// contacts, a calendar with three invitees who answer through their links,
// the suggestions, finalizing, the home page and the meetings page.
func TestOriginalWebClientJourney(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		s.Post("/accounts/signup/").JSON(map[string]string{"email": "olive@example.com", "username": "olive", "first_name": "Olive",
			"last_name": "Owner", "password": apptest.Password, "password2": apptest.Password}).Do().Expect(201)
		var tok struct{ Access, Refresh string }
		s.Post("/accounts/login/").JSON(map[string]string{"username": "olive", "password": apptest.Password}).Do().Expect(200).Decode(&tok)

		check := s.Post("/accounts/checktoken/").Bearer(tok.Access).Do().Expect(200)
		if len(check.Body) != 0 {
			t.Fatalf("checktoken body %q, want empty", check.Body)
		}
		s.Post("/accounts/checktoken/").Do().ExpectBody(401, `{"detail":"Authentication credentials were not provided."}`)
		s.Post("/accounts/checktoken/").Bearer("not.a.jwt").Do().Expect(401)
		// Any credential kind: a DRF-style token of the same account works too.
		var drf struct {
			AuthToken string `json:"auth_token"`
		}
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "olive", "password": apptest.Password}).Do().Expect(200).Decode(&drf)
		s.Post("/accounts/checktoken/").Token(drf.AuthToken).Do().Expect(200)

		ids := []int{contact(t, s, tok.Access, "Ann"), contact(t, s, tok.Access, "Ben"), contact(t, s, tok.Access, "Cal")}
		s.Get("/schedules/contacts/").Bearer(tok.Access).Do().Expect(200)
		created := s.Post("/schedules/calendars/create/").Bearer(tok.Access).JSON(map[string]any{
			"name": "Interviews", "description": "Phase 2", "deadline": "2030-03-05T00:00:00Z", "invitees": ids,
			"available_slots": []any{slot("2030-03-12", "13:00:00", "16:00:00", 3)},
		}).Do().Expect(201).Obj()
		id := int(created["id"].(float64))

		ls := links(t, s.SMTP.Wait(3, 10*time.Second))
		for i, email := range []string{"ann@guests.example", "ben@guests.example", "cal@guests.example"} {
			link := strings.TrimPrefix(ls[email], s.URL)
			view := s.Get(link).Do().Expect(200).Obj()
			who, ok := view["invitee_id"].(map[string]any)
			if !ok || int(who["id"].(float64)) != ids[i] || who["email"] != email || who["first_Name"] == nil || who["last_Name"] != "Guest" {
				t.Fatalf("invitee_id of %s: %v", email, view["invitee_id"])
			}
			hour := 13 + i
			s.Post(link).JSON(map[string]any{"availability": []any{map[string]any{
				"start_time": fmt.Sprintf("2030/03/12 %02d:00:00", hour), "end_time": fmt.Sprintf("2030/03/12 %02d:00:00", hour+1), "preference_level": 3,
			}}}).Do().Expect(200)
		}

		p := s.Get(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok.Access).Do().Expect(200).Obj()
		best := p["suggested_schedules"].([]any)[0].([]any)
		var items []map[string]any
		for _, m := range best {
			mm := m.(map[string]any)
			for _, k := range []string{"start_time", "end_time"} {
				if !wallTimeRE.MatchString(mm[k].(string)) {
					t.Fatalf("suggested %s %q is not a naive wall-clock time", k, mm[k])
				}
			}
			items = append(items, map[string]any{"contact_id": mm["id"], "start_time": mm["start_time"], "end_time": mm["end_time"]})
		}
		if len(items) != 3 || best[0].(map[string]any)["start_time"] != "2030-03-12T13:00:00" {
			t.Fatalf("best suggestion: %v", best)
		}
		fin := s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok.Access).JSON(map[string]any{"finalized_schedule": items}).Do().Expect(200).Obj()
		for _, m := range fin["meetings"].([]any) {
			if st := m.(map[string]any)["start_time"].(string); !wallTimeRE.MatchString(st) {
				t.Fatalf("finalized start %q", st)
			}
		}

		home := s.Get("/schedules/home/").Bearer(tok.Access).Do().Expect(200).Obj()
		fm := home["finalized_meetings"].([]any)[0].(map[string]any)
		if fm["deadline"] != "2030-03-05T00:00:00Z" || fm["start_time"] != "2030-03-12T13:00:00" || fm["end_time"] != "2030-03-12T16:00:00" {
			t.Fatalf("home item: %v", fm)
		}
		s.Get(fmt.Sprintf("/schedules/calendars/%d/meetings/", id)).Bearer(tok.Access).Do().ExpectBody(200, fmt.Sprintf(`[
			{"id":%d,"first_name":"Ann","last_name":"Guest","start_time":"2030-03-12T13:00:00","end_time":"2030-03-12T14:00:00"},
			{"id":%d,"first_name":"Ben","last_name":"Guest","start_time":"2030-03-12T14:00:00","end_time":"2030-03-12T15:00:00"},
			{"id":%d,"first_name":"Cal","last_name":"Guest","start_time":"2030-03-12T15:00:00","end_time":"2030-03-12T16:00:00"}]`, ids[0], ids[1], ids[2]))

		// Owner only: another owner gets 404, as on details; no credential 401.
		other := owner(t, s, "bob")
		s.Get(fmt.Sprintf("/schedules/calendars/%d/meetings/", id)).Bearer(other).Do().ExpectBody(404, `{"detail":"Not found."}`)
		s.Get(fmt.Sprintf("/schedules/calendars/%d/meetings/", id)).Do().Expect(401)
		s.Get("/schedules/calendars/999/meetings/").Bearer(tok.Access).Do().Expect(404)
		// A calendar not finalized yet has no meetings.
		open := int(s.Post("/schedules/calendars/create/").Bearer(tok.Access).JSON(map[string]any{
			"name": "Later", "description": "d", "deadline": "2030-03-05", "invitees": []int{},
			"available_slots": []any{slot("2030-03-12", "13:00:00", "14:00:00", 1)},
		}).Do().Expect(201).Obj()["id"].(float64))
		s.Get(fmt.Sprintf("/schedules/calendars/%d/meetings/", open)).Bearer(tok.Access).Do().ExpectBody(200, `[]`)
		home = s.Get("/schedules/home/").Bearer(tok.Access).Do().Expect(200).Obj()
		if uf := home["unfinalized_meetings"].([]any)[0].(map[string]any); uf["deadline"] != "2030-03-05T00:00:00Z" {
			t.Fatalf("open calendar on home: %v", uf)
		}
	})
}

// TestWallClockTimesAcrossDaylightSaving: a calendar in America/Toronto
// with slots before and after the March change shows, everywhere, the
// wall-clock times the owner typed, and the invitations carry the right
// instants.
func TestWallClockTimesAcrossDaylightSaving(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ann, ben := contact(t, s, tok, "Ann"), contact(t, s, tok, "Ben")
		// Toronto moves from EST (-5) to EDT (-4) at 02:00 on 2030-03-10.
		id := int(s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{
			"name": "Across", "description": "d", "deadline": "2030-03-05", "invitees": []int{ann, ben}, "timezone": "America/Toronto",
			"available_slots": []any{slot("2030-03-09", "13:00:00", "14:00:00", 3), slot("2030-03-11", "13:00:00", "14:00:00", 3)},
		}).Do().Expect(201).Obj()["id"].(float64))
		ls := links(t, s.SMTP.Wait(2, 10*time.Second))
		for email, day := range map[string]string{"ann@guests.example": "2030/03/09", "ben@guests.example": "2030/03/11"} {
			s.Post(strings.TrimPrefix(ls[email], s.URL)).JSON(map[string]any{"availability": []any{map[string]any{
				"start_time": day + " 13:00:00", "end_time": day + " 14:00:00", "preference_level": 2}}}).Do().Expect(200)
		}
		p := s.Get(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).Do().Expect(200).Obj()
		var got, items []string
		var final []map[string]any
		for _, m := range p["suggested_schedules"].([]any)[0].([]any) {
			mm := m.(map[string]any)
			got = append(got, mm["start_time"].(string)+"/"+mm["end_time"].(string))
			final = append(final, map[string]any{"contact_id": mm["id"], "start_time": mm["start_time"], "end_time": mm["end_time"]})
		}
		want := []string{"2030-03-09T13:00:00/2030-03-09T14:00:00", "2030-03-11T13:00:00/2030-03-11T14:00:00"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("suggested\n got %v\nwant %v", got, want)
		}
		before := len(s.SMTP.Messages())
		s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).JSON(map[string]any{"finalized_schedule": final}).Do().Expect(200)
		for _, m := range s.Get(fmt.Sprintf("/schedules/calendars/%d/meetings/", id)).Bearer(tok).Do().Expect(200).List() {
			mm := m.(map[string]any)
			items = append(items, mm["start_time"].(string)+"/"+mm["end_time"].(string))
		}
		if strings.Join(items, " ") != strings.Join(want, " ") {
			t.Fatalf("meetings\n got %v\nwant %v", items, want)
		}
		fm := s.Get("/schedules/home/").Bearer(tok).Do().Expect(200).Obj()["finalized_meetings"].([]any)[0].(map[string]any)
		if fm["start_time"] != "2030-03-09T13:00:00" || fm["end_time"] != "2030-03-11T14:00:00" {
			t.Fatalf("home: %v", fm)
		}
		utc := scheduledStarts(t, s.SMTP.Wait(before+3, 10*time.Second)[before:])
		if strings.Join(utc, " ") != "20300309T180000Z 20300311T170000Z" {
			t.Fatalf("invitation instants %v: 13:00 EST is 18:00Z, 13:00 EDT is 17:00Z", utc)
		}
	})
}

// TestCalendarReportsEveryBadField: several bad fields are answered in one
// 400 with a message for each, as DRF does.
func TestCalendarReportsEveryBadField(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ann := contact(t, s, tok, "Ann")
		s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{
			"name": "", "description": strings.Repeat("d", 201), "deadline": "next week", "invitees": []int{999},
			"available_slots": []any{slot("2030-03-10", "11:00:00", "10:00:00", 1)}, "timezone": "Mars/Olympus",
		}).Do().ExpectBody(400, `{
			"name":["This field may not be blank."],
			"description":["Ensure this field has no more than 200 characters."],
			"deadline":["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."],
			"invitees":["Contact does not exist."],
			"available_slots":["End time must be after start time."],
			"timezone":["\"Mars/Olympus\" is not a valid choice."]}`)
		// A missing field and a badly typed one are both reported.
		s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{
			"description": "d", "deadline": "2030-02-01", "invitees": "1", "available_slots": []any{slot("2030-03-10", "10:00", "11:00:00", 1)},
		}).Do().ExpectBody(400, `{
			"name":["This field is required."],
			"deadline":["Deadline cannot be in the past."],
			"invitees":["Expected a list of items but got type \"str\"."],
			"available_slots":["Start and end times must be in a valid date format HH:MM:SS."]}`)
		id := int(s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{
			"name": "C", "description": "d", "deadline": "2030-03-05", "invitees": []int{ann},
			"available_slots": []any{slot("2030-03-12", "13:00:00", "15:00:00", 3)},
		}).Do().Expect(201).Obj()["id"].(float64))
		details := fmt.Sprintf("/schedules/calendars/%d/details/", id)
		s.Put(details).Bearer(tok).JSON(map[string]any{
			"name": strings.Repeat("n", 151), "deadline": "2030-02-01", "meeting_length": 2, "add_invitees": []int{ann},
			"add_availabilities": []any{slot("2030-03-12", "14:00:00", "13:00:00", 2)},
		}).Do().ExpectBody(400, `{
			"name":["Ensure this field has no more than 150 characters."],
			"deadline":["Deadline cannot be in the past."],
			"meeting_length":["Meeting length must be between 5 and 480 minutes."],
			"add_availabilities":["End time must be after start time."],
			"add_invitees":["This contact is already invited."]}`)
		// Nothing was written.
		det := s.Get(details).Bearer(tok).Do().Expect(200).Obj()["Calendar"].(map[string]any)
		if det["name"] != "C" || det["meeting_length"] != 60.0 {
			t.Fatalf("a refused update changed the calendar: %v", det)
		}
		// Contacts too: three bad fields, three messages.
		s.Post("/schedules/contacts/").Bearer(tok).JSON(map[string]any{"first_Name": true, "last_Name": "", "email": "nope"}).Do().
			ExpectBody(400, `{"first_Name":["Not a valid string."],"last_Name":["This field may not be blank."],"email":["Enter a valid email address."]}`)
	})
}
