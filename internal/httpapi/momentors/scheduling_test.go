package momentors_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

// morning is where the fake clock starts in the scheduling tests: the
// transcript's sessions are on the afternoon of 2030-01-15.
var morning = time.Date(2030, 1, 15, 9, 0, 0, 0, time.UTC)

func span(start, end string) map[string]string {
	return map[string]string{"start_time": start, "end_time": end}
}

// mentorAndMentee signs up mentor1 and mentee1 and gives mentor1 one
// availability (pk 1) from start to end.
func mentorAndMentee(s *apptest.Server, start, end string) (m, me apptest.User) {
	m, me = s.Mentor("mentor1"), s.Mentee("mentee1")
	s.Post("/availability/").Token(m.Token).JSON(span(start, end)).Do().Expect(201)
	return m, me
}

// confirmedSession is mentorAndMentee with availability from 15:00 to
// 18:00 on 2030-01-15 and session 1 at start, confirmed, its e-mails
// delivered.
func confirmedSession(s *apptest.Server, start string) (m, me apptest.User) {
	m, me = mentorAndMentee(s, "2030-01-15T15:00:00Z", "2030-01-15T18:00:00Z")
	s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": start}).Do().Expect(201)
	s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
	s.Deliver()
	return m, me
}

const v2 = "application/json; version=v2"

func TestAvailabilityV1AndV2(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: morning}, func(t *testing.T, s *apptest.Server) {
		m := s.Mentor("mentor1")
		s.Post("/availability/").Token(m.Token).JSON(span("2030-01-15T15:00:00Z", "2030-01-15T16:00:00Z")).Do().
			ExpectBody(201, `{"pk":1,"mentor":1,"start_time":"2030-01-15T15:00:00Z","end_time":"2030-01-15T16:00:00Z"}`)
		// The documents' spelling works too, and so do milliseconds.
		s.Post("/availabilty/").Token(m.Token).JSON(span("2030-01-15T15:30:00.000Z", "2030-01-15T16:30:00.000Z")).Do().
			ExpectBody(400, `["Input overlaps with existing availability."]`)
		s.Post("/availability/").Token(m.Token).JSON(span("2030-01-15T15:15:00Z", "2030-01-15T15:45:00Z")).Do().
			ExpectBody(400, `["Input overlaps with existing availability."]`)
		s.Post("/availability/").Token(m.Token).JSON(span("2030-01-15T15:00:00Z", "2030-01-15T16:00:00Z")).Do().
			ExpectBody(400, `["Input overlaps with existing availability."]`)
		s.Post("/availability/").Token(m.Token).JSON(span("2030-01-15T18:00:00Z", "2030-01-15T17:00:00Z")).Do().
			ExpectBody(400, `["End time must be after start time."]`)
		s.Post("/availability/").Token(m.Token).JSON(span("2020-01-01T10:00:00Z", "2020-01-01T11:00:00Z")).Do().
			ExpectBody(400, `{"end_time":["End time must be in the future."]}`)
		s.Post("/availability/").Token(m.Token).JSON(map[string]string{"start_time": "tomorrow"}).Do().
			ExpectBody(400, `{"start_time":["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."],"end_time":["This field is required."]}`)
		// Touching edges are fine; V1 may start in the past if it ends later.
		s.Post("/availability").Token(m.Token).JSON(span("2030-01-15T16:00:00Z", "2030-01-15T17:00:00Z")).Do().Expect(201)
		s.Post("/availability").Token(m.Token).JSON(span("2030-01-15T08:00:00Z", "2030-01-15T10:00:00Z")).Do().Expect(201)

		// V2: 30-minute chunks with a status, by Accept header or /v2/ path.
		s.Post("/availability/").Token(m.Token).Header("Accept", v2).JSON(span("2030-01-16T14:30:00Z", "2030-01-16T15:30:00Z")).Do().
			ExpectBody(201, `[{"pk":4,"mentor":1,"start_time":"2030-01-16T14:30:00Z","end_time":"2030-01-16T15:00:00Z","status":"Open"},
				{"pk":5,"mentor":1,"start_time":"2030-01-16T15:00:00Z","end_time":"2030-01-16T15:30:00Z","status":"Open"}]`)
		// 2 h 15 min: four chunks, the 15-minute remainder dropped.
		list := s.Post("/v2/availabilty/").Token(m.Token).Header("Accept", "version=v2").JSON(span("2030-01-17T10:00:00Z", "2030-01-17T12:15:00Z")).Do().Expect(201).List()
		if len(list) != 4 || list[3].(map[string]any)["end_time"] != "2030-01-17T12:00:00Z" {
			t.Fatalf("2h15 chunks: %v", list)
		}
		s.Post("/availability/").Token(m.Token).Header("Accept", v2).JSON(span("2030-01-15T08:30:00Z", "2030-01-15T11:00:00Z")).Do().
			ExpectBody(400, `["Start time must be in the future."]`)
		s.Post("/availability/").Token(m.Token).Header("Accept", v2).JSON(span("2030-01-16T15:00:00Z", "2030-01-16T16:00:00Z")).Do().
			ExpectBody(400, `["Availability overlaps with existing availability."]`)
		s.Post("/availability/").Token(m.Token).Header("Accept", v2).JSON(span("2030-01-18T15:00:00Z", "2030-01-18T14:00:00Z")).Do().
			ExpectBody(400, `["End time must be after start time."]`)
		s.Post("/availability/").Token(m.Token).Header("Accept", v2).JSON(span("2030-01-18T15:00:00Z", "2030-01-18T15:20:00Z")).Do().
			ExpectBody(400, `["Availability must be at least 30 minutes long."]`)
		s.Get("/availability/").Token(m.Token).Header("Accept", "application/json; version=v3").Do().
			ExpectBody(406, `{"detail":"Invalid version in \"Accept\" header."}`)

		// Lists: what has not ended, by start; V1 without status, V2 with it.
		v1 := s.Get("/availability/").Token(m.Token).Do().Expect(200).List()
		if len(v1) != 9 || v1[0].(map[string]any)["start_time"] != "2030-01-15T08:00:00Z" || v1[0].(map[string]any)["status"] != nil {
			t.Fatalf("v1 list: %v", v1)
		}
		s.Clock.Set(time.Date(2030, 1, 15, 10, 30, 0, 0, time.UTC))
		v2list := s.Get("/v2/availability/").Token(m.Token).Do().Expect(200).List()
		if len(v2list) != 8 || v2list[0].(map[string]any)["status"] != "Open" {
			t.Fatalf("v2 list: %v", v2list)
		}

		// Mentees cannot publish; others cannot delete.
		me := s.Mentee("mentee1")
		s.Post("/availability/").Token(me.Token).JSON(span("2030-01-20T10:00:00Z", "2030-01-20T11:00:00Z")).Do().
			ExpectBody(403, `{"detail":"Only mentors can manage availability."}`)
		s.Get("/availability/").Token(me.Token).Do().ExpectBody(200, `[]`)
		s.Delete("/availability/1/").Token(me.Token).Do().ExpectBody(403, `{"detail":"You do not have permission to perform this action."}`)
		s.Delete("/availability/9999/").Token(m.Token).Do().ExpectBody(404, `{"detail":"Not found."}`)
		s.Delete("/availabilty/3").Token(m.Token).Do().Expect(204)
		s.Delete("/availability/3/").Token(m.Token).Do().Expect(404)
		s.Get("/availability/").Do().Expect(401)
	})
}

func TestSessionRequestRules(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: morning}, func(t *testing.T, s *apptest.Server) {
		m := s.Mentor("mentor1")
		m2 := s.Mentor("mentor2")
		me := s.Mentee("mentee1")
		me2 := s.Mentee("mentee2")
		s.Post("/availability/").Token(m.Token).JSON(span("2030-01-15T15:00:00Z", "2030-01-15T16:00:00Z")).Do().Expect(201)                      // 1
		s.Post("/availability/").Token(m.Token).Header("Accept", v2).JSON(span("2030-01-16T15:00:00Z", "2030-01-16T16:00:00Z")).Do().Expect(201) // 2, 3
		s.Post("/availability/").Token(m2.Token).JSON(span("2030-01-15T15:00:00Z", "2030-01-15T17:00:00Z")).Do().Expect(201)                     // 4
		req := func(u apptest.User, avail int, start string, length any) *apptest.Response {
			body := map[string]any{"mentor_availability": avail, "start_time": start}
			if length != nil {
				body["session_length"] = length
			}
			return s.Post("/sessionrequest/").Token(u.Token).JSON(body).Do()
		}
		req(me, 1, "2030-01-15T15:00:00.000Z", 30).ExpectBody(201, `{"pk":1,"mentor":1,"mentor_first_name":"Mentor1","mentor_last_name":"Mentor",
			"mentor_availability":1,"mentee":3,"mentee_first_name":"Mentee1","mentee_last_name":"Mentee","start_time":"2030-01-15T15:00:00Z",
			"end_time":"2030-01-15T15:30:00Z","status":"Pending","session_length":30,"meeting_link":null}`)
		overlap := `{"non_field_errors":["A session with this mentor/mentee is already scheduled during this time."]}`
		req(me, 1, "2030-01-15T15:00:00.000Z", 30).ExpectBody(400, overlap) // the same slot again (the original: 500)
		req(me2, 1, "2030-01-15T15:15:00Z", 30).ExpectBody(400, overlap)    // off the 30-minute grid, still an overlap
		req(me, 4, "2030-01-15T15:00:00Z", 60).ExpectBody(400, overlap)     // the mentee is busy with another mentor
		req(me2, 1, "2030-01-15T15:30:00Z", "30").Expect(201)               // touching is fine; "30" is read as 30
		req(me2, 1, "2030-01-15T15:30:00Z", 45).ExpectBody(400, `{"session_length":["\"45\" is not a valid choice."]}`)
		req(me, 1, "2030-01-15T15:45:00Z", 30).ExpectBody(400, `{"non_field_errors":["The session must lie inside the mentor's availability."]}`)
		req(me, 1, "2030-01-15T14:30:00Z", 30).ExpectBody(400, `{"non_field_errors":["The session must lie inside the mentor's availability."]}`)
		req(me, 99, "2030-01-15T15:00:00Z", 30).ExpectBody(400, `{"mentor_availability":["Invalid pk \"99\" - object does not exist."]}`)
		req(me, 1, "not a time", 30).Expect(400)
		s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{}).Do().
			ExpectBody(400, `{"mentor_availability":["This field is required."],"start_time":["This field is required."]}`)
		// A 60-minute session may span two adjacent V2 chunks.
		req(me, 2, "2030-01-16T15:00:00Z", 60).Expect(201)
		// Mentors (who are not mentees) cannot request; nobody books themselves.
		req(m2, 1, "2030-01-15T15:30:00Z", 30).ExpectBody(403, `{"detail":"Only mentees can request sessions."}`)
		// In the past.
		s.Clock.Set(time.Date(2030, 1, 16, 15, 10, 0, 0, time.UTC))
		req(me2, 2, "2030-01-16T15:00:00Z", 30).ExpectBody(400, `{"start_time":["A session must start in the future."]}`)

		// The availability status follows the sessions.
		status := func(pk int) string {
			for _, a := range s.Get("/availability/").Token(m.Token).Header("Accept", v2).Do().Expect(200).List() {
				if a.(map[string]any)["pk"] == float64(pk) {
					return a.(map[string]any)["status"].(string)
				}
			}
			return "gone"
		}
		s.Clock.Set(morning)
		if status(1) != "Requested" || status(2) != "Requested" || status(3) != "Requested" {
			t.Fatalf("statuses %s %s %s", status(1), status(2), status(3))
		}
		s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
		if status(1) != "Confirmed" {
			t.Fatalf("after confirm: %s", status(1))
		}
		s.Patch("/sessionrequest/1/").Token(m.Token).JSON(map[string]string{"status": "Canceled"}).Do().Expect(200)
		s.Patch("/sessionrequest/2/").Token(me2.Token).JSON(map[string]string{"status": "Canceled"}).Do().Expect(200)
		if status(1) != "Open" {
			t.Fatalf("after cancel: %s", status(1))
		}
		// An availability with a live session cannot be deleted (the
		// original silently deleted the sessions); once they are canceled it can.
		s.Delete("/availability/2/").Token(m.Token).Do().
			ExpectBody(400, `["This availability has pending or confirmed sessions. Cancel them before deleting it."]`)
		s.Delete("/availability/1/").Token(m.Token).Do().Expect(204)
		got := s.Get("/sessionrequest/1/").Token(me.Token).Do().Expect(200).Obj()
		if got["mentor_availability"] != nil || got["status"] != "Canceled" {
			t.Fatalf("session after its availability went: %v", got)
		}
		// /mentor/ shows each mentor's future availability with its status.
		mentors := s.Get("/mentor/").Token(me.Token).Do().Expect(200).List()
		avail := mentors[0].(map[string]any)["availabilities"].([]any)
		nested := mentors[0].(map[string]any)["mentor_profile"].(map[string]any)["availabilities"].([]any)
		if len(avail) != 2 || len(nested) != 2 || avail[0].(map[string]any)["status"] != "Requested" {
			t.Fatalf("mentor availabilities: %v", avail)
		}
	})
}

func TestSessionTransitions(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: morning}, func(t *testing.T, s *apptest.Server) {
		m, me := mentorAndMentee(s, "2030-01-15T15:00:00Z", "2030-01-15T18:00:00Z")
		stranger := s.Mentee("stranger")
		book := func(start string) int {
			var out struct {
				PK int `json:"pk"`
			}
			s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": start, "session_length": 30}).Do().Expect(201).Decode(&out)
			return out.PK
		}
		set := func(u apptest.User, pk int, status string) *apptest.Response {
			return s.Patch(fmt.Sprintf("/sessionrequest/%d/", pk)).Token(u.Token).JSON(map[string]string{"status": status}).Do()
		}
		a := book("2030-01-15T15:00:00Z")
		set(me, a, "Confirmed").ExpectBody(400, `{"status":["Only the mentor can confirm a session."]}`)
		set(stranger, a, "Canceled").ExpectBody(403, `{"detail":"You do not have permission to perform this action."}`)
		s.Get(fmt.Sprintf("/sessionrequest/%d/", a)).Token(stranger.Token).Do().Expect(403)
		set(m, 999, "Confirmed").Expect(404)
		set(m, a, "Maybe").ExpectBody(400, `{"status":["\"Maybe\" is not a valid choice."]}`)
		set(m, a, "Completed").ExpectBody(400, `{"status":["A Pending session cannot become Completed."]}`)
		conf := set(m, a, "Confirmed").Expect(200).Obj()
		link, _ := conf["meeting_link"].(string)
		if conf["status"] != "Confirmed" || !strings.HasPrefix(link, "https://meet.jit.si/") {
			t.Fatalf("confirmed: %v", conf)
		}
		// Both participants see the stored link.
		if got := s.Get(fmt.Sprintf("/sessionrequest/%d/", a)).Token(me.Token).Do().Obj(); got["meeting_link"] != link {
			t.Fatalf("mentee sees %v", got["meeting_link"])
		}
		set(m, a, "Confirmed").Expect(200) // no change is fine
		set(m, a, "Pending").ExpectBody(400, `{"status":["A Confirmed session cannot become Pending."]}`)
		set(m, a, "Completed").ExpectBody(400, `{"status":["A session can only be completed once it has started."]}`)

		b := book("2030-01-15T16:00:00Z")
		set(me, b, "Canceled").Expect(200)
		set(m, b, "Confirmed").ExpectBody(400, `{"status":["A Canceled session cannot become Confirmed."]}`)
		// A canceled session can be deleted; a live one must be canceled first.
		s.Delete(fmt.Sprintf("/sessionrequest/%d/", b)).Token(me.Token).Do().Expect(204)
		s.Delete(fmt.Sprintf("/sessionrequest/%d/", a)).Token(me.Token).Do().
			ExpectBody(400, `{"status":["Only canceled, completed or past sessions can be deleted; cancel the session first."]}`)

		c := book("2030-01-15T17:00:00Z")
		// After the start: no cancel, no confirm; the mentor completes.
		s.Clock.Set(time.Date(2030, 1, 15, 15, 5, 0, 0, time.UTC))
		set(me, a, "Canceled").ExpectBody(400, `{"status":["A session that has started can no longer be canceled."]}`)
		set(me, a, "Completed").ExpectBody(400, `{"status":["Only the mentor can complete a session."]}`)
		set(m, a, "Completed").Expect(200)
		s.Clock.Set(time.Date(2030, 1, 15, 17, 1, 0, 0, time.UTC))
		set(m, c, "Confirmed").ExpectBody(400, `{"status":["A session that has started can no longer be confirmed."]}`)

		// Rescheduling: the mentee moves a session; status and time together
		// are refused.
		s.Clock.Set(morning)
		d := book("2030-01-15T16:00:00Z")
		s.Patch(fmt.Sprintf("/sessionrequest/%d/", d)).Token(me.Token).JSON(map[string]any{"start_time": "2030-01-15T16:30:00Z", "status": "Canceled"}).Do().
			ExpectBody(400, `{"non_field_errors":["Change either the status or the time of a session, not both at once."]}`)
		moved := s.Patch(fmt.Sprintf("/sessionrequest/%d/", d)).Token(me.Token).JSON(map[string]any{"start_time": "2030-01-15T15:45:00Z", "session_length": 60}).Do().Expect(200).Obj()
		if moved["start_time"] != "2030-01-15T15:45:00Z" || moved["end_time"] != "2030-01-15T16:45:00Z" {
			t.Fatalf("moved: %v", moved)
		}
		// Overlapping its own old time is fine; another live session is not.
		s.Patch(fmt.Sprintf("/sessionrequest/%d/", d)).Token(me.Token).JSON(map[string]any{"start_time": "2030-01-15T16:00:00Z"}).Do().Expect(200)
		s.Patch(fmt.Sprintf("/sessionrequest/%d/", d)).Token(me.Token).JSON(map[string]any{"start_time": "2030-01-15T16:30:00Z"}).Do().
			ExpectBody(400, `{"non_field_errors":["A session with this mentor/mentee is already scheduled during this time."]}`)
		s.Put(fmt.Sprintf("/sessionrequest/%d/", d)).Token(me.Token).JSON(map[string]any{"status": "Canceled"}).Do().
			ExpectBody(400, `{"mentor_availability":["This field is required."],"start_time":["This field is required."]}`)
	})
}

func TestSessionListsAndArchiveBoundary(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: morning}, func(t *testing.T, s *apptest.Server) {
		m, me := mentorAndMentee(s, "2030-01-15T10:00:00Z", "2030-01-15T20:00:00Z")
		other := s.Mentee("other")
		for i, start := range []string{"2030-01-15T12:00:00Z", "2030-01-15T10:00:00Z", "2030-01-15T16:00:00Z"} {
			u := me
			if i == 2 {
				u = other
			}
			s.Post("/sessionrequest/").Token(u.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": start}).Do().Expect(201)
		}
		starts := func(path string, u apptest.User) string {
			var out []string
			for _, x := range s.Get(path).Token(u.Token).Do().Expect(200).List() {
				out = append(out, x.(map[string]any)["start_time"].(string)[11:16])
			}
			return strings.Join(out, ",")
		}
		if got := starts("/session/", m); got != "10:00,12:00,16:00" {
			t.Fatalf("mentor upcoming %s", got)
		}
		if got := starts("/sessionrequest/", me); got != "10:00,12:00" {
			t.Fatalf("mentee sees %s (the original leaked everyone's)", got)
		}
		// 24 hours after a start the session moves to the archive, newest first.
		s.Clock.Set(time.Date(2030, 1, 16, 12, 0, 0, 0, time.UTC))
		if got, arch := starts("/session/", m), starts("/archivesession/", m); got != "12:00,16:00" || arch != "10:00" {
			t.Fatalf("at +24h: upcoming %s archive %s", got, arch)
		}
		s.Clock.Set(time.Date(2030, 1, 17, 0, 0, 0, 0, time.UTC))
		if got, arch := starts("/session/", m), starts("/archivesession/", m); got != "" || arch != "16:00,12:00,10:00" {
			t.Fatalf("later: upcoming %q archive %s", got, arch)
		}
		if got := starts("/archivesession/", other); got != "16:00" {
			t.Fatalf("other's archive %s", got)
		}
	})
}

// TestEveryBadFieldAtOnce: a body with several bad fields gets a message for
// each in one 400, as DRF reports them, and nothing is written.
func TestEveryBadFieldAtOnce(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: morning}, func(t *testing.T, s *apptest.Server) {
		s.Post("/auth/users/").JSON(map[string]any{"username": []string{"x"}, "email": "nope", "re_password": "x"}).Do().
			ExpectBody(400, `{"username":["Not a valid string."],"email":["Enter a valid email address."],"password":["This field is required."]}`)
		mentee := s.Mentee("mia")
		s.Patch("/myprofile/").Token(mentee.Token).JSON(map[string]any{"first_name": "Changed", "phone_number": "call me",
			"timezone": "Mars/Olympus", "is_mentor": "maybe"}).Do().ExpectBody(400,
			`{"is_mentor":["Must be a valid boolean."],"phone_number":["Enter a valid phone number."],"timezone":["\"Mars/Olympus\" is not a valid choice."]}`)
		if p := s.Get("/myprofile/").Token(mentee.Token).Do().Expect(200).Obj(); p["first_name"] != "Mia" {
			t.Fatalf("a refused PATCH changed the profile: %v", p)
		}
		s.Post("/sessionrequest/").Token(mentee.Token).JSON(map[string]any{"mentor_availability": "x", "start_time": "soon", "session_length": 45}).Do().
			ExpectBody(400, `{"mentor_availability":["Incorrect type. Expected pk value, received str."],
				"start_time":["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."],
				"session_length":["\"45\" is not a valid choice."]}`)
		// DRF names the Python type it got: a JSON list is a list, a
		// repeated form field is read as its last value, a string.
		s.Post("/sessionrequest/").Token(mentee.Token).JSON(map[string]any{"mentor_availability": []int{1}, "start_time": "2030-01-01T10:00:00Z"}).Do().
			ExpectBody(400, `{"mentor_availability":["Incorrect type. Expected pk value, received list."]}`)
		s.Post("/sessionrequest/").Token(mentee.Token).Raw("application/x-www-form-urlencoded", []byte("mentor_availability=1&mentor_availability=x&start_time=2030-01-01T10:00:00Z")).Do().
			ExpectBody(400, `{"mentor_availability":["Incorrect type. Expected pk value, received str."]}`)
		mentor := s.SignUp("max")
		s.Post("/mentorinfo/").Token(mentor.Token).JSON(map[string]any{"about_me": strings.Repeat("a", 1001), "skills": 5, "team_number": -1}).Do().
			ExpectBody(400, `{"about_me":["Ensure this field has no more than 1000 characters."],
				"skills":["Expected a list of items but got type \"int\"."],"team_number":["Ensure this value is greater than or equal to 0."]}`)
		s.Post("/auth/users/set_password/").Token(mentor.Token).JSON(map[string]any{"new_password": []int{1}}).Do().
			ExpectBody(400, `{"new_password":["Not a valid string."],"re_new_password":["This field is required."],"current_password":["This field is required."]}`)
	})
}
