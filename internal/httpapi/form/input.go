// Package form reads request bodies — JSON, urlencoded and multipart, as
// DRF's parsers do — and the typed fields in them, recording what it cannot
// read as field messages with codes (errs), which each surface words.
package form

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
)

// UnsupportedMediaType is the error for a body in a format the route does not read.
type UnsupportedMediaType struct{ ContentType string }

func (e *UnsupportedMediaType) Error() string {
	return fmt.Sprintf("unsupported media type %q", e.ContentType)
}

// Malformed is the error for a body that cannot be parsed.
type Malformed struct{ Detail string }

func (e *Malformed) Error() string { return e.Detail }

// TooLarge is the error for a body over the route's limit.
type TooLarge struct{ Limit int64 }

func (e *TooLarge) Error() string { return fmt.Sprintf("request body larger than %d bytes", e.Limit) }

// Input is a decoded request body: a JSON document, or form fields and files.
type Input struct {
	// JSON is the decoded document when the body was JSON (numbers are
	// json.Number); nil for forms and empty bodies.
	JSON   any
	fields map[string]any // JSON object members, or form values as string / []string
	files  map[string][]*multipart.FileHeader
	form   bool
	null   bool
}

// IsNull reports whether the body was the JSON literal null.
func (in *Input) IsNull() bool { return in.null }

// IsForm reports whether the body was a form (urlencoded or multipart).
func (in *Input) IsForm() bool { return in.form }

// Get returns a field: for JSON any decoded value, for forms a string (or a
// []string when the field was repeated).
func (in *Input) Get(name string) (any, bool) {
	v, ok := in.fields[name]
	return v, ok
}

// Has reports whether the field was sent, as a value or as a file.
func (in *Input) Has(name string) bool {
	_, ok := in.fields[name]
	return ok || len(in.files[name]) > 0
}

// File returns the first file uploaded under name.
func (in *Input) File(name string) *multipart.FileHeader {
	if f := in.files[name]; len(f) > 0 {
		return f[0]
	}
	return nil
}

// Keys lists the fields sent.
func (in *Input) Keys() []string {
	out := make([]string, 0, len(in.fields)+len(in.files))
	for k := range in.fields {
		out = append(out, k)
	}
	for k := range in.files {
		if _, dup := in.fields[k]; !dup {
			out = append(out, k)
		}
	}
	return out
}

// WithFields returns an input holding the given object's members (for bodies
// that wrap the object, such as a one-element list).
func (in *Input) WithFields(obj map[string]any) *Input {
	return &Input{JSON: obj, fields: obj, files: in.files, form: in.form}
}

// Read decodes the body as JSON, urlencoded form or multipart form,
// by its Content-Type. An empty body is an empty object; a body without a
// Content-Type is read as JSON.
func Read(r *http.Request) (*Input, error) {
	in := &Input{fields: map[string]any{}}
	ct := r.Header.Get("Content-Type")
	mt := "application/json"
	if ct != "" {
		var err error
		mt, _, err = mime.ParseMediaType(ct)
		if err != nil {
			return nil, &UnsupportedMediaType{ContentType: ct}
		}
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, bodyErr(err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return in, nil
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			return nil, &Malformed{Detail: "JSON parse error - " + err.Error()}
		}
		if dec.More() {
			return nil, &Malformed{Detail: "JSON parse error - extra data after the JSON value"}
		}
		in.JSON = doc
		in.null = doc == nil
		if obj, ok := doc.(map[string]any); ok {
			in.fields = obj
		}
		return in, nil
	case mt == "application/x-www-form-urlencoded":
		in.form = true
		// Read here rather than by ParseForm, which ignores the body of a
		// DELETE; DRF clients send contact_id that way too.
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, bodyErr(err)
		}
		values, err := url.ParseQuery(string(data))
		if err != nil {
			return nil, &Malformed{Detail: "Malformed request body - " + err.Error()}
		}
		for k, v := range values {
			in.fields[k] = formValue(v)
		}
		return in, nil
	case mt == "multipart/form-data":
		in.form = true
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return nil, bodyErr(err)
		}
		for k, v := range r.MultipartForm.Value {
			in.fields[k] = formValue(v)
		}
		in.files = r.MultipartForm.File
		return in, nil
	}
	return nil, &UnsupportedMediaType{ContentType: ct}
}

func formValue(v []string) any {
	if len(v) == 1 {
		return v[0]
	}
	return append([]string(nil), v...)
}

func bodyErr(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return &TooLarge{Limit: mb.Limit}
	}
	if errors.Is(err, multipart.ErrMessageTooLarge) {
		return &TooLarge{}
	}
	return &Malformed{Detail: "Malformed request body - " + err.Error()}
}
