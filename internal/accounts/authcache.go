package accounts

import (
	"errors"
	"sync"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/store"
)

// AuthCacheTTL bounds how long a credential's user is served from memory.
// Every request resolves its credential, and on PostgreSQL that lookup is a
// network round trip that costs more than serving most pages from their own
// cache; a second of staleness is the bound the mentor directory has too.
const AuthCacheTTL = time.Second

// authTables are what a cached credential's answer is read from: any write
// this process commits to them (a logout, a deactivation, a password or role
// change) empties the cache at once. Writes by other processes sharing the
// database are seen within AuthCacheTTL.
var authTables = []string{"users", "auth_tokens", "web_sessions"}

// authCache keeps the users of recently seen credentials, by key (a token
// hash, "jwt:<user id>", a web session's hash). Only successful lookups are
// kept, and callers get a copy.
type authCache struct {
	mu      sync.Mutex
	version uint64
	entries map[string]authEntry
}

type authEntry struct {
	user domain.User
	at   time.Time
}

const maxAuthEntries = 10_000

// get returns the cached user of key, if it is still good at version and now.
func (c *authCache) get(key string, version uint64, now time.Time) (*domain.User, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		c.version, c.entries = version, nil
		return nil, false
	}
	e, ok := c.entries[key]
	if !ok || now.Before(e.at) || now.Sub(e.at) >= AuthCacheTTL {
		return nil, false
	}
	u := e.user
	return &u, true
}

// put keeps u as key's user, read at version.
func (c *authCache) put(key string, u *domain.User, version uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		c.version, c.entries = version, nil
	}
	if c.entries == nil || len(c.entries) >= maxAuthEntries {
		c.entries = map[string]authEntry{}
	}
	c.entries[key] = authEntry{user: *u, at: now}
}

// credentialUser is the user a credential names, resolved through the
// cache by key and read with load on a miss: an unknown credential is
// errInvalidToken, a deactivated user's errInactive.
func (s *Service) credentialUser(key string, load func() (*domain.User, error)) (*domain.User, error) {
	version, now := s.store.Version(authTables...), s.clock.Now()
	u, ok := s.auth.get(key, version, now)
	if !ok {
		var err error
		if u, err = load(); errors.Is(err, store.ErrNotFound) {
			return nil, errInvalidToken
		} else if err != nil {
			return nil, err
		}
		s.auth.put(key, u, version, now)
	}
	if !u.IsActive {
		return nil, errInactive
	}
	return u, nil
}
