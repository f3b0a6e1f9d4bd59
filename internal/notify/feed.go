package notify

import (
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// FeedContentType is the media type to serve a Feed with.
const FeedContentType = "text/calendar; charset=utf-8"

// FeedStatus is the STATUS of a feed event.
type FeedStatus string

const (
	StatusConfirmed FeedStatus = "CONFIRMED"
	StatusTentative FeedStatus = "TENTATIVE"
	StatusCancelled FeedStatus = "CANCELLED"
)

// FeedEvent is one event of a subscription feed. A client that refreshes the
// feed updates the event it has with the same UID; keep UID stable and raise
// Sequence when the event changes. Optional fields left empty or zero are
// left out of the feed.
type FeedEvent struct {
	UID         string
	Sequence    int
	Start, End  time.Time
	Summary     string
	Description string
	Location    string
	// URL is the event's link; when empty and Location is a web link (a
	// meeting link), Location is the URL too, as in Invite.
	URL      string
	Status   FeedStatus // empty, or a value not of the three, is CONFIRMED
	Modified time.Time  // LAST-MODIFIED
}

// feedRefresh is how often clients should fetch the feed again, told both
// the older way (X-PUBLISHED-TTL, from Outlook and widely read) and the
// RFC 7986 way (REFRESH-INTERVAL).
const feedRefresh = "PT1H"

// Feed renders events, in the order given, as an iCalendar subscription
// feed (RFC 5545, METHOD:PUBLISH) named name, for calendar clients to
// subscribe to by URL. now is the DTSTAMP of every event. Times are written
// in UTC, which every client shows in its own zone. Lines end in CRLF and
// are folded at 75 octets.
func Feed(name string, events []FeedEvent, now time.Time) []byte {
	cal := ics.NewCalendar()
	cal.SetProductId("-//mentord//mentord//EN")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	if name = textValue(name); name != "" {
		cal.SetName(name) // NAME (RFC 7986) and X-WR-CALNAME
	}
	cal.SetXPublishedTTL(feedRefresh)
	cal.SetRefreshInterval(feedRefresh)
	for _, ev := range events {
		addFeedEvent(cal, ev, now)
	}
	// The library ends lines in LF on Unix unless told; RFC 5545 wants CRLF.
	return []byte(cal.Serialize(ics.WithNewLineWindows))
}

func addFeedEvent(cal *ics.Calendar, ev FeedEvent, now time.Time) {
	url := ev.URL
	if url == "" && (strings.HasPrefix(ev.Location, "https://") || strings.HasPrefix(ev.Location, "http://")) {
		url = ev.Location
	}
	e := eventText(cal, ev.UID, ev.Sequence, now, ev.Start, ev.End, ev.Summary, ev.Description, ev.Location, url)
	switch ev.Status {
	case StatusTentative:
		e.SetStatus(ics.ObjectStatusTentative)
	case StatusCancelled:
		e.SetStatus(ics.ObjectStatusCancelled)
	default:
		e.SetStatus(ics.ObjectStatusConfirmed)
	}
	if !ev.Modified.IsZero() {
		e.SetLastModifiedAt(ev.Modified.UTC())
	}
}

// textValue makes s fit a content line: the library escapes line feeds but
// writes a carriage return, or any other control character, as is, and
// RFC 5545 allows none of them in a value (a CR would even end the line).
func textValue(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}

// uriValue drops what cannot be in a URI value, which is written unescaped:
// control characters, line breaks among them.
func uriValue(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
