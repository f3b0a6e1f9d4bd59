package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
)

// CookieName is the cookie that may carry a credential (a token key or a JWT).
const CookieName = "auth"

// SecureCookie reports whether a cookie set in answer to r must say Secure:
// when the site is served over HTTPS, which r.TLS alone misses behind a
// proxy that ends TLS (PUBLIC_URL or X-Forwarded-Proto says so then; a
// client forging the header only makes its own cookie stricter).
func SecureCookie(r *http.Request, publicURL string) bool {
	return r.TLS != nil || strings.HasPrefix(publicURL, "https://") || r.Header.Get("X-Forwarded-Proto") == "https"
}

// Authenticator resolves credentials to users.
type Authenticator interface {
	AuthenticateToken(ctx context.Context, key string) (*domain.User, error)
	AuthenticateJWT(ctx context.Context, token string) (*domain.User, error)
	Authenticate(ctx context.Context, credential string) (*domain.User, error)
}

// Authenticate finds the caller from `Authorization: Token <key>`,
// `Authorization: Bearer <jwt>` or the auth cookie. With no credential at
// all it returns an Unauthenticated error coded errs.AuthNoCredentials.
func Authenticate(r *http.Request, a Authenticator) (*domain.User, error) {
	u, err := authenticate(r, a)
	if err == nil {
		NoteUser(r, u.ID)
	}
	return u, err
}

func authenticate(r *http.Request, a Authenticator) (*domain.User, error) {
	if parts := strings.Fields(r.Header.Get("Authorization")); len(parts) > 0 {
		scheme := strings.ToLower(parts[0])
		if scheme == "token" || scheme == "bearer" {
			switch {
			case len(parts) == 1:
				return nil, errs.Unauthenticated(errs.AuthHeaderNoToken, "Invalid token header. No credentials provided.")
			case len(parts) > 2:
				return nil, errs.Unauthenticated(errs.AuthHeaderSpaces, "Invalid token header. Token string should not contain spaces.")
			}
			if scheme == "token" {
				return a.AuthenticateToken(r.Context(), parts[1])
			}
			return a.AuthenticateJWT(r.Context(), parts[1])
		}
	}
	if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
		return a.Authenticate(r.Context(), c.Value)
	}
	return nil, errs.Unauthenticated(errs.AuthNoCredentials, "Authentication credentials were not provided.")
}
