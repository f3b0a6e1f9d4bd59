package notify

import (
	"strings"
	"time"
	"unicode/utf8"

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
		Data:        []byte(quoteNames(cal.Serialize(ics.WithNewLineWindows))),
	}
}

func addEvent(cal *ics.Calendar, ev Event) {
	url := ""
	if strings.HasPrefix(ev.Location, "http") {
		url = ev.Location
	}
	e := eventText(cal, ev.UID, ev.Sequence, ev.Stamp, ev.Start, ev.End, ev.Summary, ev.Description, ev.Location, url)
	if ev.Cancel {
		e.SetStatus(ics.ObjectStatusCancelled)
	} else {
		e.SetStatus(ics.ObjectStatusConfirmed)
	}
	e.SetOrganizer("mailto:"+uriValue(ev.Organizer.Email), ics.WithCN(nameParam(ev.Organizer.Name)))
	for _, a := range ev.Attendees {
		e.AddAttendee("mailto:"+uriValue(a.Email), ics.WithCN(nameParam(a.Name)), ics.CalendarUserTypeIndividual,
			ics.ParticipationRoleReqParticipant, ics.ParticipationStatusNeedsAction, ics.WithRSVP(true))
	}
}

// eventText adds an event with its times and people's text to cal, for
// invitations and feeds alike. The text is kept to its lines, so none can
// add a property (another attendee, a URL) to the event.
func eventText(cal *ics.Calendar, uid string, sequence int, stamp, start, end time.Time, summary, description, location, url string) *ics.VEvent {
	e := cal.AddEvent(textValue(uid))
	e.SetSequence(sequence)
	e.SetDtStampTime(stamp.UTC())
	e.SetStartAt(start.UTC())
	e.SetEndAt(end.UTC())
	e.SetSummary(textValue(summary))
	if s := textValue(description); s != "" {
		e.SetDescription(s)
	}
	if s := textValue(location); s != "" {
		e.SetLocation(s)
	}
	if u := uriValue(url); u != "" {
		e.SetURL(u)
	}
	return e
}

// nameParam makes a person's name fit a parameter value: no control
// characters (a line break would end the content line), and the
// characters a quoted value cannot hold written as RFC 6868 says (a double
// quote as ^', a caret as ^^).
func nameParam(name string) string {
	return strings.NewReplacer("^", "^^", `"`, "^'").Replace(oneLine(name))
}

// quoteNames rewrites the CN parameters of the serialized calendar text:
// the library writes each of , " ; : \ ' behind a backslash, which RFC
// 5545 does not know in a parameter (clients show "O\'Brien"), so each
// value is written as it is instead, in double quotes when it holds a
// comma, a semicolon or a colon, and the lines are folded again.
func quoteNames(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n ", ""), "\r\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "ORGANIZER;") || strings.HasPrefix(l, "ATTENDEE;") {
			lines[i] = quoteCN(l)
		}
	}
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteString("\r\n")
		}
		fold(&b, l)
	}
	return b.String()
}

// quoteCN writes the CN parameter of one unfolded content line quoted.
func quoteCN(line string) string {
	at := strings.Index(line, ";CN=")
	if at < 0 {
		return line
	}
	rest := line[at+len(";CN="):]
	var v strings.Builder
	i := 0
	for ; i < len(rest); i++ {
		c := rest[i]
		if c == '\\' && i+1 < len(rest) {
			i++
			v.WriteByte(rest[i])
			continue
		}
		if c == ';' || c == ':' {
			break
		}
		v.WriteByte(c)
	}
	if !strings.ContainsAny(v.String(), ",;:") {
		return line[:at] + ";CN=" + v.String() + rest[i:]
	}
	return line[:at] + `;CN="` + v.String() + `"` + rest[i:]
}

// fold writes a content line folded at 75 octets (RFC 5545 3.1), never
// inside a UTF-8 sequence.
func fold(b *strings.Builder, line string) {
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(line)
}
