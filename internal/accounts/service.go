// Package accounts owns users: sign-up, passwords, every kind of credential
// (DRF-style tokens, JWTs, the auth cookie), password reset, profiles, mentor
// and mentee details and notification settings. Every API surface uses it.
package accounts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"time"

	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/media"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

// Service implements the account rules.
type Service struct {
	store  *store.Store
	clock  clock.Clock
	outbox *notify.Outbox
	media  *media.Store

	tokenKey  []byte // derives DRF-style token keys from their seeds
	jwtKey    []byte // signs JWTs
	auth      authCache
	hashSlots chan struct{} // password hashes running now (see hashing)

	// Argon2 is the cost of new password hashes.
	Argon2 Argon2Params
	// SiteName appears in e-mails.
	SiteName string
	// SeatsFreed, when set, is called inside the transaction that deletes a
	// user, after the delete, with the group sessions where they held a
	// seat: the group rules give those seats to the first waiting.
	SeatsFreed func(ctx context.Context, q *store.Q, sessionIDs []int64) error
	// Leaving, when set, is called inside the transaction that deletes a
	// user, before the delete: the session rules tell the others of the
	// user's sessions still ahead, which go with the account.
	Leaving []func(ctx context.Context, q *store.Q, u *domain.User) error
	// ZoneChanged, when set, is called inside the transaction that changes
	// a user's time zone, after the change: the mentoring rules re-expand
	// weekly hours, which are wall-clock times of that zone.
	ZoneChanged func(ctx context.Context, q *store.Q, u *domain.User) error
	// ResetTTL is how long a password-reset link works.
	ResetTTL time.Duration
	// AccessTTL and RefreshTTL are the lifetimes of JWTs.
	AccessTTL, RefreshTTL time.Duration
}

// New returns the account service. secret is SECRET_KEY; separate keys for
// each use are derived from it.
func New(st *store.Store, clk clock.Clock, outbox *notify.Outbox, m *media.Store, secret string) *Service {
	return &Service{
		store: st, clock: clk, outbox: outbox, media: m,
		tokenKey:   derive(secret, "mentord/drf-token/v1"),
		jwtKey:     derive(secret, "mentord/jwt/v1"),
		Argon2:     DefaultArgon2,
		SiteName:   "mentord",
		ResetTTL:   24 * time.Hour,
		AccessTTL:  60 * time.Minute,
		RefreshTTL: 24 * time.Hour,
		hashSlots:  make(chan struct{}, DefaultHashesAtOnce()),
	}
}

func derive(secret, purpose string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// Media is where profile photos live.
func (s *Service) Media() *media.Store { return s.media }

// SetHashesAtOnce sets how many password hashes may run at once (at least
// one); call it before serving.
func (s *Service) SetHashesAtOnce(n int) { s.hashSlots = make(chan struct{}, max(1, n)) }
