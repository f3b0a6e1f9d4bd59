// Package httpapi is the HTTP plumbing every surface shares: routing that
// answers with or without a trailing slash, middleware (request ids, access
// logs, panic recovery, body limits, CORS), request-body decoding, and
// credential extraction. Surfaces render errors in their own formats.
package httpapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/mentord/mentord/internal/errs"
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

// UnsupportedMediaType is the error for a body in a format the route does not read.
type UnsupportedMediaType struct{ ContentType string }

func (e *UnsupportedMediaType) Error() string {
	return fmt.Sprintf("unsupported media type %q", e.ContentType)
}

// Malformed is the error for a body that cannot be parsed.
type Malformed struct{ Detail string }

func (e *Malformed) Error() string { return e.Detail }

// TooLarge is the error for a body over the route's limit.
type TooLarge struct{ Limit int64 }

func (e *TooLarge) Error() string { return fmt.Sprintf("request body larger than %d bytes", e.Limit) }

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
func DependencyDown(err error) bool {
	return errs.KindOf(err) == errs.KindUnavailable
}

// MsgUnavailable is the message of a 503.
const MsgUnavailable = "The service is temporarily unavailable. Try again shortly."
