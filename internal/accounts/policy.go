package accounts

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
)

// Validation codes that surfaces may map to their own wording.
const (
	CodeInvalid          = "invalid"
	CodeUnique           = "unique"
	CodePasswordTooShort = "password_too_short"
	CodePasswordCommon   = "password_too_common"
	CodePasswordNumeric  = "password_entirely_numeric"
	CodePasswordSimilar  = "password_too_similar"
	CodePasswordMismatch = "password_mismatch"
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 8

var usernamePattern = regexp.MustCompile(`^[\p{L}\p{N}_.@+-]+$`)

// checkUsername validates a username and returns it lower-cased.
func checkUsername(v *errs.Invalid, field string, raw *string) string {
	if v.Has(field) {
		return ""
	}
	if raw == nil {
		v.FieldArg(field, errs.CodeRequired, nil)
		return ""
	}
	name := strings.ToLower(strings.TrimSpace(*raw))
	switch {
	case name == "":
		v.FieldArg(field, errs.CodeBlank, nil)
	case utf8.RuneCountInString(name) > 150:
		v.FieldArg(field, errs.CodeMaxLength, 150)
	case !usernamePattern.MatchString(name):
		v.Add(field, CodeInvalid, "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.")
	}
	return name
}

// ValidEmail accepts a bare address whose domain has a dot (or is localhost).
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.Contains(domain, "@") {
		return false
	}
	if domain == "localhost" {
		return true
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
	}
	return true
}

// checkEmail validates a required e-mail address.
func checkEmail(v *errs.Invalid, field string, raw *string) string {
	if v.Has(field) {
		return ""
	}
	if raw == nil {
		v.FieldArg(field, errs.CodeRequired, nil)
		return ""
	}
	email := strings.TrimSpace(*raw)
	switch {
	case email == "":
		v.FieldArg(field, errs.CodeBlank, nil)
	case !ValidEmail(email):
		v.FieldArg(field, errs.CodeInvalidEmail, nil)
	}
	return email
}

var phoneSeparators = strings.NewReplacer(" ", "", "-", "", ".", "", "(", "", ")", "")

// normalizePhone returns the E.164 form of a phone number, or false.
func normalizePhone(raw string) (string, bool) {
	p := phoneSeparators.Replace(strings.TrimSpace(raw))
	if strings.HasPrefix(p, "00") {
		p = "+" + p[2:]
	}
	if len(p) < 3 || len(p) > 16 || p[0] != '+' || p[1] == '0' {
		return "", false
	}
	for _, c := range p[1:] {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return p, true
}

// ValidTimezone reports whether name is an IANA time zone.
func ValidTimezone(name string) bool {
	if name == "" || name == "Local" || strings.ContainsAny(name, " \\") {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

//go:embed common-passwords.txt.gz
var commonPasswordsGz []byte

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
	if err != nil {
		panic(err)
	}
	set := make(map[string]struct{}, 20100)
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		set[sc.Text()] = struct{}{}
	}
	return set
})

var nonWord = regexp.MustCompile(`[^\p{L}\p{N}_]+`)

// passwordProblems runs Django's four default validators, in Django's order,
// against a password for user u.
func passwordProblems(password string, u *domain.User) []errs.Msg {
	var out []errs.Msg
	if m, ok := tooSimilar(password, u); ok {
		out = append(out, m)
	}
	if utf8.RuneCountInString(password) < MinPasswordLength {
		out = append(out, errs.Msg{Code: CodePasswordTooShort, Text: fmt.Sprintf("This password is too short. It must contain at least %d characters.", MinPasswordLength)})
	}
	if _, ok := commonPasswords()[strings.ToLower(strings.TrimSpace(password))]; ok {
		out = append(out, errs.Msg{Code: CodePasswordCommon, Text: "This password is too common."})
	}
	if password != "" && strings.IndexFunc(password, func(r rune) bool { return !unicode.IsDigit(r) }) < 0 {
		out = append(out, errs.Msg{Code: CodePasswordNumeric, Text: "This password is entirely numeric."})
	}
	return out
}

// tooSimilar is Django's UserAttributeSimilarityValidator (max similarity 0.7).
func tooSimilar(password string, u *domain.User) (errs.Msg, bool) {
	if u == nil {
		return errs.Msg{}, false
	}
	const maxSimilarity = 0.7
	pw := []rune(strings.ToLower(password))
	attrs := []struct{ value, name string }{
		{u.Username, "username"}, {u.FirstName, "first name"}, {u.LastName, "last name"}, {u.Email, "email address"},
	}
	for _, a := range attrs {
		if a.value == "" {
			continue
		}
		lower := strings.ToLower(a.value)
		parts := append(nonWord.Split(lower, -1), lower)
		for _, part := range parts {
			p := []rune(part)
			// Django skips parts too short to matter for a long password.
			if len(pw) >= 10*len(p) && float64(len(p)) < maxSimilarity/2*float64(len(pw)) {
				continue
			}
			if quickRatio(pw, p) >= maxSimilarity {
				return errs.Msg{Code: CodePasswordSimilar, Text: "The password is too similar to the " + a.name + "."}, true
			}
		}
	}
	return errs.Msg{}, false
}

// quickRatio is difflib.SequenceMatcher.quick_ratio: an upper bound on
// similarity from the characters the two strings share.
func quickRatio(a, b []rune) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	avail := map[rune]int{}
	for _, r := range b {
		avail[r]++
	}
	matches := 0
	for _, r := range a {
		if avail[r] > 0 {
			matches++
		}
		avail[r]--
	}
	return 2 * float64(matches) / float64(len(a)+len(b))
}
