// Package drf speaks Django REST framework's dialect: field decoding with its
// messages, and its error bodies ({"field": ["msg"]}, {"detail": "..."}).
// The Momentors, tutoring and scheduler surfaces all come from DRF systems.
package drf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/timefmt"
)

// DRF's field messages.
const (
	MsgRequired    = "This field is required."
	MsgNull        = "This field may not be null."
	MsgBlank       = "This field may not be blank."
	MsgNotString   = "Not a valid string."
	MsgInvalidInt  = "A valid integer is required."
	MsgInvalidBool = "Must be a valid boolean."
	MsgDateTime    = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
	MsgNotFound    = "Not found."
	MsgForbidden   = "You do not have permission to perform this action."
	MsgServerError = "A server error occurred."
)

// MsgNullCharacters is DRF's message for text holding NUL characters, which
// PostgreSQL cannot store.
const MsgNullCharacters = "Null characters are not allowed."

// CleanText reports whether s is valid UTF-8 without NUL characters.
func CleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func (f *Form) checkText(name, s string) bool {
	if !utf8.ValidString(s) {
		f.v.Add(name, "invalid", MsgNotString)
		return false
	}
	if strings.ContainsRune(s, 0) {
		f.v.Add(name, "null_characters_not_allowed", MsgNullCharacters)
		return false
	}
	return true
}

// Form reads fields from a request body and collects DRF-style messages.
type Form struct {
	in *httpapi.Input
	v  errs.Invalid
}

// NewForm starts reading in.
func NewForm(in *httpapi.Input) *Form { return &Form{in: in} }

// Invalid returns the messages collected so far.
func (f *Form) Invalid() *errs.Invalid { return &f.v }

// Err returns the collected messages as an error, or nil.
func (f *Form) Err() error { return f.v.Err() }

// Has reports whether the field was sent.
func (f *Form) Has(name string) bool { return f.in.Has(name) }

// File returns an uploaded file, or nil.
func (f *Form) File(name string) *multipart.FileHeader { return f.in.File(name) }

// Value returns a field as sent.
func (f *Form) Value(name string) (any, bool) { return f.in.Get(name) }

// Fail records a message about a field.
func (f *Form) Fail(name, code, msg string) { f.v.Add(name, code, msg) }

// Str describes a string field.
type Str struct {
	Required   bool
	AllowBlank bool
	AllowNull  bool // null reads as ""
	Max        int
}

// Str reads a string field; nil when absent or invalid.
func (f *Form) Str(name string, o Str) *string {
	raw, ok := f.in.Get(name)
	if !ok {
		if o.Required {
			f.v.Add(name, "required", MsgRequired)
		}
		return nil
	}
	var s string
	switch v := raw.(type) {
	case nil:
		if !o.AllowNull {
			f.v.Add(name, "null", MsgNull)
			return nil
		}
	case string:
		s = v
	case json.Number:
		s = v.String()
	default: // DRF refuses booleans, lists and objects as strings
		f.v.Add(name, "invalid", MsgNotString)
		return nil
	}
	if !f.checkText(name, s) {
		return nil
	}
	s = strings.TrimSpace(s)
	if s == "" && !o.AllowBlank && !(raw == nil && o.AllowNull) {
		f.v.Add(name, "blank", MsgBlank)
		return nil
	}
	if o.Max > 0 && utf8.RuneCountInString(s) > o.Max {
		f.v.Add(name, "max_length", fmt.Sprintf("Ensure this field has no more than %d characters.", o.Max))
		return nil
	}
	return &s
}

// Raw returns a string field without trimming, or nil (for passwords).
func (f *Form) Raw(name string, required bool) *string {
	raw, ok := f.in.Get(name)
	if !ok {
		if required {
			f.v.Add(name, "required", MsgRequired)
		}
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
	case nil:
		f.v.Add(name, "null", MsgNull)
	default:
		f.v.Add(name, "invalid", MsgNotString)
	}
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

// PK reads a primary key (an integer, or a string of digits).
func (f *Form) PK(name string, required bool) *int64 {
	raw, ok := f.in.Get(name)
	if !ok {
		if required {
			f.v.Add(name, "required", MsgRequired)
		}
		return nil
	}
	if raw == nil {
		f.v.Add(name, "null", MsgNull)
		return nil
	}
	n, ok := ParseInt(raw)
	if !ok {
		f.v.Add(name, "incorrect_type", fmt.Sprintf("Incorrect type. Expected pk value, received %s.", pyType(raw)))
		return nil
	}
	id := int64(n)
	return &id
}

// Bool reads a boolean field; nil when absent or invalid.
func (f *Form) Bool(name string, required bool) *bool {
	raw, ok := f.in.Get(name)
	if !ok {
		if required {
			f.v.Add(name, "required", MsgRequired)
		}
		return nil
	}
	if raw == nil {
		f.v.Add(name, "null", MsgNull)
		return nil
	}
	b, ok := ParseBool(raw)
	if !ok {
		f.v.Add(name, "invalid", MsgInvalidBool)
		return nil
	}
	return &b
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

// Int reads an integer field; nil when absent or invalid.
func (f *Form) Int(name string, required bool) *int {
	raw, ok := f.in.Get(name)
	if !ok {
		if required {
			f.v.Add(name, "required", MsgRequired)
		}
		return nil
	}
	if raw == nil {
		f.v.Add(name, "null", MsgNull)
		return nil
	}
	n, ok := ParseInt(raw)
	if !ok {
		f.v.Add(name, "invalid", MsgInvalidInt)
		return nil
	}
	return &n
}

// List reads a list of strings. A JSON list, a repeated form field, or (with
// commaSeparated) one comma-separated string are accepted. nil when absent.
func (f *Form) List(name string, required, commaSeparated bool) []string {
	raw, ok := f.in.Get(name)
	if !ok {
		if required {
			f.v.Add(name, "required", MsgRequired)
		}
		return nil
	}
	var out []string
	switch v := raw.(type) {
	case []any:
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				f.v.Add(name, "invalid", MsgNotString)
				return nil
			}
			out = append(out, s)
		}
	case []string:
		out = v
	case string:
		if !commaSeparated {
			f.v.Add(name, "not_a_list", `Expected a list of items but got type "str".`)
			return nil
		}
		for _, s := range strings.Split(v, ",") {
			if strings.TrimSpace(s) != "" {
				out = append(out, s)
			}
		}
	case nil:
		f.v.Add(name, "null", MsgNull)
		return nil
	default:
		f.v.Add(name, "not_a_list", fmt.Sprintf("Expected a list of items but got type %q.", pyType(v)))
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

func pyType(v any) string {
	switch v.(type) {
	case json.Number:
		return "int"
	case bool:
		return "bool"
	case map[string]any:
		return "dict"
	}
	return "str"
}

// DateTime reads an ISO 8601 date-time field (UTC when naive).
func (f *Form) DateTime(name string, required bool) *time.Time {
	raw, ok := f.in.Get(name)
	if !ok {
		if required {
			f.v.Add(name, "required", MsgRequired)
		}
		return nil
	}
	s, ok := raw.(string)
	if !ok {
		if raw == nil {
			f.v.Add(name, "null", MsgNull)
		} else {
			f.v.Add(name, "invalid", MsgDateTime)
		}
		return nil
	}
	t, err := timefmt.Parse(s)
	if err != nil {
		f.v.Add(name, "invalid", MsgDateTime)
		return nil
	}
	return &t
}

// Renderer writes errors as DRF does.
type Renderer struct {
	Log *slog.Logger
	// AuthScheme goes into WWW-Authenticate on 401 ("Token" or "Bearer").
	AuthScheme string
}

// Error renders err with the status DRF would use.
func (rd Renderer) Error(w http.ResponseWriter, r *http.Request, err error) {
	rd.render(w, r, err, false)
}

// ErrorList renders like Error, except that errors about the input as a
// whole become a bare JSON list (["msg"]), as some original views did.
func (rd Renderer) ErrorList(w http.ResponseWriter, r *http.Request, err error) {
	rd.render(w, r, err, true)
}

func (rd Renderer) render(w http.ResponseWriter, r *http.Request, err error, bare bool) {
	if httpapi.DependencyDown(err) {
		if rd.Log != nil {
			rd.Log.Warn("dependency unavailable", "request_id", httpapi.RequestID(r.Context()), "err", err)
		}
		w.Header().Set("Retry-After", "5")
		httpapi.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"detail": httpapi.MsgUnavailable})
		return
	}
	if v, ok := errs.AsInvalid(err); ok {
		if bare && len(v.Fields) == 0 {
			list := make([]string, len(v.NonField))
			for i, m := range v.NonField {
				list[i] = m.Text
			}
			httpapi.WriteJSON(w, http.StatusBadRequest, list)
			return
		}
		writeRaw(w, http.StatusBadRequest, InvalidJSON(v))
		return
	}
	var e *errs.Error
	if errors.As(err, &e) {
		status := map[errs.Kind]int{
			errs.KindNotFound: 404, errs.KindForbidden: 403, errs.KindConflict: 409,
			errs.KindUnauthenticated: 401, errs.KindUnavailable: 503, errs.KindTooMany: 429, errs.KindInvalid: 400,
			errs.KindNotAcceptable: 406,
		}[e.Kind]
		if e.Kind == errs.KindTooMany {
			if w.Header().Get("Retry-After") == "" {
				w.Header().Set("Retry-After", "60")
			}
		}
		if e.Kind == errs.KindUnauthenticated {
			scheme := rd.AuthScheme
			if scheme == "" {
				scheme = "Token"
			}
			w.Header().Set("WWW-Authenticate", scheme)
		}
		httpapi.WriteJSON(w, status, map[string]string{"detail": e.Message})
		return
	}
	var (
		mna *httpapi.MethodNotAllowed
		umt *httpapi.UnsupportedMediaType
		mal *httpapi.Malformed
		big *httpapi.TooLarge
	)
	switch {
	case errors.As(err, &mna):
		httpapi.WriteJSON(w, 405, map[string]string{"detail": fmt.Sprintf("Method %q not allowed.", mna.Method)})
	case errors.Is(err, httpapi.RouteNotFound{}):
		httpapi.WriteJSON(w, 404, map[string]string{"detail": MsgNotFound})
	case errors.As(err, &umt):
		httpapi.WriteJSON(w, 415, map[string]string{"detail": fmt.Sprintf("Unsupported media type %q in request.", umt.ContentType)})
	case errors.As(err, &mal):
		httpapi.WriteJSON(w, 400, map[string]string{"detail": mal.Detail})
	case errors.As(err, &big):
		httpapi.WriteJSON(w, 413, map[string]string{"detail": "Request body is too large."})
	default:
		if rd.Log != nil {
			rd.Log.Error("request failed", "request_id", httpapi.RequestID(r.Context()), "err", err)
		}
		httpapi.WriteJSON(w, 500, map[string]string{"detail": MsgServerError})
	}
}

// InvalidJSON renders a validation error as DRF does: field messages in the
// order the fields were checked, then "non_field_errors".
func InvalidJSON(v *errs.Invalid) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	write := func(key string, msgs []errs.Msg) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		b.Write(k)
		b.WriteString(":[")
		for i, m := range msgs {
			if i > 0 {
				b.WriteByte(',')
			}
			t, _ := json.Marshal(m.Text)
			b.Write(t)
		}
		b.WriteByte(']')
	}
	for _, f := range v.Fields {
		write(f.Field, f.Msgs)
	}
	if len(v.NonField) > 0 {
		write("non_field_errors", v.NonField)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}
