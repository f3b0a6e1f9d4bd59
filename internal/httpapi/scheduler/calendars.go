package scheduler

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/form"
	"github.com/mentord/mentord/internal/meetings"
	"github.com/mentord/mentord/internal/timefmt"
)

// The document's slot messages.
const (
	msgSlotShape    = "Invalid slot data. Must be in the form: 'date','start_time', 'end_time', 'preference_level' "
	msgDateString   = "Date must be a string."
	msgDateFormat   = "Date must be in a valid date format YYYY-MM-DD."
	msgTimeString   = "Start and end times must be strings."
	msgTimeFormat   = "Start and end times must be in a valid date format HH:MM:SS."
	msgPrefInteger  = "Preference level must be an integer."
	msgDeadlineForm = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)

// readSlots reads a list of owner slots {date, start_time, end_time,
// preference_level (or preference)}; messages go under field.
func readSlots(f *form.Form, field string, raw any) []meetings.SlotInput {
	list, ok := raw.([]any)
	if !ok {
		f.Fail(field, "not_a_list", `Expected a list of items but got type "`+form.PyType(raw)+`".`)
		return nil
	}
	out := []meetings.SlotInput{}
	for _, item := range list {
		obj, ok := item.(map[string]any)
		pref, hasPref := obj["preference_level"]
		if !hasPref {
			pref, hasPref = obj["preference"]
		}
		_, hasDate := obj["date"]
		_, hasStart := obj["start_time"]
		_, hasEnd := obj["end_time"]
		if !ok || !hasPref || !hasDate || !hasStart || !hasEnd {
			f.Fail(field, "invalid", msgSlotShape)
			return nil
		}
		date, ok := obj["date"].(string)
		if !ok {
			f.Fail(field, "invalid", msgDateString)
			return nil
		}
		day, err := time.Parse("2006-01-02", date)
		if err != nil {
			f.Fail(field, "invalid", msgDateFormat)
			return nil
		}
		st, ok1 := obj["start_time"].(string)
		en, ok2 := obj["end_time"].(string)
		if !ok1 || !ok2 {
			f.Fail(field, "invalid", msgTimeString)
			return nil
		}
		start, err1 := time.Parse("15:04:05", st)
		end, err2 := time.Parse("15:04:05", en)
		if err1 != nil || err2 != nil {
			f.Fail(field, "invalid", msgTimeFormat)
			return nil
		}
		p, ok := pref.(json.Number)
		n, err := p.Int64()
		if !ok || err != nil {
			f.Fail(field, "invalid", msgPrefInteger)
			return nil
		}
		civil := func(t time.Time) meetings.Civil {
			return meetings.Civil{Year: day.Year(), Month: day.Month(), Day: day.Day(), Hour: t.Hour(), Min: t.Minute(), Sec: t.Second()}
		}
		out = append(out, meetings.SlotInput{Start: civil(start), End: civil(end), Pref: int(n)})
	}
	return out
}

// readDeadline reads an ISO date-time, or a date (midnight UTC).
func readDeadline(f *form.Form, required bool) *time.Time {
	raw, ok := f.Value("deadline")
	if !ok {
		if required {
			f.FailArg("deadline", errs.CodeRequired, nil)
		}
		return nil
	}
	s, _ := raw.(string)
	if d, err := time.Parse("2006-01-02", strings.TrimSpace(s)); err == nil {
		return &d
	}
	t, err := timefmt.Parse(s)
	if err != nil {
		f.Fail("deadline", "invalid", msgDeadlineForm)
		return nil
	}
	return &t
}

// readIDs reads a list of contact ids.
func readIDs(f *form.Form, field string) []int64 {
	raw, ok := f.Value(field)
	if !ok {
		return nil
	}
	list, ok := raw.([]any)
	if !ok {
		f.Fail(field, "not_a_list", `Expected a list of items but got type "`+form.PyType(raw)+`".`)
		return nil
	}
	out := []int64{}
	for _, x := range list {
		n, ok := form.ParseInt(x)
		if _, isNum := x.(json.Number); !ok || !isNum {
			f.Fail(field, "incorrect_type", fmt.Sprintf("Incorrect type. Expected pk value, received %s.", form.PyType(x)))
			return nil
		}
		out = append(out, int64(n))
	}
	return out
}

// GET /schedules/home/
func (s *Surface) home(w http.ResponseWriter, r *http.Request, u *domain.User) {
	cals, byCal, err := s.Meetings.Home(r.Context(), u)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	finalized, open := []map[string]any{}, []map[string]any{}
	for _, c := range cals {
		if !c.Finalized {
			open = append(open, map[string]any{"id": c.ID, "name": c.Name, "description": c.Description, "deadline": timefmt.DRF(c.Deadline)})
			continue
		}
		item := map[string]any{"id": c.ID, "name": c.Name, "description": c.Description, "deadline": timefmt.DRF(c.Deadline),
			"start_time": nil, "end_time": nil}
		if ms := byCal[c.ID]; len(ms) > 0 {
			loc := meetings.Location(&c)
			last := ms[0].End
			for _, m := range ms {
				if m.End.After(last) {
					last = m.End
				}
			}
			item["start_time"], item["end_time"] = wallTime(ms[0].Start, loc), wallTime(last, loc)
		}
		finalized = append(finalized, item)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"finalized_meetings": finalized, "unfinalized_meetings": open})
}

// POST /schedules/calendars/create/
func (s *Surface) createCalendar(w http.ResponseWriter, r *http.Request, u *domain.User) {
	f, ok := s.Object(w, r)
	if !ok {
		return
	}
	in := meetings.CalendarInput{
		Name:          f.Raw("name", false),
		Description:   f.Raw("description", false),
		Deadline:      readDeadline(f, false),
		Invitees:      readIDs(f, "invitees"),
		MeetingLength: f.Int("meeting_length", false),
		Timezone:      f.Str("timezone", form.Str{}),
	}
	raw, ok := f.Value("available_slots")
	if !ok {
		raw, ok = f.Value("availability")
	}
	if ok {
		in.Slots = readSlots(f, "available_slots", raw)
	}
	in.Unread = f.Invalid()
	v, err := s.Meetings.CreateCalendar(r.Context(), u, in, s.linkBase(r))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusCreated, calendarJSON(v))
}

// GET /schedules/calendars/<id>/details/
func (s *Surface) details(w http.ResponseWriter, r *http.Request, u *domain.User, id int64) {
	v, err := s.Meetings.Calendar(r.Context(), u, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, detailsJSON(v))
}

// accessFirst returns how to answer an error found in a request's body:
// who may act comes before what was sent, so when check finds the caller
// may not act on the calendar at all, that is the answer instead.
func (s *Surface) accessFirst(w http.ResponseWriter, r *http.Request, u *domain.User, id int64,
	check func(context.Context, *domain.User, int64) error) func(error) {
	return func(err error) {
		if denied := check(r.Context(), u, id); denied != nil {
			err = denied
		}
		s.Fail(w, r, err)
	}
}

// PUT (or PATCH) /schedules/calendars/<id>/details/
func (s *Surface) updateCalendar(w http.ResponseWriter, r *http.Request, u *domain.User, id int64) {
	// Someone else's calendar is 404, as on GET, whatever the body holds.
	fail := s.accessFirst(w, r, u, id, s.Meetings.CheckEdit)
	f, err := form.Object(r)
	if err != nil {
		fail(err)
		return
	}
	ch := meetings.CalendarChange{
		Name:           f.Raw("name", false),
		Description:    f.Raw("description", false),
		Deadline:       readDeadline(f, false),
		MeetingLength:  f.Int("meeting_length", false),
		AddInvitees:    readIDs(f, "add_invitees"),
		RemoveInvitees: readIDs(f, "remove_invitees"),
		RemoveSlots:    readIDs(f, "remove_availabilities"),
	}
	if raw, ok := f.Value("add_availabilities"); ok {
		ch.AddSlots = readSlots(f, "add_availabilities", raw)
	}
	ch.Unread = f.Invalid()
	v, err := s.Meetings.UpdateCalendar(r.Context(), u, id, ch)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, detailsJSON(v))
}

// GET /schedules/calendars/remind/<calendar_id>/<contact_id>/
func (s *Surface) remind(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok1 := httpapi.PathID(r, "id")
	contact, ok2 := httpapi.PathID(r, "contact")
	if !ok1 || !ok2 {
		s.Fail(w, r, errNotFound)
		return
	}
	msg, err := s.Meetings.Remind(r.Context(), u, id, contact)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"message": msg})
}

// GET /schedules/calendars/<id>/meetings/: the finalized meetings, owner
// only (someone else's calendar is 404, as on details).
func (s *Surface) meetings(w http.ResponseWriter, r *http.Request, u *domain.User, id int64) {
	c, list, err := s.Meetings.CalendarMeetings(r.Context(), u, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	loc := meetings.Location(c)
	out := make([]meetingOut, len(list))
	for i, m := range list {
		out[i] = meetingOut{m.Contact.ID, m.Contact.FirstName, m.Contact.LastName, wallTime(m.Start, loc), wallTime(m.End, loc)}
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

type personOut struct {
	ID        int64  `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

type meetingOut struct {
	ID        int64  `json:"id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
}

type availOut struct {
	Date       string `json:"date"`
	StartTime  string `json:"start_time"`
	EndTime    string `json:"end_time"`
	Preference int    `json:"preference"`
}

func availJSON(list []domain.WallSlot) []availOut {
	out := make([]availOut, len(list))
	for i, sl := range list {
		out[i] = availOut{sl.Day, sl.StartClock, sl.EndClock, sl.Preference}
	}
	return out
}

// GET /schedules/calendars/<id>/confirm/: suggested schedules.
func (s *Surface) proposal(w http.ResponseWriter, r *http.Request, u *domain.User, id int64) {
	p, err := s.Meetings.Propose(r.Context(), u, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	invitees := make([]personOut, len(p.Invitations))
	avail := make([]map[string]any, len(p.Invitations))
	for i, inv := range p.Invitations {
		k := inv.Contact
		invitees[i] = personOut{k.ID, k.FirstName, k.LastName}
		avail[i] = map[string]any{"contact": personOut{k.ID, k.FirstName, k.LastName}, "responded": inv.Responded, "availability": availJSON(p.Answers[inv.ID])}
	}
	schedules := make([][]meetingOut, len(p.Suggestions))
	details := make([]map[string]any, len(p.Suggestions))
	for i, sug := range p.Suggestions {
		schedules[i] = make([]meetingOut, len(sug.Meetings))
		for j, m := range sug.Meetings {
			schedules[i][j] = meetingOut{m.Contact.ID, m.Contact.FirstName, m.Contact.LastName, wallTime(m.Start, p.Location), wallTime(m.End, p.Location)}
		}
		left := make([]personOut, len(sug.Unscheduled))
		for j, k := range sug.Unscheduled {
			left[j] = personOut{k.ID, k.FirstName, k.LastName}
		}
		details[i] = map[string]any{"scheduled": len(sug.Meetings), "score": sug.Score, "unscheduled": left}
	}
	c := p.Calendar
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{
		"id": c.ID, "name": c.Name, "description": c.Description, "deadline": timefmt.DRF(c.Deadline),
		"meeting_length": c.MeetingLength, "timezone": c.Timezone, "invitees": invitees,
		"suggested_schedules": schedules, "suggestions": details, "invitee_availability": avail,
	})
}

// readWhen reads a meeting time: "YYYY/MM/DD HH:MM:SS" or a naive ISO
// date-time (both wall-clock in the calendar's zone), or ISO 8601 with Z or
// an offset (an instant).
func readWhen(raw any) (meetings.When, bool) {
	s, ok := raw.(string)
	if !ok {
		return meetings.When{}, false
	}
	s = strings.TrimSpace(s)
	// Naive forms, with T or a space, with or without seconds: each is
	// wall-clock (one left out would fall to timefmt.Parse, read as UTC).
	for _, layout := range []string{"2006/01/02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			c := meetings.Civil{Year: t.Year(), Month: t.Month(), Day: t.Day(), Hour: t.Hour(), Min: t.Minute(), Sec: t.Second()}
			return meetings.When{Civil: &c}, true
		}
	}
	t, err := timefmt.Parse(s)
	if err != nil {
		return meetings.When{}, false
	}
	return meetings.When{At: t}, true
}

func civilOf(w meetings.When) (meetings.Civil, bool) {
	if w.Civil == nil {
		return meetings.Civil{}, false
	}
	return *w.Civil, true
}

// POST /schedules/calendars/<id>/confirm/ {"finalized_schedule": [...]}
func (s *Surface) finalize(w http.ResponseWriter, r *http.Request, u *domain.User, id int64) {
	// Someone else's calendar is 403 and a finalized one 404 whatever was sent.
	fail := s.accessFirst(w, r, u, id, s.Meetings.CheckFinalize)
	f, err := form.Object(r)
	if err != nil {
		fail(err)
		return
	}
	missing := errs.BadRequest("missing_fields", "Missing Fields")
	raw, ok := f.Value("finalized_schedule")
	list, isList := raw.([]any)
	if !ok || !isList {
		fail(missing)
		return
	}
	var items []meetings.FinalItem
	for _, x := range list {
		obj, ok := x.(map[string]any)
		if !ok {
			fail(missing)
			return
		}
		cid, okID := obj["contact_id"]
		st, okS := obj["start_time"]
		en, okE := obj["end_time"]
		if !okID || !okS || !okE {
			fail(missing)
			return
		}
		n, ok := form.ParseInt(cid)
		if !ok {
			fail(fieldArg("contact_id", errs.CodeNotInteger))
			return
		}
		start, ok := readWhen(st)
		if !ok {
			fail(errs.BadRequest("invalid_start", "Invalid start time format."))
			return
		}
		end, ok := readWhen(en)
		if !ok {
			fail(errs.BadRequest("invalid_end", "Invalid end time format."))
			return
		}
		items = append(items, meetings.FinalItem{ContactID: int64(n), Start: start, End: end})
	}
	list2, err := s.Meetings.Finalize(r.Context(), u, id, items)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	v, err := s.Meetings.Calendar(r.Context(), u, id)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	out := make([]map[string]any, len(list2))
	for i, m := range list2 {
		out[i] = map[string]any{"id": m.Contact.ID, "meeting_id": m.ID, "first_name": m.Contact.FirstName, "last_name": m.Contact.LastName,
			"email": m.Contact.Email, "start_time": wallTime(m.Start, v.Location), "end_time": wallTime(m.End, v.Location)}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"meetings": out})
}

// GET /schedules/calendars/<id>/respond/<token>/ (no account). A browser
// is sent to the web app's answer page: e-mails sent before the web app
// linked here, and the people who follow them are not API clients.
func (s *Surface) openInvitation(w http.ResponseWriter, r *http.Request) {
	id, ok := s.calendarID(w, r)
	if !ok {
		return
	}
	w.Header().Add("Vary", "Accept")
	if strings.Contains(r.Header.Get("Accept"), "text/html") {
		http.Redirect(w, r, "/app/respond/"+strconv.FormatInt(id, 10)+"/"+url.PathEscape(r.PathValue("token")), http.StatusSeeOther)
		return
	}
	iv, err := s.Meetings.Open(r.Context(), id, r.PathValue("token"))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	c := iv.Calendar
	invitees := make([]personOut, len(iv.Invitations))
	for i, inv := range iv.Invitations {
		invitees[i] = personOut{inv.Contact.ID, inv.Contact.FirstName, inv.Contact.LastName}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{
		"calendar_id": c.ID, "name": c.Name, "description": c.Description, "deadline": timefmt.DRF(c.Deadline),
		"meeting_length": c.MeetingLength, "timezone": c.Timezone,
		"owner":              personOut{iv.Owner.ID, iv.Owner.FirstName, iv.Owner.LastName},
		"invitees":           invitees,
		"invitee":            contactJSON(&iv.Invitation.Contact),
		"invitee_id":         contactJSON(&iv.Invitation.Contact), // the original web client's name for it
		"responded":          iv.Invitation.Responded,
		"owner_availability": availJSON(iv.OwnerSlots),
		"availability":       availJSON(iv.Answers[iv.Invitation.ID]),
	})
}

// POST /schedules/calendars/<id>/respond/<token>/ {"availability": [...]}
func (s *Surface) answer(w http.ResponseWriter, r *http.Request) {
	id, ok := s.calendarID(w, r)
	if !ok {
		return
	}
	// A bad link is 404 whatever the body holds.
	fail := func(err error) {
		if _, oerr := s.Meetings.Open(r.Context(), id, r.PathValue("token")); oerr != nil {
			err = oerr
		}
		s.Fail(w, r, err)
	}
	f, err := form.Object(r)
	if err != nil {
		fail(err)
		return
	}
	raw, ok := f.Value("availability")
	list, isList := raw.([]any)
	if !ok || !isList {
		fail(fieldArg("availability", errs.CodeRequired))
		return
	}
	var in []meetings.AnswerInput
	for _, x := range list {
		obj, _ := x.(map[string]any)
		start, ok := readWhen(obj["start_time"])
		sc, isCivil := civilOf(start)
		if !ok || !isCivil {
			fail(errs.BadRequest("invalid_start", "Invalid start time format."))
			return
		}
		end, ok := readWhen(obj["end_time"])
		ec, isCivil := civilOf(end)
		if !ok || !isCivil {
			fail(errs.BadRequest("invalid_end", "Invalid end time format."))
			return
		}
		pref, ok := obj["preference_level"]
		if !ok {
			pref = obj["preference"]
		}
		p, ok := pref.(json.Number)
		n, err := p.Int64()
		if !ok || err != nil {
			fail(errs.BadRequest("preference", "Invalid preference level."))
			return
		}
		in = append(in, meetings.AnswerInput{Start: sc, End: ec, Pref: int(n)})
	}
	slots, err := s.Meetings.Answer(r.Context(), id, r.PathValue("token"), in)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	out := make([]map[string]any, len(slots))
	for i, sl := range slots {
		out[i] = map[string]any{"date": sl.Day, "start_time": sl.StartClock, "end_time": sl.EndClock, "preference_level": sl.Preference}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"availability": out, "success_message": "Availability submitted successfully."})
}

// fieldArg is a one-field error with a generic code.
func fieldArg(field, code string) error {
	v := &errs.Invalid{}
	v.FieldArg(field, code, nil)
	return v
}
