// Package app assembles mentord: it wires the store, the domain services,
// the delivery worker and every API surface into one http.Handler.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/apidoc"
	"github.com/mentord/mentord/internal/calfeed"
	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/config"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/groups"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/momentors"
	"github.com/mentord/mentord/internal/httpapi/quota"
	"github.com/mentord/mentord/internal/httpapi/scheduler"
	"github.com/mentord/mentord/internal/httpapi/tutoring"
	"github.com/mentord/mentord/internal/media"
	"github.com/mentord/mentord/internal/meetings"
	"github.com/mentord/mentord/internal/mentoring"
	"github.com/mentord/mentord/internal/metrics"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/web"
)

// App is a wired mentord instance.
type App struct {
	Config    config.Config
	Store     *store.Store
	Clock     clock.Clock
	Log       *slog.Logger
	Accounts  *accounts.Service
	Mentoring *mentoring.Service
	Groups    *groups.Service
	Meetings  *meetings.Service
	Feeds     *calfeed.Service
	Metrics   *metrics.Metrics
	Outbox    *notify.Outbox
	Worker    *notify.Worker
	Desk      *notify.Desk // the outbox as staff see it
	Media     *media.Store
	handler   http.Handler
	routes    []httpapi.Route
	// mediaErrors answers a missing media file.
	mediaErrors httpapi.Renderer

	workerRunning atomic.Bool
	workerStarted atomic.Int64 // unix nanoseconds
}

// Options replace parts of the default wiring (tests use them).
type Options struct {
	Clock   clock.Clock
	Sender  notify.Sender // default: from cfg.Email
	Log     *slog.Logger
	Console io.Writer // where the console e-mail backend prints; default os.Stdout
	// Argon2 overrides the password-hash cost (tests use a cheap one).
	Argon2 *accounts.Argon2Params
}

const debugSecretName = "debug_secret_key"

// New wires an App over an open, migrated store.
func New(ctx context.Context, cfg config.Config, st *store.Store, opt Options) (*App, error) {
	if opt.Clock == nil {
		opt.Clock = clock.System{}
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Console == nil {
		opt.Console = os.Stdout
	}
	secret := cfg.SecretKey
	if secret == "" {
		if !cfg.Debug {
			return nil, errors.New("SECRET_KEY is required unless DEBUG is on")
		}
		var b [32]byte
		rand.Read(b[:])
		err := st.Tx(ctx, func(q *store.Q) error {
			var err error
			secret, err = q.PutSecretIfAbsent(ctx, debugSecretName, hex.EncodeToString(b[:]))
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("keeping the development secret key: %w", err)
		}
		opt.Log.Warn("DEBUG is on and SECRET_KEY is not set: using a generated development key kept in the database")
	}
	if err := os.MkdirAll(cfg.MediaRoot, 0o755); err != nil {
		return nil, fmt.Errorf("MEDIA_ROOT: %w", err)
	}
	sender := opt.Sender
	if sender == nil {
		var err error
		if sender, err = notify.NewSender(cfg.Email, opt.Console); err != nil {
			return nil, err
		}
	}
	a := &App{Config: cfg, Store: st, Clock: opt.Clock, Log: opt.Log, Media: &media.Store{Root: cfg.MediaRoot}}
	a.Outbox = notify.NewOutbox(secret)
	a.Worker = notify.NewWorker(st, opt.Clock, sender, a.Outbox, opt.Log)
	a.Desk = notify.NewDesk(st, opt.Clock, a.Outbox)
	if cfg.OutboxLease > 0 {
		a.Worker.Lease = cfg.OutboxLease
	}
	if cfg.OutboxRetention > 0 {
		a.Worker.Retention = cfg.OutboxRetention
	}
	a.Accounts = accounts.New(st, opt.Clock, a.Outbox, a.Media, secret)
	if opt.Argon2 != nil {
		a.Accounts.Argon2 = *opt.Argon2
	}
	if cfg.HashesAtOnce > 0 {
		a.Accounts.SetHashesAtOnce(cfg.HashesAtOnce)
	}
	a.Worker.AddSweep(a.Accounts.PurgeWebSessions)
	links := httpapi.Links{PublicURL: cfg.PublicURL, FrontendURL: cfg.FrontendURL}
	// Reminders are rendered with no request: their links need PUBLIC_URL.
	pages := links.Pages(nil)
	a.Mentoring = mentoring.New(st, opt.Clock, a.Outbox)
	a.Worker.Register(mentoring.KindReminder, pages.Handler(a.Mentoring.RenderReminder))
	a.Worker.AddScanner(a.Mentoring.ScanReminders)
	a.Worker.AddScanner(a.Mentoring.FillWeeklyHours)
	a.Groups = groups.New(st, opt.Clock, a.Outbox)
	a.Accounts.SeatsFreed = a.Groups.SeatsFreed
	a.Accounts.ZoneChanged = a.Mentoring.ZoneChanged
	a.Worker.Register(groups.KindReminder, pages.Handler(a.Groups.RenderReminder))
	a.Worker.AddScanner(a.Groups.ScanReminders)
	a.Meetings = meetings.New(st, opt.Clock, a.Outbox, secret)
	a.Worker.Register(meetings.KindDeadlineReminder, a.Meetings.RenderDeadlineReminder)
	a.Accounts.Leaving = append(a.Accounts.Leaving, a.Mentoring.Leaving, a.Groups.Leaving, a.Meetings.Leaving)
	a.Worker.AddScanner(a.Meetings.ScanDeadlineReminders)

	a.Feeds = calfeed.New(st, opt.Clock, secret)

	a.Metrics = metrics.New(st, opt.Clock, a.Worker)

	rt := httpapi.NewRouter()
	rt.HandleRaw("GET /metrics", a.Metrics.Handler())
	rt.HandleRaw("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}))
	rt.HandleRaw("GET /readyz", http.HandlerFunc(a.ready))
	new(apidoc.Server).Register(rt)
	var shared httpapi.SharedBuckets
	if st.Engine() == store.Postgres { // every process shares one database, so one count
		shared = st
	}
	limits := httpapi.NewLimits(cfg.LoginPerMinute, cfg.SignupPerMinute, cfg.ResetPerMinute, cfg.RespondPerMinute, shared, opt.Log)
	mom := momentors.New(a.Accounts, a.Mentoring, cfg.PublicURL, limits, opt.Log)
	mom.Links = links
	mom.Feeds = a.Feeds
	mom.Register(rt)
	// Photos belong to the Momentors profiles, and a missing one is its 404.
	a.mediaErrors = mom.Errors
	rt.HandleRaw("GET /media/{path...}", http.HandlerFunc(a.serveMedia))
	qs := quota.New(a.Accounts, a.Groups, limits, opt.Log)
	qs.PublicURL = cfg.PublicURL
	qs.Register(rt)
	tutoring.New(a.Accounts, a.Groups, cfg.PublicURL, limits, opt.Log).Register(rt)
	sched := scheduler.New(a.Accounts, a.Meetings, cfg.PublicURL, limits, opt.Log)
	sched.Links = links
	sched.Register(rt)

	site, err := web.New(web.Deps{Accounts: a.Accounts, Mentoring: a.Mentoring, Groups: a.Groups, Meetings: a.Meetings,
		Outbox: a.Desk, Feeds: a.Feeds, Clock: opt.Clock, Limits: limits, Links: links, PublicURL: cfg.PublicURL, Log: opt.Log})
	if err != nil {
		return nil, err
	}
	site.Register(rt, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mom.Errors.Error(w, r, httpapi.RouteNotFound{})
	}))

	a.routes = rt.Routes()
	a.handler = httpapi.Middleware{Log: opt.Log, CORSOrigins: cfg.CORSAllowedOrigins, Observe: a.Metrics.Observe,
		TrustedProxies: cfg.TrustedProxies, Errors: rt.RendererFor, Links: links}.Wrap(rt.Handler())
	return a, nil
}

// Handler serves every API surface.
func (a *App) Handler() http.Handler { return a.handler }

// Routes lists every method and path the handler serves.
func (a *App) Routes() []httpapi.Route { return slices.Clone(a.routes) }

// WorkerStallAfter is how long the delivery worker may go without a pass
// before /readyz reports it.
const WorkerStallAfter = 30 * time.Second

// ready reports whether the database answers and the delivery worker runs.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	out := map[string]string{"status": "ok", "database": "ok", "worker": "ok"}
	status := http.StatusOK
	if err := a.Store.Ping(ctx); err != nil {
		a.Log.Warn("readiness check failed", "err", err)
		out["database"], out["status"], status = "unreachable", "unavailable", http.StatusServiceUnavailable
	}
	last := a.Worker.LastRun()
	if last.IsZero() {
		// Not a stall before the first pass has had time to finish.
		last = time.Unix(0, a.workerStarted.Load())
	}
	if time.Since(last) > WorkerStallAfter {
		if a.workerRunning.Load() {
			out["worker"], out["status"], status = "stalled", "unavailable", http.StatusServiceUnavailable
		} else {
			out["worker"] = "not running"
		}
	}
	httpapi.WriteJSON(w, status, out)
}

// RunWorker delivers the outbox until ctx ends.
func (a *App) RunWorker(ctx context.Context) {
	a.workerStarted.Store(time.Now().UnixNano())
	a.workerRunning.Store(true)
	defer a.workerRunning.Store(false)
	a.Worker.Run(ctx)
}

// serveMedia serves uploaded files. os.Root keeps every lookup inside
// MEDIA_ROOT whatever the path says.
func (a *App) serveMedia(w http.ResponseWriter, r *http.Request) {
	rel := r.PathValue("path")
	notFound := func() { a.mediaErrors.Error(w, r, errs.NotFound("not_found", "")) }
	if rel == "" || strings.HasSuffix(rel, "/") || !fs.ValidPath(rel) {
		notFound()
		return
	}
	root, err := os.OpenRoot(a.Config.MediaRoot)
	if err != nil {
		notFound()
		return
	}
	defer root.Close()
	f, err := root.Open(rel)
	if err != nil {
		notFound()
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		notFound()
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	// A photo shown in a page needs no policy of its own; a file opened
	// directly that a browser would run (an SVG or HTML page left by an
	// imported deployment) runs no script and is sandboxed off the origin.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	http.ServeContent(w, r, st.Name(), st.ModTime(), f)
}
