package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/meetings"
	"github.com/mentord/mentord/internal/scheduling"
)

// The meeting scheduler for owners: contacts, calendars with the owner's
// times on a week grid, who has answered, reminders, the suggested
// schedules and finalizing. Every page is a call of internal/meetings, the
// same the scheduler API makes.

// contactNames are the form's names of the domain's contact fields.
var contactNames = map[string]string{"first_Name": "first_name", "last_Name": "last_name"}

// failOwn answers a refusal about a calendar or contact: someone else's is
// not there, whatever the domain's kind for it.
func (a *App) failOwn(w http.ResponseWriter, r *http.Request, err error) {
	if errs.KindOf(err) == errs.KindForbidden {
		a.notFound(w, r)
		return
	}
	a.fail(w, r, err)
}

// --- contacts ---

type contactsView struct {
	Contacts []domain.Contact
	Editing  *domain.Contact
}

func (a *App) contactList(w http.ResponseWriter, r *http.Request, u *domain.User) {
	a.showContacts(w, r, u, http.StatusOK, nil)
}

func (a *App) showContacts(w http.ResponseWriter, r *http.Request, u *domain.User, status int, f *formState) {
	list, err := a.Meetings.Contacts(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, status, "meetings-contacts", &view{Title: "Your contacts", Nav: "meetings", Form: f, Data: &contactsView{Contacts: list}})
}

func contactInput(r *http.Request) meetings.ContactInput {
	first, last, email := r.PostForm.Get("first_name"), r.PostForm.Get("last_name"), r.PostForm.Get("email")
	return meetings.ContactInput{FirstName: &first, LastName: &last, Email: &email}
}

func (a *App) addContact(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if !a.readForm(w, r, formBody) {
		return
	}
	k, err := a.Meetings.AddContact(r.Context(), u, contactInput(r))
	if err != nil {
		f := newForm(r)
		if !f.take(err, contactNames) {
			a.fail(w, r, err)
			return
		}
		a.showContacts(w, r, u, httpapi.Status(err), f)
		return
	}
	a.flash(w, r, strings.TrimSpace(k.FirstName+" "+k.LastName)+" is added to your contacts.")
	a.redirect(w, r, "/meetings/contacts")
}

func (a *App) ownContact(w http.ResponseWriter, r *http.Request, u *domain.User) (*domain.Contact, bool) {
	id, ok := a.pathOf(w, r)
	if !ok {
		return nil, false
	}
	list, err := a.Meetings.Contacts(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return nil, false
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], true
		}
	}
	a.notFound(w, r)
	return nil, false
}

func (a *App) showContactForm(w http.ResponseWriter, r *http.Request, status int, f *formState, k *domain.Contact) {
	a.render(w, r, status, "meetings-contact", &view{Title: "Edit " + strings.TrimSpace(k.FirstName+" "+k.LastName), Nav: "meetings", Form: f,
		Data: &contactsView{Editing: k}})
}

func (a *App) editContactPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	k, ok := a.ownContact(w, r, u)
	if !ok {
		return
	}
	f := &formState{Values: url.Values{"first_name": {k.FirstName}, "last_name": {k.LastName}, "email": {k.Email}}, Errors: map[string][]string{}}
	a.showContactForm(w, r, http.StatusOK, f, k)
}

func (a *App) saveContact(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if !a.readForm(w, r, formBody) {
		return
	}
	k, ok := a.ownContact(w, r, u)
	if !ok {
		return
	}
	if _, err := a.Meetings.UpdateContact(r.Context(), u, k.ID, contactInput(r)); err != nil {
		f := newForm(r)
		if !f.take(err, contactNames) {
			a.failOwn(w, r, err)
			return
		}
		a.showContactForm(w, r, httpapi.Status(err), f, k)
		return
	}
	a.flash(w, r, "The contact is saved.")
	a.redirect(w, r, "/meetings/contacts")
}

func (a *App) deleteContact(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if !a.readForm(w, r, formBody) {
		return
	}
	k, ok := a.ownContact(w, r, u)
	if !ok {
		return
	}
	if err := a.Meetings.DeleteContact(r.Context(), u, k.ID); err != nil {
		a.failOwn(w, r, err)
		return
	}
	a.flash(w, r, strings.TrimSpace(k.FirstName+" "+k.LastName)+" is deleted, with their invitations and meetings.")
	a.redirect(w, r, "/meetings/contacts")
}

// --- calendars ---

type calendarCard struct {
	Cal      domain.Calendar
	Zone     *time.Location
	Status   string
	Meetings int
}

func (a *App) calendarList(w http.ResponseWriter, r *http.Request, u *domain.User) {
	cals, byCal, err := a.Meetings.Home(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var cards []calendarCard
	for _, c := range cals {
		cards = append(cards, calendarCard{Cal: c, Zone: meetings.Location(&c), Status: a.calendarStatus(&c), Meetings: len(byCal[c.ID])})
	}
	a.render(w, r, http.StatusOK, "meetings-list", &view{Title: "Your meeting calendars", Nav: "meetings", Data: cards})
}

func (a *App) calendarStatus(c *domain.Calendar) string {
	switch {
	case c.Finalized:
		return "Finalized"
	case !c.Deadline.After(a.Clock.Now()):
		return "Deadline passed: choose the meetings"
	}
	return "Taking answers"
}

// The week grid: seven days from a first day, in 30-minute rows.
const (
	gridFrom  = 8 * 60  // the first row, in minutes after midnight
	gridUntil = 20 * 60 // the end of the last row
	gridStep  = 30
)

// gridPrefs are a grid cell's choices; 0 offers no time.
var gridPrefs = []string{"0|—", "1|Low", "2|Medium", "3|High"}

type gridView struct {
	Days []gridDay
	Rows []gridRow
	Kept []gridCell // times chosen on days outside the shown week, sent again as they are
}

type gridDay struct {
	Date  string
	Label string
}

type gridRow struct {
	Label string
	Cells []gridCell
}

type gridCell struct {
	Name, Label string
	Options     []option
	Pref        string
}

func cellName(date string, minute int) string {
	return "cell-" + date + "-" + strconv.Itoa(minute/60*100+minute%60)
}

func minuteText(m int) string {
	return strconv.Itoa(m/600) + strconv.Itoa(m/60%10) + ":" + strconv.Itoa(m%60/10) + strconv.Itoa(m%10)
}

// weekGrid is the grid of seven days from first, the cells filled from f.
func weekGrid(f *formState, first time.Time) gridView {
	var g gridView
	for i := range 7 {
		d := first.AddDate(0, 0, i)
		g.Days = append(g.Days, gridDay{Date: d.Format(dateLayout), Label: d.Format("Mon 2 Jan")})
	}
	for m := gridFrom; m < gridUntil; m += gridStep {
		row := gridRow{Label: minuteText(m)}
		for i, d := range g.Days {
			name := cellName(d.Date, m)
			fd := choices(field{Value: f.Val(name)}, "0", gridPrefs)
			day := first.AddDate(0, 0, i)
			row.Cells = append(row.Cells, gridCell{Name: name, Options: fd.Options, Pref: f.Val(name),
				Label: day.Format("Monday 2 January") + ", " + minuteText(m) + " to " + minuteText(m+gridStep)})
		}
		g.Rows = append(g.Rows, row)
	}
	shown := map[string]bool{}
	for _, d := range g.Days {
		shown[d.Date] = true
	}
	for _, d := range gridDates(f.Values, first) {
		date := d.Format(dateLayout)
		if shown[date] {
			continue
		}
		for m := gridFrom; m < gridUntil; m += gridStep {
			if v := strings.TrimSpace(f.Val(cellName(date, m))); v != "" && v != "0" {
				g.Kept = append(g.Kept, gridCell{Name: cellName(date, m), Pref: v})
			}
		}
	}
	return g
}

// gridDates are the days the grid's cells cover: the seven shown from
// first, and any other day a posted cell names with a time chosen, so that
// showing another week keeps what was chosen on this one.
func gridDates(form url.Values, first time.Time) []time.Time {
	seen := map[string]bool{}
	var out []time.Time
	add := func(d time.Time) {
		if date := d.Format(dateLayout); !seen[date] {
			seen[date] = true
			out = append(out, d)
		}
	}
	for i := range 7 {
		add(first.AddDate(0, 0, i))
	}
	for name, vs := range form {
		rest, ok := strings.CutPrefix(name, "cell-")
		if !ok || len(rest) < len(dateLayout) || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" || strings.TrimSpace(vs[0]) == "0" {
			continue
		}
		if d, err := time.Parse(dateLayout, rest[:len(dateLayout)]); err == nil {
			add(d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

// gridSlots reads the grid into owner slots: neighbouring cells of one day
// with the same preference make one slot.
func gridSlots(r *http.Request, unread *errs.Invalid, first time.Time) []meetings.SlotInput {
	out := []meetings.SlotInput{}
	for _, d := range gridDates(r.PostForm, first) {
		date := d.Format(dateLayout)
		run, runStart := 0, 0
		flush := func(end int) {
			if run > 0 {
				out = append(out, meetings.SlotInput{Pref: run,
					Start: meetings.Civil{Year: d.Year(), Month: d.Month(), Day: d.Day(), Hour: runStart / 60, Min: runStart % 60},
					End:   meetings.Civil{Year: d.Year(), Month: d.Month(), Day: d.Day(), Hour: end / 60, Min: end % 60}})
			}
		}
		for m := gridFrom; m < gridUntil; m += gridStep {
			name := cellName(date, m)
			p, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get(name)))
			if err != nil || p < 0 || p > 3 {
				if r.PostForm.Get(name) != "" && !unread.Has("available_slots") {
					unread.Add("available_slots", "invalid", "Choose one of the options in each cell.")
				}
				p = 0
			}
			if p != run {
				flush(m)
				run, runStart = p, m
			}
		}
		flush(gridUntil)
	}
	return out
}

type calendarFormView struct {
	Zones    []string
	Contacts []domain.Contact
	Grid     gridView
	First    string
}

func (a *App) newCalendarPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	zone := userZone(u)
	// By date: AddDate on the time of day can land in a skipped hour, which
	// time.Date reads as the day before.
	tomorrow := scheduling.DateOf(a.Clock.Now().In(zone)).AddDays(1)
	first := time.Date(tomorrow.Year, tomorrow.Month, tomorrow.Day, 0, 0, 0, 0, time.UTC)
	f := &formState{Values: url.Values{"timezone": {zone.String()}, "meeting_length": {"30"}, "first_day": {first.Format(dateLayout)},
		"deadline": {first.Add(-12 * time.Hour).Format(localLayout)}}, Errors: map[string][]string{}}
	if q := r.URL.Query().Get("first_day"); q != "" {
		if d, err := time.Parse(dateLayout, q); err == nil {
			first = d
			f.Values.Set("first_day", q)
		}
	}
	a.showCalendarForm(w, r, u, http.StatusOK, f, first)
}

func (a *App) showCalendarForm(w http.ResponseWriter, r *http.Request, u *domain.User, status int, f *formState, first time.Time) {
	list, err := a.Meetings.Contacts(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := &calendarFormView{Zones: commonZones, Contacts: list, Grid: weekGrid(f, first), First: first.Format(dateLayout)}
	a.render(w, r, status, "meetings-form", &view{Title: "New meeting calendar", Nav: "meetings", Form: f, Data: v})
}

func (a *App) createCalendar(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if !a.readForm(w, r, 256<<10) {
		return
	}
	f := newForm(r)
	first, err := time.Parse(dateLayout, strings.TrimSpace(r.PostForm.Get("first_day")))
	if err != nil {
		f.Errors["first_day"] = append(f.Errors["first_day"], "Enter a date, like 2030-03-12.")
		first = a.Clock.Now().In(userZone(u))
		first = time.Date(first.Year(), first.Month(), first.Day()+1, 0, 0, 0, 0, time.UTC)
	}
	if r.PostForm.Get("show") != "" || f.Failed() {
		status := http.StatusOK
		if f.Failed() {
			status = http.StatusBadRequest
		}
		a.showCalendarForm(w, r, u, status, f, first)
		return
	}
	unread := &errs.Invalid{}
	name, about, tz := r.PostForm.Get("name"), r.PostForm.Get("description"), strings.TrimSpace(r.PostForm.Get("timezone"))
	in := meetings.CalendarInput{Name: &name, Description: &about, Timezone: &tz, Unread: unread, Invitees: []int64{}}
	loc := time.UTC
	if accounts.ValidTimezone(tz) {
		loc, _ = time.LoadLocation(tz)
	}
	switch raw := strings.TrimSpace(r.PostForm.Get("deadline")); {
	case raw == "":
		unread.FieldArg("deadline", errs.CodeRequired, nil)
	default:
		if t, err := parseLocal(localLayout, raw, loc); err == nil {
			in.Deadline = &t
		} else {
			unread.FieldArg("deadline", errs.CodeNotDateTime, nil)
		}
	}
	if n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("meeting_length"))); err == nil {
		in.MeetingLength = &n
	} else {
		unread.FieldArg("meeting_length", errs.CodeNotInteger, nil)
	}
	for _, raw := range r.PostForm["invitee"] {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
			in.Invitees = append(in.Invitees, id)
		}
	}
	in.Slots = gridSlots(r, unread, first)
	if len(in.Slots) == 0 && !unread.Has("available_slots") {
		unread.Add("available_slots", "empty", "Choose at least one time on the grid: set a preference in its cell.")
	}
	view, err := a.Meetings.CreateCalendar(r.Context(), u, in, a.Links.Invitation(r))
	if a.refused(w, r, f, err, func() { a.showCalendarForm(w, r, u, http.StatusBadRequest, f, first) }) {
		return
	}
	n := len(view.Invitations)
	msg := "The calendar is made."
	switch {
	case n == 1:
		msg += " Your invitee is e-mailed a link to answer."
	case n > 1:
		msg += " Your " + itoa(n) + " invitees are e-mailed a link to answer."
	}
	a.flash(w, r, msg)
	a.redirect(w, r, calPath(view.Calendar.ID))
}
