package domain

import "time"

// BookingRules are a mentor's limits on how sessions are booked with them.
// Zero switches a rule off, so a mentor without a row has none.
type BookingRules struct {
	MentorID          int64
	MinNoticeMinutes  int // a session is requested at least this long before it starts
	BufferMinutes     int // at least this long between two of the mentor's live sessions
	MaxPerDay         int // live sessions per day, in the mentor's zone
	MaxPerWeek        int // live sessions per week (Monday to Sunday), in the mentor's zone
	CancelNoticeHours int // the mentee cancels at least this long before the start
	UpdatedAt         time.Time
}

// Limits reports whether a day or week limit is set.
func (r BookingRules) Limits() bool { return r.MaxPerDay > 0 || r.MaxPerWeek > 0 }

// Buffer is the free time the mentor keeps around each session.
func (r BookingRules) Buffer() time.Duration { return time.Duration(r.BufferMinutes) * time.Minute }
