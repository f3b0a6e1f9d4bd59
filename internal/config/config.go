// Package config turns the environment (and an optional .env file) into a
// Config. Variable names follow the original Django deployment so an existing
// .env keeps working.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"
)

// Email backends.
const (
	EmailSMTP    = "smtp"
	EmailConsole = "console"
	EmailFile    = "file"
)

// Config is everything mentord reads from its environment.
type Config struct {
	DatabaseURL string
	SecretKey   string // empty only when Debug; then a key is generated and kept in the database
	Debug       bool
	Addr        string
	MediaRoot   string
	PublicURL   string // no trailing slash; empty means "the host of the request"
	// FrontendURL, when set, is where e-mailed links (password reset,
	// invitations) send people instead of mentord's own web app: the
	// original web clients' routes under it. No trailing slash.
	FrontendURL        string
	CORSAllowedOrigins []string
	// TrustedProxies are reverse proxies whose X-Forwarded-For names the
	// client (for rate limits and logs).
	TrustedProxies []netip.Prefix
	Email          Email
	// Rate limits in requests per minute (0: no limit): log-ins per client
	// address and per account, sign-ups per address, password resets per
	// address and per e-mail address, invitation-link requests per address.
	LoginPerMinute   int
	SignupPerMinute  int
	ResetPerMinute   int
	RespondPerMinute int
	// OutboxLease is how long a delivery worker holds a job it took; after a
	// crash another process retries the job once the lease runs out.
	OutboxLease time.Duration
	// HashesAtOnce bounds the password hashes computed at the same time
	// (0: the default, see accounts.DefaultHashesAtOnce).
	HashesAtOnce int
	// OutboxRetention is how long a delivered (or skipped) e-mail is kept
	// in the outbox before it is deleted; failed ones stay until handled.
	OutboxRetention time.Duration
	// PprofAddr, when set, serves Go's profiler (net/http/pprof) on its own
	// listener, apart from the API.
	PprofAddr string
}

// Email configures outgoing mail.
type Email struct {
	Backend  string
	Host     string
	Port     int
	User     string
	Password string
	UseTLS   bool // STARTTLS required
	UseSSL   bool // implicit TLS (port 465)
	From     string
	FilePath string
}

// Load reads the configuration. getenv is consulted first; values missing from
// it are taken from the .env file at dotenvPath when that file exists.
// A malformed value is an error that names its variable.
func Load(getenv func(string) string, dotenvPath string) (Config, error) {
	get, err := Lookup(getenv, dotenvPath)
	if err != nil {
		return Config{}, err
	}

	var c Config
	if c.Debug, err = parseBool(get, "DEBUG", false); err != nil {
		return c, err
	}
	c.DatabaseURL = strings.TrimSpace(get("DATABASE_URL"))
	if c.DatabaseURL == "" {
		c.DatabaseURL = "sqlite:mentord.db"
	}
	if err := checkDatabaseURL(c.DatabaseURL); err != nil {
		return c, err
	}
	c.SecretKey = get("SECRET_KEY")
	if c.SecretKey == "" && !c.Debug {
		return c, errors.New("SECRET_KEY is required (set it, or set DEBUG=True to use a generated development key)")
	}
	c.Addr = strings.TrimSpace(get("MENTORD_ADDR"))
	if c.Addr == "" {
		c.Addr = ":8000"
	}
	if err := CheckAddr("MENTORD_ADDR", c.Addr); err != nil {
		return c, err
	}
	c.MediaRoot = get("MEDIA_ROOT")
	if c.MediaRoot == "" {
		c.MediaRoot = "media"
	}
	if v := strings.TrimSpace(get("PUBLIC_URL")); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("PUBLIC_URL: %q is not an absolute http(s) URL", v)
		}
		c.PublicURL = strings.TrimRight(v, "/")
	}
	if v := strings.TrimSpace(get("FRONTEND_URL")); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return c, fmt.Errorf("FRONTEND_URL: %q is not an absolute http(s) URL", v)
		}
		c.FrontendURL = strings.TrimRight(v, "/")
	}
	for _, o := range strings.Split(get("CORS_ALLOWED_ORIGINS"), ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o != "*" {
			u, err := url.Parse(o)
			if err != nil || u.Scheme == "" || u.Host == "" || (u.Path != "" && u.Path != "/") {
				return c, fmt.Errorf("CORS_ALLOWED_ORIGINS: %q is not an origin such as https://example.com", o)
			}
			o = strings.TrimRight(o, "/")
		}
		c.CORSAllowedOrigins = append(c.CORSAllowedOrigins, o)
	}
	for _, p := range strings.Split(get("TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(p)
		if err != nil {
			addr, aerr := netip.ParseAddr(p)
			if aerr != nil {
				return c, fmt.Errorf("TRUSTED_PROXIES: %q is not an address or a network such as 10.0.0.0/8", p)
			}
			prefix = netip.PrefixFrom(addr, addr.BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, prefix.Masked())
	}

	for _, lim := range []struct {
		name string
		dst  *int
		def  int
	}{
		{"RATE_LIMIT_LOGIN", &c.LoginPerMinute, 20}, {"RATE_LIMIT_SIGNUP", &c.SignupPerMinute, 60},
		{"RATE_LIMIT_RESET", &c.ResetPerMinute, 5}, {"RATE_LIMIT_RESPOND", &c.RespondPerMinute, 60},
	} {
		*lim.dst = lim.def
		if v := strings.TrimSpace(get(lim.name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return c, fmt.Errorf("%s: %q is not a number of requests per minute", lim.name, v)
			}
			*lim.dst = n
		}
	}

	c.OutboxLease = 2 * time.Minute
	if v := strings.TrimSpace(get("OUTBOX_LEASE")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 2*time.Second {
			return c, fmt.Errorf("OUTBOX_LEASE: %q is not a duration of at least 2s (such as 90s or 2m)", v)
		}
		c.OutboxLease = d
	}

	if v := strings.TrimSpace(get("PASSWORD_HASH_CONCURRENCY")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 256 {
			return c, fmt.Errorf("PASSWORD_HASH_CONCURRENCY: %q is not a number from 1 to 256", v)
		}
		c.HashesAtOnce = n
	}

	c.OutboxRetention = 30 * 24 * time.Hour
	if v := strings.TrimSpace(get("OUTBOX_RETENTION")); v != "" {
		d, err := parseDays(v)
		if err != nil || d < time.Hour {
			return c, fmt.Errorf("OUTBOX_RETENTION: %q is not a duration of at least 1h (such as 30d or 72h)", v)
		}
		c.OutboxRetention = d
	}

	c.PprofAddr = strings.TrimSpace(get("MENTORD_PPROF_ADDR"))
	if c.PprofAddr != "" {
		if err := CheckAddr("MENTORD_PPROF_ADDR", c.PprofAddr); err != nil {
			return c, err
		}
	}

	e := &c.Email
	e.Host = get("EMAIL_HOST")
	e.Backend = strings.ToLower(get("EMAIL_BACKEND"))
	switch e.Backend {
	case "":
		e.Backend = EmailConsole
		if e.Host != "" {
			e.Backend = EmailSMTP
		}
	case EmailSMTP, EmailConsole, EmailFile:
	default:
		return c, fmt.Errorf("EMAIL_BACKEND: %q is not one of smtp, console, file", e.Backend)
	}
	if e.Backend == EmailSMTP && e.Host == "" {
		return c, errors.New("EMAIL_HOST is required when EMAIL_BACKEND=smtp")
	}
	e.Port = 587
	if v := strings.TrimSpace(get("EMAIL_PORT")); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return c, fmt.Errorf("EMAIL_PORT: %q is not a port number", v)
		}
		e.Port = p
	}
	e.User = get("EMAIL_HOST_USER")
	e.Password = get("EMAIL_HOST_PASSWORD")
	if e.UseSSL, err = parseBool(get, "EMAIL_USE_SSL", false); err != nil {
		return c, err
	}
	if e.UseTLS, err = parseBool(get, "EMAIL_USE_TLS", !e.UseSSL); err != nil {
		return c, err
	}
	if e.UseTLS && e.UseSSL {
		return c, errors.New("EMAIL_USE_TLS and EMAIL_USE_SSL are mutually exclusive")
	}
	// Every message is built with this sender; one that is not an address
	// fails each of them for good, so it is refused here, at start-up.
	e.From = strings.TrimSpace(get("DEFAULT_FROM_EMAIL"))
	if e.From != "" {
		if _, err := mail.ParseAddress(e.From); err != nil {
			return c, fmt.Errorf("DEFAULT_FROM_EMAIL: %q is not an e-mail address (such as mentors@example.org or \"Mentoring <mentors@example.org>\")", e.From)
		}
	} else if _, err := mail.ParseAddress(e.User); err == nil {
		// A login that is an address is the sender; one that is not
		// ("apikey", as some relays use) cannot be.
		e.From = e.User
	} else {
		e.From = "mentord@localhost"
	}
	e.FilePath = get("EMAIL_FILE_PATH")
	if e.Backend == EmailFile && e.FilePath == "" {
		e.FilePath = "emails"
	}
	return c, nil
}

// CheckAddr reports, naming the setting, a listen address that is not
// [host]:port with a port number, before anything is opened on it.
func CheckAddr(name, v string) error {
	_, port, err := net.SplitHostPort(v)
	if err == nil {
		var n int
		if n, err = strconv.Atoi(port); err == nil && (n < 0 || n > 65535) {
			err = errors.New("bad port")
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %q is not host:port or :port (such as 127.0.0.1:8000 or :8000)", name, v)
	}
	return nil
}

// Lookup is the raw value of a variable as Load sees it: from getenv, else
// from the .env file at dotenvPath when that file exists.
func Lookup(getenv func(string) string, dotenvPath string) (func(string) string, error) {
	file := map[string]string{}
	if dotenvPath != "" {
		m, err := godotenv.Read(dotenvPath)
		switch {
		case err == nil:
			file = m
		case errors.Is(err, os.ErrNotExist):
		default:
			return nil, fmt.Errorf("reading %s: %w", dotenvPath, err)
		}
	}
	return func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return file[name]
	}, nil
}

// parseBool accepts the spellings django-environ accepts.
func parseBool(get func(string) string, name string, def bool) (bool, error) {
	v := strings.ToLower(strings.TrimSpace(get(name)))
	switch v {
	case "":
		return def, nil
	case "1", "true", "t", "yes", "y", "on", "ok":
		return true, nil
	case "0", "false", "f", "no", "n", "off":
		return false, nil
	}
	return false, fmt.Errorf("%s: %q is not a boolean (use True or False)", name, get(name))
}

func checkDatabaseURL(v string) error {
	switch {
	case strings.HasPrefix(v, "sqlite:"):
		if strings.TrimPrefix(v, "sqlite:") == "" {
			return fmt.Errorf("DATABASE_URL: %q names no file (use sqlite:PATH or sqlite::memory:)", v)
		}
		return nil
	case strings.HasPrefix(v, "postgres://"), strings.HasPrefix(v, "postgresql://"):
		if _, err := url.Parse(v); err != nil {
			// url.Error repeats the whole URL, password and all; a start-up
			// error ends up in logs, so name the URL without its password.
			var uerr *url.Error
			if errors.As(err, &uerr) {
				err = uerr.Err
			}
			return fmt.Errorf("DATABASE_URL: %q is not a valid URL: %v", redactPassword(v), err)
		}
		return nil
	}
	return fmt.Errorf("DATABASE_URL: %q is not sqlite:PATH, sqlite::memory: or a postgres:// URL", v)
}

// redactPassword hides the password of a URL that may not parse: whatever
// follows the first ":" of the part before the last "@".
func redactPassword(v string) string {
	scheme, rest, ok := strings.Cut(v, "://")
	at := strings.LastIndex(rest, "@")
	if !ok || at < 0 {
		return v
	}
	user, _, hasPassword := strings.Cut(rest[:at], ":")
	if !hasPassword {
		return v
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}

// parseDays reads a Go duration, or a whole number of days ("30d").
func parseDays(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, fmt.Errorf("bad number of days %q", n)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}
