package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/store"
)

func TestAccountPages(t *testing.T) {
	eachEngine(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		b := newBrowser(t, s)
		// A browser at / is taken to the app, and a stranger to sign-up.
		status, body := b.get("/")
		if status != 200 || title(body) != "Sign up · mentord" || b.res.Request.URL.Path != "/app/signup" {
			t.Fatalf("/ for a browser: %d %q at %s", status, title(body), b.res.Request.URL.Path)
		}
		s.Get("/").Do().ExpectBody(404, `{"detail":"Not found."}`) // an API client
		for _, field := range []string{`name="username"`, `name="email"`, `name="password"`, `name="re_password"`, `name="timezone"`, `name="role"`} {
			if !strings.Contains(body, field) {
				t.Errorf("sign-up form without %s", field)
			}
		}
		// Every bad field is told next to it, and what was typed stays.
		expectPost(t, b, "/app/signup", url.Values{"username": {"bad name"}, "email": {"nope"}, "first_name": {"Ann"}, "timezone": {"Mars/Base"}}, 400, `id="e-username"`, `id="e-email"`, `id="e-timezone"`, `id="e-password"`, `value="Ann"`)
		status, body = b.post("/app/signup", url.Values{"username": {"ann"}, "email": {"ann@example.org"}, "password": {apptest.Password},
			"re_password": {apptest.Password}, "first_name": {"Ann"}, "role": {"mentee"}, "timezone": {"Europe/Paris"}})
		if b.res.Request.URL.Path != "/app/mentors" || !strings.Contains(body, "Welcome to mentord, Ann") || !strings.Contains(body, "Europe/Paris") {
			t.Fatalf("sign-up: %d %s\n%s", status, b.res.Request.URL, body)
		}
		// An e-mail address taken is said in the app's words, not the API's
		// lower-case "user with this email already exists.".
		expectPost(t, newBrowser(t, s), "/app/signup", url.Values{"username": {"ann2"}, "email": {"ANN@example.org"}, "password": {apptest.Password},
			"re_password": {apptest.Password}, "role": {"mentee"}, "timezone": {"UTC"}}, 400, `id="e-email">An account already uses this e-mail address.</p>`)
		// The cookie: HttpOnly, SameSite=Lax, and only its hash is kept.
		cookie := ""
		for _, h := range b.res.Request.Response.Header.Values("Set-Cookie") {
			if strings.HasPrefix(h, "mentord_session=") {
				cookie = h
			}
		}
		if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") || !strings.Contains(cookie, "Path=/app") {
			t.Fatalf("session cookie %q", cookie)
		}
		token := strings.TrimPrefix(strings.Split(cookie, ";")[0], "mentord_session=")
		var stored int
		if err := s.Store.Tx(t.Context(), func(q *store.Q) error {
			u, _, err := q.UserByWebSession(t.Context(), token, time.Now())
			if err == nil {
				stored++
			}
			_ = u
			return nil
		}); err != nil || stored != 0 {
			t.Fatal("the web session is stored by its token, not its hash")
		}
		// The account works on the APIs too.
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "ann", "password": apptest.Password}).Do().Expect(200)

		// A form posted from another site is refused.
		if status, body := b.postFromAnotherSite("/app/logout", "https://evil.example"); status != 403 || !strings.Contains(body, "another site") {
			t.Fatalf("cross-site post: %d %s", status, body)
		}
		if _, body := b.get("/app"); !strings.Contains(body, "Hello, Ann") {
			t.Fatal("the cross-site post logged the user out")
		}

		expectPost(t, b, "/app/logout", nil, 200, "You are logged out")
		if _, body := b.get("/app"); title(body) != "Sign up · mentord" {
			t.Fatalf("a page after logout: %q", title(body))
		}
		expectPost(t, b, "/app/login", url.Values{"username": {"ann"}, "password": {"wrong-password"}, "next": {"/app/sessions"}}, 401, "do not match")
		status, _ = b.post("/app/login", url.Values{"username": {"ann@example.org"}, "password": {apptest.Password}, "next": {"https://evil.example/"}})
		if status != 200 || b.res.Request.URL.Path != "/app" {
			t.Fatalf("login by e-mail (with a foreign next): %d at %s", status, b.res.Request.URL)
		}
		// Pages that do not exist have their own page.
		if status, body := b.get("/app/no/such/page"); status != 404 || title(body) != "Page not found · mentord" {
			t.Fatalf("unknown page: %d %q", status, title(body))
		}
	})
}

// TestLogInAsksForEmptyFields: a log-in form sent with a field left empty
// asks for that field, not says the credentials do not match; what was
// typed in the other stays.
func TestLogInAsksForEmptyFields(t *testing.T) {
	eachEngine(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		s.Mentee("bea")
		b := newBrowser(t, s)
		for _, c := range []struct {
			form        url.Values
			asked, kept []string
		}{
			{url.Values{"username": {""}, "password": {""}}, []string{"username", "password"}, nil},
			{url.Values{"username": {"  "}, "password": {apptest.Password}}, []string{"username"}, nil},
			{url.Values{"username": {"bea"}, "password": {""}, "next": {"/app/sessions"}}, []string{"password"}, []string{`value="bea"`, `value="/app/sessions"`}},
		} {
			var want []string
			for _, name := range c.asked {
				want = append(want, `id="e-`+name+`">Please fill this in.</p>`)
			}
			body := expectPost(t, b, "/app/login", c.form, 400, append(want, c.kept...)...)
			if strings.Contains(body, "do not match") || title(body) != "Log in · mentord" {
				t.Errorf("log in with %v: %q, says the credentials do not match:\n%s", c.form, title(body), body)
			}
			for _, name := range []string{"username", "password"} {
				if !slices.Contains(c.asked, name) && strings.Contains(body, `id="e-`+name+`"`) {
					t.Errorf("log in with %v: asks for the %s, which was filled in", c.form, name)
				}
			}
		}
	})
}

// TestPasswordResetThroughTheEmailLink: the e-mailed link opens the web
// app's page, which sets the password once.
func TestPasswordResetThroughTheEmailLink(t *testing.T) {
	eachEngine(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		s.SignUp("ann")
		b := newBrowser(t, s)
		expectPost(t, b, "/app/password/forgot", url.Values{"email": {"ann@example.com"}}, 200, "is on its way")
		// An unknown address gets the same answer.
		if _, body := b.post("/app/password/forgot", url.Values{"email": {"nobody@example.com"}}); !strings.Contains(body, "is on its way") {
			t.Fatal("an unknown address is told apart")
		}
		link := resetLink(s)
		if !strings.HasPrefix(link, s.URL) {
			t.Fatalf("reset link %q does not open the web app", link)
		}
		path := strings.TrimPrefix(link, s.URL)
		if status, body := b.get(path); status != 200 || !strings.Contains(body, `name="new_password"`) {
			t.Fatalf("reset page: %d", status)
		}
		expectPost(t, b, path, url.Values{"new_password": {"12345678"}, "re_new_password": {"12345678"}}, 400, `id="e-new_password"`)
		expectPost(t, b, path, url.Values{"new_password": {"An0ther-Secret!"}, "re_new_password": {"An0ther-Secret!"}}, 200, "Your password is changed")
		if _, body := b.post(path, url.Values{"new_password": {"Th1rd-Secret!!"}, "re_new_password": {"Th1rd-Secret!!"}}); !strings.Contains(body, "does not work any more") {
			t.Fatal("the link worked twice")
		}
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "ann", "password": "An0ther-Secret!"}).Do().Expect(200)
	})
}

// TestTextThatCannotBeKept: a NUL character or bytes that are not UTF-8, in
// a link's query or a posted form, are refused with a page that says so;
// PostgreSQL cannot take them, and the pages failed with a 500 there.
func TestTextThatCannotBeKept(t *testing.T) {
	eachEngine(t, apptest.Options{Now: mentoringNow, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		s.Staff("sam")
		s.Mentor("mona", "Go")
		bea := s.Mentee("bea")
		sam := logIn(t, s, "sam")
		for _, path := range []string{"/app/mentors?q=%00", "/app/mentors?skill=a%00", "/app/groups?topic=%00", "/app/staff/users?q=%00",
			"/app/staff/sessions?q=%00", "/app/staff/groups?q=%00", "/app/mentors?q=%ff"} {
			expectPage(t, sam, path, 400, "Bad Request", "characters that are not text")
		}
		beaWeb := logIn(t, s, "bea")
		for path, form := range map[string]url.Values{
			"/app/profile":           {"first_name": {"B\x00ea"}, "email": {"bea@example.com"}, "timezone": {"UTC"}, "is_mentee": {"on"}},
			"/app/meetings/contacts": {"first_name": {"Cat"}, "last_name": {"G\xffuest"}, "email": {"cat@guests.example"}},
		} {
			expectPost(t, beaWeb, path, form, 400, "characters that are not text")
		}
		expectPost(t, newBrowser(t, s), "/app/login", url.Values{"username": {"bea\x00"}, "password": {apptest.Password}}, 400, "characters that are not text")
		// Nothing was changed.
		p := s.Get("/myprofile/").Token(bea.Token).Do().Expect(200).Obj()
		if p["first_name"] != "Bea" {
			t.Errorf("first name %v after a refused form", p["first_name"])
		}
	})
}

// TestFormPostedAfterSignInEnded: a button pressed on a page whose sign-in
// has ended (logged out in another tab, or expired) leads, after logging
// in, back to that page; the button's own address has no page (a 404).
func TestFormPostedAfterSignInEnded(t *testing.T) {
	eachEngine(t, apptest.Options{Now: groupsNow, NoWorker: true}, func(t *testing.T, s *apptest.Server) {
		s.Mentor("ivy", "Maths")
		s.Mentee("bea")
		ivy := logIn(t, s, "ivy")
		expectPost(t, ivy, "/app/groups", groupForm("Algebra drop-in", "Maths", "2030-01-16T18:00", "3"), 200)
		page := ivy.res.Request.URL.Path

		b := newBrowser(t, s)
		req, _ := http.NewRequest("POST", s.URL+page+"/join", nil)
		req.Header.Set("Origin", s.URL)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Referer", s.URL+page)
		b.do(req)
		if got := b.res.Request.URL; got.Path != "/app/login" || got.Query().Get("next") != page {
			t.Fatalf("a join posted signed out: at %s, want the login page back to %s", got, page)
		}
		status, body := b.post("/app/login", url.Values{"username": {"bea"}, "password": {apptest.Password}, "next": {page}})
		if status != 200 || b.res.Request.URL.Path != page || !strings.Contains(body, "Join this session") {
			t.Fatalf("after logging in: %d at %s", status, b.res.Request.URL)
		}
		// With no page to go back to (no Referer), the home page.
		b = newBrowser(t, s)
		b.post(page+"/join", nil)
		if got := b.res.Request.URL; got.Path != "/app/login" || got.Query().Get("next") != "/app" {
			t.Errorf("a join posted signed out without a Referer: at %s", got)
		}
	})
}
