package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync"
	"time"

	"github.com/mentord/mentord/internal/config"
)

// serve migrates, then serves the API and runs the delivery worker until ctx
// ends, when it shuts down gracefully.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", stderr)
	addr := fs.String("addr", "", "listen address (default MENTORD_ADDR or :8000)")
	cfg, err := configure(fs, args, getenv)
	if err != nil {
		return err
	}
	if *addr != "" {
		if err := config.CheckAddr("--addr", *addr); err != nil {
			return err
		}
		cfg.Addr = *addr
	}
	if cfg.PublicURL == "" && !cfg.Debug {
		// Links in e-mails would take their host from the request, which a
		// client chooses: a reset asked for with "Host: evil.example" would
		// mail the victim a link, token and all, to evil.example.
		return errors.New("PUBLIC_URL is required when DEBUG is off (the address people use, e.g. https://mentors.example.org): without it, links in e-mails (password reset, invitations) would take their host from each request's Host header, which a client can forge")
	}
	log := newLogger(cfg, stderr)
	a, applied, err := openApp(ctx, cfg, log, stdout)
	if err != nil {
		return err
	}
	st := a.Store
	defer st.Close()
	if len(applied) > 0 {
		log.Info("applied migrations", "migrations", applied)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		// Name the setting: "address already in use" alone does not say
		// which of MENTORD_ADDR and --addr to change.
		return fmt.Errorf("listening on %s (MENTORD_ADDR or --addr): %w", cfg.Addr, err)
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
