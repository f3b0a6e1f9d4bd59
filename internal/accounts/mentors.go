package accounts

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/store"
)

// KnownSkills are the skills the original Momentors offered, in its order.
// Any other skill name is accepted too; these only fix the spelling of a
// name typed in another case.
var KnownSkills = []string{"AI", "AWS S3", "Bootstrap", "Career Help", "CSS", "Django", "FastAPI", "Git", "GitHub",
	"HTML", "Insomnia", "Interview Help", "JavaScript", "MUI", "Other", "PostgreSQL", "Postico", "Python", "React",
	"Resume Help", "SQL", "Time Management", "Vue.js"}

var knownSkillByKey = func() map[string]string {
	m := map[string]string{}
	for _, s := range KnownSkills {
		m[domain.SkillKey(s)] = s
	}
	return m
}()

// Limits on mentor profiles.
const (
	MaxSkills      = 25
	MaxSkillLength = 50
	MaxAboutMe     = 1000
	MaxTeamNumber  = 2_147_483_647
)

// MentorInput is the writable part of a mentor profile; nil fields are not
// being set.
type MentorInput struct {
	AboutMe    *string
	Skills     []string // nil when not sent
	TeamNumber *int
	Unread     *errs.Invalid // see SignUp.Unread
}

// NormalizeSkills trims, de-duplicates (ignoring case, first wins) and
// checks skill names; a known skill typed in another case gets its usual
// spelling.
func NormalizeSkills(v *errs.Invalid, field string, raw []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range raw {
		s = strings.TrimSpace(s)
		key := domain.SkillKey(s)
		switch {
		case s == "":
			v.Add(field, errs.CodeBlank, "Skill names may not be blank.")
			return nil
		case utf8.RuneCountInString(s) > MaxSkillLength || strings.ContainsAny(s, ",/\n\r\t"):
			v.FieldArg(field, errs.CodeInvalidChoice, s)
			return nil
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		if known, ok := knownSkillByKey[key]; ok {
			s = known
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		v.FieldArg(field, errs.CodeEmptyList, nil)
		return nil
	}
	if len(out) > MaxSkills {
		v.FieldArg(field, errs.CodeMaxItems, MaxSkills)
		return nil
	}
	return out
}

func checkTeamNumber(v *errs.Invalid, n *int) {
	if n == nil || v.Has("team_number") {
		return
	}
	if *n < 0 {
		v.FieldArg("team_number", errs.CodeMinValue, 0)
	} else if *n > MaxTeamNumber {
		v.FieldArg("team_number", errs.CodeMaxValue, MaxTeamNumber)
	}
}

func (s *Service) applyMentor(m *domain.Mentor, in MentorInput, requireSkills bool) error {
	v := errs.Begin(in.Unread)
	if in.AboutMe != nil && !v.Has("about_me") {
		if utf8.RuneCountInString(*in.AboutMe) > MaxAboutMe {
			v.FieldArg("about_me", errs.CodeMaxLength, MaxAboutMe)
		} else {
			m.AboutMe = *in.AboutMe
		}
	}
	switch {
	case v.Has("skills"):
	case in.Skills != nil:
		if skills := NormalizeSkills(v, "skills", in.Skills); skills != nil {
			m.Skills = skills
		}
	case requireSkills:
		v.FieldArg("skills", errs.CodeRequired, nil)
	}
	checkTeamNumber(v, in.TeamNumber)
	if in.TeamNumber != nil && !v.Has("team_number") {
		m.TeamNumber = *in.TeamNumber
	}
	return v.Err()
}

var (
	errNoMentorProfile = errs.NotFound("mentor_profile_not_found", "")
	errNoMenteeProfile = errs.NotFound("mentee_profile_not_found", "")
)

// MentorProfile returns the user's mentor profile.
func (s *Service) MentorProfile(ctx context.Context, userID int64) (*domain.Mentor, error) {
	m, err := s.store.MentorOf(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoMentorProfile
	}
	return m, err
}

// createProfile creates a user's one profile of a kind, in a transaction
// with the look for one: when find finds one, or a race past the look
// breaks rule, the answer is exists.
func (s *Service) createProfile(ctx context.Context, rule domain.Rule, exists error, find, create func(q *store.Q) error) error {
	err := s.store.Tx(ctx, func(q *store.Q) error {
		if err := find(q); err == nil {
			return exists
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return create(q)
	})
	if errs.Violated(err, rule) {
		return exists
	}
	return err
}

// CreateMentorProfile creates the user's mentor profile; a second one is
// refused.
func (s *Service) CreateMentorProfile(ctx context.Context, userID int64, in MentorInput) (*domain.Mentor, error) {
	now := s.clock.Now()
	m := &domain.Mentor{UserID: userID, CreatedAt: now, UpdatedAt: now}
	if err := s.applyMentor(m, in, true); err != nil {
		return nil, err
	}
	err := s.createProfile(ctx, domain.RuleOneMentorProfile, errs.NonField("exists", "Mentor profile already exists."),
		func(q *store.Q) error { _, err := q.MentorOf(ctx, userID); return err },
		func(q *store.Q) error { return q.CreateMentor(ctx, m) })
	if err != nil {
		return nil, err
	}
	return m, nil
}

// UpdateMentorProfile changes the user's mentor profile; full (PUT) requires
// the skills.
func (s *Service) UpdateMentorProfile(ctx context.Context, userID int64, in MentorInput, full bool) (*domain.Mentor, error) {
	var m *domain.Mentor
	err := s.store.Tx(ctx, func(q *store.Q) error {
		var err error
		m, err = q.MentorOf(ctx, userID)
		if errors.Is(err, store.ErrNotFound) {
			return errNoMentorProfile
		}
		if err != nil {
			return err
		}
		if err := s.applyMentor(m, in, full); err != nil {
			return err
		}
		m.UpdatedAt = s.clock.Now()
		return q.UpdateMentor(ctx, m)
	})
	return m, err
}

// DeleteMentorProfile removes the user's mentor profile.
func (s *Service) DeleteMentorProfile(ctx context.Context, userID int64) error {
	return s.store.Tx(ctx, func(q *store.Q) error {
		ok, err := q.DeleteMentor(ctx, userID)
		if err == nil && !ok {
			return errNoMentorProfile
		}
		return err
	})
}

// ListMentors lists the active users flagged as mentors; with skills, only
// those whose profile has every one of them (whole names, any case).
func (s *Service) ListMentors(ctx context.Context, skills []string) ([]domain.MentorListing, error) {
	var keys []string
	seen := map[string]bool{}
	for _, sk := range skills {
		k := domain.SkillKey(sk)
		if k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if len(skills) > 0 && len(keys) == 0 {
		return nil, nil
	}
	return s.store.ListMentors(ctx, keys)
}

// MenteeInput is the writable part of a mentee profile.
type MenteeInput struct {
	TeamNumber *int
}

// MenteeProfile returns the user's mentee profile.
func (s *Service) MenteeProfile(ctx context.Context, userID int64) (*domain.Mentee, error) {
	m, err := s.store.MenteeOf(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoMenteeProfile
	}
	return m, err
}

// CreateMenteeProfile creates the user's mentee profile; a second one is
// refused.
func (s *Service) CreateMenteeProfile(ctx context.Context, userID int64, in MenteeInput) (*domain.Mentee, error) {
	v := &errs.Invalid{}
	checkTeamNumber(v, in.TeamNumber)
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	m := &domain.Mentee{UserID: userID, CreatedAt: now, UpdatedAt: now}
	if in.TeamNumber != nil {
		m.TeamNumber = *in.TeamNumber
	}
	err := s.createProfile(ctx, domain.RuleOneMenteeProfile, errs.NonField("exists", "Mentee profile already exists."),
		func(q *store.Q) error { _, err := q.MenteeOf(ctx, userID); return err },
		func(q *store.Q) error { return q.CreateMentee(ctx, m) })
	if err != nil {
		return nil, err
	}
	return m, nil
}

// UpdateMenteeProfile changes the user's mentee profile.
func (s *Service) UpdateMenteeProfile(ctx context.Context, userID int64, in MenteeInput) (*domain.Mentee, error) {
	v := &errs.Invalid{}
	checkTeamNumber(v, in.TeamNumber)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var m *domain.Mentee
	err := s.store.Tx(ctx, func(q *store.Q) error {
		var err error
		m, err = q.MenteeOf(ctx, userID)
		if errors.Is(err, store.ErrNotFound) {
			return errNoMenteeProfile
		}
		if err != nil {
			return err
		}
		if in.TeamNumber != nil {
			m.TeamNumber = *in.TeamNumber
		}
		m.UpdatedAt = s.clock.Now()
		return q.UpdateMentee(ctx, m)
	})
	return m, err
}

// DeleteMenteeProfile removes the user's mentee profile.
func (s *Service) DeleteMenteeProfile(ctx context.Context, userID int64) error {
	return s.store.Tx(ctx, func(q *store.Q) error {
		ok, err := q.DeleteMentee(ctx, userID)
		if err == nil && !ok {
			return errNoMenteeProfile
		}
		return err
	})
}

// ListMentees lists the active users flagged as mentees.
func (s *Service) ListMentees(ctx context.Context) ([]domain.MenteeListing, error) {
	return s.store.ListMentees(ctx)
}

// MentorsPerPage is the size of a page of the mentor directory.
const MentorsPerPage = 20

// MentorPage is one page of the mentor directory.
type MentorPage struct {
	Mentors     []domain.MentorListing
	Total       int
	Page, Pages int
}

// FindMentors returns a page (from 1) of the active mentors whose name
// holds text and, with skill, who have that skill (a whole name, any case).
func (s *Service) FindMentors(ctx context.Context, text, skill string, page int) (*MentorPage, error) {
	page = max(page, 1)
	list, total, err := s.store.SearchMentors(ctx, store.MentorSearch{Text: text, SkillKey: domain.SkillKey(skill),
		Limit: MentorsPerPage, Offset: (page - 1) * MentorsPerPage})
	if err != nil {
		return nil, err
	}
	return &MentorPage{Mentors: list, Total: total, Page: page, Pages: max(1, (total+MentorsPerPage-1)/MentorsPerPage)}, nil
}

// SkillsInUse lists the skills active mentors have, by name.
func (s *Service) SkillsInUse(ctx context.Context) ([]string, error) { return s.store.SkillsInUse(ctx) }
