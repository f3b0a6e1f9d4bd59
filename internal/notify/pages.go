package notify

import (
	"context"
	"strconv"
	"strings"

	"github.com/mentord/mentord/internal/store"
)

// Pages are the web pages that session e-mails link to, as patterns with
// {id}: where the recipient acts on the session. An empty pattern means no
// such page is known (an external client, whose routes mentord does not
// know, or no address to link from), and the e-mail goes without a link.
//
// They travel in the context because the address depends on the request
// (PUBLIC_URL, else its host) while the e-mails are written deep in the
// domain calls of every surface; the HTTP stack sets them once per request
// and the worker once for the reminders it renders.
type Pages struct {
	Session  string // a 1:1 session
	Group    string // a group session
	Sessions string // one's 1:1 sessions, requests waiting for an answer first (no {id})
}

type pagesKey struct{}

// WithPages returns ctx carrying p.
func WithPages(ctx context.Context, p Pages) context.Context {
	return context.WithValue(ctx, pagesKey{}, p)
}

// NoPages returns ctx without pages to link, for e-mails about what is
// being deleted: its page will be gone.
func NoPages(ctx context.Context) context.Context { return WithPages(ctx, Pages{}) }

// Handler returns h rendering its messages with p in its context.
func (p Pages) Handler(h Handler) Handler {
	return func(ctx context.Context, job store.Job) (*Message, error) { return h(WithPages(ctx, p), job) }
}

func pagesOf(ctx context.Context) Pages {
	p, _ := ctx.Value(pagesKey{}).(Pages)
	return p
}

func pageLine(pattern string, id int64) string {
	if pattern == "" {
		return ""
	}
	return "\nSession page: " + strings.ReplaceAll(pattern, "{id}", strconv.FormatInt(id, 10)) + "\n"
}

// SessionLine is the line an e-mail about 1:1 session id ends with, naming
// its page, or "" when there is none to name.
func SessionLine(ctx context.Context, id int64) string { return pageLine(pagesOf(ctx).Session, id) }

// RequestLine is the line the mentor's e-mail about a new request ends
// with: their sessions page, where requests wait for an answer. It names
// no session, so the request is inserted with its commit (one round trip
// on PostgreSQL) and its id is not needed while the e-mail is written.
func RequestLine(ctx context.Context) string {
	if p := pagesOf(ctx).Sessions; p != "" {
		return "\nYour sessions: " + p + "\n"
	}
	return ""
}

// GroupLine is SessionLine for group session id.
func GroupLine(ctx context.Context, id int64) string { return pageLine(pagesOf(ctx).Group, id) }
