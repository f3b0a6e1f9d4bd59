package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/groups"
	"github.com/mentord/mentord/internal/httpapi"
)

// groupView is a session's page: what it is, how many seats are left, the
// buttons the viewer may use now and, for the one who runs it, who joined.
type groupView struct {
	Card         groupCard
	May          groups.Permitted
	Participants []domain.Participant // only for those who manage it
	// Place is the viewer's place on the waitlist (0: not waiting), Waiting
	// how many wait; Waitlist who, for those who manage it.
	Place, Waiting int
	PlaceWord      string // "first", "second", ...
	Waitlist       []domain.Waiter
}

func (a *App) groupPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok := a.pathOf(w, r)
	if !ok {
		return
	}
	a.showGroup(w, r, u, id, http.StatusOK, nil)
}

// showGroup renders a session's page, with the message of a refused action
// when f has one.
func (a *App) showGroup(w http.ResponseWriter, r *http.Request, u *domain.User, id int64, status int, f *formState) {
	g, err := a.Groups.Get(r.Context(), id)
	if err != nil {
		a.failHidden(w, r, err)
		return
	}
	seats, err := a.Groups.ParticipantsOf(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	st, err := a.Groups.StandingOf(r.Context(), id, u.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := &groupView{Card: newGroupCard(u, g, st.Joined), May: a.Groups.PermittedAs(u, g, st), Place: st.Place, Waiting: st.Waiting,
		PlaceWord: ordinal(st.Place)}
	if v.May.Manage {
		v.Participants = seats[id]
		if v.Waitlist, err = a.Groups.Waitlist(r.Context(), id); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	a.render(w, r, status, "groups-session", &view{Title: g.Title, Nav: "groups", Form: f, Data: v})
}

// groupActions are the buttons of a session's page, by the last part of
// the path they post to.
var groupActions = []string{"join", "leave", "waitlist", "leave-waitlist", "start", "complete", "cancel", "delete"}

// groupAction takes a seat, gives it back, or moves the session on (start,
// complete, cancel, delete); a refusal is shown on the session's page.
func (a *App) groupAction(w http.ResponseWriter, r *http.Request, u *domain.User) {
	act, id, ok := a.postedAction(w, r, groupActions)
	if !ok {
		return
	}
	ctx := r.Context()
	before, err := a.Groups.Get(ctx, id)
	if err != nil {
		a.failHidden(w, r, err)
		return
	}
	var g *domain.GroupSession
	var res groups.JoinResult
	switch act {
	case "join":
		g, _, err = a.Groups.Join(ctx, u, id, groups.JoinOptions{})
	case "waitlist":
		res, err = a.Groups.JoinOrWait(ctx, u, id, groups.JoinOptions{Waitlist: true})
		g = res.Session
	case "leave-waitlist":
		g, err = a.Groups.LeaveWaitlist(ctx, u, id)
	case "leave":
		g, err = a.Groups.Leave(ctx, u, id)
	case "start":
		g, err = a.Groups.Start(ctx, u, id)
	case "complete":
		g, err = a.Groups.Complete(ctx, u, id)
	case "cancel":
		g, err = a.Groups.Cancel(ctx, u, id)
	case "delete":
		err = a.Groups.Delete(ctx, u, id)
	}
	if err != nil {
		if notYours(err) || !refusal(err) {
			a.failHidden(w, r, err)
			return
		}
		f := newForm(r)
		f.NonField = append(f.NonField, detail(groupErr(err)))
		a.showGroup(w, r, u, id, httpapi.Status(err), f)
		return
	}
	path := "/groups/" + strconv.FormatInt(id, 10)
	switch act {
	case "join":
		a.flash(w, r, "You have a seat in “"+g.Title+"”. "+seatsLeft(g)+".")
	case "waitlist":
		if res.Seat != nil { // a seat had freed meanwhile
			a.flash(w, r, "A seat was free, so you have it: you have a seat in “"+g.Title+"”. "+seatsLeft(g)+".")
		} else {
			a.flash(w, r, "You joined the waitlist of “"+g.Title+"”.")
		}
	case "leave-waitlist":
		a.flash(w, r, "You left the waitlist.")
	case "leave":
		if g.Taken == before.Taken {
			a.flash(w, r, "You gave your seat back; it went to the first on the waitlist.")
		} else {
			a.flash(w, r, "You gave your seat back; you can join again while seats are left.")
		}
	case "start":
		a.flash(w, r, "Started: the session is ongoing. Mark it as completed when it is over.")
	case "complete":
		a.flash(w, r, "Marked as completed.")
	case "cancel":
		a.flash(w, r, "Cancelled. "+toldOf(before)+".")
	case "delete":
		msg := "Deleted “" + before.Title + "”."
		if before.Status != domain.GroupCancelled {
			msg += " " + toldOf(before) + "."
		}
		a.flash(w, r, msg)
		path = "/groups?scope=mine&status=&from="
	}
	a.redirect(w, r, path)
}

// ordinal names a place on the waitlist: "first", "second", ..., "number 12".
func ordinal(n int) string {
	names := []string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}
	if n >= 1 && n <= len(names) {
		return names[n-1]
	}
	return "number " + itoa(n)
}

// seatsLeft says how many seats a session has left.
func seatsLeft(g *domain.GroupSession) string {
	switch n := groups.AvailableSpots(g); n {
	case 0:
		return "It is now full"
	case 1:
		return "One seat is left"
	default:
		return itoa(n) + " seats are left"
	}
}

// toldOf says who is e-mailed when the session will not happen.
func toldOf(g *domain.GroupSession) string {
	switch g.Taken {
	case 0:
		return "Nobody had joined, so nobody is e-mailed"
	case 1:
		return "The one participant gets an e-mail saying so"
	default:
		return "Its " + itoa(g.Taken) + " participants get an e-mail saying so"
	}
}

// sessionOf loads a session the caller may manage, for the edit form; a
// session they may not manage is not found.
func (a *App) sessionOf(ctx context.Context, u *domain.User, id int64) (*domain.GroupSession, groups.Permitted, error) {
	g, err := a.Groups.Get(ctx, id)
	if err != nil {
		return nil, groups.Permitted{}, err
	}
	return g, a.Groups.Permitted(u, g, false), nil
}
