// Package errs holds the typed errors the domain returns. Each API surface
// renders them in its own format; no handler writes an error by hand.
package errs

import (
	"errors"
	"fmt"
)

// Kind says what went wrong, independent of any surface.
type Kind int

const (
	KindNotFound Kind = iota + 1
	KindForbidden
	KindInvalid
	KindConflict
	KindUnauthenticated
	KindUnavailable
	KindTooMany
	KindNotAcceptable
)

// Error is a domain error with a stable code and an English message. Surfaces
// may show Message as is or map Code to their own documented wording.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	// Err is the cause, when there is one (the driver's error behind an
	// unavailable database): it shows in logs through Error and Unwrap,
	// never in a response.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// NotFound reports that the thing asked for does not exist (or is not visible
// to the caller).
func NotFound(code, msg string) error { return &Error{Kind: KindNotFound, Code: code, Message: msg} }

// Forbidden reports that the caller may not do this.
func Forbidden(code, msg string) error { return &Error{Kind: KindForbidden, Code: code, Message: msg} }

// BadRequest reports a request that cannot be carried out as asked, for a
// reason that is not about one input field (for example a state rule).
func BadRequest(code, msg string) error { return &Error{Kind: KindInvalid, Code: code, Message: msg} }

// Conflict reports a state clash that is not about one input field.
func Conflict(code, msg string) error { return &Error{Kind: KindConflict, Code: code, Message: msg} }

// Unauthenticated reports missing or bad credentials; Code is one of the
// Auth* constants.
func Unauthenticated(code, msg string) error {
	return &Error{Kind: KindUnauthenticated, Code: code, Message: msg}
}

// NotAcceptable reports that the client asked for a representation (an API
// version) that does not exist.
func NotAcceptable(code, msg string) error {
	return &Error{Kind: KindNotAcceptable, Code: code, Message: msg}
}

// TooMany reports that the caller is over a rate limit.
func TooMany(code, msg string) error { return &Error{Kind: KindTooMany, Code: code, Message: msg} }

// Unavailable reports that a dependency (the database) cannot serve now.
func Unavailable(code, msg string) error {
	return &Error{Kind: KindUnavailable, Code: code, Message: msg}
}

// CodeUnavailable is the code of UnavailableCause's errors.
const CodeUnavailable = "unavailable"

// UnavailableCause reports that the database cannot be reached, keeping the
// driver's error as the cause for logs. The request may succeed later.
func UnavailableCause(cause error) error {
	return &Error{Kind: KindUnavailable, Code: CodeUnavailable, Message: "database unavailable", Err: cause}
}

// Violation is a write the database refused because it would break a rule
// that the schema enforces (a unique key, an exclusion constraint). Rule
// names the rule, not the constraint: it holds a domain.Rule as a plain
// string, so that errs imports nothing of ours, and is "" for a constraint
// the store has no rule for. Its kind is KindConflict; Err is the driver's
// error, for logs.
type Violation struct {
	Rule string
	Err  error
}

func (v *Violation) Error() string {
	rule := v.Rule
	if rule == "" {
		rule = "a database constraint"
	}
	if v.Err != nil {
		return "violates " + rule + ": " + v.Err.Error()
	}
	return "violates " + rule
}

func (v *Violation) Unwrap() error { return v.Err }

// Violated reports whether err is a Violation of one of rules. It takes any
// string type so that callers pass domain.Rule constants as they are.
func Violated[R ~string](err error, rules ...R) bool {
	var v *Violation
	if !errors.As(err, &v) {
		return false
	}
	for _, r := range rules {
		if v.Rule == string(r) {
			return true
		}
	}
	return false
}

// Credential problems, as codes on an Unauthenticated error.
const (
	AuthNoCredentials     = "not_authenticated"
	AuthInvalidToken      = "invalid_token"
	AuthHeaderNoToken     = "header_no_token"
	AuthHeaderSpaces      = "header_spaces"
	AuthInactive          = "user_inactive"
	AuthBadCredentials    = "bad_credentials"
	AuthInvalidJWTRefresh = "invalid_refresh"
)

// KindOf returns the kind of err, or 0 when it is not a domain error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var v *Invalid
	if errors.As(err, &v) {
		return KindInvalid
	}
	var c *Violation
	if errors.As(err, &c) {
		return KindConflict
	}
	return 0
}

// CodeOf returns the code of a domain error, or "".
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Msg is one validation message: a code, and either the domain's own text
// or (for the generic codes in codes.go) an argument the surface words.
type Msg struct {
	Code string
	Text string
	arg  any
}

// FieldErrors are the messages about one input field.
type FieldErrors struct {
	Field string
	Msgs  []Msg
}

// Invalid is a validation failure: messages per field, in the order the fields
// were checked, plus messages about the input as a whole.
type Invalid struct {
	Fields   []FieldErrors
	NonField []Msg
}

func (v *Invalid) Error() string {
	for _, f := range v.Fields {
		if len(f.Msgs) > 0 {
			return fmt.Sprintf("%s: %s", f.Field, f.Msgs[0])
		}
	}
	if len(v.NonField) > 0 {
		return v.NonField[0].String()
	}
	return "invalid input"
}

// String is the message's text, or its code for a message the surface words.
func (m Msg) String() string {
	if m.Text != "" {
		return m.Text
	}
	return m.Code
}

// Add records a message about field.
func (v *Invalid) Add(field, code, text string) { v.add(field, Msg{Code: code, Text: text}) }

// AddMsg records a message about field as it is (a surface rearranging
// another error's messages).
func (v *Invalid) AddMsg(field string, m Msg) { v.add(field, m) }

func (v *Invalid) add(field string, m Msg) {
	for i := range v.Fields {
		if v.Fields[i].Field == field {
			v.Fields[i].Msgs = append(v.Fields[i].Msgs, m)
			return
		}
	}
	v.Fields = append(v.Fields, FieldErrors{Field: field, Msgs: []Msg{m}})
}

// AddNonField records a message about the input as a whole.
func (v *Invalid) AddNonField(code, text string) {
	v.NonField = append(v.NonField, Msg{Code: code, Text: text})
}

// NonFieldArg records a message about the input as a whole with a code
// from codes.go and its argument.
func (v *Invalid) NonFieldArg(code string, arg any) {
	v.NonField = append(v.NonField, Msg{Code: code, arg: arg})
}

// Has reports whether field already has a message.
func (v *Invalid) Has(field string) bool {
	if v == nil {
		return false
	}
	for _, f := range v.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Empty reports whether nothing was recorded.
func (v *Invalid) Empty() bool { return v == nil || len(v.Fields) == 0 && len(v.NonField) == 0 }

// Err returns v as an error, or nil when it is empty.
func (v *Invalid) Err() error {
	if v == nil || v.Empty() {
		return nil
	}
	return v
}

// Begin starts a validation with the problems a surface already found
// reading the input (nil when none), so that the domain's own findings are
// reported with them in one answer, as DRF reports every bad field at once.
// The result is a copy: unread is not changed. A field already in it is
// not checked again, and nothing is written while it holds anything.
func Begin(unread *Invalid) *Invalid {
	v := &Invalid{}
	v.Merge(unread)
	return v
}

// Merge appends the messages of other to v.
func (v *Invalid) Merge(other *Invalid) {
	if other == nil {
		return
	}
	for _, f := range other.Fields {
		for _, m := range f.Msgs {
			v.add(f.Field, m)
		}
	}
	v.NonField = append(v.NonField, other.NonField...)
}

// Field returns a one-field validation error.
func Field(field, code, text string) error {
	v := &Invalid{}
	v.Add(field, code, text)
	return v
}

// NonField returns a validation error about the input as a whole.
func NonField(code, text string) error {
	v := &Invalid{}
	v.AddNonField(code, text)
	return v
}

// AsInvalid extracts a validation error.
func AsInvalid(err error) (*Invalid, bool) {
	var v *Invalid
	if errors.As(err, &v) {
		return v, true
	}
	return nil, false
}

// Codes lists every code in a validation error, fields first.
func (v *Invalid) Codes() []string {
	var out []string
	for _, f := range v.Fields {
		for _, m := range f.Msgs {
			out = append(out, m.Code)
		}
	}
	for _, m := range v.NonField {
		out = append(out, m.Code)
	}
	return out
}
