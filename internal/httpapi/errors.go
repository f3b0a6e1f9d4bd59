// Package httpapi is the HTTP plumbing every surface shares: routing that
// answers with or without a trailing slash, middleware (request ids, access
// logs, panic recovery, body limits, CORS), credentials, rate limits, the
// handler kit, and the one path every error takes to its status. Surfaces
// word and shape their errors themselves.
package httpapi

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi/form"
)

// MethodNotAllowed is the error for a known path called with another method.
type MethodNotAllowed struct {
	Method string
	Allow  []string
}

func (e *MethodNotAllowed) Error() string { return fmt.Sprintf("method %q not allowed", e.Method) }

// RouteNotFound is the error for an unknown path.
type RouteNotFound struct{}

func (RouteNotFound) Error() string { return "not found" }

// Renderer writes errors in one surface's format.
type Renderer interface {
	Error(w http.ResponseWriter, r *http.Request, err error)
}

func allowHeader(methods []string) string {
	seen := map[string]bool{}
	var out []string
	for _, m := range methods {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	if seen["GET"] && !seen["HEAD"] {
		out = append(out, "HEAD")
	}
	out = append(out, "OPTIONS")
	return strings.Join(out, ", ")
}

// DependencyDown reports whether err means that the database (or another
// dependency) cannot serve right now: surfaces answer 503 with Retry-After
// rather than 500, and the request may simply be retried.
func DependencyDown(err error) bool { return errs.KindOf(err) == errs.KindUnavailable }

// MsgUnavailable is the message of a 503.
const MsgUnavailable = "The service is temporarily unavailable. Try again shortly."

var kindStatus = map[errs.Kind]int{
	errs.KindNotFound:        http.StatusNotFound,
	errs.KindForbidden:       http.StatusForbidden,
	errs.KindInvalid:         http.StatusBadRequest,
	errs.KindConflict:        http.StatusConflict,
	errs.KindUnauthenticated: http.StatusUnauthorized,
	errs.KindUnavailable:     http.StatusServiceUnavailable,
	errs.KindTooMany:         http.StatusTooManyRequests,
	errs.KindNotAcceptable:   http.StatusNotAcceptable,
}

// Status is the HTTP status of an error, the same on every surface: a
// domain error by its kind, the HTTP layer's own errors by what they are,
// and anything else is a server error.
func Status(err error) int {
	if s, ok := kindStatus[errs.KindOf(err)]; ok {
		return s
	}
	var (
		mna *MethodNotAllowed
		umt *form.UnsupportedMediaType
		mal *form.Malformed
		big *form.TooLarge
	)
	switch {
	case errors.As(err, &mna):
		return http.StatusMethodNotAllowed
	case errors.Is(err, RouteNotFound{}):
		return http.StatusNotFound
	case errors.As(err, &umt):
		return http.StatusUnsupportedMediaType
	case errors.As(err, &mal):
		return http.StatusBadRequest
	case errors.As(err, &big):
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// ErrorRenderer answers an error for one surface. The status comes from
// Status; the headers that go with a status (Retry-After on 503 and 429,
// WWW-Authenticate on 401) are set here; server errors are logged with the
// request id; the body is the surface's.
type ErrorRenderer struct {
	Log *slog.Logger
	// Challenge is the WWW-Authenticate value of a 401 ("Token", "Bearer").
	Challenge string
	// Translate, when set, restates a domain error in the surface's
	// contract before its status is decided (a refusal the contract calls
	// "not found", a failed login it calls a validation error).
	Translate func(error) error
	// Body is the surface's answer to err, with its wording and shape.
	Body func(status int, err error) any
}

// Error writes err.
func (rd ErrorRenderer) Error(w http.ResponseWriter, r *http.Request, err error) {
	if rd.Translate != nil {
		err = rd.Translate(err)
	}
	status := Status(err)
	h := w.Header()
	switch status {
	case http.StatusServiceUnavailable:
		h.Set("Retry-After", "5")
	case http.StatusTooManyRequests:
		if h.Get("Retry-After") == "" {
			h.Set("Retry-After", "60")
		}
	case http.StatusUnauthorized:
		if rd.Challenge != "" {
			h.Set("WWW-Authenticate", rd.Challenge)
		}
	}
	if rd.Log != nil {
		switch {
		case status == http.StatusServiceUnavailable:
			rd.Log.Warn("dependency unavailable", "request_id", RequestID(r.Context()), "err", err)
		case status >= 500:
			rd.Log.Error("request failed", "request_id", RequestID(r.Context()), "err", err)
		}
	}
	WriteJSON(w, status, rd.Body(status, err))
}
