package scheduling

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Clock is a wall-clock time of day, in minutes since midnight. 24:00
// (EndOfDay) is allowed as the end of a span only.
type Clock int

// EndOfDay is 24:00, the end of a span that runs until midnight.
const EndOfDay Clock = 24 * 60

// ClockAt returns h:m.
func ClockAt(h, m int) Clock { return Clock(h*60 + m) }

// Hour is the hour of c, 0 to 24.
func (c Clock) Hour() int { return int(c) / 60 }

// Minute is the minute of c, 0 to 59.
func (c Clock) Minute() int { return int(c) % 60 }

func (c Clock) String() string {
	if c < 0 || c > EndOfDay {
		return fmt.Sprintf("Clock(%d)", int(c))
	}
	return fmt.Sprintf("%02d:%02d", c.Hour(), c.Minute())
}

// ClockSpan is the wall-clock span [Start, End) of one day.
type ClockSpan struct {
	Start, End Clock
}

// check returns ErrBadClock or ErrEmptySpan, or nil.
func (s ClockSpan) check() error {
	switch {
	case s.Start < 0 || s.Start >= EndOfDay || s.End <= 0 || s.End > EndOfDay:
		return ErrBadClock
	case s.End <= s.Start:
		return ErrEmptySpan
	}
	return nil
}

func (s ClockSpan) overlaps(o ClockSpan) bool { return s.Start < o.End && o.Start < s.End }

// WeeklyRule is a span of wall-clock hours every week on Weekday. It lies
// within one day: a rule cannot run past midnight, so an evening that does is
// two rules (Monday 22:00-24:00 and Tuesday 00:00-01:00).
type WeeklyRule struct {
	Weekday    time.Weekday
	Start, End Clock
}

// Span is the rule's hours.
func (r WeeklyRule) Span() ClockSpan { return ClockSpan{r.Start, r.End} }

// Date is a civil date, without a time or a zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// AddDays is d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.midnightUTC().AddDate(0, 0, n)) }

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.midnightUTC().Weekday() }

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// valid reports whether d names a real day (not February 30).
func (d Date) valid() bool { return DateOf(d.midnightUTC()) == d }

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool { return d.midnightUTC().Before(o.midnightUTC()) }

// midnightUTC is d's wall-clock midnight written as a UTC time; wall times
// are computed in UTC, where every day has 24 hours, and only then placed in
// a zone.
func (d Date) midnightUTC() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// DateException changes the weekly hours of one date. Off removes every
// weekly span that date; Extra adds spans that date. Both together mean
// only the Extra hours that date. Extra spans may overlap the weekly ones
// (they are merged) but not each other.
type DateException struct {
	Date  Date
	Off   bool
	Extra []ClockSpan
}

// The things ValidateRules and ValidateExceptions find wrong, as the Err of a
// Problem; test with errors.Is.
var (
	ErrBadWeekday    = errors.New("weekday out of range")
	ErrBadClock      = errors.New("time of day out of range (start 00:00-23:59, end 00:01-24:00)")
	ErrEmptySpan     = errors.New("end is not after start")
	ErrOverlap       = errors.New("overlaps another span on the same day")
	ErrBadDate       = errors.New("no such date")
	ErrDuplicateDate = errors.New("another exception has the same date")
)

// Problem is one thing wrong with weekly rules or date exceptions, located so
// that a domain can name the field at fault. Indexes that do not apply are -1.
type Problem struct {
	Err error // one of the Err values above

	Rule      int // the rule at fault (ValidateRules)
	Exception int // the exception at fault (ValidateExceptions)
	Extra     int // the span of the exception's Extra at fault; -1 when it is the date
	// Other is the earlier one that Rule, Exception or Extra clashes with:
	// another rule, another Extra span of the same exception (ErrOverlap), or
	// another exception (ErrDuplicateDate).
	Other int
}

func (p *Problem) Error() string {
	switch {
	case p.Rule >= 0 && p.Other >= 0:
		return fmt.Sprintf("rule %d: %v (rule %d)", p.Rule, p.Err, p.Other)
	case p.Rule >= 0:
		return fmt.Sprintf("rule %d: %v", p.Rule, p.Err)
	case p.Extra >= 0 && p.Other >= 0:
		return fmt.Sprintf("exception %d, extra span %d: %v (extra span %d)", p.Exception, p.Extra, p.Err, p.Other)
	case p.Extra >= 0:
		return fmt.Sprintf("exception %d, extra span %d: %v", p.Exception, p.Extra, p.Err)
	case p.Other >= 0:
		return fmt.Sprintf("exception %d: %v (exception %d)", p.Exception, p.Err, p.Other)
	}
	return fmt.Sprintf("exception %d: %v", p.Exception, p.Err)
}

func (p *Problem) Unwrap() error { return p.Err }

// Problems are every problem found, in input order.
type Problems []*Problem

func (ps Problems) Error() string {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Error()
	}
	return strings.Join(msgs, "; ")
}

// Unwrap lets errors.Is and errors.As see each problem.
func (ps Problems) Unwrap() []error {
	out := make([]error, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}

func ruleProblem(err error, rule, other int) *Problem {
	return &Problem{Err: err, Rule: rule, Exception: -1, Extra: -1, Other: other}
}

func exceptionProblem(err error, exception, extra, other int) *Problem {
	return &Problem{Err: err, Rule: -1, Exception: exception, Extra: extra, Other: other}
}

func (ps Problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// ValidateRules returns nil or Problems: a weekday outside Sunday-Saturday, a
// clock out of range, an end not after its start, or two rules on the same
// weekday that overlap (rules that only touch, 09:00-12:00 and 12:00-13:00,
// are fine and expand to one span).
func ValidateRules(rules []WeeklyRule) error {
	var ps Problems
	for i, r := range rules {
		if r.Weekday < time.Sunday || r.Weekday > time.Saturday {
			ps = append(ps, ruleProblem(ErrBadWeekday, i, -1))
			continue
		}
		if err := r.Span().check(); err != nil {
			ps = append(ps, ruleProblem(err, i, -1))
			continue
		}
		for j, o := range rules[:i] {
			// An invalid earlier rule has its own problem; an overlap with
			// it would only repeat it.
			if o.Weekday == r.Weekday && o.Span().check() == nil && o.Span().overlaps(r.Span()) {
				ps = append(ps, ruleProblem(ErrOverlap, i, j))
				break
			}
		}
	}
	return ps.err()
}

// ValidateExceptions returns nil or Problems: a date that does not exist, two
// exceptions for one date, and in Extra a clock out of range, an end not
// after its start, or two spans that overlap.
func ValidateExceptions(exceptions []DateException) error {
	var ps Problems
	for i, e := range exceptions {
		if !e.Date.valid() {
			ps = append(ps, exceptionProblem(ErrBadDate, i, -1, -1))
		} else {
			for j, o := range exceptions[:i] {
				if o.Date == e.Date {
					ps = append(ps, exceptionProblem(ErrDuplicateDate, i, -1, j))
					break
				}
			}
		}
		for k, s := range e.Extra {
			if err := s.check(); err != nil {
				ps = append(ps, exceptionProblem(err, i, k, -1))
				continue
			}
			for j, o := range e.Extra[:k] {
				if o.check() == nil && o.overlaps(s) {
					ps = append(ps, exceptionProblem(ErrOverlap, i, k, j))
					break
				}
			}
		}
	}
	return ps.err()
}

// Expand returns the concrete spans, in UTC, of the weekly rules and the date
// exceptions read in the wall-clock time of loc, that overlap [from, to).
// Spans are whole, not clipped to the range; they are sorted, and the spans
// of one date that overlap or touch are merged into one. Spans of different
// dates are not merged, even when one ends at midnight as the next begins;
// Merge joins them when a caller wants that.
//
// Wall times are read as a person reads a clock: a span from S to E starts
// at the first instant of its date at which a clock in loc shows S or later,
// and ends at the first instant at which it shows E or later. Hence:
//
//   - On a spring-forward night, a time the clock skips means the end of the
//     gap. In America/New_York on 2027-03-14 the clock jumps from 02:00 EST
//     to 03:00 EDT, so 02:00-04:00 is 03:00-04:00 EDT (one real hour),
//     01:30-02:30 is 01:30 EST-03:00 EDT (half an hour), and a span wholly
//     inside the gap, 02:00-02:30, is no span at all.
//   - On a fall-back night, a start in the repeated hour is its first
//     occurrence, and an end is reached the first time the clock shows it.
//     In America/New_York on 2027-11-07 the clock goes back from 02:00 EDT
//     to 01:00 EST, so 01:00-02:00 runs from 01:00 EDT to 02:00 EST (two
//     real hours), while 00:00-01:30 ends at the first 01:30, 01:30 EDT.
//
// That is not time.Date's reading, which the time package leaves unspecified
// for such wall times (Go 1.26 reads 02:30 that spring night as 01:30 EST).
//
// Expand does not validate: pass rules and exceptions that ValidateRules and
// ValidateExceptions accept. It skips spans with bad clocks or weekdays,
// merges overlapping ones, and combines exceptions for the same date (Off if
// any is, with every Extra). It returns nil when to is not after from. loc
// must not be nil.
func Expand(rules []WeeklyRule, exceptions []DateException, loc *time.Location, from, to time.Time) []Interval {
	if !to.After(from) {
		return nil
	}
	type change struct {
		off   bool
		extra []ClockSpan
	}
	changes := map[Date]*change{}
	for _, e := range exceptions {
		c := changes[e.Date]
		if c == nil {
			c = &change{}
			changes[e.Date] = c
		}
		c.off = c.off || e.Off
		c.extra = append(c.extra, e.Extra...)
	}
	var byDay [7][]ClockSpan
	for _, r := range rules {
		if r.Weekday >= time.Sunday && r.Weekday <= time.Saturday {
			byDay[r.Weekday] = append(byDay[r.Weekday], r.Span())
		}
	}

	want := Interval{from, to}
	var out []Interval
	// A date's spans lie between its own first instant and that of the next
	// date, except where a clock goes back across midnight, which moves them
	// by less than a day; one date either side of the range covers that.
	last := DateOf(to.In(loc)).AddDays(1)
	for d := DateOf(from.In(loc)).AddDays(-1); !last.Before(d); d = d.AddDays(1) {
		var spans []ClockSpan
		c := changes[d]
		if c == nil || !c.off {
			spans = byDay[d.Weekday()]
		}
		if c != nil {
			spans = append(spans[:len(spans):len(spans)], c.extra...)
		}
		var day []Interval
		for _, s := range spans {
			if s.check() != nil {
				continue
			}
			iv := Interval{Start: wallInstant(d, s.Start, loc), End: wallInstant(d, s.End, loc)}
			if iv.Valid() { // a span inside a spring-forward gap is empty
				day = append(day, iv)
			}
		}
		for _, iv := range Merge(day) {
			if iv.Overlaps(want) {
				out = append(out, iv)
			}
		}
	}
	// Sorted already: a later wall time never reads earlier (wallInstant is
	// monotonic), so a date's spans start no sooner than the last one ends.
	return out
}

// wallInstant is the first instant, in UTC, at which a clock in loc shows
// wall time c of date d or later (see Expand).
func wallInstant(d Date, c Clock, loc *time.Location) time.Time {
	return d.At(time.Duration(c)*time.Minute, loc)
}

// At is the first instant, in UTC, at which a clock in loc shows the wall
// time clock (since midnight) of date d or later: Expand's reading of a wall
// time, for every surface that turns one into an instant. A time that a
// spring-forward change skips is the end of the gap (02:30 on a New York
// spring night is 03:00 EDT), where time.Date would read it an hour early
// (01:30 EST); a time repeated when clocks go back is its first occurrence.
//
// It walks the zone's periods of constant offset from a day before: within
// one period the clock runs steadily, so the first reading in it is
// max(period start, wall - offset).
func (d Date) At(clock time.Duration, loc *time.Location) time.Time {
	wall := d.midnightUTC().Add(clock)
	// UTC offsets stay within ±16 hours, so no clock reads wall or later
	// before wall-16h: the walk finds the first such reading of all time,
	// which makes At monotonic in wall.
	t := wall.Add(-27 * time.Hour).In(loc)
	limit := wall.Add(27 * time.Hour)
	for t.Before(limit) {
		_, offset := t.Zone()
		_, end := t.ZoneBounds()
		at := wall.Add(-time.Duration(offset) * time.Second)
		if at.Before(t) {
			at = t // the clock jumped past wall at t, the start of a period
		}
		if end.IsZero() || at.Before(end) {
			return at.UTC()
		}
		t = end
	}
	// Not reached with real zone data; Go's own reading is a fair answer.
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, int(clock), loc).UTC()
}
