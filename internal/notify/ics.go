package notify

import (
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// Person is a named e-mail address.
type Person struct {
	Name  string
	Email string
}

// Event is one calendar event sent as an iCalendar invitation. A client
// updates or removes the event it already has when UID matches and Sequence
// is higher.
type Event struct {
	UID         string
	Sequence    int
	Cancel      bool // METHOD:CANCEL instead of METHOD:REQUEST
	Start, End  time.Time
	Summary     string
	Description string
	Location    string // e.g. the meeting link
	Organizer   Person
	Attendees   []Person
	Stamp       time.Time
}

// Invite renders the event as an .ics attachment.
func Invite(ev Event) Attachment { return Invites(ev) }

// Invites renders several events in one .ics attachment; they share the
// first one's method (REQUEST or CANCEL). Lines end in CRLF, as RFC 5545
// requires.
func Invites(events ...Event) Attachment {
	cal := ics.NewCalendar()
	cal.SetProductId("-//mentord//mentord//EN")
	method := ics.MethodRequest
	if len(events) > 0 && events[0].Cancel {
		method = ics.MethodCancel
	}
	cal.SetMethod(method)
	for _, ev := range events {
		addEvent(cal, ev)
	}
	name := "invite.ics"
	if method == ics.MethodCancel {
		name = "cancel.ics"
	}
	return Attachment{
		Name:        name,
		ContentType: "text/calendar; charset=UTF-8; method=" + string(method),
		Data:        []byte(cal.Serialize(ics.WithNewLineWindows)),
	}
}

func addEvent(cal *ics.Calendar, ev Event) {
	e := cal.AddEvent(ev.UID)
	e.SetSequence(ev.Sequence)
	e.SetDtStampTime(ev.Stamp.UTC())
	e.SetStartAt(ev.Start.UTC())
	e.SetEndAt(ev.End.UTC())
	// Names, titles and links are people's text: kept to their lines, so
	// none can add a property (another attendee, a URL) to the invitation.
	e.SetSummary(textValue(ev.Summary))
	if s := textValue(ev.Description); s != "" {
		e.SetDescription(s)
	}
	if s := textValue(ev.Location); s != "" {
		e.SetLocation(s)
		if strings.HasPrefix(ev.Location, "http") {
			e.SetURL(uriValue(ev.Location))
		}
	}
	if ev.Cancel {
		e.SetStatus(ics.ObjectStatusCancelled)
	} else {
		e.SetStatus(ics.ObjectStatusConfirmed)
	}
	e.SetOrganizer("mailto:"+ev.Organizer.Email, ics.WithCN(paramValue(ev.Organizer.Name)))
	for _, a := range ev.Attendees {
		e.AddAttendee("mailto:"+a.Email, ics.WithCN(paramValue(a.Name)), ics.CalendarUserTypeIndividual,
			ics.ParticipationRoleReqParticipant, ics.ParticipationStatusNeedsAction, ics.WithRSVP(true))
	}
}
