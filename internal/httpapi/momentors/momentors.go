// Package momentors serves the Momentors API (djoser auth, profiles, mentors
// and mentees, notification settings, and later availability and sessions)
// at its documented paths and shapes.
package momentors

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/drf"
	"github.com/mentord/mentord/internal/mentoring"
	"github.com/mentord/mentord/internal/timefmt"
)

// Surface holds what the Momentors handlers need.
type Surface struct {
	Accounts  *accounts.Service
	Mentoring *mentoring.Service
	PublicURL string
	Limits    httpapi.Limits
	Log       *slog.Logger
	rd        drf.Renderer
	directory directoryCache
}

// New returns the Momentors surface.
func New(acc *accounts.Service, ment *mentoring.Service, publicURL string, limits httpapi.Limits, log *slog.Logger) *Surface {
	return &Surface{Accounts: acc, Mentoring: ment, PublicURL: publicURL, Limits: limits, Log: log, rd: drf.Renderer{Log: log, AuthScheme: "Token"}}
}

// Renderer renders errors the DRF way.
func (s *Surface) Renderer() httpapi.Renderer { return s.rd }

const photoBody = 6 << 20 // a 5 MB photo plus the form around it

// Register adds the Momentors routes.
func (s *Surface) Register(rt *httpapi.Router) {
	h := func(method, path string, fn http.HandlerFunc, opts ...httpapi.RouteOption) {
		rt.Handle(method, path, s.rd, fn, opts...)
	}
	h("POST", "/auth/users", httpapi.Limit(s.Limits.Signup, s.rd, s.signUp))
	h("GET", "/auth/users", s.authed(s.listUsers))
	for _, m := range []string{"GET", "PUT", "PATCH", "DELETE"} {
		h(m, "/auth/users/me", s.authed(s.me))
		h(m, "/auth/users/{id}", s.authed(s.userByID))
	}
	h("POST", "/auth/users/set_password", s.authed(s.setPassword))
	h("POST", "/auth/users/reset_password", httpapi.Limit(s.Limits.Reset, s.rd, s.resetPassword))
	h("POST", "/auth/users/reset_password_confirm", httpapi.Limit(s.Limits.Reset, s.rd, s.resetPasswordConfirm))
	h("POST", "/auth/token/login", httpapi.Limit(s.Limits.Login, s.rd, s.login))
	h("POST", "/auth/token/logout", s.authed(s.logout))

	for _, m := range []string{"GET", "PUT", "PATCH", "DELETE"} {
		h(m, "/myprofile", s.authed(s.myProfile), httpapi.MaxBody(photoBody))
	}
	h("GET", "/mentor", s.authed(s.listMentors))
	h("GET", "/mentor/{skills}", s.authed(s.mentorsBySkill))
	h("GET", "/mentorinfo", s.authed(s.mentorInfoList))
	h("POST", "/mentorinfo", s.authed(s.mentorInfoCreate))
	for _, m := range []string{"GET", "PUT", "PATCH", "DELETE"} {
		h(m, "/mentorinfoupdate", s.authed(s.mentorInfoUpdate))
		h(m, "/menteeinfoupdate", s.authed(s.menteeInfoUpdate))
	}
	h("GET", "/mentee", s.authed(s.listMentees))
	h("GET", "/menteeinfo", s.authed(s.menteeInfoList))
	h("POST", "/menteeinfo", s.authed(s.menteeInfoCreate))
	for _, m := range []string{"GET", "PUT", "PATCH"} {
		h(m, "/notificationsettings/{pk}", s.authed(s.notificationSettings))
	}
	for _, base := range []string{"/availabilty", "/availability", "/v2/availabilty", "/v2/availability"} {
		h("GET", base, s.authed(s.availability))
		h("POST", base, s.authed(s.availability))
		h("DELETE", base+"/{pk}", s.authed(s.deleteAvailability))
	}
	h("POST", "/sessionrequest", s.authed(s.requestSession))
	h("GET", "/sessionrequest", s.authed(s.sessionList((*Surface).allSessions)))
	for _, m := range []string{"GET", "PUT", "PATCH", "DELETE"} {
		h(m, "/sessionrequest/{pk}", s.authed(s.sessionDetail))
	}
	h("GET", "/session", s.authed(s.sessionList((*Surface).upcomingSessions)))
	h("GET", "/archivesession", s.authed(s.sessionList((*Surface).archivedSessions)))
	s.registerResetPage(rt)
	rt.NotFound("/", s.rd)
}

type authedHandler func(w http.ResponseWriter, r *http.Request, u *domain.User)

// authed requires a credential and renders DRF's 401 bodies without one.
func (s *Surface) authed(h authedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := httpapi.Authenticate(r, s.Accounts)
		if err != nil {
			s.rd.Error(w, r, err)
			return
		}
		h(w, r, u)
	}
}

// form reads the body as one object; other JSON values are refused the way a
// DRF serializer refuses them.
func (s *Surface) form(w http.ResponseWriter, r *http.Request) (*drf.Form, bool) {
	in, err := httpapi.ReadInput(r)
	if err != nil {
		s.rd.Error(w, r, err)
		return nil, false
	}
	if in.IsNull() {
		s.fail(w, r, errs.NonField("null", "No data provided"))
		return nil, false
	}
	if in.JSON != nil {
		if _, ok := in.JSON.(map[string]any); !ok {
			s.rd.Error(w, r, errs.NonField("invalid", fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", jsonType(in.JSON))))
			return nil, false
		}
	}
	return drf.NewForm(in), true
}

func jsonType(v any) string {
	switch v.(type) {
	case []any:
		return "list"
	case string:
		return "str"
	case bool:
		return "bool"
	case json.Number:
		return "int"
	}
	return "NoneType"
}

func (s *Surface) fail(w http.ResponseWriter, r *http.Request, err error) { s.rd.Error(w, r, err) }

func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

func (s *Surface) notFound(w http.ResponseWriter, r *http.Request) {
	s.rd.Error(w, r, errs.NotFound("not_found", drf.MsgNotFound))
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
