package form

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"testing"
)

// FuzzForm reads every kind of field out of any JSON body: values come back
// typed or as coded messages, never a panic.
func FuzzForm(f *testing.F) {
	f.Add([]byte(`{"s": "x", "b": "True", "i": "12", "l": ["a", 1], "d": "2030-01-01T00:00:00Z", "p": 3}`))
	f.Add([]byte(`{"s": null, "b": 2, "i": 1.5, "l": "a,b", "d": 5, "p": "x"}`))
	f.Add([]byte(`{"s": "\u0000", "l": [null]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		in, err := Read(r)
		if err != nil {
			return
		}
		form := New(in)
		for _, name := range []string{"s", "b", "i", "l", "d", "p", "missing"} {
			form.Str(name, Str{Max: 10})
			form.Raw(name, true)
			form.Bool(name, true)
			form.Int(name, true)
			form.PK(name, true)
			form.List(name, true, true)
			form.DateTime(name, true)
		}
		for _, f := range form.Invalid().Fields {
			for _, m := range f.Msgs {
				if m.Code == "" {
					t.Fatalf("message without a code about %s: %+v", f.Field, m)
				}
			}
		}
	})
}

// FuzzRead feeds any body under any content type to the body decoder:
// it must return an Input or one of its typed errors, never panic.
func FuzzRead(f *testing.F) {
	f.Add("application/json", []byte(`{"a": [1, {"b": null}], "c": "d"}`))
	f.Add("application/x-www-form-urlencoded", []byte("a=1&a=2&b=%ZZ"))
	f.Add("multipart/form-data; boundary=X", []byte("--X\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.png\"\r\n\r\nPNG\r\n--X--\r\n"))
	f.Add("text/plain", []byte("hello"))
	f.Add("", []byte("[1,2,3] trailing"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		r := httptest.NewRequest("POST", "/x", bytes.NewReader(body))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		in, err := Read(r)
		if err != nil {
			var (
				umt *UnsupportedMediaType
				mal *Malformed
				big *TooLarge
			)
			if !errors.As(err, &umt) && !errors.As(err, &mal) && !errors.As(err, &big) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		for _, k := range in.Keys() {
			in.Get(k)
			in.File(k)
		}
	})
}
