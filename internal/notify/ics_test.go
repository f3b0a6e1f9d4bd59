package notify

import (
	"strings"
	"testing"
	"time"
)

func TestInvitesEndLinesInCRLF(t *testing.T) {
	at := time.Date(2030, 3, 12, 13, 0, 0, 0, time.UTC)
	ev := Event{UID: "meeting-1@mentord", Start: at, End: at.Add(time.Hour), Stamp: at.Add(-time.Hour),
		Summary: "Planning: Olive and Cal, " + strings.Repeat("a long summary ", 8), Location: "https://meet.example.com/x",
		Organizer: Person{Name: "Olive", Email: "olive@example.com"}, Attendees: []Person{{Name: "Cal", Email: "cal@example.com"}}}
	for _, a := range []Attachment{Invite(ev), Invites(ev, ev), Invite(Event{Cancel: true, UID: "x@mentord", Start: at, End: at, Stamp: at})} {
		checkLines(t, a.Data)
		cal := parseFeed(t, a.Data)
		if len(cal.Events()) == 0 {
			t.Errorf("%s: no event in\n%s", a.Name, a.Data)
		}
	}
}
