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

// TestInviteNamesReadBack: a name with an apostrophe, a comma, a colon and
// a double quote is one quoted CN that a parser reads back as it was (the
// double quote as RFC 6868's ^').
func TestInviteNamesReadBack(t *testing.T) {
	at := time.Date(2030, 3, 12, 13, 0, 0, 0, time.UTC)
	ev := Event{UID: "meeting-1@mentord", Start: at, End: at.Add(time.Hour), Stamp: at, Summary: "s",
		Organizer: Person{Name: "Olive: Owner", Email: "olive@example.com"},
		Attendees: []Person{{Name: `Zoë "Z" O'Brien, Jr.; ` + strings.Repeat("é", 40), Email: "zoe@example.com"}}}
	a := Invite(ev)
	checkLines(t, a.Data)
	e := parseFeed(t, a.Data).Events()[0]
	if got := e.Attendees()[0].ICalParameters["CN"]; len(got) != 1 || got[0] != `Zoë ^'Z^' O'Brien, Jr.; `+strings.Repeat("é", 40) {
		t.Fatalf("attendee CN %q in\n%s", got, a.Data)
	}
	if got := e.GetProperty("ORGANIZER").ICalParameters["CN"]; len(got) != 1 || got[0] != "Olive: Owner" {
		t.Fatalf("organizer CN %q in\n%s", got, a.Data)
	}
}
