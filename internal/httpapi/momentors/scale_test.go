package momentors_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/store"
)

// seedMentors adds n mentors with profiles straight into the store.
func seedMentors(t *testing.T, s *apptest.Server, from, n int) {
	t.Helper()
	ctx := context.Background()
	err := s.Store.Tx(ctx, func(q *store.Q) error {
		for i := from; i < from+n; i++ {
			u := &domain.User{Username: fmt.Sprintf("seed%d", i), Email: fmt.Sprintf("seed%d@example.com", i), Timezone: "UTC",
				IsActive: true, IsMentor: true, IsMentee: i%2 == 0, DateJoined: time.Now()}
			if err := q.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := q.CreateMentor(ctx, &domain.Mentor{UserID: u.ID, AboutMe: "seeded", Skills: []string{"Go", "SQL"}, CreatedAt: u.DateJoined, UpdatedAt: u.DateJoined}); err != nil {
				return err
			}
			if i%2 == 0 {
				if err := q.CreateMentee(ctx, &domain.Mentee{UserID: u.ID, CreatedAt: u.DateJoined, UpdatedAt: u.DateJoined}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestListQueriesDoNotGrowWithRows counts the SQL statements behind each
// list endpoint with few rows and with many.
func TestListQueriesDoNotGrowWithRows(t *testing.T) {
	apptest.Each(t, apptest.Options{NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		viewer := s.SignUp("viewer")
		count := func(path string) (int64, int) {
			before := s.Store.QueryCount()
			n := len(s.Get(path).Token(viewer.Token).Do().Expect(200).List())
			return s.Store.QueryCount() - before, n
		}
		paths := []string{"/mentor/", "/mentor/Go,sql/", "/mentee/", "/auth/users/"}
		seedMentors(t, s, 0, 3)
		small := map[string]int64{}
		for _, p := range paths {
			small[p], _ = count(p)
		}
		seedMentors(t, s, 3, 200)
		for _, p := range paths {
			q, rows := count(p)
			if q != small[p] {
				t.Errorf("%s: %d queries with few rows, %d with %d rows", p, small[p], q, rows)
			}
		}
		if _, rows := count("/mentor/"); rows != 203 {
			t.Fatalf("listed %d mentors", rows)
		}
	})
}
