package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rs/cors"

	"github.com/mentord/mentord/internal/notify"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyLogInfo
	keyClientIP
)

// logInfo collects what the access log needs from deeper layers.
type logInfo struct {
	userID atomic.Int64
}

// RequestID returns the id of the request being served.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(keyRequestID).(string)
	return id
}

// NoteUser records the authenticated user for the access log.
func NoteUser(r *http.Request, userID int64) {
	if li, ok := r.Context().Value(keyLogInfo).(*logInfo); ok {
		li.userID.Store(userID)
	}
}

func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Observer is told about every finished request (metrics hook).
type Observer func(r *http.Request, status int, elapsed time.Duration)

// Middleware wraps the router with request ids, access logs, panic recovery,
// security headers and CORS.
type Middleware struct {
	Log         *slog.Logger
	CORSOrigins []string
	Observe     Observer
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed; a request from anywhere else is its own client.
	TrustedProxies []netip.Prefix
	// Errors, when set, names the surface that answers a request's errors
	// (Router.RendererFor), so that a panic is a 500 in its format.
	Errors func(r *http.Request) Renderer
	// Links give each request's context the pages its e-mails link to.
	Links Links
}

// errPanic is what a panicking handler's request is answered with.
type errPanic struct{ v any }

func (e errPanic) Error() string { return fmt.Sprintf("panic: %v", e.v) }

// Wrap returns h with the middleware around it.
func (m Middleware) Wrap(h http.Handler) http.Handler {
	h = securityHeaders(h)
	h = corsHandler(m.CORSOrigins, h)
	h = m.recoverPanics(h)
	return m.logRequests(h)
}

// corsHandler lets browsers on the configured origins call the API. Origins
// listed by name may send credentials (cookies, Authorization); "*" lets
// any other origin in without them (Access-Control-Allow-Origin: *, never
// reflected with credentials, which would hand every site a user's
// session).
func corsHandler(origins []string, h http.Handler) http.Handler {
	if len(origins) == 0 {
		return h
	}
	opts := cors.Options{
		AllowedMethods: []string{"DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"},
		AllowedHeaders: []string{"Accept", "Authorization", "Content-Type", "User-Agent", "X-CSRFToken",
			"X-Requested-With", "Content-Disposition", "X-Request-ID"},
		ExposedHeaders: []string{"X-Request-ID", "Retry-After"},
		MaxAge:         86400,
	}
	named := map[string]bool{}
	anyOrigin := false
	for _, o := range origins {
		if o == "*" {
			anyOrigin = true
		} else {
			named[o] = true
			opts.AllowedOrigins = append(opts.AllowedOrigins, o)
		}
	}
	withCredentials := opts
	withCredentials.AllowCredentials = true
	listed := cors.New(withCredentials).Handler(h)
	if !anyOrigin {
		return listed
	}
	anonymous := opts
	anonymous.AllowedOrigins = []string{"*"}
	others := cors.New(anonymous).Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if named[r.Header.Get("Origin")] {
			listed.ServeHTTP(w, r)
			return
		}
		others.ServeHTTP(w, r)
	})
}

func (m Middleware) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		li := &logInfo{}
		client := clientAddr(r, m.TrustedProxies)
		ctx := context.WithValue(context.WithValue(context.WithValue(r.Context(), keyRequestID, id), keyLogInfo, li), keyClientIP, client)
		ctx = notify.WithPages(ctx, m.Links.Pages(r))
		w.Header().Set("X-Request-ID", id)
		sw := &statusWriter{ResponseWriter: w}
		path := loggedPath(r.URL.Path)
		inner := r.WithContext(ctx)
		next.ServeHTTP(sw, inner)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		if m.Observe != nil {
			m.Observe(inner, sw.status, elapsed) // inner carries the matched route pattern
		}
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		attrs := []slog.Attr{
			slog.String("request_id", id), slog.String("method", r.Method), slog.String("path", path),
			slog.Int("status", sw.status), slog.Int64("bytes", sw.bytes), slog.Duration("duration", elapsed),
			slog.String("remote", r.RemoteAddr), slog.String("client", client),
		}
		if uid := li.userID.Load(); uid != 0 {
			attrs = append(attrs, slog.Int64("user_id", uid))
		}
		m.Log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// loggedPath is a request's path as the access log keeps it: without the
// secret that some URLs are, since a log is read by more people than the
// e-mail that carried the link: a calendar feed's token, a password-reset
// token (its user id stays), an invitation's response token.
func loggedPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		keep := -1 // segments kept; the rest is the secret
		switch {
		case s == "feed" && i == 1:
			keep = i + 1
		case s == "respond" && i == 2 && segs[1] == "app": // /app/respond/{calendar}/{token}
			keep = i + 2
		case s == "respond": // /schedules/calendars/{id}/respond/{token}
			keep = i + 1
		case s == "reset" && i > 0 && segs[i-1] == "password": // .../reset/{uid}/{token}
			keep = i + 2
		}
		if keep > 0 && keep < len(segs) && strings.Join(segs[keep:], "") != "" {
			return strings.Join(segs[:keep], "/") + "/…"
		}
	}
	return p
}

// clientAddr is the address of the client: the peer, or, when the peer is
// a trusted proxy, the last address in X-Forwarded-For that is not one of
// the trusted proxies (the ones before it could be forged by the client).
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	peer := peerAddr(r)
	if len(trusted) == 0 || !isTrusted(peer, trusted) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !isTrusted(addr.String(), trusted) {
			return addr.Unmap().String()
		}
	}
	return peer
}

func peerAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func isTrusted(host string, trusted []netip.Prefix) bool {
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

func (m Middleware) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil || p == http.ErrAbortHandler {
				if p != nil {
					panic(p)
				}
				return
			}
			m.Log.Error("panic serving request", "request_id", RequestID(r.Context()), "panic", p, "stack", string(debug.Stack()))
			if sw.status != 0 {
				return
			}
			if m.Errors != nil {
				if rd := m.Errors(r); rd != nil {
					rd.Error(w, r, errPanic{p})
					return
				}
			}
			WriteJSON(w, http.StatusInternalServerError, map[string]string{"detail": "A server error occurred."})
		}()
		next.ServeHTTP(sw, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// BaseURL is the scheme and host that absolute links should use: PUBLIC_URL
// when set, otherwise the host the request came to.
func BaseURL(r *http.Request, publicURL string) string {
	if publicURL != "" {
		return publicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" || strings.ContainsAny(host, "/\\@ ") {
		host = "localhost"
	}
	return scheme + "://" + host
}

// Links are the addresses e-mails send people to: mentord's own web app,
// unless FRONTEND_URL names an external client, whose original routes are
// used then. PUBLIC_URL keeps deciding the host of API and media URLs.
type Links struct {
	PublicURL   string
	FrontendURL string
}

// App is the address of mentord's own web app, whatever FRONTEND_URL says.
func (l Links) App(r *http.Request) string { return BaseURL(r, l.PublicURL) + "/app" }

// Pages are the pages session e-mails link to: the session's page in the
// web app. An external client's routes for a session are not known (its
// original names none), so with FRONTEND_URL set they link nothing, as
// they do for a worker without PUBLIC_URL (r nil: no request to take the
// host from).
func (l Links) Pages(r *http.Request) notify.Pages {
	if l.FrontendURL != "" || (r == nil && l.PublicURL == "") {
		return notify.Pages{}
	}
	app := l.App(r)
	return notify.Pages{Session: app + "/sessions/{id}", Group: app + "/groups/{id}", Sessions: app + "/sessions"}
}

// PasswordReset is the reset link's pattern ({uid}, {token}).
func (l Links) PasswordReset(r *http.Request) string {
	if l.FrontendURL != "" {
		return l.FrontendURL + "/password/reset/confirm/{uid}/{token}"
	}
	return l.App(r) + "/password/reset/{uid}/{token}"
}

// Invitation is an invitation's response link pattern ({calendar}, {token}).
func (l Links) Invitation(r *http.Request) string {
	if l.FrontendURL != "" {
		return l.FrontendURL + "/schedules/calendars/{calendar}/respond/{token}/"
	}
	return l.App(r) + "/respond/{calendar}/{token}"
}
