package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/groups"
	"github.com/mentord/mentord/internal/httpapi"
)

// The instructor's form: a new session, or a change to one of theirs.

// groupFormView is the form; Session is nil for a new one.
type groupFormView struct {
	Session *groupCard
	Zone    *time.Location
	Min     string // the earliest start the date field offers
}

// groupNames are the form's names of the domain's fields.
var groupNames = map[string]string{"field": "subject"}

// localLayout is how a datetime-local field sends a time.
const localLayout = "2006-01-02T15:04"

func (a *App) newGroupPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	a.showGroupForm(w, r, u, http.StatusOK, nil, nil)
}

func (a *App) showGroupForm(w http.ResponseWriter, r *http.Request, u *domain.User, status int, f *formState, g *domain.GroupSession) {
	zone := userZone(u)
	v := &groupFormView{Zone: zone, Min: a.Clock.Now().In(zone).Format(localLayout)}
	title := "New group session"
	if g != nil {
		c := newGroupCard(u, g, false)
		v.Session, title = &c, "Edit “"+g.Title+"”"
	}
	a.render(w, r, status, "groups-form", &view{Title: title, Nav: "groups", Form: f, Data: v})
}

// readGroupForm reads the form into the domain's input; what it cannot
// read it leaves for the domain to report with its own checks. unchanged,
// when set, is the session's start as the form showed it: sent back as it
// was, the start is kept (so an ongoing session can be edited).
func readGroupForm(r *http.Request, zone *time.Location, unchanged string) groups.Input {
	unread := &errs.Invalid{}
	title, about, subject := r.PostForm.Get("title"), r.PostForm.Get("description"), r.PostForm.Get("subject")
	in := groups.Input{Title: &title, Description: &about, Field: &subject, Unread: unread}
	switch raw := strings.TrimSpace(r.PostForm.Get("date")); {
	case raw == "":
		unread.FieldArg("date", errs.CodeRequired, nil)
	case raw == unchanged:
	default:
		if t, err := parseLocal(localLayout, raw, zone); err == nil {
			in.Start = &t
		} else {
			unread.FieldArg("date", errs.CodeNotDateTime, nil)
		}
	}
	switch raw := strings.TrimSpace(r.PostForm.Get("capacity")); {
	case raw == "":
		unread.FieldArg("capacity", errs.CodeRequired, nil)
	default:
		if n, err := strconv.Atoi(raw); err == nil {
			in.Capacity = &n
		} else {
			unread.FieldArg("capacity", errs.CodeNotInteger, nil)
		}
	}
	return in
}

func (a *App) createGroup(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if !a.readForm(w, r, formBody) {
		return
	}
	g, err := a.Groups.Create(r.Context(), u, readGroupForm(r, userZone(u), ""))
	if err != nil {
		f := newForm(r)
		if !f.take(groupErr(err), groupNames) {
			a.fail(w, r, err)
			return
		}
		a.showGroupForm(w, r, u, httpapi.Status(err), f, nil)
		return
	}
	a.flash(w, r, "Published. People can join it now: "+seatWord(g.Capacity)+".")
	a.redirect(w, r, "/groups/"+strconv.FormatInt(g.ID, 10))
}

func seatWord(n int) string {
	if n == 1 {
		return "one seat"
	}
	return itoa(n) + " seats"
}

// editable loads a session for its form: one the viewer may not manage is
// not found; one that can no longer change goes back to its page, saying so.
func (a *App) editable(w http.ResponseWriter, r *http.Request, u *domain.User) (*domain.GroupSession, bool) {
	id, ok := a.pathOf(w, r)
	if !ok {
		return nil, false
	}
	g, may, err := a.sessionOf(r.Context(), u, id)
	switch {
	case err != nil:
		a.failHidden(w, r, err)
		return nil, false
	case !may.Manage:
		a.notFound(w, r)
		return nil, false
	case !may.Update:
		a.flash(w, r, groupWords[groups.CodeFrozen])
		a.redirect(w, r, "/groups/"+strconv.FormatInt(id, 10))
		return nil, false
	}
	return g, true
}

func (a *App) editGroupPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	g, ok := a.editable(w, r, u)
	if !ok {
		return
	}
	// The form starts with what is saved.
	f := &formState{Values: url.Values{}, Errors: map[string][]string{}}
	f.Values.Set("title", g.Title)
	f.Values.Set("description", g.Description)
	if g.Field != nil {
		f.Values.Set("subject", *g.Field)
	}
	f.Values.Set("date", g.Start.In(userZone(u)).Format(localLayout))
	f.Values.Set("capacity", itoa(g.Capacity))
	a.showGroupForm(w, r, u, http.StatusOK, f, g)
}

func (a *App) saveGroup(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if !a.readForm(w, r, formBody) {
		return
	}
	g, ok := a.editable(w, r, u)
	if !ok {
		return
	}
	zone := userZone(u)
	in := readGroupForm(r, zone, g.Start.In(zone).Format(localLayout))
	saved, err := a.Groups.Update(r.Context(), u, g.ID, in)
	if err != nil {
		f := newForm(r)
		if !f.take(groupErr(err), groupNames) {
			a.failHidden(w, r, err)
			return
		}
		if hasCode(err, "capacity", groups.CodeBelowTaken) {
			// Said with the seats taken now, which the form shows beside it.
			if now, err := a.Groups.Get(r.Context(), g.ID); err == nil {
				g = now
			}
			f.Errors["capacity"] = []string{belowTaken(g.Taken)}
		}
		a.showGroupForm(w, r, u, httpapi.Status(err), f, g)
		return
	}
	msg := "Saved."
	if !saved.Start.Equal(g.Start) && saved.Taken > 0 {
		msg += " Its participants get an e-mail with the new time."
	}
	a.flash(w, r, msg)
	a.redirect(w, r, "/groups/"+strconv.FormatInt(g.ID, 10))
}

// belowTaken says why the capacity cannot be that low.
func belowTaken(taken int) string {
	who := itoa(taken) + " people have"
	if taken == 1 {
		who = "One person has"
	}
	return who + " joined, so the session needs at least " + seatWord(taken) + ". Choose " + itoa(taken) + " or more."
}

// hasCode reports whether err holds the code for the field.
func hasCode(err error, field, code string) bool {
	v, ok := errs.AsInvalid(err)
	if !ok {
		return false
	}
	for _, f := range v.Fields {
		if f.Field != field {
			continue
		}
		for _, m := range f.Msgs {
			if m.Code == code {
				return true
			}
		}
	}
	return false
}
