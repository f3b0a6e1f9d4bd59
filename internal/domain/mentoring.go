package domain

import "time"

// Session statuses.
const (
	StatusPending   = "Pending"
	StatusConfirmed = "Confirmed"
	StatusCanceled  = "Canceled"
	StatusCompleted = "Completed"
)

// Availability statuses, derived from the sessions on an availability.
const (
	AvailOpen      = "Open"
	AvailRequested = "Requested"
	AvailConfirmed = "Confirmed"
)

// Availability is a span a mentor offers for sessions.
type Availability struct {
	ID         int64
	MentorID   int64
	Start, End time.Time
	Status     string    // derived from the sessions by the mentoring package
	CreatedAt  time.Time // written on insert, not read back
}

// SessionSpan is when a live (Pending or Confirmed) session holds a mentor.
type SessionSpan struct {
	MentorID   int64
	Start, End time.Time
	Status     string
}

// Session is a 1:1 session between a mentor and a mentee.
type Session struct {
	ID             int64
	MentorID       int64
	MenteeID       int64
	AvailabilityID *int64
	Start, End     time.Time
	Length         int // minutes
	Status         string
	MeetingLink    *string
	ICSSequence    int
	CreatedAt      time.Time
	ModifiedAt     time.Time

	MentorFirst, MentorLast string
	MenteeFirst, MenteeLast string
}

// Live reports whether the session still holds its time.
func (s *Session) Live() bool { return s.Status == StatusPending || s.Status == StatusConfirmed }
