package store_test

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

// TestViolationsNameTheirRules: a write the database refuses comes back as
// the domain rule it broke, on both engines, whichever statement (an INSERT
// read through RETURNING, or an exec) carried it.
func TestViolationsNameTheirRules(t *testing.T) {
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := time.Date(2030, 1, 15, 9, 0, 0, 0, time.UTC)
		tx := func(fn func(q *store.Q) error) error { return s.Tx(ctx, fn) }
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		want := func(what string, err error, rule domain.Rule) {
			t.Helper()
			storetest.ExpectViolation(t, what, err, rule)
		}
		phone := "+12125550101"
		user := func(name string, phone *string) *domain.User {
			return &domain.User{Username: name, Email: name + "@example.com", PhoneNumber: phone, Timezone: "UTC", IsActive: true, DateJoined: now}
		}
		ann, bob, cid := user("ann", &phone), user("bob", nil), user("cid", nil)
		for _, u := range []*domain.User{ann, bob, cid} {
			must(tx(func(q *store.Q) error { return q.CreateUser(ctx, u) }))
		}

		want("same username", tx(func(q *store.Q) error {
			u := user("ann", nil)
			u.Email = "other@example.com"
			return q.CreateUser(ctx, u)
		}), domain.RuleUniqueUsername)
		want("same e-mail in another case", tx(func(q *store.Q) error {
			u := user("dan", nil)
			u.Email = "ANN@example.com"
			return q.CreateUser(ctx, u)
		}), domain.RuleUniqueEmail)
		want("same phone number", tx(func(q *store.Q) error { return q.CreateUser(ctx, user("eve", &phone)) }), domain.RuleUniquePhone)
		want("an update to a taken username", tx(func(q *store.Q) error {
			b := *bob
			b.Username = "ann"
			return q.UpdateUser(ctx, &b)
		}), domain.RuleUniqueUsername)

		mentor := &domain.Mentor{UserID: ann.ID, CreatedAt: now, UpdatedAt: now}
		must(tx(func(q *store.Q) error { return q.CreateMentor(ctx, mentor) }))
		want("a second mentor profile", tx(func(q *store.Q) error { return q.CreateMentor(ctx, mentor) }), domain.RuleOneMentorProfile)
		mentee := &domain.Mentee{UserID: bob.ID, CreatedAt: now, UpdatedAt: now}
		must(tx(func(q *store.Q) error { return q.CreateMentee(ctx, mentee) }))
		want("a second mentee profile", tx(func(q *store.Q) error { return q.CreateMentee(ctx, mentee) }), domain.RuleOneMenteeProfile)

		g := &domain.GroupSession{CreatorID: ann.ID, Title: "Go", Start: now.Add(24 * time.Hour), Capacity: 5, Status: domain.GroupUpcoming, CreatedAt: now, UpdatedAt: now}
		must(tx(func(q *store.Q) error { return q.CreateGroupSession(ctx, g) }))
		seat := func() *domain.Participant {
			return &domain.Participant{SessionID: g.ID, UserID: bob.ID, Role: "student", JoinedAt: now}
		}
		must(tx(func(q *store.Q) error { return q.AddParticipant(ctx, seat()) }))
		want("a second seat", tx(func(q *store.Q) error { return q.AddParticipant(ctx, seat()) }), domain.RuleOneSeat)

		contact := func(email string) *domain.Contact {
			return &domain.Contact{OwnerID: ann.ID, FirstName: "John", LastName: "Smith", Email: email, CreatedAt: now, UpdatedAt: now}
		}
		john, jane := contact("john@example.com"), contact("jane@example.com")
		must(tx(func(q *store.Q) error { return q.CreateContact(ctx, john) }))
		must(tx(func(q *store.Q) error { return q.CreateContact(ctx, jane) }))
		want("a contact with a taken e-mail", tx(func(q *store.Q) error { return q.CreateContact(ctx, contact("JOHN@example.com")) }), domain.RuleUniqueContactEmail)

		cal := &domain.Calendar{OwnerID: ann.ID, Name: "Interviews", Deadline: now.Add(48 * time.Hour), MeetingLength: 30, Timezone: "UTC", CreatedAt: now, UpdatedAt: now}
		must(tx(func(q *store.Q) error { return q.CreateCalendar(ctx, cal) }))
		invite := func(k *domain.Contact, hash string) *domain.Invitation {
			return &domain.Invitation{CalendarID: cal.ID, ContactID: k.ID, TokenHash: hash, TokenSeed: hash, CreatedAt: now}
		}
		must(tx(func(q *store.Q) error { return q.CreateInvitation(ctx, invite(john, "h1")) }))
		want("a second invitation", tx(func(q *store.Q) error { return q.CreateInvitation(ctx, invite(john, "h2")) }), domain.RuleOneInvitation)

		// A unique key behind no domain rule is still a conflict, of no rule.
		err := tx(func(q *store.Q) error { return q.CreateInvitation(ctx, invite(jane, "h1")) })
		var v *errs.Violation
		if !errors.As(err, &v) || v.Rule != "" || errs.KindOf(err) != errs.KindConflict {
			t.Errorf("a token hash used twice: got %v (kind %v), want a violation of no rule", err, errs.KindOf(err))
		}

		if s.Engine() != store.Postgres {
			return // the overlap rules are exclusion constraints, on PostgreSQL only
		}
		span := func() *domain.Availability {
			return &domain.Availability{MentorID: ann.ID, Start: now.Add(time.Hour), End: now.Add(3 * time.Hour), CreatedAt: now}
		}
		must(tx(func(q *store.Q) error { return q.CreateAvailabilities(ctx, []*domain.Availability{span()}) }))
		want("overlapping availability", tx(func(q *store.Q) error {
			a := span()
			a.Start, a.End = a.Start.Add(time.Hour), a.End.Add(time.Hour)
			return q.CreateAvailabilities(ctx, []*domain.Availability{a})
		}), domain.RuleNoAvailabilityOverlap)

		session := func(mentor, mentee *domain.User) *domain.Session {
			return &domain.Session{MentorID: mentor.ID, MenteeID: mentee.ID, Start: now.Add(time.Hour), End: now.Add(2 * time.Hour),
				Length: 60, Status: domain.StatusPending, CreatedAt: now, ModifiedAt: now}
		}
		must(tx(func(q *store.Q) error { return q.CreateSession(ctx, session(ann, bob)) }))
		want("the mentor booked twice", tx(func(q *store.Q) error { return q.CreateSession(ctx, session(ann, cid)) }), domain.RuleNoMentorSessionsOverlap)
		want("the mentee booked twice", tx(func(q *store.Q) error { return q.CreateSession(ctx, session(cid, bob)) }), domain.RuleNoMenteeSessionsOverlap)
	})
}

// TestUnreachableDatabaseIsUnavailable: once PostgreSQL cannot be reached,
// reads, transactions and pings fail with KindUnavailable, the driver's
// error kept as the cause.
func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		if e != store.Postgres {
			t.Skip("an embedded SQLite file cannot become unreachable")
		}
		p, proxied := storetest.ViaProxy(t, storetest.URL(t, e))
		viaProxy, err := url.Parse(proxied)
		if err != nil {
			t.Fatal(err)
		}
		q := viaProxy.Query()
		q.Set("connect_timeout", "2")
		viaProxy.RawQuery = q.Encode()
		s := storetest.OpenURL(t, viaProxy.String())
		ctx := t.Context()
		if _, err := s.ListUsers(ctx); err != nil {
			t.Fatal(err)
		}

		p.Cut()
		for what, err := range map[string]error{
			"a read":        func() error { _, err := s.UserByID(ctx, 1); return err }(),
			"a list":        func() error { _, err := s.ListUsers(ctx); return err }(),
			"a transaction": s.Tx(ctx, func(q *store.Q) error { _, err := q.UserByID(ctx, 1); return err }),
			"a ping":        s.Ping(ctx),
		} {
			if errs.KindOf(err) != errs.KindUnavailable || errors.Unwrap(err) == nil {
				t.Errorf("%s: got %v (kind %v), want KindUnavailable with its cause", what, err, errs.KindOf(err))
			}
		}
	})
}

// An SQLite file that cannot be opened because of its directory says so;
// the driver's own "unable to open database file" does not.
func TestSQLiteOpenNamesTheDirectory(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	os.WriteFile(notDir, nil, 0o600)
	for path, want := range map[string]string{
		filepath.Join(dir, "missing", "mentord.db"): "does not exist",
		filepath.Join(notDir, "mentord.db"):         "is not a directory",
	} {
		st, err := store.Open(t.Context(), "sqlite:"+path)
		if err == nil {
			st.Close()
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", path, err)
		}
	}
}
