package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/mentord/mentord/internal/app"
	"github.com/mentord/mentord/internal/config"
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
		return migrate(ctx, args, getenv, stdout, stderr)
	case "createsuperuser":
		return createSuperuser(ctx, args, getenv, stdout, stderr)
	case "healthcheck":
		return healthcheck(ctx, args, getenv, stdout, stderr)
	case "version":
		if err := parseFlags(newFlags("version", stderr), args); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "mentord", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// release is the version a release build names, set with
// -ldflags "-X main.release=..." (the Dockerfile's VERSION): images and
// builds without .git have no VCS revision to report.
var release string

func version() string {
	if release != "" {
		return release
	}
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

// dotenv is the .env file every command reads, in the working directory.
const dotenv = ".env"

func loadConfig(getenv func(string) string) (config.Config, error) {
	return config.Load(getenv, dotenv)
}

// newFlags is a command's flag set; its errors and -h go to stderr.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses a command's flags; no command takes other arguments,
// and one left over is a mistake to report, not to ignore
// ("mentord serve 8080").
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (see mentord help)", fs.Name(), fs.Arg(0))
	}
	return nil
}

// configure parses a command's flags, then loads the configuration.
func configure(fs *flag.FlagSet, args []string, getenv func(string) string) (config.Config, error) {
	if err := parseFlags(fs, args); err != nil {
		return config.Config{}, err
	}
	return loadConfig(getenv)
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

// openApp opens and migrates the configured database and wires mentord on
// it; it returns the migrations it applied. The caller closes a.Store.
func openApp(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) (*app.App, []string, error) {
	st, applied, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	a, err := app.New(ctx, cfg, st, app.Options{Log: log, Console: stdout})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return a, applied, nil
}
