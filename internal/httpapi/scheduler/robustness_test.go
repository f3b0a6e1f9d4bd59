package scheduler_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

func TestSchedulerRoutesNeverFail500(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ann := contact(t, s, tok, "Ann")
		id := calendar(t, s, tok, ann)
		link := strings.TrimPrefix(apptest.InviteLink.FindString(s.SMTP.Wait(1, 10*time.Second)[0].Text), s.URL)
		routes := []struct {
			method, path string
			fields       []string
		}{
			{"POST", "/accounts/signup/", []string{"username", "email", "password", "password2", "first_name"}},
			{"POST", "/accounts/login/", []string{"username", "password"}},
			{"POST", "/accounts/login/refresh/", []string{"refresh"}},
			{"POST", "/schedules/contacts/", []string{"first_Name", "last_Name", "email"}},
			{"PATCH", "/schedules/contacts/", []string{"contact_id", "first_Name", "email"}},
			{"DELETE", "/schedules/contacts/", []string{"contact_id"}},
			{"POST", "/schedules/calendars/create/", []string{"name", "description", "deadline", "invitees", "available_slots", "availability", "meeting_length", "timezone"}},
			{"PUT", fmt.Sprintf("/schedules/calendars/%d/details/", id), []string{"name", "deadline", "add_invitees", "remove_invitees", "add_availabilities", "remove_availabilities", "meeting_length"}},
			{"POST", fmt.Sprintf("/schedules/calendars/%d/confirm/", id), []string{"finalized_schedule"}},
			{"POST", link, []string{"availability"}},
		}
		values := []any{nil, true, 12.5, -1, "", strings.Repeat("é", 3000), []any{}, []any{nil, 1, "x", map[string]any{}},
			[]any{map[string]any{"date": nil, "start_time": 5, "end_time": []any{}, "preference_level": 1e300}},
			[]any{map[string]any{"contact_id": "x", "start_time": "2030/13/45 99:99:99", "end_time": nil}},
			[]any{map[string]any{"contact_id": 1e20, "start_time": "2030-03-12T13:00:00Z", "end_time": "2030-03-12T12:00:00Z"}},
			map[string]any{"a": 1}, "\x00", "9999999999999999999999", "2030-02-30"}
		olive := apptest.User{Username: "olive", Token: tok} // a JWT: As sends it as Bearer
		for _, r := range routes {
			s.SendBadBodies(olive, r.method, r.path, r.fields, values)
		}
		for _, p := range []string{"/schedules/calendars/abc/details/", "/schedules/calendars/99999999999999999999/confirm/",
			"/schedules/calendars/remind/x/y/", "/schedules/calendars/1/respond/%00/", "/schedules/calendars/1/nothing/here/"} {
			s.Get(p).Bearer(tok).Do().Robust("GET " + p)
			s.Post(p).Bearer(tok).JSON(`{}`).Do().Robust("POST " + p)
		}
	})
}

// TestConcurrentFinalize: several finalizations of one calendar at once;
// exactly one wins and the meetings are stored once.
func TestConcurrentFinalize(t *testing.T) {
	apptest.EachAt(t, t0, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ann := contact(t, s, tok, "Ann")
		id := calendar(t, s, tok, ann)
		body := map[string]any{"finalized_schedule": []any{map[string]any{"contact_id": ann, "start_time": "2030/03/12 13:00:00", "end_time": "2030/03/12 14:00:00"}}}
		statuses := make([]int, 10)
		apptest.AtOnce(len(statuses), func(i int) {
			statuses[i] = s.Post(fmt.Sprintf("/schedules/calendars/%d/confirm/", id)).Bearer(tok).JSON(body).Do().Status
		})
		ok := apptest.Winners(t, statuses, 200, 404)
		ms, err := s.Store.MeetingsOf(t.Context(), int64(id))
		if ok != 1 || err != nil || len(ms) != 1 {
			t.Fatalf("%d finalizations won, %d meetings stored (%v)", ok, len(ms), err)
		}
	})
}
