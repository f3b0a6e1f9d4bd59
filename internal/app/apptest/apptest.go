// Package apptest starts a whole mentord (real HTTP stack, real database,
// real SMTP delivery to a server inside the test) for black-box tests.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/app"
	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/config"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/notify/smtptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

// Server is a running mentord for one test.
type Server struct {
	*httptest.Server
	App   *app.App
	Store *store.Store
	SMTP  *smtptest.Server
	Clock *clock.Fake
	t     testing.TB
}

// Options tune the server.
type Options struct {
	// URL is the database to use; default a new one of the engine.
	URL string
	// Now is where the fake clock starts; default the real time now.
	Now time.Time
	// Config is applied on top of the test defaults.
	Config func(*config.Config)
	// NoWorker leaves the delivery worker stopped (tests drive it).
	NoWorker bool
	// SMTP is the mail server to deliver to; default a new one.
	SMTP *smtptest.Server
	// Clock is the clock to use; default a new fake clock at Now.
	Clock *clock.Fake
}

// cheapArgon2 keeps tests fast; stored hashes carry their own cost.
var cheapArgon2 = accounts.Argon2Params{Memory: 64, Time: 1, Threads: 1}

// Start runs mentord on engine until the test ends.
func Start(t testing.TB, engine store.Engine, opts ...Options) *Server {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.URL == "" {
		o.URL = storetest.URL(t, engine)
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC().Truncate(time.Second)
	}
	st := storetest.OpenURL(t, o.URL)
	mail := o.SMTP
	if mail == nil {
		mail = smtptest.Start(t)
	}
	// The server is listening before mentord is built, so that its own
	// address can be FRONTEND_URL: e-mailed links then point at the API's
	// routes (as the original clients' routes are the same paths), which
	// the API tests follow. Tests of the web app's links unset it.
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	cfg := config.Config{
		FrontendURL: srv.URL,
		DatabaseURL: o.URL,
		SecretKey:   "test-secret-key",
		MediaRoot:   t.TempDir(),
		Email:       mail.Config(),
		// Every test request comes from 127.0.0.1; tests of the limits set
		// their own.
		LoginPerMinute: 100000, SignupPerMinute: 100000, ResetPerMinute: 100000, RespondPerMinute: 100000,
	}
	if o.Config != nil {
		o.Config(&cfg)
	}
	clk := o.Clock
	if clk == nil {
		clk = clock.NewFake(o.Now)
	}
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	a, err := app.New(context.Background(), cfg, st, app.Options{Clock: clk, Log: log, Console: io.Discard, Argon2: &cheapArgon2})
	if err != nil {
		t.Fatal(err)
	}
	a.Worker.Poll = 20 * time.Millisecond
	handler := a.Handler()
	// Benchmarks measure the server, not the checking of its answers.
	if _, bench := t.(*testing.B); !bench {
		idx, err := openAPIIndex()
		if err != nil {
			t.Fatal(err)
		}
		handler = validating(t, idx, handler)
	}
	srv.Config.Handler = handler
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	if !o.NoWorker {
		wg.Add(1)
		go func() { defer wg.Done(); a.RunWorker(ctx) }()
	}
	t.Cleanup(func() {
		srv.Close()
		cancel()
		wg.Wait()
	})
	return &Server{Server: srv, App: a, Store: st, SMTP: mail, Clock: clk, t: t}
}

// Each runs fn once per engine, as storetest.ForEach does (PostgreSQL only
// when it is configured), each time on a new server started with opts; t
// is a test or a benchmark.
// Tests that need the engine itself use storetest.ForEach and Start.
func Each[T storetest.TB[T]](t T, opts Options, fn func(t T, s *Server)) {
	t.Helper()
	storetest.ForEach(t, func(t T, e store.Engine) {
		fn(t, Start(t, e, opts))
	})
}

// EachAt runs fn as Each does, on a server whose clock starts at now and
// whose delivery worker is stopped: the test delivers the e-mails itself
// (Deliver), when it wants to read them.
func EachAt[T storetest.TB[T]](t T, now time.Time, fn func(t T, s *Server)) {
	t.Helper()
	Each(t, Options{Now: now, NoWorker: true}, fn)
}

// EachCluster runs fn on each engine with one mentord and, on PostgreSQL,
// again with two sharing the database as two processes would, each run a
// subtest "N instance(s)". The first server is started with opts, the
// others with opts on its database and its clock.
func EachCluster(t *testing.T, opts Options, fn func(t *testing.T, servers []*Server)) {
	t.Helper()
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		instances := 1
		if e == store.Postgres {
			instances = 2
		}
		for n := 1; n <= instances; n++ {
			t.Run(fmt.Sprintf("%d instance(s)", n), func(t *testing.T) {
				o := opts
				o.URL = storetest.URL(t, e)
				servers := []*Server{Start(t, e, o)}
				o.Clock = servers[0].Clock
				for len(servers) < n {
					servers = append(servers, Start(t, e, o))
				}
				fn(t, servers)
			})
		}
	})
}

// LoginLimited starts a server on SQLite that takes one login a minute,
// sends path a login that fails (401) and returns the answer to a second
// one, which must be 429 with Retry-After.
func LoginLimited(t *testing.T, path string) *Response {
	t.Helper()
	s := Start(t, store.SQLite, Options{NoWorker: true, Config: func(c *config.Config) { c.LoginPerMinute = 1 }})
	login := map[string]string{"email": "nobody@example.com", "password": "x"}
	s.Post(path).JSON(login).Do().Expect(401)
	res := s.Post(path).JSON(login).Do().Expect(429)
	if res.Header.Get("Retry-After") == "" {
		t.Fatalf("429 without Retry-After: %v %s", res.Header, res.Body)
	}
	return res
}

// AtOnce calls fn(0), ..., fn(n-1), each on its own goroutine, all
// released together, and returns when every call has.
func AtOnce(n int, fn func(i int)) {
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			fn(i)
		}()
	}
	close(gate)
	wg.Wait()
}

// Winners counts the statuses that are win among the answers to requests
// that raced, failing the test for any that is neither win nor lose.
func Winners(t testing.TB, statuses []int, win, lose int) int {
	t.Helper()
	n := 0
	for _, st := range statuses {
		switch st {
		case win:
			n++
		case lose:
		default:
			t.Errorf("status %d, want %d or %d", st, win, lose)
		}
	}
	return n
}

// Deliver runs the delivery worker until no job is due, for tests that
// start the server with NoWorker and drive it.
func (s *Server) Deliver() {
	s.t.Helper()
	for {
		n, err := s.App.Worker.RunOnce(context.Background())
		if err != nil {
			s.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Response is what the server answered.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	t      testing.TB
}

// JSON decodes the body into a generic value.
func (r *Response) JSON() any {
	r.t.Helper()
	var v any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		r.t.Fatalf("response is not JSON (%v): %s", err, r.Body)
	}
	return v
}

// Obj decodes the body as an object.
func (r *Response) Obj() map[string]any {
	r.t.Helper()
	m, ok := r.JSON().(map[string]any)
	if !ok {
		r.t.Fatalf("response is not an object: %s", r.Body)
	}
	return m
}

// List decodes the body as a list.
func (r *Response) List() []any {
	r.t.Helper()
	l, ok := r.JSON().([]any)
	if !ok {
		r.t.Fatalf("response is not a list: %s", r.Body)
	}
	return l
}

// Cookie is the cookie named name that the answer sets, or nil.
func (r *Response) Cookie(name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Decode decodes the body into v.
func (r *Response) Decode(v any) {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("decoding %s: %v", r.Body, err)
	}
}

// Expect fails the test unless the status is want.
func (r *Response) Expect(want int) *Response {
	r.t.Helper()
	if r.Status != want {
		r.t.Fatalf("status %d, want %d; body %s", r.Status, want, r.Body)
	}
	return r
}

// Robust fails the test, naming the request, when the answer is a server
// error or an error whose body is not JSON: what no input may cause.
func (r *Response) Robust(name string) *Response {
	r.t.Helper()
	if r.Status >= 500 {
		r.t.Errorf("%s: %d %s", name, r.Status, r.Body)
	}
	var v any
	if r.Status >= 400 && json.Unmarshal(r.Body, &v) != nil {
		r.t.Errorf("%s: error body is not JSON: %s", name, r.Body)
	}
	return r
}

// ExpectBody fails the test unless status and the JSON body equal the wants.
func (r *Response) ExpectBody(status int, wantJSON string) *Response {
	r.t.Helper()
	r.Expect(status)
	var got, want any
	if err := json.Unmarshal([]byte(wantJSON), &want); err != nil {
		r.t.Fatalf("bad want JSON %s: %v", wantJSON, err)
	}
	if err := json.Unmarshal(r.Body, &got); err != nil {
		r.t.Fatalf("response is not JSON: %s", r.Body)
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		r.t.Fatalf("body\n got %s\nwant %s", g, w)
	}
	return r
}

// Req is one request being built.
type Req struct {
	s       *Server
	method  string
	path    string
	body    io.Reader
	ctype   string
	headers http.Header
	cookies []*http.Cookie
}

// Request starts a request.
func (s *Server) Request(method, path string) *Req {
	return &Req{s: s, method: method, path: path, headers: http.Header{}}
}

// JSON sets a JSON body (a string is sent as is).
func (q *Req) JSON(v any) *Req {
	switch b := v.(type) {
	case string:
		q.body = strings.NewReader(b)
	case []byte:
		q.body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(v)
		if err != nil {
			q.s.t.Fatal(err)
		}
		q.body = bytes.NewReader(data)
	}
	q.ctype = "application/json"
	return q
}

// Raw sets a body with a content type.
func (q *Req) Raw(contentType string, body []byte) *Req {
	q.body, q.ctype = bytes.NewReader(body), contentType
	return q
}

// Form sets an application/x-www-form-urlencoded body of the fields.
func (q *Req) Form(fields map[string]string) *Req {
	v := url.Values{}
	for k, f := range fields {
		v.Set(k, f)
	}
	return q.Raw("application/x-www-form-urlencoded", []byte(v.Encode()))
}

// File is a multipart file part.
type File struct {
	Field, Name, ContentType string
	Data                     []byte
}

// Multipart sets a multipart/form-data body.
func (q *Req) Multipart(fields map[string]string, files ...File) *Req {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, f := range files {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, f.Field, f.Name)}
		h["Content-Type"] = []string{f.ContentType}
		w, _ := mw.CreatePart(h)
		w.Write(f.Data)
	}
	mw.Close()
	q.body, q.ctype = &b, mw.FormDataContentType()
	return q
}

// Token authenticates with a DRF-style token.
func (q *Req) Token(key string) *Req { return q.Header("Authorization", "Token "+key) }

// As authenticates as u with whatever credential u carries (a DRF-style
// token, or a JWT for users made by Students).
func (q *Req) As(u User) *Req {
	if strings.Contains(u.Token, ".") {
		return q.Bearer(u.Token)
	}
	return q.Token(u.Token)
}

// Bearer authenticates with a JWT.
func (q *Req) Bearer(jwt string) *Req { return q.Header("Authorization", "Bearer "+jwt) }

// Header sets a request header.
func (q *Req) Header(k, v string) *Req { q.headers.Set(k, v); return q }

// Cookie adds a cookie.
func (q *Req) Cookie(name, value string) *Req {
	q.cookies = append(q.cookies, &http.Cookie{Name: name, Value: value})
	return q
}

// Do sends the request.
func (q *Req) Do() *Response {
	t := q.s.t
	t.Helper()
	req, err := http.NewRequest(q.method, q.s.URL+q.path, q.body)
	if err != nil {
		t.Fatal(err)
	}
	if q.ctype != "" {
		req.Header.Set("Content-Type", q.ctype)
	}
	for k, v := range q.headers {
		req.Header[k] = v
	}
	for _, c := range q.cookies {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", q.method, q.path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: body, t: t}
}

// Get, Post, ... are shorthands for common requests.
func (s *Server) Get(path string) *Req    { return s.Request("GET", path) }
func (s *Server) Post(path string) *Req   { return s.Request("POST", path) }
func (s *Server) Put(path string) *Req    { return s.Request("PUT", path) }
func (s *Server) Patch(path string) *Req  { return s.Request("PATCH", path) }
func (s *Server) Delete(path string) *Req { return s.Request("DELETE", path) }

// The links mentord's e-mails carry, whole in group 0: a password reset
// (uid and token) and an invitation to answer a calendar (its id and the
// token).
var (
	ResetLink  = regexp.MustCompile(`https?://\S+/password/reset/confirm/([A-Za-z0-9_-]+)/([A-Za-z0-9_-]+)`)
	InviteLink = regexp.MustCompile(`https?://\S+/schedules/calendars/(\d+)/respond/([A-Za-z0-9_-]+)/`)
)

// Password is the password every helper-made user gets.
const Password = "Sup3r-Secret-pw!"

// User is an account made by a helper.
type User struct {
	ID       int64
	Username string
	Email    string
	Token    string // a DRF-style token key, or a JWT (see Students)
}

// SignUp creates an account through the API and logs it in.
func (s *Server) SignUp(username string) User {
	s.t.Helper()
	email := username + "@example.com"
	res := s.Post("/auth/users/").JSON(map[string]string{"username": username, "email": email, "password": Password, "re_password": Password}).Do().Expect(201)
	var created struct {
		ID int64 `json:"id"`
	}
	res.Decode(&created)
	var tok struct {
		AuthToken string `json:"auth_token"`
	}
	s.Post("/auth/token/login/").JSON(map[string]string{"username": username, "password": Password}).Do().Expect(200).Decode(&tok)
	return User{ID: created.ID, Username: strings.ToLower(username), Email: email, Token: tok.AuthToken}
}

// Mentor signs up a user, flags them as mentor and gives them a profile.
func (s *Server) Mentor(username string, skills ...string) User {
	s.t.Helper()
	u := s.SignUp(username)
	s.Patch("/myprofile/").Token(u.Token).JSON(map[string]any{"is_mentor": true, "first_name": strings.ToUpper(username[:1]) + username[1:], "last_name": "Mentor"}).Do().Expect(200)
	if len(skills) == 0 {
		skills = []string{"HTML"}
	}
	s.Post("/mentorinfo/").Token(u.Token).JSON(map[string]any{"about_me": "I help.", "skills": skills}).Do().Expect(201)
	return u
}

// Mentee signs up a user, flags them as mentee and gives them a profile.
func (s *Server) Mentee(username string) User {
	s.t.Helper()
	u := s.SignUp(username)
	s.Patch("/myprofile/").Token(u.Token).JSON(map[string]any{"is_mentee": true, "first_name": strings.ToUpper(username[:1]) + username[1:], "last_name": "Mentee"}).Do().Expect(200)
	s.Post("/menteeinfo/").Token(u.Token).JSON(map[string]any{"team_number": 1}).Do().Expect(201)
	return u
}

// Staff stores a superuser (staff, not a mentor), as `mentord
// createsuperuser` would; it authenticates with JWT (see JWT).
func (s *Server) Staff(username string) User {
	s.t.Helper()
	email := username + "@example.com"
	u, err := s.App.Accounts.CreateSuperuser(context.Background(), username, email, Password)
	if err != nil {
		s.t.Fatal(err)
	}
	return User{ID: u.ID, Username: u.Username, Email: email}
}

// JWT returns an access token for the user, as /api/auth/login/ would.
func (s *Server) JWT(u User) string {
	s.t.Helper()
	access, _, err := s.App.Accounts.IssueJWT(context.Background(), u.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	return access
}

// Students stores n users who are mentees (no mentor flag) straight into the
// store, for tests that need many; they authenticate with JWT.
func (s *Server) Students(prefix string, n int) []User {
	s.t.Helper()
	ctx := context.Background()
	out := make([]User, n)
	err := s.Store.Tx(ctx, func(q *store.Q) error {
		for i := range out {
			u := &domain.User{Username: fmt.Sprintf("%s%d", prefix, i), Email: fmt.Sprintf("%s%d@example.com", prefix, i),
				FirstName: "Student", LastName: fmt.Sprint(i), Timezone: "UTC", IsActive: true, IsMentee: true, DateJoined: s.Clock.Now()}
			if err := q.CreateUser(ctx, u); err != nil {
				return err
			}
			out[i] = User{ID: u.ID, Username: u.Username, Email: u.Email}
		}
		return nil
	})
	if err != nil {
		s.t.Fatal(err)
	}
	for i := range out {
		out[i].Token = s.JWT(out[i])
	}
	return out
}

// BadJSON are bodies that are not the JSON object a route reads.
var BadJSON = []string{`{`, `[1]`, `"x"`, `null`, `7`}

// SendBadBodies sends the route, as u, each of BadJSON and, for each of the
// fields it reads, an object with only that field, set to each of values;
// every answer must be Robust.
func (s *Server) SendBadBodies(u User, method, path string, fields []string, values []any) {
	s.t.Helper()
	for _, body := range BadJSON {
		s.Request(method, path).As(u).JSON(body).Do().Robust(method + " " + path + " " + body)
	}
	for _, f := range fields {
		for _, v := range values {
			s.Request(method, path).As(u).JSON(map[string]any{f: v}).Do().Robust(fmt.Sprintf("%s %s {%s: %.40v}", method, path, f, v))
		}
	}
}

// ExpectLines fails the test unless got is want, line for line, showing
// both as what.
func ExpectLines(t testing.TB, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\n got %s\nwant %s", what, strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
}
