package meetings

import (
	"time"

	"github.com/mentord/mentord/internal/errs"
)

// Codes of CheckAnswer's refusals.
const (
	CodeAnswerPreference = "preference"
	CodeAnswerEndFirst   = "end_before_start"
	CodeAnswerTwoDays    = "two_days"
)

// CheckAnswer checks one slot of an invitee's answer, read in the
// calendar's zone loc, as ReviseAnswer will: a page can then say which of
// several slots is wrong before it sends them all.
func CheckAnswer(a AnswerInput, loc *time.Location) error {
	switch {
	case a.Pref < 1 || a.Pref > 3:
		return errs.BadRequest(CodeAnswerPreference, "Invalid preference level.")
	case !a.End.In(loc).After(a.Start.In(loc)):
		return errs.BadRequest(CodeAnswerEndFirst, MsgEndAfterStart)
	case a.Start.Date() != a.End.Date():
		return errs.BadRequest(CodeAnswerTwoDays, "Start and end times must be on the same day.")
	}
	return nil
}

// Answerable reports whether the invitee of iv may still give or change
// their answer: the calendar is not finalized and its deadline has not
// passed.
func (s *Service) Answerable(iv *InviteeView) bool {
	return !iv.Calendar.Finalized && !s.clock.Now().After(iv.Calendar.Deadline)
}
