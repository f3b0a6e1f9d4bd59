package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/groups"
	"github.com/mentord/mentord/internal/scheduling"
)

// groupsPerPage is the length of a page of the list.
const groupsPerPage = 10

// groupWords are the group rules' refusals in the web app's words, by the
// domain's code; a code not here keeps the domain's own message.
var groupWords = map[string]string{
	groups.CodeFull:           "This session is full: every seat is taken.",
	groups.CodeAlreadyJoined:  "You already have a seat in this session; nobody can join the same session twice.",
	groups.CodeCannotJoin:     "This session can no longer be joined: it has started, or it was cancelled or completed.",
	groups.CodeOwnSession:     "You run this session, so you cannot take a seat in it.",
	groups.CodeNotJoined:      "You do not hold a seat in this session.",
	groups.CodeCannotLeave:    "The session has started or is over, so the seat can no longer be given back.",
	groups.CodeFrozen:         "A completed or cancelled session can no longer be changed.",
	groups.CodeCannotDelete:   "An ongoing or completed session cannot be deleted.",
	groups.CodeCannotCancel:   "A completed or cancelled session cannot be cancelled.",
	groups.CodeNotUpcoming:    "Only an upcoming session can be started.",
	groups.CodeTooEarly:       "The session can be started from its scheduled time, not before.",
	groups.CodeNotOngoing:     "Only an ongoing session can be marked as completed.",
	groups.CodeInPast:         "Choose a time in the future.",
	groups.CodeAlreadyWaiting: "You are already on the waitlist of this session.",
	groups.CodeNotWaiting:     "You are not on the waitlist of this session.",
}

// groupErr is err with the messages of groupWords.
func groupErr(err error) error {
	if v, ok := errs.AsInvalid(err); ok {
		out := &errs.Invalid{}
		for _, f := range v.Fields {
			for _, m := range f.Msgs {
				out.AddMsg(f.Field, reword(m))
			}
		}
		for _, m := range v.NonField {
			out.NonField = append(out.NonField, reword(m))
		}
		return out
	}
	var e *errs.Error
	if errors.As(err, &e) {
		if w, ok := groupWords[e.Code]; ok {
			c := *e
			c.Message = w
			return &c
		}
	}
	return err
}

func reword(m errs.Msg) errs.Msg {
	if w, ok := groupWords[m.Code]; ok {
		return errs.Msg{Code: m.Code, Text: w}
	}
	return m
}

// statusLabels name a session's statuses on the pages.
var statusLabels = map[string]string{
	domain.GroupUpcoming:  "Upcoming",
	domain.GroupOngoing:   "Ongoing",
	domain.GroupCompleted: "Completed",
	domain.GroupCancelled: "Cancelled",
}

// groupCard is a session as the list and its page show it to the viewer.
type groupCard struct {
	domain.GroupSession
	Subject     string
	StatusLabel string
	Instructor  string
	Left        int
	Full        bool
	Joined      bool // the viewer holds a seat
	Mine        bool // the viewer runs it
}

func newGroupCard(u *domain.User, g *domain.GroupSession, joined bool) groupCard {
	c := groupCard{GroupSession: *g, StatusLabel: statusLabels[g.Status], Instructor: displayName(&g.Creator),
		Left: groups.AvailableSpots(g), Full: groups.IsFull(g), Joined: joined, Mine: g.CreatorID == u.ID}
	if g.Field != nil {
		c.Subject = *g.Field
	}
	return c
}

// groupListView is one page of sessions, the filters that chose them, and
// the links to the pages around (which keep the filters).
type groupListView struct {
	Cards        []groupCard
	Total        int
	Page, Pages  int
	Prev, Next   string
	Filtered     bool
	CanCreate    bool
	Status       field
	Scope        field
	FiltersReset string
}

// groupList is the list of sessions. A first visit (no filter sent) shows
// the upcoming sessions from today; the filter form always sends every
// field, so that an empty one means "any".
func (a *App) groupList(w http.ResponseWriter, r *http.Request, u *domain.User) {
	qs := r.URL.Query()
	zone := userZone(u)
	f := &formState{Values: url.Values{}, Errors: map[string][]string{}}
	for _, k := range []string{"topic", "from", "to", "status", "scope", "seats"} {
		if vs, ok := qs[k]; ok {
			f.Values[k] = vs
		}
	}
	sent := qs.Has("status")
	if !sent {
		f.Values.Set("status", domain.GroupUpcoming)
		f.Values.Set("from", a.Clock.Now().In(zone).Format(dateLayout))
	}
	filter := domain.GroupFilter{Topic: f.Val("topic"), HasSeats: f.Val("seats") != ""}
	if st := f.Val("status"); st != "" {
		if _, ok := statusLabels[st]; ok {
			filter.Status = st
		} else {
			f.Errors["status"] = append(f.Errors["status"], "Choose one of the statuses.")
		}
	}
	for _, d := range []struct {
		name string
		dst  **time.Time
		end  bool
	}{{"from", &filter.From, false}, {"to", &filter.To, true}} {
		raw := strings.TrimSpace(f.Val(d.name))
		if raw == "" {
			continue
		}
		date, err := time.Parse(dateLayout, raw)
		if err != nil {
			f.Errors[d.name] = append(f.Errors[d.name], "Enter a date, like 2030-01-16.")
			continue
		}
		day := dayStart(scheduling.DateOf(date), zone)
		if d.end { // to the end of that day, in the viewer's zone
			day = dayStart(scheduling.DateOf(date).AddDays(1), zone).Add(-time.Microsecond)
		}
		*d.dst = &day
	}
	switch f.Val("scope") {
	case "":
	case "joined":
		filter.JoinedID = u.ID
	case "mine":
		filter.CreatorID = u.ID
	default:
		f.Errors["scope"] = append(f.Errors["scope"], "Choose one of the options.")
	}
	page := pageNumber(r)
	list, total, err := a.Groups.List(r.Context(), filter, groupsPerPage, (page-1)*groupsPerPage)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := &groupListView{Total: total, Page: page, Pages: (total + groupsPerPage - 1) / groupsPerPage, CanCreate: u.IsMentor,
		Filtered: sent, FiltersReset: Prefix + "/groups"}
	v.Status = choices(fld(f, "status", "Status", "select"), "", []string{"|Any status", "upcoming|Upcoming", "ongoing|Ongoing",
		"completed|Completed", "cancelled|Cancelled"})
	scopes := []string{"|Everyone's", "joined|Ones I joined"}
	if u.IsMentor {
		scopes = append(scopes, "mine|Ones I run")
	}
	v.Scope = choices(fld(f, "scope", "Whose", "select"), "", scopes)
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	seats, err := a.Groups.ParticipantsOf(r.Context(), ids...)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for i := range list {
		v.Cards = append(v.Cards, newGroupCard(u, &list[i], holdsSeat(seats[list[i].ID], u.ID)))
	}
	// Unlike the other lists, a page of groups keeps its "?" when the
	// query is empty: its links have always been so.
	v.Prev, v.Next = pageLinks(page, v.Pages, func(p int) string { return Prefix + "/groups?" + withPage(f.Values, p).Encode() })
	status := http.StatusOK
	if f.Failed() {
		status = http.StatusBadRequest
	}
	a.render(w, r, status, "groups-list", &view{Title: "Group sessions", Nav: "groups", Form: f, Data: v})
}

func holdsSeat(seats []domain.Participant, userID int64) bool {
	for _, p := range seats {
		if p.UserID == userID {
			return true
		}
	}
	return false
}
