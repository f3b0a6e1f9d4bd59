package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		url := storetest.URL(t, e)
		ctx := t.Context()
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := store.Open(ctx, url)
				if err != nil {
					errs <- err
					return
				}
				defer s.Close()
				_, err = s.Migrate(ctx)
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		s := storetest.OpenURL(t, url)
		applied, err := s.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second migrate applied %v, err %v", applied, err)
		}
	})
}

func TestUserRoundTripAndUniqueKeys(t *testing.T) {
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		joined := time.Date(2026, 3, 1, 12, 30, 15, 123456000, time.UTC)
		phone := "+12125550101"
		u := &domain.User{Username: "ann", Email: "Ann@Example.com", Timezone: "UTC", IsActive: true, IsMentor: true, DateJoined: joined, PhoneNumber: &phone}
		if err := s.Tx(ctx, func(q *store.Q) error { return q.CreateUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		got, err := s.UserByEmail(ctx, "ann@example.COM")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || !got.DateJoined.Equal(joined) || !got.IsMentor || got.IsMentee || *got.PhoneNumber != phone || got.LastLogin != nil {
			t.Fatalf("round trip: %+v", got)
		}
		for _, tc := range []struct {
			user *domain.User
			rule domain.Rule
		}{
			{&domain.User{Username: "ann", Email: "other@example.com", DateJoined: joined}, domain.RuleUniqueUsername},
			{&domain.User{Username: "bob", Email: "ANN@example.com", DateJoined: joined}, domain.RuleUniqueEmail},
			{&domain.User{Username: "cid", Email: "c@example.com", PhoneNumber: &phone, DateJoined: joined}, domain.RuleUniquePhone},
		} {
			err := s.Tx(ctx, func(q *store.Q) error { return q.CreateUser(ctx, tc.user) })
			storetest.ExpectViolation(t, "creating "+tc.user.Username, err, tc.rule)
		}
		settings, err := s.NotificationSettingsOf(ctx, u.ID)
		if err != nil || !settings.SessionRequested || !settings.SixtyMinuteAlert {
			t.Fatalf("settings %+v, %v", settings, err)
		}
	})
}

func TestReadPoolRefusesWrites(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	err := s.CreateUser(t.Context(), &domain.User{Username: "x", DateJoined: time.Now()})
	if err == nil {
		t.Fatal("a write outside Tx succeeded on the read pool")
	}
}

// TestVersionCountsCommittedWrites: a cache keyed on Version sees each
// committed write to its tables, and no rolled-back one.
func TestVersionCountsCommittedWrites(t *testing.T) {
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		v0 := s.Version("users", "mentors")
		u := &domain.User{Username: "v", Email: "v@example.com", Timezone: "UTC", IsActive: true, DateJoined: time.Now()}
		if err := s.Tx(ctx, func(q *store.Q) error { return q.CreateUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		v1 := s.Version("users", "mentors")
		if v1 == v0 {
			t.Fatal("a committed insert did not change the version")
		}
		if s.Version("availabilities") != 0 {
			t.Fatal("an untouched table changed version")
		}
		boom := errors.New("boom")
		err := s.Tx(ctx, func(q *store.Q) error {
			u.FirstName = "Changed"
			if err := q.UpdateUser(ctx, u); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || s.Version("users", "mentors") != v1 {
			t.Fatalf("a rolled-back write changed the version: %v", err)
		}
	})
}
