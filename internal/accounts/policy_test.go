package accounts

import (
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/domain"
)

func TestPasswordHashing(t *testing.T) {
	cheap := Argon2Params{Memory: 64, Time: 1, Threads: 1}
	h := hashPassword("correct horse", cheap)
	if !strings.HasPrefix(h, "argon2$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("encoding %q", h)
	}
	if ok, rehash := checkPassword("correct horse", h, cheap); !ok || rehash {
		t.Fatalf("check: %v %v", ok, rehash)
	}
	if ok, rehash := checkPassword("correct horse", h, DefaultArgon2); !ok || !rehash {
		t.Fatal("a cheaper hash should be upgraded")
	}
	for _, bad := range []string{"wrong", "", "correct horse "} {
		if ok, _ := checkPassword(bad, h, cheap); ok {
			t.Fatalf("%q accepted", bad)
		}
	}
	for _, broken := range []string{"", "plain", "argon2$argon2id$v=19$m=64,t=1,p=1$$", strings.Replace(h, "m=64", "m=0", 1),
		"pbkdf2_sha256$x$salt$hash", "pbkdf2_sha256$1000$salt$!!!", "md5$abc$def"} {
		if ok, _ := checkPassword("correct horse", broken, cheap); ok {
			t.Fatalf("broken hash %q accepted", broken)
		}
	}
}

func TestPasswordValidatorsMatchDjango(t *testing.T) {
	u := &domain.User{Username: "johnsmith", Email: "john.smith@example.com", FirstName: "John"}
	codes := func(pw string) string {
		var out []string
		for _, m := range passwordProblems(pw, u) {
			out = append(out, m.Code)
		}
		return strings.Join(out, ",")
	}
	for pw, want := range map[string]string{
		"123":                          "password_too_short,password_too_common,password_entirely_numeric",
		"password":                     "password_too_common",
		"johnsmith1":                   "password_too_similar",
		"Sup3r-Secret-pw!":             "",
		"84629175301":                  "password_entirely_numeric",
		"john.smith.ex":                "password_too_similar",
		"correct horse battery staple": "",
	} {
		if got := codes(pw); got != want {
			t.Errorf("%q: %q, want %q", pw, got, want)
		}
	}
}

func TestContactFieldNormalisation(t *testing.T) {
	for in, want := range map[string]string{"+1 (212) 555-0101": "+12125550101", "0044 20 7946 0958": "+442079460958", "+33.1.23.45.67.89": "+33123456789"} {
		if got, ok := normalizePhone(in); !ok || got != want {
			t.Errorf("%q -> %q %v", in, got, ok)
		}
	}
	for _, bad := range []string{"212-555-0101", "+0123", "+1", "+1234567890123456", "phone"} {
		if _, ok := normalizePhone(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, good := range []string{"a@example.com", "first.last+tag@sub.example.org", "x@localhost"} {
		if !ValidEmail(good) {
			t.Errorf("%q refused", good)
		}
	}
	for _, bad := range []string{"", "a", "a@", "@b.com", "a@b", "a b@c.com", "Name <a@b.com>", "a@-b.com", "a@b..com"} {
		if ValidEmail(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, tz := range []string{"UTC", "Europe/Paris", "America/New_York"} {
		if !ValidTimezone(tz) {
			t.Errorf("%s refused", tz)
		}
	}
	for _, tz := range []string{"", "Local", "Mars/Olympus", "../etc/passwd"} {
		if ValidTimezone(tz) {
			t.Errorf("%q accepted", tz)
		}
	}
}
