// Package momentors serves the Momentors API (djoser auth, profiles, mentors
// and mentees, notification settings, and later availability and sessions)
// at its documented paths and shapes.
package momentors

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/calfeed"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/drf"
	"github.com/mentord/mentord/internal/mentoring"
	"github.com/mentord/mentord/internal/timefmt"
)

// Surface holds what the Momentors handlers need.
type Surface struct {
	httpapi.Kit
	Accounts  *accounts.Service
	Mentoring *mentoring.Service
	// Feeds serves the calendar feeds (nil: no feed routes).
	Feeds     *calfeed.Service
	PublicURL string
	Log       *slog.Logger
	// list answers like Errors, but errors not about one field are a bare
	// list (["msg"]), as the original availability view made them.
	list      httpapi.Renderer
	directory directoryCache
}

// words are DRF's.
var words = drf.Words{}

// New returns the Momentors surface.
func New(acc *accounts.Service, ment *mentoring.Service, publicURL string, limits httpapi.Limits, log *slog.Logger) *Surface {
	rd := httpapi.ErrorRenderer{Log: log, Challenge: "Token", Translate: translate, Body: words.Body}
	list := rd
	list.Body = words.BareList
	return &Surface{Kit: httpapi.Kit{Accounts: acc, Errors: rd, Limits: limits, Links: httpapi.Links{PublicURL: publicURL}}, Accounts: acc, Mentoring: ment,
		PublicURL: publicURL, Log: log, list: list}
}

// msgBadLogin is djoser's answer to a failed login.
const msgBadLogin = "Unable to log in with provided credentials."

// translate restates a failed login as djoser answers it: a 400 about the
// input as a whole.
func translate(err error) error {
	if errs.CodeOf(err) == errs.AuthBadCredentials {
		return errs.NonField("invalid_credentials", msgBadLogin)
	}
	return err
}

// Renderer renders errors the DRF way.
func (s *Surface) Renderer() httpapi.Renderer { return s.Errors }

const photoBody = 6 << 20 // a 5 MB photo plus the form around it

// Register adds the Momentors routes.
func (s *Surface) Register(rt *httpapi.Router) {
	h := func(method, path string, fn http.HandlerFunc, opts ...httpapi.RouteOption) {
		s.Handle(rt, method, path, fn, opts...)
	}
	h("POST", "/auth/users", s.Limit(s.Limits.Signup, s.signUp))
	h("GET", "/auth/users", s.Authed(s.listUsers))
	for _, m := range []string{"GET", "PUT", "PATCH", "DELETE"} {
		h(m, "/auth/users/me", s.Authed(s.me))
		h(m, "/auth/users/{id}", s.Authed(s.userByID))
	}
	h("POST", "/auth/users/set_password", s.Authed(s.setPassword))
	h("POST", "/auth/users/reset_password", s.Limit(s.Limits.Reset, s.resetPassword))
	h("POST", "/auth/users/reset_password_confirm", s.Limit(s.Limits.Reset, s.resetPasswordConfirm))
	h("POST", "/auth/token/login", s.Limit(s.Limits.Login, s.login))
	h("POST", "/auth/token/logout", s.Authed(s.logout))

	for _, m := range []string{"GET", "PUT", "PATCH", "DELETE"} {
		h(m, "/myprofile", s.Authed(s.myProfile), httpapi.MaxBody(photoBody))
	}
	h("GET", "/mentor", s.Authed(s.listMentors))
	h("GET", "/mentor/{skills}", s.Authed(s.mentorsBySkill))
	h("GET", "/mentorinfo", s.Authed(s.mentorInfoList))
	h("POST", "/mentorinfo", s.Authed(s.mentorInfoCreate))
	for _, m := range []string{"GET", "PUT", "PATCH", "DELETE"} {
		h(m, "/mentorinfoupdate", s.Authed(s.mentorInfoUpdate))
		h(m, "/menteeinfoupdate", s.Authed(s.menteeInfoUpdate))
	}
	h("GET", "/mentee", s.Authed(s.listMentees))
	h("GET", "/menteeinfo", s.Authed(s.menteeInfoList))
	h("POST", "/menteeinfo", s.Authed(s.menteeInfoCreate))
	for _, m := range []string{"GET", "PUT", "PATCH"} {
		h(m, "/notificationsettings/{pk}", s.Authed(s.notificationSettings))
	}
	for _, base := range []string{"/availabilty", "/availability", "/v2/availabilty", "/v2/availability"} {
		h("GET", base, s.Authed(s.availability))
		h("POST", base, s.Authed(s.availability))
		h("DELETE", base+"/{pk}", s.Authed(s.deleteAvailability))
	}
	h("POST", "/sessionrequest", s.Authed(s.requestSession))
	h("GET", "/sessionrequest", s.Authed(s.sessionList((*Surface).allSessions)))
	for _, m := range []string{"GET", "PUT", "PATCH", "DELETE"} {
		h(m, "/sessionrequest/{pk}", s.Authed(s.sessionDetail))
	}
	h("GET", "/session", s.Authed(s.sessionList((*Surface).upcomingSessions)))
	h("GET", "/archivesession", s.Authed(s.sessionList((*Surface).archivedSessions)))
	s.registerBookingRules(h)
	s.registerWeeklyHours(h)
	s.registerCalendarFeed(rt, h)
	s.registerResetPage(rt)
	rt.NotFound("/", s.Errors)
}

func (s *Surface) notFound(w http.ResponseWriter, r *http.Request) {
	s.Fail(w, r, errs.NotFound("not_found", ""))
}

// photoURL is the absolute URL of a stored photo, or nil.
func (s *Surface) photoURL(r *http.Request, rel *string) *string {
	if rel == nil {
		return nil
	}
	u := httpapi.BaseURL(r, s.PublicURL) + "/media/" + *rel
	return &u
}

func drfTime(t time.Time) string { return timefmt.DRF(t) }

// --- response shapes, in the field order of the original serializers ---

type userOut struct {
	Email    string `json:"email"`
	ID       int64  `json:"id"`
	Username string `json:"username"`
}

func userJSON(u *domain.User) userOut { return userOut{u.Email, u.ID, u.Username} }

type profileOut struct {
	PK           int64   `json:"pk"`
	Username     string  `json:"username"`
	FirstName    string  `json:"first_name"`
	LastName     string  `json:"last_name"`
	Email        string  `json:"email"`
	PhoneNumber  *string `json:"phone_number"`
	ProfilePhoto *string `json:"profile_photo"`
	IsMentor     bool    `json:"is_mentor"`
	IsMentee     bool    `json:"is_mentee"`
	IsActive     bool    `json:"is_active"`
	Timezone     string  `json:"timezone"`
}

func (s *Surface) profileJSON(r *http.Request, u *domain.User) profileOut {
	return profileOut{u.ID, u.Username, u.FirstName, u.LastName, u.Email, u.PhoneNumber, s.photoURL(r, u.ProfilePhoto),
		u.IsMentor, u.IsMentee, u.IsActive, u.Timezone}
}

type mentorProfileOut struct {
	PK             int64           `json:"pk"`
	AboutMe        string          `json:"about_me"`
	Skills         []string        `json:"skills"`
	Availabilities json.RawMessage `json:"availabilities"` // []AvailabilityOut, encoded by appendAvailabilities
	TeamNumber     int             `json:"team_number"`
}

var noAvailability = json.RawMessage("[]")

func mentorProfileJSON(m *domain.Mentor, avail json.RawMessage) mentorProfileOut {
	if avail == nil {
		avail = noAvailability
	}
	skills := m.Skills
	if skills == nil {
		skills = []string{}
	}
	return mentorProfileOut{m.UserID, m.AboutMe, skills, avail, m.TeamNumber}
}

type notificationOut struct {
	PK                 int64 `json:"pk"`
	User               int64 `json:"user"`
	SessionRequested   bool  `json:"session_requested"`
	SessionConfirmed   bool  `json:"session_confirmed"`
	SessionCanceled    bool  `json:"session_canceled"`
	FifteenMinuteAlert bool  `json:"fifteen_minute_alert"`
	SixtyMinuteAlert   bool  `json:"sixty_minute_alert"`
}

// availabilities returns the future availability of the mentors, by id,
// encoded as JSON lists of AvailabilityOut (absent: none): one query for one
// mentor, one query for a whole list.
func (s *Surface) availabilities(ctx context.Context, mentorIDs []int64) (map[int64]json.RawMessage, error) {
	out := make(map[int64]json.RawMessage, len(mentorIDs))
	if len(mentorIDs) == 0 {
		return out, nil
	}
	var byMentor map[int64][]domain.Availability
	if len(mentorIDs) == 1 {
		list, err := s.Mentoring.FutureAvailabilityOf(ctx, mentorIDs[0])
		if err != nil {
			return nil, err
		}
		byMentor = map[int64][]domain.Availability{mentorIDs[0]: list}
	} else {
		var err error
		if byMentor, err = s.Mentoring.FutureAvailabilityOfMentors(ctx); err != nil {
			return nil, err
		}
	}
	for _, id := range mentorIDs {
		if list := byMentor[id]; len(list) > 0 {
			out[id] = appendAvailabilities(make([]byte, 0, 100*len(list)), list)
		}
	}
	return out, nil
}

func (s *Surface) allSessions(r *http.Request, u *domain.User) ([]domain.Session, error) {
	return s.Mentoring.AllFor(r.Context(), u)
}

func (s *Surface) upcomingSessions(r *http.Request, u *domain.User) ([]domain.Session, error) {
	return s.Mentoring.Upcoming(r.Context(), u)
}

func (s *Surface) archivedSessions(r *http.Request, u *domain.User) ([]domain.Session, error) {
	return s.Mentoring.Archived(r.Context(), u)
}
