package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/meetings"
)

// prefChoices are an answer's preferences; 0 leaves the time out.
var prefChoices = []string{"0|Not available", "1|Low", "2|Medium", "3|High"}

// maxCustomRows bounds the invitee's own time ranges read from one form.
const maxCustomRows = 50

// inviteeView is the answer page: the calendar in its own zone, and the
// invitee's answer as a form (while answers are taken) or as a list.
type inviteeView struct {
	Owner, Invitee string
	Calendar       domain.Calendar
	Zone           *time.Location
	Open           bool // answers are taken
	Responded      bool
	Finalized      bool
	Meeting        *domain.Meeting // theirs, once finalized
	OwnerSlots     []slotChoice
	Custom         []customRow
	Rows           int // the index of the last custom row, sent back as custom_rows
	Answer         []domain.WallSlot
}

// slotChoice is one of the owner's slots with the invitee's preference.
type slotChoice struct {
	Slot  domain.WallSlot
	Field field
}

// customRow is one time range of the invitee's own.
type customRow struct {
	N                      int
	Date, Start, End, Pref field
}

func slotField(sl domain.WallSlot) string { return "slot-" + strconv.FormatInt(sl.ID, 10) }

func customField(n int, part string) string { return "custom-" + strconv.Itoa(n) + "-" + part }

// openInvitation resolves the link of the request; a bad one is answered
// with the 404 page (as the API does, whatever was wrong with it).
func (a *App) openInvitation(w http.ResponseWriter, r *http.Request) (*meetings.InviteeView, bool) {
	if !a.limited(w, r, a.Limits.Respond, clientIP(r)) {
		return nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("calendar"), 10, 64)
	if err != nil || id <= 0 {
		a.notFound(w, r)
		return nil, false
	}
	iv, err := a.Meetings.OpenAny(r.Context(), id, r.PathValue("token"))
	if err != nil {
		a.fail(w, r, err)
		return nil, false
	}
	return iv, true
}

func inviteePath(iv *meetings.InviteeView, token string) string {
	return "/respond/" + strconv.FormatInt(iv.Calendar.ID, 10) + "/" + url.PathEscape(token)
}

// answerForm is the form filled with the answer given: a preference for
// each owner slot it names exactly, and the other ranges as rows of their
// own.
func answerForm(iv *meetings.InviteeView) (*formState, int) {
	v := url.Values{}
	owner := map[string]string{}
	for _, sl := range iv.OwnerSlots {
		owner[sl.Day+" "+sl.StartClock+" "+sl.EndClock] = slotField(sl)
		v.Set(slotField(sl), "0")
	}
	rows := 0
	for _, ans := range iv.Answers[iv.Invitation.ID] {
		if name, ok := owner[ans.Day+" "+ans.StartClock+" "+ans.EndClock]; ok {
			v.Set(name, strconv.Itoa(ans.Preference))
			continue
		}
		v.Set(customField(rows, "date"), ans.Day)
		v.Set(customField(rows, "start"), hhmm(ans.StartClock))
		v.Set(customField(rows, "end"), hhmm(ans.EndClock))
		v.Set(customField(rows, "pref"), strconv.Itoa(ans.Preference))
		rows++
	}
	return &formState{Values: v, Errors: map[string][]string{}}, rows
}

// hhmm is a time input's value for a stored HH:MM:SS clock.
func hhmm(clock string) string { return strings.TrimSuffix(clock, ":00") }

func (a *App) inviteeView(iv *meetings.InviteeView, f *formState, rows int) *inviteeView {
	c := iv.Calendar
	k := iv.Invitation.Contact
	v := &inviteeView{
		Owner: displayName(iv.Owner), Invitee: strings.TrimSpace(k.FirstName + " " + k.LastName), Calendar: c,
		Zone: iv.Location, Open: a.Meetings.Answerable(iv), Responded: iv.Invitation.Responded, Finalized: c.Finalized,
		Meeting: iv.Meeting, Answer: iv.Answers[iv.Invitation.ID],
	}
	for _, sl := range iv.OwnerSlots {
		label := sl.Start.In(iv.Location).Format("Monday 2 January 2006") + ", " + clockRange(sl.Start, sl.End, iv.Location)
		v.OwnerSlots = append(v.OwnerSlots, slotChoice{Slot: sl, Field: choices(fld(f, slotField(sl), label, "select"), "0", prefChoices)})
	}
	// One empty row more, for a new range.
	if f.Val(customField(rows, "pref")) == "" {
		f.Values.Set(customField(rows, "pref"), "2")
	}
	v.Rows = rows
	for n := 0; n <= rows; n++ {
		v.Custom = append(v.Custom, customRow{N: n,
			Date:  fld(f, customField(n, "date"), "Day", "date"),
			Start: fld(f, customField(n, "start"), "From", "time"),
			End:   fld(f, customField(n, "end"), "To", "time"),
			Pref:  choices(fld(f, customField(n, "pref"), "Preference", "select"), "2", prefChoices),
		})
	}
	return v
}

// clockRange is "13:00 to 15:00 EDT" in loc (see clockSpan).
func clockRange(start, end time.Time, loc *time.Location) string {
	return clockSpan(start, end, loc, " to ")
}

func (a *App) showInvitee(w http.ResponseWriter, r *http.Request, status int, iv *meetings.InviteeView, f *formState, rows int) {
	title := iv.Calendar.Name + " with " + displayName(iv.Owner)
	a.render(w, r, status, "invitee-answer", &view{Title: title, Form: f, Data: a.inviteeView(iv, f, rows)})
}

func (a *App) inviteePage(w http.ResponseWriter, r *http.Request) {
	iv, ok := a.openInvitation(w, r)
	if !ok {
		return
	}
	f, rows := answerForm(iv)
	a.showInvitee(w, r, http.StatusOK, iv, f, rows)
}

func (a *App) inviteeAnswer(w http.ResponseWriter, r *http.Request) {
	if !a.readForm(w, r, formBody) {
		return
	}
	iv, ok := a.openInvitation(w, r)
	if !ok {
		return
	}
	back := inviteePath(iv, r.PathValue("token"))
	if !a.Meetings.Answerable(iv) {
		if iv.Calendar.Finalized {
			a.flash(w, r, "The meetings are set already, so answers are closed.")
		} else {
			a.flash(w, r, "The deadline has passed, so answers are closed.")
		}
		a.redirect(w, r, back)
		return
	}
	f := newForm(r)
	in := a.readAnswer(r, iv, f)
	rows := min(atoiOr(r.PostForm.Get("custom_rows"), 0), maxCustomRows)
	if f.Failed() {
		a.showInvitee(w, r, http.StatusBadRequest, iv, f, rows)
		return
	}
	_, err := a.Meetings.ReviseAnswer(r.Context(), iv.Calendar.ID, r.PathValue("token"), in)
	if a.refused(w, r, f, err, func() { a.showInvitee(w, r, http.StatusBadRequest, iv, f, rows) }) {
		return
	}
	deadline := iv.Calendar.Deadline.In(iv.Location).Format("Mon 2 Jan 2006, 15:04 MST")
	if len(in) == 0 {
		a.flash(w, r, "Your answer is saved: none of the times suits you. You can change it here until "+deadline+".")
	} else {
		a.flash(w, r, "Thank you, your answer is saved. You can change it here until "+deadline+".")
	}
	a.redirect(w, r, back)
}

// readAnswer reads the form into answer slots, in the calendar's zone; what
// cannot be read, or that the domain refuses for one slot, is told next to
// its field in f.
func (a *App) readAnswer(r *http.Request, iv *meetings.InviteeView, f *formState) []meetings.AnswerInput {
	loc := iv.Location
	var in []meetings.AnswerInput
	pref := func(name string) (int, bool) {
		raw := strings.TrimSpace(r.PostForm.Get(name))
		if raw == "" {
			return 0, true
		}
		p, err := strconv.Atoi(raw)
		if err != nil || p < 0 || p > 3 {
			f.Errors[name] = append(f.Errors[name], "Choose one of the options.")
			return 0, false
		}
		return p, true
	}
	for _, sl := range iv.OwnerSlots {
		p, ok := pref(slotField(sl))
		if !ok || p == 0 {
			continue
		}
		start, ok1 := civil(sl.Day, sl.StartClock)
		end, ok2 := civil(sl.Day, sl.EndClock)
		if ok1 && ok2 {
			in = append(in, meetings.AnswerInput{Start: start, End: end, Pref: p})
		}
	}
	saved := map[string]bool{}
	for _, ans := range iv.Answers[iv.Invitation.ID] {
		saved[ans.Day+" "+ans.StartClock+" "+ans.EndClock] = true
	}
	rows := min(atoiOr(r.PostForm.Get("custom_rows"), 0), maxCustomRows)
	for n := 0; n <= rows; n++ {
		date := strings.TrimSpace(r.PostForm.Get(customField(n, "date")))
		from := strings.TrimSpace(r.PostForm.Get(customField(n, "start")))
		to := strings.TrimSpace(r.PostForm.Get(customField(n, "end")))
		p, ok := pref(customField(n, "pref"))
		// "Not available", or nothing typed, leaves the row out.
		if !ok || p == 0 || date == "" && from == "" && to == "" {
			continue
		}
		bad := false
		read := func(part, val string, parse func(string) (string, bool), msg string) string {
			name := customField(n, part)
			out, ok := parse(val)
			switch {
			case val == "":
				f.Errors[name] = append(f.Errors[name], message(errs.Msg{Code: errs.CodeRequired}))
			case !ok:
				f.Errors[name] = append(f.Errors[name], msg)
			}
			bad = bad || !ok
			return out
		}
		day := read("date", date, dateOf, "Enter a date, like 2030-03-12.")
		from = read("start", from, clockOf, "Enter a time of day, like 13:30.")
		to = read("end", to, clockOf, "Enter a time of day, like 13:30.")
		if bad {
			continue
		}
		start, _ := civil(day, from)
		end, _ := civil(day, to)
		ans := meetings.AnswerInput{Start: start, End: end, Pref: p}
		if err := meetings.CheckAnswer(ans, loc); err != nil {
			part := "end"
			if errs.CodeOf(err) == meetings.CodeAnswerPreference {
				part = "pref"
			}
			f.Errors[customField(n, part)] = append(f.Errors[customField(n, part)], detail(err))
			continue
		}
		// A time already over cannot be met. The scheduler API takes one
		// (its spec has no such rule), so only this form refuses it, and
		// not a time the answer already holds, which is sent back with it.
		if !ans.Start.In(loc).After(a.Clock.Now()) && !saved[ans.Start.Date()+" "+ans.Start.Clock()+" "+ans.End.Clock()] {
			f.Errors[customField(n, "start")] = append(f.Errors[customField(n, "start")], "That time is in the past; choose a later one.")
			continue
		}
		in = append(in, ans)
	}
	return in
}

// civil reads a stored or typed day and HH:MM:SS clock as a wall-clock time.
func civil(day, clock string) (meetings.Civil, bool) {
	t, err := time.Parse("2006-01-02 15:04:05", day+" "+clock)
	if err != nil {
		return meetings.Civil{}, false
	}
	return meetings.Civil{Year: t.Year(), Month: t.Month(), Day: t.Day(), Hour: t.Hour(), Min: t.Minute(), Sec: t.Second()}, true
}

// dateOf reads a date input's value (YYYY-MM-DD).
func dateOf(s string) (string, bool) {
	t, err := time.Parse("2006-01-02", s)
	return t.Format("2006-01-02"), err == nil
}

// clockOf reads a time input's value (HH:MM, or HH:MM:SS) as HH:MM:SS.
func clockOf(s string) (string, bool) {
	for _, layout := range []string{"15:04", "15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("15:04:05"), true
		}
	}
	return "", false
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return def
	}
	return n
}
