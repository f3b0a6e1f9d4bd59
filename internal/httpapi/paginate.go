package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
)

// Page is one page of a page-number paginated list, as DRF's
// PageNumberPagination serves it.
type Page struct {
	Number, Size int
}

// Offset is the index of the page's first row.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }

// ParsePage reads ?page= and ?page_size=. A page_size that is not a positive
// integer falls back to def; one over max is capped. A page that is not a
// positive integer is invalid (false).
func ParsePage(r *http.Request, def, max int) (Page, bool) {
	q := r.URL.Query()
	p := Page{Number: 1, Size: def}
	if v := q.Get("page_size"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			p.Size = min(n, max)
		}
	}
	if v := q.Get("page"); v != "" {
		if v == "last" {
			p.Number = -1 // resolved once the count is known
			return p, true
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, false
		}
		p.Number = n
	}
	return p, true
}

// Resolve settles "last" and reports whether the page exists; an empty
// list still has its first page.
func (p *Page) Resolve(total int) bool {
	pages := max(1, (total+p.Size-1)/p.Size)
	if p.Number == -1 {
		p.Number = pages
	}
	return p.Number >= 1 && p.Number <= pages
}

// Links returns the absolute next and previous page URLs, or nil.
func (p Page) Links(r *http.Request, publicURL string, total int) (next, prev *string) {
	pages := max(1, (total+p.Size-1)/p.Size)
	link := func(n int) *string {
		q := r.URL.Query()
		if n == 1 {
			q.Del("page")
		} else {
			q.Set("page", strconv.Itoa(n))
		}
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		s := BaseURL(r, publicURL) + u.RequestURI()
		return &s
	}
	if p.Number < pages {
		next = link(p.Number + 1)
	}
	if p.Number > 1 {
		prev = link(p.Number - 1)
	}
	return next, prev
}
