// Package timefmt parses the date-times clients send and formats the ones
// each surface documents.
package timefmt

import (
	"errors"
	"strings"
	"time"
)

// ErrFormat is returned for a value that is not an ISO 8601 date-time.
var ErrFormat = errors.New("timefmt: not an ISO 8601 date-time")

var layouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
}

// Parse reads an ISO 8601 / RFC 3339 date-time, with or without seconds and
// fractional seconds, with 'T' or a space between date and time, with 'Z',
// an offset, or nothing (then it is UTC). The result is in UTC.
func Parse(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) < 16 || len(s) > 40 {
		return time.Time{}, ErrFormat
	}
	if s[10] == ' ' || s[10] == 't' {
		s = s[:10] + "T" + s[11:]
	}
	if strings.HasSuffix(s, "z") {
		s = s[:len(s)-1] + "Z"
	}
	// Offsets written +HHMM or +HH become +HH:MM; index 16 is where one
	// follows a time without seconds (2030-01-15T10:00+0545).
	if i := strings.LastIndexAny(s, "+-"); i >= 16 {
		off := s[i+1:]
		switch len(off) {
		case 2:
			s += ":00"
		case 4:
			s = s[:i+3] + ":" + off[2:]
		}
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			// Years outside this range are typing mistakes for a scheduler,
			// and would overflow the fixed-width time text of SQLite.
			if y := t.UTC().Year(); y < 1900 || y > 9000 {
				return time.Time{}, ErrFormat
			}
			// time.Parse takes +24:00; RFC 3339's offset hours end at 23.
			if _, off := t.Zone(); off >= 24*3600 || off <= -24*3600 {
				return time.Time{}, ErrFormat
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, ErrFormat
}

// DRF formats like Django REST framework: UTC with a Z, microseconds only
// when not zero (2023-11-20T15:30:00Z, 2023-11-20T15:30:00.123456Z).
func DRF(t time.Time) string { return string(AppendDRF(make([]byte, 0, 27), t)) }

// AppendDRF appends DRF(t) to b.
func AppendDRF(b []byte, t time.Time) []byte {
	t = t.UTC()
	if t.Nanosecond()/1000 != 0 {
		return t.AppendFormat(b, "2006-01-02T15:04:05.000000Z")
	}
	return t.AppendFormat(b, "2006-01-02T15:04:05Z")
}
