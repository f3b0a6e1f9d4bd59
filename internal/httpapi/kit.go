package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi/form"
)

// Accounts is what the handler kit needs of the account rules.
type Accounts interface {
	Authenticator
	Login(ctx context.Context, identifier, password string, byEmail bool) (*domain.User, error)
	LoginLimitKey(ctx context.Context, identifier string, byEmail bool) (string, error)
	RefreshJWT(ctx context.Context, refresh string) (string, error)
}

// Kit is what every surface's handlers share: the accounts, how the surface
// answers errors, and the rate limits. A surface's handlers are built from
// it, so none writes its own authentication, body reading or login flow.
type Kit struct {
	Accounts Accounts
	Errors   Renderer
	Limits   Limits
	Links    Links // where e-mailed links point
}

// AuthedHandler serves a request whose caller is known.
type AuthedHandler func(w http.ResponseWriter, r *http.Request, u *domain.User)

// Fail answers err in the surface's format.
func (k Kit) Fail(w http.ResponseWriter, r *http.Request, err error) { k.Errors.Error(w, r, err) }

// Handle registers h on the router with the surface's error format.
func (k Kit) Handle(rt *Router, method, path string, h http.HandlerFunc, opts ...RouteOption) {
	rt.Handle(method, path, k.Errors, h, opts...)
}

// Authed requires a credential of any kind; without a good one the surface
// answers 401.
func (k Kit) Authed(h AuthedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := Authenticate(r, k.Accounts)
		if err != nil {
			k.Fail(w, r, err)
			return
		}
		h(w, r, u)
	}
}

// IDHandler is an AuthedHandler of a route whose {id} names a row.
type IDHandler func(w http.ResponseWriter, r *http.Request, u *domain.User, id int64)

// AuthedID is Authed for a route whose {id} names a row: the caller is
// authenticated first, then a path id that is not a positive integer is
// answered as notFound.
func (k Kit) AuthedID(notFound error, h IDHandler) http.HandlerFunc {
	return k.Authed(func(w http.ResponseWriter, r *http.Request, u *domain.User) {
		id, ok := PathID(r, "id")
		if !ok {
			k.Fail(w, r, notFound)
			return
		}
		h(w, r, u, id)
	})
}

// Limit holds each client address to l (nil: no limit).
func (k Kit) Limit(l *Limiter, h http.HandlerFunc) http.HandlerFunc { return Limit(l, k.Errors, h) }

// Object reads the body as one object (see form.Object); when it cannot,
// the surface has answered and ok is false.
func (k Kit) Object(w http.ResponseWriter, r *http.Request) (*form.Form, bool) {
	f, err := form.Object(r)
	if err != nil {
		k.Fail(w, r, err)
		return nil, false
	}
	return f, true
}

// Input reads the body whatever it holds (see form.Read).
func (k Kit) Input(w http.ResponseWriter, r *http.Request) (*form.Input, bool) {
	in, err := form.Read(r)
	if err != nil {
		k.Fail(w, r, err)
		return nil, false
	}
	return in, true
}

// Login is the one log-in flow of every login route: the account name's own
// rate limit, then the credentials. Missing ones are wrong ones. A failure
// is the domain's bad-credentials error, which each surface words; on
// success the surface issues its own credential.
func (k Kit) Login(w http.ResponseWriter, r *http.Request, identifier, password *string, byEmail bool) (*domain.User, bool) {
	if identifier == nil || password == nil {
		k.Fail(w, r, errs.Unauthenticated(errs.AuthBadCredentials, ""))
		return nil, false
	}
	if !k.loginLimit(w, r, *identifier, byEmail) {
		return nil, false
	}
	u, err := k.Accounts.Login(r.Context(), *identifier, *password, byEmail)
	if err != nil {
		k.Fail(w, r, err)
		return nil, false
	}
	NoteUser(r, u.ID)
	return u, true
}

// loginLimit takes one try from the per-account login limit of the account
// identifier names (see accounts.LoginLimitKey); when refused, or when the
// account cannot be looked up, it has answered and returns false.
func (k Kit) loginLimit(w http.ResponseWriter, r *http.Request, identifier string, byEmail bool) bool {
	if k.Limits.LoginAccount == nil {
		return true
	}
	key, err := k.Accounts.LoginLimitKey(r.Context(), identifier, byEmail)
	if err != nil {
		k.Fail(w, r, err)
		return false
	}
	return k.Limits.LoginAccount.Check(w, r, k.Errors, key)
}

// LoginByUsername reads {"username", "password"} and logs in (the
// Momentors and scheduler routes). With required, a missing field is a
// field error, as the scheduler's serializer says; without, it is a wrong
// credential, as djoser's.
func (k Kit) LoginByUsername(w http.ResponseWriter, r *http.Request, required bool) (*domain.User, bool) {
	f, ok := k.Object(w, r)
	if !ok {
		return nil, false
	}
	username, password := f.Raw("username", required), f.Raw("password", required)
	if err := f.Err(); err != nil {
		k.Fail(w, r, err)
		return nil, false
	}
	return k.Login(w, r, username, password, false)
}

// LoginByEmail reads an e-mail (or a username) and a password from a body
// of any kind and logs in (the group-session routes); a missing one is a
// 400 worded as the surface's missing message.
func (k Kit) LoginByEmail(w http.ResponseWriter, r *http.Request, missing string) (*domain.User, bool) {
	in, ok := k.Input(w, r)
	if !ok {
		return nil, false
	}
	f := form.New(in)
	id := f.Raw("email", false)
	if id == nil {
		id = f.Raw("username", false)
	}
	password := f.Raw("password", false)
	if id == nil || password == nil {
		k.Fail(w, r, errs.BadRequest("required", missing))
		return nil, false
	}
	return k.Login(w, r, id, password, true)
}

// Refresh answers {"access"} for the "refresh" token in f (the JWT
// surfaces' refresh routes).
func (k Kit) Refresh(w http.ResponseWriter, r *http.Request, f *form.Form) {
	tok := f.Raw("refresh", true)
	if err := f.Err(); err != nil {
		k.Fail(w, r, err)
		return
	}
	access, err := k.Accounts.RefreshJWT(r.Context(), *tok)
	if err != nil {
		k.Fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]string{"access": access})
}

// PathID reads a positive integer id from the path.
func PathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}
