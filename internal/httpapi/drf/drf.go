// Package drf words and shapes errors as Django REST framework does: field
// messages as {"field": ["msg"]}, everything else as {"detail": "..."}, in
// DRF's own words for the generic checks. The Momentors, tutoring and
// scheduler surfaces come from DRF systems and answer this way.
package drf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/form"
)

// DRF's wording of the generic checks (errs/codes.go), and of errors whose
// domain text is empty. A %v takes the message's argument.
var words = map[string]string{
	errs.CodeRequired:       "This field is required.",
	errs.CodeNull:           "This field may not be null.",
	errs.CodeBlank:          "This field may not be blank.",
	errs.CodeMaxLength:      "Ensure this field has no more than %v characters.",
	errs.CodeMinValue:       "Ensure this value is greater than or equal to %v.",
	errs.CodeMaxValue:       "Ensure this value is less than or equal to %v.",
	errs.CodeMaxItems:       "Ensure this field has no more than %v elements.",
	errs.CodeEmptyList:      "This selection may not be empty.",
	errs.CodeInvalidChoice:  "%q is not a valid choice.",
	errs.CodeNotString:      "Not a valid string.",
	errs.CodeNotInteger:     "A valid integer is required.",
	errs.CodeNotBoolean:     "Must be a valid boolean.",
	errs.CodeNotDateTime:    "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
	errs.CodeNotList:        `Expected a list of items but got type "%v".`,
	errs.CodeNotPK:          "Incorrect type. Expected pk value, received %v.",
	errs.CodeDoesNotExist:   `Invalid pk "%v" - object does not exist.`,
	errs.CodeNullCharacters: "Null characters are not allowed.",
	errs.CodeInvalidEmail:   "Enter a valid email address.",
	errs.CodeNoData:         "No data provided",
	errs.CodeNotObject:      "Invalid data. Expected a dictionary, but got %v.",
}

// Words word messages as DRF does; a surface whose original worded some
// codes its own way lists them in Own.
type Words struct {
	Own map[string]string
}

// Message is the text of a validation message.
func (ws Words) Message(m errs.Msg) string {
	if m.Text != "" {
		return m.Text
	}
	format, ok := ws.Own[m.Code]
	if !ok {
		if format, ok = words[m.Code]; !ok {
			return m.Code
		}
	}
	if arg := m.Arg(); arg != nil && strings.Contains(format, "%") {
		return fmt.Sprintf(format, arg)
	}
	return format
}

// Word is a message in DRF's own words.
func Word(m errs.Msg) string { return Words{}.Message(m) }

// Detail is the text of an error that is not about fields: the domain's own
// message, else DRF's for its kind.
func Detail(e *errs.Error) string {
	if e.Message != "" {
		return e.Message
	}
	switch e.Kind {
	case errs.KindNotFound:
		return MsgNotFound
	case errs.KindForbidden:
		return MsgForbidden
	}
	return e.Code
}

// DRF's messages of its own.
const (
	MsgNotFound    = "Not found."
	MsgForbidden   = "You do not have permission to perform this action."
	MsgServerError = "A server error occurred."
)

// Renderer answers errors as DRF does; challenge is the WWW-Authenticate
// scheme of a 401 ("Token", "Bearer").
func Renderer(log *slog.Logger, challenge string) httpapi.ErrorRenderer {
	return httpapi.ErrorRenderer{Log: log, Challenge: challenge, Body: Words{}.Body}
}

// Body is DRF's answer to err with status.
func (ws Words) Body(status int, err error) any {
	if v, ok := errs.AsInvalid(err); ok {
		return json.RawMessage(ws.InvalidJSON(v))
	}
	return map[string]string{"detail": ws.detail(status, err)}
}

// BareList answers like Body, except that a validation error with no field
// messages is a bare JSON list (["msg"]), as some original views made it.
func (ws Words) BareList(status int, err error) any {
	if v, ok := errs.AsInvalid(err); ok && len(v.Fields) == 0 {
		list := make([]string, len(v.NonField))
		for i, m := range v.NonField {
			list[i] = ws.Message(m)
		}
		return list
	}
	return ws.Body(status, err)
}

func (ws Words) detail(status int, err error) string {
	var (
		e   *errs.Error
		mna *httpapi.MethodNotAllowed
		umt *form.UnsupportedMediaType
		mal *form.Malformed
	)
	switch {
	case status == http.StatusServiceUnavailable:
		return httpapi.MsgUnavailable
	case errors.As(err, &e):
		return Detail(e)
	case errors.As(err, &mna):
		return fmt.Sprintf("Method %q not allowed.", mna.Method)
	case errors.As(err, &umt):
		return fmt.Sprintf("Unsupported media type %q in request.", umt.ContentType)
	case errors.As(err, &mal):
		return mal.Detail
	case status == http.StatusRequestEntityTooLarge:
		return "Request body is too large."
	case status == http.StatusNotFound:
		return MsgNotFound
	}
	return MsgServerError
}

// InvalidJSON renders a validation error as DRF does: field messages in the
// order the fields were checked, then "non_field_errors".
func (ws Words) InvalidJSON(v *errs.Invalid) []byte {
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
			t, _ := json.Marshal(ws.Message(m))
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
