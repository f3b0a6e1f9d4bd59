package momentors

import (
	"net/http"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/form"
)

type teamOut struct {
	TeamNumber int `json:"team_number"`
}

type menteeListItem struct {
	PK            int64    `json:"pk"`
	Username      string   `json:"username"`
	FirstName     string   `json:"first_name"`
	LastName      string   `json:"last_name"`
	ProfilePhoto  *string  `json:"profile_photo"`
	IsMentee      bool     `json:"is_mentee"`
	MenteeProfile *teamOut `json:"mentee_profile,omitempty"`
}

func isNotFound(err error) bool { return errs.KindOf(err) == errs.KindNotFound }

// GET /mentee/
func (s *Surface) listMentees(w http.ResponseWriter, r *http.Request, _ *domain.User) {
	list, err := s.Accounts.ListMentees(r.Context())
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	out := make([]menteeListItem, 0, len(list))
	for _, l := range list {
		item := menteeListItem{PK: l.User.ID, Username: l.User.Username, FirstName: l.User.FirstName, LastName: l.User.LastName,
			ProfilePhoto: s.photoURL(r, l.User.ProfilePhoto), IsMentee: l.User.IsMentee}
		if l.Mentee != nil {
			item.MenteeProfile = &teamOut{l.Mentee.TeamNumber}
		}
		out = append(out, item)
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

// GET /menteeinfo/
func (s *Surface) menteeInfoList(w http.ResponseWriter, r *http.Request, u *domain.User) {
	out := []teamOut{}
	m, err := s.Accounts.MenteeProfile(r.Context(), u.ID)
	if err == nil {
		out = append(out, teamOut{m.TeamNumber})
	} else if !isNotFound(err) {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

// menteeInput reads {"team_number": N}; the documents also send it wrapped
// in a one-element list, which is accepted. A bad body or field is answered.
func (s *Surface) menteeInput(w http.ResponseWriter, r *http.Request) (accounts.MenteeInput, bool) {
	in, err := form.Read(r)
	if err != nil {
		s.Fail(w, r, err)
		return accounts.MenteeInput{}, false
	}
	if list, ok := in.JSON.([]any); ok && len(list) == 1 {
		if obj, ok := list[0].(map[string]any); ok {
			in = in.WithFields(obj)
		}
	}
	f, err := form.ObjectOf(in)
	if err != nil {
		s.Fail(w, r, err)
		return accounts.MenteeInput{}, false
	}
	m := accounts.MenteeInput{TeamNumber: f.Int("team_number", false)}
	if err := f.Err(); err != nil {
		s.Fail(w, r, err)
		return accounts.MenteeInput{}, false
	}
	return m, true
}

// POST /menteeinfo/
func (s *Surface) menteeInfoCreate(w http.ResponseWriter, r *http.Request, u *domain.User) {
	in, ok := s.menteeInput(w, r)
	if !ok {
		return
	}
	m, err := s.Accounts.CreateMenteeProfile(r.Context(), u.ID, in)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, teamOut{m.TeamNumber})
}

// /menteeinfoupdate/: GET, PUT, PATCH, DELETE of the caller's profile.
func (s *Surface) menteeInfoUpdate(w http.ResponseWriter, r *http.Request, u *domain.User) {
	ctx := r.Context()
	switch r.Method {
	case http.MethodGet:
		m, err := s.Accounts.MenteeProfile(ctx, u.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, teamOut{m.TeamNumber})
	case http.MethodDelete:
		if err := s.Accounts.DeleteMenteeProfile(ctx, u.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.NoContent(w)
	default:
		in, ok := s.menteeInput(w, r)
		if !ok {
			return
		}
		m, err := s.Accounts.UpdateMenteeProfile(ctx, u.ID, in)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, teamOut{m.TeamNumber})
	}
}
