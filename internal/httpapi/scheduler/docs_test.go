package scheduler_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/config"
)

// TestCalendarAndLinkCheckedBeforeBody: the answer does not depend on the
// body where the calendar or the link is wrong. POST confirm on someone
// else's calendar is 403 and on a finalized one 404, before "Missing Fields"
// or a bad item; POST respond with a bad link is 404 whatever was sent.
func TestCalendarAndLinkCheckedBeforeBody(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ann := contact(t, s, tok, "Ann")
		id := calendar(t, s, tok, ann)
		confirm := fmt.Sprintf("/schedules/calendars/%d/confirm/", id)
		other := owner(t, s, "bob")
		forbidden := `{"detail":"You do not have permission to perform this action."}`
		s.Post(confirm).Bearer(other).JSON(map[string]any{}).Do().ExpectBody(403, forbidden)
		s.Post(confirm).Bearer(other).JSON(map[string]any{"finalized_schedule": []any{}}).Do().ExpectBody(403, forbidden)
		s.Post(confirm).Bearer(other).JSON(map[string]any{"finalized_schedule": []any{map[string]any{"contact_id": ann, "start_time": "soon", "end_time": "later"}}}).Do().
			ExpectBody(403, forbidden)
		s.Post(confirm).Bearer(other).JSON(`[1]`).Do().ExpectBody(403, forbidden)
		details := fmt.Sprintf("/schedules/calendars/%d/details/", id)
		for _, body := range []any{`{`, `[1]`, map[string]any{}, map[string]any{"meeting_length": "long"}, map[string]any{"add_availabilities": []any{map[string]any{"date": "soon"}}}, map[string]any{"name": "Mine"}} {
			s.Put(details).Bearer(other).JSON(body).Do().ExpectBody(404, `{"detail":"Not found."}`)
		}
		s.Put("/schedules/calendars/999/details/").Bearer(tok).JSON(map[string]any{"meeting_length": "long"}).Do().ExpectBody(404, `{"detail":"Not found."}`)
		s.Put(details).Bearer(tok).JSON(map[string]any{"meeting_length": "long"}).Do().Expect(400)
		bad := fmt.Sprintf("/schedules/calendars/%d/respond/%s/", id, strings.Repeat("A", 43))
		for _, body := range []any{`{`, `[1]`, map[string]any{}, map[string]any{"availability": []any{map[string]any{"start_time": "soon"}}}} {
			s.Post(bad).JSON(body).Do().ExpectBody(404, `{"detail":"Not found."}`)
		}
		s.Post("/schedules/calendars/999/confirm/").Bearer(tok).JSON(map[string]any{}).Do().ExpectBody(404, `{"detail":"Not found."}`)
		s.Post(confirm).Bearer(tok).JSON(map[string]any{}).Do().ExpectBody(400, `{"error":"Missing Fields"}`)
		s.Post(confirm).Bearer(tok).JSON(map[string]any{"finalized_schedule": []any{}}).Do().Expect(200)
		s.Post(confirm).Bearer(tok).JSON(map[string]any{}).Do().ExpectBody(404, `{"error":"Calendar is already finalized"}`)
		s.Post(confirm).Bearer(tok).JSON(map[string]any{"finalized_schedule": []any{map[string]any{"contact_id": "x"}}}).Do().
			ExpectBody(404, `{"error":"Calendar is already finalized"}`)
	})
}

// TestSchedulerDocumentedResponses sends each route the answers that the
// other tests do not, so that apptest checks them against
// docs/openapi.yaml: forms, rate limits, the refresh token's 401, a
// calendar finalized without meetings, a reminder on a finalized calendar.
func TestSchedulerDocumentedResponses(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0, Config: func(c *config.Config) {
		c.LoginPerMinute, c.SignupPerMinute, c.RespondPerMinute = 3, 2, 3
	}}, func(t *testing.T, s *apptest.Server) {
		form := func(method, path, tok string, fields map[string]string) *apptest.Response {
			q := s.Request(method, path).Form(fields)
			if tok != "" {
				q = q.Bearer(tok)
			}
			return q.Do()
		}

		// Accounts, as forms and as JSON; the limits.
		form("POST", "/accounts/signup/", "", map[string]string{"email": "olive@example.com", "username": "Olive", "first_name": "Olive",
			"password": apptest.Password, "password2": apptest.Password}).ExpectBody(201,
			`{"id":1,"username":"olive","email":"olive@example.com","first_name":"Olive","last_name":""}`)
		s.Post("/accounts/signup/").Multipart(map[string]string{"email": "x"}).Do().Expect(400)
		s.Post("/accounts/signup/").JSON(map[string]string{}).Do().Expect(429)
		form("POST", "/accounts/login/", "", map[string]string{"username": "OLIVE"}).ExpectBody(400, `{"password":["This field is required."]}`)
		var tok struct{ Access, Refresh string }
		s.Post("/accounts/login/").Multipart(map[string]string{"username": "olive", "password": apptest.Password}).Do().Expect(200).Decode(&tok)
		s.Post("/accounts/login/").JSON(map[string]string{"username": "olive", "password": "wrong"}).Do().Expect(401)
		s.Post("/accounts/login/").JSON(map[string]string{"username": "olive", "password": "wrong"}).Do().Expect(429)
		s.Post("/accounts/login/refresh/").JSON(map[string]string{}).Do().ExpectBody(400, `{"refresh":["This field is required."]}`)
		s.Post("/accounts/login/refresh/").JSON(map[string]string{"refresh": tok.Access}).Do().
			ExpectBody(401, `{"detail":"Token is invalid or expired","code":"token_not_valid"}`)
		form("POST", "/accounts/login/refresh/", "", map[string]string{"refresh": tok.Refresh}).Expect(200)
		a := tok.Access

		// Contacts as forms; errors of each method.
		form("POST", "/schedules/contacts/", a, map[string]string{"first_Name": "Jane", "last_Name": "Doe", "email": "jane@example.com"}).
			ExpectBody(201, `{"id":1,"first_Name":"Jane","last_Name":"Doe","email":"jane@example.com"}`)
		form("PUT", "/schedules/contacts/", a, map[string]string{"contact_id": "1", "last_Name": "Roe"}).
			ExpectBody(200, `{"contact_id":1,"id":1,"first_Name":"Jane","last_Name":"Roe","email":"jane@example.com"}`)
		form("PATCH", "/schedules/contacts/", a, map[string]string{"contact_id": "x"}).
			ExpectBody(400, `{"contact_id":["Incorrect type. Expected pk value, received str."]}`)
		s.Delete("/schedules/contacts/").Bearer(a).Multipart(map[string]string{"contact_id": "x"}).Do().Expect(400)
		// A form body is read on DELETE too, as DRF reads it.
		form("POST", "/schedules/contacts/", a, map[string]string{"first_Name": "Temp", "last_Name": "Orary", "email": "temp@example.com"}).Expect(201)
		form("DELETE", "/schedules/contacts/", a, map[string]string{"contact_id": "2"}).Expect(204)
		form("DELETE", "/schedules/contacts/", a, map[string]string{"contact_id": "2"}).ExpectBody(404, `{"detail":"Not found."}`)
		s.Delete("/schedules/contacts/").Bearer(a).JSON(map[string]any{"contact_id": 99}).Do().Expect(404)
		s.Request("DELETE", "/schedules/contacts/").Bearer(a).Raw("text/plain", []byte("1")).Do().Expect(415)
		s.Post("/schedules/contacts/").Bearer(a).Raw("application/json", bytes.Repeat([]byte(" "), 2<<20)).Do().Expect(413)
		s.Get("/schedules/home/").Do().Expect(401)
		s.Get("/schedules/home/").Header("Authorization", "Bearer not-a-jwt").Do().Expect(401)
		jane := 1

		// Calendars: a form cannot carry the slots; a form update can.
		form("POST", "/schedules/calendars/create/", a, map[string]string{"name": "C", "description": "d", "deadline": "2030-03-05"}).
			ExpectBody(400, `{"available_slots":["This field is required."]}`)
		create := func(invitees ...int) int {
			if invitees == nil {
				invitees = []int{}
			}
			return int(s.Post("/schedules/calendars/create/").Bearer(a).JSON(map[string]any{"name": "C", "description": "d", "deadline": "2030-03-05T17:30:00.25Z",
				"invitees": invitees, "timezone": "Europe/Paris", "available_slots": []any{slot("2030-03-12", "13:00:00", "15:00:00", 3)}}).Do().Expect(201).Obj()["id"].(float64))
		}
		empty, id := create(), create(jane)
		details := fmt.Sprintf("/schedules/calendars/%d/details/", id)
		form("PATCH", details, a, map[string]string{"name": "Renamed", "meeting_length": "30"}).Expect(200)
		form("PATCH", details, a, map[string]string{"meeting_length": "3"}).
			ExpectBody(400, `{"meeting_length":["Meeting length must be between 5 and 480 minutes."]}`)
		s.Get("/schedules/calendars/999/details/").Bearer(a).Do().Expect(404)
		s.Get("/schedules/calendars/999/confirm/").Bearer(a).Do().ExpectBody(404, `{"detail":"Not found."}`)

		// Jane answers through her link; the details show it.
		var link string
		for _, m := range s.SMTP.Wait(1, 10*time.Second) {
			if l := apptest.InviteLink.FindString(m.Text); strings.Contains(l, fmt.Sprintf("/calendars/%d/", id)) {
				link = strings.TrimPrefix(l, s.URL)
			}
		}
		s.Post(link).JSON(map[string]any{"availability": []any{map[string]any{"start_time": "2030-03-12T13:00:00", "end_time": "2030-03-12T14:30", "preference": 2}}}).Do().Expect(200)
		s.Post(link).JSON(map[string]any{}).Do().ExpectBody(400, `{"availability":["This field is required."]}`)
		s.Get(link).Do().Expect(200)
		s.Get(link).Do().Expect(429)
		d := s.Get(details).Bearer(a).Do().Expect(200).Obj()
		if inv := d["Invitee_availability"].([]any); len(inv) != 1 || len(inv[0].(map[string]any)["slots"].([]any)) != 1 {
			t.Fatalf("details: %v", d)
		}
		s.Get(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(a).Do().Expect(200)
		s.Get(fmt.Sprintf("/schedules/calendars/%d/confirm/", empty)).Bearer(a).Do().Expect(200)

		// Finalized without meetings: home shows null times; remind is 400.
		s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(a).JSON(map[string]any{"finalized_schedule": []any{
			map[string]any{"contact_id": "x", "start_time": "2030/03/12 13:00:00", "end_time": "2030/03/12 14:00:00"}}}).Do().
			ExpectBody(400, `{"contact_id":["A valid integer is required."]}`)
		s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(a).JSON(map[string]any{"finalized_schedule": []any{}}).Do().
			ExpectBody(200, `{"meetings":[]}`)
		s.Get(fmt.Sprintf("/schedules/calendars/remind/%d/%d/", id, jane)).Bearer(a).Do().ExpectBody(400, `{"error":"Calendar is already finalized"}`)
		home := s.Get("/schedules/home/").Bearer(a).Do().Expect(200).Obj()
		if f := home["finalized_meetings"].([]any); len(f) != 1 || f[0].(map[string]any)["start_time"] != nil {
			t.Fatalf("home: %v", home)
		}
		if o := home["unfinalized_meetings"].([]any); len(o) != 1 || o[0].(map[string]any)["deadline"] != "2030-03-05T17:30:00.250000Z" {
			t.Fatalf("home: %v", home)
		}
	})
}
