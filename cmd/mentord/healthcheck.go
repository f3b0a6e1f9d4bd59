package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/config"
)

// healthcheck asks the local server's /readyz; container images have no
// curl, so the binary checks itself.
func healthcheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("healthcheck", stderr)
	target := fs.String("url", "", "readiness URL (default http://127.0.0.1:<port of MENTORD_ADDR>/readyz)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *target == "" {
		// The server's address as serve reads it (environment, then .env),
		// without the rest of the configuration: a health check needs no
		// SECRET_KEY.
		get, err := config.Lookup(getenv, dotenv)
		if err != nil {
			return err
		}
		addr := strings.TrimSpace(get("MENTORD_ADDR"))
		if addr == "" {
			addr = ":8000"
		}
		if err := config.CheckAddr("MENTORD_ADDR", addr); err != nil {
			return err
		}
		host, port, _ := net.SplitHostPort(addr)
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
