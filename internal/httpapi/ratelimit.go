package httpapi

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/mentord/mentord/internal/errs"
)

// Limiter is a token bucket per key (a client address, an account). With
// shared buckets (PostgreSQL) every process counts against the same ones,
// so N processes behind a balancer allow the limit once, not N times;
// otherwise the buckets live in this process. Should the shared store fail,
// the process falls back on its own buckets rather than refusing everyone.
type Limiter struct {
	name   string
	every  time.Duration // one request refills this often
	burst  int
	shared SharedBuckets
	log    *slog.Logger

	mu        sync.Mutex
	buckets   map[string]*bucket
	swept     time.Time
	lastPurge time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// SharedBuckets are token buckets kept where every process sees them.
type SharedBuckets interface {
	TakeToken(ctx context.Context, bucket string, now time.Time, every time.Duration, burst int) (ok bool, wait time.Duration, err error)
	PurgeTokens(ctx context.Context, before time.Time) error
}

// NewLimiter allows perMinute requests per key per minute, in bursts of up
// to perMinute, in buckets named after name (shared ones when shared is not
// nil). A zero or negative perMinute returns nil, which allows all.
func NewLimiter(name string, perMinute int, shared SharedBuckets, log *slog.Logger) *Limiter {
	if perMinute <= 0 {
		return nil
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Limiter{name: name, every: time.Minute / time.Duration(perMinute), burst: perMinute, shared: shared, log: log,
		buckets: map[string]*bucket{}}
}

// Allow takes one request for key (case-insensitive, and without the spaces
// around it, which a login trims: " ann" is ann's count); when refused it
// says how long to wait.
func (l *Limiter) Allow(ctx context.Context, key string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	key = strings.ToLower(strings.TrimSpace(key))
	now := time.Now()
	if l.shared != nil {
		ok, wait, err := l.shared.TakeToken(ctx, l.name+":"+key, now, l.every, l.burst)
		if err == nil {
			l.purge(ctx, now)
			return ok, wait
		}
		l.log.Warn("shared rate limit unavailable; counting in this process", "limit", l.name, "err", err)
	}
	return l.local(key, now)
}

// purge drops, now and then, the shared buckets idle long enough to be full.
func (l *Limiter) purge(ctx context.Context, now time.Time) {
	l.mu.Lock()
	due := now.Sub(l.lastPurge) > 10*time.Minute
	if due {
		l.lastPurge = now
	}
	l.mu.Unlock()
	if due {
		go l.shared.PurgeTokens(context.WithoutCancel(ctx), now.Add(-time.Minute))
	}
}

func (l *Limiter) local(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// ClientIP is the address the request came from: the client's behind a
// trusted proxy (TRUSTED_PROXIES), else the peer's.
func ClientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(keyClientIP).(string); ok {
		return ip
	}
	return peerAddr(r)
}

// Throttled is the error of a refused request; Retry-After is set by
// Limit.
func Throttled(wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	return errs.TooMany("throttled", "Request was throttled. Expected available in "+strconv.Itoa(secs)+" seconds.")
}

// Limit wraps h so that each client address is held to l.
func Limit(l *Limiter, rend Renderer, h http.HandlerFunc) http.HandlerFunc {
	if l == nil {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		if l.Check(w, r, rend, ClientIP(r)) {
			h(w, r)
		}
	}
}

// Check takes one request for key; when refused it answers 429 with
// Retry-After and returns false.
func (l *Limiter) Check(w http.ResponseWriter, r *http.Request, rend Renderer, key string) bool {
	ok, wait := l.Allow(r.Context(), key)
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		rend.Error(w, r, Throttled(wait))
	}
	return ok
}

// Limits are the rate limits of the endpoints that guess-and-try attacks
// aim at. A nil limiter allows everything.
type Limits struct {
	Login        *Limiter // log-ins per client address
	LoginAccount *Limiter // log-ins per account name
	Signup       *Limiter // sign-ups per client address
	Reset        *Limiter // password-reset requests and confirmations per client address
	ResetAccount *Limiter // password-reset e-mails per address asked for
	Respond      *Limiter // invitation-link requests per client address
}

// NewLimits builds the limiters from requests-per-minute settings; shared,
// when not nil, keeps their buckets for every process (see Limiter).
func NewLimits(login, signup, reset, respond int, shared SharedBuckets, log *slog.Logger) Limits {
	return Limits{
		Login: NewLimiter("login", login, shared, log), LoginAccount: NewLimiter("login-account", login, shared, log),
		Signup: NewLimiter("signup", signup, shared, log),
		Reset:  NewLimiter("reset", reset, shared, log), ResetAccount: NewLimiter("reset-account", reset, shared, log),
		Respond: NewLimiter("respond", respond, shared, log),
	}
}
