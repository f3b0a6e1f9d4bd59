package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/mentoring"
	"github.com/mentord/mentord/internal/scheduling"
)

// failHidden is fail for something that may be someone else's: the
// domain's "not yours" is a 404 here, as if it did not exist.
func (a *App) failHidden(w http.ResponseWriter, r *http.Request, err error) {
	if notYours(err) {
		a.notFound(w, r)
		return
	}
	a.fail(w, r, err)
}

// notYours reports whether err says the record is not there or not the
// caller's.
func notYours(err error) bool {
	k := errs.KindOf(err)
	return k == errs.KindNotFound || k == errs.KindForbidden
}

// postedTo reads the form posted to a page of one thing, /.../{id}/...:
// an id that is not one is the 404 page, a form that cannot be read is
// answered; ok is false when the page has answered.
func (a *App) postedTo(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := a.pathOf(w, r)
	if !ok {
		return 0, false
	}
	return id, a.readForm(w, r, formBody)
}

// postedAction is postedTo for a button posted to .../{id}/{action}: an
// action not in actions is the 404 page.
func (a *App) postedAction(w http.ResponseWriter, r *http.Request, actions []string) (string, int64, bool) {
	act := r.PathValue("action")
	if !slices.Contains(actions, act) {
		a.notFound(w, r)
		return "", 0, false
	}
	id, ok := a.postedTo(w, r)
	return act, id, ok
}

// refusal reports whether err is the domain saying no to what a person
// asked (a message to show them), rather than a failure.
func refusal(err error) bool {
	switch errs.KindOf(err) {
	case errs.KindInvalid, errs.KindConflict, errs.KindForbidden:
		return true
	}
	return false
}

// mentorCard is a mentor as the directory and their page show them.
type mentorCard struct {
	ID       int64
	Name     string
	Initials string
	Photo    string // URL, or ""
	Team     int    // 0: none given
	Skills   []string
	About    string // in full
	Excerpt  string
}

func newMentorCard(l *domain.MentorListing) mentorCard {
	c := mentorCard{ID: l.User.ID, Name: displayName(&l.User), Initials: initials(&l.User)}
	if l.User.ProfilePhoto != nil && *l.User.ProfilePhoto != "" {
		c.Photo = "/media/" + *l.User.ProfilePhoto
	}
	if m := l.Mentor; m != nil {
		c.Team, c.Skills, c.About, c.Excerpt = m.TeamNumber, m.Skills, m.AboutMe, excerpt(m.AboutMe, 160)
	}
	return c
}

// initials stand in for a missing photo.
func initials(u *domain.User) string {
	var out []rune
	for _, part := range []string{u.FirstName, u.LastName} {
		if r, _ := utf8.DecodeRuneInString(strings.TrimSpace(part)); r != utf8.RuneError {
			out = append(out, unicode.ToUpper(r))
		}
	}
	if len(out) == 0 {
		r, _ := utf8.DecodeRuneInString(u.Username)
		out = append(out, unicode.ToUpper(r))
	}
	return string(out)
}

// excerpt is the start of s, at most n characters, cut between words.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := string([]rune(s)[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// directoryView is the mentor directory: the search, one page of mentors,
// and the links to the pages around it (which keep the search).
type directoryView struct {
	Search     field
	Skill      field
	Searched   bool
	Result     *accounts.MentorPage
	Cards      []mentorCard
	Prev, Next string
}

func (a *App) mentorDirectory(w http.ResponseWriter, r *http.Request, u *domain.User) {
	qs := r.URL.Query()
	text, skill := strings.TrimSpace(qs.Get("q")), strings.TrimSpace(qs.Get("skill"))
	page := pageNumber(r)
	skills, err := a.Accounts.SkillsInUse(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	result, err := a.Accounts.FindMentors(r.Context(), text, skill, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := &directoryView{Result: result, Searched: text != "" || skill != "",
		Search: field{Name: "q", Label: "Name", Type: "search", Value: text, Autocomplete: "off"},
		Skill:  field{Name: "skill", Label: "Skill", Type: "select", Options: []option{{Value: "", Label: "Any skill", Selected: skill == ""}}},
	}
	for _, s := range skills {
		v.Skill.Options = append(v.Skill.Options, option{Value: s, Label: s, Selected: domain.SkillKey(s) == domain.SkillKey(skill)})
	}
	for i := range result.Mentors {
		v.Cards = append(v.Cards, newMentorCard(&result.Mentors[i]))
	}
	sent := url.Values{}
	if text != "" {
		sent.Set("q", text)
	}
	if skill != "" {
		sent.Set("skill", skill)
	}
	v.Prev, v.Next = pageLinks(page, result.Pages, func(p int) string { return pageAddr(Prefix+"/mentors", sent, p) })
	a.render(w, r, http.StatusOK, "mentoring-directory", &view{Title: "Find a mentor", Nav: "mentors", Data: v})
}

// openDays is how far ahead a mentor's page offers start times.
const openDays = 14

// mentorView is a mentor's page: their profile and the start times still
// free in their availability, by day in the viewer's zone.
type mentorView struct {
	Mentor mentorCard
	Days   []openDay
	// Refusal says why the viewer cannot request sessions here (the
	// domain's words), and no buttons are shown; "" when they can.
	Refusal string
	From    time.Time // the open times listed are from From until Until
	Until   time.Time
}

type openDay struct {
	Day    time.Time
	Starts []openStart
}

type openStart struct {
	mentoring.OpenStart
	Value string // the start as the form sends it (RFC 3339)
}

func (a *App) mentorPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	a.showMentor(w, r, u, http.StatusOK, nil)
}

// showMentor renders a mentor's page, with the message of a refused
// request when f has one.
func (a *App) showMentor(w http.ResponseWriter, r *http.Request, u *domain.User, status int, f *formState) {
	id, ok := a.pathOf(w, r)
	if !ok {
		return
	}
	listing, err := a.Accounts.ListedMentor(r.Context(), id)
	if err != nil {
		a.failHidden(w, r, err)
		return
	}
	from := a.Mentoring.Now()
	until := from.Add(openDays * 24 * time.Hour)
	starts, err := a.Mentoring.OpenStarts(r.Context(), u, id, until)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := &mentorView{Mentor: newMentorCard(listing), From: from, Until: until}
	if err := a.Mentoring.MayRequest(u, id); err != nil {
		v.Refusal = detail(err)
	}
	zone := userZone(u)
	for _, s := range starts {
		local := s.Start.In(zone)
		if n := len(v.Days); n == 0 || !sameDay(v.Days[n-1].Day, local) {
			v.Days = append(v.Days, openDay{Day: local})
		}
		d := &v.Days[len(v.Days)-1]
		d.Starts = append(d.Starts, openStart{OpenStart: s, Value: s.Start.UTC().Format(time.RFC3339)})
	}
	a.render(w, r, status, "mentoring-mentor", &view{Title: v.Mentor.Name, Nav: "mentors", Form: f, Data: v})
}

func (a *App) requestSession(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok := a.postedTo(w, r)
	if !ok {
		return
	}
	mentor, err := a.Accounts.ListedMentor(r.Context(), id)
	if err != nil {
		a.failHidden(w, r, err)
		return
	}
	in, unread := mentoring.RequestInput{}, &errs.Invalid{}
	if v, err := strconv.ParseInt(r.PostForm.Get("availability"), 10, 64); err == nil {
		in.AvailabilityID = &v
	} else {
		unread.FieldArg("mentor_availability", errs.CodeDoesNotExist, r.PostForm.Get("availability"))
	}
	if t, err := time.Parse(time.RFC3339, r.PostForm.Get("start")); err == nil {
		in.Start = &t
	} else {
		unread.FieldArg("start_time", errs.CodeNotDateTime, nil)
	}
	if n, err := strconv.Atoi(r.PostForm.Get("length")); err == nil {
		in.Length = &n
	} else {
		unread.FieldArg("session_length", errs.CodeInvalidChoice, r.PostForm.Get("length"))
	}
	in.Unread = unread
	sess, err := a.Mentoring.RequestSession(r.Context(), u, in)
	if err != nil {
		if !refusal(err) {
			a.fail(w, r, err)
			return
		}
		// The times are shown afresh, without the one just taken.
		f := newForm(r)
		f.NonField = append(f.NonField, detail(err))
		a.showMentor(w, r, u, httpapi.Status(err), f)
		return
	}
	zone := userZone(u)
	a.flash(w, r, "Requested: "+itoa(sess.Length)+" minutes with "+displayName(&mentor.User)+", "+
		sess.Start.In(zone).Format("Mon 2 Jan 2006, 15:04 MST")+". You will get an e-mail when it is confirmed.")
	a.redirect(w, r, "/sessions")
}

// userZone is the zone a user's times are shown and read in.
func userZone(u *domain.User) *time.Location {
	if loc, err := time.LoadLocation(u.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// parseLocal reads text written as layout (a wall-clock date and time, no
// zone) as a time in loc, the way weekly hours read wall times
// (scheduling.Date.At): a time a spring-forward change skips is the end of
// the gap. time.ParseInLocation reads it an hour early.
func parseLocal(layout, text string, loc *time.Location) (time.Time, error) {
	t, err := time.Parse(layout, text)
	if err != nil {
		return time.Time{}, err
	}
	return scheduling.DateOf(t).At(t.Sub(t.Truncate(24*time.Hour)), loc).In(loc), nil
}

// clockSpan is "13:00–15:00 EDT" in loc, or "01:00 EST–03:00 EDT" when the
// clock changed between start and end, so that neither end is misnamed.
func clockSpan(start, end time.Time, loc *time.Location, sep string) string {
	s, e := start.In(loc), end.In(loc)
	if s.Format("MST") != e.Format("MST") {
		return s.Format("15:04 MST") + sep + e.Format("15:04 MST")
	}
	return s.Format("15:04") + sep + e.Format("15:04 MST")
}
