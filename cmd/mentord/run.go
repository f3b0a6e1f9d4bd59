package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/mentord/mentord/internal/app"
	"github.com/mentord/mentord/internal/config"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/store"
)

const usage = `usage: mentord [command] [flags]

commands:
  serve            serve the API (default); --addr host:port overrides MENTORD_ADDR
  migrate          apply database migrations and exit
  createsuperuser  create a staff superuser; --noinput reads DJANGO_SUPERUSER_USERNAME,
                   DJANGO_SUPERUSER_PASSWORD and DJANGO_SUPERUSER_EMAIL
  healthcheck      exit 0 if the server on MENTORD_ADDR answers /readyz (for container
                   health checks); --url checks another address
  version          print the version
`

// run is mentord's whole life, callable from tests: args are the command
// line without the program name and getenv is the environment.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args, getenv, stdout)
	case "createsuperuser":
		return createSuperuser(ctx, args, getenv, stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, args, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "mentord", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}

func loadConfig(getenv func(string) string) (config.Config, error) {
	return config.Load(getenv, ".env")
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	if cfg.Debug {
		return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// openStore opens and migrates the configured database.
func openStore(ctx context.Context, cfg config.Config) (*store.Store, []string, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("migrating: %w", err)
	}
	return st, applied, nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "listen address (default MENTORD_ADDR or :8000)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	log := newLogger(cfg, stderr)
	st, applied, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(applied) > 0 {
		log.Info("applied migrations", "migrations", applied)
	}
	a, err := app.New(ctx, cfg, st, app.Options{Log: log, Console: stdout})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.PprofAddr != "" {
		if err := servePprof(ctx, cfg.PprofAddr, log); err != nil {
			ln.Close()
			return err
		}
	}
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.RunWorker(workCtx)
	}()

	url := "http://" + ln.Addr().String()
	if host, port, err := net.SplitHostPort(ln.Addr().String()); err == nil && (host == "::" || host == "0.0.0.0") {
		url = "http://localhost:" + port
	}
	fmt.Fprintf(stdout, "mentord listening on %s (database %s)\n", url, st.Engine())
	log.Info("serving", "addr", ln.Addr().String(), "engine", st.Engine())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err = <-served:
	case <-ctx.Done():
		log.Info("shutting down")
		shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		err = srv.Shutdown(shutCtx)
		cancel()
	}
	stopWork()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// servePprof serves the profiler on its own listener until ctx ends; it is
// meant for a loopback address, never for the API's.
func servePprof(ctx context.Context, addr string, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("MENTORD_PPROF_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
	log.Info("profiler listening", "addr", ln.Addr().String())
	return nil
}

// healthcheck asks the local server's /readyz; container images have no
// curl, so the binary checks itself.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	target := fs.String("url", "", "readiness URL (default http://127.0.0.1:<port of MENTORD_ADDR>/readyz)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *target == "" {
		addr := getenv("MENTORD_ADDR")
		if addr == "" {
			addr = ":8000"
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("MENTORD_ADDR: %q is not host:port", addr)
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		*target = "http://" + net.JoinHostPort(host, port) + "/readyz"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("not ready: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: %s %s", res.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintln(stdout, strings.TrimSpace(string(body)))
	return nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("migrate takes no arguments")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	st, applied, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "No migrations to apply.")
	}
	for _, m := range applied {
		fmt.Fprintln(stdout, "Applied", m)
	}
	return nil
}

func createSuperuser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("createsuperuser", flag.ContinueOnError)
	fs.SetOutput(stderr)
	noinput := fs.Bool("noinput", false, "do not prompt; read DJANGO_SUPERUSER_* from the environment")
	fs.BoolVar(noinput, "no-input", false, "same as --noinput")
	username := fs.String("username", "", "username")
	email := fs.String("email", "", "e-mail address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	pick := func(flagVal, env string) string {
		if flagVal != "" {
			return flagVal
		}
		return getenv(env)
	}
	user, mail, password := pick(*username, "DJANGO_SUPERUSER_USERNAME"), pick(*email, "DJANGO_SUPERUSER_EMAIL"), getenv("DJANGO_SUPERUSER_PASSWORD")
	if *noinput {
		if user == "" || mail == "" || password == "" {
			return errors.New("--noinput needs DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_PASSWORD and DJANGO_SUPERUSER_EMAIL")
		}
	} else {
		in := bufio.NewReader(stdin)
		ask := func(prompt, current string) (string, error) {
			if current != "" {
				return current, nil
			}
			fmt.Fprint(stdout, prompt)
			line, err := in.ReadString('\n')
			if err != nil && line == "" {
				return "", fmt.Errorf("reading %s: %w", strings.TrimSuffix(prompt, ": "), err)
			}
			return strings.TrimSpace(line), nil
		}
		if user, err = ask("Username: ", user); err != nil {
			return err
		}
		if mail, err = ask("Email address: ", mail); err != nil {
			return err
		}
		if password == "" {
			p1, err := readSecret(in, stdout, "Password: ")
			if err != nil {
				return err
			}
			p2, err := readSecret(in, stdout, "Password (again): ")
			if err != nil {
				return err
			}
			if p1 != p2 {
				return errors.New("the passwords do not match")
			}
			password = p1
		}
	}
	log := newLogger(cfg, stderr)
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := app.New(ctx, cfg, st, app.Options{Log: log, Console: stdout})
	if err != nil {
		return err
	}
	if existing, err := st.UserByUsername(ctx, strings.ToLower(user)); err == nil && existing.IsSuperuser && *noinput {
		// The original deployment ran this at every start; keep it idempotent.
		fmt.Fprintf(stdout, "Superuser %s already exists.\n", existing.Username)
		return nil
	}
	u, err := a.Accounts.CreateSuperuser(ctx, user, mail, password)
	if err != nil {
		if v, ok := errs.AsInvalid(err); ok {
			var msgs []string
			for _, f := range v.Fields {
				for _, m := range f.Msgs {
					msgs = append(msgs, f.Field+": "+m.Text)
				}
			}
			for _, m := range v.NonField {
				msgs = append(msgs, m.Text)
			}
			return errors.New(strings.Join(msgs, "; "))
		}
		return err
	}
	fmt.Fprintf(stdout, "Superuser %s created successfully.\n", u.Username)
	return nil
}

// readSecret reads a line without echo when stdin is a terminal.
func readSecret(in *bufio.Reader, stdout io.Writer, prompt string) (string, error) {
	fmt.Fprint(stdout, prompt)
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		return string(b), err
	}
	line, err := in.ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("reading password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
