package momentors_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/store"
)

// race has n new mentees (prefix00, prefix01, ...) ask at once, through
// request and spread over the servers, for sessions starting at start,
// start+step, ...: each answer must be 201, or 400 with the body refused.
// It returns how many were created and how many sessions are stored.
func race(t *testing.T, servers []*apptest.Server, prefix string, n int, start time.Time, step time.Duration, refused string,
	request func(s *apptest.Server, me apptest.User, at string) *apptest.Response) (created, stored int) {
	t.Helper()
	s := servers[0]
	mentees := make([]apptest.User, n)
	for i := range mentees {
		mentees[i] = s.Mentee(fmt.Sprintf("%s%02d", prefix, i))
	}
	statuses := make([]int, n)
	apptest.AtOnce(n, func(i int) {
		res := request(servers[i%len(servers)], mentees[i], start.Add(time.Duration(i)*step).Format(time.RFC3339))
		statuses[i] = res.Status
		if res.Status == 400 && string(res.Body) != refused {
			t.Errorf("400 body %s", res.Body)
		}
	})
	created = apptest.Winners(t, statuses, 201, 400)
	sessions, err := s.Store.ListSessions(t.Context(), store.SessionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return created, len(sessions)
}

// TestNoDoubleBooking fires 50 requests for pairwise-overlapping times of one
// mentor at once: exactly one is created. On PostgreSQL the requests are also
// split across two mentord instances sharing the database.
func TestNoDoubleBooking(t *testing.T) {
	apptest.EachCluster(t, apptest.Options{Now: morning, NoWorker: true}, func(t *testing.T, servers []*apptest.Server) {
		s := servers[0]
		m := s.Mentor("mentor1")
		s.Post("/availability/").Token(m.Token).JSON(span("2030-01-15T15:00:00Z", "2030-01-15T17:00:00Z")).Do().Expect(201)
		// Starts 30 s apart: every pair of these overlaps.
		created, stored := race(t, servers, "mentee", 50, time.Date(2030, 1, 15, 15, 0, 0, 0, time.UTC), 30*time.Second,
			`{"non_field_errors":["A session with this mentor/mentee is already scheduled during this time."]}`,
			func(s *apptest.Server, me apptest.User, at string) *apptest.Response {
				return s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": at, "session_length": 30}).Do()
			})
		refused := 50 - created
		if created != 1 || refused != 49 || stored != 1 {
			t.Fatalf("created %d, refused %d, stored %d", created, refused, stored)
		}
	})
}

// TestConcurrentConfirmAndCancel races the mentor's confirmation against the
// mentee's cancellation: each session ends in one state, and the e-mails
// match what happened.
func TestConcurrentConfirmAndCancel(t *testing.T) {
	apptest.EachAt(t, morning, func(t *testing.T, s *apptest.Server) {
		m, me := mentorAndMentee(s, "2030-01-15T10:00:00Z", "2030-01-15T20:00:00Z")
		s.Deliver()
		base := len(s.SMTP.Messages())
		const rounds = 12
		confirmedFirst := 0
		for i := 0; i < rounds; i++ {
			at := time.Date(2030, 1, 15, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * 30 * time.Minute).Format(time.RFC3339)
			var created struct {
				PK int `json:"pk"`
			}
			s.Post("/sessionrequest/").Token(me.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": at}).Do().Expect(201).Decode(&created)
			path := fmt.Sprintf("/sessionrequest/%d/", created.PK)
			var confirm, cancel *apptest.Response
			apptest.AtOnce(2, func(i int) {
				if i == 0 {
					confirm = s.Patch(path).Token(m.Token).JSON(map[string]string{"status": "Confirmed"}).Do()
				} else {
					cancel = s.Patch(path).Token(me.Token).JSON(map[string]string{"status": "Canceled"}).Do()
				}
			})
			final := s.Get(path).Token(me.Token).Do().Expect(200).Obj()
			if cancel.Status != 200 || final["status"] != "Canceled" {
				t.Fatalf("round %d: cancel %d, final %v", i, cancel.Status, final["status"])
			}
			switch confirm.Status {
			case 200:
				confirmedFirst++
			case 400:
			default:
				t.Fatalf("confirm answered %d", confirm.Status)
			}
		}
		s.Deliver()
		mails := s.SMTP.Messages()[base:]
		count := map[string]int{}
		for _, mail := range mails {
			count[mail.Subject]++
			if mail.Subject == "Mentee1 Mentee has canceled their session" && len(mail.Attachments) > 0 {
				count["cancel with invite"]++
			}
		}
		want := map[string]int{
			"Mentee1 Mentee has requested your help":    rounds,
			"Mentor Session Confirmed":                  2 * confirmedFirst,
			"Mentee1 Mentee has canceled their session": rounds,
			"cancel with invite":                        confirmedFirst,
		}
		for k, v := range want {
			if count[k] != v {
				t.Errorf("%q: %d mails, want %d (confirmed first in %d rounds)", k, count[k], v, confirmedFirst)
			}
		}
	})
}
