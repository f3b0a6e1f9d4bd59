package web_test

import (
	"fmt"
	"image/color"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

var photoSrcRE = regexp.MustCompile(`<img class="photo" src="([^"]+)" alt="Your current photo"`)

func TestProfilePage(t *testing.T) {
	eachEngine(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		ann := s.SignUp("ann")
		b := newBrowser(t, s)
		// Strangers are sent to log in, and come back.
		if status, body := b.get("/app/profile"); status != 200 || title(body) != "Log in · mentord" || !strings.Contains(body, `value="/app/profile"`) {
			t.Fatalf("profile for a stranger: %d %q", status, title(body))
		}
		webLogin(t, b, "ann", apptest.Password)
		status, body := b.get("/app/profile")
		if status != 200 || title(body) != "Your profile · mentord" || strings.Count(body, "<h1") != 1 {
			t.Fatalf("profile: %d %q", status, title(body))
		}
		mustContain(t, "profile page", body,
			`action="/app/profile"`, `name="first_name"`, `name="last_name"`, `name="email"`, `value="ann@example.com"`, `name="phone_number"`,
			`name="timezone"`, `list="zones"`, `<datalist id="zones">`, `<option value="America/Toronto">`,
			`name="is_mentor"`, `name="is_mentee"`,
			`action="/app/profile/photo" enctype="multipart/form-data"`, `type="file"`, `data-preview="photo-preview"`,
			`action="/app/profile/password"`, `name="current_password"`, `name="new_password"`, `name="re_new_password"`,
			`href="/app/profile/notifications"`)
		if strings.Contains(body, "Remove the photo") {
			t.Error("a way to remove a photo that is not there")
		}

		// Each bad field is told next to it; what was typed stays.
		status, body = b.post("/app/profile", url.Values{"first_name": {"Ann"}, "last_name": {"Lee"}, "email": {"not-mail"},
			"phone_number": {"12"}, "timezone": {"Mars/Olympus"}, "is_mentee": {"on"}})
		if status != 400 {
			t.Fatalf("bad profile: %d", status)
		}
		mustContain(t, "bad profile", body, `id="e-email"`, `id="e-timezone"`, `id="e-phone_number"`, `value="Mars/Olympus"`, `value="Lee"`)
		if strings.Contains(body, `id="e-first_name"`) {
			t.Error("a good field is marked wrong")
		}
		// An emptied time zone is asked for, not told as the choice "".
		expectPost(t, b, "/app/profile", url.Values{"first_name": {"Ann"}, "email": {"ann@example.com"}, "timezone": {" "}, "is_mentee": {"on"}}, 400,
			`id="e-timezone">Please fill this in.</p>`)

		// A good one is saved: the API shows it. The roles are both sent.
		status, body = b.post("/app/profile", url.Values{"first_name": {"Ann"}, "last_name": {"Lee"}, "email": {"ann@example.org"},
			"phone_number": {"+1 416 555 0100"}, "timezone": {"America/Toronto"}, "is_mentor": {"on"}})
		if status != 200 || !strings.Contains(body, "Your profile is saved") || !strings.Contains(body, `value="Ann"`) || !strings.Contains(body, "America/Toronto") {
			t.Fatalf("save profile: %d\n%s", status, body)
		}
		p := s.Get("/myprofile/").Token(ann.Token).Do().Expect(200).Obj()
		if p["first_name"] != "Ann" || p["last_name"] != "Lee" || p["email"] != "ann@example.org" || p["timezone"] != "America/Toronto" ||
			p["is_mentor"] != true || p["is_mentee"] != false || p["phone_number"] != "+14165550100" {
			t.Fatalf("profile over the API: %v", p)
		}

		// Refused next to the field: a file that is not an image, one too
		// large for the form, no file chosen.
		for _, refused := range []struct {
			what, field, file, contentType string
			data                           []byte
			status                         int
			want                           []string
		}{
			{"a text file as photo", "profile_photo", "notes.txt", "text/plain", []byte("not an image at all"), 400,
				[]string{`id="e-profile_photo">Upload a valid image`, `aria-invalid="true"`}},
			{"a photo of 7 MB", "profile_photo", "big.png", "image/png", make([]byte, 7<<20), 413, []string{`id="e-profile_photo">The image is too large`}},
			{"no photo", "other", "x.png", "image/png", nil, 400, []string{`id="e-profile_photo"`}},
		} {
			status, body := b.postFile("/app/profile/photo", refused.field, refused.file, refused.contentType, refused.data)
			expectAnswer(t, refused.what, status, body, refused.status, refused.want...)
		}
		// A photo is saved and shown, served where the API says it is.
		status, body = b.postFile("/app/profile/photo", "profile_photo", "me.png", "image/png", pngImage(t, 40, 40, color.RGBA{200, 30, 30, 255}))
		m := photoSrcRE.FindStringSubmatch(body)
		if status != 200 || m == nil || !strings.Contains(body, "Your new photo is saved") || !strings.Contains(body, "Remove the photo") {
			t.Fatalf("upload: %d\n%s", status, body)
		}
		p = s.Get("/myprofile/").Token(ann.Token).Do().Expect(200).Obj()
		if p["profile_photo"] != m[1] || !strings.HasPrefix(m[1], s.URL+"/media/") {
			t.Fatalf("photo URL %q on the page, %v on the API", m[1], p["profile_photo"])
		}
		if res, err := http.Get(m[1]); err != nil || res.StatusCode != 200 {
			t.Fatalf("the photo is not served: %v %v", res, err)
		} else {
			res.Body.Close()
		}
		status, body = b.post("/app/profile/photo/remove", nil)
		if status != 200 || !strings.Contains(body, "Your photo is removed") || photoSrcRE.MatchString(body) {
			t.Fatalf("remove: %d", status)
		}
		if p := s.Get("/myprofile/").Token(ann.Token).Do().Expect(200).Obj(); p["profile_photo"] != nil {
			t.Fatalf("photo after removal: %v", p["profile_photo"])
		}
	})
}

func TestChangePasswordKeepsThisBrowserSignedIn(t *testing.T) {
	eachEngine(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		s.SignUp("ann")
		b, other := newBrowser(t, s), newBrowser(t, s)
		webLogin(t, b, "ann", apptest.Password)
		webLogin(t, other, "ann", apptest.Password)

		form := func(current, password, again string) url.Values {
			return url.Values{"current_password": {current}, "new_password": {password}, "re_new_password": {again}}
		}
		for _, refused := range []struct {
			form url.Values
			want string
		}{
			{form("wrong-one-1", "An0ther-Secret!", "An0ther-Secret!"), `id="e-current_password"`},
			{form(apptest.Password, "123", "123"), `id="e-new_password"`},
			{form(apptest.Password, "An0ther-Secret!", "An0ther-Secret!x"), `class="errors"`}, // a mismatch
		} {
			expectPost(t, b, "/app/profile/password", refused.form, 400, refused.want)
		}
		status, body := b.post("/app/profile/password", form(apptest.Password, "An0ther-Secret!", "An0ther-Secret!"))
		if status != 200 || title(body) != "Your profile · mentord" || !strings.Contains(body, "Your password is changed") {
			t.Fatalf("change: %d %q", status, title(body))
		}
		// This browser stays signed in (a new sign-in); the other one is out.
		if _, body := b.get("/app/profile"); title(body) != "Your profile · mentord" {
			t.Fatalf("after the change, this browser sees %q", title(body))
		}
		if _, body := other.get("/app/profile"); title(body) != "Log in · mentord" {
			t.Fatalf("after the change, another browser sees %q", title(body))
		}
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "ann", "password": "An0ther-Secret!"}).Do().Expect(200)
	})
}

func TestNotificationSettingsPage(t *testing.T) {
	eachEngine(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		ann := s.SignUp("ann")
		b := newBrowser(t, s)
		if _, body := b.get("/app/profile/notifications"); title(body) != "Log in · mentord" {
			t.Fatalf("settings for a stranger: %q", title(body))
		}
		webLogin(t, b, "ann", apptest.Password)
		status, body := b.get("/app/profile/notifications")
		if status != 200 || title(body) != "E-mail notifications · mentord" {
			t.Fatalf("settings: %d %q", status, title(body))
		}
		names := []string{"session_requested", "session_confirmed", "session_canceled", "sixty_minute_alert", "fifteen_minute_alert"}
		for _, n := range names {
			if !strings.Contains(body, `<input type="checkbox" name="`+n+`" value="on" checked>`) {
				t.Errorf("no checked box %s", n)
			}
		}
		// Each switch names every e-mail it governs: a move, a seat from the
		// waitlist and a group session's cancellation included.
		mustContain(t, "the switches", body, "or moves one", "confirmed or moved, or a seat in a full group session becomes mine",
			"a group session I joined or wait for, is canceled")
		// Only the ticked boxes are sent; the others are switched off.
		status, body = b.post("/app/profile/notifications", url.Values{"session_confirmed": {"on"}, "fifteen_minute_alert": {"on"}})
		if status != 200 || !strings.Contains(body, "Your notification settings are saved") || strings.Count(body, " checked>") != 2 {
			t.Fatalf("save: %d\n%s", status, body)
		}
		got := s.Get(fmt.Sprintf("/notificationsettings/%d/", ann.ID)).Token(ann.Token).Do().Expect(200).Obj()
		want := map[string]bool{"session_requested": false, "session_confirmed": true, "session_canceled": false, "sixty_minute_alert": false, "fifteen_minute_alert": true}
		for n, on := range want {
			if got[n] != on {
				t.Errorf("%s = %v over the API, want %v", n, got[n], on)
			}
		}
	})
}

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
		if status, _ := b.postFromAnotherSite("/app/profile/calendar/revoke", ""); status != 403 || fetch(second) != 200 {
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
