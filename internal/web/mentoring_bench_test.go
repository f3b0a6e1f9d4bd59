package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

// BenchmarkMentorDirectoryPage renders the mentor directory over 1,000
// mentors through the real handler (HTTP on loopback, the sign-in cookie,
// the templates): page 1 of everyone, and a search by skill.
//
//	go test ./internal/web -run '^$' -bench MentorDirectory -benchmem
//
// with MENTORD_TEST_POSTGRES_URL set for the PostgreSQL run.
func BenchmarkMentorDirectoryPage(b *testing.B) {
	apptest.Each(b, apptest.Options{Now: mentoringNow, NoWorker: true}, func(b *testing.B, s *apptest.Server) {
		seedMentors(b, s, 1000)
		viewer := s.SignUp("viewer")
		ctx := context.Background()
		u, err := s.App.Accounts.User(ctx, viewer.ID)
		if err != nil {
			b.Fatal(err)
		}
		cookie, err := s.App.Accounts.StartWebSession(ctx, u)
		if err != nil {
			b.Fatal(err)
		}
		get := func(b *testing.B, path string) string {
			req, _ := http.NewRequest("GET", s.URL+path, nil)
			req.Header.Set("Accept", "text/html")
			req.AddCookie(&http.Cookie{Name: "mentord_session", Value: cookie})
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Fatalf("GET %s: %d", path, res.StatusCode)
			}
			b.SetBytes(int64(len(body)))
			return string(body)
		}
		for _, page := range []struct{ name, path, want string }{
			{"page1", "/app/mentors", "1000 mentors; page 1 of 50"},
			{"skill", "/app/mentors?skill=skill7", "25 mentors match; page 1 of 2"},
		} {
			b.Run(page.name, func(b *testing.B) {
				if body := get(b, page.path); !strings.Contains(body, page.want) || strings.Count(body, `class="card mentor-card"`) != 20 {
					b.Fatalf("GET %s does not show %q and 20 mentors:\n%s", page.path, page.want, body)
				}
				for b.Loop() {
					get(b, page.path)
				}
			})
		}
	})
}
