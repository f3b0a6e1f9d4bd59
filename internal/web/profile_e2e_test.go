package web_test

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/mentord/mentord/internal/app/apptest"
)

// TestProfileJourney: a new user edits their names and time zone, uploads
// a photo (seen before and after the upload), switches an e-mail off, and
// the APIs say the same.
func TestProfileJourney(t *testing.T) {
	journey(t, apptest.Options{}, func(t *testing.T, s *apptest.Server, j *chromium) {
		photo := filepath.Join(t.TempDir(), "me.png")
		if err := os.WriteFile(photo, pngImage(t, 120, 120, color.RGBA{20, 90, 160, 255}), 0o644); err != nil {
			t.Fatal(err)
		}
		const password = "Pr0file-Journey!"

		tab := j.tab()
		tab.Open(s.URL + "/app/signup")
		tab.Fill("#f-username", "bea")
		tab.Fill("#f-email", "bea@example.org")
		tab.Fill("#f-password", password)
		tab.Fill("#f-re_password", password)
		tab.Fill("#f-timezone", "UTC")
		tab.ClickButton("Create account")
		tab.WaitText("Welcome to mentord")

		tab.Open(s.URL + "/app/profile")
		tab.Fill("#f-first_name", "Bea")
		tab.Fill("#f-last_name", "Bauer")
		tab.Fill("#f-timezone", "America/Toronto")
		tab.ClickButton("Save your details")
		tab.WaitText("Your profile is saved.", "Times are shown in America/Toronto")

		// The chosen photo is shown before it is uploaded.
		tab.UploadFile("#f-profile_photo", photo)
		if src := tab.Attr("#photo-preview", "src"); !strings.HasPrefix(src, "blob:") || tab.Exists("#photo-preview[hidden]") {
			t.Fatalf("no preview: src %q", src)
		}
		tab.ClickButton("Upload the photo")
		tab.WaitText("Your new photo is saved.")
		loaded, err := chromedp.Run(tab.Context(), chromedp.Evaluate[bool](`(() => { const i = document.getElementById("current-photo"); return !!i && i.complete && i.naturalWidth > 0; })()`))
		if err != nil || !loaded {
			t.Fatalf("the current photo is not shown (%v); the page says:\n%s", err, tab.Text())
		}
		j.check(tab, "profile")

		tab.Open(s.URL + "/app/profile/notifications")
		tab.Click(`input[name="sixty_minute_alert"]`)
		tab.ClickButton("Save the settings")
		tab.WaitText("Your notification settings are saved.")
		j.check(tab, "profile-notifications")

		// The calendar feed: made, shown for copying.
		tab.ClickButton("Make my calendar feed")
		tab.WaitText("Your calendar feed is ready.")
		if v := tab.Attr("#feed-url", "value"); !strings.HasPrefix(v, s.URL+"/feed/") {
			t.Fatalf("feed address %q", v)
		}
		j.check(tab, "profile-calendar-feed")

		var tok struct {
			AuthToken string `json:"auth_token"`
		}
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "bea", "password": password}).Do().Expect(200).Decode(&tok)
		p := s.Get("/myprofile/").Token(tok.AuthToken).Do().Expect(200).Obj()
		if p["first_name"] != "Bea" || p["last_name"] != "Bauer" || p["timezone"] != "America/Toronto" || p["profile_photo"] == nil {
			t.Fatalf("/myprofile/ after the journey: %v", p)
		}
		n := s.Get(fmt.Sprintf("/notificationsettings/%d/", int(p["pk"].(float64)))).Token(tok.AuthToken).Do().Expect(200).Obj()
		if n["sixty_minute_alert"] != false || n["fifteen_minute_alert"] != true || n["session_requested"] != true ||
			n["session_confirmed"] != true || n["session_canceled"] != true {
			t.Fatalf("notification settings over the API: %v", n)
		}

		// A name with no place to break (or a long e-mail address) wraps on
		// a phone instead of widening the page past the screen.
		tab.Open(s.URL + "/app/profile")
		tab.Fill("#f-last_name", strings.Repeat("W", 60))
		tab.ClickButton("Save your details")
		tab.WaitText("Your profile is saved.")
		tab.SetViewport(390, 844)
		for _, path := range []string{"/app/profile", "/app/sessions", "/app/groups"} {
			tab.Open(s.URL + path)
			wide, err := chromedp.Run(tab.Context(), chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
			if err != nil || wide > 0 {
				t.Errorf("%s on a phone: %d px wider than the screen (%v)", path, wide, err)
			}
		}
	})
}

// TestPasswordResetJourney: a user who forgot their password asks for the
// link in the browser, opens it from the e-mail, is refused a weak password
// next to the field, sets a good one, and logs in with it; the link does not
// work twice.
func TestPasswordResetJourney(t *testing.T) {
	journey(t, apptest.Options{}, func(t *testing.T, s *apptest.Server, j *chromium) {
		s.SignUp("ann")
		const password = "An0ther-Secret!"

		tab := j.tab()
		tab.Open(s.URL + "/app/login")
		tab.Click(`a[href="/app/password/forgot"]`)
		tab.WaitText("Forgot your password?")
		tab.Fill("#f-email", "ann@example.com")
		tab.ClickButton("Send the link")
		tab.WaitText("is on its way")

		link := resetLink(s)
		if !strings.HasPrefix(link, s.URL+"/app/") {
			t.Fatalf("the e-mail's link %q does not open the web app", link)
		}
		tab.Open(link)
		tab.WaitText("Choose a new password")
		tab.Fill("#f-new_password", "12345678")
		tab.Fill("#f-re_new_password", "12345678")
		tab.ClickButton("Set the password")
		if !tab.Exists("#e-new_password") {
			t.Fatalf("a weak password is not refused next to its field; the page says:\n%s", tab.Text())
		}
		tab.Fill("#f-new_password", password)
		tab.Fill("#f-re_new_password", password)
		tab.ClickButton("Set the password")
		tab.WaitText("Your password is changed")
		j.check(tab, "")

		j.submitLogIn(tab, "ann", password)
		tab.WaitText("Log out")

		again := j.tab()
		again.Open(link)
		again.WaitText("does not work any more")
	})
}
