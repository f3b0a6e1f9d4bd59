package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/meetings"
)

// One calendar: its times, who has answered, reminders; the suggested
// schedules side by side; finalizing one of them.

type calendarView struct {
	Cal    domain.Calendar
	Zone   *time.Location
	Status string
	Open   bool // not finalized
	// CanRemind: open and its deadline ahead; after the deadline the
	// reminder's link leads to a page that takes no answer.
	CanRemind bool
	Slots     []domain.WallSlot
	Invitees  []inviteeRow
	Answered  int
	Meetings  []domain.Meeting
}

type inviteeRow struct {
	Contact   domain.Contact
	Name      string
	Responded bool
	Answers   []domain.WallSlot
}

func contactName(k domain.Contact) string { return strings.TrimSpace(k.FirstName + " " + k.LastName) }

func prefWord(p int) string {
	switch p {
	case 3:
		return "High"
	case 2:
		return "Medium"
	}
	return "Low"
}

func (a *App) ownCalendar(w http.ResponseWriter, r *http.Request, u *domain.User) (*meetings.View, bool) {
	id, ok := a.pathOf(w, r)
	if !ok {
		return nil, false
	}
	v, err := a.Meetings.Calendar(r.Context(), u, id)
	if err != nil {
		a.failOwn(w, r, err)
		return nil, false
	}
	return v, true
}

func calPath(id int64) string { return "/meetings/calendars/" + strconv.FormatInt(id, 10) }

func (a *App) calendarPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	mv, ok := a.ownCalendar(w, r, u)
	if !ok {
		return
	}
	c := mv.Calendar
	v := &calendarView{Cal: c, Zone: mv.Location, Status: a.calendarStatus(&c), Open: !c.Finalized, Slots: mv.OwnerSlots,
		CanRemind: !c.Finalized && c.Deadline.After(a.Clock.Now())}
	for _, inv := range mv.Invitations {
		v.Invitees = append(v.Invitees, inviteeRow{Contact: inv.Contact, Name: contactName(inv.Contact), Responded: inv.Responded, Answers: mv.Answers[inv.ID]})
		if inv.Responded {
			v.Answered++
		}
	}
	if c.Finalized {
		_, list, err := a.Meetings.CalendarMeetings(r.Context(), u, c.ID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		v.Meetings = list
	}
	a.render(w, r, http.StatusOK, "meetings-calendar", &view{Title: c.Name, Nav: "meetings", Data: v})
}

func (a *App) remind(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if !a.readForm(w, r, formBody) {
		return
	}
	id, ok1 := httpapi.PathID(r, "id")
	contact, ok2 := httpapi.PathID(r, "contact")
	if !ok1 || !ok2 {
		a.notFound(w, r)
		return
	}
	msg, err := a.Meetings.Remind(r.Context(), u, id, contact)
	if err != nil {
		if k := errs.KindOf(err); k == errs.KindNotFound || k == errs.KindForbidden {
			a.notFound(w, r)
			return
		}
		a.flash(w, r, detail(err)+".")
		a.redirect(w, r, calPath(id))
		return
	}
	a.flash(w, r, msg+".")
	a.redirect(w, r, calPath(id))
}

// suggestionsView is the schedules side by side: a row for each meeting
// time any of them uses, a column for each schedule.
type suggestionsView struct {
	Cal      domain.Calendar
	Zone     *time.Location
	Silent   int // invitees who have not answered
	Columns  []suggestionColumn
	Rows     []suggestionRow
	Answered int
}

type suggestionColumn struct {
	N           int
	Score       int
	Placed      int
	Unscheduled []string
	Items       []string // the finalize form's hidden values
}

type suggestionRow struct {
	Start, End time.Time
	Cells      []string // who meets then in each schedule, with the score
}

func (a *App) suggestionsPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	mv, ok := a.ownCalendar(w, r, u)
	if !ok {
		return
	}
	if mv.Calendar.Finalized {
		a.flash(w, r, "This calendar is finalized; its meetings are below.")
		a.redirect(w, r, calPath(mv.Calendar.ID))
		return
	}
	p, err := a.Meetings.Propose(r.Context(), u, mv.Calendar.ID)
	if err != nil {
		a.failOwn(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, "meetings-suggestions", &view{Title: "Suggested schedules for " + mv.Calendar.Name, Nav: "meetings",
		Data: suggestionsOf(p)})
}

func suggestionsOf(p *meetings.Proposal) *suggestionsView {
	v := &suggestionsView{Cal: p.Calendar, Zone: p.Location}
	for _, inv := range p.Invitations {
		if inv.Responded {
			v.Answered++
		} else {
			v.Silent++
		}
	}
	type key struct{ s, e int64 }
	rows := map[key]*suggestionRow{}
	for i, sug := range p.Suggestions {
		col := suggestionColumn{N: i + 1, Score: sug.Score, Placed: len(sug.Meetings)}
		for _, k := range sug.Unscheduled {
			col.Unscheduled = append(col.Unscheduled, contactName(k))
		}
		for _, m := range sug.Meetings {
			col.Items = append(col.Items, strconv.FormatInt(m.Contact.ID, 10)+"|"+m.Start.UTC().Format(time.RFC3339)+"|"+m.End.UTC().Format(time.RFC3339))
			k := key{m.Start.Unix(), m.End.Unix()}
			row := rows[k]
			if row == nil {
				row = &suggestionRow{Start: m.Start, End: m.End, Cells: make([]string, len(p.Suggestions))}
				rows[k] = row
			}
			row.Cells[i] = contactName(m.Contact) + " (score " + itoa(m.Score) + ")"
		}
		v.Columns = append(v.Columns, col)
	}
	for _, row := range rows {
		v.Rows = append(v.Rows, *row)
	}
	sort.Slice(v.Rows, func(i, j int) bool { return v.Rows[i].Start.Before(v.Rows[j].Start) })
	return v
}

func (a *App) finalize(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok := a.postedTo(w, r)
	if !ok {
		return
	}
	var items []meetings.FinalItem
	for _, raw := range r.PostForm["meeting"] {
		parts := strings.Split(raw, "|")
		if len(parts) != 3 {
			a.errorPage(w, r, http.StatusBadRequest, "The chosen schedule could not be read. Open the suggestions again and choose one.")
			return
		}
		contact, err1 := strconv.ParseInt(parts[0], 10, 64)
		start, err2 := time.Parse(time.RFC3339, parts[1])
		end, err3 := time.Parse(time.RFC3339, parts[2])
		if err1 != nil || err2 != nil || err3 != nil {
			a.errorPage(w, r, http.StatusBadRequest, "The chosen schedule could not be read. Open the suggestions again and choose one.")
			return
		}
		items = append(items, meetings.FinalItem{ContactID: contact, Start: meetings.When{At: start}, End: meetings.When{At: end}})
	}
	list, err := a.Meetings.Finalize(r.Context(), u, id, items)
	if err != nil {
		switch {
		case errs.CodeOf(err) == meetings.CodeAlreadyFinalized:
			a.flash(w, r, "This calendar was finalized already; its meetings are below.")
			a.redirect(w, r, calPath(id))
		case errs.KindOf(err) == errs.KindForbidden || errs.KindOf(err) == errs.KindNotFound:
			a.notFound(w, r)
		case errs.KindOf(err) == errs.KindInvalid:
			a.flash(w, r, "That schedule cannot be kept: "+detail(err)+". The answers may have changed; here are the suggestions again.")
			a.redirect(w, r, calPath(id)+"/suggestions")
		default:
			a.fail(w, r, err)
		}
		return
	}
	msg := "The calendar is finalized with " + counted(len(list), "meeting") + "."
	switch len(list) {
	case 0:
		msg += " No one is invited."
	case 1:
		msg += " The person scheduled is e-mailed an invitation with a calendar file."
	default:
		msg += " Everyone scheduled is e-mailed an invitation with a calendar file."
	}
	a.flash(w, r, msg)
	a.redirect(w, r, calPath(id))
}

func init() {
	funcs["clockRange"] = clockRange
	funcs["prefWord"] = prefWord
	funcs["shortDay"] = func(t time.Time, loc *time.Location) string { return t.In(loc).Format("Mon 2 Jan") }
}
