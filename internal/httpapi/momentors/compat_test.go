package momentors_test

import (
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/config"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

// A user imported from the Django deployment keeps their password; the hash
// becomes argon2id at the first login.
func TestDjangoPasswordImport(t *testing.T) {
	apptest.Each(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		ctx := t.Context()
		// Django's pbkdf2_sha256 hash of "Sup3r-Secret-pw!" with salt "abc123salt"
		// (hashlib.pbkdf2_hmac("sha256", password, salt, 600000), base64).
		const djangoHash = "pbkdf2_sha256$600000$abc123salt$tzaPTo5Erv7rM1Mu3Vzbfj3qav4z+xdA89D86xxYU1Q="
		u := &domain.User{Username: "legacy", Email: "legacy@example.com", PasswordHash: djangoHash, Timezone: "UTC", IsActive: true, DateJoined: time.Now()}
		if err := s.Store.Tx(ctx, func(q *store.Q) error { return q.CreateUser(ctx, u) }); err != nil {
			t.Fatal(err)
		}
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "legacy", "password": "wrong-password"}).Do().Expect(400)
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "legacy", "password": apptest.Password}).Do().Expect(200)
		got, _ := s.Store.UserByID(ctx, u.ID)
		if !strings.HasPrefix(got.PasswordHash, "argon2$argon2id$") || got.LastLogin == nil {
			t.Fatalf("hash after login: %q", got.PasswordHash)
		}
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "legacy", "password": apptest.Password}).Do().Expect(200)

		// A JWT login that rehashes issues tokens bound to the new hash.
		legacy := &domain.User{Username: "legacy2", Email: "legacy2@example.com", PasswordHash: djangoHash, Timezone: "UTC", IsActive: true, DateJoined: time.Now()}
		if err := s.Store.Tx(ctx, func(q *store.Q) error { return q.CreateUser(ctx, legacy) }); err != nil {
			t.Fatal(err)
		}
		var login struct{ Tokens struct{ Access string } }
		s.Post("/api/auth/login/").JSON(map[string]string{"email": legacy.Email, "password": apptest.Password}).Do().Expect(200).Decode(&login)
		s.Get("/myprofile/").Bearer(login.Tokens.Access).Do().Expect(200)
	})
}

func TestHTTPPlumbing(t *testing.T) {
	s := apptest.Start(t, store.SQLite, apptest.Options{Config: func(c *config.Config) {
		c.CORSAllowedOrigins = []string{"http://localhost:3000"}
	}})
	// Health and readiness.
	s.Get("/healthz").Do().ExpectBody(200, `{"status":"ok"}`)
	s.Get("/readyz").Do().ExpectBody(200, `{"status":"ok","database":"ok","worker":"ok"}`)
	// Request ids: generated, or taken from the caller when sane.
	res := s.Get("/healthz").Header("X-Request-ID", "abc-123").Do()
	if res.Header.Get("X-Request-ID") != "abc-123" {
		t.Fatalf("request id %q", res.Header.Get("X-Request-ID"))
	}
	if id := s.Get("/healthz").Header("X-Request-ID", "bad id with spaces").Do().Header.Get("X-Request-ID"); len(id) != 16 {
		t.Fatalf("generated id %q", id)
	}
	// CORS preflight from an allowed origin, and none for others.
	res = s.Request("OPTIONS", "/auth/token/login/").Header("Origin", "http://localhost:3000").Header("Access-Control-Request-Method", "POST").
		Header("Access-Control-Request-Headers", "authorization,content-type").Do()
	if res.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" || res.Status >= 300 {
		t.Fatalf("preflight: %d %v", res.Status, res.Header)
	}
	res = s.Get("/healthz").Header("Origin", "https://evil.example").Do()
	if res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("CORS allowed an unlisted origin")
	}
	// Security headers.
	if res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("headers %v", res.Header)
	}
}

func TestRateLimits(t *testing.T) {
	s := apptest.Start(t, store.SQLite, apptest.Options{Config: func(c *config.Config) {
		c.LoginPerMinute, c.SignupPerMinute, c.ResetPerMinute = 5, 3, 2
	}})
	u := s.SignUp("limited") // one sign-up and one login used
	throttled := func(res *apptest.Response) {
		t.Helper()
		if res.Status != 429 || res.Header.Get("Retry-After") == "" || !strings.Contains(string(res.Body), "Request was throttled. Expected available in") {
			t.Fatalf("expected 429 with Retry-After, got %d %v %s", res.Status, res.Header, res.Body)
		}
	}
	// Per account: five attempts on one account, from any address.
	for i := 0; i < 4; i++ {
		s.Post("/auth/token/login/").JSON(map[string]string{"username": u.Username, "password": "wrong"}).Do().Expect(400)
	}
	throttled(s.Post("/auth/token/login/").JSON(map[string]string{"username": "LIMITED", "password": apptest.Password}).Do())
	// The same account is throttled on the other surfaces' logins too, since
	// they share the limiter.
	throttled(s.Post("/api/auth/login/").JSON(map[string]string{"username": u.Username, "password": apptest.Password}).Do())
	// Sign-ups per address: three a minute.
	for i := 0; i < 2; i++ {
		s.Post("/auth/users/").JSON(map[string]string{"username": fmt.Sprintf("n%d", i), "email": fmt.Sprintf("n%d@example.com", i),
			"password": apptest.Password, "re_password": apptest.Password}).Do().Expect(201)
	}
	throttled(s.Post("/accounts/signup/").JSON(map[string]string{"username": "n9"}).Do())
	// Password resets per e-mail address and per client address.
	s.Post("/auth/users/reset_password/").JSON(map[string]string{"email": u.Email}).Do().Expect(204)
	s.Post("/auth/users/reset_password/").JSON(map[string]string{"email": u.Email}).Do().Expect(204)
	throttled(s.Post("/auth/users/reset_password/").JSON(map[string]string{"email": u.Email}).Do())
	// The quota surface answers in its envelope.
	res := s.Post("/user/login").JSON(map[string]string{"email": u.Email, "password": apptest.Password}).Do()
	if res.Status != 429 || !strings.Contains(string(res.Body), `"success":false`) {
		t.Fatalf("quota login: %d %s", res.Status, res.Body)
	}
}

func TestMetrics(t *testing.T) {
	s := apptest.Start(t, store.SQLite)
	u := s.SignUp("measured")
	s.Get("/myprofile/").Token(u.Token).Do().Expect(200)
	s.Get("/nope").Do().Expect(404)
	body := string(s.Get("/metrics").Do().Expect(200).Body)
	for _, want := range []string{
		`mentord_http_requests_total{method="POST",route="/auth/users",status="201"} 1`,
		`mentord_http_requests_total{method="GET",route="/myprofile",status="200"} 1`,
		`mentord_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`mentord_http_request_duration_seconds_bucket{method="GET",route="/myprofile",le=`,
		`mentord_outbox_pending `, `mentord_outbox_oldest_age_seconds `, `mentord_emails_sent_total `,
		`mentord_emails_failed_total `, `go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestCORSWildcardNeverAllowsCredentials: "*" lets any origin read the API
// without credentials; only origins listed by name get credentials.
func TestCORSWildcardNeverAllowsCredentials(t *testing.T) {
	s := apptest.Start(t, store.SQLite, apptest.Options{Config: func(c *config.Config) {
		c.CORSAllowedOrigins = []string{"https://app.example", "*"}
	}})
	for _, tc := range []struct{ origin, allow, credentials string }{
		{"https://evil.example", "*", ""},
		{"https://app.example", "https://app.example", "true"},
	} {
		res := s.Get("/healthz").Header("Origin", tc.origin).Do().Expect(200)
		pre := s.Request("OPTIONS", "/auth/users/me/").Header("Origin", tc.origin).Header("Access-Control-Request-Method", "GET").
			Header("Access-Control-Request-Headers", "authorization").Do()
		for name, h := range map[string]http.Header{"GET": res.Header, "preflight": pre.Header} {
			if got := h.Get("Access-Control-Allow-Origin"); got != tc.allow {
				t.Errorf("%s from %s: Access-Control-Allow-Origin %q, want %q", name, tc.origin, got, tc.allow)
			}
			if got := h.Get("Access-Control-Allow-Credentials"); got != tc.credentials {
				t.Errorf("%s from %s: Access-Control-Allow-Credentials %q, want %q", name, tc.origin, got, tc.credentials)
			}
		}
	}
	only := apptest.Start(t, store.SQLite, apptest.Options{Config: func(c *config.Config) { c.CORSAllowedOrigins = []string{"*"} }})
	res := only.Get("/healthz").Header("Origin", "https://evil.example").Do()
	if res.Header.Get("Access-Control-Allow-Origin") != "*" || res.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("wildcard alone: %v", res.Header)
	}
}

// TestNoRedirects: a path with "//", "/./" or "/../" is served as its
// cleaned route, or is a 404 in the surface's format; nothing redirects
// (a redirected POST loses its body).
func TestNoRedirects(t *testing.T) {
	apptest.Each(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		u := s.Mentor("maya")
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		do := func(method, path, body string) (int, string) {
			req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
			req.URL.Opaque = path // send the path exactly as written
			req.Header.Set("Authorization", "Token "+u.Token)
			req.Header.Set("Content-Type", "application/json")
			res, err := noFollow.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode >= 300 && res.StatusCode < 400 {
				t.Errorf("%s %s redirects: %d %s", method, path, res.StatusCode, res.Header.Get("Location"))
			}
			return res.StatusCode, string(b)
		}
		session := `{"title":"T","description":"d","date":"2099-01-01T10:00:00Z","max_participants":5}`
		for _, tc := range []struct {
			method, path, body string
			status             int
			want               string
		}{
			{"POST", "/api//sessions/", session, 201, `"title":"T"`},
			{"GET", "/api/./sessions/", "", 200, `"count":1`},
			{"GET", "/api/sessions/../sessions", "", 200, `"count":1`},
			{"GET", "/auth//users/me/", "", 200, `"username":"maya"`},
			{"GET", "/media/../x", "", 404, `{"detail":"Not found."}`},
			{"GET", "/media", "", 404, `{"detail":"Not found."}`},
			{"GET", "/media/", "", 404, `{"detail":"Not found."}`},
			{"GET", "/session//getSession/999", "", 404, `"success":false`},
			{"GET", "/schedules/./home/", "", 200, `"finalized_meetings"`},
		} {
			status, body := do(tc.method, tc.path, tc.body)
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%s %s: %d %s, want %d with %s", tc.method, tc.path, status, body, tc.status, tc.want)
			}
		}
	})
}

// TestRateLimitsAcrossProcesses: on PostgreSQL two mentord processes share
// one count, so together they allow the limit once; on SQLite (one process)
// the count is the process's own.
func TestRateLimitsAcrossProcesses(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		url := storetest.URL(t, e)
		limit := func(c *config.Config) { c.LoginPerMinute = 5 }
		a := apptest.Start(t, e, apptest.Options{URL: url, Config: limit})
		b := apptest.Start(t, e, apptest.Options{URL: url, Config: limit, SMTP: a.SMTP})
		a.SignUp("ann")
		login := func(s *apptest.Server) int {
			return s.Post("/auth/token/login/").JSON(map[string]string{"username": "ann", "password": apptest.Password}).Do().Status
		}
		var got []int
		for i := range 8 {
			got = append(got, login([]*apptest.Server{a, b}[i%2]))
		}
		// SignUp has logged in once on a. Shared, the five are spent after
		// four more; per process, a allows four more and b five.
		want := []int{200, 200, 200, 200, 429, 429, 429, 429}
		if e == store.SQLite {
			want = []int{200, 200, 200, 200, 200, 200, 200, 200}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("logins alternating between two processes: %v, want %v", got, want)
		}
	})
}

// TestClassSignsUpFromOneNetwork: the default sign-up limit lets a class of
// 40 sign up at once from one school address, and still stops a flood.
func TestClassSignsUpFromOneNetwork(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		defaults, err := config.Load(func(k string) string { return map[string]string{"SECRET_KEY": "x"}[k] }, "")
		if err != nil {
			t.Fatal(err)
		}
		s := apptest.Start(t, e, apptest.Options{Config: func(c *config.Config) { c.SignupPerMinute = defaults.SignupPerMinute }})
		signup := func(i int) int {
			name := fmt.Sprintf("pupil%02d", i)
			return s.Post("/auth/users/").JSON(map[string]string{"username": name, "email": name + "@school.example",
				"password": apptest.Password, "re_password": apptest.Password}).Do().Status
		}
		for i := range 40 {
			if st := signup(i); st != 201 {
				t.Fatalf("sign-up %d of a class of 40: %d", i+1, st)
			}
		}
		refused := 0
		for i := 40; i < 70; i++ {
			if signup(i) == 429 {
				refused++
			}
		}
		if refused == 0 {
			t.Fatal("70 sign-ups in a moment from one address were all let through")
		}
	})
}

// TestLoginLimitPerAccountIgnoresSpaces: the per-account login limit counts
// an account name however it is padded (the login trims it), so clients
// at many addresses cannot guess one password more often by adding spaces.
func TestLoginLimitPerAccountIgnoresSpaces(t *testing.T) {
	apptest.Each(t, apptest.Options{NoWorker: true, Config: func(c *config.Config) {
		c.LoginPerMinute = 2
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}}, func(t *testing.T, s *apptest.Server) {
		s.SignUp("ann")
		var got []int
		for i, name := range []string{"ann", " ann", "ann ", "\tann", " ann "} {
			got = append(got, s.Post("/auth/token/login/").Header("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1)).
				JSON(map[string]string{"username": name, "password": "wrong-password"}).Do().Status)
		}
		// SignUp has logged in once: one more try, then the account waits.
		if want := []int{400, 429, 429, 429, 429}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("wrong passwords for ann, padded, from five addresses: %v, want %v", got, want)
		}
	})
}

// TestPasswordGuessesWithATokenAreCounted: set_password and deleting one's
// account check the current password, so they take from the account's login
// count, as the web app's password form does: a token alone does not buy
// unthrottled guesses at the password.
func TestPasswordGuessesWithATokenAreCounted(t *testing.T) {
	apptest.Each(t, apptest.Options{NoWorker: true, Config: func(c *config.Config) { c.LoginPerMinute = 3 }}, func(t *testing.T, s *apptest.Server) {
		ann := s.SignUp("ann") // one log-in
		guess := map[string]string{"current_password": "wrong-password", "new_password": "An0ther-Secret!", "re_new_password": "An0ther-Secret!"}
		s.Post("/auth/users/set_password/").Token(ann.Token).JSON(guess).Do().Expect(400)
		s.Delete("/auth/users/me/").Token(ann.Token).JSON(map[string]string{"current_password": "wrong-password"}).Do().Expect(400)
		res := s.Post("/auth/users/set_password/").Token(ann.Token).JSON(guess).Do().Expect(429)
		if res.Header.Get("Retry-After") == "" || !strings.Contains(string(res.Body), "Request was throttled.") {
			t.Fatalf("429: %v %s", res.Header, res.Body)
		}
		s.Delete("/auth/users/me/").Token(ann.Token).JSON(map[string]string{"current_password": apptest.Password}).Do().Expect(429)
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "ann", "password": apptest.Password}).Do().Expect(429)
		// Another account's count is its own.
		bob := s.SignUp("bob")
		s.Post("/auth/users/set_password/").Token(bob.Token).JSON(guess).Do().Expect(400)
	})
}

// TestLoginLimitPerAccountNotPerName: the per-account login limit counts
// the account however it is named — its username or its e-mail address, in
// any case, on any login route — so naming it both ways does not double
// the guesses; it holds across processes on PostgreSQL. A name that is no
// account has a count of its own, refused with the same answer.
func TestLoginLimitPerAccountNotPerName(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		url := storetest.URL(t, e)
		cfg := func(c *config.Config) {
			c.LoginPerMinute = 4
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
		}
		a := apptest.Start(t, e, apptest.Options{URL: url, Config: cfg, NoWorker: true})
		servers := []*apptest.Server{a}
		if e == store.Postgres {
			servers = append(servers, apptest.Start(t, e, apptest.Options{URL: url, Config: cfg, NoWorker: true, SMTP: a.SMTP}))
		}
		a.SignUp("ann") // one log-in
		n := 0
		// Each try from an address of its own, on the next process.
		try := func(route, name, password string) *apptest.Response {
			n++
			s := servers[n%len(servers)]
			var q *apptest.Req
			switch route {
			case "momentors":
				q = s.Post("/auth/token/login/").JSON(map[string]string{"username": name, "password": password})
			case "tutoring":
				q = s.Post("/api/auth/login/").JSON(map[string]string{"email": name, "password": password})
			case "quota":
				q = s.Post("/user/login").JSON(map[string]string{"email": name, "password": password})
			case "web":
				q = s.Post("/app/login").Form(map[string]string{"username": name, "password": password})
			}
			return q.Header("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", n)).Do()
		}
		var got []int
		for _, tc := range []struct{ route, name, password string }{
			{"tutoring", "ann@example.com", "wrong-password"},
			{"momentors", "ANN", "wrong-password"},
			{"web", " Ann@Example.COM ", "wrong-password"},
			// The account's four are spent, whatever it is called now.
			{"quota", "ann@example.com", apptest.Password},
			{"momentors", "ann", apptest.Password},
			{"web", "ann", apptest.Password},
		} {
			got = append(got, try(tc.route, tc.name, tc.password).Status)
		}
		if want := []int{401, 400, 401, 429, 429, 429}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("ann's log-ins by username and e-mail, in several cases, on every route: %v, want %v", got, want)
		}
		refusedAnn := try("momentors", "ann", "wrong-password")

		// No such account: its own count of four, by its name in any case,
		// refused as ann is.
		got = nil
		for _, name := range []string{"nobody@example.com", "NOBODY@example.com", " nobody@Example.com", "nobody@example.com"} {
			got = append(got, try("tutoring", name, "wrong-password").Status)
		}
		if want := []int{401, 401, 401, 401}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("four log-ins as an unknown name: %v, want %v", got, want)
		}
		refused := try("momentors", "Nobody@example.com", "wrong-password")
		digits := func(b []byte) string {
			return strings.Map(func(r rune) rune { return map[bool]rune{true: '#', false: r}[r >= '0' && r <= '9'] }, string(b))
		}
		if refused.Status != 429 || refusedAnn.Status != 429 || digits(refused.Body) != digits(refusedAnn.Body) ||
			(refused.Header.Get("Retry-After") == "") != (refusedAnn.Header.Get("Retry-After") == "") {
			t.Fatalf("an unknown name's fifth try: %d %s; an account's: %d %s", refused.Status, refused.Body, refusedAnn.Status, refusedAnn.Body)
		}
		// bob's count is untouched by all this.
		a.SignUp("bob")
	})
}
