package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(env(map[string]string{"DEBUG": "True"}), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "sqlite:mentord.db" || c.Addr != ":8000" || c.MediaRoot != "media" || !c.Debug ||
		c.Email.Backend != EmailConsole || c.Email.Port != 587 || !c.Email.UseTLS {
		t.Fatalf("defaults: %+v", c)
	}
	c, err = Load(env(map[string]string{"SECRET_KEY": "k", "EMAIL_HOST": "smtp.example.com", "EMAIL_HOST_USER": "me@example.com"}), "")
	if err != nil || c.Email.Backend != EmailSMTP || c.Email.From != "me@example.com" {
		t.Fatalf("smtp when EMAIL_HOST is set: %+v %v", c.Email, err)
	}
}

func TestMalformedValuesNameTheirVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"DEBUG":      {"DEBUG": "maybe"},
		"SECRET_KEY": {},
		"EMAIL_HOST": {"DEBUG": "1", "EMAIL_BACKEND": "smtp"},
	}
	// The others: in debug mode, the variable set to a value it cannot take.
	for name, value := range map[string]string{
		"DATABASE_URL":              "mysql://x",
		"EMAIL_PORT":                "smtp",
		"EMAIL_BACKEND":             "pigeon",
		"EMAIL_USE_TLS":             "sometimes",
		"PUBLIC_URL":                "example.com",
		"CORS_ALLOWED_ORIGINS":      "https://ok.example, not a url",
		"RATE_LIMIT_LOGIN":          "lots",
		"OUTBOX_LEASE":              "1ms",
		"OUTBOX_RETENTION":          "a month",
		"PASSWORD_HASH_CONCURRENCY": "0",
		"TRUSTED_PROXIES":           "10.0.0.0/8, proxy.local",
		"MENTORD_PPROF_ADDR":        "6060",
		"MENTORD_ADDR":              "8000",
		"DEFAULT_FROM_EMAIL":        "Mentoring team",
	} {
		cases[name] = map[string]string{"DEBUG": "1", name: value}
	}
	for name, vars := range cases {
		_, err := Load(env(vars), "")
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v does not name it", name, err)
		}
	}
}

func TestListenAddresses(t *testing.T) {
	for _, bad := range []string{"8000", ":99999", "localhost:http", "127.0.0.1"} {
		if err := CheckAddr("MENTORD_ADDR", bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, ok := range []string{":8000", "127.0.0.1:0", "[::1]:8000", "localhost:8000"} {
		if err := CheckAddr("MENTORD_ADDR", ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

func TestDotEnvFileAndEnvironmentPrecedence(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	os.WriteFile(path, []byte("# comment\nDEBUG=True\nMENTORD_ADDR=:9000\nPUBLIC_URL=https://mentors.example.org/\n"), 0o600)
	c, err := Load(env(map[string]string{"MENTORD_ADDR": ":7000"}), path)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Debug || c.Addr != ":7000" || c.PublicURL != "https://mentors.example.org" || c.OutboxRetention != 30*24*time.Hour {
		t.Fatalf("%+v", c)
	}
	if _, err := Load(env(nil), filepath.Join(t.TempDir(), "missing.env")); err == nil {
		t.Fatal("no SECRET_KEY and no DEBUG accepted")
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := Load(env(map[string]string{"DEBUG": "1", "TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7 ,::1"}), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "10.0.0.0/8 192.168.1.7/32 ::1/128" {
		t.Fatalf("%v", got)
	}
}

func TestOutboxRetentionInDays(t *testing.T) {
	for v, want := range map[string]time.Duration{"7d": 7 * 24 * time.Hour, "72h": 72 * time.Hour} {
		c, err := Load(env(map[string]string{"DEBUG": "1", "OUTBOX_RETENTION": v}), "")
		if err != nil || c.OutboxRetention != want {
			t.Errorf("%s: %v %v", v, c.OutboxRetention, err)
		}
	}
}

// A start-up error is logged; it must not carry the database password.
func TestBadDatabaseURLHidesItsPassword(t *testing.T) {
	_, err := Load(env(map[string]string{"DEBUG": "1", "DATABASE_URL": "postgres://mentord:s3cret-pw@db.example:5432/x%zz"}), "")
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "mentord:xxxxx@db.example") ||
		strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error %v", err)
	}
}

// The sender falls back to the SMTP login only when that is an address.
func TestSenderAddress(t *testing.T) {
	for vars, want := range map[[2]string]string{
		{"", "me@example.com"}: "me@example.com",
		{"", "apikey"}:         "mentord@localhost",
		{"Mentoring <mentors@example.org>", "apikey"}: "Mentoring <mentors@example.org>",
		{"", ""}: "mentord@localhost",
	} {
		c, err := Load(env(map[string]string{"DEBUG": "1", "DEFAULT_FROM_EMAIL": vars[0], "EMAIL_HOST_USER": vars[1]}), "")
		if err != nil || c.Email.From != want {
			t.Errorf("%q: From %q %v, want %q", vars, c.Email.From, err, want)
		}
	}
}

// Numbers and durations are read like every other setting: spaces around
// them (a hand-edited .env, a quoted compose value) do not count.
func TestNumbersAroundSpaces(t *testing.T) {
	c, err := Load(env(map[string]string{"DEBUG": "1", "RATE_LIMIT_LOGIN": " 7", "OUTBOX_LEASE": "90s ", "EMAIL_PORT": " 2525 "}), "")
	if err != nil {
		t.Fatal(err)
	}
	if c.LoginPerMinute != 7 || c.OutboxLease != 90*time.Second || c.Email.Port != 2525 {
		t.Fatalf("login %d, lease %s, port %d", c.LoginPerMinute, c.OutboxLease, c.Email.Port)
	}
}
