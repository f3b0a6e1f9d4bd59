package web

import "strings"

// field is one labelled input of a form, as the "field" template shows it.
type field struct {
	Name, Label, Type  string
	Value, Error, Hint string
	Autocomplete       string
	Min, Max, Step     string
	Required           bool
	Options            []option
}

type option struct {
	Value, Label string
	Selected     bool
}

// fld builds a field from what the form holds. opts are "required",
// "autocomplete=…", "hint=…", "value=…" (shown when the form was not
// sent), "min=…", "max=…", "step=…".
func fld(f *formState, name, label, typ string, opts ...string) field {
	fd := field{Name: name, Label: label, Type: typ, Error: f.Err(name)}
	sent := f != nil && f.Values != nil
	if sent {
		fd.Value = f.Val(name)
	}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "required":
			fd.Required = true
		case "autocomplete":
			fd.Autocomplete = v
		case "hint":
			fd.Hint = v
		case "value":
			if !sent {
				fd.Value = v
			}
		case "min":
			fd.Min = v
		case "max":
			fd.Max = v
		case "step":
			fd.Step = v
		}
	}
	if typ == "password" {
		fd.Value = "" // never sent back
	}
	return fd
}

// choices turns a select field's values and labels ("value|label", or
// just the value) into options, the form's value (or def) chosen.
func choices(fd field, def string, items []string) field {
	fd.Type = "select"
	cur := fd.Value
	if cur == "" {
		cur = def
	}
	for _, it := range items {
		v, l, ok := strings.Cut(it, "|")
		if !ok {
			l = v
		}
		fd.Options = append(fd.Options, option{Value: v, Label: l, Selected: v == cur})
	}
	return fd
}
