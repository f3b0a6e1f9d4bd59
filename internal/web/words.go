package web

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/errs"
)

// words are the web app's wording of the generic checks (errs/codes.go):
// plain words for a person, not an API's. A %v takes the argument.
var words = map[string]string{
	errs.CodeRequired:       "Please fill this in.",
	errs.CodeNull:           "Please fill this in.",
	errs.CodeBlank:          "This cannot be empty.",
	errs.CodeMaxLength:      "Use at most %v characters.",
	errs.CodeMinValue:       "Use a number of at least %v.",
	errs.CodeMaxValue:       "Use a number of at most %v.",
	errs.CodeMaxItems:       "Choose at most %v.",
	errs.CodeEmptyList:      "Choose at least one.",
	errs.CodeInvalidChoice:  "Choose one of the options (%q is not one).",
	errs.CodeNotString:      "Type text here.",
	errs.CodeNotInteger:     "Type a whole number.",
	errs.CodeNotBoolean:     "Choose yes or no.",
	errs.CodeNotDateTime:    "Enter a date and a time.",
	errs.CodeNotList:        "Choose from the list.",
	errs.CodeNotPK:          "Choose from the list.",
	errs.CodeDoesNotExist:   "That is no longer there; reload the page.",
	errs.CodeNullCharacters: "This holds characters that cannot be kept.",
	errs.CodeInvalidEmail:   "Enter an e-mail address, like name@example.org.",
	errs.CodeNoData:         "The form was empty.",
	errs.CodeNotObject:      "The form was not understood.",
}

// texts reword the domain texts that keep an original API's wording, which
// reads wrong on a page (the API must keep it, lower case and all).
var texts = map[string]string{
	accounts.MsgEmailTaken: "An account already uses this e-mail address.",
}

// message is a validation message in the web app's words: the domain's own
// text when it has one, else the plain wording of its code.
func message(m errs.Msg) string {
	if t, ok := texts[m.Text]; ok {
		return t
	}
	if m.Text != "" {
		return m.Text
	}
	if m.Code == errs.CodeInvalidChoice && strings.TrimSpace(fmt.Sprint(m.Arg())) == "" {
		// An empty field is not "a choice "" that is not one".
		return words[errs.CodeRequired]
	}
	format, ok := words[m.Code]
	if !ok {
		return "This is not right; check it."
	}
	if arg := m.Arg(); arg != nil && strings.Contains(format, "%") {
		return fmt.Sprintf(format, arg)
	}
	return format
}

// detail is an error that is not about fields, in plain words.
func detail(err error) string {
	if v, ok := errs.AsInvalid(err); ok {
		var parts []string
		for _, f := range v.Fields {
			for _, m := range f.Msgs {
				parts = append(parts, message(m))
			}
		}
		for _, m := range v.NonField {
			parts = append(parts, message(m))
		}
		return strings.Join(parts, " ")
	}
	var e *errs.Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	switch errs.KindOf(err) {
	case errs.KindForbidden:
		return "You may not do that."
	case errs.KindNotFound:
		return "That is not there."
	case errs.KindTooMany:
		return "Too many attempts. Wait a minute and try again."
	}
	return "That did not work."
}

func asError(err error, target **errs.Error) bool { return errors.As(err, target) }
