package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/mentord/mentord/internal/errs"
)

// Limiter is a token bucket per key (a client address, an account). Idle
// buckets are dropped so the map does not grow without bound.
type Limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	every   rate.Limit
	burst   int
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter allows perMinute requests per key per minute, in bursts of up
// to perMinute. A zero or negative perMinute returns nil, which allows all.
func NewLimiter(perMinute int) *Limiter {
	if perMinute <= 0 {
		return nil
	}
	return &Limiter{buckets: map[string]*bucket{}, every: rate.Limit(float64(perMinute) / 60), burst: perMinute}
}

// Allow takes one request for key (case-insensitive); when refused it says
// how long to wait.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	key = strings.ToLower(key)
	now := time.Now()
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
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
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
	ok, wait := l.Allow(key)
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

// NewLimits builds the limiters from requests-per-minute settings.
func NewLimits(login, signup, reset, respond int) Limits {
	return Limits{
		Login: NewLimiter(login), LoginAccount: NewLimiter(login),
		Signup: NewLimiter(signup),
		Reset:  NewLimiter(reset), ResetAccount: NewLimiter(reset),
		Respond: NewLimiter(respond),
	}
}
