// Command mentord-load seeds a realistic data set into a fresh database,
// runs mentord on it as a separate process, and measures throughput and
// latency of the main endpoints on loopback against a bare net/http JSON
// handler measured in the same run. See docs/benchmarks.md.
//
//	go run ./cmd/mentord-load                      # SQLite
//	go run ./cmd/mentord-load -postgres URL        # SQLite, then PostgreSQL
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/store"
)

func main() {
	if err := loadMain(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mentord-load:", err)
		os.Exit(1)
	}
}

type options struct {
	postgres    string
	engines     []store.Engine
	duration    time.Duration
	warmup      time.Duration
	concurrency int
	server      string
	keep        bool
	profileDir  string
	sizes       sizes
	scenarios   map[string]bool // empty: all
	logins      int             // concurrent logins of the login scenario
}

func loadMain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mentord-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	pg := os.Getenv("MENTORD_LOAD_POSTGRES_URL")
	if pg == "" {
		pg = os.Getenv("MENTORD_TEST_POSTGRES_URL")
	}
	fs.StringVar(&o.postgres, "postgres", pg, "PostgreSQL URL to run against too (a throwaway schema is created and dropped); default $MENTORD_LOAD_POSTGRES_URL or $MENTORD_TEST_POSTGRES_URL")
	engines := fs.String("engines", "", "comma-separated engines to measure (sqlite,postgres); default sqlite, and postgres when a URL is given")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "how long each scenario runs")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured run of each read scenario first")
	fs.IntVar(&o.concurrency, "concurrency", 16, "concurrent clients")
	fs.StringVar(&o.server, "server", "", "mentord binary to run (default: go build ./cmd/mentord)")
	fs.StringVar(&o.profileDir, "profile", "", "write a CPU profile of mentord during each scenario into this directory (go tool pprof)")
	fs.BoolVar(&o.keep, "keep", false, "keep the SQLite databases and server logs (their directory is printed) and the PostgreSQL schemas")
	fs.IntVar(&o.sizes.Mentors, "mentors", 1000, "mentors")
	fs.IntVar(&o.sizes.Mentees, "mentees", 2000, "mentees (more than mentors)")
	fs.IntVar(&o.sizes.Chunks, "chunks", 20000, "30-minute availability chunks, shared among the mentors")
	fs.IntVar(&o.sizes.Sessions, "sessions", 100000, "1:1 sessions (half of the chunks are booked, the rest are in the past)")
	fs.IntVar(&o.sizes.Groups, "groups", 5000, "group sessions")
	only := fs.String("scenarios", "", "comma-separated scenarios to run (baseline,commit,mentors,sessions,request,join,logins); default all")
	fs.IntVar(&o.logins, "logins", 200, "concurrent clients of the login scenario (each login hashes a password with argon2id, 19 MiB)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.scenarios = map[string]bool{}
	for _, name := range strings.Split(*only, ",") {
		if name = strings.TrimSpace(name); name != "" {
			o.scenarios[name] = true
		}
	}
	if o.sizes.Mentees <= o.sizes.Mentors || o.sizes.Chunks < o.sizes.Mentors || o.concurrency < 1 {
		return fmt.Errorf("need more mentees than mentors, at least one chunk per mentor, and a concurrency of at least 1")
	}
	switch *engines {
	case "":
		o.engines = []store.Engine{store.SQLite}
		if o.postgres != "" {
			o.engines = append(o.engines, store.Postgres)
		}
	default:
		for _, e := range strings.Split(*engines, ",") {
			switch store.Engine(strings.TrimSpace(e)) {
			case store.SQLite:
				o.engines = append(o.engines, store.SQLite)
			case store.Postgres:
				if o.postgres == "" {
					return fmt.Errorf("-engines postgres needs -postgres URL")
				}
				o.engines = append(o.engines, store.Postgres)
			default:
				return fmt.Errorf("unknown engine %q", e)
			}
		}
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	dir, err := os.MkdirTemp("", "mentord-load-")
	if err != nil {
		return err
	}
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	if o.keep {
		logf("keeping %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	bin := o.server
	if bin == "" {
		logf("building mentord")
		if bin, err = buildServer(dir); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "mentord load: %d mentors, %d mentees, %d availability chunks, %d sessions, %d group sessions; %d clients, %s per scenario; %s/%s, %d CPUs, %s\n\n",
		o.sizes.Mentors, o.sizes.Mentees, o.sizes.Chunks, o.sizes.Sessions, o.sizes.Groups, o.concurrency, o.duration,
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	for _, e := range o.engines {
		if err := runEngine(ctx, o, e, bin, filepath.Join(dir, string(e)), stdout, logf); err != nil {
			return fmt.Errorf("%s: %w", e, err)
		}
	}
	return nil
}

func runEngine(ctx context.Context, o options, engine store.Engine, bin, dir string, stdout io.Writer, logf func(string, ...any)) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	databaseURL, drop, err := freshDatabase(engine, o.postgres, dir)
	if err != nil {
		return err
	}
	if o.keep {
		logf("%s: database %s", engine, databaseURL)
	} else {
		defer drop()
	}
	logf("%s: seeding", engine)
	st, err := store.Open(ctx, databaseURL)
	if err != nil {
		return err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return err
	}
	secret := "load-" + randomHex(16)
	seedStarted := time.Now()
	fx, err := seed(ctx, st, secret, o.sizes, time.Now(), logf)
	st.Close()
	if err != nil {
		return err
	}
	seedTime := time.Since(seedStarted)

	srv, err := startServer(ctx, bin, databaseURL, secret, dir, o.profileDir != "")
	if err != nil {
		return err
	}
	defer srv.stop()
	commitDB, err := openCommitDB(engine, databaseURL)
	if err != nil {
		return err
	}
	defer commitDB.Close()
	baseAddr, stopBaseline, err := startBaseline(commitDB, engine)
	if err != nil {
		return err
	}
	defer stopBaseline()

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: o.concurrency * 2, MaxIdleConnsPerHost: o.concurrency * 2,
		DisableCompression: true, IdleConnTimeout: time.Minute}, Timeout: 30 * time.Second}
	api := "http://" + srv.addr
	get := func(path, auth string) *http.Request {
		req, _ := http.NewRequest("GET", api+path, nil)
		req.Header.Set("Authorization", auth)
		return req
	}
	post := func(path, auth, body string) *http.Request {
		req, _ := http.NewRequest("POST", api+path, strings.NewReader(body))
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		return req
	}
	baseline := scenario{Key: "baseline", Name: "bare net/http JSON handler (baseline)", Want: 200, Request: func(int) (*http.Request, bool) {
		req, _ := http.NewRequest("GET", "http://"+baseAddr+"/", nil)
		return req, true
	}}
	commit := scenario{Key: "commit", Name: "raw single-row commit over net/http (baseline of writes)", Want: 201, Baseline: true, Request: func(int) (*http.Request, bool) {
		req, _ := http.NewRequest("POST", "http://"+baseAddr+"/commit", nil)
		return req, true
	}}
	logins := scenario{Key: "logins", Name: fmt.Sprintf("`POST /auth/token/login/`, %d at once (argon2id)", o.logins), Want: 200, Clients: o.logins,
		Request: func(int) (*http.Request, bool) {
			return post("/auth/token/login/", "", fmt.Sprintf(`{"username":%q,"password":%q}`, fx.LoginUser, fx.LoginPassword)), true
		}}
	mentors := scenario{Key: "mentors", Name: "`GET /mentor/` (all mentors with availability)", Want: 200, Request: func(i int) (*http.Request, bool) {
		return get("/mentor/", "Token "+fx.MenteeTokens[i%len(fx.MenteeTokens)]), true
	}}
	sessions := scenario{Key: "sessions", Name: "`GET /session/` (a mentor's upcoming sessions)", Want: 200, Request: func(i int) (*http.Request, bool) {
		return get("/session/", "Token "+fx.MentorTokens[i%len(fx.MentorTokens)]), true
	}}
	request := scenario{Key: "request", Name: "`POST /sessionrequest/` (each books a free chunk)", Want: 201, Request: func(i int) (*http.Request, bool) {
		if i >= len(fx.FreeSlots) {
			return nil, false
		}
		s := fx.FreeSlots[i]
		return post("/sessionrequest/", "Token "+fx.MenteeTokens[s.Mentee],
			fmt.Sprintf(`{"mentor_availability":%d,"start_time":%q,"session_length":30}`, s.AvailabilityID, s.Start.Format(time.RFC3339))), true
	}}
	join := scenario{Key: "join", Name: "`POST /api/sessions/{id}/join/` (group booking)", Want: 201, Request: func(i int) (*http.Request, bool) {
		if i >= len(fx.FreeSeats) {
			return nil, false
		}
		s := fx.FreeSeats[i]
		return post(fmt.Sprintf("/api/sessions/%d/join/", s.GroupID), "Bearer "+fx.MenteeJWTs[s.Mentee], ""), true
	}}

	var chosen []scenario
	for _, sc := range []scenario{baseline, commit, mentors, sessions, request, join, logins} {
		if len(o.scenarios) == 0 || o.scenarios[sc.Key] || sc.Key == "baseline" {
			chosen = append(chosen, sc)
		}
	}
	for _, sc := range chosen {
		if o.warmup > 0 && (sc.Key == "baseline" || sc.Key == "mentors" || sc.Key == "sessions") {
			run(ctx, client, sc, o.concurrency, o.warmup)
		}
	}
	var results []result
	for i, sc := range chosen {
		logf("%s: %s", engine, sc.Name)
		var profiled chan error
		if o.profileDir != "" && i > 0 {
			profiled = make(chan error, 1)
			path := filepath.Join(o.profileDir, fmt.Sprintf("%s-%d.pprof", engine, i))
			go func() { profiled <- srv.profileCPU(ctx, o.duration, path) }()
		}
		before, err := srv.cpuTime()
		if err != nil {
			return err
		}
		clients := o.concurrency
		if sc.Clients > 0 {
			clients = sc.Clients
		}
		r := run(ctx, client, sc, clients, o.duration)
		after, err := srv.cpuTime()
		if err != nil {
			return err
		}
		r.ServerCPU = after - before
		if profiled != nil {
			if err := <-profiled; err != nil {
				return err
			}
		}
		results = append(results, r)
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	rss, err := srv.peakRSS()
	if err != nil {
		return err
	}
	report(stdout, engine, results, rss, seedTime, fx)
	return nil
}

func report(w io.Writer, engine store.Engine, results []result, rss int64, seedTime time.Duration, fx *fixture) {
	base := results[0]
	var commit *result
	for i := range results {
		if results[i].Key == "commit" {
			commit = &results[i]
		}
	}
	fmt.Fprintf(w, "### %s\n\n", map[store.Engine]string{store.SQLite: "SQLite", store.Postgres: "PostgreSQL"}[engine])
	fmt.Fprintln(w, "| scenario | requests | req/s | vs baseline | vs raw commit | p50 | p99 | mentord CPU per request | body | unexpected status |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		avg := int64(0)
		cpu := "–" // the baselines run in the load kit's own process
		if r.Requests > 0 {
			avg = r.Bytes / int64(r.Requests)
			if !r.Baseline && r.Key != "baseline" {
				cpu = fmt.Sprintf("%.2f ms", float64(r.ServerCPU)/float64(time.Millisecond)/float64(r.Requests))
			}
		}
		vsCommit := "–"
		if commit != nil && (r.Key == "request" || r.Key == "join") {
			vsCommit = fmt.Sprintf("%.0f%%", 100*r.PerSecond()/commit.PerSecond())
		}
		fmt.Fprintf(w, "| %s | %d | %.0f | %.3f× | %s | %s | %s | %s | %s | %d |\n", r.Name, r.Requests, r.PerSecond(),
			r.PerSecond()/base.PerSecond(), vsCommit, ms(r.P50), ms(r.P99), cpu, size(avg), r.Unexpected)
	}
	fmt.Fprintf(w, "\nmentord peak RSS (VmHWM): %.0f MiB. Seeded in %s (%d upcoming and %d past sessions).\n",
		float64(rss)/(1<<20), seedTime.Round(time.Second), fx.upcomingBooks, fx.pastSessions)
	for _, r := range results {
		if r.FirstError != "" {
			fmt.Fprintf(w, "first unexpected answer of %s: %s\n", r.Name, r.FirstError)
		}
	}
	fmt.Fprintln(w)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// freshDatabase returns an empty database: a file in dir, or a new schema
// of the PostgreSQL database that drop removes.
func freshDatabase(engine store.Engine, pgURL, dir string) (string, func(), error) {
	if engine == store.SQLite {
		return "sqlite:" + filepath.Join(dir, "mentord.db"), func() {}, nil
	}
	schema := "mentord_load_" + randomHex(4)
	admin, err := sql.Open("pgx", pgURL)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("creating schema: %w", err)
	}
	drop := func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	}
	u, err := url.Parse(pgURL)
	if err != nil {
		drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema+",public") // public holds btree_gist
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}
