package web_test

// The helpers every test of the web app shares: the two prologues (a
// handler test over HTTP, a journey in Chromium), an HTTP browser, the
// checks on its pages, and the steps many tests take (log in, sign up,
// book a session, make a calendar on the scheduler API).

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/config"
	"github.com/mentord/mentord/internal/notify/smtptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
	"github.com/mentord/mentord/internal/web/webtest"
)

func TestMain(m *testing.M) { webtest.Main(m) }

// The fake clocks of the tests.
var (
	// mentoringNow is a Tuesday, so that "tomorrow" is in the same week.
	mentoringNow = time.Date(2030, 1, 15, 9, 0, 0, 0, time.UTC)
	// groupsNow is the group-session tests': the same Tuesday.
	groupsNow = mentoringNow
	// inviteeT0 is when invitee tests start: before their calendars' slots.
	inviteeT0 = time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC)
)

// webApp is o for a web test: e-mailed links open the web app.
func webApp(o apptest.Options) apptest.Options {
	cfg := o.Config
	o.Config = func(c *config.Config) {
		c.FrontendURL = ""
		if cfg != nil {
			cfg(c)
		}
	}
	return o
}

// eachEngine is the prologue of a handler test: fn runs once per engine,
// on a mentord started with o for the web app (see webApp).
func eachEngine[T storetest.TB[T]](t T, o apptest.Options, fn func(t T, s *apptest.Server)) {
	t.Helper()
	apptest.Each(t, webApp(o), fn)
}

// journey is the prologue of a test in headless Chromium: fn runs once per
// engine, with the shared browser and a mentord started with o for the
// web app. It skips the test when no Chromium is installed.
func journey(t *testing.T, o apptest.Options, fn func(t *testing.T, s *apptest.Server, j *chromium)) {
	t.Helper()
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		b := webtest.Chromium(t)
		s := apptest.Start(t, e, webApp(o))
		fn(t, s, &chromium{t: t, b: b, s: s, shots: e == store.SQLite})
	})
}

// chromium is a journey's browser: its tabs, and the checks and steps
// journeys take in them.
type chromium struct {
	t     *testing.T
	b     *webtest.Browser
	s     *apptest.Server
	shots bool // screenshots are taken once, on the first engine
}

// tab is a new tab: a user of its own.
func (j *chromium) tab() *webtest.Tab { return j.b.Tab(j.t) }

// check asserts the page has no accessibility faults, and saves its
// screenshot as shot (unless shot is "").
func (j *chromium) check(tab *webtest.Tab, shot string) {
	j.t.Helper()
	if p := tab.AccessibilityProblems(); len(p) > 0 {
		j.t.Errorf("accessibility problems on %s: %q", tab.URL(), p)
	}
	if shot != "" && j.shots {
		tab.Screenshot(shot)
	}
}

// submitLogIn sends the log-in form in tab as username.
func (j *chromium) submitLogIn(tab *webtest.Tab, username, password string) {
	j.t.Helper()
	tab.Open(j.s.URL + "/app/login")
	tab.Fill("#f-username", username)
	tab.Fill("#f-password", password)
	tab.ClickButton("Log in")
}

// logIn is a new tab logged in to the web app as username.
func (j *chromium) logIn(username string) *webtest.Tab {
	j.t.Helper()
	tab := j.tab()
	j.submitLogIn(tab, username, apptest.Password)
	tab.WaitText("Log out")
	return tab
}

// fieldValue is the current value of the form field selector finds.
func fieldValue(t *testing.T, tab *webtest.Tab, selector string) string {
	t.Helper()
	v, err := chromedp.Run(tab.Context(), chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).value`, selector)))
	if err != nil {
		t.Fatalf("value of %s: %v", selector, err)
	}
	return v
}

// browser is an HTTP client with a cookie jar that follows redirects and
// sends the Origin a browser sends with a form.
type browser struct {
	t   *testing.T
	s   *apptest.Server
	c   *http.Client
	res *http.Response
}

func newBrowser(t *testing.T, s *apptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, s: s, c: &http.Client{Jar: jar}}
}

// get opens a page; it returns the status and the body.
func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.s.URL+path, nil)
	req.Header.Set("Accept", "text/html")
	return b.do(req)
}

// post sends a form as the page at path would.
func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	return b.send(path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

// postFile sends a multipart form with one file, as the photo form does.
func (b *browser) postFile(path, field, filename, contentType string, data []byte) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreatePart(map[string][]string{
		"Content-Disposition": {fmt.Sprintf(`form-data; name=%q; filename=%q`, field, filename)},
		"Content-Type":        {contentType},
	})
	part.Write(data)
	mw.Close()
	return b.send(path, mw.FormDataContentType(), &body)
}

// send posts body from the web app's own pages.
func (b *browser) send(path, contentType string, body io.Reader) (int, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.s.URL+path, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Origin", b.s.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// postFromAnotherSite posts an empty form to path as a page of another
// site would: Sec-Fetch-Site says cross-site and, unless it is "", Origin
// is origin.
func (b *browser) postFromAnotherSite(path, origin string) (int, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.s.URL+path, nil)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	return b.do(req)
}

func (b *browser) do(req *http.Request) (int, string) {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	b.res = res
	return res.StatusCode, sb.String()
}

var titleRE = regexp.MustCompile(`<title>([^<]*)</title>`)

func title(body string) string {
	if m := titleRE.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// expectPage checks a page's status and title, and that its body holds
// each of want.
func expectPage(t *testing.T, b *browser, path string, status int, titleWant string, want ...string) string {
	t.Helper()
	got, body := b.get(path)
	if got != status || title(body) != titleWant+" · mentord" {
		t.Fatalf("GET %s: %d %q, want %d %q\n%s", path, got, title(body), status, titleWant, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("GET %s: no %s in\n%s", path, w, body)
		}
	}
	return body
}

// expectPost posts form to path as b, checks the answer's status and that
// its body holds each of want, and returns the body.
func expectPost(t *testing.T, b *browser, path string, form url.Values, status int, want ...string) string {
	t.Helper()
	got, body := b.post(path, form)
	return expectAnswer(t, "POST "+path, got, body, status, want...)
}

// expectAnswer checks that the answer to what has the status and holds
// each of want in its body, which it returns.
func expectAnswer(t *testing.T, what string, got int, body string, status int, want ...string) string {
	t.Helper()
	if got != status {
		t.Fatalf("%s: %d, want %d\n%s", what, got, status, body)
	}
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Fatalf("%s: no %s in\n%s", what, w, body)
		}
	}
	return body
}

func expectNotFound(t *testing.T, status int, body, what string) {
	t.Helper()
	if status != 404 || title(body) != "Page not found · mentord" {
		t.Errorf("%s: %d %q, want the 404 page", what, status, title(body))
	}
}

// expectSentToLogIn checks that someone signed out who opens path is sent
// to log in, and then back to path.
func expectSentToLogIn(t *testing.T, s *apptest.Server, path string) {
	t.Helper()
	stranger := newBrowser(t, s)
	stranger.get(path)
	if got := stranger.res.Request.URL; got.Path != "/app/login" || got.Query().Get("next") != path {
		t.Fatalf("signed out at %s: at %s", path, got)
	}
}

// expectNotFoundAt checks that b gets the 404 page at each path; with a
// form, b posts it there instead. The errors say what, then the path.
func expectNotFoundAt(t *testing.T, b *browser, what string, form url.Values, paths ...string) {
	t.Helper()
	for _, path := range paths {
		var status int
		var body string
		if form == nil {
			status, body = b.get(path)
		} else {
			status, body = b.post(path, form)
		}
		expectNotFound(t, status, body, what+path)
	}
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: no %s", what, w)
		}
	}
}

func find(t *testing.T, re, body string) string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in\n%s", re, body)
	}
	return m[1]
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// logIn is a browser signed in to the web app as username.
func logIn(t *testing.T, s *apptest.Server, username string) *browser {
	t.Helper()
	b := newBrowser(t, s)
	if status, _ := b.post("/app/login", url.Values{"username": {username}, "password": {apptest.Password}}); status != 200 || b.res.Request.URL.Path != "/app" {
		t.Fatalf("log in as %s: %d at %s", username, status, b.res.Request.URL)
	}
	return b
}

// webLogin signs b in on the web app, landing on the profile page.
func webLogin(t *testing.T, b *browser, username, password string) {
	t.Helper()
	if status, body := b.post("/app/login", url.Values{"username": {username}, "password": {password}, "next": {"/app/profile"}}); status != 200 || title(body) != "Your profile · mentord" {
		t.Fatalf("login as %s: %d %q", username, status, title(body))
	}
}

// signUpWeb signs a person up through the web app's form.
func signUpWeb(t *testing.T, s *apptest.Server, username, first, role, zone string) *browser {
	t.Helper()
	b := newBrowser(t, s)
	status, body := b.post("/app/signup", url.Values{"username": {username}, "email": {username + "@example.org"}, "password": {apptest.Password},
		"re_password": {apptest.Password}, "first_name": {first}, "last_name": {"Example"}, "role": {role}, "timezone": {zone}})
	if status != 200 {
		t.Fatalf("sign-up of %s: %d\n%s", username, status, body)
	}
	return b
}

// bookSession has mentee request a confirmed 60-minute session with mentor
// on 15 January 2030 at 15:00 UTC, through the Momentors API; its id.
func bookSession(t *testing.T, s *apptest.Server, mentor, mentee apptest.User) string {
	t.Helper()
	av := s.Post("/availability/").Token(mentor.Token).Header("Accept", "application/json; version=v2").
		JSON(map[string]string{"start_time": "2030-01-15T15:00:00Z", "end_time": "2030-01-15T17:00:00Z"}).Do().Expect(201).JSON()
	var availID any
	switch v := av.(type) {
	case []any:
		availID = v[0].(map[string]any)["pk"]
	case map[string]any:
		availID = v["pk"]
	}
	req := s.Post("/sessionrequest/").Token(mentee.Token).JSON(map[string]any{"mentor_availability": availID,
		"start_time": "2030-01-15T15:00:00Z", "session_length": 60}).Do().Expect(201).Obj()
	id := itoa64(int64(req["pk"].(float64)))
	s.Patch("/sessionrequest/" + id + "/").Token(mentor.Token).JSON(map[string]string{"status": "Confirmed"}).Do().Expect(200)
	return id
}

// groupForm is the instructor's form with every field.
func groupForm(title, subject, date, capacity string) url.Values {
	return url.Values{"title": {title}, "subject": {subject}, "description": {"Bring your questions."}, "date": {date}, "capacity": {capacity}}
}

// apiSeats is what the tutoring API says of a session: its participants'
// usernames and whether it is full.
func apiSeats(t *testing.T, s *apptest.Server, as apptest.User, id string) ([]string, bool) {
	t.Helper()
	var out struct {
		Participants []struct {
			User struct {
				Username string `json:"username"`
			} `json:"user"`
		} `json:"participants"`
		IsFull bool `json:"is_full"`
	}
	s.Get("/api/sessions/" + id).Bearer(s.JWT(as)).Do().Expect(200).Decode(&out)
	var names []string
	for _, p := range out.Participants {
		names = append(names, p.User.Username)
	}
	return names, out.IsFull
}

// schedOwner signs up and logs in on the scheduler API, as its tests do,
// and returns an access token.
func schedOwner(t *testing.T, s *apptest.Server, username string) string {
	t.Helper()
	s.Post("/accounts/signup/").JSON(map[string]string{"email": username + "@example.com", "username": username, "first_name": "Olive",
		"last_name": "Owner", "password": apptest.Password, "password2": apptest.Password}).Do().Expect(201)
	return schedLogin(t, s, username)
}

// schedLogin logs in on the scheduler API again (its access tokens last
// minutes, and tests move the clock by days).
func schedLogin(t *testing.T, s *apptest.Server, username string) string {
	t.Helper()
	var tok struct{ Access string }
	s.Post("/accounts/login/").JSON(map[string]string{"username": username, "password": apptest.Password}).Do().Expect(200).Decode(&tok)
	return tok.Access
}

// schedContact adds first Guest to the owner's contacts; its id.
func schedContact(t *testing.T, s *apptest.Server, tok, first string) int {
	t.Helper()
	res := s.Post("/schedules/contacts/").Bearer(tok).JSON(map[string]string{"first_Name": first, "last_Name": "Guest",
		"email": strings.ToLower(first) + "@guests.example"}).Do().Expect(201).Obj()
	return int(res["id"].(float64))
}

// torontoCalendar creates a calendar in America/Toronto with two slots,
// answered by 2030-03-05 (midnight UTC), and returns its id.
func torontoCalendar(t *testing.T, s *apptest.Server, tok string, invitees ...int) int {
	t.Helper()
	return int(s.Post("/schedules/calendars/create/").Bearer(tok).JSON(map[string]any{
		"name": "Project interviews", "description": "A first chat about your project.", "deadline": "2030-03-05T00:00:00Z",
		"invitees": invitees, "timezone": "America/Toronto", "meeting_length": 30,
		"available_slots": []any{
			map[string]any{"date": "2030-03-12", "start_time": "13:00:00", "end_time": "15:00:00", "preference_level": 3},
			map[string]any{"date": "2030-03-13", "start_time": "10:00:00", "end_time": "12:00:00", "preference_level": 1},
		},
	}).Do().Expect(201).Obj()["id"].(float64))
}

var respondLinkRE = regexp.MustCompile(`https?://\S+/app/respond/\d+/[A-Za-z0-9_-]+`)

// respondLinks reads the answer links from the invitation e-mails, by
// recipient, as paths.
func respondLinks(t *testing.T, s *apptest.Server, mails []smtptest.Mail) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range mails {
		if m.Subject != "Meeting invitation" {
			continue
		}
		l := respondLinkRE.FindString(m.Text)
		if !strings.HasPrefix(l, s.URL+"/app/respond/") {
			t.Fatalf("the invitation links %q, not the web app's answer page:\n%s", l, m.Text)
		}
		out[m.To[0]] = strings.TrimPrefix(l, s.URL)
	}
	return out
}

// mailWait is how long a test waits for an e-mail.
const mailWait = 15 * time.Second

// mailTo waits for an e-mail to to, and to nobody else, whose subject and
// text pass ok, and returns it.
func mailTo(s *apptest.Server, to string, ok func(subject, text string) bool) smtptest.Mail {
	return s.SMTP.WaitFor(mailWait, func(m smtptest.Mail) bool { return len(m.To) == 1 && m.To[0] == to && ok(m.Subject, m.Text) })
}

var resetLinkRE = regexp.MustCompile(`https?://\S+/app/password/reset/\S+/\S+`)

// resetLink waits for the first e-mail and returns the password-reset
// link in it.
func resetLink(s *apptest.Server) string {
	mails := s.SMTP.Wait(1, mailWait)
	return resetLinkRE.FindString(mails[0].Text)
}

// invitationLinks waits for n e-mails, and returns the answer links of the
// invitations among them (see respondLinks).
func invitationLinks(t *testing.T, s *apptest.Server, n int) map[string]string {
	t.Helper()
	return respondLinks(t, s, s.SMTP.Wait(n, mailWait))
}

// pngImage is a small PNG of one colour.
func pngImage(t testing.TB, w, h int, c color.Color) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
