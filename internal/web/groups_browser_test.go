package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
	"github.com/mentord/mentord/internal/web/webtest"
)

// TestGroupJourney is a group session in headless Chromium: an instructor
// publishes a 3-seat session in the form; four students open it while
// seats are left and try to join in turn: three get in, the fourth, whose
// page still offered the button, is told it is full and then sees no way
// to join; the domain holds three seats; the instructor sees who joined,
// and cannot lower the seats below three. Then the fourth joins the
// waitlist and gets the seat when the third gives hers back.
func TestGroupJourney(t *testing.T) {
	journey(t, apptest.Options{Now: groupsNow}, func(t *testing.T, s *apptest.Server, j *chromium) {

		s.Mentor("ivy", "Maths")
		// Two other sessions, so that the list has more than one.
		ivyHTTP := logIn(t, s, "ivy")
		ivyHTTP.post("/app/groups", groupForm("Go code review", "Go", "2030-01-17T16:30", "6"))
		ivyHTTP.post("/app/groups", groupForm("CV clinic", "Careers", "2030-01-21T12:00", "8"))

		ivy := j.logIn("ivy")
		ivy.Open(s.URL + "/app/groups")
		ivy.Click(`a.button[href="/app/groups/new"]`)
		ivy.WaitText("New group session")
		ivy.Fill("#f-title", "Algebra drop-in")
		ivy.Fill("#f-subject", "Maths")
		ivy.Fill("#f-description", "Bring the exercise you are stuck on; we work through them together at the board.")
		ivy.Fill("#f-date", "2030-01-16T18:00")
		ivy.Fill("#f-capacity", "3")
		j.check(ivy, "")
		ivy.ClickButton("Publish the session")
		ivy.WaitText("Published. People can join it now: 3 seats.", "Who joined (0)")
		url := ivy.URL()
		id := url[strings.LastIndex(url, "/")+1:]
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			t.Fatalf("the new session is at %s", url)
		}

		names := []string{"ann", "ben", "cat", "dan"}
		var students []*webtest.Tab
		for _, name := range names {
			s.Mentee(name)
			tab := j.logIn(name)
			tab.Open(s.URL + "/app/groups")
			tab.WaitText("3 of 3 seats left")
			students = append(students, tab)
		}
		// Everyone opens the page while seats are left.
		for _, tab := range students {
			tab.Click(`a[href="/app/groups/` + id + `"]`)
			tab.WaitText("Algebra drop-in", "Join this session")
		}
		for i, tab := range students[:3] {
			tab.ClickButton("Join this session")
			tab.WaitText("You have a seat in this session.")
			if i == 2 {
				tab.WaitText("It is now full.")
			}
		}
		dan := students[3]
		dan.ClickButton("Join this session")
		dan.WaitText("This session is full: every seat is taken.", "Full: all 3 seats taken")
		if dan.Exists(`form[action$="/join"]`) {
			t.Error("the fourth student is still offered to join a full session")
		}
		j.check(dan, "groups-session-full")
		dan.Open(s.URL + "/app/groups/" + id)
		dan.WaitText("This session is full: all 3 seats are taken.")
		ben := students[1]
		ben.Open(s.URL + "/app/groups")
		ben.WaitText("You have a seat")
		j.check(ben, "groups-list")

		// The state: three seats, in the domain and in the API.
		gid, _ := strconv.ParseInt(id, 10, 64)
		parts, err := s.App.Groups.Participants(t.Context(), gid)
		if err != nil || len(parts) != 3 {
			t.Fatalf("the domain holds %d seats (%v), want 3", len(parts), err)
		}
		if seats, full := apiSeats(t, s, apptest.User{ID: parts[0].UserID}, id); strings.Join(seats, " ") != "ann ben cat" || !full {
			t.Errorf("the API says %v (full %v), want ann ben cat, full", seats, full)
		}

		ivy.Open(s.URL + "/app/groups/" + id)
		ivy.WaitText("Who joined (3)")
		for _, n := range []string{"Ann Mentee", "Ben Mentee", "Cat Mentee"} {
			ivy.WaitText(n)
		}
		if strings.Contains(ivy.Text(), "Dan Mentee") {
			t.Error("the instructor sees the student who was turned away")
		}
		j.check(ivy, "groups-session-instructor")
		// Fewer seats than people who joined is refused next to the field.
		ivy.Click(`a[href$="/edit"]`)
		ivy.WaitText("3 of 3 seats are taken now")
		ivy.Fill("#f-capacity", "2")
		ivy.ClickButton("Save the changes")
		ivy.WaitText("3 people have joined, so the session needs at least 3 seats. Choose 3 or more.")
		if got := ivy.Attr("#f-capacity", "aria-describedby"); got != "e-capacity" {
			t.Errorf("the capacity field is described by %q, not its error", got)
		}
		j.check(ivy, "groups-edit-capacity")

		// The waitlist: dan joins it, and has the seat at once when cat
		// gives hers back.
		dan.Open(s.URL + "/app/groups/" + id)
		dan.ClickButton("Join the waitlist")
		dan.WaitText("You are first on the waitlist.")
		j.check(dan, "groups-waitlist-student")
		ivy.Open(s.URL + "/app/groups/" + id)
		ivy.WaitText("Waitlist (1)")
		j.check(ivy, "groups-waitlist-instructor")
		cat := students[2]
		cat.Open(s.URL + "/app/groups/" + id)
		cat.ClickButton("Give my seat back")
		cat.WaitText("it went to the first on the waitlist")
		dan.Open(s.URL + "/app/groups/" + id)
		dan.WaitText("You have a seat in this session.")
	})
}
