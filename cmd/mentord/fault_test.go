package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/media"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/notify/smtptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

// testRelease is the version buildServer's binary is stamped with.
const testRelease = "1.2.3-test"

// buildServer compiles mentord once for the tests that run it as a process.
var buildServer = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "mentord-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "mentord")
	out, err := exec.Command("go", "build", "-ldflags", "-X main.release="+testRelease, "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type process struct {
	cmd  *exec.Cmd
	addr string
	logs *syncBuffer
}

func startServer(t *testing.T, bin string, env []string, addr string) *process {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", addr)
	// Production settings (DEBUG off) need PUBLIC_URL; links name this server.
	cmd.Env = append(append(os.Environ(), "PUBLIC_URL=http://"+addr), env...)
	cmd.Dir = t.TempDir()
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, addr: addr, logs: logs}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not become ready:\n%s", logs.String())
	return nil
}

func post(addr, path, token string, body any) (int, map[string]any) {
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", "http://"+addr+path, strings.NewReader(string(data)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	client := http.Client{Timeout: 5 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return res.StatusCode, out
}

// TestKillDuringBookings streams session requests and group bookings at a
// mentord process, kills it with SIGKILL in the middle, starts it again, and
// checks that every request that got a 2xx is stored, that no seat is
// oversold, and that every e-mail those requests queued is delivered.
func TestKillDuringBookings(t *testing.T) {
	if testing.Short() {
		t.Skip("starts mentord processes")
	}
	bin, err := buildServer()
	if err != nil {
		t.Fatal(err)
	}
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		url := storetest.URL(t, e)
		st := storetest.OpenURL(t, url)
		const secret = "fault-test-secret"
		now := time.Now().UTC()
		acc := accounts.New(st, clock.System{}, notify.NewOutbox(secret), &media.Store{Root: t.TempDir()}, secret)

		// Seed: a mentor with a long availability, 60 mentees, a 25-seat
		// group session and 80 students.
		var mentor domain.User
		var mentees, students []domain.User
		var availID int64
		var groupID int64
		err := st.Tx(ctx, func(q *store.Q) error {
			mk := func(name string, mentor, mentee bool) (domain.User, error) {
				u := domain.User{Username: name, Email: name + "@example.com", FirstName: name, Timezone: "UTC", IsActive: true,
					IsMentor: mentor, IsMentee: mentee, DateJoined: now}
				return u, q.CreateUser(ctx, &u)
			}
			var err error
			if mentor, err = mk("mentor", true, false); err != nil {
				return err
			}
			for i := 0; i < 60; i++ {
				u, err := mk(fmt.Sprintf("mentee%d", i), false, true)
				if err != nil {
					return err
				}
				mentees = append(mentees, u)
			}
			for i := 0; i < 80; i++ {
				u, err := mk(fmt.Sprintf("student%d", i), false, true)
				if err != nil {
					return err
				}
				students = append(students, u)
			}
			a := []*domain.Availability{{MentorID: mentor.ID, Start: now.Add(24 * time.Hour), End: now.Add(24*time.Hour + 30*time.Hour), CreatedAt: now}}
			if err := q.CreateAvailabilities(ctx, a); err != nil {
				return err
			}
			availID = a[0].ID
			g := &domain.GroupSession{CreatorID: mentor.ID, Title: "Crowded", Start: now.Add(48 * time.Hour), Capacity: 25, Status: domain.GroupUpcoming, CreatedAt: now, UpdatedAt: now}
			if err := q.CreateGroupSession(ctx, g); err != nil {
				return err
			}
			groupID = g.ID
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		token := func(u domain.User) string {
			access, _, err := acc.IssueJWT(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return access
		}

		mail := smtptest.Start(t)
		host, port, _ := net.SplitHostPort(mail.Addr())
		env := []string{"DATABASE_URL=" + url, "SECRET_KEY=" + secret, "DEBUG=False", "EMAIL_HOST=" + host, "EMAIL_PORT=" + port,
			"EMAIL_USE_TLS=False", "MEDIA_ROOT=" + t.TempDir(), "RATE_LIMIT_LOGIN=0", "RATE_LIMIT_SIGNUP=0",
			// A delivery the killed process had taken is retried after the lease.
			"OUTBOX_LEASE=3s"}
		addr := freePort(t)
		srv := startServer(t, bin, env, addr)

		type okRequest struct {
			sessionID int64
			mentee    string
		}
		var mu sync.Mutex
		var sessionsOK []okRequest
		var bookingsOK []int64 // student ids
		var sent, acked atomic.Int64
		killNow := make(chan struct{})
		var killOnce sync.Once
		ack := func() {
			if acked.Add(1) == 30 { // half of the expected successes
				killOnce.Do(func() { close(killNow) })
			}
		}
		var wg sync.WaitGroup
		for i, u := range mentees {
			wg.Add(1)
			go func(i int, u domain.User) {
				defer wg.Done()
				time.Sleep(time.Duration(i) * 10 * time.Millisecond)
				start := now.Add(24*time.Hour + time.Duration(i)*30*time.Minute).Truncate(time.Second)
				sent.Add(1)
				status, body := post(addr, "/sessionrequest/", token(u), map[string]any{"mentor_availability": availID, "start_time": start.Format(time.RFC3339), "session_length": 30})
				if status == 201 {
					mu.Lock()
					sessionsOK = append(sessionsOK, okRequest{int64(body["pk"].(float64)), u.FirstName})
					mu.Unlock()
					ack()
				} else if status != 0 && status != 400 {
					t.Errorf("session request answered %d: %v", status, body)
				}
			}(i, u)
		}
		for i, u := range students {
			wg.Add(1)
			go func(i int, u domain.User) {
				defer wg.Done()
				time.Sleep(time.Duration(i) * 8 * time.Millisecond)
				status, body := post(addr, fmt.Sprintf("/api/sessions/%d/join/", groupID), token(u), nil)
				if status == 201 {
					mu.Lock()
					bookingsOK = append(bookingsOK, u.ID)
					mu.Unlock()
					ack()
				} else if status != 0 && status != 400 {
					t.Errorf("join answered %d: %v", status, body)
				}
			}(i, u)
		}
		// Kill the server while requests are in flight: once 30 have been
		// acknowledged (or after 10 s at most).
		select {
		case <-killNow:
		case <-time.After(10 * time.Second):
		}
		srv.cmd.Process.Signal(syscall.SIGKILL)
		srv.cmd.Wait()
		wg.Wait()
		if len(sessionsOK) == 0 || len(sessionsOK) == len(mentees) {
			t.Logf("note: %d of %d session requests succeeded before the kill", len(sessionsOK), len(mentees))
		}

		// Restart and let the outbox drain.
		startServer(t, bin, env, addr)
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			pending, err := st.OutboxStats(ctx, time.Now().Add(time.Hour))
			if err == nil && pending.Pending == 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}

		// Every acknowledged session request is stored, and its e-mail arrived.
		for _, ok := range sessionsOK {
			if _, err := st.SessionByID(ctx, ok.sessionID); err != nil {
				t.Errorf("session %d was acknowledged but is gone: %v", ok.sessionID, err)
			}
		}
		got := map[string]int{}
		for _, m := range mail.Messages() {
			got[m.Subject]++
		}
		for _, ok := range sessionsOK {
			if got[ok.mentee+" has requested your help"] == 0 {
				t.Errorf("the e-mail for %s's acknowledged request never arrived", ok.mentee)
			}
		}
		// Seats: never more than the capacity, every acknowledged one held.
		g, err := st.GroupSessionByID(ctx, groupID)
		if err != nil {
			t.Fatal(err)
		}
		parts, _ := st.ParticipantsOf(ctx, groupID)
		held := map[int64]bool{}
		for _, p := range parts[groupID] {
			held[p.UserID] = true
		}
		if g.Taken > g.Capacity || g.Taken != len(parts[groupID]) {
			t.Fatalf("seats: taken %d, capacity %d, participants %d", g.Taken, g.Capacity, len(parts[groupID]))
		}
		for _, id := range bookingsOK {
			if !held[id] {
				t.Errorf("student %d was told they joined but holds no seat", id)
			}
		}
		t.Logf("%d/%d session requests and %d/%d joins acknowledged before the kill; %d e-mails delivered",
			len(sessionsOK), sent.Load(), len(bookingsOK), len(students), len(mail.Messages()))
	})
}

// TestPostgresOutage: with PostgreSQL unreachable, /readyz fails and
// requests get a clean 503 in each surface's format; once it is back, the
// same process serves again without a restart.
func TestPostgresOutage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		if e != store.Postgres {
			t.Skip("an embedded SQLite file cannot become unreachable")
		}
		p, viaProxy := storetest.ViaProxy(t, storetest.URL(t, e))
		s := apptest.Start(t, e, apptest.Options{URL: viaProxy})
		u := s.SignUp("steady")
		s.Get("/readyz").Do().Expect(200)
		s.Get("/myprofile/").Token(u.Token).Do().Expect(200)

		p.Cut()
		res := s.Get("/readyz").Do()
		if res.Status != 503 || !strings.Contains(string(res.Body), `"database":"unreachable"`) {
			t.Fatalf("readyz while down: %d %s", res.Status, res.Body)
		}
		for _, c := range []struct {
			req  *apptest.Req
			want string
		}{
			{s.Get("/myprofile/").Token(u.Token), `{"detail":"The service is temporarily unavailable. Try again shortly."}`},
			{s.Post("/auth/token/login/").JSON(map[string]string{"username": "steady", "password": apptest.Password}), `{"detail":"The service is temporarily unavailable. Try again shortly."}`},
			{s.Get("/api/sessions/").Token(u.Token), `{"detail":"The service is temporarily unavailable. Try again shortly."}`},
			{s.Get("/session/getSession/1"), `{"success":false,"message":"The service is temporarily unavailable. Try again shortly."}`},
		} {
			res := c.req.Do()
			if res.Status != 503 || res.Header.Get("Retry-After") == "" {
				t.Errorf("while down: %d %s", res.Status, res.Body)
				continue
			}
			res.ExpectBody(503, c.want)
		}

		// Back on the same address: the pool reconnects by itself.
		p.Start(t)
		ok := false
		for i := 0; i < 50 && !ok; i++ {
			ok = s.Get("/myprofile/").Token(u.Token).Do().Status == 200
			if !ok {
				time.Sleep(100 * time.Millisecond)
			}
		}
		if !ok {
			t.Fatal("not serving again after the database came back")
		}
		s.Get("/readyz").Do().Expect(200)
		s.Post("/auth/token/login/").JSON(map[string]string{"username": "steady", "password": apptest.Password}).Do().Expect(200)
	})
}

// TestPostgresStopped stops the PostgreSQL server itself under a running
// mentord process: /readyz fails, requests get a clean 503, and once the
// server is started again mentord serves reads and writes without a
// restart. Every other test on that server would lose its connections too,
// so it runs only when given the commands to stop and start it, which
// .ci/run does in a step of its own after the other tests.
func TestPostgresStopped(t *testing.T) {
	stop, start := os.Getenv("MENTORD_FAULT_PG_STOP"), os.Getenv("MENTORD_FAULT_PG_START")
	if stop == "" || start == "" {
		t.Skip("MENTORD_FAULT_PG_STOP and MENTORD_FAULT_PG_START are not set (.ci/run sets them: this test stops the PostgreSQL server)")
	}
	databaseURL := storetest.URL(t, store.Postgres)
	bin, err := buildServer()
	if err != nil {
		t.Fatal(err)
	}
	shell := func(command string) error {
		out, err := exec.Command("sh", "-c", command).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v\n%s", command, err, out)
		}
		return nil
	}
	env := []string{"DATABASE_URL=" + databaseURL, "SECRET_KEY=fault-test-secret", "DEBUG=False", "EMAIL_BACKEND=file",
		"EMAIL_FILE_PATH=" + t.TempDir(), "MEDIA_ROOT=" + t.TempDir(), "RATE_LIMIT_LOGIN=0", "RATE_LIMIT_SIGNUP=0"}
	srv := startServer(t, bin, env, freePort(t))

	client := &http.Client{Timeout: 10 * time.Second}
	call := func(method, path, token, body string) (int, http.Header, string) {
		req, _ := http.NewRequest(method, "http://"+srv.addr+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Token "+token)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, string(raw)
	}
	if status, _, body := call("POST", "/auth/users/", "", `{"username":"steady","email":"steady@example.com","password":"`+apptest.Password+`","re_password":"`+apptest.Password+`"}`); status != 201 {
		t.Fatalf("sign-up: %d %s", status, body)
	}
	login := func() (string, int) {
		status, _, body := call("POST", "/auth/token/login/", "", `{"username":"steady","password":"`+apptest.Password+`"}`)
		var out struct {
			AuthToken string `json:"auth_token"`
		}
		json.Unmarshal([]byte(body), &out)
		return out.AuthToken, status
	}
	token, status := login()
	if status != 200 || token == "" {
		t.Fatalf("login: %d", status)
	}

	if err := shell(stop); err != nil {
		t.Fatal(err)
	}
	// Whatever happens below, the server is started again for the tests
	// and clean-ups that follow.
	t.Cleanup(func() { shell(start) })

	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 30 s\n%s", what, srv.logs.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitFor("/readyz reporting the database down", func() bool {
		status, _, body := call("GET", "/readyz", "", "")
		return status == 503 && strings.Contains(body, `"database":"unreachable"`)
	})
	const unavailable = `{"detail":"The service is temporarily unavailable. Try again shortly."}`
	for _, c := range []struct{ method, path, token, body string }{
		{"GET", "/myprofile/", token, ""},
		{"PATCH", "/myprofile/", token, `{"first_name":"Lost"}`},
		{"POST", "/auth/token/login/", "", `{"username":"steady","password":"` + apptest.Password + `"}`},
	} {
		status, header, body := call(c.method, c.path, c.token, c.body)
		if status != 503 || header.Get("Retry-After") == "" || body != unavailable {
			t.Errorf("%s %s while PostgreSQL is stopped: %d %q (Retry-After %q)", c.method, c.path, status, body, header.Get("Retry-After"))
		}
	}

	if err := shell(start); err != nil {
		t.Fatal(err)
	}
	waitFor("serving again after PostgreSQL started", func() bool {
		status, _, _ := call("GET", "/myprofile/", token, "")
		return status == 200
	})
	if status, _, body := call("GET", "/readyz", "", ""); status != 200 {
		t.Fatalf("readyz after the restart: %d %s", status, body)
	}
	// The write refused while PostgreSQL was down did not land; new ones do.
	if _, _, body := call("GET", "/myprofile/", token, ""); strings.Contains(body, "Lost") {
		t.Fatalf("a refused write was stored: %s", body)
	}
	if status, _, body := call("PATCH", "/myprofile/", token, `{"first_name":"Back"}`); status != 200 || !strings.Contains(body, `"first_name":"Back"`) {
		t.Fatalf("write after the restart: %d %s", status, body)
	}
	if again, status := login(); status != 200 || again != token {
		t.Fatalf("login after the restart: %d, same token %v", status, again == token)
	}
}

// A release build prints the version it was stamped with.
func TestVersionOfAReleaseBuild(t *testing.T) {
	bin, err := buildServer()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), testRelease) {
		t.Fatalf("mentord version: %v %q", err, out)
	}
}
