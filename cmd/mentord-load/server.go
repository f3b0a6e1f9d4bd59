package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mentord/mentord/internal/store"
)

// buildServer compiles mentord into dir (the load kit measures the binary
// an operator runs, in its own process).
func buildServer(dir string) (string, error) {
	bin := filepath.Join(dir, "mentord")
	out, err := exec.Command("go", "build", "-o", bin, "./cmd/mentord").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/mentord (run the load kit from the repository root): %v\n%s", err, out)
	}
	return bin, nil
}

type serverProcess struct {
	cmd       *exec.Cmd
	addr      string
	log       string
	pprofAddr string // set when profiling
}

// startServer runs bin serve against databaseURL on a free loopback port and
// waits until /readyz answers 200.
func startServer(ctx context.Context, bin, databaseURL, secret, dir string, profile bool) (*serverProcess, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "mentord.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(bin, "serve", "--addr", addr)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"DATABASE_URL=" + databaseURL,
		"SECRET_KEY=" + secret,
		"PUBLIC_URL=http://" + addr,
		"MEDIA_ROOT=" + filepath.Join(dir, "media"),
		"EMAIL_BACKEND=file",
		"EMAIL_FILE_PATH=" + filepath.Join(dir, "emails"),
		// The load comes from one address; the limits are not what is measured.
		"RATE_LIMIT_LOGIN=100000000", "RATE_LIMIT_SIGNUP=100000000", "RATE_LIMIT_RESET=100000000", "RATE_LIMIT_RESPOND=100000000",
	}
	p := &serverProcess{cmd: cmd, addr: addr, log: logPath}
	if profile {
		if p.pprofAddr, err = freeAddr(); err != nil {
			return nil, err
		}
		cmd.Env = append(cmd.Env, "MENTORD_PPROF_ADDR="+p.pprofAddr)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.stop()
	return nil, fmt.Errorf("mentord did not become ready in 30s; see %s", logPath)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// cpuTime is the processor time the server has used so far (user and
// system), from /proc.
func (p *serverProcess) cpuTime() (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("unreadable /proc stat")
	}
	const ticksPerSecond = 100 // USER_HZ, 100 on every Linux architecture Go supports
	return time.Duration(utime+stime) * time.Second / ticksPerSecond, nil
}

// profileCPU saves a CPU profile of the server covering d.
func (p *serverProcess) profileCPU(ctx context.Context, d time.Duration, path string) error {
	secs := max(int(d/time.Second), 1)
	req, err := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", p.pprofAddr, secs), nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: %s", res.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, res.Body)
	return err
}

// peakRSS is the process's high-water resident set (VmHWM), in bytes.
func (p *serverProcess) peakRSS() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// stop asks the server to shut down and waits up to 15 s before killing it.
func (p *serverProcess) stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-done
	}
}

// baseline is the bare net/http handler every figure is compared with: one
// small JSON object, encoded on each request, no database; and, at
// /commit, the raw single-row commit every write is compared with: one
// INSERT in its own transaction on db, nothing else.
func startBaseline(db *sql.DB, engine store.Engine) (addr string, stop func(), err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	type item struct {
		ID        int       `json:"id"`
		Mentor    string    `json:"mentor"`
		Mentee    string    `json:"mentee"`
		StartTime time.Time `json:"start_time"`
		Length    int       `json:"session_length"`
		Status    string    `json:"status"`
	}
	payload := item{ID: 1, Mentor: "Ada Lovelace", Mentee: "Alan Turing", StartTime: time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC), Length: 30, Status: "Confirmed"}
	insert := "INSERT INTO load_commits (note, at) VALUES (?, ?)"
	if engine == store.Postgres {
		insert = "INSERT INTO load_commits (note, at) VALUES ($1, $2)"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(payload)
	})
	mux.HandleFunc("POST /commit", func(w http.ResponseWriter, r *http.Request) {
		tx, err := db.BeginTx(r.Context(), nil)
		if err == nil {
			if _, err = tx.ExecContext(r.Context(), insert, "one row", time.Now().UTC().Format(time.RFC3339Nano)); err == nil {
				err = tx.Commit()
			} else {
				tx.Rollback()
			}
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(payload)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	return l.Addr().String(), func() { srv.Close() }, nil
}

// openCommitDB opens the run's database as mentord's store does (for
// SQLite: WAL, synchronous=NORMAL, one writer that takes the write lock at
// BEGIN) and makes the raw-commit baseline's table.
func openCommitDB(engine store.Engine, databaseURL string) (*sql.DB, error) {
	var db *sql.DB
	var err error
	create := "CREATE TABLE IF NOT EXISTS load_commits (id INTEGER PRIMARY KEY, note TEXT NOT NULL, at TEXT NOT NULL)"
	if engine == store.SQLite {
		path := strings.TrimPrefix(databaseURL, "sqlite:")
		db, err = sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
		if err == nil {
			db.SetMaxOpenConns(1)
		}
	} else {
		create = "CREATE TABLE IF NOT EXISTS load_commits (id BIGSERIAL PRIMARY KEY, note TEXT NOT NULL, at TEXT NOT NULL)"
		db, err = sql.Open("pgx", databaseURL)
		if err == nil {
			db.SetMaxOpenConns(32)
			db.SetMaxIdleConns(32)
		}
	}
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec(create); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
