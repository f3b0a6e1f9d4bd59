package momentors

import (
	"net/http"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/mentoring"
)

// The calling mentor's booking rules, at /v2/bookingrules/: new with
// mentord, so only under the V2 prefix the newer routes use.

type bookingRulesOut struct {
	Mentor             int64 `json:"mentor"`
	MinNoticeMinutes   int   `json:"min_notice_minutes"`
	BufferMinutes      int   `json:"buffer_minutes"`
	MaxSessionsPerDay  int   `json:"max_sessions_per_day"`
	MaxSessionsPerWeek int   `json:"max_sessions_per_week"`
	CancelNoticeHours  int   `json:"cancel_notice_hours"`
}

func bookingRulesJSON(r *domain.BookingRules) bookingRulesOut {
	return bookingRulesOut{r.MentorID, r.MinNoticeMinutes, r.BufferMinutes, r.MaxPerDay, r.MaxPerWeek, r.CancelNoticeHours}
}

func (s *Surface) registerBookingRules(h func(method, path string, fn http.HandlerFunc, opts ...httpapi.RouteOption)) {
	for _, m := range []string{"GET", "PUT", "PATCH"} {
		h(m, "/v2/bookingrules", s.Authed(s.bookingRules))
	}
}

// GET|PUT|PATCH /v2/bookingrules/: PUT and PATCH both change only the
// fields sent, as /notificationsettings/ does.
func (s *Surface) bookingRules(w http.ResponseWriter, r *http.Request, u *domain.User) {
	var (
		rules *domain.BookingRules
		err   error
	)
	if r.Method == http.MethodGet {
		rules, err = s.Mentoring.MyBookingRules(r.Context(), u)
	} else if _, err = s.Mentoring.MyBookingRules(r.Context(), u); err == nil {
		f, ok := s.Object(w, r)
		if !ok {
			return
		}
		rules, err = s.Mentoring.UpdateBookingRules(r.Context(), u, mentoring.BookingRulesInput{
			MinNoticeMinutes:  f.Int("min_notice_minutes", false),
			BufferMinutes:     f.Int("buffer_minutes", false),
			MaxPerDay:         f.Int("max_sessions_per_day", false),
			MaxPerWeek:        f.Int("max_sessions_per_week", false),
			CancelNoticeHours: f.Int("cancel_notice_hours", false),
			Unread:            f.Invalid(),
		})
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, bookingRulesJSON(rules))
}
