package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestVersionHelpAndUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(t.Context(), []string{"version"}, envOf(nil), &out, &errOut); err != nil || !strings.HasPrefix(out.String(), "mentord ") {
		t.Fatalf("version: %q %v", out.String(), err)
	}
	if err := run(t.Context(), []string{"frobnicate"}, envOf(nil), &out, &errOut); err == nil || !strings.Contains(errOut.String(), "usage") {
		t.Fatalf("unknown command: %v", err)
	}
	err := run(t.Context(), []string{"migrate"}, envOf(map[string]string{"DEBUG": "perhaps"}), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "DEBUG") {
		t.Fatalf("bad config: %v", err)
	}
}

func TestMigrateAndCreateSuperuser(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, e store.Engine) {
		vars := map[string]string{"DATABASE_URL": storetest.URL(t, e), "SECRET_KEY": "k", "MEDIA_ROOT": t.TempDir()}
		var out bytes.Buffer
		if err := run(t.Context(), []string{"migrate"}, envOf(vars), &out, &out); err != nil || !strings.Contains(out.String(), "Applied 0001_accounts") {
			t.Fatalf("migrate: %v %s", err, out.String())
		}
		out.Reset()
		if err := run(t.Context(), []string{"migrate"}, envOf(vars), &out, &out); err != nil || !strings.Contains(out.String(), "No migrations to apply.") {
			t.Fatalf("second migrate: %v %s", err, out.String())
		}

		vars["DJANGO_SUPERUSER_USERNAME"] = "Admin"
		vars["DJANGO_SUPERUSER_EMAIL"] = "admin@example.com"
		vars["DJANGO_SUPERUSER_PASSWORD"] = "Adm1n-Passw0rd!"
		out.Reset()
		if err := run(t.Context(), []string{"createsuperuser", "--noinput"}, envOf(vars), &out, &out); err != nil || !strings.Contains(out.String(), "Superuser admin created") {
			t.Fatalf("createsuperuser: %v %s", err, out.String())
		}
		out.Reset()
		if err := run(t.Context(), []string{"createsuperuser", "--noinput"}, envOf(vars), &out, &out); err != nil || !strings.Contains(out.String(), "already exists") {
			t.Fatalf("second createsuperuser: %v %s", err, out.String())
		}

		// Interactive, answering the prompts on stdin.
		delete(vars, "DJANGO_SUPERUSER_USERNAME")
		delete(vars, "DJANGO_SUPERUSER_EMAIL")
		delete(vars, "DJANGO_SUPERUSER_PASSWORD")
		stdin = strings.NewReader("root2\nroot2@example.com\nR00t-Passw0rd!\nR00t-Passw0rd!\n")
		defer func() { stdin = os.Stdin }()
		out.Reset()
		if err := run(t.Context(), []string{"createsuperuser"}, envOf(vars), &out, &out); err != nil || !strings.Contains(out.String(), "Superuser root2 created") {
			t.Fatalf("interactive createsuperuser: %v %s", err, out.String())
		}
		stdin = strings.NewReader("root3\nroot3@example.com\n123\n123\n")
		if err := run(t.Context(), []string{"createsuperuser"}, envOf(vars), &out, &out); err == nil || !strings.Contains(err.Error(), "too short") {
			t.Fatalf("weak password accepted: %v", err)
		}
		// The generic checks are worded, not left empty.
		stdin = strings.NewReader("root4\nnot-an-address\nR00t-Passw0rd!\nR00t-Passw0rd!\n")
		if err := run(t.Context(), []string{"createsuperuser"}, envOf(vars), &out, &out); err == nil || err.Error() != "email: Enter a valid email address." {
			t.Fatalf("bad e-mail: %v", err)
		}
		stdin = strings.NewReader("\n\n\n\n")
		if err := run(t.Context(), []string{"createsuperuser"}, envOf(vars), &out, &out); err == nil || !strings.Contains(err.Error(), "username: This field may not be blank.") {
			t.Fatalf("blank answers: %v", err)
		}

		st := storetest.OpenURL(t, vars["DATABASE_URL"])
		u, err := st.UserByUsername(t.Context(), "admin")
		if err != nil || !u.IsStaff || !u.IsSuperuser {
			t.Fatalf("superuser: %+v %v", u, err)
		}
	})
}

// TestServeDefaultsToSQLiteInTheWorkingDirectory runs the server the way the
// README's first command does and shuts it down with its context.
func TestServeDefaultsToSQLiteInTheWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile(filepath.Join(dir, ".env"), []byte("DEBUG=True\n"), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0"}, envOf(map[string]string{"MENTORD_PPROF_ADDR": "127.0.0.1:0"}), out, errOut)
	}()

	var base string
	re := regexp.MustCompile(`listening on (http://\S+)`)
	for deadline := time.Now().Add(20 * time.Second); base == "" && time.Now().Before(deadline); {
		select {
		case err := <-done:
			t.Fatalf("serve ended early: %v\n%s", err, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		if m := re.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("no listening line: %s %s", out.String(), errOut.String())
	}
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	// The profiler, when asked for, listens apart from the API.
	if m := regexp.MustCompile(`msg="profiler listening" addr=(\S+)`).FindStringSubmatch(errOut.String()); m == nil {
		t.Errorf("no profiler line: %s", errOut.String())
	} else if res, err := http.Get("http://" + m[1] + "/debug/pprof/"); err != nil || res.StatusCode != 200 {
		t.Errorf("pprof: %v %v", res, err)
	}
	if res, _ := http.Get(base + "/debug/pprof/"); res == nil || res.StatusCode != 404 {
		t.Errorf("pprof on the API listener: %v", res)
	}
	var check bytes.Buffer
	if err := run(ctx, []string{"healthcheck", "--url", base + "/readyz"}, envOf(nil), &check, &check); err != nil || !strings.Contains(check.String(), `"database":"ok"`) {
		t.Fatalf("healthcheck: %v %s", err, check.String())
	}
	if err := run(ctx, []string{"healthcheck"}, envOf(map[string]string{"MENTORD_ADDR": "127.0.0.1:1"}), &check, &check); err == nil {
		t.Fatal("healthcheck of a closed port passed")
	}
	body := `{"username":"first","email":"first@example.com","password":"Sup3r-Secret-pw!","re_password":"Sup3r-Secret-pw!"}`
	res, err = http.Post(base+"/auth/users/", "application/json", strings.NewReader(body))
	if err != nil || res.StatusCode != 201 {
		t.Fatalf("sign-up: %v %v", res, err)
	}
	var created map[string]any
	json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	if created["username"] != "first" {
		t.Fatalf("created %v", created)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not shut down")
	}
	if _, err := os.Stat(filepath.Join(dir, "mentord.db")); err != nil {
		t.Fatalf("mentord.db not created: %v", err)
	}
}

// busyAddr is an address something already listens on, until the test ends.
func busyAddr(t *testing.T) string {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	return busy.Addr().String()
}

// An address that cannot be listened on is reported naming the setting,
// and with a non-zero exit.
func TestServeListenErrorsNameTheSetting(t *testing.T) {
	t.Chdir(t.TempDir())
	vars := map[string]string{"DEBUG": "True", "DATABASE_URL": "sqlite::memory:", "MENTORD_ADDR": busyAddr(t)}
	var out, errOut syncBuffer
	err := run(t.Context(), nil, envOf(vars), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "MENTORD_ADDR") || !strings.Contains(err.Error(), "in use") {
		t.Errorf("port in use: %v", err)
	}
	if err := run(t.Context(), []string{"--addr", "8000"}, envOf(vars), &out, &errOut); err == nil || !strings.Contains(err.Error(), "--addr") {
		t.Errorf("--addr 8000: %v", err)
	}
}

// In production without PUBLIC_URL, e-mailed links would follow the
// request's Host header, which a client forges: serve refuses to start.
func TestServeRequiresPublicURLInProduction(t *testing.T) {
	t.Chdir(t.TempDir())
	// A busy address: with PUBLIC_URL set, serve gets as far as listening.
	vars := map[string]string{"SECRET_KEY": "k", "DATABASE_URL": "sqlite::memory:", "MENTORD_ADDR": busyAddr(t)}
	var out, errOut syncBuffer
	if err := run(t.Context(), nil, envOf(vars), &out, &errOut); err == nil || !strings.Contains(err.Error(), "PUBLIC_URL is required") {
		t.Errorf("DEBUG off, no PUBLIC_URL: %v", err)
	}
	vars["PUBLIC_URL"] = "https://mentors.example.org"
	if err := run(t.Context(), nil, envOf(vars), &out, &errOut); err == nil || strings.Contains(err.Error(), "PUBLIC_URL") || !strings.Contains(err.Error(), "MENTORD_ADDR") {
		t.Errorf("with PUBLIC_URL: %v", err)
	}
	// DEBUG (development) keeps the request's host.
	delete(vars, "PUBLIC_URL")
	vars["DEBUG"] = "True"
	if err := run(t.Context(), nil, envOf(vars), &out, &errOut); err == nil || strings.Contains(err.Error(), "PUBLIC_URL") {
		t.Errorf("DEBUG without PUBLIC_URL: %v", err)
	}
}

// healthcheck finds the server where serve put it, MENTORD_ADDR in .env
// included, and needs none of the other settings.
func TestHealthcheckReadsTheDotEnvAddress(t *testing.T) {
	ready := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, `{"status":"ok"}`)
	}))
	defer ready.Close()
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile(filepath.Join(dir, ".env"), []byte("MENTORD_ADDR="+ready.Listener.Addr().String()+"\n"), 0o600)
	var out bytes.Buffer
	if err := run(t.Context(), []string{"healthcheck"}, envOf(nil), &out, &out); err != nil || !strings.Contains(out.String(), "ok") {
		t.Fatalf("healthcheck: %v %s", err, out.String())
	}
}

// A stray argument is refused by every command, not silently dropped.
func TestStrayArgumentsAreRefused(t *testing.T) {
	t.Chdir(t.TempDir())
	vars := envOf(map[string]string{"DEBUG": "True", "DATABASE_URL": "sqlite::memory:"})
	for _, args := range [][]string{{"serve", "8080"}, {"--addr", "127.0.0.1:0", "extra"}, {"migrate", "now"},
		{"createsuperuser", "admin"}, {"healthcheck", "http://localhost:8000"}, {"version", "--short"}} {
		// Bounded: a serve that ignores the argument serves until then.
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		var out, errOut syncBuffer
		if err := run(ctx, args, vars, &out, &errOut); err == nil {
			t.Errorf("%q accepted: %s", args, out.String())
		}
		cancel()
	}
}
