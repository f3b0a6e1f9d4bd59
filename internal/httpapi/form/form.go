package form

import (
	"encoding/json"
	"math"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/timefmt"
)

// Form reads fields out of a request body the way DRF's serializer fields
// do, and collects a message for each one it cannot read. The messages have
// the codes of errs/codes.go; a surface words them.
type Form struct {
	in *Input
	v  errs.Invalid
}

// New starts reading in.
func New(in *Input) *Form { return &Form{in: in} }

// Object reads the body, which must be one JSON object (or a form): a JSON
// null or another JSON value is refused as DRF's serializers refuse it, as a
// message about the input as a whole (CodeNoData, CodeNotObject).
func Object(r *http.Request) (*Form, error) {
	in, err := Read(r)
	if err != nil {
		return nil, err
	}
	return ObjectOf(in)
}

// ObjectOrNull reads the body as Object does, except that JSON null is an
// empty object, as some of the original APIs read it.
func ObjectOrNull(r *http.Request) (*Form, error) {
	in, err := Read(r)
	if err != nil || in.IsNull() {
		return New(in), err
	}
	return ObjectOf(in)
}

// ObjectOf checks that a body read already is one object.
func ObjectOf(in *Input) (*Form, error) {
	if in.IsNull() {
		v := &errs.Invalid{}
		v.NonFieldArg(errs.CodeNoData, nil)
		return nil, v
	}
	if in.JSON != nil {
		if _, ok := in.JSON.(map[string]any); !ok {
			v := &errs.Invalid{}
			v.NonFieldArg(errs.CodeNotObject, jsonKind(in.JSON))
			return nil, v
		}
	}
	return New(in), nil
}

// jsonKind names a JSON value's type as Python (and so DRF's messages) does.
func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "list"
	case string:
		return "str"
	case bool:
		return "bool"
	case json.Number:
		return "int"
	case map[string]any:
		return "dict"
	}
	return "NoneType"
}

// Input is the body being read.
func (f *Form) Input() *Input { return f.in }

// Invalid returns the messages collected so far; a domain call takes them as
// the problems it reports with its own (errs.Begin).
func (f *Form) Invalid() *errs.Invalid { return &f.v }

// Err returns the collected messages as an error, or nil.
func (f *Form) Err() error { return f.v.Err() }

// Has reports whether the field was sent.
func (f *Form) Has(name string) bool { return f.in.Has(name) }

// File returns an uploaded file, or nil.
func (f *Form) File(name string) *multipart.FileHeader { return f.in.File(name) }

// Value returns a field as sent.
func (f *Form) Value(name string) (any, bool) { return f.in.Get(name) }

// Fail records a message with the domain's own text about a field.
func (f *Form) Fail(name, code, text string) { f.v.Add(name, code, text) }

// FailArg records a message with one of the generic codes about a field.
func (f *Form) FailArg(name, code string, arg any) { f.v.FieldArg(name, code, arg) }

// CleanText reports whether s is valid UTF-8 without NUL characters, which
// PostgreSQL cannot store.
func CleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func (f *Form) checkText(name, s string) bool {
	if !utf8.ValidString(s) {
		f.FailArg(name, errs.CodeNotString, nil)
		return false
	}
	if strings.ContainsRune(s, 0) {
		f.FailArg(name, errs.CodeNullCharacters, nil)
		return false
	}
	return true
}

// present returns the field's value, recording a message when it is absent
// but required or (unless allowed) null.
func (f *Form) present(name string, required, allowNull bool) (any, bool) {
	raw, ok := f.in.Get(name)
	if !ok {
		if required {
			f.FailArg(name, errs.CodeRequired, nil)
		}
		return nil, false
	}
	if raw == nil && !allowNull {
		f.FailArg(name, errs.CodeNull, nil)
		return nil, false
	}
	return raw, true
}

// Str describes a string field.
type Str struct {
	Required   bool
	AllowBlank bool
	AllowNull  bool // null reads as ""
	Max        int
}

// Str reads a trimmed string field; nil when absent or invalid.
func (f *Form) Str(name string, o Str) *string {
	raw, ok := f.present(name, o.Required, o.AllowNull)
	if !ok {
		return nil
	}
	var s string
	switch v := raw.(type) {
	case nil:
	case string:
		s = v
	case json.Number:
		s = v.String()
	default: // DRF refuses booleans, lists and objects as strings
		f.FailArg(name, errs.CodeNotString, nil)
		return nil
	}
	if !f.checkText(name, s) {
		return nil
	}
	s = strings.TrimSpace(s)
	if s == "" && !o.AllowBlank && raw != nil {
		f.FailArg(name, errs.CodeBlank, nil)
		return nil
	}
	if o.Max > 0 && utf8.RuneCountInString(s) > o.Max {
		f.FailArg(name, errs.CodeMaxLength, o.Max)
		return nil
	}
	return &s
}

// Raw returns a string field without trimming, or nil (for passwords).
func (f *Form) Raw(name string, required bool) *string {
	raw, ok := f.present(name, required, false)
	if !ok {
		return nil
	}
	switch v := raw.(type) {
	case string:
		if !f.checkText(name, v) {
			return nil
		}
		return &v
	case json.Number:
		s := v.String()
		return &s
	}
	f.FailArg(name, errs.CodeNotString, nil)
	return nil
}

var (
	trueWords  = map[string]bool{"t": true, "y": true, "yes": true, "true": true, "on": true, "1": true}
	falseWords = map[string]bool{"f": true, "n": true, "no": true, "false": true, "off": true, "0": true}
)

// ParseBool reads a boolean the way DRF does: true/false in any case,
// 1/0, yes/no, on/off, t/f, y/n.
func ParseBool(raw any) (bool, bool) {
	switch v := raw.(type) {
	case bool:
		return v, true
	case json.Number:
		switch v.String() {
		case "1", "1.0":
			return true, true
		case "0", "0.0":
			return false, true
		}
	case string:
		s := strings.ToLower(strings.TrimSpace(v))
		if trueWords[s] {
			return true, true
		}
		if falseWords[s] {
			return false, true
		}
	}
	return false, false
}

// ParseInt reads an integer the way DRF does: a JSON integer, a whole
// float, or a string of digits.
func ParseInt(raw any) (int, bool) {
	var s string
	switch v := raw.(type) {
	case json.Number:
		s = v.String()
	case string:
		s = strings.TrimSpace(v)
	default:
		return 0, false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return int(n), true
	}
	if fl, err := strconv.ParseFloat(s, 64); err == nil && fl == math.Trunc(fl) && math.Abs(fl) < 1e15 {
		return int(fl), true
	}
	return 0, false
}

// PK reads a primary key (an integer, or a string of digits).
func (f *Form) PK(name string, required bool) *int64 {
	raw, ok := f.present(name, required, false)
	if !ok {
		return nil
	}
	n, ok := ParseInt(raw)
	if !ok {
		f.FailArg(name, errs.CodeNotPK, PyType(raw))
		return nil
	}
	id := int64(n)
	return &id
}

// Bool reads a boolean field; nil when absent or invalid.
func (f *Form) Bool(name string, required bool) *bool {
	raw, ok := f.present(name, required, false)
	if !ok {
		return nil
	}
	b, ok := ParseBool(raw)
	if !ok {
		f.FailArg(name, errs.CodeNotBoolean, nil)
		return nil
	}
	return &b
}

// Int reads an integer field; nil when absent or invalid.
func (f *Form) Int(name string, required bool) *int {
	raw, ok := f.present(name, required, false)
	if !ok {
		return nil
	}
	n, ok := ParseInt(raw)
	if !ok {
		f.FailArg(name, errs.CodeNotInteger, nil)
		return nil
	}
	return &n
}

// List reads a list of strings. A JSON list, a repeated form field, or (with
// commaSeparated) one comma-separated string are accepted. nil when absent.
func (f *Form) List(name string, required, commaSeparated bool) []string {
	raw, ok := f.present(name, required, false)
	if !ok {
		return nil
	}
	var out []string
	switch v := raw.(type) {
	case []any:
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				f.FailArg(name, errs.CodeNotString, nil)
				return nil
			}
			out = append(out, s)
		}
	case []string:
		out = v
	case string:
		if !commaSeparated {
			f.FailArg(name, errs.CodeNotList, "str")
			return nil
		}
		for _, s := range strings.Split(v, ",") {
			if strings.TrimSpace(s) != "" {
				out = append(out, s)
			}
		}
	default:
		f.FailArg(name, errs.CodeNotList, PyType(v))
		return nil
	}
	for _, s := range out {
		if !f.checkText(name, s) {
			return nil
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// PyType names a decoded JSON value's type as Python does, for the DRF
// messages that quote it ("received str", "got type \"list\"").
func PyType(v any) string {
	switch v.(type) {
	case string, []string: // a repeated form field: DRF reads its last value
		return "str"
	case json.Number:
		return "int"
	case bool:
		return "bool"
	case map[string]any:
		return "dict"
	case nil:
		return "NoneType"
	}
	return "list"
}

// DateTime reads an ISO 8601 date-time field (UTC when naive).
func (f *Form) DateTime(name string, required bool) *time.Time {
	raw, ok := f.present(name, required, false)
	if !ok {
		return nil
	}
	s, ok := raw.(string)
	t, err := timefmt.Parse(s)
	if !ok || err != nil {
		f.FailArg(name, errs.CodeNotDateTime, nil)
		return nil
	}
	return &t
}
