package momentors_test

import (
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

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
		seedMentors(t, s, 0, 3, 0, true)
		small := map[string]int64{}
		for _, p := range paths {
			small[p], _ = count(p)
		}
		seedMentors(t, s, 3, 200, 0, true)
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
