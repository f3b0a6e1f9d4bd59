package momentors_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

// mentorList is GET /mentor/ reduced to what the cache must keep current:
// each mentor's names, skills and availability statuses.
func mentorList(t *testing.T, s *apptest.Server, token string) string {
	t.Helper()
	var list []struct {
		Username  string   `json:"username"`
		FirstName string   `json:"first_name"`
		Skills    []string `json:"skills"`
		Avail     []struct {
			Start  string `json:"start_time"`
			Status string `json:"status"`
		} `json:"availabilities"`
	}
	s.Get("/mentor/").Token(token).Do().Expect(200).Decode(&list)
	out, _ := json.Marshal(list)
	return string(out)
}

// TestMentorListFollowsEveryChange: the served list is kept between
// requests, and every change to what it shows is seen by the next request.
func TestMentorListFollowsEveryChange(t *testing.T) {
	apptest.EachAt(t, morning, func(t *testing.T, s *apptest.Server) {
		m := s.Mentor("ann", "Go")
		mentee := s.Mentee("bob")
		list := func() string { return mentorList(t, s, mentee.Token) }
		expect := func(step, want string) {
			t.Helper()
			if got := list(); got != want {
				t.Fatalf("%s:\n got  %s\n want %s", step, got, want)
			}
		}
		expect("start", `[{"username":"ann","first_name":"Ann","skills":["Go"],"availabilities":[]}]`)
		queries := s.Store.QueryCount()
		list()
		if n := s.Store.QueryCount() - queries; n > 1 { // the token lookup
			t.Errorf("an unchanged list took %d queries", n)
		}

		chunk := s.Post("/availability/").Token(m.Token).Header("Accept", v2).JSON(span("2030-01-15T15:00:00Z", "2030-01-15T15:30:00Z")).Do().Expect(201).List()
		pk := chunk[0].(map[string]any)["pk"]
		expect("availability added", `[{"username":"ann","first_name":"Ann","skills":["Go"],"availabilities":[{"start_time":"2030-01-15T15:00:00Z","status":"Open"}]}]`)

		sess := s.Post("/sessionrequest/").Token(mentee.Token).JSON(map[string]any{"mentor_availability": pk, "start_time": "2030-01-15T15:00:00Z"}).Do().Expect(201).Obj()
		expect("session requested", `[{"username":"ann","first_name":"Ann","skills":["Go"],"availabilities":[{"start_time":"2030-01-15T15:00:00Z","status":"Requested"}]}]`)
		s.Patch("/sessionrequest/" + jsonNumber(sess["pk"]) + "/").Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
		expect("session confirmed", `[{"username":"ann","first_name":"Ann","skills":["Go"],"availabilities":[{"start_time":"2030-01-15T15:00:00Z","status":"Confirmed"}]}]`)

		s.Patch("/myprofile/").Token(m.Token).JSON(map[string]string{"first_name": "Annie"}).Do().Expect(200)
		s.Patch("/mentorinfoupdate/").Token(m.Token).JSON(map[string]any{"skills": []string{"Go", "SQL"}}).Do().Expect(200)
		expect("profile and skills changed", `[{"username":"ann","first_name":"Annie","skills":["Go","SQL"],"availabilities":[{"start_time":"2030-01-15T15:00:00Z","status":"Confirmed"}]}]`)

		// Time passing drops ended availability without any write.
		s.Clock.Advance(7 * time.Hour)
		expect("availability ended", `[{"username":"ann","first_name":"Annie","skills":["Go","SQL"],"availabilities":[]}]`)

		s.Delete("/myprofile/").Token(m.Token).Do().Expect(204)
		expect("mentor gone", `[]`)
	})
}

// TestMentorListAcrossProcesses: a change made by another process sharing
// the database is seen once the kept list expires (one second).
func TestMentorListAcrossProcesses(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		url := storetest.URL(t, e)
		a := apptest.Start(t, e, apptest.Options{URL: url, Now: morning, NoWorker: true})
		b := apptest.Start(t, e, apptest.Options{URL: url, Now: morning, NoWorker: true})
		m := a.Mentor("ann", "Go")
		viewer := a.Mentee("bob")
		before := mentorList(t, b, viewer.Token)
		a.Post("/availability/").Token(m.Token).JSON(span("2030-01-15T15:00:00Z", "2030-01-15T16:00:00Z")).Do().Expect(201)
		if mentorList(t, b, viewer.Token) != before {
			t.Log("the other process saw the change at once") // allowed: its list may have been built after it
		}
		b.Clock.Advance(time.Second)
		if got := mentorList(t, b, viewer.Token); got == before {
			t.Fatalf("the other process still shows %s a second later", got)
		}
	})
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
