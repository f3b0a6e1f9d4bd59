// Package web is mentord's own web app for people: server-rendered pages,
// under /app, over the same domain calls the APIs make. It holds no SQL and
// no rule: a rule a page needs lives in the domain, where every API gets it
// too. Every page works without JavaScript (forms that POST, then redirect
// to a GET); a little script only helps (the browser's time zone on
// sign-up, a photo's preview).
package web

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/calfeed"
	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/groups"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/meetings"
	"github.com/mentord/mentord/internal/mentoring"
	"github.com/mentord/mentord/internal/notify"
)

// Prefix is where the web app lives; it collides with no API path.
const Prefix = "/app"

// cookieName is the web sign-in's cookie (the APIs' is "auth").
const cookieName = "mentord_session"

//go:embed all:templates static
var files embed.FS

// Deps are the domain services and settings the pages use.
type Deps struct {
	Accounts  *accounts.Service
	Mentoring *mentoring.Service
	Groups    *groups.Service
	Meetings  *meetings.Service
	Outbox    *notify.Desk // the staff admin's view of the outbox
	Feeds     *calfeed.Service
	Clock     clock.Clock
	Limits    httpapi.Limits
	Links     httpapi.Links
	PublicURL string
	Log       *slog.Logger
}

// App serves the pages.
type App struct {
	Deps
	pages  *pages
	mux    *http.ServeMux
	static http.Handler
}

// New builds the web app; its templates are parsed once, here.
func New(d Deps) (*App, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	a := &App{Deps: d, pages: p, mux: http.NewServeMux(), static: http.StripPrefix(Prefix+"/static/", http.FileServerFS(sub))}
	a.routes()
	return a, nil
}

// Register mounts the app on the router, and takes a browser that opens
// "/" to it (an API client asking for JSON there gets the API's 404).
func (a *App) Register(rt *httpapi.Router, apiRoot http.Handler) {
	h := a.Handler()
	rt.HandleRaw(Prefix, h)
	rt.HandleRaw(Prefix+"/{path...}", h)
	rt.HandleRaw("/{$}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if wantsHTML(r) {
			http.Redirect(w, r, Prefix, http.StatusSeeOther)
			return
		}
		apiRoot.ServeHTTP(w, r)
	}))
}

// wantsHTML reports whether the request is a browser's.
func wantsHTML(r *http.Request) bool { return strings.Contains(r.Header.Get("Accept"), "text/html") }

// Handler is the app with its middleware: security headers, the sign-in,
// and a refusal of cross-site form posts.
func (a *App) Handler() http.Handler {
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.errorPage(w, r, http.StatusForbidden, "This form was sent from another site, so it was refused. Open the page here and send it again.")
	}))
	inner := csrf.Handler(a.mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("Cache-Control", "no-store")
		if strings.HasPrefix(r.URL.Path, Prefix+"/static/") {
			h.Set("Cache-Control", "public, max-age=3600")
			a.static.ServeHTTP(w, r)
			return
		}
		r = a.withUser(w, r)
		if !cleanValues(r.URL.Query()) {
			a.errorPage(w, r, http.StatusBadRequest, uncleanText)
			return
		}
		inner.ServeHTTP(w, r)
	})
}

type ctxKey int

const keyUser ctxKey = iota

// withUser resolves the sign-in cookie; a stale cookie is dropped.
func (a *App) withUser(w http.ResponseWriter, r *http.Request) *http.Request {
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return r
	}
	u, err := a.Accounts.AuthenticateWebSession(r.Context(), c.Value)
	if err != nil {
		if errs.KindOf(err) == errs.KindUnauthenticated {
			a.clearCookie(w, r)
		}
		return r
	}
	httpapi.NoteUser(r, u.ID)
	return r.WithContext(context.WithValue(r.Context(), keyUser, u))
}

func userOf(r *http.Request) *domain.User {
	u, _ := r.Context().Value(keyUser).(*domain.User)
	return u
}

// secure reports whether cookies must say Secure: behind HTTPS.
func (a *App) secure(r *http.Request) bool { return httpapi.SecureCookie(r, a.PublicURL) }

// signIn starts a web session for u and sets its cookie.
func (a *App) signIn(w http.ResponseWriter, r *http.Request, u *domain.User) error {
	token, err := a.Accounts.StartWebSession(r.Context(), u)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: Prefix, MaxAge: int(accounts.WebSessionIdle / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secure(r)})
	return nil
}

func (a *App) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: a.secure(r)})
}

// redirect sends the browser to a page of the app after a form (303, so
// the next request is a GET).
func (a *App) redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, Prefix+path, http.StatusSeeOther)
}

// limited takes one request from l for the client's address; when refused
// it answers with the page saying how long to wait.
func (a *App) limited(w http.ResponseWriter, r *http.Request, l *httpapi.Limiter, key string) bool {
	ok, wait := l.Allow(r.Context(), key)
	if !ok {
		secs := int(wait/time.Second) + 1
		w.Header().Set("Retry-After", itoa(secs))
		a.errorPage(w, r, http.StatusTooManyRequests, "Too many attempts from here. Try again in "+itoa(secs)+" seconds.")
	}
	return ok
}

// fail answers an error that is not about a form's fields: the domain's
// refusal as a page in plain words, or the 500 page (logged).
func (a *App) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := httpapi.Status(err)
	var e *errs.Error
	switch {
	case status == http.StatusNotFound:
		a.notFound(w, r)
	case status == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
		a.errorPage(w, r, status, "mentord cannot reach its database just now. Try again in a moment.")
	case status >= 500 || !errors.As(err, &e) && status != http.StatusBadRequest:
		a.Log.Error("page failed", "request_id", httpapi.RequestID(r.Context()), "path", r.URL.Path, "err", err)
		a.errorPage(w, r, http.StatusInternalServerError, "Something went wrong on our side. It has been logged; try again later.")
	default:
		a.errorPage(w, r, status, detail(err))
	}
}

func (a *App) notFound(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusNotFound, "notfound", &view{Title: "Page not found"})
}

func (a *App) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	a.render(w, r, status, "error", &view{Title: http.StatusText(status), Data: msg})
}
