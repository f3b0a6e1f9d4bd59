package momentors_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

func signUpBody(username, email, pw, re string) map[string]string {
	return map[string]string{"username": username, "email": email, "password": pw, "re_password": re}
}

func TestSignUpValidation(t *testing.T) {
	apptest.Each(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		s.Post("/auth/users/").JSON(signUpBody("MixedCase", "mixed@example.com", apptest.Password, apptest.Password)).Do().
			ExpectBody(201, `{"email":"mixed@example.com","username":"mixedcase","id":1}`)

		for _, tc := range []struct {
			name, want string
			body       map[string]string
		}{
			{"duplicate username in another case and duplicate email", `{"email":["user with this email already exists."],"username":["A user with that username already exists."]}`,
				signUpBody("MIXEDcase", "MIXED@example.com", apptest.Password, apptest.Password)},
			{"duplicate username only", `{"username":["A user with that username already exists."]}`,
				signUpBody("mixedCASE", "other@example.com", apptest.Password, apptest.Password)},
			{"short, common and numeric password", `{"password":["This password is too short. It must contain at least 8 characters.","This password is too common.","This password is entirely numeric."]}`,
				signUpBody("x3", "x3@example.com", "123", "123")},
			{"all-numeric long password", `{"password":["This password is entirely numeric."]}`,
				signUpBody("x4", "x4@example.com", "90210471635", "90210471635")},
			{"password like the username", `{"password":["The password is too similar to the username."]}`,
				signUpBody("gandalfthegrey", "g@example.com", "gandalfthegrey1", "gandalfthegrey1")},
			{"mismatched retype", `{"non_field_errors":["The two password fields didn't match."]}`,
				signUpBody("x2", "x2@example.com", apptest.Password, "other-pw-123!")},
			{"invalid email and username", `{"email":["Enter a valid email address."],"username":["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."]}`,
				signUpBody("bad name", "not-an-email", apptest.Password, apptest.Password)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s.Post("/auth/users").JSON(tc.body).Do().ExpectBody(400, tc.want)
			})
		}
		s.Post("/auth/users/").JSON(map[string]string{}).Do().ExpectBody(400,
			`{"email":["This field is required."],"username":["This field is required."],"password":["This field is required."],"re_password":["This field is required."]}`)
		// Only the first account exists.
		users, err := s.Store.ListUsers(t.Context())
		if err != nil || len(users) != 1 {
			t.Fatalf("users after failed sign-ups: %d %v", len(users), err)
		}
	})
}

func TestLoginLogoutAndCredentialErrors(t *testing.T) {
	apptest.Each(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		u := s.SignUp("mentor1")
		var again struct {
			AuthToken string `json:"auth_token"`
		}
		// Same token on every login, with or without the trailing slash,
		// and the username in any case.
		s.Post("/auth/token/login").JSON(map[string]string{"username": "Mentor1", "password": apptest.Password}).Do().Expect(200).Decode(&again)
		if again.AuthToken != u.Token || !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(u.Token) {
			t.Fatalf("tokens %q and %q", u.Token, again.AuthToken)
		}
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "mentor1", "password": "nope"}).Do().
			ExpectBody(400, `{"non_field_errors":["Unable to log in with provided credentials."]}`)
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "ghost", "password": apptest.Password}).Do().
			ExpectBody(400, `{"non_field_errors":["Unable to log in with provided credentials."]}`)

		s.Get("/auth/users/me/").Token(u.Token).Do().ExpectBody(200, `{"email":"mentor1@example.com","id":1,"username":"mentor1"}`)
		s.Get("/auth/users/me").Token(u.Token).Do().Expect(200)
		s.Get("/auth/users/").Token(u.Token).Do().ExpectBody(200, `[{"email":"mentor1@example.com","id":1,"username":"mentor1"}]`)

		for _, tc := range []struct{ header, want string }{
			{"", `{"detail":"Authentication credentials were not provided."}`},
			{"Token", `{"detail":"Invalid token header. No credentials provided."}`},
			{"Token a b", `{"detail":"Invalid token header. Token string should not contain spaces."}`},
			{"Token 0123456789abcdef0123456789abcdef01234567", `{"detail":"Invalid token."}`},
			{"Bearer not.a.jwt", `{"detail":"Invalid token."}`},
			{"Basic dXNlcjpwdw==", `{"detail":"Authentication credentials were not provided."}`},
		} {
			req := s.Get("/auth/users/me/")
			if tc.header != "" {
				req.Header("Authorization", tc.header)
			}
			res := req.Do().ExpectBody(401, tc.want)
			if res.Header.Get("WWW-Authenticate") != "Token" {
				t.Errorf("%q: WWW-Authenticate %q", tc.header, res.Header.Get("WWW-Authenticate"))
			}
		}

		// A JWT and the auth cookie resolve to the same user.
		access, _, err := s.App.Accounts.IssueJWT(t.Context(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		s.Get("/myprofile/").Bearer(access).Do().Expect(200)
		s.Get("/myprofile/").Cookie("auth", u.Token).Do().Expect(200)
		s.Get("/myprofile/").Cookie("auth", access).Do().Expect(200)
		// An access token stops working when it expires.
		s.Clock.Advance(61 * time.Minute)
		s.Get("/myprofile/").Bearer(access).Do().ExpectBody(401, `{"detail":"Invalid token."}`)

		s.Post("/auth/token/logout/").Token(u.Token).Do().Expect(204)
		s.Get("/myprofile/").Token(u.Token).Do().ExpectBody(401, `{"detail":"Invalid token."}`)
		s.Post("/auth/token/logout").Token(u.Token).Do().Expect(401)
		// Logging in again issues a new token.
		var fresh struct {
			AuthToken string `json:"auth_token"`
		}
		s.Post("/auth/token/login").JSON(map[string]string{"username": "mentor1", "password": apptest.Password}).Do().Expect(200).Decode(&fresh)
		if fresh.AuthToken == u.Token {
			t.Fatal("the token survived logout")
		}
	})
}

func TestPasswordResetEndToEnd(t *testing.T) {
	apptest.Each(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		u := s.SignUp("forgetful")
		s.Post("/auth/users/reset_password/").JSON(map[string]string{"email": "nobody@example.com"}).Do().
			ExpectBody(400, `["User with given email does not exist."]`)
		s.Post("/auth/users/reset_password/").JSON(map[string]string{"email": "not an email"}).Do().
			ExpectBody(400, `{"email":["Enter a valid email address."]}`)
		s.Post("/auth/users/reset_password/").JSON(map[string]string{"email": "FORGETFUL@example.com"}).Do().Expect(204)

		mail := s.SMTP.Wait(1, 10*time.Second)[0]
		if mail.To[0] != u.Email || !strings.Contains(mail.Subject, "Password reset") || !strings.Contains(mail.Text, "forgetful") {
			t.Fatalf("reset mail: %+v", mail)
		}
		m := apptest.ResetLink.FindStringSubmatch(mail.Text)
		if m == nil || !strings.HasPrefix(m[0], s.URL) {
			t.Fatalf("no link to this server in %q", mail.Text)
		}
		uid, token := m[1], m[2]
		// JWTs issued before the reset (tutoring and scheduler logins).
		var before struct {
			Tokens struct{ Access, Refresh string }
		}
		s.Post("/api/auth/login/").JSON(map[string]string{"email": u.Email, "password": apptest.Password}).Do().Expect(200).Decode(&before)
		s.Get("/myprofile/").Bearer(before.Tokens.Access).Do().Expect(200)
		confirm := func(uid, token, p1, p2 string) *apptest.Response {
			return s.Post("/auth/users/reset_password_confirm/").JSON(map[string]string{"uid": uid, "token": token, "new_password": p1, "re_new_password": p2}).Do()
		}
		confirm("Mg", token, "N3w-Passw0rd!", "N3w-Passw0rd!").ExpectBody(400, `{"uid":["Invalid user id or user doesn't exist."]}`)
		confirm(uid, token+"x", "N3w-Passw0rd!", "N3w-Passw0rd!").ExpectBody(400, `{"token":["Invalid token for given user."]}`)
		confirm(uid, token, "sh0rt!x", "sh0rt!x").ExpectBody(400, `{"new_password":["This password is too short. It must contain at least 8 characters."]}`)
		confirm(uid, token, "N3w-Passw0rd!", "N3w-Passw0rd?").ExpectBody(400, `{"non_field_errors":["The two password fields didn't match."]}`)
		// The link in the mail also works as a page, but this test uses the API.
		s.Get("/password/reset/confirm/" + uid + "/" + token).Do().Expect(200)
		confirm(uid, token, "N3w-Passw0rd!", "N3w-Passw0rd!").Expect(204)
		// Single use, and the old token is logged out.
		confirm(uid, token, "An0ther-Passw0rd!", "An0ther-Passw0rd!").ExpectBody(400, `{"token":["Invalid token for given user."]}`)
		s.Get("/myprofile/").Token(u.Token).Do().Expect(401)
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "forgetful", "password": apptest.Password}).Do().Expect(400)
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "forgetful", "password": "N3w-Passw0rd!"}).Do().Expect(200)
		// The reset ends the JWTs issued under the old password, refresh
		// tokens included; a login with the new one issues working ones.
		s.Get("/myprofile/").Bearer(before.Tokens.Access).Do().ExpectBody(401, `{"detail":"Invalid token."}`)
		s.Post("/api/auth/token/refresh/").JSON(map[string]string{"refresh": before.Tokens.Refresh}).Do().Expect(401)
		var after struct {
			Tokens struct{ Access, Refresh string }
		}
		s.Post("/api/auth/login/").JSON(map[string]string{"email": u.Email, "password": "N3w-Passw0rd!"}).Do().Expect(200).Decode(&after)
		s.Get("/myprofile/").Bearer(after.Tokens.Access).Do().Expect(200)
		s.Post("/api/auth/token/refresh/").JSON(map[string]string{"refresh": after.Tokens.Refresh}).Do().Expect(200)

		// A link expires after a day.
		s.Post("/auth/users/reset_password/").JSON(map[string]string{"email": u.Email}).Do().Expect(204)
		m = apptest.ResetLink.FindStringSubmatch(s.SMTP.Wait(2, 10*time.Second)[1].Text)
		s.Clock.Advance(25 * time.Hour)
		confirm(m[1], m[2], "Th1rd-Passw0rd!", "Th1rd-Passw0rd!").ExpectBody(400, `{"token":["Invalid token for given user."]}`)
	})
}

func TestResetPageForPeopleWithoutAClient(t *testing.T) {
	s := apptest.Start(t, store.SQLite)
	s.SignUp("pagey")
	s.Post("/auth/users/reset_password/").JSON(map[string]string{"email": "pagey@example.com"}).Do().Expect(204)
	m := apptest.ResetLink.FindStringSubmatch(s.SMTP.Wait(1, 10*time.Second)[0].Text)
	path := strings.TrimPrefix(m[0], s.URL)
	res := s.Post(path).Raw("application/x-www-form-urlencoded", []byte("new_password=N3w-Passw0rd!&re_new_password=N3w-Passw0rd!")).Do().Expect(200)
	if !strings.Contains(string(res.Body), "Password changed") {
		t.Fatalf("page: %s", res.Body)
	}
	res = s.Post(path).Raw("application/x-www-form-urlencoded", []byte("new_password=N3w-Passw0rd!&re_new_password=N3w-Passw0rd!")).Do().Expect(400)
	if !strings.Contains(string(res.Body), "invalid or has expired") {
		t.Fatalf("reused link page: %s", res.Body)
	}
	s.Post("/auth/token/login/").JSON(map[string]string{"username": "pagey", "password": "N3w-Passw0rd!"}).Do().Expect(200)
}

func TestSetPasswordAndDeleteAccount(t *testing.T) {
	apptest.Each(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		u := s.SignUp("changer")
		jwt := s.JWT(u)
		s.Post("/auth/users/set_password/").Token(u.Token).JSON(map[string]string{"current_password": "wrong", "new_password": "N3w-Passw0rd!", "re_new_password": "N3w-Passw0rd!"}).Do().
			ExpectBody(400, `{"current_password":["Invalid password."]}`)
		s.Post("/auth/users/set_password/").Token(u.Token).JSON(map[string]string{"current_password": apptest.Password, "new_password": "N3w-Passw0rd!", "re_new_password": "N3w-Passw0rd!"}).Do().Expect(204)
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "changer", "password": "N3w-Passw0rd!"}).Do().Expect(200)
		// djoser keeps the caller's token on a password change; JWTs issued
		// under the old password stop working.
		s.Get("/myprofile/").Token(u.Token).Do().Expect(200)
		s.Get("/myprofile/").Bearer(jwt).Do().ExpectBody(401, `{"detail":"Invalid token."}`)
		s.Get("/myprofile/").Bearer(s.JWT(u)).Do().Expect(200)

		s.Patch("/auth/users/me/").Token(u.Token).JSON(map[string]string{"email": "new@example.com", "username": "ignored"}).Do().
			ExpectBody(200, `{"email":"new@example.com","id":1,"username":"changer"}`)
		other := s.SignUp("other")
		s.Get("/auth/users/1/").Token(other.Token).Do().ExpectBody(404, `{"detail":"Not found."}`)
		s.Get("/auth/users/2/").Token(other.Token).Do().Expect(200)

		s.Delete("/auth/users/me/").Token(u.Token).JSON(map[string]string{"current_password": "wrong"}).Do().
			ExpectBody(400, `{"current_password":["Invalid password."]}`)
		s.Delete("/auth/users/me/").Token(u.Token).JSON(map[string]string{"current_password": "N3w-Passw0rd!"}).Do().Expect(204)
		s.Get("/myprofile/").Token(u.Token).Do().Expect(401)
		if _, err := s.Store.UserByUsername(t.Context(), "changer"); err != store.ErrNotFound {
			t.Fatalf("user still there: %v", err)
		}
	})
}

// TestCredentialCacheRevocation: credentials are resolved through a short
// cache, but a logout or a deactivation made by this process takes effect
// at once, and one made by another process sharing the database within a
// second.
func TestCredentialCacheRevocation(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		url := storetest.URL(t, e)
		clk := clock.NewFake(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
		a := apptest.Start(t, e, apptest.Options{URL: url, Clock: clk})
		b := apptest.Start(t, e, apptest.Options{URL: url, Clock: clk, SMTP: a.SMTP})
		ann := a.SignUp("ann")
		jwt := a.JWT(ann)
		for _, s := range []*apptest.Server{a, b} { // both processes have it cached now
			s.Get("/auth/users/me/").Token(ann.Token).Do().Expect(200)
			s.Get("/auth/users/me/").Bearer(jwt).Do().Expect(200)
		}
		a.Post("/auth/token/logout/").Token(ann.Token).Do().Expect(204)
		a.Get("/auth/users/me/").Token(ann.Token).Do().Expect(401) // this process: at once
		clk.Advance(accounts.AuthCacheTTL)
		b.Get("/auth/users/me/").Token(ann.Token).Do().Expect(401) // the other: within the TTL

		bob := a.SignUp("bob")
		bobJWT := a.JWT(bob)
		a.Get("/auth/users/me/").Bearer(bobJWT).Do().Expect(200)
		b.Get("/auth/users/me/").Bearer(bobJWT).Do().Expect(200)
		a.Patch("/myprofile/").Token(bob.Token).JSON(map[string]any{"is_active": false}).Do().Expect(200)
		a.Get("/auth/users/me/").Bearer(bobJWT).Do().Expect(401)
		a.Get("/auth/users/me/").Token(bob.Token).Do().Expect(401)
		clk.Advance(accounts.AuthCacheTTL)
		b.Get("/auth/users/me/").Bearer(bobJWT).Do().Expect(401)
	})
}
