// Package mentoring holds the rules of mentor availability and 1:1
// sessions: publishing availability (V1 spans, V2 30-minute chunks),
// requesting, confirming, cancelling, completing and rescheduling sessions,
// the archive boundary, and the e-mails and reminders they cause.
package mentoring

import (
	"crypto/rand"
	"encoding/base64"
	"time"

	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

// Session lengths in minutes.
var (
	lengthChoices  = []int{30, 60}
	sessionLengths = map[int]bool{30: true, 60: true}
)

func maxLength() int { return lengthChoices[len(lengthChoices)-1] }

// longestSession bounds how long any session lasts (the schema's CHECK on
// session_length agrees), which lets a search for overlapping sessions stop
// early.
func longestSession() time.Duration { return time.Duration(maxLength()) * time.Minute }

// ChunkSize is the length of a V2 availability chunk.
const ChunkSize = 30 * time.Minute

// MaxAvailabilitySpan bounds one posted availability.
const MaxAvailabilitySpan = 31 * 24 * time.Hour

// ArchiveAfter is how long after its start a session moves to the archive.
const ArchiveAfter = 24 * time.Hour

// Service implements the mentoring rules.
type Service struct {
	store  *store.Store
	clock  clock.Clock
	outbox *notify.Outbox

	// MeetingLinkBase is prefixed to a random room name for each confirmed
	// session.
	MeetingLinkBase string
	// SiteName appears in e-mails and calendar invitations.
	SiteName string
}

// New returns the mentoring service.
func New(st *store.Store, clk clock.Clock, outbox *notify.Outbox) *Service {
	return &Service{store: st, clock: clk, outbox: outbox, MeetingLinkBase: "https://meet.jit.si/mentord-", SiteName: "mentord"}
}

func (s *Service) newMeetingLink() string {
	var b [15]byte
	rand.Read(b[:])
	return s.MeetingLinkBase + base64.RawURLEncoding.EncodeToString(b[:])
}
