package momentors_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

type route struct {
	method, path string
	fields       []string
}

// Every write route of the Momentors account and profile API with the fields
// it reads.
var writeRoutes = []route{
	{"POST", "/auth/users/", []string{"username", "email", "password", "re_password"}},
	{"PATCH", "/auth/users/me/", []string{"email"}},
	{"PUT", "/auth/users/me/", []string{"email"}},
	{"PATCH", "/auth/users/1/", []string{"email"}},
	{"POST", "/auth/users/set_password/", []string{"current_password", "new_password", "re_new_password"}},
	{"POST", "/auth/users/reset_password/", []string{"email"}},
	{"POST", "/auth/users/reset_password_confirm/", []string{"uid", "token", "new_password", "re_new_password"}},
	{"POST", "/auth/token/login/", []string{"username", "password"}},
	{"PATCH", "/myprofile/", []string{"first_name", "last_name", "email", "phone_number", "timezone", "is_mentor", "is_mentee", "is_active", "profile_photo"}},
	{"PUT", "/myprofile/", []string{"first_name", "last_name", "email", "phone_number", "timezone", "is_mentor"}},
	{"POST", "/mentorinfo/", []string{"about_me", "skills", "team_number"}},
	{"PATCH", "/mentorinfoupdate/", []string{"about_me", "skills", "team_number"}},
	{"PUT", "/mentorinfoupdate/", []string{"about_me", "skills", "team_number"}},
	{"POST", "/menteeinfo/", []string{"team_number"}},
	{"PATCH", "/menteeinfoupdate/", []string{"team_number"}},
	{"PUT", "/menteeinfoupdate/", []string{"team_number"}},
	{"PATCH", "/notificationsettings/1/", []string{"session_requested", "session_confirmed", "session_canceled", "fifteen_minute_alert", "sixty_minute_alert"}},
	{"PUT", "/notificationsettings/1/", []string{"session_requested", "sixty_minute_alert"}},
	{"POST", "/availability/", []string{"start_time", "end_time"}},
	{"POST", "/v2/availabilty/", []string{"start_time", "end_time"}},
	{"POST", "/sessionrequest/", []string{"mentor_availability", "start_time", "session_length"}},
	{"PATCH", "/sessionrequest/1/", []string{"status", "mentor_availability", "start_time", "session_length"}},
	{"PUT", "/sessionrequest/1/", []string{"status", "mentor_availability", "start_time", "session_length"}},
	{"DELETE", "/auth/users/me/", []string{"current_password"}},
}

var readRoutes = []string{"/auth/users/", "/auth/users/me/", "/auth/users/1/", "/myprofile/", "/mentor/", "/mentor/Python/",
	"/mentorinfo/", "/mentorinfoupdate/", "/mentee/", "/menteeinfo/", "/menteeinfoupdate/", "/notificationsettings/1/",
	"/availability/", "/v2/availability/", "/sessionrequest/", "/sessionrequest/1/", "/session/", "/archivesession/"}

var wrongValues = []any{nil, true, 12.5, -1, 1e300, "", strings.Repeat("é", 5000), []any{}, []any{1, nil}, map[string]any{"a": 1},
	"'; DROP TABLE users; --", "\x00", "9999999999999999999999",
	"0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2030-02-30T10:00:00Z"}

// TestBadInputNeverFails500 sends malformed bodies, wrong types and unknown
// values to every route and expects a 4xx (or a harmless 2xx) each time.
func TestBadInputNeverFails500(t *testing.T) {
	apptest.Each(t, apptest.Options{}, func(t *testing.T, s *apptest.Server) {
		s.Mentor("ann")
		var tok struct {
			AuthToken string `json:"auth_token"`
		}
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "ann", "password": apptest.Password}).Do().Expect(200).Decode(&tok)
		s.Post("/menteeinfo/").Token(tok.AuthToken).JSON(`{"team_number": 1}`).Do().Expect(201)
		s.Patch("/myprofile/").Token(tok.AuthToken).JSON(`{"is_mentee": true}`).Do().Expect(200)
		// A session of ann (as mentor) with a mentee, for the session routes.
		day := s.Clock.Now().Add(48 * time.Hour).Truncate(time.Hour)
		s.Post("/availability/").Token(tok.AuthToken).JSON(span(day.Format(time.RFC3339), day.Add(4*time.Hour).Format(time.RFC3339))).Do().Expect(201)
		mentee := s.Mentee("bob")
		s.Post("/sessionrequest/").Token(mentee.Token).JSON(map[string]any{"mentor_availability": 1, "start_time": day.Format(time.RFC3339)}).Do().Expect(201)
		check := func(name string, res *apptest.Response, want4xx bool) {
			t.Helper()
			res.Robust(name)
			if want4xx && res.Status < 400 {
				t.Errorf("%s: status %d: %s", name, res.Status, res.Body)
			}
		}
		for _, r := range writeRoutes {
			for _, body := range []string{`{`, `{"a":}`, `[1,2]`, `"text"`, `42`, `null`, `{"x": 1} trailing`, "\xff\xfe"} {
				res := s.Request(r.method, r.path).Token(tok.AuthToken).JSON(body).Do()
				check(fmt.Sprintf("%s %s %q", r.method, r.path, body), res, r.method != "DELETE" || body != "null")
			}
			for _, ct := range []string{"text/plain", "application/xml", "multipart/form-data", "application/json; charset=\"", "image/png"} {
				res := s.Request(r.method, r.path).Token(tok.AuthToken).Raw(ct, []byte("a=b")).Do()
				check(fmt.Sprintf("%s %s as %s", r.method, r.path, ct), res, true)
			}
			for _, f := range r.fields {
				for _, v := range wrongValues {
					res := s.Request(r.method, r.path).Token(tok.AuthToken).JSON(map[string]any{f: v}).Do()
					check(fmt.Sprintf("%s %s {%s: %.40v}", r.method, r.path, f, v), res, false)
					res = s.Request(r.method, r.path).Token(tok.AuthToken).Multipart(map[string]string{f: fmt.Sprint(v)}).Do()
					check(fmt.Sprintf("%s %s form %s=%.40v", r.method, r.path, f, v), res, false)
				}
			}
		}
		for _, p := range readRoutes {
			check("GET "+p, s.Get(p).Token(tok.AuthToken).JSON(`{"junk": [}`).Do(), false)
			check("GET "+p+" no auth", s.Get(p).Do(), true)
		}
		for _, p := range []string{"/mentor/%00/", "/mentor/" + strings.Repeat("a,", 2000) + "/", "/notificationsettings/99999999999999999999/",
			"/auth/users/-1/", "/auth/users/abc/", "/media/%2e%2e/%2e%2e/etc/passwd", "/nope/nope"} {
			check("GET "+p, s.Get(p).Token(tok.AuthToken).Do(), false)
		}
		// Body limits: a JSON body over 1 MiB is refused with 413.
		big := `{"about_me": "` + strings.Repeat("x", 2<<20) + `"}`
		s.Patch("/mentorinfoupdate/").Token(tok.AuthToken).JSON(big).Do().ExpectBody(413, `{"detail":"Request body is too large."}`)
		// Methods outside the route's list get DRF's 405.
		s.Delete("/mentor/").Token(tok.AuthToken).Do().ExpectBody(405, `{"detail":"Method \"DELETE\" not allowed."}`)
		s.Put("/auth/token/login/").Do().ExpectBody(405, `{"detail":"Method \"PUT\" not allowed."}`)
		s.Post("/myprofile/").Token(tok.AuthToken).Do().Expect(405)
	})
}

// TestNoSecretsInTheDatabase reads every table directly and looks for the
// passwords and tokens the test used.
func TestNoSecretsInTheDatabase(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		url := storetest.URL(t, e)
		s := apptest.Start(t, e, apptest.Options{URL: url, NoWorker: true})
		u := s.SignUp("secretive")
		s.Post("/auth/users/reset_password/").JSON(map[string]string{"email": u.Email}).Do().Expect(204)
		// Deliver synchronously: once RunOnce returns, the job is recorded
		// done and its sensitive payload wiped.
		if n, err := s.App.Worker.RunOnce(t.Context()); n != 1 || err != nil {
			t.Fatalf("delivered %d: %v", n, err)
		}
		mail := s.SMTP.Messages()[0]
		link := apptest.ResetLink.FindStringSubmatch(mail.Text)
		resetToken := link[2]
		access, refresh, _ := s.App.Accounts.IssueJWT(t.Context(), u.ID)
		s.Get("/myprofile/").Bearer(access).Do().Expect(200)

		secrets := []string{apptest.Password, u.Token, resetToken, access, refresh}
		dump := dumpDatabase(t, e, url)
		for _, secret := range secrets {
			if strings.Contains(dump, secret) {
				t.Errorf("the database holds the secret %q", secret[:8]+"...")
			}
		}
		if !strings.Contains(dump, "secretive") || !strings.Contains(dump, "argon2$argon2id$") {
			t.Fatalf("dump looks empty: %.300s", dump)
		}
	})
}

// dumpDatabase returns every value of every table as text.
func dumpDatabase(t *testing.T, e store.Engine, url string) string {
	t.Helper()
	var db *sql.DB
	var err error
	var tablesQuery string
	if e == store.SQLite {
		db, err = sql.Open("sqlite", strings.TrimPrefix(url, "sqlite:"))
		tablesQuery = "SELECT name FROM sqlite_master WHERE type = 'table'"
	} else {
		db, err = sql.Open("pgx", url)
		tablesQuery = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	}
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(tablesQuery)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			rows.Scan(ptrs...)
			for _, v := range vals {
				fmt.Fprintf(&b, "%s\t", v)
			}
			b.WriteByte('\n')
		}
		rows.Close()
	}
	return b.String()
}
