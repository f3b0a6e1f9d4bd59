package domain

import (
	"strings"
	"time"
)

// User is one account, shared by every surface.
type User struct {
	ID           int64
	Username     string // always lower-case
	Email        string
	PasswordHash string
	FirstName    string
	LastName     string
	PhoneNumber  *string // E.164
	ProfilePhoto *string // path under MEDIA_ROOT
	Timezone     string  // IANA name
	IsMentor     bool
	IsMentee     bool
	IsActive     bool
	IsStaff      bool
	IsSuperuser  bool
	DateJoined   time.Time
	LastLogin    *time.Time
	// CredentialEpoch rises when staff deactivate the account; a JWT is
	// good only under the value it was issued with.
	CredentialEpoch int
}

// FullName is how e-mails name the user: first and last name, the first
// name alone, or else the username.
func (u *User) FullName() string {
	switch {
	case u.FirstName != "" && u.LastName != "":
		return u.FirstName + " " + u.LastName
	case u.FirstName != "":
		return u.FirstName
	}
	return u.Username
}

// Mentor is a mentor's profile; its key is the user id.
type Mentor struct {
	UserID     int64
	AboutMe    string
	TeamNumber int
	Skills     []string // in the mentor's order
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Mentee is a mentee's profile; its key is the user id.
type Mentee struct {
	UserID     int64
	TeamNumber int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// SkillKey is the form of a skill name used for matching.
func SkillKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// MentorListing is a user flagged as mentor, with their profile when they
// have one.
type MentorListing struct {
	User   User
	Mentor *Mentor
}

// MenteeListing is a user flagged as mentee, with their profile when they
// have one.
type MenteeListing struct {
	User   User
	Mentee *Mentee
}

// NotificationSettings are a user's e-mail switches; the key is the user id.
type NotificationSettings struct {
	UserID             int64
	SessionRequested   bool
	SessionConfirmed   bool
	SessionCanceled    bool
	FifteenMinuteAlert bool
	SixtyMinuteAlert   bool
}

// SessionPerson is a user as the e-mails about their sessions need them: with
// their notification settings and, for a mentee, their team number (0 when
// they have no mentee profile).
type SessionPerson struct {
	User     User
	Settings NotificationSettings
	Team     int
}
