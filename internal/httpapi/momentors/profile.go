package momentors

import (
	"net/http"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/form"
)

// /myprofile/: GET, PATCH and PUT (multipart, form or JSON), DELETE.
func (s *Surface) myProfile(w http.ResponseWriter, r *http.Request, u *domain.User) {
	switch r.Method {
	case http.MethodGet:
		// Read afresh: the caller's record came through the credential
		// cache and may be a second old.
		fresh, err := s.Accounts.User(r.Context(), u.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, s.profileJSON(r, fresh))
		return
	case http.MethodDelete:
		if err := s.Accounts.DeleteAccount(r.Context(), u.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.NoContent(w)
		return
	}
	f, ok := s.Object(w, r)
	if !ok {
		return
	}
	full := r.Method == http.MethodPut
	in := accounts.ProfileUpdate{
		FirstName:   f.Str("first_name", form.Str{Required: full, AllowBlank: !full}),
		LastName:    f.Str("last_name", form.Str{Required: full, AllowBlank: !full}),
		Email:       f.Str("email", form.Str{Required: full}),
		PhoneNumber: f.Str("phone_number", form.Str{AllowBlank: true, AllowNull: true}),
		Timezone:    f.Str("timezone", form.Str{}),
		IsMentor:    f.Bool("is_mentor", false),
		IsMentee:    f.Bool("is_mentee", false),
		IsActive:    f.Bool("is_active", false),
	}
	if fh := f.File("profile_photo"); fh != nil {
		file, err := fh.Open()
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		defer file.Close()
		in.Photo = file
	} else if v, sent := f.Value("profile_photo"); sent && (v == nil || v == "") {
		in.RemovePhoto = true
	} else if sent {
		f.Fail("profile_photo", "invalid", "The submitted data was not a file. Check the encoding type on the form.")
	}
	in.Unread = f.Invalid()
	updated, err := s.Accounts.UpdateProfile(r.Context(), u.ID, in)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, s.profileJSON(r, updated))
}
