package momentors

import (
	"net/http"
	"strings"

	"github.com/mentord/mentord/internal/calfeed"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/httpapi"
)

// The caller's calendar feed, at /v2/calendarfeed/ (new with mentord, so
// under the V2 prefix), and the feed itself at /feed/<token>.ics, outside
// every API prefix and opened by its token alone, as calendar clients
// subscribe.

type calendarFeedOut struct {
	URL       string `json:"url"`
	WebcalURL string `json:"webcal_url"`
	CreatedAt string `json:"created_at"`
}

func (s *Surface) calendarFeedJSON(r *http.Request, f *calfeed.Feed) calendarFeedOut {
	u := httpapi.BaseURL(r, s.PublicURL) + f.Path()
	return calendarFeedOut{URL: u, WebcalURL: calfeed.Webcal(u), CreatedAt: drfTime(f.CreatedAt)}
}

func (s *Surface) registerCalendarFeed(rt *httpapi.Router, h func(method, path string, fn http.HandlerFunc, opts ...httpapi.RouteOption)) {
	if s.Feeds == nil {
		return
	}
	for _, m := range []string{"GET", "POST", "DELETE"} {
		h(m, "/v2/calendarfeed", s.Authed(s.calendarFeed))
	}
	// Only GET (and so HEAD): calendar clients fetch, nothing else.
	h("GET", "/feed/{file}", s.serveFeed)
}

// GET|POST|DELETE /v2/calendarfeed/: GET shows the feed's URL (404 without
// one), POST makes a new one (replacing the old URL, which stops working),
// DELETE revokes it.
func (s *Surface) calendarFeed(w http.ResponseWriter, r *http.Request, u *domain.User) {
	var (
		f   *calfeed.Feed
		err error
	)
	status := http.StatusOK
	switch r.Method {
	case http.MethodGet:
		f, err = s.Feeds.Of(r.Context(), u)
	case http.MethodPost:
		f, err = s.Feeds.Rotate(r.Context(), u)
		status = http.StatusCreated
	default:
		if err = s.Feeds.Revoke(r.Context(), u); err == nil {
			httpapi.NoContent(w)
			return
		}
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, status, s.calendarFeedJSON(r, f))
}

// GET /feed/<token>.ics: the feed; a wrong, replaced or revoked token is 404.
func (s *Surface) serveFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.Fail(w, r, calfeed.ErrNoFeed)
		return
	}
	// The events link to mentord's own pages, which this server serves.
	base := s.Links.App(r)
	data, err := s.Feeds.Render(r.Context(), token, calfeed.Links{Session: base + "/sessions/{id}", Group: base + "/groups/{id}", Meeting: base + "/meetings/calendars/{id}"})
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", calfeed.ContentType)
	h.Set("Content-Disposition", `inline; filename="calendar.ics"`)
	// Private to its one reader, and fetched afresh each time.
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Robots-Tag", "noindex")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}
