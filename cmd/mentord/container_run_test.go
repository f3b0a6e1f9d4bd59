//go:build linux

package main

import (
	"debug/elf"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestContainerLikeRun does what the Dockerfile does, without a Docker
// engine: the same static build, run from its data directory as the
// image's unprivileged user (when the test may switch to it) with only the
// image's environment and the two settings README's `docker run` adds; the
// image's health check passes and SIGTERM ends it cleanly.
func TestContainerLikeRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a static binary")
	}
	// Not t.TempDir: its directories are private to this user, and the
	// image's user must reach the binary and its data directory.
	root, err := os.MkdirTemp("", "mentord-image")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	os.Chmod(root, 0o755)
	bin := filepath.Join(root, "mentord")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("static build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	libs, _ := f.ImportedLibraries()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the image's binary asks for a dynamic loader")
		}
	}
	f.Close()
	if len(libs) > 0 {
		t.Errorf("the image's binary needs %v", libs)
	}

	data := filepath.Join(root, "data")
	os.MkdirAll(filepath.Join(data, "media"), 0o755)
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		const nonroot = 65532 // distroless's nonroot, the Dockerfile's USER
		cred = &syscall.Credential{Uid: nonroot, Gid: nonroot}
		for _, d := range []string{data, filepath.Join(data, "media")} {
			if err := os.Chown(d, nonroot, nonroot); err != nil {
				t.Fatal(err)
			}
		}
	}
	addr := freePort(t)
	env := []string{"DATABASE_URL=sqlite:" + filepath.Join(data, "mentord.db"), "MEDIA_ROOT=" + filepath.Join(data, "media"),
		"MENTORD_ADDR=" + addr, "SECRET_KEY=change-me", "PUBLIC_URL=http://" + addr}
	command := func(args ...string) *exec.Cmd {
		c := exec.Command(bin, args...)
		c.Env, c.Dir = env, data
		c.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		return c
	}

	srv := command("serve")
	logs := &syncBuffer{}
	srv.Stdout, srv.Stderr = logs, logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	t.Cleanup(func() { srv.Process.Kill() })
	deadline := time.Now().Add(30 * time.Second)
	for ready := false; !ready; time.Sleep(50 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("serve ended: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready:\n%s", logs.String())
		}
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			ready = res.StatusCode == http.StatusOK
		}
	}
	if out, err := command("healthcheck").CombinedOutput(); err != nil {
		t.Errorf("the image's health check: %v\n%s", err, out)
	}
	if st, err := os.Stat(filepath.Join(data, "mentord.db")); err != nil {
		t.Errorf("no database in the data directory: %v", err)
	} else if cred != nil && st.Sys().(*syscall.Stat_t).Uid != cred.Uid {
		t.Errorf("the database belongs to uid %d", st.Sys().(*syscall.Stat_t).Uid)
	}
	srv.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("SIGTERM did not end the server:\n%s", logs.String())
	}
}
