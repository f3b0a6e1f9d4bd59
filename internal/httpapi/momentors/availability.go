package momentors

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/form"
	"github.com/mentord/mentord/internal/mentoring"
	"github.com/mentord/mentord/internal/timefmt"
)

type availabilityV1 struct {
	PK        int64  `json:"pk"`
	Mentor    int64  `json:"mentor"`
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
}

// AvailabilityOut is the V2 shape: V1 plus the derived status. Mentor
// payloads embed it too, so clients can tell booked time from free time.
type AvailabilityOut struct {
	PK        int64  `json:"pk"`
	Mentor    int64  `json:"mentor"`
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
	Status    string `json:"status"`
}

func availabilityJSON(a *domain.Availability) AvailabilityOut {
	return AvailabilityOut{a.ID, a.MentorID, drfTime(a.Start), drfTime(a.End), a.Status}
}

// appendAvailabilities appends list as the JSON of []AvailabilityOut. The
// mentor list carries tens of thousands of these; writing them straight
// into one buffer instead of through reflection and a string per time is
// what keeps GET /mentor/ fast (a test holds it equal to encoding/json).
func appendAvailabilities(b []byte, list []domain.Availability) []byte {
	b = append(b, '[')
	for i := range list {
		a := &list[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"pk":`...)
		b = strconv.AppendInt(b, a.ID, 10)
		b = append(b, `,"mentor":`...)
		b = strconv.AppendInt(b, a.MentorID, 10)
		b = append(b, `,"start_time":"`...)
		b = timefmt.AppendDRF(b, a.Start)
		b = append(b, `","end_time":"`...)
		b = timefmt.AppendDRF(b, a.End)
		b = append(b, `","status":`...)
		b = appendStatus(b, a.Status)
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendStatus(b []byte, status string) []byte {
	switch status {
	case domain.AvailOpen, domain.AvailRequested, domain.AvailConfirmed:
		return append(append(append(b, '"'), status...), '"')
	}
	enc, _ := json.Marshal(status) // not a status the store derives; quote it properly anyway
	return append(b, enc...)
}

func availabilityListJSON(list []domain.Availability, v2 bool) any {
	if v2 {
		out := make([]AvailabilityOut, len(list))
		for i := range list {
			out[i] = availabilityJSON(&list[i])
		}
		return out
	}
	out := make([]availabilityV1, len(list))
	for i, a := range list {
		out[i] = availabilityV1{a.ID, a.MentorID, drfTime(a.Start), drfTime(a.End)}
	}
	return out
}

var errBadVersion = errs.NotAcceptable("invalid_version", `Invalid version in "Accept" header.`)

// apiVersion picks V2 for the /v2/ prefix or an Accept header carrying
// version=v2 (with or without a media type, so the documents' bare
// "Accept: version=v2" works too).
func apiVersion(r *http.Request) (v2 bool, err error) {
	if strings.HasPrefix(r.URL.Path, "/v2/") {
		return true, nil
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		for _, param := range strings.Split(part, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(param), "=")
			if !ok || strings.TrimSpace(k) != "version" {
				continue
			}
			switch strings.Trim(strings.TrimSpace(v), `"`) {
			case "v1":
				return false, nil
			case "v2":
				return true, nil
			}
			return false, errBadVersion
		}
	}
	return false, nil
}

// GET|POST /availabilty/ and /availability/ (and under /v2/).
func (s *Surface) availability(w http.ResponseWriter, r *http.Request, u *domain.User) {
	v2, err := apiVersion(r)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	if r.Method == http.MethodGet {
		list, err := s.Mentoring.MyAvailability(r.Context(), u)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, availabilityListJSON(list, v2))
		return
	}
	f, ok := s.availabilityForm(w, r)
	if !ok {
		return
	}
	in := mentoring.AvailabilityInput{Start: f.DateTime("start_time", false), End: f.DateTime("end_time", false), Unread: f.Invalid()}
	list, err := s.Mentoring.AddAvailability(r.Context(), u, in, v2)
	if err != nil {
		// Errors that are not about one field come back as a bare list, as
		// the original view's handler made them.
		s.list.Error(w, r, err)
		return
	}
	if v2 {
		httpapi.WriteJSON(w, http.StatusCreated, availabilityListJSON(list, true))
		return
	}
	a := list[0]
	httpapi.WriteJSON(w, http.StatusCreated, availabilityV1{a.ID, a.MentorID, drfTime(a.Start), drfTime(a.End)})
}

// availabilityForm reads the body as one object, except that a body that
// is not one is refused with a bare list (["No data provided"]), as the
// original view's handler turned every non_field_errors into one.
func (s *Surface) availabilityForm(w http.ResponseWriter, r *http.Request) (*form.Form, bool) {
	f, err := form.Object(r)
	if err != nil {
		s.list.Error(w, r, err)
		return nil, false
	}
	return f, true
}

// DELETE /availabilty/<pk>/ and /availability/<pk>/.
func (s *Surface) deleteAvailability(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok := httpapi.PathID(r, "pk")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.Mentoring.DeleteAvailability(r.Context(), u, id); err != nil {
		s.list.Error(w, r, err)
		return
	}
	httpapi.NoContent(w)
}
