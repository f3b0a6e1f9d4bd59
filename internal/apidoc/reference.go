package apidoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/yuin/goldmark"
)

// The reference page is built on the server from the document alone: no
// script, no stylesheet or font from elsewhere, so it reads the same offline.

type page struct {
	Title, Version string
	Description    template.HTML
	Tags           []tagView
	Schemas        []schemaView
}

type tagView struct {
	Name, Anchor string
	Description  template.HTML
	Ops          []opView
}

type opView struct {
	Anchor, Method, Path, Summary string
	Description                   template.HTML
	Security                      []string
	Params                        []paramView
	Body                          []contentView
	Responses                     []responseView
	line                          int
}

type paramView struct {
	Name, In    string
	Description template.HTML
	Required    bool
	Shape       template.HTML
}

type contentView struct {
	Type    string
	Shape   template.HTML
	Example string
}

type responseView struct {
	Status      string
	Description template.HTML
	Headers     []paramView
	Content     []contentView
}

type schemaView struct {
	Name, Anchor string
	Description  template.HTML
	Shape        template.HTML
}

// Reference renders doc as one HTML page.
func Reference(doc *openapi3.T) ([]byte, error) {
	p := page{Title: doc.Info.Title, Version: doc.Info.Version, Description: markdown(doc.Info.Description)}
	byTag := map[string]*tagView{}
	var order []string
	addTag := func(name, description string) *tagView {
		if t := byTag[name]; t != nil {
			return t
		}
		byTag[name] = &tagView{Name: name, Anchor: "tag-" + anchor(name), Description: markdown(description)}
		order = append(order, name)
		return byTag[name]
	}
	for _, t := range doc.Tags {
		addTag(t.Name, t.Description)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			tag := "Other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			t := addTag(tag, "")
			t.Ops = append(t.Ops, operation(doc, path, method, item, op))
		}
	}
	for _, name := range order {
		t := byTag[name]
		sort.SliceStable(t.Ops, func(i, j int) bool {
			a, b := t.Ops[i], t.Ops[j]
			if a.line != b.line {
				return a.line < b.line
			}
			return a.Path+a.Method < b.Path+b.Method
		})
		if len(t.Ops) > 0 {
			p.Tags = append(p.Tags, *t)
		}
	}
	if doc.Components != nil {
		names := slices.Sorted(maps.Keys(doc.Components.Schemas))
		for _, name := range names {
			ref := doc.Components.Schemas[name]
			v := schemaView{Name: name, Anchor: "schema-" + anchor(name), Shape: shape(&openapi3.SchemaRef{Value: ref.Value}, 0)}
			if ref.Value != nil {
				v.Description = markdown(ref.Value.Description)
			}
			p.Schemas = append(p.Schemas, v)
		}
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func operation(doc *openapi3.T, path, method string, item *openapi3.PathItem, op *openapi3.Operation) opView {
	v := opView{Method: method, Path: path, Summary: op.Summary, Description: markdown(op.Description)}
	v.Anchor = "op-" + anchor(method+" "+path)
	if op.OperationID != "" {
		v.Anchor = "op-" + anchor(op.OperationID)
	}
	if op.Origin != nil && op.Origin.Key != nil {
		v.line = op.Origin.Key.Line
	}
	security := doc.Security
	if op.Security != nil {
		security = *op.Security
	}
	for _, req := range security {
		names := slices.Sorted(maps.Keys(req))
		if len(names) > 0 {
			v.Security = append(v.Security, strings.Join(names, " + "))
		}
	}
	if len(v.Security) == 0 {
		v.Security = []string{"none"}
	}
	// An operation's parameter replaces the path's of the same name and place.
	params := map[string]bool{}
	for _, pr := range op.Parameters {
		if pr.Value != nil {
			params[pr.Value.In+" "+pr.Value.Name] = true
		}
	}
	all := slices.Clone(op.Parameters)
	for _, pr := range item.Parameters {
		if pr.Value != nil && !params[pr.Value.In+" "+pr.Value.Name] {
			all = append(all, pr)
		}
	}
	for _, pr := range all {
		if pr.Value == nil {
			continue
		}
		v.Params = append(v.Params, paramView{Name: pr.Value.Name, In: pr.Value.In, Description: markdown(pr.Value.Description),
			Required: pr.Value.Required, Shape: shape(pr.Value.Schema, 1)})
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		v.Body = contents(op.RequestBody.Value.Content)
	}
	if op.Responses != nil {
		statuses := slices.Sorted(maps.Keys(op.Responses.Map())) // "default" sorts after the numbers
		for _, status := range statuses {
			r := op.Responses.Value(status)
			if r == nil || r.Value == nil {
				continue
			}
			rv := responseView{Status: status, Content: contents(r.Value.Content)}
			if r.Value.Description != nil {
				rv.Description = markdown(*r.Value.Description)
			}
			names := slices.Sorted(maps.Keys(r.Value.Headers))
			for _, name := range names {
				h := r.Value.Headers[name]
				if h == nil || h.Value == nil {
					continue
				}
				rv.Headers = append(rv.Headers, paramView{Name: name, In: "header", Description: markdown(h.Value.Description),
					Required: h.Value.Required, Shape: shape(h.Value.Schema, 1)})
			}
			v.Responses = append(v.Responses, rv)
		}
	}
	return v
}

func contents(c openapi3.Content) []contentView {
	types := slices.Sorted(maps.Keys(c))
	var out []contentView
	for _, t := range types {
		mt := c[t]
		cv := contentView{Type: t, Shape: shape(mt.Schema, 1)}
		ex := mt.Example
		if ex == nil {
			names := slices.Sorted(maps.Keys(mt.Examples))
			if len(names) > 0 && mt.Examples[names[0]].Value != nil {
				ex = mt.Examples[names[0]].Value.Value
			}
		}
		if ex != nil {
			if s, ok := ex.(string); ok && !strings.HasPrefix(t, "application/json") {
				cv.Example = s
			} else if b, err := json.MarshalIndent(ex, "", "  "); err == nil {
				cv.Example = string(b)
			}
		}
		out = append(out, cv)
	}
	return out
}

const maxDepth = 6

// shape writes a schema as a compact type notation: {name: string, ...},
// [item], a | b, with links to named schemas.
func shape(ref *openapi3.SchemaRef, depth int) template.HTML {
	var b strings.Builder
	writeShape(&b, ref, depth, "")
	return template.HTML(b.String())
}

func writeShape(b *strings.Builder, ref *openapi3.SchemaRef, depth int, indent string) {
	if ref == nil || ref.Value == nil {
		b.WriteString("any")
		return
	}
	if ref.Ref != "" && depth > 0 {
		name := ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
		fmt.Fprintf(b, `<a href="#schema-%s">%s</a>`, anchor(name), html.EscapeString(name))
		return
	}
	s := ref.Value
	if depth > maxDepth {
		b.WriteString("…")
		return
	}
	switch {
	case s.Const != nil:
		b.WriteString(html.EscapeString(literal(s.Const)))
		return
	case len(s.Enum) > 0:
		parts := make([]string, len(s.Enum))
		for i, e := range s.Enum {
			parts[i] = html.EscapeString(literal(e))
		}
		b.WriteString(strings.Join(parts, " | "))
		return
	case (len(s.OneOf) > 0 || len(s.AnyOf) > 0) && len(s.Properties) == 0:
		alts := s.OneOf
		if len(alts) == 0 {
			alts = s.AnyOf
		}
		for i, alt := range alts {
			if i > 0 {
				b.WriteString(" | ")
			}
			writeShape(b, alt, depth+1, indent)
		}
		return
	case len(s.AllOf) > 0 && s.Type == nil && len(s.Properties) == 0:
		for i, part := range s.AllOf {
			if i > 0 {
				b.WriteString(" &amp; ")
			}
			writeShape(b, part, depth+1, indent)
		}
		return
	}
	types := []string{}
	if s.Type != nil {
		types = s.Type.Slice()
	}
	nullable := slices.Contains(types, "null")
	types = slices.DeleteFunc(slices.Clone(types), func(t string) bool { return t == "null" })
	switch {
	case len(s.Properties) > 0 || (len(types) == 1 && types[0] == "object"):
		writeObject(b, s, depth, indent)
	case len(types) == 1 && types[0] == "array":
		b.WriteString("[")
		writeShape(b, s.Items, depth+1, indent)
		b.WriteString("]")
	case len(types) == 0:
		b.WriteString("any")
	default:
		b.WriteString(strings.Join(types, " | "))
		if s.Format != "" {
			fmt.Fprintf(b, " (%s)", html.EscapeString(s.Format))
		} else if s.ContentMediaType != "" {
			fmt.Fprintf(b, " (%s)", html.EscapeString(s.ContentMediaType))
		}
	}
	if nullable {
		b.WriteString(" | null")
	}
}

func writeObject(b *strings.Builder, s *openapi3.Schema, depth int, indent string) {
	if len(s.Properties) == 0 {
		if ap := s.AdditionalProperties.Schema; ap != nil {
			b.WriteString("{string: ")
			writeShape(b, ap, depth+1, indent)
			b.WriteString("}")
			return
		}
		b.WriteString("object")
		return
	}
	names := slices.Collect(maps.Keys(s.Properties))
	sort.SliceStable(names, func(i, j int) bool { return propertyLine(s, names[i]) < propertyLine(s, names[j]) })
	inner := indent + "  "
	b.WriteString("{\n")
	for _, name := range names {
		p := s.Properties[name]
		b.WriteString(inner)
		b.WriteString(`<span class="prop">`)
		b.WriteString(html.EscapeString(name))
		b.WriteString("</span>")
		if !slices.Contains(s.Required, name) {
			b.WriteString("?")
		}
		b.WriteString(": ")
		writeShape(b, p, depth+1, inner)
		if p.Value != nil {
			var notes []string
			if p.Value.ReadOnly {
				notes = append(notes, "read-only")
			}
			if p.Value.WriteOnly {
				notes = append(notes, "write-only")
			}
			if d := firstLine(p.Value.Description); d != "" {
				notes = append(notes, d)
			}
			if len(notes) > 0 {
				b.WriteString(`  <span class="note">// `)
				b.WriteString(html.EscapeString(strings.Join(notes, "; ")))
				b.WriteString("</span>")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString(indent + "}")
	for _, rule := range []struct {
		word string
		alts openapi3.SchemaRefs
	}{{"one of", s.OneOf}, {"any of", s.AnyOf}} {
		if len(rule.alts) == 0 {
			continue
		}
		// Alternatives next to properties are usually required-field rules.
		var parts []string
		for _, alt := range rule.alts {
			if alt.Value != nil && len(alt.Value.Required) > 0 && len(alt.Value.Properties) == 0 {
				parts = append(parts, "requires "+strings.Join(alt.Value.Required, ", "))
			}
		}
		if len(parts) == len(rule.alts) {
			fmt.Fprintf(b, `  <span class="note">// %s: %s</span>`, rule.word, html.EscapeString(strings.Join(parts, " | ")))
		}
	}
}

// propertyLine keeps properties in the order the document lists them.
func propertyLine(s *openapi3.Schema, name string) int {
	p := s.Properties[name]
	if p != nil && p.Origin != nil && p.Origin.Key != nil {
		return p.Origin.Key.Line
	}
	if p != nil && p.Ref == "" && p.Value != nil && p.Value.Origin != nil && p.Value.Origin.Key != nil {
		return p.Value.Origin.Key.Line
	}
	if s.Origin != nil {
		if loc, ok := s.Origin.Fields.Lookup(name); ok {
			return loc.Line
		}
	}
	return 1 << 30
}

func literal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func anchor(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

func markdown(s string) template.HTML {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var b bytes.Buffer
	// goldmark's default escapes raw HTML in the source, so a description
	// cannot inject markup.
	if err := goldmark.Convert([]byte(s), &b); err != nil {
		return template.HTML("<p>" + html.EscapeString(s) + "</p>")
	}
	return template.HTML(b.String())
}

func lower(s string) string { return strings.ToLower(s) }

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{"lower": lower}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} {{.Version}} — API reference</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d232a;display:flex}
nav{position:sticky;top:0;height:100vh;overflow:auto;width:19rem;flex:none;background:#f4f6f8;border-right:1px solid #dde2e7;padding:1rem;box-sizing:border-box;font-size:13px}
nav a{color:#1d232a;text-decoration:none;display:block;padding:1px 0}
nav a:hover{text-decoration:underline}
nav .tag{font-weight:600;margin-top:.8rem}
main{padding:1.5rem 2.5rem;max-width:62rem;min-width:0}
h1{margin-top:0}
h2{border-bottom:1px solid #dde2e7;padding-bottom:.3rem;margin-top:2.5rem}
section.op{border:1px solid #dde2e7;border-radius:6px;padding:.4rem 1rem 1rem;margin:1.2rem 0}
h3{font-size:16px;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.m{display:inline-block;min-width:4.2rem;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px;margin-right:.5rem;font-family:system-ui,sans-serif}
.get{background:#2f7d32}.post{background:#1f5fbf}.put{background:#a66a00}.patch{background:#7b4bb7}.delete{background:#b3261e}
pre{background:#f6f8fa;border:1px solid #e3e7eb;border-radius:4px;padding:.6rem .8rem;overflow:auto;font-size:13px}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #dde2e7;padding:.25rem .5rem;text-align:left;vertical-align:top}
.prop{color:#0b5394}.note{color:#6a737d}
.status{font-weight:600;font-family:ui-monospace,Menlo,Consolas,monospace}
.summary{color:#444;margin:.2rem 0 .6rem}
.label{font-weight:600;margin:.8rem 0 .2rem}
</style>
</head>
<body>
<nav>
<strong>{{.Title}} {{.Version}}</strong>
<a href="/openapi.yaml">openapi.yaml</a><a href="/openapi.json">openapi.json</a>
{{range .Tags}}<a class="tag" href="#{{.Anchor}}">{{.Name}}</a>{{range .Ops}}<a href="#{{.Anchor}}">{{.Method}} {{.Path}}</a>{{end}}{{end}}
<a class="tag" href="#schemas">Schemas</a>
</nav>
<main>
<h1>{{.Title}} <small>{{.Version}}</small></h1>
{{.Description}}
{{range .Tags}}
<h2 id="{{.Anchor}}">{{.Name}}</h2>
{{.Description}}
{{range .Ops}}
<section class="op" id="{{.Anchor}}">
<h3><span class="m {{lower .Method}}">{{.Method}}</span>{{.Path}}</h3>
{{if .Summary}}<div class="summary">{{.Summary}}</div>{{end}}
{{.Description}}
<div class="label">Authentication</div><div>{{range $i, $s := .Security}}{{if $i}}, or {{end}}<code>{{$s}}</code>{{end}}</div>
{{if .Params}}<div class="label">Parameters</div>
<table><tr><th>Name</th><th>In</th><th>Type</th><th>Description</th></tr>
{{range .Params}}<tr><td><code>{{.Name}}</code>{{if .Required}} <em>required</em>{{end}}</td><td>{{.In}}</td><td><code>{{.Shape}}</code></td><td>{{.Description}}</td></tr>
{{end}}</table>{{end}}
{{if .Body}}<div class="label">Request body</div>
{{range .Body}}<div><code>{{.Type}}</code></div><pre>{{.Shape}}</pre>{{if .Example}}<div>Example</div><pre>{{.Example}}</pre>{{end}}{{end}}{{end}}
<div class="label">Responses</div>
{{range .Responses}}<div><span class="status">{{.Status}}</span> {{.Description}}</div>
{{if .Headers}}<table><tr><th>Header</th><th>Type</th><th>Description</th></tr>{{range .Headers}}<tr><td><code>{{.Name}}</code></td><td><code>{{.Shape}}</code></td><td>{{.Description}}</td></tr>{{end}}</table>{{end}}
{{range .Content}}<div><code>{{.Type}}</code></div><pre>{{.Shape}}</pre>{{if .Example}}<pre>{{.Example}}</pre>{{end}}{{end}}{{end}}
</section>
{{end}}
{{end}}
<h2 id="schemas">Schemas</h2>
{{range .Schemas}}
<section id="{{.Anchor}}"><h3>{{.Name}}</h3>{{.Description}}<pre>{{.Shape}}</pre></section>
{{end}}
</main>
</body>
</html>
`))
