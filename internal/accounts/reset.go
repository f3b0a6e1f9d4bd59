package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/store"
)

// Codes of password-reset failures.
const (
	CodeEmailNotFound = "email_not_found"
	CodeInvalidUID    = "invalid_uid"
	CodeInvalidToken  = "invalid_token"
)

// EncodeUID is the uid in reset links: the user id, base64url without
// padding, as Django writes it.
func EncodeUID(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

func decodeUID(uid string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(uid, "="))
	if err != nil {
		return 0, false
	}
	id, err := strconv.ParseInt(string(b), 10, 64)
	return id, err == nil && id > 0
}

// RequestPasswordReset e-mails the owner of email a single-use link made of
// linkPattern, whose {uid} and {token} are filled in (a bare base URL means
// {base}/password/reset/confirm/{uid}/{token}). The e-mail goes through the
// outbox in the same transaction that stores the token.
func (s *Service) RequestPasswordReset(ctx context.Context, email *string, linkPattern string) error {
	v := &errs.Invalid{}
	addr := checkEmail(v, "email", email)
	if err := v.Err(); err != nil {
		return err
	}
	notFound := errs.NonField(CodeEmailNotFound, "User with given email does not exist.")
	u, err := s.store.UserByEmail(ctx, addr)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !u.IsActive) {
		return notFound
	}
	if err != nil {
		return err
	}
	return s.sendReset(ctx, u, linkPattern, nil)
}

// sendReset e-mails u a new single-use reset link made of linkPattern (see
// RequestPasswordReset); also, when set, runs in the same transaction.
func (s *Service) sendReset(ctx context.Context, u *domain.User, linkPattern string, also func(q *store.Q) error) error {
	var raw [32]byte
	rand.Read(raw[:])
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	if !strings.Contains(linkPattern, "{token}") {
		linkPattern = strings.TrimRight(linkPattern, "/") + "/password/reset/confirm/{uid}/{token}"
	}
	link := strings.NewReplacer("{uid}", EncodeUID(u.ID), "{token}", token).Replace(linkPattern)
	now := s.clock.Now()
	msg := notify.Message{
		To:      []string{u.Email},
		Subject: "Password reset on " + s.SiteName,
		Text: fmt.Sprintf("You're receiving this email because you requested a password reset for your user account at %s.\n\n"+
			"Please go to the following page and choose a new password:\n%s\n\n"+
			"Your username, in case you've forgotten: %s\n\n"+
			"The link works once and expires in %s. If you did not ask for a new password, ignore this email.\n\n"+
			"Thanks for using our site!\n\nThe %s team\n", s.SiteName, link, u.Username, humanDuration(s.ResetTTL), s.SiteName),
	}
	err := s.store.Tx(ctx, func(q *store.Q) error {
		if err := q.CreatePasswordReset(ctx, u.ID, sha256Hex(token), now.Add(s.ResetTTL), now); err != nil {
			return err
		}
		if _, err := s.outbox.Email(ctx, q, now, msg, notify.Options{Sensitive: true}); err != nil {
			return err
		}
		if also != nil {
			return also(q)
		}
		return nil
	})
	if err == nil {
		s.outbox.Kick()
	}
	return err
}

func humanDuration(d time.Duration) string {
	h := d.Hours()
	switch {
	case h >= 48 && int(h)%24 == 0:
		return fmt.Sprintf("%d days", int(h)/24)
	case h == 24:
		return "24 hours"
	case h >= 1:
		return fmt.Sprintf("%d hours", int(h))
	}
	return fmt.Sprintf("%d minutes", int(h*60))
}

// ResetLinkUsable reports whether a reset link's uid and token would still
// set a password, so that a page can say so before the person types one.
func (s *Service) ResetLinkUsable(ctx context.Context, uid, token string) (bool, error) {
	_, _, err := s.liveReset(ctx, uid, token)
	if err != nil && errs.KindOf(err) == errs.KindInvalid {
		return false, nil
	}
	return err == nil, err
}

// liveReset finds the user and the unused, unexpired reset of a link; a
// link that does not is a field error on uid or token.
func (s *Service) liveReset(ctx context.Context, uid, token string) (*domain.User, *store.PasswordReset, error) {
	badUID := errs.Field("uid", CodeInvalidUID, "Invalid user id or user doesn't exist.")
	id, ok := decodeUID(uid)
	if !ok {
		return nil, nil, badUID
	}
	u, err := s.store.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !u.IsActive) {
		return nil, nil, badUID
	}
	if err != nil {
		return nil, nil, err
	}
	badToken := errs.Field("token", CodeInvalidToken, "Invalid token for given user.")
	reset, err := s.store.PasswordResetByHash(ctx, sha256Hex(token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (reset.UserID != u.ID || reset.UsedAt != nil || !s.clock.Now().Before(reset.ExpiresAt))) {
		return nil, nil, badToken
	}
	if err != nil {
		return nil, nil, err
	}
	return u, reset, nil
}

// ResetConfirm is the second step of a password reset.
type ResetConfirm struct {
	UID, Token, NewPassword, Confirm *string
	Unread                           *errs.Invalid // see SignUp.Unread
}

// ConfirmPasswordReset sets a new password with a token from a reset e-mail.
// The token works once; success also retires the user's other reset links
// and logs out their DRF-style token.
func (s *Service) ConfirmPasswordReset(ctx context.Context, in ResetConfirm) error {
	v := errs.Begin(in.Unread)
	requireAll(v, []namedValue{{"uid", in.UID}, {"token", in.Token}, {"new_password", in.NewPassword}, {"re_new_password", in.Confirm}})
	if err := v.Err(); err != nil {
		return err
	}
	u, reset, err := s.liveReset(ctx, *in.UID, *in.Token)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	badToken := errs.Field("token", CodeInvalidToken, "Invalid token for given user.")
	if err := s.checkNewPassword(u, *in.NewPassword, *in.Confirm); err != nil {
		return err
	}
	hash, err := s.hash(ctx, *in.NewPassword)
	if err != nil {
		return err
	}
	return s.store.Tx(ctx, func(q *store.Q) error {
		ok, err := q.ConsumePasswordReset(ctx, reset.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return badToken
		}
		if err := q.UsePasswordResets(ctx, u.ID, now); err != nil {
			return err
		}
		if err := q.SetPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := q.DeleteWebSessionsOf(ctx, u.ID, ""); err != nil {
			return err
		}
		return q.DeleteToken(ctx, u.ID)
	})
}
