// Package tutoring serves the tutoring-sessions API (/api/sessions/...,
// /api/auth/...): group sessions with a capacity, join/leave, a status flow,
// JWT login, pagination and filters. Explicit errors are {"error": "..."};
// validation errors are DRF's {"field": ["..."]}.
package tutoring

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
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

// Surface holds what the tutoring handlers need.
type Surface struct {
	httpapi.Kit
	Accounts  *accounts.Service
	Groups    *groups.Service
	PublicURL string
}

// New returns the tutoring surface.
func New(acc *accounts.Service, g *groups.Service, publicURL string, limits httpapi.Limits, log *slog.Logger) *Surface {
	rd := httpapi.ErrorRenderer{Log: log, Challenge: `Bearer realm="api"`, Body: body}
	return &Surface{Kit: httpapi.Kit{Accounts: acc, Errors: rd, Limits: limits}, Accounts: acc, Groups: g, PublicURL: publicURL}
}

// participantBounds are this API's bounds of max_participants, narrower
// than the domain's: the tutoring spec's session model (its model
// validators) says "integer (2-20)".
var participantBounds = groups.Capacity{Min: 2, Max: 20}

// words are DRF's, except that this API refuses a body that is not an
// object without saying what it was.
var words = drf.Words{Own: map[string]string{
	errs.CodeNotObject: "Invalid data. Expected a dictionary.",
	errs.CodeNoData:    "Invalid data. Expected a dictionary.",
}}

// body words errors as DRF does, except that rule violations are
// {"error": "..."}, a failed login is the original's, a bad token is
// SimpleJWT's, and validation fields use this API's names.
func body(status int, err error) any {
	if v, ok := errs.AsInvalid(err); ok {
		return words.Body(status, rename(v, map[string]string{"capacity": "max_participants"}))
	}
	var e *errs.Error
	if errors.As(err, &e) {
		switch e.Kind {
		case errs.KindForbidden, errs.KindInvalid, errs.KindConflict:
			return map[string]string{"error": drf.Detail(e)}
		case errs.KindUnauthenticated:
			switch e.Code {
			case errs.AuthBadCredentials:
				return map[string]string{"error": "Invalid credentials"}
			case errs.AuthInvalidJWTRefresh:
				return map[string]string{"detail": "Token is invalid or expired", "code": "token_not_valid"}
			case errs.AuthNoCredentials:
			default:
				return map[string]string{"detail": "Given token not valid for any token type", "code": "token_not_valid"}
			}
		}
	}
	return words.Body(status, err)
}

func rename(v *errs.Invalid, names map[string]string) *errs.Invalid {
	out := &errs.Invalid{NonField: v.NonField}
	for _, f := range v.Fields {
		name := f.Field
		if n, ok := names[name]; ok {
			name = n
		}
		out.Fields = append(out.Fields, errs.FieldErrors{Field: name, Msgs: f.Msgs})
	}
	return out
}

// Register adds the tutoring routes.
func (s *Surface) Register(rt *httpapi.Router) {
	h := func(method, path string, fn http.HandlerFunc) { s.Handle(rt, method, path, fn) }
	session := func(fn httpapi.IDHandler) http.HandlerFunc { return s.AuthedID(errSessionNotFound, fn) }
	h("POST", "/api/auth/login", s.Limit(s.Limits.Login, s.login))
	h("POST", "/api/auth/token/refresh", s.refresh)
	h("GET", "/api/sessions", s.Authed(s.list))
	h("POST", "/api/sessions", s.Authed(s.create))
	h("GET", "/api/sessions/my_sessions", s.Authed(s.mine))
	h("GET", "/api/sessions/created_sessions", s.Authed(s.created))
	h("GET", "/api/sessions/joined_sessions", s.Authed(s.joined))
	h("GET", "/api/sessions/{id}", session(s.detail))
	h("PUT", "/api/sessions/{id}", session(s.update))
	h("PATCH", "/api/sessions/{id}", session(s.update))
	h("DELETE", "/api/sessions/{id}", session(s.delete))
	h("GET", "/api/sessions/{id}/participants", session(s.participants))
	h("POST", "/api/sessions/{id}/join", session(s.join))
	h("POST", "/api/sessions/{id}/leave", session(s.action(s.Groups.Leave, "Successfully left the session")))
	h("POST", "/api/sessions/{id}/leave_waitlist", session(s.action(s.Groups.LeaveWaitlist, "Left the waitlist")))
	h("POST", "/api/sessions/{id}/cancel", session(s.action(s.Groups.Cancel, "Session cancelled successfully")))
	h("POST", "/api/sessions/{id}/start", session(s.action(s.Groups.Start, "Session started successfully")))
	h("POST", "/api/sessions/{id}/complete", session(s.action(s.Groups.Complete, "Session completed successfully")))
	rt.NotFound("/api/", s.Errors)
}

// errSessionNotFound answers a path id that names no session.
var errSessionNotFound = errs.NotFound("not_found", "")

// --- shapes ---

type userOut struct {
	ID         int64  `json:"id"`
	Email      string `json:"email"`
	Username   string `json:"username"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Role       string `json:"role"`
	DateJoined string `json:"date_joined"`
}

func userJSON(u *domain.User) userOut {
	return userOut{u.ID, u.Email, u.Username, u.FirstName, u.LastName, groups.Role(u), timefmt.DRF(u.DateJoined)}
}

type participantOut struct {
	ID       int64   `json:"id"`
	User     userOut `json:"user"`
	JoinedAt string  `json:"joined_at"`
	Role     string  `json:"role"`
}

type sessionBase struct {
	ID              int64   `json:"id"`
	Title           string  `json:"title"`
	Description     string  `json:"description"`
	Date            string  `json:"date"`
	MaxParticipants int     `json:"max_participants"`
	Creator         userOut `json:"creator"`
}

type detailOut struct {
	sessionBase
	Participants   []participantOut `json:"participants"`
	Status         string           `json:"status"`
	CreatedAt      string           `json:"created_at"`
	UpdatedAt      string           `json:"updated_at"`
	IsFull         bool             `json:"is_full"`
	AvailableSpots int              `json:"available_spots"`
	CanJoin        bool             `json:"can_join"`
	// WaitlistCount is how many wait for a seat; WaitlistPosition the
	// caller's place among them (1 first), absent when not waiting.
	WaitlistCount    int `json:"waitlist_count"`
	WaitlistPosition int `json:"waitlist_position,omitempty"`
}

type listItemOut struct {
	sessionBase
	Status           string `json:"status"`
	CreatedAt        string `json:"created_at"`
	UpdatedAt        string `json:"updated_at"`
	ParticipantCount int    `json:"participant_count"`
	IsFull           bool   `json:"is_full"`
	AvailableSpots   int    `json:"available_spots"`
	CanJoin          bool   `json:"can_join"`
}

func base(g *domain.GroupSession) sessionBase {
	return sessionBase{g.ID, g.Title, g.Description, timefmt.DRF(g.Start), g.Capacity, userJSON(&g.Creator)}
}

func participantsJSON(list []domain.Participant) []participantOut {
	out := make([]participantOut, len(list))
	for i := range list {
		p := &list[i]
		out[i] = participantOut{p.ID, userJSON(&p.User), timefmt.DRF(p.JoinedAt), p.Role}
	}
	return out
}

func (s *Surface) detailJSON(r *http.Request, g *domain.GroupSession, u *domain.User) (detailOut, error) {
	parts, st, err := s.Groups.DetailOf(r.Context(), g.ID, u.ID)
	if err != nil {
		return detailOut{}, err
	}
	return detailOut{base(g), participantsJSON(parts), g.Status, timefmt.DRF(g.CreatedAt), timefmt.DRF(g.UpdatedAt),
		groups.IsFull(g), groups.AvailableSpots(g), s.Groups.CanJoin(g), st.Waiting, st.Place}, nil
}

func (s *Surface) writeDetail(w http.ResponseWriter, r *http.Request, status int, g *domain.GroupSession, u *domain.User) {
	out, err := s.detailJSON(r, g, u)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, status, out)
}

// writeMessage is the answer of join and the other actions:
// {"message": "...", "session": <detail>}.
func (s *Surface) writeMessage(w http.ResponseWriter, r *http.Request, status int, msg string, g *domain.GroupSession, u *domain.User) {
	out, err := s.detailJSON(r, g, u)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, status, map[string]any{"message": msg, "session": out})
}

type pageOut struct {
	Count    int           `json:"count"`
	Next     *string       `json:"next"`
	Previous *string       `json:"previous"`
	Results  []listItemOut `json:"results"`
}

var errInvalidPage = errs.NotFound("invalid_page", "Invalid page.")

// writePage lists one page of sessions matching f.
func (s *Surface) writePage(w http.ResponseWriter, r *http.Request, f domain.GroupFilter) {
	page, ok := httpapi.ParsePage(r, 10, 100)
	if !ok {
		s.Fail(w, r, errInvalidPage)
		return
	}
	// The count comes with the page; a page beyond the end is found out
	// from it.
	list, total, err := s.Groups.List(r.Context(), f, page.Size, max(0, page.Offset()))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if page.Number == -1 {
		page.Resolve(total)
		if list, total, err = s.Groups.List(r.Context(), f, page.Size, page.Offset()); err != nil {
			s.Fail(w, r, err)
			return
		}
	}
	if !page.Resolve(total) {
		s.Fail(w, r, errInvalidPage)
		return
	}
	out := pageOut{Count: total, Results: make([]listItemOut, len(list))}
	out.Next, out.Previous = page.Links(r, s.PublicURL, total)
	for i := range list {
		g := &list[i]
		out.Results[i] = listItemOut{base(g), g.Status, timefmt.DRF(g.CreatedAt), timefmt.DRF(g.UpdatedAt), g.Taken,
			groups.IsFull(g), groups.AvailableSpots(g), s.Groups.CanJoin(g)}
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

var statuses = map[string]bool{domain.GroupUpcoming: true, domain.GroupOngoing: true, domain.GroupCompleted: true, domain.GroupCancelled: true}

// GET /api/sessions/?status=&date_from=&date_to=&creator=&page=&page_size=
func (s *Surface) list(w http.ResponseWriter, r *http.Request, _ *domain.User) {
	q := r.URL.Query()
	v := &errs.Invalid{}
	var f domain.GroupFilter
	if st := q.Get("status"); st != "" {
		if !statuses[st] {
			v.Add("status", "invalid_choice", fmt.Sprintf("Select a valid choice. %s is not one of the available choices.", st))
		}
		f.Status = st
	}
	for _, d := range []struct {
		name string
		dst  **time.Time
		end  bool
	}{{"date_from", &f.From, false}, {"date_to", &f.To, true}} {
		if raw := q.Get(d.name); raw != "" {
			t, err := timefmt.Parse(raw)
			if day, derr := time.Parse(time.DateOnly, raw); err != nil && derr == nil {
				// A plain date, which the spec's "this date (ISO format)"
				// allows and the original accepted: the whole UTC day.
				t, err = day, nil
				if d.end {
					t = day.AddDate(0, 0, 1).Add(-time.Microsecond)
				}
			}
			if err != nil {
				v.Add(d.name, "invalid", "Enter a valid date/time.")
				continue
			}
			*d.dst = &t
		}
	}
	if raw := q.Get("creator"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 1 {
			v.Add("creator", "invalid", "Enter a number.")
		}
		f.CreatorID = id
	}
	if err := v.Err(); err != nil {
		s.Fail(w, r, err)
		return
	}
	s.writePage(w, r, f)
}

func (s *Surface) mine(w http.ResponseWriter, r *http.Request, u *domain.User) {
	s.writePage(w, r, domain.GroupFilter{InvolvedID: u.ID})
}

func (s *Surface) created(w http.ResponseWriter, r *http.Request, u *domain.User) {
	s.writePage(w, r, domain.GroupFilter{CreatorID: u.ID})
}

func (s *Surface) joined(w http.ResponseWriter, r *http.Request, u *domain.User) {
	s.writePage(w, r, domain.GroupFilter{JoinedID: u.ID})
}

func (s *Surface) detail(w http.ResponseWriter, r *http.Request, u *domain.User, id int64) {
	g, err := s.Groups.Get(r.Context(), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.writeDetail(w, r, http.StatusOK, g, u)
}

func (s *Surface) participants(w http.ResponseWriter, r *http.Request, _ *domain.User, id int64) {
	list, err := s.Groups.Participants(r.Context(), id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, participantsJSON(list))
}

// readInput reads title, description, date and max_participants; with
// full (POST, PUT) all four are required. What it cannot read it leaves to
// the domain to report (ReadErr, Unread), after the domain has checked who
// may act.
func (s *Surface) readInput(r *http.Request, full bool) groups.Input {
	f, err := form.ObjectOrNull(r)
	if err != nil {
		return groups.Input{ReadErr: err}
	}
	out := groups.Input{
		Title:       f.Str("title", form.Str{Required: full, Max: groups.MaxTitle}),
		Description: f.Str("description", form.Str{Required: full}),
		Start:       f.DateTime("date", full),
		Capacity:    f.Int("max_participants", full),
		Bounds:      participantBounds,
	}
	// The domain calls max_participants capacity; the renderer renames it back.
	out.Unread = rename(f.Invalid(), map[string]string{"max_participants": "capacity"})
	return out
}

// POST /api/sessions/ (instructors only)
func (s *Surface) create(w http.ResponseWriter, r *http.Request, u *domain.User) {
	g, err := s.Groups.Create(r.Context(), u, s.readInput(r, true))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.writeDetail(w, r, http.StatusCreated, g, u)
}

// PUT (all fields) and PATCH (some) /api/sessions/<id>/ (creator only)
func (s *Surface) update(w http.ResponseWriter, r *http.Request, u *domain.User, id int64) {
	in := s.readInput(r, r.Method == http.MethodPut)
	if in.ReadErr != nil { // a body that cannot be read is 400 whoever sends it
		s.Fail(w, r, in.ReadErr)
		return
	}
	g, err := s.Groups.Update(r.Context(), u, id, in)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.writeDetail(w, r, http.StatusOK, g, u)
}

// DELETE /api/sessions/<id>/ (creator only)
func (s *Surface) delete(w http.ResponseWriter, r *http.Request, u *domain.User, id int64) {
	if err := s.Groups.Delete(r.Context(), u, id); err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.NoContent(w)
}

// POST /api/sessions/<id>/join/: takes a seat; anyone but the creator may
// join. With {"waitlist": true} a full session puts the caller on its
// waitlist instead (202). The body was never read before, so one that is
// not an object, or has no waitlist, joins as it always did.
func (s *Surface) join(w http.ResponseWriter, r *http.Request, u *domain.User, id int64) {
	opt := groups.JoinOptions{}
	if in, err := form.Read(r); err == nil {
		if raw, ok := in.Get("waitlist"); ok {
			b, valid := form.ParseBool(raw)
			if !valid {
				s.Fail(w, r, errs.Field("waitlist", errs.CodeNotBoolean, "Must be a valid boolean."))
				return
			}
			opt.Waitlist = b
		}
	}
	res, err := s.Groups.JoinOrWait(r.Context(), u, id, opt)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if res.Waiter != nil {
		s.writeMessage(w, r, http.StatusAccepted, "Added to the waitlist", res.Session, u)
		return
	}
	s.writeMessage(w, r, http.StatusCreated, "Successfully joined the session", res.Session, u)
}

// action serves leave, leave_waitlist, cancel, start and complete: 200
// {"message": msg, "session": <detail>}.
func (s *Surface) action(do func(ctx context.Context, u *domain.User, id int64) (*domain.GroupSession, error), msg string) httpapi.IDHandler {
	return func(w http.ResponseWriter, r *http.Request, u *domain.User, id int64) {
		g, err := do(r.Context(), u, id)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		s.writeMessage(w, r, http.StatusOK, msg, g, u)
	}
}
