package momentors

import (
	"fmt"
	"net/http"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/form"
	"github.com/mentord/mentord/internal/mentoring"
)

type sessionOut struct {
	PK                 int64   `json:"pk"`
	Mentor             int64   `json:"mentor"`
	MentorFirstName    string  `json:"mentor_first_name"`
	MentorLastName     string  `json:"mentor_last_name"`
	MentorAvailability *int64  `json:"mentor_availability"`
	Mentee             int64   `json:"mentee"`
	MenteeFirstName    string  `json:"mentee_first_name"`
	MenteeLastName     string  `json:"mentee_last_name"`
	StartTime          string  `json:"start_time"`
	EndTime            string  `json:"end_time"`
	Status             string  `json:"status"`
	SessionLength      int     `json:"session_length"`
	MeetingLink        *string `json:"meeting_link"`
}

func sessionJSON(x *domain.Session) sessionOut {
	return sessionOut{x.ID, x.MentorID, x.MentorFirst, x.MentorLast, x.AvailabilityID, x.MenteeID, x.MenteeFirst, x.MenteeLast,
		drfTime(x.Start), drfTime(x.End), x.Status, x.Length, x.MeetingLink}
}

func sessionsJSON(list []domain.Session) []sessionOut {
	out := make([]sessionOut, len(list))
	for i := range list {
		out[i] = sessionJSON(&list[i])
	}
	return out
}

func (s *Surface) sessionList(fetch func(*Surface, *http.Request, *domain.User) ([]domain.Session, error)) httpapi.AuthedHandler {
	return func(w http.ResponseWriter, r *http.Request, u *domain.User) {
		list, err := fetch(s, r, u)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, sessionsJSON(list))
	}
}

// readLength reads session_length, a choice of 30 or 60 (as a number or a
// string).
func readLength(f *form.Form) *int {
	raw, ok := f.Value("session_length")
	if !ok {
		return nil
	}
	n, ok := form.ParseInt(raw)
	if !ok {
		f.Fail("session_length", "invalid_choice", `"`+stringify(raw)+`" is not a valid choice.`)
		return nil
	}
	return &n
}

func stringify(v any) string {
	if v == nil {
		return "None"
	}
	return fmt.Sprint(v)
}

// POST /sessionrequest/
func (s *Surface) requestSession(w http.ResponseWriter, r *http.Request, u *domain.User) {
	f, ok := s.Object(w, r)
	if !ok {
		return
	}
	in := mentoring.RequestInput{
		AvailabilityID: f.PK("mentor_availability", false),
		Start:          f.DateTime("start_time", false),
		Length:         readLength(f),
		Unread:         f.Invalid(),
	}
	sess, err := s.Mentoring.RequestSession(r.Context(), u, in)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, sessionJSON(sess))
}

// GET|PUT|PATCH|DELETE /sessionrequest/<pk>/
func (s *Surface) sessionDetail(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok := httpapi.PathID(r, "pk")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	switch r.Method {
	case http.MethodGet:
		sess, err := s.Mentoring.SessionFor(ctx, u, id)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, sessionJSON(sess))
		return
	case http.MethodDelete:
		if err := s.Mentoring.DeleteSession(ctx, u, id); err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.NoContent(w)
		return
	}
	// Strangers learn nothing from validation messages.
	if _, err := s.Mentoring.SessionFor(ctx, u, id); err != nil {
		s.Fail(w, r, err)
		return
	}
	f, ok := s.Object(w, r)
	if !ok {
		return
	}
	full := r.Method == http.MethodPut
	ch := mentoring.SessionChange{
		Status:         f.Str("status", form.Str{}),
		AvailabilityID: f.PK("mentor_availability", full),
		Start:          f.DateTime("start_time", full),
		Length:         readLength(f),
		CancelReason:   f.Str("cancel_reason", form.Str{AllowBlank: true, AllowNull: true, Max: mentoring.MaxReasonLength}),
		Unread:         f.Invalid(),
	}
	sess, err := s.Mentoring.ChangeSession(ctx, u, id, ch)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, sessionJSON(sess))
}
