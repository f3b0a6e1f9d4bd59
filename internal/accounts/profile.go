package accounts

import (
	"context"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/media"
	"github.com/mentord/mentord/internal/store"
)

// Profile-field messages.
const (
	MsgInvalidPhone = "Enter a valid phone number."
	MsgInvalidImage = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
	MsgImageTooBig  = "The image is too large: at most 5 MB and 40 megapixels."
)

// ProfileUpdate changes a user's own profile. Nil fields stay as they are.
type ProfileUpdate struct {
	FirstName   *string
	LastName    *string
	Email       *string
	PhoneNumber *string // empty clears it
	Timezone    *string
	IsMentor    *bool
	IsMentee    *bool
	IsActive    *bool
	Photo       io.Reader     // a new profile photo
	RemovePhoto bool          // drop the current photo
	Unread      *errs.Invalid // see SignUp.Unread
}

const nameMax = 75

// UpdateProfile validates and applies a profile change. A new photo replaces
// the old one, whose file is removed once the change is stored.
func (s *Service) UpdateProfile(ctx context.Context, userID int64, in ProfileUpdate) (*domain.User, error) {
	u, err := s.store.UserByID(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errs.NotFound("user_not_found", "")
	}
	if err != nil {
		return nil, err
	}
	oldZone := u.Timezone
	v := errs.Begin(in.Unread)
	setName := func(field string, val *string, dst *string) {
		if val == nil || v.Has(field) {
			return
		}
		n := strings.TrimSpace(*val)
		if utf8.RuneCountInString(n) > nameMax {
			v.FieldArg(field, errs.CodeMaxLength, nameMax)
			return
		}
		*dst = n
	}
	setName("first_name", in.FirstName, &u.FirstName)
	setName("last_name", in.LastName, &u.LastName)
	if in.Email != nil {
		email := checkEmail(v, "email", in.Email)
		if !v.Has("email") {
			if taken, err := s.store.EmailTaken(ctx, email, u.ID); err != nil {
				return nil, err
			} else if taken {
				v.Add("email", CodeUnique, MsgEmailTaken)
			}
			u.Email = email
		}
	}
	if in.PhoneNumber != nil && !v.Has("phone_number") {
		if strings.TrimSpace(*in.PhoneNumber) == "" {
			u.PhoneNumber = nil
		} else if p, ok := normalizePhone(*in.PhoneNumber); !ok {
			v.Add("phone_number", CodeInvalid, MsgInvalidPhone)
		} else if taken, err := s.store.PhoneTaken(ctx, p, u.ID); err != nil {
			return nil, err
		} else if taken {
			v.Add("phone_number", CodeUnique, MsgPhoneTaken)
		} else {
			u.PhoneNumber = &p
		}
	}
	if in.Timezone != nil && !v.Has("timezone") {
		tz := strings.TrimSpace(*in.Timezone)
		if !ValidTimezone(tz) {
			v.FieldArg("timezone", errs.CodeInvalidChoice, *in.Timezone)
		} else {
			u.Timezone = tz
		}
	}
	for _, f := range []struct {
		val *bool
		dst *bool
	}{{in.IsMentor, &u.IsMentor}, {in.IsMentee, &u.IsMentee}, {in.IsActive, &u.IsActive}} {
		if f.val != nil {
			*f.dst = *f.val
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}

	zoneChanged := u.Timezone != oldZone
	oldPhoto := u.ProfilePhoto
	var newPhoto string
	if in.Photo != nil {
		rel, err := s.media.SaveImage(in.Photo, "profile_photo")
		switch {
		case errors.Is(err, media.ErrNotImage):
			return nil, errs.Field("profile_photo", CodeInvalid, MsgInvalidImage)
		case errors.Is(err, media.ErrTooLarge):
			return nil, errs.Field("profile_photo", CodeInvalid, MsgImageTooBig)
		case err != nil:
			return nil, err
		}
		newPhoto = rel
		u.ProfilePhoto = &newPhoto
	} else if in.RemovePhoto {
		u.ProfilePhoto = nil
	}
	err = s.store.Tx(ctx, func(q *store.Q) error {
		if err := q.UpdateUser(ctx, u); err != nil {
			return err
		}
		if zoneChanged && s.ZoneChanged != nil {
			return s.ZoneChanged(ctx, q, u)
		}
		return nil
	})
	if err != nil {
		if newPhoto != "" {
			s.media.Remove(newPhoto)
		}
		return nil, uniqueToField(err)
	}
	if oldPhoto != nil && (u.ProfilePhoto == nil || *u.ProfilePhoto != *oldPhoto) {
		s.media.Remove(*oldPhoto)
	}
	return u, nil
}
