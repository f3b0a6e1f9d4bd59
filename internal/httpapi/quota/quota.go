// Package quota serves the session-quota API: mentors publish sessions with
// a quota of seats, students book them. Every answer is the envelope
// {"success", "message", "data"}; credentials come in the auth cookie, which
// POST /user/login sets.
package quota

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/groups"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/drf"
	"github.com/mentord/mentord/internal/httpapi/form"
	"github.com/mentord/mentord/internal/timefmt"
)

// Surface holds what the quota handlers need.
type Surface struct {
	httpapi.Kit
	Accounts *accounts.Service
	Groups   *groups.Service
	// PublicURL, when https, makes the auth cookie Secure behind a proxy
	// that ends TLS.
	PublicURL string
}

// New returns the quota surface.
func New(acc *accounts.Service, g *groups.Service, limits httpapi.Limits, log *slog.Logger) *Surface {
	rd := httpapi.ErrorRenderer{Log: log, Translate: translate, Body: body}
	return &Surface{Kit: httpapi.Kit{Accounts: acc, Errors: rd, Limits: limits}, Accounts: acc, Groups: g}
}

// This API's wording of the group-session rules.
var messages = map[string]string{
	groups.CodeNotFound:       "session is not found",
	groups.CodeNotCreator:     "session is not found", // someone else's session is not found
	groups.CodeNotInstructor:  "only mentors can manage sessions",
	groups.CodeNotStudent:     "only students can book sessions",
	groups.CodeFull:           "quota has run out",
	groups.CodeAlreadyJoined:  "you already booked this session",
	groups.CodeCannotJoin:     "this session can no longer be booked",
	groups.CodeOwnSession:     "you cannot book your own session",
	groups.CodeFrozen:         "this session can no longer be changed",
	groups.CodeCannotDelete:   "an ongoing or completed session cannot be deleted",
	groups.CodeInPast:         "scheduled time cannot in the past",
	groups.CodeAlreadyWaiting: "you are already on the waitlist of this session",
	groups.CodeNotWaiting:     "you are not on the waitlist of this session",
	errs.CodeNotObject:        "request body must be a JSON object",
	errs.AuthBadCredentials:   "email or password wrong",
}

type envelope struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

// translate restates what this API's contract calls otherwise: someone
// else's session is one that is not found.
func translate(err error) error {
	if errs.CodeOf(err) == groups.CodeNotCreator {
		return errs.NotFound(groups.CodeNotCreator, "")
	}
	return err
}

// body is {"success": false, "message": "..."} in this API's words.
func body(status int, err error) any {
	var (
		e   *errs.Error
		mna *httpapi.MethodNotAllowed
	)
	msg := "internal server error"
	if v, ok := errs.AsInvalid(err); ok {
		msg = firstMessage(v)
	} else if errors.As(err, &e) {
		msg = drf.Detail(e)
		if m, ok := messages[e.Code]; ok {
			msg = m
		} else if e.Kind == errs.KindUnauthenticated {
			msg = "Unauthorized"
		}
	} else if errors.As(err, &mna) {
		msg = fmt.Sprintf("method %s not allowed", mna.Method)
	} else if m, ok := statusMessages[status]; ok {
		msg = m
	}
	if status == http.StatusServiceUnavailable {
		msg = httpapi.MsgUnavailable
	}
	return envelope{Message: msg}
}

var statusMessages = map[int]string{
	http.StatusNotFound:              "not found",
	http.StatusUnsupportedMediaType:  "unsupported media type",
	http.StatusBadRequest:            "request body is not valid JSON",
	http.StatusRequestEntityTooLarge: "request body is too large",
}

// firstMessage is the message of a validation error, in this API's words:
// only the first problem is told, as the original's schema told it.
func firstMessage(v *errs.Invalid) string {
	for _, f := range v.Fields {
		if len(f.Msgs) == 0 {
			continue
		}
		m := f.Msgs[0]
		switch {
		case f.Field == "capacity" && m.Code == errs.CodeMinValue:
			return fmt.Sprintf("Number must be greater than or equal to %v", m.Arg())
		case f.Field == "capacity" && m.Code == errs.CodeMaxValue:
			return fmt.Sprintf("Number must be less than or equal to %v", m.Arg())
		case m.Code == groups.CodeBelowTaken:
			return "quota cannot be lower than the seats already booked"
		}
		if t, ok := messages[m.Code]; ok {
			return t
		}
		return fieldName(f.Field) + ": " + drf.Word(m)
	}
	if len(v.NonField) > 0 {
		m := v.NonField[0]
		if t, ok := messages[m.Code]; ok {
			return t
		}
		return drf.Word(m)
	}
	return "invalid input"
}

func fieldName(f string) string {
	switch f {
	case "date":
		return "scheduledAt"
	case "capacity":
		return "quota"
	}
	return f
}

// Register adds the quota routes.
func (s *Surface) Register(rt *httpapi.Router) {
	h := func(method, path string, fn http.HandlerFunc) { s.Handle(rt, method, path, fn) }
	h("POST", "/user/login", s.Limit(s.Limits.Login, s.login))
	h("POST", "/user/logout", s.Authed(s.logout))
	h("POST", "/session/api/addSession", s.Authed(s.add))
	h("PUT", "/session/api/updateSession/{sessionId}", s.Authed(s.update))
	h("DELETE", "/session/api/deleteSession/{sessionId}", s.Authed(s.delete))
	h("GET", "/session/getSession/{mentorId}", s.list)
	h("POST", "/session/api/student/bookSession/{mentorId}", s.Authed(s.book))
	h("POST", "/session/api/student/leaveWaitlist/{mentorId}", s.Authed(s.leaveWaitlist))
	rt.NotFound("/session/", s.Errors)
	rt.NotFound("/user/", s.Errors)
}

// pathID reads an id from the path; a bad one is the original's 400.
func pathID(r *http.Request, name string) (int64, error) {
	if id, ok := httpapi.PathID(r, name); ok {
		return id, nil
	}
	return 0, errs.BadRequest("invalid_id", "Validation failed (numeric string is expected)")
}

// dateTime is this API's date format: "2024-10-03 14:30:00", in UTC.
func dateTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }

type sessionOut struct {
	ID          int64   `json:"id"`
	MentorID    int64   `json:"mentor_id"`
	ScheduledAt string  `json:"scheduledAt"`
	Quota       int     `json:"quota"`
	Booked      int     `json:"booked"`
	Remaining   int     `json:"remaining"`
	Title       string  `json:"title"`
	Field       *string `json:"field"`
	Status      string  `json:"status"`
	// WaitlistCount is how many wait for a seat; WaitlistPosition the
	// caller's place among them (1 first), absent when not waiting or not
	// known.
	WaitlistCount    int `json:"waitlist_count"`
	WaitlistPosition int `json:"waitlist_position,omitempty"`
}

func sessionJSON(g *domain.GroupSession) sessionOut {
	return sessionOut{ID: g.ID, MentorID: g.CreatorID, ScheduledAt: dateTime(g.Start), Quota: g.Capacity, Booked: g.Taken,
		Remaining: groups.AvailableSpots(g), Title: g.Title, Field: g.Field, Status: g.Status}
}

// sessionsJSON shapes sessions with their waitlists' lengths and, when the
// caller is known (u not nil), the caller's place on each.
func (s *Surface) sessionsJSON(r *http.Request, u *domain.User, list ...domain.GroupSession) ([]sessionOut, error) {
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	counts, err := s.Groups.WaitlistCounts(r.Context(), ids...)
	if err != nil {
		return nil, err
	}
	out := make([]sessionOut, len(list))
	for i := range list {
		out[i] = sessionJSON(&list[i])
		out[i].WaitlistCount = counts[list[i].ID]
		if u != nil && out[i].WaitlistCount > 0 {
			st, err := s.Groups.StandingOf(r.Context(), list[i].ID, u.ID)
			if err != nil {
				return nil, err
			}
			out[i].WaitlistPosition = st.Place
		}
	}
	return out, nil
}

// writeSession answers one session in the envelope.
func (s *Surface) writeSession(w http.ResponseWriter, r *http.Request, u *domain.User, msg string, g *domain.GroupSession) {
	out, err := s.sessionsJSON(r, u, *g)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, envelope{true, msg, out[0]})
}

func fullName(u *domain.User) string {
	if n := strings.TrimSpace(u.FirstName + " " + u.LastName); n != "" {
		return n
	}
	return u.Username
}

// wholeNumber reads a number field of in. In JSON it must be a number, as
// the original's schema said; a form has only text, so there its digits are
// the number.
func wholeNumber(in *form.Input, raw any) (int, bool) {
	if _, isStr := raw.(string); isStr && !in.IsForm() {
		return 0, false
	}
	return form.ParseInt(raw)
}

// readBody reads scheduledAt and quota (and the optional title, description
// and field); with full, scheduledAt and quota are required. The error is
// the first reading problem.
func (s *Surface) readBody(r *http.Request, full bool) (groups.Input, error) {
	f, err := form.ObjectOrNull(r)
	if err != nil {
		return groups.Input{}, err
	}
	in := f.Input()
	var out groups.Input
	if raw, ok := f.Value("scheduledAt"); ok {
		str, isStr := raw.(string)
		t, err := timefmt.Parse(str)
		if !isStr || err != nil {
			return out, errs.BadRequest("invalid_date", "Invalid date")
		}
		out.Start = &t
	} else if full {
		return out, errs.BadRequest("required", "scheduledAt is required")
	}
	if raw, ok := f.Value("quota"); ok {
		n, valid := wholeNumber(in, raw)
		if !valid {
			return out, errs.BadRequest("invalid_quota", "quota must be a whole number")
		}
		out.Capacity = &n
	} else if full {
		return out, errs.BadRequest("required", "quota is required")
	}
	out.Title = f.Str("title", form.Str{Max: groups.MaxTitle})
	out.Description = f.Str("description", form.Str{AllowBlank: true})
	out.Field = f.Str("field", form.Str{AllowBlank: true, AllowNull: true, Max: 100})
	return out, f.Err()
}

// POST /session/api/addSession
func (s *Surface) add(w http.ResponseWriter, r *http.Request, u *domain.User) {
	in, err := s.readBody(r, true)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if in.Title == nil {
		t := "Mentoring session with " + fullName(u)
		in.Title = &t
	}
	if in.Description == nil {
		empty := ""
		in.Description = &empty
	}
	g, err := s.Groups.Create(r.Context(), u, in)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.writeSession(w, r, u, "Successfully add new schedule", g)
}

// PUT /session/api/updateSession/:sessionId
func (s *Surface) update(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, err := pathID(r, "sessionId")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	in, err := s.readBody(r, false)
	in.ReadErr = err // answered once the domain knows the caller may manage sessions
	g, err := s.Groups.Update(r.Context(), u, id, in)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.writeSession(w, r, u, "successfully update mentor session", g)
}

// DELETE /session/api/deleteSession/:sessionId
func (s *Surface) delete(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, err := pathID(r, "sessionId")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if err := s.Groups.Delete(r.Context(), u, id); err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, envelope{Success: true, Message: "successfully delete mentor session"})
}

// GET /session/getSession/:mentorId (public; a caller who sends a good
// credential also sees their place on each waitlist)
func (s *Surface) list(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "mentorId")
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	mentor, err := s.Accounts.User(r.Context(), id)
	if err != nil || !mentor.IsMentor {
		if err == nil || errs.KindOf(err) == errs.KindNotFound {
			err = errs.NotFound("mentor_not_found", "mentor not found")
		}
		s.Fail(w, r, err)
		return
	}
	list, err := s.Groups.OfCreator(r.Context(), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	caller, err := httpapi.Authenticate(r, s.Accounts)
	if err != nil {
		caller = nil // the list is public: a missing or bad credential shows it without places
	}
	out, err := s.sessionsJSON(r, caller, list...)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, envelope{Success: true, Message: "Successfully get all session data", Data: out})
}

// sessionOfMentor reads {"session_id": N} and loads that session, which
// must be the path's mentor's.
func (s *Surface) sessionOfMentor(w http.ResponseWriter, r *http.Request) (*domain.GroupSession, *form.Input, bool) {
	mentorID, err := pathID(r, "mentorId")
	if err != nil {
		s.Fail(w, r, err)
		return nil, nil, false
	}
	in, ok := s.Input(w, r)
	if !ok {
		return nil, nil, false
	}
	raw, _ := in.Get("session_id")
	n, ok := wholeNumber(in, raw)
	if !ok || n < 1 {
		s.Fail(w, r, errs.BadRequest("invalid_session_id", "session_id must be a number greater than or equal to 1"))
		return nil, nil, false
	}
	g, err := s.Groups.Get(r.Context(), int64(n))
	if err == nil && g.CreatorID != mentorID {
		err = errs.NotFound(groups.CodeNotFound, "")
	}
	if err != nil {
		s.Fail(w, r, err)
		return nil, nil, false
	}
	return g, in, true
}

// POST /session/api/student/bookSession/:mentorId {"session_id": N}; with
// "waitlist": true a full session puts the student on its waitlist.
func (s *Surface) book(w http.ResponseWriter, r *http.Request, u *domain.User) {
	g, in, ok := s.sessionOfMentor(w, r)
	if !ok {
		return
	}
	opt := groups.JoinOptions{StudentsOnly: true}
	if raw, ok := in.Get("waitlist"); ok {
		b, valid := form.ParseBool(raw)
		if !valid {
			s.Fail(w, r, errs.BadRequest("invalid_waitlist", "waitlist must be true or false"))
			return
		}
		opt.Waitlist = b
	}
	res, err := s.Groups.JoinOrWait(r.Context(), u, g.ID, opt)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	g = res.Session
	if res.Waiter != nil {
		httpapi.WriteJSON(w, http.StatusOK, envelope{true, "successfully joined the waitlist", map[string]any{
			"session_id":        g.ID,
			"scheduledAt":       dateTime(g.Start),
			"mentor_name":       fullName(&g.Creator),
			"student_name":      fullName(u),
			"field":             g.Field,
			"waitlist_position": res.Place,
			"waitlistedAt":      dateTime(res.Waiter.AddedAt),
		}})
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, envelope{true, "successfully book mentoring session", map[string]any{
		"session_id":   g.ID,
		"scheduledAt":  dateTime(g.Start),
		"mentor_name":  fullName(&g.Creator),
		"student_name": fullName(u),
		"field":        g.Field,
		"bookedAt":     dateTime(res.Seat.JoinedAt),
	}})
}

// POST /session/api/student/leaveWaitlist/:mentorId {"session_id": N}
func (s *Surface) leaveWaitlist(w http.ResponseWriter, r *http.Request, u *domain.User) {
	g, _, ok := s.sessionOfMentor(w, r)
	if !ok {
		return
	}
	if _, err := s.Groups.LeaveWaitlist(r.Context(), u, g.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, envelope{Success: true, Message: "successfully left the waitlist"})
}

// POST /user/login with email (or username) and password: sets the auth
// cookie.
func (s *Surface) login(w http.ResponseWriter, r *http.Request) {
	u, ok := s.LoginByEmail(w, r, "email and password are required")
	if !ok {
		return
	}
	key, err := s.Accounts.Token(r.Context(), u)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: httpapi.CookieName, Value: key, Path: "/", MaxAge: 7 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: httpapi.SecureCookie(r, s.PublicURL)})
	role := "student"
	if u.IsMentor {
		role = "mentor"
	}
	httpapi.WriteJSON(w, http.StatusOK, envelope{true, "successfully login user", map[string]any{
		"id": u.ID, "username": u.Username, "email": u.Email, "name": fullName(u), "role": role,
	}})
}

// POST /user/logout: forgets the token and clears the cookie.
func (s *Surface) logout(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if err := s.Accounts.Logout(r.Context(), u.ID); err != nil {
		s.Fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: httpapi.CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: httpapi.SecureCookie(r, s.PublicURL)})
	httpapi.WriteJSON(w, http.StatusOK, envelope{Success: true, Message: "successfully logout user"})
}
