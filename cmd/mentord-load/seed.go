package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/media"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

// sizes is the data set; the defaults are the issue's realistic set.
type sizes struct {
	Mentors, Mentees, Chunks, Sessions, Groups int
}

// fixture is what the scenarios need from the seed: credentials and the
// bookings that are certain to be accepted, so that a write scenario measures
// the successful path rather than a stream of conflicts.
type fixture struct {
	MentorTokens  []string // DRF tokens of some mentors
	MenteeTokens  []string // DRF tokens of every mentee, by mentee index
	MenteeJWTs    []string // access JWTs of every mentee, by mentee index
	FreeSlots     []slot   // unbooked availability chunks, each with a mentee free at that time
	FreeSeats     []seat   // group sessions and students not yet in them
	LoginUser     string   // an account with a real password, for the login scenario
	LoginPassword string
	upcomingBooks int
	pastSessions  int
}

type slot struct {
	Mentee         int
	AvailabilityID int64
	Start          time.Time
}

type seat struct {
	Mentee  int
	GroupID int64
}

var skillNames = []string{"Go", "Python", "JavaScript", "TypeScript", "SQL", "PostgreSQL", "React", "Django", "Kubernetes", "Docker",
	"System design", "Algorithms", "Career", "Interviewing", "Rust", "Java", "Kotlin", "Swift", "Data science", "Machine learning",
	"Product", "UX", "Testing", "Security", "Networking", "Linux", "Git", "Cloud", "CSS", "Leadership"}

// seed fills an empty, migrated database. Layout, with M mentors:
//   - each mentor has Chunks/M 30-minute availability chunks on consecutive
//     days from tomorrow, at an hour of the day that depends on the mentor;
//     every other chunk is booked (Pending or Confirmed), the others are the
//     free slots the booking scenario requests;
//   - the rest of the Sessions are in the past (Completed, Canceled,
//     Confirmed), each at a time of its own, so no live constraint binds;
//   - Groups group sessions by the mentors, capacity 30, five seats taken.
//
// Rows go through the store's own insert functions in transactions of a few
// thousand, so the data is exactly what the server writes.
func seed(ctx context.Context, st *store.Store, secret string, sz sizes, now time.Time, logf func(string, ...any)) (*fixture, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	now = now.UTC().Truncate(time.Hour)
	fx := &fixture{}
	mentorIDs := make([]int64, sz.Mentors)
	menteeIDs := make([]int64, sz.Mentees)
	users := make([]*domain.User, 0, sz.Mentors+sz.Mentees)

	batch := func(n int, what string, fn func(q *store.Q, i int) error) error {
		const size = 2000
		started := time.Now()
		for from := 0; from < n; from += size {
			to := min(from+size, n)
			if err := st.Tx(ctx, func(q *store.Q) error {
				for i := from; i < to; i++ {
					if err := fn(q, i); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				return fmt.Errorf("seeding %s: %w", what, err)
			}
		}
		logf("  seeded %d %s in %s", n, what, time.Since(started).Round(time.Millisecond))
		return nil
	}

	joined := now.Add(-400 * 24 * time.Hour)
	if err := batch(sz.Mentors, "mentors", func(q *store.Q, i int) error {
		u := &domain.User{Username: fmt.Sprintf("mentor%04d", i), Email: fmt.Sprintf("mentor%04d@example.com", i),
			FirstName: firstNames[i%len(firstNames)], LastName: lastNames[(i/len(firstNames))%len(lastNames)],
			Timezone: "UTC", IsActive: true, IsMentor: true, DateJoined: joined}
		if err := q.CreateUser(ctx, u); err != nil {
			return err
		}
		mentorIDs[i] = u.ID
		users = append(users, u)
		skills := []string{skillNames[i%len(skillNames)], skillNames[(i*7+3)%len(skillNames)], skillNames[(i*13+5)%len(skillNames)]}
		skills = dedupe(skills)
		return q.CreateMentor(ctx, &domain.Mentor{UserID: u.ID, AboutMe: fmt.Sprintf("Engineer for %d years; happy to help with %s.", 3+i%15, skills[0]),
			TeamNumber: i % 40, Skills: skills, CreatedAt: joined, UpdatedAt: joined})
	}); err != nil {
		return nil, err
	}
	if err := batch(sz.Mentees, "mentees", func(q *store.Q, i int) error {
		u := &domain.User{Username: fmt.Sprintf("mentee%04d", i), Email: fmt.Sprintf("mentee%04d@example.com", i),
			FirstName: firstNames[(i+5)%len(firstNames)], LastName: lastNames[(i/3)%len(lastNames)],
			Timezone: "UTC", IsActive: true, IsMentee: true, DateJoined: joined}
		if err := q.CreateUser(ctx, u); err != nil {
			return err
		}
		menteeIDs[i] = u.ID
		users = append(users, u)
		return q.CreateMentee(ctx, &domain.Mentee{UserID: u.ID, TeamNumber: i % 40, CreatedAt: joined, UpdatedAt: joined})
	}); err != nil {
		return nil, err
	}

	// Availability and the upcoming sessions. Mentor i's chunk d is on day
	// d+1 at hour 8+i%10; mentors sharing an hour have distinct i, so the
	// mentee (i+37d) mod Mentees of each booking is free at that time.
	perMentor := sz.Chunks / sz.Mentors
	menteeAt := func(i, d int) int { return (i + 37*d) % sz.Mentees }
	if err := batch(sz.Mentors, "mentors' availability and upcoming sessions", func(q *store.Q, i int) error {
		list := make([]*domain.Availability, perMentor)
		for d := range list {
			start := now.Truncate(24 * time.Hour).Add(time.Duration(d+1)*24*time.Hour + time.Duration(8+i%10)*time.Hour)
			list[d] = &domain.Availability{MentorID: mentorIDs[i], Start: start, End: start.Add(30 * time.Minute), CreatedAt: joined}
		}
		if err := q.CreateAvailabilities(ctx, list); err != nil {
			return err
		}
		for d, a := range list {
			mentee := menteeAt(i, d)
			if d%2 == 1 {
				fx.FreeSlots = append(fx.FreeSlots, slot{Mentee: mentee, AvailabilityID: a.ID, Start: a.Start})
				continue
			}
			status := domain.StatusPending
			if d%4 == 0 {
				status = domain.StatusConfirmed
			}
			id := a.ID
			if err := q.CreateSession(ctx, &domain.Session{MentorID: mentorIDs[i], MenteeID: menteeIDs[mentee], AvailabilityID: &id,
				Start: a.Start, End: a.End, Length: 30, Status: status, CreatedAt: now, ModifiedAt: now}); err != nil {
				return err
			}
			fx.upcomingBooks++
		}
		return nil
	}); err != nil {
		return nil, err
	}

	// Past sessions: session k of mentor i is (k*Mentors+i+1) half-hours
	// ago, a time no other session has.
	past := max(sz.Sessions-fx.upcomingBooks, 0)
	if err := batch(past, "past sessions", func(q *store.Q, n int) error {
		i, k := n%sz.Mentors, n/sz.Mentors
		start := now.Add(-time.Duration(k*sz.Mentors+i+1) * 30 * time.Minute)
		status := domain.StatusCompleted
		switch n % 10 {
		case 0, 1:
			status = domain.StatusCanceled
		case 2:
			status = domain.StatusConfirmed
		}
		return q.CreateSession(ctx, &domain.Session{MentorID: mentorIDs[i], MenteeID: menteeIDs[(i*13+k*7)%sz.Mentees],
			Start: start, End: start.Add(30 * time.Minute), Length: 30, Status: status, CreatedAt: start.Add(-72 * time.Hour), ModifiedAt: start})
	}); err != nil {
		return nil, err
	}
	fx.pastSessions = past

	// Group sessions: five seats taken by mentees 5g..5g+4; the scenario's
	// seats are the next mentees, so no pair is ever booked twice.
	const capacity, taken = 30, 5
	if err := batch(sz.Groups, "group sessions", func(q *store.Q, g int) error {
		field := skillNames[g%len(skillNames)]
		start := now.Add(time.Duration(24+g%(24*30)) * time.Hour)
		gs := &domain.GroupSession{CreatorID: mentorIDs[g%sz.Mentors], Title: fmt.Sprintf("%s study group #%d", field, g),
			Description: "Bring your questions; we work through them together.", Field: &field, Start: start,
			Capacity: capacity, Status: "upcoming", CreatedAt: now, UpdatedAt: now}
		if err := q.CreateGroupSession(ctx, gs); err != nil {
			return err
		}
		for k := 0; k < taken; k++ {
			mentee := (g*taken + k) % sz.Mentees
			if err := q.AddParticipant(ctx, &domain.Participant{SessionID: gs.ID, UserID: menteeIDs[mentee], Role: "student", JoinedAt: now}); err != nil {
				return err
			}
			if ok, err := q.TakeSeat(ctx, gs.ID, now); err != nil || !ok {
				return fmt.Errorf("seat %d of group %d: %v", k, g, err)
			}
		}
		for k := taken; k < capacity && k-taken < sz.Mentees-taken; k++ {
			fx.FreeSeats = append(fx.FreeSeats, seat{Mentee: (g*taken + k) % sz.Mentees, GroupID: gs.ID})
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := st.Tx(ctx, func(q *store.Q) error { return q.Analyze(ctx) }); err != nil {
		return nil, err
	}

	// Credentials, issued by the same code and secret the server uses.
	acc := accounts.New(st, clock.System{}, notify.NewOutbox(secret), &media.Store{Root: "."}, secret)
	started := time.Now()
	for _, u := range users {
		if u.IsMentor && len(fx.MentorTokens) >= 256 {
			continue
		}
		tok, err := acc.Token(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("token of %s: %w", u.Username, err)
		}
		if u.IsMentor {
			fx.MentorTokens = append(fx.MentorTokens, tok)
			continue
		}
		access, _, err := acc.IssueJWT(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		fx.MenteeTokens = append(fx.MenteeTokens, tok)
		fx.MenteeJWTs = append(fx.MenteeJWTs, access)
	}
	logf("  issued %d tokens in %s", len(fx.MentorTokens)+len(fx.MenteeTokens), time.Since(started).Round(time.Millisecond))
	// The login scenario's account, hashed at the default (production) cost.
	fx.LoginUser, fx.LoginPassword = "loadlogin", "Load-kit-pw-"+secret[:8]
	email := fx.LoginUser + "@example.com"
	if _, err := acc.SignUp(ctx, accounts.SignUp{Username: &fx.LoginUser, Email: &email, Password: &fx.LoginPassword}); err != nil {
		return nil, fmt.Errorf("the login account: %w", err)
	}
	rng.Shuffle(len(fx.FreeSlots), func(i, j int) { fx.FreeSlots[i], fx.FreeSlots[j] = fx.FreeSlots[j], fx.FreeSlots[i] })
	rng.Shuffle(len(fx.FreeSeats), func(i, j int) { fx.FreeSeats[i], fx.FreeSeats[j] = fx.FreeSeats[j], fx.FreeSeats[i] })
	return fx, nil
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

var firstNames = []string{"Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Alan", "Radia",
	"Guido", "Katherine", "Bjarne", "Hedy", "Rob", "Joan", "Edsger", "Lynn", "Donald", "Shafi"}

var lastNames = []string{"Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Turing", "Perlman",
	"van Rossum", "Johnson", "Stroustrup", "Lamarr", "Pike", "Clarke", "Dijkstra", "Conway", "Knuth", "Goldwasser"}
