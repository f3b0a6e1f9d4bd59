// Package calfeed is each user's private calendar feed: an iCalendar
// subscription URL, secret by its token, that lists the user's confirmed
// 1:1 sessions (as mentor or mentee), the group sessions they lead or hold
// a seat in, and the meetings of the finalized calendars they own.
//
// The token is never stored: it is derived from a stored random seed with
// SECRET_KEY (so its owner can be shown the URL again) and found by its
// SHA-256, as the DRF-style tokens and invitation links are. Replacing the
// seed retires the old URL; deleting the row revokes the feed.
//
// Canceled items (and 1:1 sessions not yet confirmed) are left out, so a
// client that refreshes the feed drops them: every client removes an event
// that vanishes from a subscription, while STATUS:CANCELLED is shown, hidden
// or ignored depending on the client.
package calfeed

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

// ContentType is the media type of a feed.
const ContentType = notify.FeedContentType

// Window of a feed: items starting from Past ago to Ahead from now.
const (
	DefaultPast  = 30 * 24 * time.Hour
	DefaultAhead = 365 * 24 * time.Hour
	// DefaultGroupLength is how long a group session lasts in the feed:
	// group sessions have a start and no end.
	DefaultGroupLength = time.Hour
	// maxPerKind bounds each kind of item in one feed.
	maxPerKind = 1000
)

// The statuses an item must have to be in the feed.
var (
	sessionStatuses = []string{domain.StatusConfirmed, domain.StatusCompleted}
	groupStatuses   = []string{domain.GroupUpcoming, domain.GroupOngoing, domain.GroupCompleted}
)

// Service manages feeds and renders them.
type Service struct {
	store *store.Store
	clock clock.Clock
	key   []byte
	// SiteName is the host part of the events' UIDs ("session-42@mentord",
	// as in the e-mailed invitations) and names the calendar.
	SiteName    string
	Past, Ahead time.Duration
	GroupLength time.Duration
}

// New returns the service; secret is SECRET_KEY.
func New(st *store.Store, clk clock.Clock, secret string) *Service {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("mentord/calendar-feed/v1"))
	return &Service{store: st, clock: clk, key: m.Sum(nil), SiteName: "mentord",
		Past: DefaultPast, Ahead: DefaultAhead, GroupLength: DefaultGroupLength}
}

// Feed is a user's feed as its owner sees it.
type Feed struct {
	Token     string
	CreatedAt time.Time
}

// Path is where a feed is served, relative to the server's base URL.
func (f *Feed) Path() string { return Path(f.Token) }

// Path is where the feed of token is served.
func Path(token string) string { return "/feed/" + token + ".ics" }

// Webcal is a feed's http(s) URL with the webcal scheme, which opens a
// subscription in Apple Calendar and Outlook.
func Webcal(u string) string {
	if rest, ok := strings.CutPrefix(u, "https://"); ok {
		return "webcal://" + rest
	}
	return "webcal://" + strings.TrimPrefix(u, "http://")
}

// ErrNoFeed answers a user who has no feed, and a token that opens none.
var ErrNoFeed = errs.NotFound("no_calendar_feed", "No calendar feed.")

const tokenLen = 40 // hex characters: 160 bits

func (s *Service) tokenOf(seed string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(seed))
	return hex.EncodeToString(m.Sum(nil))[:tokenLen]
}

func hashOf(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Of returns the user's feed, or ErrNoFeed. A feed made under another
// SECRET_KEY cannot be shown again and counts as none (its URL keeps
// working until the user replaces or revokes it).
func (s *Service) Of(ctx context.Context, u *domain.User) (*Feed, error) {
	row, err := s.store.CalendarFeedOf(ctx, u.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoFeed
	}
	if err != nil {
		return nil, err
	}
	tok := s.tokenOf(row.TokenSeed)
	if hashOf(tok) != row.TokenHash {
		return nil, ErrNoFeed
	}
	return &Feed{Token: tok, CreatedAt: row.CreatedAt}, nil
}

// Rotate gives the user a feed with a new token, replacing the one they
// had: its URL stops working at once.
func (s *Service) Rotate(ctx context.Context, u *domain.User) (*Feed, error) {
	var b [32]byte
	rand.Read(b[:])
	seed := hex.EncodeToString(b[:])
	tok := s.tokenOf(seed)
	now := s.clock.Now()
	err := s.store.Tx(ctx, func(q *store.Q) error {
		return q.PutCalendarFeed(ctx, store.CalendarFeed{UserID: u.ID, TokenHash: hashOf(tok), TokenSeed: seed, CreatedAt: now})
	})
	if err != nil {
		return nil, err
	}
	return &Feed{Token: tok, CreatedAt: now}, nil
}

// Revoke ends the user's feed; without one it is ErrNoFeed.
func (s *Service) Revoke(ctx context.Context, u *domain.User) error {
	var had bool
	err := s.store.Tx(ctx, func(q *store.Q) error {
		var err error
		had, err = q.DeleteCalendarFeed(ctx, u.ID)
		return err
	})
	if err == nil && !had {
		return ErrNoFeed
	}
	return err
}

// Links are the web pages the events link to (their URL property): each
// pattern has "{id}" in it; an empty pattern leaves the URL out.
type Links struct {
	Session, Group, Meeting string
}

func (l Links) url(pattern string, id int64) string {
	if pattern == "" {
		return ""
	}
	return strings.ReplaceAll(pattern, "{id}", strconv.FormatInt(id, 10))
}

// Render returns the iCalendar text of the feed whose token is given, or
// ErrNoFeed for a token that is wrong, replaced or revoked, or whose
// owner is no longer active.
func (s *Service) Render(ctx context.Context, token string, links Links) ([]byte, error) {
	if len(token) != tokenLen || strings.Trim(token, "0123456789abcdef") != "" {
		return nil, ErrNoFeed
	}
	row, err := s.store.CalendarFeedByHash(ctx, hashOf(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoFeed
	}
	if err != nil {
		return nil, err
	}
	u, err := s.store.UserByID(ctx, row.UserID)
	if errors.Is(err, store.ErrNotFound) || err == nil && !u.IsActive {
		return nil, ErrNoFeed
	}
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	events, err := s.Events(ctx, u, now, links)
	if err != nil {
		return nil, err
	}
	return notify.Feed(s.SiteName+": "+u.FullName(), events, now), nil
}

// Events are the items of the user's feed at now, by start: the window is
// from Past before now to Ahead after it.
func (s *Service) Events(ctx context.Context, u *domain.User, now time.Time, links Links) ([]notify.FeedEvent, error) {
	w := store.FeedWindow{UserID: u.ID, From: now.Add(-s.Past), To: now.Add(s.Ahead), Limit: maxPerKind}
	w.Statuses = sessionStatuses
	sessions, err := s.store.FeedSessions(ctx, w)
	if err != nil {
		return nil, err
	}
	w.Statuses = groupStatuses
	groups, err := s.store.FeedGroupSessions(ctx, w)
	if err != nil {
		return nil, err
	}
	meetings, err := s.store.FeedMeetings(ctx, w)
	if err != nil {
		return nil, err
	}
	out := make([]notify.FeedEvent, 0, len(sessions)+len(groups)+len(meetings))
	for _, x := range sessions {
		out = append(out, s.sessionEvent(u, x, links))
	}
	for _, g := range groups {
		out = append(out, s.groupEvent(g, links))
	}
	for _, m := range meetings {
		out = append(out, s.meetingEvent(u, m, links))
	}
	// One order whatever the kinds: by start, then UID.
	sortEvents(out)
	return out, nil
}

func fullName(first, last string) string {
	return strings.TrimSpace(first + " " + last)
}

func (s *Service) sessionEvent(u *domain.User, x domain.Session, links Links) notify.FeedEvent {
	mentor, mentee := fullName(x.MentorFirst, x.MentorLast), fullName(x.MenteeFirst, x.MenteeLast)
	other, role := mentee, "mentee"
	if x.MenteeID == u.ID {
		other, role = mentor, "mentor"
	}
	desc := fmt.Sprintf("A %d-minute mentoring session", x.Length)
	if other != "" {
		desc += fmt.Sprintf(" with %s (%s)", other, role)
	}
	desc += "."
	ev := notify.FeedEvent{
		UID:      fmt.Sprintf("session-%d@%s", x.ID, s.SiteName),
		Sequence: x.ICSSequence,
		Start:    x.Start, End: x.End,
		Summary:  "Mentoring session: " + strings.TrimSpace(joinNames(mentee, mentor)),
		URL:      links.url(links.Session, x.ID),
		Modified: x.ModifiedAt,
	}
	if x.MeetingLink != nil && *x.MeetingLink != "" {
		ev.Location = *x.MeetingLink
		desc += "\nMeeting link: " + *x.MeetingLink
	}
	ev.Description = desc
	return ev
}

func joinNames(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " and " + b
}

func (s *Service) groupEvent(g domain.GroupSession, links Links) notify.FeedEvent {
	var desc []string
	if d := strings.TrimSpace(g.Description); d != "" {
		desc = append(desc, d)
	}
	if g.Field != nil && *g.Field != "" {
		desc = append(desc, "Subject: "+*g.Field)
	}
	desc = append(desc, "Led by "+g.Creator.FullName()+".")
	return notify.FeedEvent{
		UID:   fmt.Sprintf("group-%d@%s", g.ID, s.SiteName),
		Start: g.Start, End: g.Start.Add(s.GroupLength),
		Summary:     "Group session: " + g.Title,
		Description: strings.Join(desc, "\n"),
		URL:         links.url(links.Group, g.ID),
		Modified:    g.UpdatedAt,
	}
}

func (s *Service) meetingEvent(u *domain.User, m store.FeedMeeting, links Links) notify.FeedEvent {
	return notify.FeedEvent{
		UID:   fmt.Sprintf("meeting-%d@%s", m.ID, s.SiteName),
		Start: m.Start, End: m.End,
		// As the finalized meeting's e-mailed invitation names it.
		Summary:     fmt.Sprintf("%s: %s", m.CalendarName, joinNames(u.FullName(), fullName(m.Contact.FirstName, m.Contact.LastName))),
		Description: m.CalendarDescription,
		URL:         links.url(links.Meeting, m.CalendarID),
		Modified:    m.CreatedAt,
	}
}

func sortEvents(list []notify.FeedEvent) {
	slices.SortStableFunc(list, func(a, b notify.FeedEvent) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.UID, b.UID)
	})
}
