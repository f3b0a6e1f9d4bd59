package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

// school grows a school's data straight into the store, a batch at a time:
// mentors, each with 1:1 sessions with the viewing mentee (upcoming and
// past), and group sessions with seats, so that a page's query count can
// be compared with few rows and with many.
type school struct {
	t       testing.TB
	s       *apptest.Server
	mentee  int64 // the viewer whose sessions grow
	mentors int   // how many have been made
	groups  int
	// mona is a mentor whose pages grow: her availability, a big group
	// (a seat per mentor), a full one (a waiter per mentor), and a
	// calendar (each mentor an invitee who answered).
	mona                int64
	big, full, calendar int64
	staff               *domain.User
}

// setUp makes mona's two groups and her calendar.
func (sc *school) setUp(mona, staff int64) {
	sc.t.Helper()
	ctx := sc.t.Context()
	now := sc.s.Clock.Now()
	sc.mona = mona
	err := sc.s.Store.Tx(ctx, func(q *store.Q) error {
		var err error
		if sc.staff, err = q.UserByID(ctx, staff); err != nil {
			return err
		}
		for _, g := range []struct {
			id       *int64
			capacity int
		}{{&sc.big, 1000}, {&sc.full, 1}} {
			gs := &domain.GroupSession{CreatorID: mona, Title: fmt.Sprintf("Mona's %d seats", g.capacity), Description: "Seeded.",
				Start: now.Add(72 * time.Hour), Capacity: g.capacity, Status: domain.GroupUpcoming, CreatedAt: now, UpdatedAt: now}
			if err := q.CreateGroupSession(ctx, gs); err != nil {
				return err
			}
			*g.id = gs.ID
		}
		if err := seat(ctx, q, sc.full, sc.mentee, now); err != nil {
			return err
		}
		c := &domain.Calendar{OwnerID: mona, Name: "Mentor interviews", Deadline: now.Add(30 * 24 * time.Hour), MeetingLength: 30,
			Timezone: "UTC", LinkBase: sc.s.URL, CreatedAt: now, UpdatedAt: now}
		if err := q.CreateCalendar(ctx, c); err != nil {
			return err
		}
		sc.calendar = c.ID
		return q.AddOwnerSlot(ctx, c.ID, wallSlot(now.Add(7*24*time.Hour)))
	})
	if err != nil {
		sc.t.Fatal(err)
	}
}

// wallSlot is a slot of eight hours from at (UTC), preference 1.
func wallSlot(at time.Time) *domain.WallSlot {
	end := at.Add(8 * time.Hour)
	return &domain.WallSlot{Day: at.Format(time.DateOnly), StartClock: at.Format(time.TimeOnly), EndClock: end.Format(time.TimeOnly),
		Preference: 1, Start: at, End: end}
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
			if err := sc.growMona(q, u, i); err != nil {
				return err
			}
			// Each session at an hour of its own, so none overlaps.
			for _, at := range []time.Time{now.Add(time.Duration(48+i) * time.Hour), now.Add(-time.Duration(48+i) * time.Hour)} {
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

// growMona gives mona what mentor u (the i-th) adds to her pages, and
// the staff pages an e-mail and a logged action.
func (sc *school) growMona(q *store.Q, u *domain.User, i int) error {
	ctx := sc.t.Context()
	now := sc.s.Clock.Now()
	// This week (from tomorrow) and weeks later.
	var chunks []*domain.Availability
	for _, at := range []time.Time{now.Add(15*time.Hour + time.Duration(i)*30*time.Minute), now.Add(time.Duration(14+i)*24*time.Hour + 2*time.Hour)} {
		chunks = append(chunks, &domain.Availability{MentorID: sc.mona, Start: at, End: at.Add(30 * time.Minute), CreatedAt: now})
	}
	if err := q.CreateAvailabilities(ctx, chunks); err != nil {
		return err
	}
	if err := seat(ctx, q, sc.big, u.ID, now); err != nil {
		return err
	}
	if err := q.AddWaiter(ctx, &domain.Waiter{SessionID: sc.full, UserID: u.ID, Role: "student", AddedAt: now}); err != nil {
		return err
	}
	k := &domain.Contact{OwnerID: sc.mona, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, CreatedAt: now, UpdatedAt: now}
	if err := q.CreateContact(ctx, k); err != nil {
		return err
	}
	inv := &domain.Invitation{CalendarID: sc.calendar, ContactID: k.ID, TokenHash: fmt.Sprintf("scale-hash-%d", i), TokenSeed: "seed", CreatedAt: now}
	if err := q.CreateInvitation(ctx, inv); err != nil {
		return err
	}
	if _, err := q.MarkResponded(ctx, inv.ID, now); err != nil {
		return err
	}
	if err := q.AddInviteeSlot(ctx, inv.ID, wallSlot(now.Add(7*24*time.Hour+time.Duration(i%16)*30*time.Minute))); err != nil {
		return err
	}
	if _, err := sc.s.App.Outbox.Email(ctx, q, now, notify.Message{To: []string{u.Email}, Subject: "Seeded e-mail", Text: "Hello."}, notify.Options{}); err != nil {
		return err
	}
	return q.RecordStaffAction(ctx, domain.NewStaffAction(sc.staff, domain.StaffSendReset, "user", u.ID, u.Username, "", now))
}

// TestWebListQueriesDoNotGrowWithRows counts the SQL statements behind
// each web page that lists things, as the person it is for, with few rows
// and with many: a page that grows has an N+1.
func TestWebListQueriesDoNotGrowWithRows(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		bea := s.Mentee("bea")
		mona := s.Mentor("mona")
		root := s.Staff("root")
		sc := &school{t: t, s: s, mentee: bea.ID}
		sc.setUp(mona.ID, root.ID)
		group := func(id int64) string { return "/app/groups/" + strconv.FormatInt(id, 10) }
		cal := "/app/meetings/calendars/" + strconv.FormatInt(sc.calendar, 10)
		pages := []struct{ who, path string }{
			{"bea", "/app"},
			{"bea", "/app/mentors"},
			{"bea", "/app/sessions"},
			{"bea", "/app/sessions/archive"},
			{"bea", "/app/groups"},
			{"bea", "/app/groups?status=&scope=joined"},
			{"bea", group(sc.full)},
			{"mona", "/app/availability"},
			{"mona", "/app/sessions"},
			{"mona", group(sc.big)},
			{"mona", group(sc.full)},
			{"mona", "/app/meetings"},
			{"mona", "/app/meetings/contacts"},
			{"mona", cal},
			{"mona", cal + "/suggestions"},
			{"root", "/app/staff/users"},
			{"root", "/app/staff/sessions"},
			{"root", "/app/staff/groups"},
			{"root", "/app/staff/outbox"},
			{"root", "/app/staff/log"},
		}
		browsers := map[string]*browser{"bea": logIn(t, s, "bea"), "mona": logIn(t, s, "mona"), "root": logIn(t, s, "root")}
		// A page's count is the fewer of two loads: the first after a
		// write may refill a cache (the signed-in user's, a table's).
		count := func(who, path string) (int64, string) {
			t.Helper()
			var fewest int64 = -1
			var body string
			for range 2 {
				before := s.Store.QueryCount()
				var status int
				status, body = browsers[who].get(path)
				if status != 200 {
					t.Fatalf("GET %s as %s: %d\n%s", path, who, status, body)
				}
				n := s.Store.QueryCount() - before
				if fewest < 0 || n < fewest {
					fewest = n
				}
			}
			return fewest, body
		}
		sc.grow(3)
		small := map[string]int64{}
		for _, p := range pages {
			small[p.who+" "+p.path], _ = count(p.who, p.path)
		}
		sc.grow(60)
		for _, p := range pages {
			q, body := count(p.who, p.path)
			if q != small[p.who+" "+p.path] {
				t.Errorf("%s as %s: %d queries with 3 mentors, %d with 63", p.path, p.who, small[p.who+" "+p.path], q)
			}
			t.Logf("%s as %s: %d queries, %d bytes", p.path, p.who, q, len(body))
		}
		// The archive is paged: 63 past sessions are never one page.
		if _, body := count("bea", "/app/sessions/archive"); strings.Count(body, `class="card session`) > 20 || !strings.Contains(body, `rel="next"`) {
			t.Errorf("the archive shows %d sessions on one page, or no next page", strings.Count(body, `class="card session`))
		}
	})
}

// bulk adds the rest of a school to sc (after sc.grow(200)): mentees up
// to 2,000 users, 1:1 sessions up to 20,000, four weeks of mona's working
// hours in 30-minute chunks, and 300 full group sessions of 30 seats with
// ten waiting each.
func (sc *school) bulk(mentees, sessions, groups int) {
	sc.t.Helper()
	ctx := sc.t.Context()
	now := sc.s.Clock.Now()
	var menteeIDs, mentorIDs []int64
	err := sc.s.Store.Tx(ctx, func(q *store.Q) error {
		for i := range mentees {
			u := &domain.User{Username: fmt.Sprintf("pupil%d", i), Email: fmt.Sprintf("pupil%d@example.com", i), FirstName: "Pupil",
				LastName: strconv.Itoa(i), Timezone: "UTC", IsActive: true, IsMentee: true, DateJoined: now}
			if err := q.CreateUser(ctx, u); err != nil {
				return err
			}
			menteeIDs = append(menteeIDs, u.ID)
		}
		for i := range sc.mentors {
			u, err := q.UserByUsername(ctx, fmt.Sprintf("scale%d", i))
			if err != nil {
				return err
			}
			mentorIDs = append(mentorIDs, u.ID)
		}
		var chunks []*domain.Availability
		// From the sixth day, 16:00 to midnight: clear of what grow gave her.
		for d := range 28 {
			for h := range 16 {
				at := now.Truncate(24 * time.Hour).Add(time.Duration(d+6)*24*time.Hour + 16*time.Hour + time.Duration(h)*30*time.Minute)
				chunks = append(chunks, &domain.Availability{MentorID: sc.mona, Start: at, End: at.Add(30 * time.Minute), CreatedAt: now})
			}
		}
		return q.CreateAvailabilities(ctx, chunks)
	})
	if err != nil {
		sc.t.Fatal(err)
	}
	// Sessions k of mentor i, each at a half hour no other session has.
	for from := 0; from < sessions; from += 2000 {
		err := sc.s.Store.Tx(ctx, func(q *store.Q) error {
			for n := from; n < min(from+2000, sessions); n++ {
				i, k := n%len(mentorIDs), n/len(mentorIDs)
				start := now.Add(-time.Duration(k*len(mentorIDs)+i+1000) * 30 * time.Minute)
				status := domain.StatusCompleted
				if k%10 == 0 { // a tenth upcoming
					start = now.Add(time.Duration(k*len(mentorIDs)+i+1000) * 30 * time.Minute)
					status = domain.StatusConfirmed
				}
				if err := q.CreateSession(ctx, &domain.Session{MentorID: mentorIDs[i], MenteeID: menteeIDs[(i*13+k*7)%len(menteeIDs)], Start: start,
					End: start.Add(30 * time.Minute), Length: 30, Status: status, CreatedAt: now, ModifiedAt: now}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			sc.t.Fatal(err)
		}
	}
	err = sc.s.Store.Tx(ctx, func(q *store.Q) error {
		for g := range groups {
			gs := &domain.GroupSession{CreatorID: mentorIDs[g%len(mentorIDs)], Title: fmt.Sprintf("Full group %d", g), Description: "Seeded.",
				Start: now.Add(time.Duration(24+g) * time.Hour), Capacity: 30, Status: domain.GroupUpcoming, CreatedAt: now, UpdatedAt: now}
			if err := q.CreateGroupSession(ctx, gs); err != nil {
				return err
			}
			for k := range 40 {
				who := menteeIDs[(g*40+k)%len(menteeIDs)]
				if k >= 30 {
					if err := q.AddWaiter(ctx, &domain.Waiter{SessionID: gs.ID, UserID: who, Role: "student", AddedAt: now}); err != nil {
						return err
					}
					continue
				}
				if err := q.AddParticipant(ctx, &domain.Participant{SessionID: gs.ID, UserID: who, Role: "student", JoinedAt: now}); err != nil {
					return err
				}
				if _, err := q.TakeSeat(ctx, gs.ID, now); err != nil {
					return err
				}
			}
		}
		return q.Analyze(ctx)
	})
	if err != nil {
		sc.t.Fatal(err)
	}
}

// BenchmarkWebPages renders each list page of the web app, as the person
// it is for, over a school's worth of data: 2,000 users (200 mentors),
// 20,400 1:1 sessions, 502 group sessions (300 of them full with ten
// waiting), mona's four weeks of 30-minute availability, her group of 200
// seats and 200 waiting, her calendar of 200 invitees who answered, 200
// e-mails in the outbox and 200 staff actions. bea, a mentee, has a
// session with every mentor, 200 upcoming and 200 past.
//
//	go test ./internal/web -run '^$' -bench WebPages -benchmem
//
// with MENTORD_TEST_POSTGRES_URL set for the PostgreSQL run.
func BenchmarkWebPages(b *testing.B) {
	apptest.Each(b, webApp(apptest.Options{Now: mentoringNow, NoWorker: true}), func(b *testing.B, s *apptest.Server) {
		ctx := b.Context()
		users := map[string]string{} // username -> web session cookie
		bea, mona, root := s.Mentee("bea"), s.Mentor("mona"), s.Staff("root")
		sc := &school{t: b, s: s, mentee: bea.ID}
		sc.setUp(mona.ID, root.ID)
		sc.grow(200)
		sc.bulk(1797, 20000, 300)
		for _, who := range []apptest.User{bea, mona, root} {
			u, err := s.App.Accounts.User(ctx, who.ID)
			if err != nil {
				b.Fatal(err)
			}
			if users[who.Username], err = s.App.Accounts.StartWebSession(ctx, u); err != nil {
				b.Fatal(err)
			}
		}
		group := func(id int64) string { return "/app/groups/" + strconv.FormatInt(id, 10) }
		cal := "/app/meetings/calendars/" + strconv.FormatInt(sc.calendar, 10)
		for _, p := range []struct{ name, who, path string }{
			{"home", "bea", "/app"},
			{"mentors", "bea", "/app/mentors"},
			{"sessions", "bea", "/app/sessions"},
			{"archive", "bea", "/app/sessions/archive"},
			{"archive-page5", "bea", "/app/sessions/archive?page=5"},
			{"groups", "bea", "/app/groups"},
			{"group-full", "bea", group(sc.full)},
			{"availability", "mona", "/app/availability"},
			{"availability-week3", "mona", "/app/availability?week=" + mentoringNow.Add(14*24*time.Hour).Format(time.DateOnly)},
			{"group-200-seats", "mona", group(sc.big)},
			{"group-200-waiting", "mona", group(sc.full)},
			{"meetings", "mona", "/app/meetings"},
			{"contacts", "mona", "/app/meetings/contacts"},
			{"calendar-200", "mona", cal},
			{"suggestions-200", "mona", cal + "/suggestions"},
			{"staff-users", "root", "/app/staff/users"},
			{"staff-users-page40", "root", "/app/staff/users?page=40"},
			{"staff-sessions", "root", "/app/staff/sessions"},
			{"staff-groups", "root", "/app/staff/groups"},
			{"staff-outbox", "root", "/app/staff/outbox"},
			{"staff-log", "root", "/app/staff/log"},
		} {
			b.Run(p.name, func(b *testing.B) {
				for b.Loop() {
					req, _ := http.NewRequest("GET", s.URL+p.path, nil)
					req.Header.Set("Accept", "text/html")
					req.AddCookie(&http.Cookie{Name: "mentord_session", Value: users[p.who]})
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					n, _ := io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 {
						b.Fatalf("GET %s: %d", p.path, res.StatusCode)
					}
					b.SetBytes(n)
				}
			})
		}
	})
}

// seat gives user a seat in group session id, as a join does.
func seat(ctx context.Context, q *store.Q, id, user int64, now time.Time) error {
	if err := q.AddParticipant(ctx, &domain.Participant{SessionID: id, UserID: user, Role: "student", JoinedAt: now}); err != nil {
		return err
	}
	_, err := q.TakeSeat(ctx, id, now)
	return err
}
