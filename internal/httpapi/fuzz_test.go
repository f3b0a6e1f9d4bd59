package httpapi

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
)

type stubAuth struct{}

func (stubAuth) AuthenticateToken(context.Context, string) (*domain.User, error) {
	return nil, errs.Unauthenticated(errs.AuthInvalidToken, "Invalid token.")
}
func (stubAuth) AuthenticateJWT(context.Context, string) (*domain.User, error) {
	return nil, errs.Unauthenticated(errs.AuthInvalidToken, "Invalid token.")
}
func (stubAuth) Authenticate(context.Context, string) (*domain.User, error) {
	return nil, errs.Unauthenticated(errs.AuthInvalidToken, "Invalid token.")
}

// FuzzCredentials parses any Authorization header and auth cookie: the
// answer is always an Unauthenticated error, never a panic.
func FuzzCredentials(f *testing.F) {
	f.Add("Token abc", "")
	f.Add("Bearer a.b.c extra", "x.y")
	f.Add("token", "")
	f.Add("", "s:abc.def")
	f.Fuzz(func(t *testing.T, header, cookie string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header["Authorization"] = []string{header}
		if cookie != "" {
			r.Header["Cookie"] = []string{"auth=" + cookie}
		}
		_, err := Authenticate(r, stubAuth{})
		if errs.KindOf(err) != errs.KindUnauthenticated {
			t.Fatalf("%q / %q: %v", header, cookie, err)
		}
	})
}
