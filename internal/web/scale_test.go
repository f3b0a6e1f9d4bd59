package web_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/store"
)

// school grows a school's data straight into the store, a batch at a time:
// mentors, each with 1:1 sessions with the viewing mentee (upcoming and
// past), and group sessions with seats, so that a page's query count can
// be compared with few rows and with many.
type school struct {
	t       *testing.T
	s       *apptest.Server
	mentee  int64 // the viewer whose sessions grow
	mentors int   // how many have been made
	groups  int
}

// grow adds n mentors, each with one upcoming and one past session with
// the mentee and one group session (whose seats the mentee and the other
// mentors take).
func (sc *school) grow(n int) {
	sc.t.Helper()
	ctx := sc.t.Context()
	now := sc.s.Clock.Now()
	err := sc.s.Store.Tx(ctx, func(q *store.Q) error {
		var made []int64
		for range n {
			i := sc.mentors
			sc.mentors++
			u := &domain.User{Username: fmt.Sprintf("scale%d", i), Email: fmt.Sprintf("scale%d@example.com", i), FirstName: "Scale",
				LastName: strconv.Itoa(i), Timezone: "UTC", IsActive: true, IsMentor: true, DateJoined: now}
			if err := q.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := q.CreateMentor(ctx, &domain.Mentor{UserID: u.ID, AboutMe: "Seeded.", Skills: []string{"Go"}, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
			made = append(made, u.ID)
			// Each session at an hour of its own, so none overlaps.
			for _, at := range []time.Time{now.Add(time.Duration(2+i) * time.Hour), now.Add(-time.Duration(48+i) * time.Hour)} {
				status := domain.StatusConfirmed
				if at.Before(now) {
					status = domain.StatusCompleted
				}
				if err := q.CreateSession(ctx, &domain.Session{MentorID: u.ID, MenteeID: sc.mentee, Start: at, End: at.Add(30 * time.Minute),
					Length: 30, Status: status, CreatedAt: now, ModifiedAt: now}); err != nil {
					return err
				}
			}
		}
		for _, creator := range made {
			g := sc.groups
			sc.groups++
			gs := &domain.GroupSession{CreatorID: creator, Title: fmt.Sprintf("Scale group %d", g), Description: "Seeded.",
				Start: now.Add(time.Duration(24+g) * time.Hour), Capacity: 30, Status: domain.GroupUpcoming, CreatedAt: now, UpdatedAt: now, TimedAt: now}
			if err := q.CreateGroupSession(ctx, gs); err != nil {
				return err
			}
			for _, seat := range append([]int64{sc.mentee}, made[:min(len(made), 5)]...) {
				if seat == creator {
					continue
				}
				if err := q.AddParticipant(ctx, &domain.Participant{SessionID: gs.ID, UserID: seat, Role: "student", JoinedAt: now}); err != nil {
					return err
				}
				if _, err := q.TakeSeat(ctx, gs.ID, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		sc.t.Fatal(err)
	}
}

// TestWebListQueriesDoNotGrowWithRows counts the SQL statements behind
// each web page that lists things, as the person it is for, with few rows
// and with many: a page that grows has an N+1.
func TestWebListQueriesDoNotGrowWithRows(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		bea := s.Mentee("bea")
		s.Staff("root")
		sc := &school{t: t, s: s, mentee: bea.ID}
		pages := []struct{ who, path string }{
			{"bea", "/app"},
			{"bea", "/app/mentors"},
			{"bea", "/app/sessions"},
			{"bea", "/app/sessions/archive"},
			{"bea", "/app/groups"},
			{"bea", "/app/groups?status=&scope=joined"},
			{"root", "/app/staff/users"},
			{"root", "/app/staff/sessions"},
			{"root", "/app/staff/groups"},
			{"root", "/app/staff/outbox"},
			{"root", "/app/staff/log"},
		}
		browsers := map[string]*browser{"bea": logIn(t, s, "bea"), "root": logIn(t, s, "root")}
		count := func(who, path string) (int64, string) {
			t.Helper()
			before := s.Store.QueryCount()
			status, body := browsers[who].get(path)
			if status != 200 {
				t.Fatalf("GET %s as %s: %d\n%s", path, who, status, body)
			}
			return s.Store.QueryCount() - before, body
		}
		sc.grow(3)
		small := map[string]int64{}
		for _, p := range pages {
			small[p.path], _ = count(p.who, p.path)
		}
		sc.grow(60)
		for _, p := range pages {
			if q, _ := count(p.who, p.path); q != small[p.path] {
				t.Errorf("%s as %s: %d queries with 3 mentors, %d with 63", p.path, p.who, small[p.path], q)
			}
		}
		// The archive is paged: 63 past sessions are never one page.
		if _, body := count("bea", "/app/sessions/archive"); strings.Count(body, `class="card session`) > 20 || !strings.Contains(body, `rel="next"`) {
			t.Errorf("the archive shows %d sessions on one page, or no next page", strings.Count(body, `class="card session`))
		}
	})
}
