package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/mentoring"
)

// sessionItem is one session as the viewer sees it: who the other person
// is, and what the viewer may do with it now.
type sessionItem struct {
	domain.Session
	AsMentor bool
	Other    string
	Actions  []sessionAction
	// Awaiting is a request the viewer is to answer (they may confirm it).
	Awaiting bool
	Link     string // the meeting's, once confirmed
	Zone     *time.Location
	Back     string // the page its forms come back to
	// CancelClosed says why the mentee may no longer cancel (the mentor's
	// cancellation notice); empty when they may, or it does not apply.
	CancelClosed string
}

type sessionAction struct {
	Status, Label string
	Danger        bool
}

// sessionsView is the list of sessions, the archive or one session (the
// same template). Awaiting, the requests waiting for the viewer's answer,
// comes first.
type sessionsView struct {
	Mode     string // "upcoming", "archive" or "one"
	Awaiting []sessionItem
	Sessions []sessionItem
	Back     string // where the forms come back to
	// The archive's page, of Pages, of Total sessions, and the links to
	// the pages around.
	Page, Pages, Total int
	Prev, Next         string
}

// archivePerPage is the length of a page of the archive.
const archivePerPage = 20

// sessionItems are the sessions of a page as u sees them; the mentors'
// cancellation notices are read once for the whole list.
func (a *App) sessionItems(ctx context.Context, u *domain.User, list []domain.Session, back string) ([]sessionItem, error) {
	closed, err := a.Mentoring.CancelClosed(ctx, u, list)
	if err != nil {
		return nil, err
	}
	out := make([]sessionItem, len(list))
	for i, s := range list {
		out[i] = a.sessionItem(u, s, back, closed[s.ID])
	}
	return out, nil
}

// sessionItem is s as u sees it; closed is why u may no longer cancel it
// ("" when they may).
func (a *App) sessionItem(u *domain.User, s domain.Session, back, closed string) sessionItem {
	it := sessionItem{Session: s, AsMentor: s.MentorID == u.ID, Zone: userZone(u), Back: back}
	if s.MeetingLink != nil {
		it.Link = *s.MeetingLink
	}
	it.Other = otherPerson(u, &s)
	for _, to := range a.Mentoring.NextStatuses(u, &s) {
		switch to {
		case domain.StatusConfirmed:
			it.Awaiting = true
			it.Actions = append(it.Actions, sessionAction{Status: to, Label: "Confirm"})
		case domain.StatusCanceled:
			if closed != "" {
				it.CancelClosed = closed
				continue
			}
			it.Actions = append(it.Actions, sessionAction{Status: to, Label: "Cancel", Danger: true})
		case domain.StatusCompleted:
			it.Actions = append(it.Actions, sessionAction{Status: to, Label: "Mark as completed"})
		}
	}
	return it
}

// otherPerson names the session's other participant, as u sees them.
func otherPerson(u *domain.User, s *domain.Session) string {
	if s.MentorID == u.ID {
		return personName(s.MenteeFirst, s.MenteeLast, "your mentee")
	}
	return personName(s.MentorFirst, s.MentorLast, "your mentor")
}

func personName(first, last, none string) string {
	if n := strings.TrimSpace(first + " " + last); n != "" {
		return n
	}
	return none
}

func (a *App) sessionsPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	a.showSessions(w, r, u, http.StatusOK, nil)
}

// showSessions renders the upcoming sessions, with the message of a
// refused change when f has one.
func (a *App) showSessions(w http.ResponseWriter, r *http.Request, u *domain.User, status int, f *formState) {
	list, err := a.Mentoring.Upcoming(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := &sessionsView{Mode: "upcoming", Back: "/sessions"}
	items, err := a.sessionItems(r.Context(), u, list, v.Back)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for _, it := range items {
		if it.Awaiting {
			v.Awaiting = append(v.Awaiting, it)
		} else {
			v.Sessions = append(v.Sessions, it)
		}
	}
	a.render(w, r, status, "mentoring-sessions", &view{Title: "Sessions", Nav: "sessions", Form: f, Data: v})
}

// archivePage is the past sessions, a page at a time, newest first.
func (a *App) archivePage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	page := pageNumber(r)
	list, total, err := a.Mentoring.ArchivedPage(r.Context(), u, archivePerPage, (page-1)*archivePerPage)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := &sessionsView{Mode: "archive", Back: "/sessions/archive", Page: page, Total: total, Pages: (total + archivePerPage - 1) / archivePerPage}
	if v.Sessions, err = a.sessionItems(r.Context(), u, list, v.Back); err != nil {
		a.fail(w, r, err)
		return
	}
	v.Prev, v.Next = pageLinks(page, v.Pages, func(p int) string { return pageAddr(Prefix+"/sessions/archive", nil, p) })
	a.render(w, r, http.StatusOK, "mentoring-sessions", &view{Title: "Past sessions", Nav: "sessions", Data: v})
}

// sessionFile is one session: its page ("/sessions/12") or its calendar
// event ("/sessions/12.ics"). Someone else's is not found.
func (a *App) sessionFile(w http.ResponseWriter, r *http.Request, u *domain.User) {
	name := r.PathValue("file")
	raw, ics := strings.CutSuffix(name, ".ics")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		a.notFound(w, r)
		return
	}
	if ics {
		a.sessionCalendar(w, r, u, id)
		return
	}
	s, err := a.Mentoring.SessionFor(r.Context(), u, id)
	if err != nil {
		a.failHidden(w, r, err)
		return
	}
	back := "/sessions/" + raw
	items, err := a.sessionItems(r.Context(), u, []domain.Session{*s}, back)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := &sessionsView{Mode: "one", Back: back, Sessions: items}
	title := "Session with " + v.Sessions[0].Other
	a.render(w, r, http.StatusOK, "mentoring-sessions", &view{Title: title, Nav: "sessions", Data: v})
}

func (a *App) sessionCalendar(w http.ResponseWriter, r *http.Request, u *domain.User, id int64) {
	cal, err := a.Mentoring.SessionCalendar(r.Context(), u, id)
	if err != nil {
		a.failHidden(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="mentord-session-`+strconv.FormatInt(id, 10)+`.ics"`)
	w.Write(cal.Data)
}

// changeSession confirms, cancels or completes a session.
func (a *App) changeSession(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok := a.postedTo(w, r)
	if !ok {
		return
	}
	status := r.PostForm.Get("status")
	before, err := a.Mentoring.SessionFor(r.Context(), u, id)
	if err != nil {
		a.failHidden(w, r, err)
		return
	}
	ch := mentoring.SessionChange{Status: &status}
	if reason, ok := r.PostForm["cancel_reason"]; ok && len(reason) > 0 {
		ch.CancelReason = &reason[0]
	}
	s, err := a.Mentoring.ChangeSession(r.Context(), u, id, ch)
	if err != nil {
		if notYours(err) || !refusal(err) {
			a.failHidden(w, r, err)
			return
		}
		f := newForm(r)
		f.NonField = append(f.NonField, detail(err))
		a.showSessions(w, r, u, httpapi.Status(err), f)
		return
	}
	other := otherPerson(u, s)
	switch {
	case before.Status == s.Status:
		// A second click, or a second tab: nothing changed, nobody is told.
		a.flash(w, r, "This session was already "+s.Status+".")
	case s.Status == domain.StatusConfirmed:
		a.flash(w, r, "Confirmed. "+other+" gets an e-mail with the meeting link.")
	case s.Status == domain.StatusCanceled:
		a.flash(w, r, "Canceled. "+other+" gets an e-mail saying so.")
	case s.Status == domain.StatusCompleted:
		a.flash(w, r, "Marked as completed.")
	}
	back := r.PostForm.Get("back")
	if back != "/sessions/archive" && back != "/sessions/"+strconv.FormatInt(id, 10) {
		back = "/sessions"
	}
	a.redirect(w, r, back)
}
