package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/mentoring"
	"github.com/mentord/mentord/internal/scheduling"
)

// The pages only mentors have: their mentor profile and their availability.

// mentorProfileView is the mentor profile form.
type mentorProfileView struct {
	Exists     bool
	SkillsHint string
}

func (a *App) mentorProfilePage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	m, err := a.Accounts.MentorProfile(r.Context(), u.ID)
	if err != nil && errs.KindOf(err) != errs.KindNotFound {
		a.fail(w, r, err)
		return
	}
	// The form starts with what is saved.
	f := &formState{Values: url.Values{}, Errors: map[string][]string{}}
	if m != nil {
		f.Values.Set("about_me", m.AboutMe)
		f.Values.Set("skills", strings.Join(m.Skills, ", "))
		if m.TeamNumber > 0 {
			f.Values.Set("team_number", itoa(m.TeamNumber))
		}
	}
	a.showMentorProfile(w, r, http.StatusOK, f, m != nil)
}

func (a *App) showMentorProfile(w http.ResponseWriter, r *http.Request, status int, f *formState, exists bool) {
	hint, err := a.skillsHint(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, status, "mentoring-profile", &view{Title: "Your mentor profile", Nav: "mentor-profile", Form: f,
		Data: mentorProfileView{Exists: exists, SkillsHint: hint}})
}

// skillsHint names the skills mentord knows and those mentors use, so that
// a mentor spells theirs as mentees search for them.
func (a *App) skillsHint(r *http.Request) (string, error) {
	inUse, err := a.Accounts.SkillsInUse(r.Context())
	if err != nil {
		return "", err
	}
	seen := map[string]bool{}
	var names []string
	for _, s := range append(append([]string{}, accounts.KnownSkills...), inUse...) {
		if k := domain.SkillKey(s); !seen[k] {
			seen[k] = true
			names = append(names, s)
		}
	}
	return "Separate them with commas. Skills mentees look for: " + strings.Join(names, ", ") + ".", nil
}

func (a *App) saveMentorProfile(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if !a.readForm(w, r, formBody) {
		return
	}
	f := newForm(r)
	unread := &errs.Invalid{}
	about := r.PostForm.Get("about_me")
	in := accounts.MentorInput{AboutMe: &about, Unread: unread}
	for _, s := range strings.Split(r.PostForm.Get("skills"), ",") {
		// A trailing comma or a doubled one is a slip, not an empty skill.
		if s = strings.TrimSpace(s); s != "" {
			in.Skills = append(in.Skills, s)
		}
	}
	// No team is team 0, as the directory shows it.
	team, n := strings.TrimSpace(r.PostForm.Get("team_number")), 0
	if team != "" {
		var err error
		if n, err = strconv.Atoi(team); err != nil {
			unread.FieldArg("team_number", errs.CodeNotInteger, nil)
		}
	}
	in.TeamNumber = &n
	_, err := a.Accounts.MentorProfile(r.Context(), u.ID)
	exists := err == nil
	switch {
	case exists:
		_, err = a.Accounts.UpdateMentorProfile(r.Context(), u.ID, in, true)
	case errs.KindOf(err) == errs.KindNotFound:
		_, err = a.Accounts.CreateMentorProfile(r.Context(), u.ID, in)
	}
	skillWords(err)
	if a.refused(w, r, f, err, func() { a.showMentorProfile(w, r, http.StatusBadRequest, f, exists) }) {
		return
	}
	if !exists {
		a.flash(w, r, "Your mentor profile is saved. Now publish the times you are available.")
		a.redirect(w, r, "/availability")
		return
	}
	a.flash(w, r, "Your mentor profile is saved.")
	a.redirect(w, r, "/mentor/profile")
}

// availabilityView is one week of the mentor's availability, by day in
// the viewer's zone, with the form that adds a span.
type availabilityView struct {
	Week, PrevWeek, NextWeek string // Mondays, as ?week= takes them
	Monday, NextMonday       time.Time
	Days                     []availDay
	DefaultDate              string
	// DeleteError is why a span could not be deleted (the domain's words).
	DeleteError string
}

type availDay struct {
	Day   time.Time
	Spans []domain.Availability
}

const dateLayout = "2006-01-02"

// weekOf is the Monday, at its first instant in loc, of the week holding t.
func weekOf(t time.Time, loc *time.Location) time.Time {
	d := scheduling.DateOf(t.In(loc))
	return dayStart(d.AddDays(-((int(d.Weekday()) + 6) % 7)), loc)
}

// dayStart is the first instant of d in loc, in loc. Where a clock change
// skips midnight (America/Santiago in September) that is 01:00, not
// time.Date's reading, 23:00 of the day before.
func dayStart(d scheduling.Date, loc *time.Location) time.Time { return d.At(0, loc).In(loc) }

func (a *App) availabilityPage(w http.ResponseWriter, r *http.Request, u *domain.User) {
	a.showAvailability(w, r, u, r.URL.Query().Get("week"), http.StatusOK, nil, "")
}

// showAvailability renders the week holding week (a date; this week when
// it is not one), with the add form's state and a refused deletion.
func (a *App) showAvailability(w http.ResponseWriter, r *http.Request, u *domain.User, week string, status int, f *formState, deleteError string) {
	zone := userZone(u)
	now := a.Mentoring.Now()
	monday := weekOf(now, zone)
	if t, err := time.Parse(dateLayout, week); err == nil {
		monday = weekOf(dayStart(scheduling.DateOf(t), zone), zone)
	}
	first := scheduling.DateOf(monday)
	list, err := a.Mentoring.FutureAvailabilityBetween(r.Context(), u.ID, dayStart(first, zone), dayStart(first.AddDays(7), zone))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := &availabilityView{Monday: monday, NextMonday: dayStart(first.AddDays(7), zone), Week: first.String(), DeleteError: deleteError,
		PrevWeek: first.AddDays(-7).String(), NextWeek: first.AddDays(7).String()}
	for i := range 7 {
		// Dates, not 24 hours: a day of a clock change is 23 or 25 hours long.
		day, next := dayStart(first.AddDays(i), zone), dayStart(first.AddDays(i+1), zone)
		d := availDay{Day: day}
		for _, av := range list {
			if !av.Start.Before(day) && av.Start.Before(next) {
				d.Spans = append(d.Spans, av)
			}
		}
		v.Days = append(v.Days, d)
	}
	// New times go on the first day of the week that has not passed.
	v.DefaultDate = monday.Format(dateLayout)
	if today := weekOf(now, zone); today.Equal(monday) {
		v.DefaultDate = now.In(zone).Format(dateLayout)
	}
	a.render(w, r, status, "mentoring-availability", &view{Title: "Your availability", Nav: "availability", Form: f, Data: v})
}

// addAvailability publishes a span (a date, a start and an end time in the
// viewer's zone) as 30-minute chunks.
func (a *App) addAvailability(w http.ResponseWriter, r *http.Request, u *domain.User) {
	if !a.readForm(w, r, formBody) {
		return
	}
	f := newForm(r)
	zone := userZone(u)
	date, startText, endText := r.PostForm.Get("date"), r.PostForm.Get("start"), r.PostForm.Get("end")
	unread := &errs.Invalid{}
	// The date alone: read at midnight in zone it could name the day before.
	day, err := time.Parse(dateLayout, date)
	if err != nil {
		unread.Add("date", "invalid", "Enter a date, like 2030-01-16.")
	}
	// A time of day on that date, in the viewer's zone.
	clock := func(field, text string) (*time.Time, bool) {
		t, err := parseLocal(localLayout, day.Format(dateLayout)+"T"+text, zone)
		if err != nil {
			unread.Add(field, "invalid", "Enter a time of day, like 09:30.")
			return nil, false
		}
		c, _ := time.Parse("15:04", text)
		return &t, c.Hour() == 0 && c.Minute() == 0
	}
	start, _ := clock("start", startText)
	end, midnight := clock("end", endText)
	if !unread.Empty() {
		// Nothing can be checked until the date and times can be read.
		f.take(unread, nil)
		a.showAvailability(w, r, u, date, http.StatusBadRequest, f, "")
		return
	}
	// An end at 00:00 is the midnight that ends the day.
	if midnight {
		next := dayStart(scheduling.DateOf(day).AddDays(1), zone)
		end = &next
	}
	in := mentoring.AvailabilityInput{Start: start, End: end}
	added, err := a.Mentoring.AddAvailability(r.Context(), u, in, true)
	if err != nil {
		if !f.take(err, map[string]string{"start_time": "start", "end_time": "end"}) {
			a.fail(w, r, err)
			return
		}
		a.showAvailability(w, r, u, date, httpapi.Status(err), f, "")
		return
	}
	first, last := added[0], added[len(added)-1]
	a.flash(w, r, "Published "+clockSpan(first.Start, last.End, zone, "–")+
		" on "+first.Start.In(zone).Format("Monday 2 January")+": "+counted(len(added), "half-hour")+" mentees can book.")
	a.redirect(w, r, "/availability?week="+weekOf(first.Start, zone).Format(dateLayout))
}

func (a *App) deleteAvailability(w http.ResponseWriter, r *http.Request, u *domain.User) {
	id, ok := a.postedTo(w, r)
	if !ok {
		return
	}
	week := r.PostForm.Get("week")
	if err := a.Mentoring.DeleteAvailability(r.Context(), u, id); err != nil {
		if notYours(err) || !refusal(err) {
			a.failHidden(w, r, err)
			return
		}
		a.showAvailability(w, r, u, week, httpapi.Status(err), nil, detail(err))
		return
	}
	a.flash(w, r, "That time is deleted; mentees can no longer book it.")
	if _, err := time.Parse(dateLayout, week); err != nil {
		a.redirect(w, r, "/availability")
		return
	}
	a.redirect(w, r, "/availability?week="+week)
}

// skillWords rewords the check of one skill name: the API calls a skill
// name too long (or holding a slash) an invalid choice, which on this page,
// where any skill may be typed, would wrongly say there is a list to
// choose from.
func skillWords(err error) {
	v, ok := errs.AsInvalid(err)
	if !ok {
		return
	}
	for i := range v.Fields {
		if v.Fields[i].Field != "skills" {
			continue
		}
		for j, m := range v.Fields[i].Msgs {
			if m.Code == errs.CodeInvalidChoice && m.Text == "" {
				v.Fields[i].Msgs[j].Text = fmt.Sprintf("A skill name is at most %d characters, without / or a line break (%q is not).", accounts.MaxSkillLength, fmt.Sprint(m.Arg()))
			}
		}
	}
}
