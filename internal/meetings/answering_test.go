package meetings

import (
	"testing"
	"time"

	"github.com/mentord/mentord/internal/errs"
)

func TestCheckAnswer(t *testing.T) {
	loc, err := time.LoadLocation("America/Toronto")
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, h, m int) Civil { return Civil{Year: 2030, Month: time.March, Day: day, Hour: h, Min: m} }
	for _, tc := range []struct {
		in   AnswerInput
		code string
	}{
		{AnswerInput{Start: at(12, 13, 0), End: at(12, 14, 0), Pref: 3}, ""},
		{AnswerInput{Start: at(12, 13, 0), End: at(12, 14, 0), Pref: 0}, CodeAnswerPreference},
		{AnswerInput{Start: at(12, 13, 0), End: at(12, 14, 0), Pref: 4}, CodeAnswerPreference},
		{AnswerInput{Start: at(12, 14, 0), End: at(12, 14, 0), Pref: 1}, CodeAnswerEndFirst},
		{AnswerInput{Start: at(12, 15, 0), End: at(12, 14, 0), Pref: 1}, CodeAnswerEndFirst},
		{AnswerInput{Start: at(12, 23, 0), End: at(13, 1, 0), Pref: 2}, CodeAnswerTwoDays},
	} {
		err := CheckAnswer(tc.in, loc)
		if got := errs.CodeOf(err); got != tc.code || (tc.code != "" && errs.KindOf(err) != errs.KindInvalid) {
			t.Errorf("CheckAnswer(%+v) = %v, want code %q", tc.in, err, tc.code)
		}
	}
}
