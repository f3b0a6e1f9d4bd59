package accounts

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/mentord/mentord/internal/errs"
)

// Argon2Params are the argon2id costs for new hashes. Stored hashes carry
// their own parameters, so changing these only affects new and rehashed
// passwords.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultArgon2 follows the OWASP minimum for argon2id (19 MiB, 2 passes).
var DefaultArgon2 = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// hashPassword returns an argon2id hash in Django's encoding
// (argon2$argon2id$v=19$m=...,t=...,p=...$salt$hash), so the users table can
// move between mentord and Django in either direction.
func hashPassword(password string, p Argon2Params) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	sum := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("argon2$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(sum))
}

// checkPassword verifies password against an encoded hash (argon2id, or
// Django's pbkdf2_sha256 for imported users). rehash is true when the hash
// should be replaced by one with the current parameters.
func checkPassword(password, encoded string, current Argon2Params) (ok, rehash bool) {
	switch {
	case strings.HasPrefix(encoded, "argon2$argon2id$"):
		parts := strings.Split(encoded, "$")
		// argon2 argon2id v=19 m=..,t=..,p=.. salt hash
		if len(parts) != 6 || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
			return false, false
		}
		var m, t uint32
		var p uint8
		if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 256*1024 || t > 16 {
			return false, false
		}
		b64 := base64.RawStdEncoding
		salt, err1 := b64.DecodeString(parts[4])
		want, err2 := b64.DecodeString(parts[5])
		if err1 != nil || err2 != nil || len(want) == 0 {
			return false, false
		}
		got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			return false, false
		}
		return true, m != current.Memory || t != current.Time || p != current.Threads
	case strings.HasPrefix(encoded, "pbkdf2_sha256$"):
		parts := strings.Split(encoded, "$")
		if len(parts) != 4 {
			return false, false
		}
		iter, err := strconv.Atoi(parts[1])
		if err != nil || iter < 1 || iter > 10_000_000 {
			return false, false
		}
		want, err := base64.StdEncoding.DecodeString(parts[3])
		if err != nil || len(want) == 0 {
			return false, false
		}
		got, err := pbkdf2.Key(sha256.New, password, []byte(parts[2]), iter, len(want))
		if err != nil || subtle.ConstantTimeCompare(got, want) != 1 {
			return false, false
		}
		return true, true
	}
	return false, false
}

// DefaultHashesAtOnce is how many password hashes may run at the same time:
// each argon2id hash holds its memory cost (19 MiB) while it runs, so a
// flood of logins computed all at once would take that many times over
// (32 concurrent logins were seen taking 1.1 GB).
func DefaultHashesAtOnce() int { return min(4, max(2, runtime.NumCPU())) }

// errBusy answers a request that gave up waiting for a hash slot.
var errBusy = errs.Unavailable("busy", "Too many logins at once; try again shortly.")

// hashing runs fn in one of the hash slots, waiting for one as long as the
// request lasts.
func (s *Service) hashing(ctx context.Context, fn func()) error {
	select {
	case s.hashSlots <- struct{}{}:
	case <-ctx.Done():
		return errBusy
	}
	defer func() { <-s.hashSlots }()
	fn()
	return nil
}

// hash makes a new password's hash in a slot.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	var h string
	err := s.hashing(ctx, func() { h = hashPassword(password, s.Argon2) })
	return h, err
}

// check verifies a password against a stored hash in a slot.
func (s *Service) check(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	err = s.hashing(ctx, func() { ok, rehash = checkPassword(password, encoded, s.Argon2) })
	return ok, rehash, err
}
