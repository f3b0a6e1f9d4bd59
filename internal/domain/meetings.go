package domain

import "time"

// Contact is someone an owner invites; they need no account.
type Contact struct {
	ID        int64
	OwnerID   int64
	FirstName string
	LastName  string
	Email     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Calendar is a round of one-on-one meetings an owner schedules.
type Calendar struct {
	ID            int64
	OwnerID       int64
	Name          string
	Description   string
	Deadline      time.Time
	MeetingLength int // minutes
	Timezone      string
	// LinkBase is the invitations' response link, with {calendar} and
	// {token} in it; a bare base URL (calendars made before the web app)
	// stands for the API's own /schedules/calendars/{calendar}/respond/{token}/.
	LinkBase    string
	Finalized   bool
	FinalizedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// WallSlot is a slot as given (a day and two clock times in the calendar's
// zone) with the instants it stands for.
type WallSlot struct {
	ID         int64
	Day        string // YYYY-MM-DD
	StartClock string // HH:MM:SS
	EndClock   string
	Preference int
	Start, End time.Time
}

// Invitation asks one contact to answer for one calendar.
type Invitation struct {
	ID          int64
	CalendarID  int64
	ContactID   int64
	TokenHash   string
	TokenSeed   string
	Responded   bool
	RespondedAt *time.Time
	CreatedAt   time.Time
	Contact     Contact
}

// Meeting is a finalized one-on-one meeting.
type Meeting struct {
	ID         int64
	CalendarID int64
	ContactID  int64
	Start, End time.Time
	CreatedAt  time.Time
	Contact    Contact
}
