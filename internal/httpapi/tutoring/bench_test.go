package tutoring_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/store"
)

// Benchmarks go through the real HTTP stack on each engine:
//
//	go test ./internal/httpapi/tutoring -run '^$' -bench . -benchmem -benchtime 2000x

// BenchmarkContestedBooking: many students at once book seats of one session
// (8 concurrent clients per core); each iteration is one successful booking.
func BenchmarkContestedBooking(b *testing.B) {
	apptest.EachAt(b, t0, func(b *testing.B, s *apptest.Server) {
		m := s.Mentor("inst")
		s.Post("/session/api/addSession").Token(m.Token).JSON(map[string]any{"scheduledAt": at(48 * time.Hour), "quota": 10000}).Do().Expect(200)
		students := s.Students("st", b.N)
		var next atomic.Int64
		b.SetParallelism(8)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				u := students[next.Add(1)-1]
				s.Post(fmt.Sprintf("/session/api/student/bookSession/%d", m.ID)).Bearer(u.Token).JSON(map[string]any{"session_id": 1}).Do().Expect(200)
			}
		})
		b.StopTimer()
		g, _ := s.Store.GroupSessionByID(b.Context(), 1)
		if g.Taken != b.N {
			b.Fatalf("%d seats taken after %d bookings", g.Taken, b.N)
		}
	})
}

// BenchmarkListWith10000Sessions pages through 10,000 sessions: a page in
// the middle, and a filtered page.
func BenchmarkListWith10000Sessions(b *testing.B) {
	apptest.EachAt(b, t0, func(b *testing.B, s *apptest.Server) {
		m := s.Mentor("inst")
		ctx := b.Context()
		err := s.Store.Tx(ctx, func(q *store.Q) error {
			for i := 0; i < 10000; i++ {
				g := &domain.GroupSession{CreatorID: m.ID, Title: fmt.Sprintf("Session %d", i), Description: "Seeded",
					Start: t0.Add(time.Duration(i) * 17 * time.Minute), Capacity: 10, Status: []string{"upcoming", "upcoming", "ongoing", "completed", "cancelled"}[i%5],
					CreatedAt: t0, UpdatedAt: t0}
				if err := q.CreateGroupSession(ctx, g); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		// Planner statistics as autovacuum would have them after such a load.
		if err := s.Store.Tx(ctx, func(q *store.Q) error { return q.Analyze(ctx) }); err != nil {
			b.Fatal(err)
		}
		for _, bc := range []struct{ name, query string }{
			{"page50", "?page=50&page_size=20"},
			{"filtered", "?status=upcoming&date_from=" + at(500*time.Hour) + "&page_size=20&page=3"},
		} {
			b.Run(bc.name, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					s.Get("/api/sessions/" + bc.query).Token(m.Token).Do().Expect(200)
				}
			})
		}
	})
}
