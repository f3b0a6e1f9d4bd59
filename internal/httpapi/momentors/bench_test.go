package momentors_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/store"
)

// Benchmarks go through the real HTTP stack on each engine:
//
//	go test ./internal/httpapi/momentors -run '^$' -bench . -benchmem
//
// with MENTORD_TEST_POSTGRES_URL set for the PostgreSQL runs.

// seedMentors stores mentors number from to from+n-1 straight into the
// store, each with three skills and chunks 30-minute availabilities from a
// day ahead on; with mentees, every other one is a mentee as well. It
// returns their user ids.
func seedMentors(t testing.TB, s *apptest.Server, from, n, chunks int, mentees bool) []int64 {
	t.Helper()
	ctx := t.Context()
	now := s.Clock.Now()
	var ids []int64
	err := s.Store.Tx(ctx, func(q *store.Q) error {
		for i := from; i < from+n; i++ {
			mentee := mentees && i%2 == 0
			u := &domain.User{Username: fmt.Sprintf("seed%d", i), Email: fmt.Sprintf("seed%d@example.com", i), FirstName: "Seed",
				LastName: fmt.Sprint(i), Timezone: "UTC", IsActive: true, IsMentor: true, IsMentee: mentee, DateJoined: now}
			if err := q.CreateUser(ctx, u); err != nil {
				return err
			}
			ids = append(ids, u.ID)
			if err := q.CreateMentor(ctx, &domain.Mentor{UserID: u.ID, AboutMe: "Seeded mentor", Skills: []string{"Go", "SQL", fmt.Sprintf("Skill%d", i%40)},
				CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
			if mentee {
				if err := q.CreateMentee(ctx, &domain.Mentee{UserID: u.ID, CreatedAt: now, UpdatedAt: now}); err != nil {
					return err
				}
			}
			var list []*domain.Availability
			for c := 0; c < chunks; c++ {
				start := now.Add(24*time.Hour + time.Duration(c)*time.Hour)
				list = append(list, &domain.Availability{MentorID: u.ID, Start: start, End: start.Add(30 * time.Minute), CreatedAt: now})
			}
			if err := q.CreateAvailabilities(ctx, list); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func BenchmarkAvailabilityListV2(b *testing.B) {
	apptest.EachAt(b, morning, func(b *testing.B, s *apptest.Server) {
		m := s.Mentor("mentor1")
		for d := 0; d < 10; d++ {
			day := time.Date(2030, 1, 16+d, 8, 0, 0, 0, time.UTC)
			s.Post("/availability/").Token(m.Token).Header("Accept", v2).JSON(span(day.Format(time.RFC3339), day.Add(10*time.Hour).Format(time.RFC3339))).Do().Expect(201)
		}
		if n := len(s.Get("/availability/").Token(m.Token).Header("Accept", v2).Do().Expect(200).List()); n != 200 {
			b.Fatalf("%d chunks", n)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			s.Get("/availability/").Token(m.Token).Header("Accept", v2).Do().Expect(200)
		}
	})
}

func BenchmarkMentorList1000(b *testing.B) {
	apptest.EachAt(b, morning, func(b *testing.B, s *apptest.Server) {
		viewer := s.SignUp("viewer")
		seedMentors(b, s, 0, 1000, 5, false)
		if n := len(s.Get("/mentor/").Token(viewer.Token).Do().Expect(200).List()); n != 1000 {
			b.Fatalf("%d mentors", n)
		}
		// "render" moves the clock past the list's cache lifetime before
		// each request, so every request reads and encodes the whole list;
		// "cached" is the common case of a list that has not changed.
		for _, mode := range []string{"render", "cached"} {
			b.Run(mode, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if mode == "render" {
						s.Clock.Advance(time.Second)
					}
					res := s.Get("/mentor/").Token(viewer.Token).Do().Expect(200)
					b.SetBytes(int64(len(res.Body)))
				}
			})
		}
	})
}

// BenchmarkSessionRequest books a new 30-minute session per iteration (ten
// mentors with 30 days of availability each, twenty mentees), so every
// request runs the full check-and-insert path.
func BenchmarkSessionRequest(b *testing.B) {
	apptest.EachAt(b, morning, func(b *testing.B, s *apptest.Server) {
		first := time.Date(2030, 1, 16, 0, 0, 0, 0, time.UTC)
		for i := 0; i < 10; i++ {
			m := s.Mentor(fmt.Sprintf("mentor%d", i))
			s.Post("/availability/").Token(m.Token).JSON(span(first.Format(time.RFC3339), first.Add(30*24*time.Hour).Format(time.RFC3339))).Do().Expect(201)
		}
		mentees := make([]apptest.User, 20)
		for i := range mentees {
			mentees[i] = s.Mentee(fmt.Sprintf("mentee%d", i))
		}
		if b.N > 10*1440 {
			b.Fatalf("b.N %d exceeds the seeded slots", b.N)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			// Mentor i%10 (availability i%10+1), slot i/10; mentee i%20 is
			// never booked twice at the same time.
			at := first.Add(time.Duration(i/10) * 30 * time.Minute)
			s.Post("/sessionrequest/").Token(mentees[i%len(mentees)].Token).
				JSON(map[string]any{"mentor_availability": i%10 + 1, "start_time": at.Format(time.RFC3339), "session_length": 30}).Do().Expect(201)
		}
	})
}
