// Package meetings holds the meeting scheduler's rules: an owner's
// contacts, calendars in which the owner offers slots with preferences,
// invitations that contacts answer through a private link, suggested
// schedules, and finalizing with calendar invitations.
package meetings

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

// Service implements the scheduler's rules.
type Service struct {
	store    *store.Store
	clock    clock.Clock
	outbox   *notify.Outbox
	tokenKey []byte
	// SiteName signs the e-mails.
	SiteName string
	// Suggestions is how many schedules a proposal offers.
	Suggestions int
}

// New returns the service; secret is SECRET_KEY.
func New(st *store.Store, clk clock.Clock, outbox *notify.Outbox, secret string) *Service {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("mentord/invitation/v1"))
	return &Service{store: st, clock: clk, outbox: outbox, tokenKey: m.Sum(nil), SiteName: "mentord", Suggestions: 3}
}

// Limits of this API's fields.
const (
	MaxName        = 150
	MaxDescription = 200
	MinMeeting     = 5
	MaxMeeting     = 8 * 60
)

var errNotFound = errs.NotFound("not_found", "")

func fullName(first, last string) string { return strings.TrimSpace(first + " " + last) }

// --- contacts ---

// ContactInput is a new contact or a change; nil fields are not set.
type ContactInput struct {
	FirstName, LastName, Email *string
	Unread                     *errs.Invalid // the surface's reading problems, reported with these checks (errs.Begin)
}

// Contacts lists the owner's contacts.
func (s *Service) Contacts(ctx context.Context, owner *domain.User) ([]domain.Contact, error) {
	return s.store.ContactsOf(ctx, owner.ID)
}

func checkName(v *errs.Invalid, field string, raw *string, required bool) string {
	if v.Has(field) {
		return ""
	}
	if raw == nil {
		if required {
			v.FieldArg(field, errs.CodeRequired, nil)
		}
		return ""
	}
	name := strings.TrimSpace(*raw)
	switch {
	case name == "":
		v.FieldArg(field, errs.CodeBlank, nil)
	case utf8.RuneCountInString(name) > MaxName:
		v.FieldArg(field, errs.CodeMaxLength, MaxName)
	}
	return name
}

func (s *Service) checkContact(ctx context.Context, q *store.Q, owner *domain.User, k *domain.Contact, in ContactInput, creating bool) error {
	v := errs.Begin(in.Unread)
	if in.FirstName != nil || creating {
		k.FirstName = checkName(v, "first_Name", in.FirstName, creating)
	}
	if in.LastName != nil || creating {
		k.LastName = checkName(v, "last_Name", in.LastName, creating)
	}
	if (in.Email != nil || creating) && !v.Has("email") {
		switch {
		case in.Email == nil:
			v.FieldArg("email", errs.CodeRequired, nil)
		case !validEmail(strings.TrimSpace(*in.Email)):
			v.FieldArg("email", errs.CodeInvalidEmail, nil)
		default:
			k.Email = strings.TrimSpace(*in.Email)
			taken, err := q.ContactEmailTaken(ctx, owner.ID, k.Email, k.ID)
			if err != nil {
				return err
			}
			if taken {
				v.Add("email", "unique", "A contact with this email already exists.")
			}
		}
	}
	return v.Err()
}

// AddContact stores a new contact of the owner.
func (s *Service) AddContact(ctx context.Context, owner *domain.User, in ContactInput) (*domain.Contact, error) {
	now := s.clock.Now()
	k := &domain.Contact{OwnerID: owner.ID, CreatedAt: now, UpdatedAt: now}
	err := s.store.Tx(ctx, func(q *store.Q) error {
		if err := s.checkContact(ctx, q, owner, k, in, true); err != nil {
			return err
		}
		return q.CreateContact(ctx, k)
	})
	if errs.Violated(err, domain.RuleUniqueContactEmail) {
		return nil, errs.Field("email", "unique", "A contact with this email already exists.")
	}
	return k, err
}

// ownContact loads a contact, which must be the owner's: 404 when it does
// not exist, 403 when it is someone else's.
func ownContact(ctx context.Context, q *store.Q, owner *domain.User, id int64) (*domain.Contact, error) {
	k, err := q.ContactByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if k.OwnerID != owner.ID {
		return nil, errs.Forbidden("invalid_contact", "Invalid contact")
	}
	return k, nil
}

// UpdateContact changes one of the owner's contacts.
func (s *Service) UpdateContact(ctx context.Context, owner *domain.User, id int64, in ContactInput) (*domain.Contact, error) {
	var k *domain.Contact
	err := s.store.Tx(ctx, func(q *store.Q) error {
		var err error
		if k, err = ownContact(ctx, q, owner, id); err != nil {
			return err
		}
		if in.FirstName == nil && in.LastName == nil && in.Email == nil && in.Unread.Empty() {
			return errs.NonField("no_input", "No input.")
		}
		if err := s.checkContact(ctx, q, owner, k, in, false); err != nil {
			return err
		}
		k.UpdatedAt = s.clock.Now()
		return q.UpdateContact(ctx, k)
	})
	if errs.Violated(err, domain.RuleUniqueContactEmail) {
		return nil, errs.Field("email", "unique", "A contact with this email already exists.")
	}
	return k, err
}

// DeleteContact removes one of the owner's contacts, with their invitations
// and meetings; the contact is told of the meetings still ahead that this
// cancels.
func (s *Service) DeleteContact(ctx context.Context, owner *domain.User, id int64) error {
	err := s.store.Tx(ctx, func(q *store.Q) error {
		k, err := ownContact(ctx, q, owner, id)
		if err != nil {
			return err
		}
		if err := s.mailMeetingsCancelled(ctx, q, owner, k); err != nil {
			return err
		}
		return q.DeleteContact(ctx, id)
	})
	if err == nil {
		s.outbox.Kick()
	}
	return err
}

// Leaving tells the contacts of u of their meetings still ahead that they
// are cancelled: u's account is being deleted, and the contacts and
// meetings with it. It runs in the deleting transaction, before the delete.
func (s *Service) Leaving(ctx context.Context, q *store.Q, u *domain.User) error {
	contacts, err := q.ContactsOf(ctx, u.ID)
	if err != nil {
		return err
	}
	for i := range contacts {
		if err := s.mailMeetingsCancelled(ctx, q, u, &contacts[i]); err != nil {
			return err
		}
	}
	return nil
}

// --- tokens ---

// token derives an invitation's token from its stored seed: 256 bits that
// only the server can produce, so reminder e-mails can carry the same link
// while the database holds only the token's hash.
func (s *Service) token(seed string) string {
	m := hmac.New(sha256.New, s.tokenKey)
	m.Write([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func (s *Service) newInvitation(calendarID, contactID int64) *domain.Invitation {
	var b [16]byte
	rand.Read(b[:])
	seed := hex.EncodeToString(b[:])
	return &domain.Invitation{CalendarID: calendarID, ContactID: contactID, TokenSeed: seed, TokenHash: tokenHash(s.token(seed)), CreatedAt: s.clock.Now()}
}

// ResponseLink is the private link of an invitation.
func (s *Service) ResponseLink(c *domain.Calendar, inv *domain.Invitation) string {
	pattern := c.LinkBase
	if !strings.Contains(pattern, "{token}") {
		pattern = strings.TrimRight(pattern, "/") + "/schedules/calendars/{calendar}/respond/{token}/"
	}
	return strings.NewReplacer("{calendar}", strconv.FormatInt(c.ID, 10), "{token}", s.token(inv.TokenSeed)).Replace(pattern)
}

var validEmail = accounts.ValidEmail
