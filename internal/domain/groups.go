package domain

import "time"

// Group-session statuses.
const (
	GroupUpcoming  = "upcoming"
	GroupOngoing   = "ongoing"
	GroupCompleted = "completed"
	GroupCancelled = "cancelled"
)

// GroupSession is a session for several people with a fixed number of seats.
type GroupSession struct {
	ID          int64
	CreatorID   int64
	Title       string
	Description string
	Field       *string
	Start       time.Time
	Capacity    int
	Taken       int
	Status      string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// TimedAt is when Start was last set (created or moved): reminders of
	// that start are possible from then on.
	TimedAt time.Time
	Creator User
}

// Participant holds a seat in a group session.
type Participant struct {
	ID        int64
	SessionID int64
	UserID    int64
	Role      string
	JoinedAt  time.Time
	User      User
}

// Waiter is a place on a full session's waitlist; the waitlist is served
// in the order of ID (first come, first served).
type Waiter struct {
	ID        int64
	SessionID int64
	UserID    int64
	Role      string
	AddedAt   time.Time
	User      User
}

// GroupFilter selects group sessions for a list; zero fields do not filter.
type GroupFilter struct {
	Status    string
	From, To  *time.Time // start_time >= From, <= To
	CreatorID int64
	// InvolvedID selects sessions created by or joined by the user;
	// JoinedID only those joined.
	InvolvedID int64
	JoinedID   int64
	// Topic is a part of the title or of the field (subject), any case.
	Topic string
	// HasSeats selects only sessions with a seat free.
	HasSeats bool
}
