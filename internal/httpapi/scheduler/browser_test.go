package scheduler_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestBrowserOpensTheWebAppsAnswerPage: a person whose e-mail links the
// API's respond route is sent to the web app's answer page; an API client
// at the same address still gets the invitation as JSON.
func TestBrowserOpensTheWebAppsAnswerPage(t *testing.T) {
	apptest.Each(t, apptest.Options{Now: t0}, func(t *testing.T, s *apptest.Server) {
		tok := owner(t, s, "olive")
		ann := contact(t, s, tok, "Ann")
		id := calendar(t, s, tok, ann)
		link := strings.TrimPrefix(links(t, s.SMTP.Wait(1, 10*time.Second))["ann@guests.example"], s.URL)
		token := strings.Split(strings.TrimSuffix(link, "/"), "/")[5]

		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		req, _ := http.NewRequest("GET", s.URL+link, nil)
		req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
		res, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		want := fmt.Sprintf("/app/respond/%d/%s", id, token)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want || !strings.Contains(res.Header.Get("Vary"), "Accept") {
			t.Fatalf("a browser at %s: %d to %q (Vary %q), want 303 to %s", link, res.StatusCode, res.Header.Get("Location"), res.Header.Get("Vary"), want)
		}
		// Followed, it is the answer page.
		req.Header.Set("Accept", "text/html")
		if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 || res.Request.URL.Path != want ||
			!strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("following the redirect: %v %v", res, err)
		} else {
			res.Body.Close()
		}
		// API clients, with or without an Accept header, get JSON.
		if v := s.Get(link).Do().Expect(200).Obj(); v["name"] != "C" {
			t.Fatalf("API view: %v", v)
		}
		if v := s.Get(link).Header("Accept", "application/json").Do().Expect(200).Obj(); v["name"] != "C" {
			t.Fatalf("API view: %v", v)
		}
		// A calendar id that is not a number is the API's 404 for everyone.
		s.Get("/schedules/calendars/x/respond/"+token+"/").Header("Accept", "text/html").Do().Expect(404)
	})
}
