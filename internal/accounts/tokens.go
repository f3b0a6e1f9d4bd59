package accounts

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/store"
)

// JWT token types, as in djangorestframework-simplejwt.
const (
	JWTAccess  = "access"
	JWTRefresh = "refresh"
)

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// tokenKeyFor derives the 40-hex-character key of a DRF-style token from its
// stored seed; the database alone never reveals a usable key.
func (s *Service) tokenKeyFor(seed string) string {
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write([]byte(seed))
	return hex.EncodeToString(m.Sum(nil))[:40]
}

// Token returns the user's token, creating it on first use; every login
// returns the same key until logout.
func (s *Service) Token(ctx context.Context, u *domain.User) (string, error) {
	var key string
	err := s.store.Tx(ctx, func(q *store.Q) error {
		t, err := q.TokenOf(ctx, u.ID)
		if err == nil {
			key = s.tokenKeyFor(t.Seed)
			if sha256Hex(key) == t.KeyHash {
				return nil
			}
			// SECRET_KEY changed since the token was made: issue a new one.
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var b [32]byte
		rand.Read(b[:])
		seed := hex.EncodeToString(b[:])
		key = s.tokenKeyFor(seed)
		return q.PutToken(ctx, store.AuthToken{UserID: u.ID, KeyHash: sha256Hex(key), Seed: seed, CreatedAt: s.clock.Now()})
	})
	return key, err
}

// Logout deletes the user's token, so it stops working everywhere.
func (s *Service) Logout(ctx context.Context, userID int64) error {
	return s.store.Tx(ctx, func(q *store.Q) error { return q.DeleteToken(ctx, userID) })
}

var (
	errInvalidToken = errs.Unauthenticated(errs.AuthInvalidToken, "Invalid token.")
	errInactive     = errs.Unauthenticated(errs.AuthInactive, "User inactive or deleted.")
)

// AuthenticateToken resolves a DRF-style token key to its user.
func (s *Service) AuthenticateToken(ctx context.Context, key string) (*domain.User, error) {
	if key == "" || len(key) > 128 {
		return nil, errInvalidToken
	}
	hash := sha256Hex(key)
	u, err := s.credentialUser(hash, func() (*domain.User, error) { return s.store.UserByTokenHash(ctx, hash) })
	if err != nil {
		return nil, err
	}
	return u, nil
}

type jwtClaims struct {
	TokenType string `json:"token_type"`
	UserID    int64  `json:"user_id"`
	// PasswordStamp ties the token to the password it was issued under, so
	// changing or resetting the password ends every JWT issued before, as
	// Django does for sessions with its session auth hash.
	PasswordStamp string `json:"pwd"`
	jwt.RegisteredClaims
}

// passwordStamp is an HMAC of the stored password hash (and of the
// credential epoch, once staff have deactivated the account): it changes
// with either and tells nothing about the password.
func (s *Service) passwordStamp(u *domain.User) string {
	m := hmac.New(sha256.New, s.jwtKey)
	m.Write([]byte("password:"))
	m.Write([]byte(u.PasswordHash))
	if u.CredentialEpoch != 0 {
		// A deactivation raised it: the tokens issued before stay dead.
		m.Write([]byte("\x00epoch:" + strconv.Itoa(u.CredentialEpoch)))
	}
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// IssueJWT returns a fresh access and refresh token pair for the active
// user with this id, bound to the password stored now.
func (s *Service) IssueJWT(ctx context.Context, userID int64) (access, refresh string, err error) {
	u, err := s.activeUser(ctx, userID)
	if err != nil {
		return "", "", err
	}
	if access, err = s.signJWT(u, JWTAccess); err != nil {
		return "", "", err
	}
	refresh, err = s.signJWT(u, JWTRefresh)
	return access, refresh, err
}

func (s *Service) signJWT(u *domain.User, typ string) (string, error) {
	now := s.clock.Now()
	ttl := s.AccessTTL
	if typ == JWTRefresh {
		ttl = s.RefreshTTL
	}
	var jti [16]byte
	rand.Read(jti[:])
	claims := jwtClaims{
		TokenType:     typ,
		UserID:        u.ID,
		PasswordStamp: s.passwordStamp(u),
		RegisteredClaims: jwt.RegisteredClaims{
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
			IssuedAt:  jwt.NewNumericDate(now),
			ID:        hex.EncodeToString(jti[:]),
			Subject:   strconv.FormatInt(u.ID, 10),
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.jwtKey)
}

// userOfJWT checks a JWT of the given type and returns its user, who must
// still be active and have the password the token was issued under.
func (s *Service) userOfJWT(ctx context.Context, tok, typ string) (*domain.User, error) {
	var c jwtClaims
	_, err := jwt.ParseWithClaims(tok, &c, func(*jwt.Token) (any, error) { return s.jwtKey, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithTimeFunc(s.clock.Now))
	if err != nil || c.TokenType != typ || c.UserID <= 0 {
		return nil, errInvalidToken
	}
	u, err := s.activeUser(ctx, c.UserID)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal([]byte(c.PasswordStamp), []byte(s.passwordStamp(u))) {
		return nil, errInvalidToken
	}
	return u, nil
}

// AuthenticateJWT resolves an access token to its user.
func (s *Service) AuthenticateJWT(ctx context.Context, tok string) (*domain.User, error) {
	return s.userOfJWT(ctx, tok, JWTAccess)
}

// RefreshJWT exchanges a refresh token for a new access token.
func (s *Service) RefreshJWT(ctx context.Context, refresh string) (string, error) {
	u, err := s.userOfJWT(ctx, refresh, JWTRefresh)
	if errs.KindOf(err) == errs.KindUnauthenticated { // whatever is wrong with it, this token is over
		return "", errs.Unauthenticated(errs.AuthInvalidJWTRefresh, "Token is invalid or expired")
	}
	if err != nil {
		return "", err
	}
	return s.signJWT(u, JWTAccess)
}

func (s *Service) activeUser(ctx context.Context, id int64) (*domain.User, error) {
	u, err := s.credentialUser("user:"+strconv.FormatInt(id, 10), func() (*domain.User, error) { return s.store.UserByID(ctx, id) })
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Authenticate resolves any credential kind: a JWT (it has dots) or a
// DRF-style token key. The auth cookie may hold either.
func (s *Service) Authenticate(ctx context.Context, credential string) (*domain.User, error) {
	for i := 0; i < len(credential); i++ {
		if credential[i] == '.' {
			return s.AuthenticateJWT(ctx, credential)
		}
	}
	return s.AuthenticateToken(ctx, credential)
}
