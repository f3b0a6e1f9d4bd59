package momentors_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

func pngBytes(t *testing.T, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.NRGBA{200, 40, 40, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestProfilePatch(t *testing.T) {
	apptest.Each(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		u := s.SignUp("alice")
		s.Get("/myprofile/").Token(u.Token).Do().ExpectBody(200, `{"pk":1,"username":"alice","first_name":"","last_name":"","email":"alice@example.com",
			"phone_number":null,"profile_photo":null,"is_mentor":false,"is_mentee":false,"is_active":true,"timezone":"UTC"}`)

		// Multipart, as the web client sends it, with Python's "True".
		s.Patch("/myprofile/").Token(u.Token).Multipart(map[string]string{"first_name": "Alice", "last_name": "Mentor", "is_mentor": "True", "phone_number": "+1 212 555 0101"}).Do().
			ExpectBody(200, `{"pk":1,"username":"alice","first_name":"Alice","last_name":"Mentor","email":"alice@example.com",
			"phone_number":"+12125550101","profile_photo":null,"is_mentor":true,"is_mentee":false,"is_active":true,"timezone":"UTC"}`)
		// JSON with true, and a time zone.
		s.Patch("/myprofile").Token(u.Token).JSON(`{"is_mentee": true, "timezone": "Europe/Paris", "username": "cannot-change"}`).Do().Expect(200)
		// Lower-case "true" in a form works too (the original answered 500).
		res := s.Patch("/myprofile/").Token(u.Token).Multipart(map[string]string{"is_mentor": "false"}).Do().Expect(200).Obj()
		if res["is_mentor"] != false || res["is_mentee"] != true || res["timezone"] != "Europe/Paris" || res["username"] != "alice" {
			t.Fatalf("after patches: %v", res)
		}

		other := s.SignUp("bob")
		s.Patch("/myprofile/").Token(other.Token).JSON(map[string]string{"phone_number": "+12125550199"}).Do().Expect(200)
		for _, tc := range []struct {
			body map[string]any
			want string
		}{
			{map[string]any{"email": "not-an-email"}, `{"email":["Enter a valid email address."]}`},
			{map[string]any{"email": "BOB@example.com"}, `{"email":["user with this email already exists."]}`},
			{map[string]any{"phone_number": "555-CALL-NOW"}, `{"phone_number":["Enter a valid phone number."]}`},
			{map[string]any{"phone_number": "+12125550199"}, `{"phone_number":["user with this phone number already exists."]}`},
			{map[string]any{"is_mentor": "maybe"}, `{"is_mentor":["Must be a valid boolean."]}`},
			{map[string]any{"timezone": "Mars/Olympus"}, `{"timezone":["\"Mars/Olympus\" is not a valid choice."]}`},
			{map[string]any{"first_name": strings.Repeat("x", 76)}, `{"first_name":["Ensure this field has no more than 75 characters."]}`},
			{map[string]any{"first_name": []string{"a"}}, `{"first_name":["Not a valid string."]}`},
		} {
			s.Patch("/myprofile/").Token(u.Token).JSON(tc.body).Do().ExpectBody(400, tc.want)
		}
		// A failed PATCH changed nothing.
		got := s.Get("/myprofile/").Token(u.Token).Do().Expect(200).Obj()
		if got["email"] != "alice@example.com" || got["phone_number"] != "+12125550101" || got["first_name"] != "Alice" {
			t.Fatalf("profile changed by failed patches: %v", got)
		}
		// Clearing the phone number.
		s.Patch("/myprofile/").Token(u.Token).JSON(`{"phone_number": null}`).Do().Expect(200)
		if got := s.Get("/myprofile/").Token(u.Token).Do().Obj(); got["phone_number"] != nil {
			t.Fatalf("phone not cleared: %v", got)
		}
		// PUT needs the whole profile.
		s.Put("/myprofile/").Token(u.Token).JSON(map[string]string{"first_name": "A"}).Do().
			ExpectBody(400, `{"last_name":["This field is required."],"email":["This field is required."]}`)
		s.Put("/myprofile/").Token(u.Token).JSON(map[string]string{"first_name": "Al", "last_name": "Ice", "email": "al@example.com"}).Do().Expect(200)

		s.Delete("/myprofile/").Token(other.Token).Do().Expect(204)
		s.Get("/myprofile/").Token(other.Token).Do().Expect(401)
	})
}

func TestProfilePhoto(t *testing.T) {
	apptest.Each(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		u := s.SignUp("photog")
		first := pngBytes(t, 40, 30)
		res := s.Patch("/myprofile/").Token(u.Token).Multipart(nil, apptest.File{Field: "profile_photo", Name: "me.png", ContentType: "image/png", Data: first}).Do().Expect(200).Obj()
		url, _ := res["profile_photo"].(string)
		if !strings.HasPrefix(url, s.URL+"/media/profile_photo/") {
			t.Fatalf("photo URL %q", url)
		}
		dl, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(dl.Body)
		dl.Body.Close()
		img, format, err := image.Decode(bytes.NewReader(data))
		if dl.StatusCode != 200 || err != nil || img.Bounds().Dx() != 40 || (format != "jpeg" && format != "png") {
			t.Fatalf("download: %d %s %v", dl.StatusCode, format, err)
		}
		oldFile := filepath.Join(s.App.Config.MediaRoot, strings.TrimPrefix(url, s.URL+"/media/"))
		if _, err := os.Stat(oldFile); err != nil {
			t.Fatal(err)
		}

		// Text pretending to be a JPEG is refused and changes nothing.
		s.Patch("/myprofile/").Token(u.Token).Multipart(nil, apptest.File{Field: "profile_photo", Name: "photo.jpg", ContentType: "image/jpeg", Data: []byte("this is a photo")}).Do().
			ExpectBody(400, `{"profile_photo":["Upload a valid image. The file you uploaded was either not an image or a corrupted image."]}`)
		if got := s.Get("/myprofile/").Token(u.Token).Do().Obj()["profile_photo"]; got != url {
			t.Fatalf("photo changed to %v", got)
		}

		// A big photo is scaled down; the replaced file is gone from disk.
		res = s.Patch("/myprofile/").Token(u.Token).Multipart(nil, apptest.File{Field: "profile_photo", Name: "big.png", ContentType: "image/png", Data: pngBytes(t, 2000, 1000)}).Do().Expect(200).Obj()
		newURL := res["profile_photo"].(string)
		if newURL == url {
			t.Fatal("URL did not change")
		}
		if _, err := os.Stat(oldFile); !os.IsNotExist(err) {
			t.Fatalf("old photo still on disk: %v", err)
		}
		dl, _ = http.Get(newURL)
		cfg, _, err := image.DecodeConfig(dl.Body)
		dl.Body.Close()
		if err != nil || cfg.Width != 1024 || cfg.Height != 512 {
			t.Fatalf("scaled photo %dx%d %v", cfg.Width, cfg.Height, err)
		}
		// Over 5 MB is refused.
		s.Patch("/myprofile/").Token(u.Token).Multipart(nil, apptest.File{Field: "profile_photo", Name: "huge.png", ContentType: "image/png", Data: bytes.Repeat([]byte{1}, 5<<20+10)}).Do().Expect(400)
		// Media paths cannot escape MEDIA_ROOT, and directories are not listed.
		s.Get("/media/../go.mod").Do().Expect(404)
		s.Get("/media/profile_photo/").Do().Expect(404)
		// Deleting the account removes the photo.
		newFile := filepath.Join(s.App.Config.MediaRoot, strings.TrimPrefix(newURL, s.URL+"/media/"))
		s.Delete("/myprofile/").Token(u.Token).Do().Expect(204)
		if _, err := os.Stat(newFile); !os.IsNotExist(err) {
			t.Fatalf("photo survived account deletion: %v", err)
		}
	})
}

func TestMentorAndMenteeInfo(t *testing.T) {
	apptest.Each(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		m := s.SignUp("mentor1")
		s.Get("/mentorinfo/").Token(m.Token).Do().ExpectBody(200, `[]`)
		s.Get("/mentorinfoupdate/").Token(m.Token).Do().ExpectBody(404, `{"detail":"Not found."}`)
		s.Patch("/mentorinfoupdate/").Token(m.Token).JSON(map[string]string{"about_me": "x"}).Do().Expect(404)
		s.Delete("/mentorinfoupdate/").Token(m.Token).Do().Expect(404)
		s.Post("/mentorinfo/").Token(m.Token).JSON(map[string]any{"about_me": "Backend dev", "skills": []string{"Python", "django", "SQL", "python"}, "team_number": 7}).Do().
			ExpectBody(201, `{"pk":1,"about_me":"Backend dev","skills":["Python","Django","SQL"],"availabilities":[],"team_number":7}`)
		s.Post("/mentorinfo/").Token(m.Token).JSON(map[string]any{"skills": []string{"CSS"}}).Do().
			ExpectBody(400, `{"non_field_errors":["Mentor profile already exists."]}`)
		s.Get("/mentorinfo/").Token(m.Token).Do().ExpectBody(200, `[{"pk":1,"about_me":"Backend dev","skills":["Python","Django","SQL"],"availabilities":[],"team_number":7}]`)
		// skills as a comma-separated string, team_number as a string.
		s.Patch("/mentorinfoupdate/").Token(m.Token).JSON(map[string]any{"skills": "Go, Kubernetes", "team_number": "10"}).Do().
			ExpectBody(200, `{"pk":1,"about_me":"Backend dev","skills":["Go","Kubernetes"],"availabilities":[],"team_number":10}`)
		s.Put("/mentorinfoupdate/").Token(m.Token).JSON(map[string]any{"about_me": "only"}).Do().
			ExpectBody(400, `{"skills":["This field is required."]}`)
		s.Patch("/mentorinfoupdate/").Token(m.Token).JSON(map[string]any{"team_number": "ten"}).Do().
			ExpectBody(400, `{"team_number":["A valid integer is required."]}`)
		s.Patch("/mentorinfoupdate/").Token(m.Token).JSON(map[string]any{"skills": []string{}}).Do().
			ExpectBody(400, `{"skills":["This selection may not be empty."]}`)
		s.Get("/mentorinfoupdate/").Token(m.Token).Do().Expect(200)
		s.Delete("/mentorinfoupdate/").Token(m.Token).Do().Expect(204)
		s.Get("/mentorinfo/").Token(m.Token).Do().ExpectBody(200, `[]`)

		me := s.SignUp("mentee1")
		s.Get("/menteeinfoupdate/").Token(me.Token).Do().Expect(404)
		s.Post("/menteeinfo/").Token(me.Token).JSON(map[string]any{"team_number": "3"}).Do().ExpectBody(201, `{"team_number":3}`)
		s.Post("/menteeinfo/").Token(me.Token).JSON(map[string]any{"team_number": 4}).Do().ExpectBody(400, `{"non_field_errors":["Mentee profile already exists."]}`)
		s.Get("/menteeinfo/").Token(me.Token).Do().ExpectBody(200, `[{"team_number":3}]`)
		// The documents send the update wrapped in a list.
		s.Patch("/menteeinfoupdate/").Token(me.Token).JSON(`[{"team_number": "5"}]`).Do().ExpectBody(200, `{"team_number":5}`)
		s.Put("/menteeinfoupdate").Token(me.Token).JSON(`{"team_number": 6}`).Do().ExpectBody(200, `{"team_number":6}`)
		s.Get("/menteeinfoupdate/").Token(me.Token).Do().ExpectBody(200, `{"team_number":6}`)
		s.Delete("/menteeinfoupdate/").Token(me.Token).Do().Expect(204)
		s.Get("/menteeinfo/").Token(me.Token).Do().ExpectBody(200, `[]`)
	})
}

func TestMentorListAndSkillSearch(t *testing.T) {
	apptest.Each(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		viewer := s.SignUp("viewer")
		s.Get("/mentor/").Token(viewer.Token).Do().ExpectBody(200, `[]`)
		s.Get("/mentor/").Do().Expect(401)
		s.Mentor("ann", "Python", "Git", "SQL")
		s.Mentor("ben", "GitHub", "PostgreSQL", "JavaScript")
		// A user flagged mentor without a profile is listed with nulls.
		noProfile := s.SignUp("cat")
		s.Patch("/myprofile/").Token(noProfile.Token).JSON(map[string]bool{"is_mentor": true}).Do().Expect(200)

		list := s.Get("/mentor/").Token(viewer.Token).Do().Expect(200).List()
		if len(list) != 3 {
			t.Fatalf("%d mentors", len(list))
		}
		ann := list[0].(map[string]any)
		nested, _ := ann["mentor_profile"].(map[string]any)
		if ann["username"] != "ann" || ann["about_me"] != "I help." || nested["about_me"] != "I help." ||
			len(ann["skills"].([]any)) != 3 || len(nested["skills"].([]any)) != 3 || ann["team_number"] != 0.0 {
			t.Fatalf("flat and nested profile: %v", ann)
		}
		cat := list[2].(map[string]any)
		if cat["about_me"] != nil || cat["skills"] != nil || cat["mentor_profile"] != nil || len(cat["availabilities"].([]any)) != 0 {
			t.Fatalf("mentor without profile: %v", cat)
		}

		names := func(path string) []string {
			var out []string
			for _, m := range s.Get(path).Token(viewer.Token).Do().Expect(200).List() {
				out = append(out, map[float64]string{2: "ann", 3: "ben"}[m.(map[string]any)["pk"].(float64)])
			}
			return out
		}
		for path, want := range map[string]string{
			"/mentor/Git/":        "ann", // whole names: GitHub does not match Git
			"/mentor/git/":        "ann", // any case
			"/mentor/SQL/":        "ann", // PostgreSQL does not match SQL
			"/mentor/github,SQL/": "",    // every skill must match
			"/mentor/Python,sql/": "ann", //
			"/mentor/java/":       "",    // no substring matching
			"/mentor/JavaScript":  "ben", // without the slash
			"/mentor/Nothing/":    "",    //
			"/mentor/%20,/":       "",    // blank terms
		} {
			if got := strings.Join(names(path), ","); got != want {
				t.Errorf("%s: got %q, want %q", path, got, want)
			}
		}

		s.Mentee("dan")
		mentees := s.Get("/mentee/").Token(viewer.Token).Do().Expect(200).List()
		if len(mentees) != 1 || mentees[0].(map[string]any)["mentee_profile"].(map[string]any)["team_number"] != 1.0 {
			t.Fatalf("mentees %v", mentees)
		}
	})
}

func TestNotificationSettings(t *testing.T) {
	apptest.Each(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		a := s.SignUp("ann")
		b := s.SignUp("bob")
		s.Get("/notificationsettings/1/").Token(a.Token).Do().ExpectBody(200,
			`{"pk":1,"user":1,"session_requested":true,"session_confirmed":true,"session_canceled":true,"fifteen_minute_alert":true,"sixty_minute_alert":true}`)
		s.Get("/notificationsettings/1/").Token(b.Token).Do().ExpectBody(403, `{"detail":"You do not have permission to perform this action."}`)
		s.Patch("/notificationsettings/1/").Token(b.Token).JSON(map[string]any{"session_requested": false}).Do().Expect(403)
		s.Get("/notificationsettings/99/").Token(a.Token).Do().ExpectBody(404, `{"detail":"Not found."}`)
		s.Get("/notificationsettings/abc/").Token(a.Token).Do().Expect(404)
		s.Patch("/notificationsettings/1").Token(a.Token).JSON(map[string]any{"session_requested": "False", "sixty_minute_alert": 0, "user": 2}).Do().ExpectBody(200,
			`{"pk":1,"user":1,"session_requested":false,"session_confirmed":true,"session_canceled":true,"fifteen_minute_alert":true,"sixty_minute_alert":false}`)
		s.Put("/notificationsettings/1/").Token(a.Token).JSON(map[string]any{"session_confirmed": "nope"}).Do().
			ExpectBody(400, `{"session_confirmed":["Must be a valid boolean."]}`)
		n, err := s.Store.NotificationSettingsOf(t.Context(), 2)
		if err != nil || !n.SessionRequested {
			t.Fatalf("bob's settings changed: %+v %v", n, err)
		}
	})
}
