package httpapi

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
)

// FuzzReadInput feeds any body under any content type to the body decoder:
// it must return an Input or one of its typed errors, never panic.
func FuzzReadInput(f *testing.F) {
	f.Add("application/json", []byte(`{"a": [1, {"b": null}], "c": "d"}`))
	f.Add("application/x-www-form-urlencoded", []byte("a=1&a=2&b=%ZZ"))
	f.Add("multipart/form-data; boundary=X", []byte("--X\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.png\"\r\n\r\nPNG\r\n--X--\r\n"))
	f.Add("text/plain", []byte("hello"))
	f.Add("", []byte("[1,2,3] trailing"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		r := httptest.NewRequest("POST", "/x", bytes.NewReader(body))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		in, err := ReadInput(r)
		if err != nil {
			var (
				umt *UnsupportedMediaType
				mal *Malformed
				big *TooLarge
			)
			if !errors.As(err, &umt) && !errors.As(err, &mal) && !errors.As(err, &big) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		for _, k := range in.Keys() {
			in.Get(k)
			in.File(k)
		}
	})
}

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
