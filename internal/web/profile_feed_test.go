package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

var feedURLRE = regexp.MustCompile(`<input id="feed-url" class="feed-url" type="text" value="([^"]+)" readonly`)

// TestCalendarFeedSection: the notifications page makes, shows, replaces
// and turns off the calendar feed, whose address then works (or not) with
// no sign-in.
func TestCalendarFeedSection(t *testing.T) {
	eachEngine(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		ann := s.SignUp("ann")
		b := newBrowser(t, s)
		if status, body := b.post("/app/profile/calendar", nil); status != 200 || title(body) != "Log in · mentord" {
			t.Fatalf("making a feed signed out: %d %q", status, title(body))
		}
		webLogin(t, b, "ann", apptest.Password)
		_, body := b.get("/app/profile/notifications")
		mustContain(t, "no feed", body, `<h2 id="calendar-feed">Calendar feed</h2>`, "You have no calendar feed yet.",
			`<form method="post" action="/app/profile/calendar" class="actions">`, "Make my calendar feed")
		if strings.Contains(body, `id="feed-url"`) {
			t.Error("an address before there is a feed")
		}
		_, profile := b.get("/app/profile")
		mustContain(t, "profile", profile, `href="/app/profile/notifications#calendar-feed"`)

		feedAddress := func(body string) string {
			t.Helper()
			m := feedURLRE.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("no feed address on the page:\n%s", body)
			}
			return m[1]
		}
		fetch := func(u string) int {
			return s.Get(strings.TrimPrefix(u, s.URL)).Do().Status
		}

		status, body := b.post("/app/profile/calendar", url.Values{})
		if status != 200 || title(body) != "E-mail notifications · mentord" {
			t.Fatalf("make: %d %q", status, title(body))
		}
		first := feedAddress(body)
		mustContain(t, "made", body, "Your calendar feed is ready.", `href="webcal://`+strings.TrimPrefix(first, "http://")+`"`,
			"Replace the address", "Turn the feed off", "Google Calendar", "Thunderbird")
		if !strings.HasPrefix(first, s.URL+"/feed/") || !strings.HasSuffix(first, ".ics") || fetch(first) != 200 {
			t.Fatalf("address %s", first)
		}
		// The API shows the same address.
		if got := s.Get("/v2/calendarfeed/").As(ann).Do().Expect(200).Obj()["url"]; got != first {
			t.Errorf("API shows %v, page %s", got, first)
		}
		// Shown again on the next visit.
		if _, body := b.get("/app/profile/notifications"); feedAddress(body) != first {
			t.Error("the address changed on a second visit")
		}

		_, body = b.post("/app/profile/calendar", url.Values{})
		second := feedAddress(body)
		mustContain(t, "replaced", body, "Your calendar feed has a new address. The old one no longer works")
		if second == first || fetch(first) != 404 || fetch(second) != 200 {
			t.Fatalf("replace: %s then %s (%d, %d)", first, second, fetch(first), fetch(second))
		}

		// A form from another site is refused and changes nothing.
		req, _ := http.NewRequest("POST", s.URL+"/app/profile/calendar/revoke", nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if status, _ := b.do(req); status != 403 || fetch(second) != 200 {
			t.Fatalf("cross-site revoke: %d", status)
		}

		_, body = b.post("/app/profile/calendar/revoke", url.Values{})
		mustContain(t, "revoked", body, "Your calendar feed is turned off.", "You have no calendar feed yet.")
		if fetch(second) != 404 {
			t.Error("the revoked address still works")
		}
		// Turning off a feed that is off is no error.
		if status, _ := b.post("/app/profile/calendar/revoke", url.Values{}); status != 200 {
			t.Errorf("revoking twice: %d", status)
		}
	})
}
