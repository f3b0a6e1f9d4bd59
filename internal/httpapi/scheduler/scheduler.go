// Package scheduler serves the meeting-scheduler API: /accounts/ (JWT
// sign-up and login) and /schedules/ (contacts, calendars, invitations by
// link, suggestions, finalizing). Validation errors are DRF's
// {"field": ["..."]}; rule violations are {"error": "..."}.
package scheduler

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/drf"
	"github.com/mentord/mentord/internal/httpapi/form"
	"github.com/mentord/mentord/internal/meetings"
	"github.com/mentord/mentord/internal/timefmt"
)

// Surface holds what the scheduler handlers need.
type Surface struct {
	httpapi.Kit
	Accounts  *accounts.Service
	Meetings  *meetings.Service
	PublicURL string
}

// New returns the scheduler surface.
func New(acc *accounts.Service, m *meetings.Service, publicURL string, limits httpapi.Limits, log *slog.Logger) *Surface {
	rd := httpapi.ErrorRenderer{Log: log, Challenge: "Bearer", Body: body}
	return &Surface{Kit: httpapi.Kit{Accounts: acc, Errors: rd, Limits: limits, Links: httpapi.Links{PublicURL: publicURL}}, Accounts: acc,
		Meetings: m, PublicURL: publicURL}
}

// words are DRF's, except that this API refuses a body that is not an
// object without saying what it was.
var words = drf.Words{Own: map[string]string{
	errs.CodeNotObject: "Invalid data. Expected a dictionary.",
	errs.CodeNoData:    "Invalid data. Expected a dictionary.",
}}

// body words errors as DRF does, except that rule violations are
// {"error": "..."} (as the original views answered them) and a failed login
// or refresh is SimpleJWT's.
func body(status int, err error) any {
	var e *errs.Error
	if errors.As(err, &e) {
		switch {
		case e.Kind == errs.KindInvalid || e.Kind == errs.KindConflict || e.Code == meetings.CodeAlreadyFinalized:
			return map[string]string{"error": drf.Detail(e)}
		case e.Code == errs.AuthBadCredentials:
			return map[string]string{"detail": "No active account found with the given credentials"}
		case e.Code == errs.AuthInvalidJWTRefresh:
			return map[string]string{"detail": "Token is invalid or expired", "code": "token_not_valid"}
		}
	}
	return words.Body(status, err)
}

// Register adds the routes.
func (s *Surface) Register(rt *httpapi.Router) {
	h := func(method, path string, fn http.HandlerFunc, opts ...httpapi.RouteOption) {
		s.Handle(rt, method, path, fn, opts...)
	}
	calendar := func(fn httpapi.IDHandler) http.HandlerFunc { return s.AuthedID(errNotFound, fn) }
	h("POST", "/accounts/signup", s.Limit(s.Limits.Signup, s.signup))
	h("POST", "/accounts/login", s.Limit(s.Limits.Login, s.login))
	h("POST", "/accounts/login/refresh", s.refresh)
	h("POST", "/accounts/checktoken", s.Authed(s.checkToken))
	h("GET", "/schedules/contacts", s.Authed(s.listContacts))
	h("POST", "/schedules/contacts", s.Authed(s.addContact))
	h("PATCH", "/schedules/contacts", s.Authed(s.updateContact))
	h("PUT", "/schedules/contacts", s.Authed(s.updateContact))
	h("DELETE", "/schedules/contacts", s.Authed(s.deleteContact))
	h("GET", "/schedules/home", s.Authed(s.home))
	h("POST", "/schedules/calendars/create", s.Authed(s.createCalendar))
	h("GET", "/schedules/calendars/{id}/details", calendar(s.details))
	h("PUT", "/schedules/calendars/{id}/details", calendar(s.updateCalendar))
	h("PATCH", "/schedules/calendars/{id}/details", calendar(s.updateCalendar))
	h("GET", "/schedules/calendars/{id}/meetings", calendar(s.meetings))
	h("GET", "/schedules/calendars/{id}/confirm", calendar(s.proposal))
	h("POST", "/schedules/calendars/{id}/confirm", calendar(s.finalize))
	// remind/<calendar>/<contact> and <calendar>/respond/<token> overlap as
	// ServeMux patterns, so one pattern takes both and dispatches.
	h("GET", "/schedules/calendars/{x}/{y}/{z}", s.threeSegments,
		httpapi.Serves("/schedules/calendars/{id}/respond/{token}", "/schedules/calendars/remind/{id}/{contact}"))
	h("POST", "/schedules/calendars/{x}/{y}/{z}", s.threeSegments,
		httpapi.Serves("/schedules/calendars/{id}/respond/{token}"))
	rt.NotFound("/schedules/", s.Errors)
	rt.NotFound("/accounts/", s.Errors)
}

func (s *Surface) threeSegments(w http.ResponseWriter, r *http.Request) {
	x, y, z := r.PathValue("x"), r.PathValue("y"), r.PathValue("z")
	switch {
	case y == "respond":
		r.SetPathValue("id", x)
		r.SetPathValue("token", z)
		h := s.openInvitation
		if r.Method == http.MethodPost {
			h = s.answer
		}
		s.Limit(s.Limits.Respond, h)(w, r)
	case x == "remind" && r.Method == http.MethodGet:
		r.SetPathValue("id", y)
		r.SetPathValue("contact", z)
		s.Authed(s.remind)(w, r)
	case x == "remind":
		w.Header().Set("Allow", "GET, HEAD, OPTIONS")
		s.Fail(w, r, &httpapi.MethodNotAllowed{Method: r.Method, Allow: []string{"GET"}})
	default:
		s.Fail(w, r, errNotFound)
	}
}

var errNotFound = errs.NotFound("not_found", "")

// --- accounts ---

var signupMessages = map[string]string{
	accounts.CodePasswordTooShort: "Password must be at least 8 characters long.",
	accounts.CodePasswordMismatch: "Passwords must match.",
}

// POST /accounts/signup/
func (s *Surface) signup(w http.ResponseWriter, r *http.Request) {
	f, ok := s.Object(w, r)
	if !ok {
		return
	}
	in := accounts.SignUp{
		Username: f.Raw("username", false), Email: f.Raw("email", false), Password: f.Raw("password", false),
		PasswordConfirm: f.Raw("password2", false), ConfirmField: "password2", Unread: f.Invalid(),
	}
	first, last := f.Str("first_name", form.Str{AllowBlank: true, Max: 150}), f.Str("last_name", form.Str{AllowBlank: true, Max: 150})
	if first != nil {
		in.FirstName = *first
	}
	if last != nil {
		in.LastName = *last
	}
	u, err := s.Accounts.SignUp(r.Context(), in)
	if v, ok := errs.AsInvalid(err); ok {
		// This API words the password and username rules as errors about
		// the whole input.
		out := &errs.Invalid{NonField: v.NonField}
		for _, fe := range v.Fields {
			for _, m := range fe.Msgs {
				switch {
				case fe.Field == "username" && m.Code == accounts.CodeUnique:
					out.AddNonField(m.Code, "Username already taken.")
				case fe.Field == "password" && m.Code != errs.CodeRequired && m.Code != errs.CodeBlank:
					text := m.Text
					if t, ok := signupMessages[m.Code]; ok {
						text = t
					}
					out.AddNonField(m.Code, text)
				default:
					out.AddMsg(fe.Field, m)
				}
			}
		}
		for i := range out.NonField {
			if t, ok := signupMessages[out.NonField[i].Code]; ok {
				out.NonField[i].Text = t
			}
		}
		err = out
	}
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"id": u.ID, "username": u.Username, "email": u.Email, "first_name": u.FirstName, "last_name": u.LastName})
}

// POST /accounts/login/ -> {"refresh", "access"}
func (s *Surface) login(w http.ResponseWriter, r *http.Request) {
	u, ok := s.LoginByUsername(w, r, true)
	if !ok {
		return
	}
	access, refresh, err := s.Accounts.IssueJWT(r.Context(), u.ID)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"refresh": refresh, "access": access})
}

// POST /accounts/login/refresh/ -> {"access"}
func (s *Surface) refresh(w http.ResponseWriter, r *http.Request) {
	if f, ok := s.Object(w, r); ok {
		s.Refresh(w, r, f)
	}
}

// POST /accounts/checktoken/: 200 with an empty body when the credential
// is good (the original web client asks on every page).
func (s *Surface) checkToken(w http.ResponseWriter, _ *http.Request, _ *domain.User) {
	w.WriteHeader(http.StatusOK)
}

// --- contacts ---

type contactOut struct {
	ID        int64  `json:"id"`
	FirstName string `json:"first_Name"`
	LastName  string `json:"last_Name"`
	Email     string `json:"email"`
}

func contactJSON(k *domain.Contact) contactOut {
	return contactOut{k.ID, k.FirstName, k.LastName, k.Email}
}

func (s *Surface) listContacts(w http.ResponseWriter, r *http.Request, u *domain.User) {
	list, err := s.Meetings.Contacts(r.Context(), u)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	out := make([]contactOut, len(list))
	for i := range list {
		out[i] = contactJSON(&list[i])
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

func contactInput(f *form.Form) meetings.ContactInput {
	return meetings.ContactInput{FirstName: f.Raw("first_Name", false), LastName: f.Raw("last_Name", false), Email: f.Raw("email", false),
		Unread: f.Invalid()}
}

func (s *Surface) addContact(w http.ResponseWriter, r *http.Request, u *domain.User) {
	f, ok := s.Object(w, r)
	if !ok {
		return
	}
	in := contactInput(f)
	k, err := s.Meetings.AddContact(r.Context(), u, in)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, contactJSON(k))
}

// readContactID reads the body and its contact_id; a missing or unknown
// one is 404.
func (s *Surface) readContactID(w http.ResponseWriter, r *http.Request) (*form.Form, int64, bool) {
	f, ok := s.Object(w, r)
	if !ok {
		return nil, 0, false
	}
	id := f.PK("contact_id", false)
	if id == nil {
		if f.Has("contact_id") {
			s.Fail(w, r, f.Err())
		} else {
			s.Fail(w, r, errNotFound)
		}
		return nil, 0, false
	}
	return f, *id, true
}

func (s *Surface) updateContact(w http.ResponseWriter, r *http.Request, u *domain.User) {
	f, id, ok := s.readContactID(w, r)
	if !ok {
		return
	}
	in := contactInput(f)
	k, err := s.Meetings.UpdateContact(r.Context(), u, id, in)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"contact_id": k.ID, "id": k.ID, "first_Name": k.FirstName, "last_Name": k.LastName, "email": k.Email})
}

func (s *Surface) deleteContact(w http.ResponseWriter, r *http.Request, u *domain.User) {
	_, id, ok := s.readContactID(w, r)
	if !ok {
		return
	}
	if err := s.Meetings.DeleteContact(r.Context(), u, id); err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.NoContent(w)
}

// --- shapes ---

type calendarOut struct {
	ID            int64   `json:"id"`
	Name          string  `json:"name"`
	Description   string  `json:"description"`
	Deadline      string  `json:"deadline"`
	Invitees      []int64 `json:"invitees"`
	Finalized     bool    `json:"finalized"`
	MeetingLength int     `json:"meeting_length"`
	Timezone      string  `json:"timezone"`
}

type slotOut struct {
	ID              int64  `json:"id"`
	Date            string `json:"date"`
	StartTime       string `json:"start_time"`
	EndTime         string `json:"end_time"`
	PreferenceLevel int    `json:"preference_level"`
}

func slotsJSON(list []domain.WallSlot) []slotOut {
	out := make([]slotOut, len(list))
	for i, sl := range list {
		out[i] = slotOut{sl.ID, sl.Day, sl.StartClock, sl.EndClock, sl.Preference}
	}
	return out
}

func calendarJSON(v *meetings.View) calendarOut {
	c := v.Calendar
	ids := make([]int64, len(v.Invitations))
	for i, inv := range v.Invitations {
		ids[i] = inv.ContactID
	}
	return calendarOut{c.ID, c.Name, c.Description, timefmt.DRF(c.Deadline), ids, c.Finalized, c.MeetingLength, c.Timezone}
}

type inviteeAvailOut struct {
	Contact contactOut `json:"contact"`
	Status  bool       `json:"status"`
	Slots   []slotOut  `json:"slots"`
}

func detailsJSON(v *meetings.View) map[string]any {
	inv := make([]inviteeAvailOut, len(v.Invitations))
	for i := range v.Invitations {
		x := &v.Invitations[i]
		inv[i] = inviteeAvailOut{contactJSON(&x.Contact), x.Responded, slotsJSON(v.Answers[x.ID])}
	}
	return map[string]any{
		"Calendar":             calendarJSON(v),
		"Owner_availability":   map[string]any{"slots": slotsJSON(v.OwnerSlots)},
		"Invitee_availability": inv,
	}
}

// wallTime is how this API shows a meeting time: the wall-clock time in the
// calendar's zone, without a zone suffix, as the original printed it (a Z
// would be false outside UTC). Finalize reads it back in the same zone; the
// domain offers no meeting whose naive start or end would be ambiguous.
func wallTime(t time.Time, loc *time.Location) string { return t.In(loc).Format(meetings.WallLayout) }

func (s *Surface) linkBase(r *http.Request) string { return s.Links.Invitation(r) }

func (s *Surface) calendarID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := httpapi.PathID(r, "id")
	if !ok {
		s.Fail(w, r, errNotFound)
	}
	return id, ok
}
