package momentors_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/config"
	"github.com/mentord/mentord/internal/store"
)

// The tests below drive the account, profile and settings routes through
// the answers the other tests leave out (staff access, inactive accounts,
// every 400, 403, 404 and 429, the reset page's error pages), so that
// apptest checks each of them against docs/openapi.yaml.

func TestAccountAnswersMatchTheDocument(t *testing.T) {
	s := apptest.Start(t, store.SQLite)
	ctx := t.Context()
	a := s.SignUp("ann")
	b := s.SignUp("bob")
	if _, err := s.App.Accounts.CreateSuperuser(ctx, "root", "root@example.com", apptest.Password); err != nil {
		t.Fatal(err)
	}
	var staff struct {
		AuthToken string `json:"auth_token"`
	}
	s.Post("/auth/token/login/").JSON(map[string]string{"username": "root", "password": apptest.Password}).Do().Expect(200).Decode(&staff)

	// Sign-up and login as forms; login errors.
	s.Post("/auth/users/").Raw("application/x-www-form-urlencoded", []byte("username=Cy&email=cy@example.com&password=Sup3r-Secret-pw!&re_password=Sup3r-Secret-pw!")).Do().
		ExpectBody(201, `{"email":"cy@example.com","username":"cy","id":4}`)
	s.Post("/auth/token/login/").Multipart(map[string]string{"username": "CY", "password": apptest.Password}).Do().Expect(200)
	s.Post("/auth/token/login/").JSON(map[string]any{"username": "cy"}).Do().
		ExpectBody(400, `{"non_field_errors":["Unable to log in with provided credentials."]}`)
	s.Post("/auth/token/login/").JSON(map[string]any{"username": true, "password": "x"}).Do().
		ExpectBody(400, `{"username":["Not a valid string."]}`)
	s.Post("/auth/users/").JSON(`[1]`).Do().
		ExpectBody(400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`)
	s.Post("/auth/users/").Raw("text/plain", []byte("x")).Do().
		ExpectBody(415, `{"detail":"Unsupported media type \"text/plain\" in request."}`)

	// Staff see and change everyone; others only themselves.
	if n := len(s.Get("/auth/users/").Token(staff.AuthToken).Do().Expect(200).List()); n != 4 {
		t.Fatalf("staff see %d users", n)
	}
	s.Get(fmt.Sprintf("/auth/users/%d/", a.ID)).Token(staff.AuthToken).Do().Expect(200)
	s.Put(fmt.Sprintf("/auth/users/%d/", a.ID)).Token(staff.AuthToken).JSON(map[string]string{"email": "ann2@example.com"}).Do().
		ExpectBody(200, fmt.Sprintf(`{"email":"ann2@example.com","id":%d,"username":"ann"}`, a.ID))
	s.Patch(fmt.Sprintf("/auth/users/%d/", a.ID)).Token(b.Token).JSON(map[string]string{"email": "x@example.com"}).Do().Expect(404)
	s.Get("/auth/users/abc/").Token(a.Token).Do().ExpectBody(404, `{"detail":"Not found."}`)
	s.Patch("/auth/users/me/").Token(a.Token).JSON(map[string]string{}).Do().Expect(200)
	s.Put("/auth/users/me/").Token(a.Token).JSON(map[string]string{}).Do().ExpectBody(400, `{"email":["This field is required."]}`)
	s.Patch("/auth/users/me/").Token(a.Token).JSON(map[string]string{"email": "bob@example.com"}).Do().
		ExpectBody(400, `{"email":["user with this email already exists."]}`)
	s.Delete("/auth/users/me/").Token(a.Token).Do().ExpectBody(400, `{"current_password":["This field is required."]}`)

	// Password changes.
	s.Post("/auth/users/set_password/").Token(b.Token).JSON(map[string]string{}).Do().
		ExpectBody(400, `{"new_password":["This field is required."],"re_new_password":["This field is required."],"current_password":["This field is required."]}`)
	s.Post("/auth/users/set_password/").Token(b.Token).JSON(map[string]string{"current_password": apptest.Password, "new_password": "N3w-Passw0rd!", "re_new_password": "other-Passw0rd!"}).Do().
		ExpectBody(400, `{"non_field_errors":["The two password fields didn't match."]}`)
	s.Post("/auth/users/reset_password_confirm/").JSON(map[string]string{}).Do().
		ExpectBody(400, `{"uid":["This field is required."],"token":["This field is required."],"new_password":["This field is required."],"re_new_password":["This field is required."]}`)
	s.Post("/auth/users/reset_password/").JSON(map[string]string{}).Do().ExpectBody(400, `{"email":["This field is required."]}`)

	// Profiles: forms, photo removal, PUT rules, an inactive account.
	s.Patch("/myprofile/").Token(b.Token).Raw("application/x-www-form-urlencoded", []byte("first_name=Bob&profile_photo=&is_mentee=1")).Do().Expect(200)
	s.Patch("/myprofile/").Token(b.Token).JSON(map[string]any{"profile_photo": "me.jpg"}).Do().
		ExpectBody(400, `{"profile_photo":["The submitted data was not a file. Check the encoding type on the form."]}`)
	s.Put("/myprofile/").Token(b.Token).JSON(map[string]string{"first_name": " ", "last_name": "B", "email": "bob@example.com"}).Do().
		ExpectBody(400, `{"first_name":["This field may not be blank."]}`)
	s.Patch("/myprofile/").Token(b.Token).JSON(`null`).Do().ExpectBody(400, `{"non_field_errors":["No data provided"]}`)
	// bob is a mentee without a profile: listed without mentee_profile.
	mentees := s.Get("/mentee/").Token(a.Token).Do().Expect(200).List()
	if len(mentees) != 1 || mentees[0].(map[string]any)["mentee_profile"] != nil {
		t.Fatalf("mentees: %v", mentees)
	}
	s.Post("/menteeinfo/").Token(b.Token).JSON(`[{"team_number": 2}]`).Do().ExpectBody(201, `{"team_number":2}`)
	s.Patch("/menteeinfoupdate/").Token(b.Token).JSON(`{"team_number": -1}`).Do().
		ExpectBody(400, `{"team_number":["Ensure this value is greater than or equal to 0."]}`)
	s.Post("/mentorinfo/").Token(b.Token).Multipart(map[string]string{"skills": "Go,Rust", "about_me": "Hi"}).Do().
		ExpectBody(201, fmt.Sprintf(`{"pk":%d,"about_me":"Hi","skills":["Go","Rust"],"availabilities":[],"team_number":0}`, b.ID))
	s.Put("/mentorinfoupdate/").Token(a.Token).JSON(map[string]any{"skills": []string{"Go"}}).Do().ExpectBody(404, `{"detail":"Not found."}`)
	s.Delete("/menteeinfoupdate/").Token(a.Token).Do().ExpectBody(404, `{"detail":"Not found."}`)

	// Notification settings of someone else, or of nobody.
	s.Put(fmt.Sprintf("/notificationsettings/%d/", a.ID)).Token(b.Token).JSON(map[string]any{"session_requested": false}).Do().
		ExpectBody(403, `{"detail":"You do not have permission to perform this action."}`)
	s.Patch("/notificationsettings/999/").Token(b.Token).JSON(map[string]any{}).Do().ExpectBody(404, `{"detail":"Not found."}`)
	s.Put(fmt.Sprintf("/notificationsettings/%d/", b.ID)).Token(b.Token).Multipart(map[string]string{"fifteen_minute_alert": "off"}).Do().Expect(200)

	// A staff user deletes another account without its password.
	s.Delete(fmt.Sprintf("/auth/users/%d/", a.ID)).Token(staff.AuthToken).Do().Expect(204)
	s.Delete(fmt.Sprintf("/auth/users/%d/", a.ID)).Token(staff.AuthToken).Do().Expect(404)
	// A deactivated account's token stops working.
	s.Patch("/myprofile/").Token(b.Token).JSON(map[string]any{"is_active": false}).Do().Expect(200)
	s.Get("/myprofile/").Token(b.Token).Do().ExpectBody(401, `{"detail":"User inactive or deleted."}`)
	s.Post("/auth/token/logout/").Do().ExpectBody(401, `{"detail":"Authentication credentials were not provided."}`)
}

func TestResetPageAndLimitsMatchTheDocument(t *testing.T) {
	s := apptest.Start(t, store.SQLite, apptest.Options{Config: func(c *config.Config) {
		c.SignupPerMinute, c.ResetPerMinute = 2, 3
	}})
	s.SignUp("dee")
	s.Post("/auth/users/").JSON(signUpBody("eve", "eve@example.com", apptest.Password, apptest.Password)).Do().Expect(201)
	res := s.Post("/auth/users/").JSON(signUpBody("fay", "fay@example.com", apptest.Password, apptest.Password)).Do().Expect(429)
	if res.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}

	s.Post("/auth/users/reset_password/").JSON(map[string]string{"email": "dee@example.com"}).Do().Expect(204)
	m := apptest.ResetLink.FindStringSubmatch(s.SMTP.Wait(1, 10*time.Second)[0].Text)
	path := strings.TrimPrefix(m[0], s.URL)
	// The page does not check the link; posting it does.
	s.Get("/password/reset/confirm/xx/yy").Do().Expect(200)
	page := s.Post(path).Raw("application/x-www-form-urlencoded", []byte("new_password=N3w-Passw0rd!&re_new_password=other")).Do().Expect(400)
	if !strings.Contains(string(page.Body), "The two password fields didn&#39;t match.") || !strings.Contains(string(page.Body), "<form") {
		t.Fatalf("mismatch page: %s", page.Body)
	}
	s.Post("/password/reset/confirm/xx/yy/").Raw("application/x-www-form-urlencoded", []byte("new_password=N3w-Passw0rd!&re_new_password=N3w-Passw0rd!")).Do().Expect(400)
	// The fourth reset request of the minute from this address is refused,
	// by the API and by the page alike.
	s.Post("/auth/users/reset_password_confirm/").JSON(map[string]string{}).Do().Expect(429)
	res = s.Post(path).Raw("application/x-www-form-urlencoded", []byte("new_password=N3w-Passw0rd!&re_new_password=N3w-Passw0rd!")).Do().Expect(429)
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(res.Body), "Too many attempts. Try again in "+res.Header.Get("Retry-After")+" seconds.") {
		t.Fatalf("page 429: %v %s", res.Header, res.Body)
	}
}
