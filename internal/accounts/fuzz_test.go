package accounts

import (
	"testing"

	"github.com/mentord/mentord/internal/domain"
)

// FuzzPasswordHash checks any stored hash text against any password: no
// panic, and a hash we made verifies only its own password.
func FuzzPasswordHash(f *testing.F) {
	cheap := Argon2Params{Memory: 64, Time: 1, Threads: 1}
	f.Add("secret", hashPassword("secret", cheap))
	f.Add("pw", "pbkdf2_sha256$1000$salt$AAAA")
	f.Add("pw", "argon2$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA")
	f.Fuzz(func(t *testing.T, password, encoded string) {
		checkPassword(password, encoded, cheap)
		h := hashPassword(password, cheap)
		if ok, _ := checkPassword(password, h, cheap); !ok {
			t.Fatalf("own hash of %q does not verify", password)
		}
		if ok, _ := checkPassword(password+"x", h, cheap); ok {
			t.Fatal("another password verifies")
		}
	})
}

// FuzzContactFields normalises any phone number and checks any e-mail
// address and time zone name without panicking; normalising is idempotent.
func FuzzContactFields(f *testing.F) {
	f.Add("+1 (212) 555-0101", "a@example.com", "Europe/Paris")
	f.Add("0044 20", "x@@y", "../../etc")
	f.Fuzz(func(t *testing.T, phone, email, tz string) {
		if p, ok := normalizePhone(phone); ok {
			if q, ok := normalizePhone(p); !ok || q != p {
				t.Fatalf("normalising %q twice: %q then %q", phone, p, q)
			}
		}
		ValidEmail(email)
		ValidTimezone(tz)
		passwordProblems(phone, &domain.User{Username: email, Email: email, FirstName: tz})
	})
}

// FuzzResetUID decodes any uid from a reset link.
func FuzzResetUID(f *testing.F) {
	f.Add(EncodeUID(42))
	f.Add("==")
	f.Fuzz(func(t *testing.T, uid string) {
		if id, ok := decodeUID(uid); ok && id <= 0 {
			t.Fatalf("%q decoded to %d", uid, id)
		}
	})
}
