package momentors

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/form"
)

// mentorListItem carries the profile flat, as the web client reads it, and
// nested under mentor_profile, as the documents show it. It is the shape
// appendMentorListItem writes (a test holds the two equal). The heads are
// embedded, so encoding/json writes their fields first, in place.
type mentorListItem struct {
	mentorListHead
	Availabilities json.RawMessage `json:"availabilities"`
	TeamNumber     *int            `json:"team_number"`
	MentorProfile  *mentorNested   `json:"mentor_profile"`
}

type mentorNested struct {
	mentorNestedHead
	Availabilities json.RawMessage `json:"availabilities"`
	TeamNumber     int             `json:"team_number"`
}

// mentorListHead is the part of mentorListItem before availabilities.
type mentorListHead struct {
	PK           int64    `json:"pk"`
	Username     string   `json:"username"`
	FirstName    string   `json:"first_name"`
	LastName     string   `json:"last_name"`
	ProfilePhoto *string  `json:"profile_photo"`
	IsMentor     bool     `json:"is_mentor"`
	AboutMe      *string  `json:"about_me"`
	Skills       []string `json:"skills"`
}

type mentorNestedHead struct {
	AboutMe string   `json:"about_me"`
	Skills  []string `json:"skills"`
}

// appendMentorListItem appends it as JSON. The availability list, most of
// the bytes, is spliced in as encoded: encoding/json would scan it again
// (twice per mentor) to check a json.RawMessage.
func appendMentorListItem(b []byte, it *mentorListItem) []byte {
	head, _ := json.Marshal(it.mentorListHead)
	b = append(b, head[:len(head)-1]...)
	b = append(b, `,"availabilities":`...)
	b = append(b, it.Availabilities...)
	b = append(b, `,"team_number":`...)
	if it.TeamNumber == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*it.TeamNumber), 10)
	}
	b = append(b, `,"mentor_profile":`...)
	if p := it.MentorProfile; p == nil {
		b = append(b, "null"...)
	} else {
		nested, _ := json.Marshal(p.mentorNestedHead)
		b = append(b, nested[:len(nested)-1]...)
		b = append(b, `,"availabilities":`...)
		b = append(b, p.Availabilities...)
		b = append(b, `,"team_number":`...)
		b = strconv.AppendInt(b, int64(p.TeamNumber), 10)
		b = append(b, '}')
	}
	return append(b, '}')
}

func mentorIDs(list []domain.MentorListing) []int64 {
	ids := make([]int64, 0, len(list))
	for _, l := range list {
		ids = append(ids, l.User.ID)
	}
	return ids
}

// GET /mentor/: every mentor with their future availability. At 1,000
// mentors this is megabytes that take a tenth of a second of processor time
// to read and encode, and it is the page every mentee opens, so the body is
// kept and served again until this process commits a change to a table it
// is read from, or for at most directoryTTL, which bounds how long a change
// made by another process sharing the database goes unseen.
func (s *Surface) listMentors(w http.ResponseWriter, r *http.Request, _ *domain.User) {
	base := httpapi.BaseURL(r, s.PublicURL)
	version, now := s.Mentoring.DirectoryVersion(), s.Mentoring.Now()
	body := s.directory.get(base, version, now)
	if body == nil {
		v, err, _ := s.directory.flight.Do(base+" "+strconv.FormatUint(version, 10), func() (any, error) {
			body, err := s.renderMentorList(context.WithoutCancel(r.Context()), r)
			if err == nil {
				s.directory.put(base, version, now, body)
			}
			return body, err
		})
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		body = v.([]byte)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

const directoryTTL = time.Second

// directoryCache holds the rendered mentor list by the base URL of its
// photo links.
type directoryCache struct {
	mu      sync.Mutex
	entries map[string]directoryEntry
	flight  singleflight.Group // one rendering at a time per base and version
}

type directoryEntry struct {
	version uint64
	built   time.Time
	body    []byte
}

func (c *directoryCache) get(base string, version uint64, now time.Time) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[base]
	if !ok || e.version != version || now.Before(e.built) || now.Sub(e.built) >= directoryTTL {
		return nil
	}
	return e.body
}

func (c *directoryCache) put(base string, version uint64, built time.Time, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= 8 { // a few public names at most
		c.entries = map[string]directoryEntry{}
	}
	c.entries[base] = directoryEntry{version, built, body}
}

func (s *Surface) renderMentorList(ctx context.Context, r *http.Request) ([]byte, error) {
	list, err := s.Accounts.ListMentors(ctx, nil)
	if err != nil {
		return nil, err
	}
	avail, err := s.availabilities(ctx, mentorIDs(list))
	if err != nil {
		return nil, err
	}
	size := 2
	for _, a := range avail {
		size += 2 * len(a)
	}
	b := make([]byte, 0, size+len(list)*512)
	b = append(b, '[')
	for i, l := range list {
		if i > 0 {
			b = append(b, ',')
		}
		encoded := avail[l.User.ID]
		if encoded == nil {
			encoded = noAvailability
		}
		item := mentorListItem{mentorListHead: mentorListHead{PK: l.User.ID, Username: l.User.Username, FirstName: l.User.FirstName,
			LastName: l.User.LastName, ProfilePhoto: s.photoURL(r, l.User.ProfilePhoto), IsMentor: l.User.IsMentor}, Availabilities: encoded}
		if m := l.Mentor; m != nil {
			p := mentorProfileJSON(m, encoded)
			item.AboutMe, item.Skills, item.TeamNumber = &p.AboutMe, p.Skills, &p.TeamNumber
			item.MentorProfile = &mentorNested{mentorNestedHead{p.AboutMe, p.Skills}, encoded, p.TeamNumber}
		}
		b = appendMentorListItem(b, &item)
	}
	return append(b, ']'), nil
}

// GET /mentor/<skills>/: comma-separated skills, all of which must match
// whole skill names (any case).
func (s *Surface) mentorsBySkill(w http.ResponseWriter, r *http.Request, _ *domain.User) {
	var skills []string
	clean := true
	for _, sk := range strings.Split(r.PathValue("skills"), ",") {
		clean = clean && form.CleanText(sk)
		if sk = strings.TrimSpace(sk); sk != "" {
			skills = append(skills, sk)
		}
	}
	out := []mentorProfileOut{}
	if len(skills) == 0 || !clean { // no stored skill can match such a term
		httpapi.WriteJSON(w, http.StatusOK, out)
		return
	}
	list, err := s.Accounts.ListMentors(r.Context(), skills)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	avail, err := s.availabilities(r.Context(), mentorIDs(list))
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	for _, l := range list {
		if l.Mentor != nil {
			out = append(out, mentorProfileJSON(l.Mentor, avail[l.User.ID]))
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

func (s *Surface) mentorProfileOut(r *http.Request, m *domain.Mentor) (mentorProfileOut, error) {
	avail, err := s.availabilities(r.Context(), []int64{m.UserID})
	if err != nil {
		return mentorProfileOut{}, err
	}
	return mentorProfileJSON(m, avail[m.UserID]), nil
}

func (s *Surface) writeMentorProfile(w http.ResponseWriter, r *http.Request, status int, m *domain.Mentor) {
	out, err := s.mentorProfileOut(r, m)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, status, out)
}

func mentorInput(f *form.Form, full bool) accounts.MentorInput {
	return accounts.MentorInput{
		AboutMe:    f.Str("about_me", form.Str{AllowBlank: true, Max: accounts.MaxAboutMe}),
		Skills:     f.List("skills", full, true),
		TeamNumber: f.Int("team_number", false),
		Unread:     f.Invalid(),
	}
}

// GET /mentorinfo/: the caller's profile as a list of zero or one.
func (s *Surface) mentorInfoList(w http.ResponseWriter, r *http.Request, u *domain.User) {
	m, err := s.Accounts.MentorProfile(r.Context(), u.ID)
	out := []mentorProfileOut{}
	if err == nil {
		p, err := s.mentorProfileOut(r, m)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		out = append(out, p)
	} else if !isNotFound(err) {
		s.Fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, out)
}

// POST /mentorinfo/
func (s *Surface) mentorInfoCreate(w http.ResponseWriter, r *http.Request, u *domain.User) {
	f, ok := s.Object(w, r)
	if !ok {
		return
	}
	in := mentorInput(f, true)
	m, err := s.Accounts.CreateMentorProfile(r.Context(), u.ID, in)
	if err != nil {
		s.Fail(w, r, err)
		return
	}
	s.writeMentorProfile(w, r, http.StatusCreated, m)
}

// /mentorinfoupdate/: GET, PUT, PATCH, DELETE of the caller's profile.
func (s *Surface) mentorInfoUpdate(w http.ResponseWriter, r *http.Request, u *domain.User) {
	ctx := r.Context()
	switch r.Method {
	case http.MethodGet:
		m, err := s.Accounts.MentorProfile(ctx, u.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		s.writeMentorProfile(w, r, http.StatusOK, m)
	case http.MethodDelete:
		if err := s.Accounts.DeleteMentorProfile(ctx, u.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
		httpapi.NoContent(w)
	default:
		f, ok := s.Object(w, r)
		if !ok {
			return
		}
		in := mentorInput(f, r.Method == http.MethodPut)
		m, err := s.Accounts.UpdateMentorProfile(ctx, u.ID, in, r.Method == http.MethodPut)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		s.writeMentorProfile(w, r, http.StatusOK, m)
	}
}
