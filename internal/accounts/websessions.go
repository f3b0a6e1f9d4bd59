package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/store"
)

// WebSessionIdle is how long a web sign-in lasts after it was last used.
const WebSessionIdle = 14 * 24 * time.Hour

// webSessionTouch is how stale a sign-in's last use may be before a request
// records it again, so that browsing does not write on every page.
const webSessionTouch = time.Hour

// StartWebSession signs the user in to the web app and returns the token
// its cookie carries; only the token's hash is stored.
func (s *Service) StartWebSession(ctx context.Context, u *domain.User) (string, error) {
	var b [32]byte
	rand.Read(b[:])
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := s.clock.Now()
	err := s.store.Tx(ctx, func(q *store.Q) error {
		return q.CreateWebSession(ctx, u.ID, sha256Hex(token), now, now.Add(WebSessionIdle))
	})
	return token, err
}

// AuthenticateWebSession resolves a web sign-in's token to its user, who
// must still be active; using it keeps it alive.
func (s *Service) AuthenticateWebSession(ctx context.Context, token string) (*domain.User, error) {
	if token == "" || len(token) > 128 {
		return nil, errInvalidToken
	}
	hash := sha256Hex(token)
	now := s.clock.Now()
	var seen time.Time
	u, err := s.credentialUser("web:"+hash, func() (*domain.User, error) {
		u, at, err := s.store.UserByWebSession(ctx, hash, now)
		seen = at
		return u, err
	})
	if err != nil {
		return nil, err
	}
	if !seen.IsZero() && now.Sub(seen) > webSessionTouch {
		if err := s.store.Tx(ctx, func(q *store.Q) error { return q.TouchWebSession(ctx, hash, now, now.Add(WebSessionIdle)) }); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// EndWebSession signs a web session out.
func (s *Service) EndWebSession(ctx context.Context, token string) error {
	return s.store.Tx(ctx, func(q *store.Q) error { return q.DeleteWebSession(ctx, sha256Hex(token)) })
}

// PurgeWebSessions deletes expired sign-ins (the delivery worker's hourly
// sweep calls it).
func (s *Service) PurgeWebSessions(ctx context.Context) error {
	return s.store.Tx(ctx, func(q *store.Q) error { return q.PurgeWebSessions(ctx, s.clock.Now()) })
}
