package webtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// stepTimeout bounds each helper, so a page that never shows what a test
// waits for fails that step with the page's state instead of hanging.
const stepTimeout = 10 * time.Second

// navGrace is how long a click or submit is given to start loading a new
// page. Chromium starts a form's navigation a task after the click, so it
// can come after the click's reply; once it has started, the helper waits
// for the load with the step timeout, however slow the server is.
const navGrace = 250 * time.Millisecond

// Tab is one user: a tab in its own browser context, with its own cookies
// and storage, so a test can drive a mentor and a mentee side by side. Its
// helpers fail the test that made it, with the tab's URL and page text,
// and so must be called from that test's goroutine.
type Tab struct {
	t   testing.TB
	ctx context.Context
	// width and height are the viewport that SetViewport chose, restored
	// after Screenshot; 0 means the window's own 1280x800.
	width, height int
}

// Tab opens a new tab in a fresh incognito-like browser context; it is
// closed, with its cookies, when the test ends.
func (b *Browser) Tab(t testing.TB) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first Run on a context opens its tab and binds the tab to that
	// context, so it must not get a timeout; a timer stops a hang instead.
	timer := time.AfterFunc(stepTimeout, cancel)
	err := chromedp.Do(ctx)
	if !timer.Stop() || err != nil {
		t.Fatalf("webtest: opening a tab: %v", err)
	}
	return &Tab{t: t, ctx: ctx}
}

// Context returns the tab's chromedp context, for chromedp actions that
// the helpers do not cover. It lives until the test ends.
func (tb *Tab) Context() context.Context { return tb.ctx }

// Open loads url, waits for the page to load and returns its HTTP status.
func (tb *Tab) Open(url string) int {
	tb.t.Helper()
	var status int
	tb.step(fmt.Sprintf("Open(%q)", url), func(ctx context.Context) error {
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
		if err == nil && resp != nil {
			status = int(resp.Status)
		}
		return err
	})
	return status
}

// Fill sets the value of the input, textarea or select that selector
// finds, as a user would, firing input and change events. A select's
// option is chosen by its value or its visible text. A field that is
// disabled or read-only fails the test, since a user could not fill it.
func (tb *Tab) Fill(selector, value string) {
	tb.t.Helper()
	tb.step(fmt.Sprintf("Fill(%q, %q)", selector, value), func(ctx context.Context) error {
		if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(selector))); err != nil {
			return err
		}
		problem, err := evalJS[string](ctx, fillJS, selector, value)
		if err == nil && problem != "" {
			err = errors.New(problem)
		}
		return err
	})
}

const fillJS = `(selector, value) => {
	const el = document.querySelector(selector);
	if (!el) return "no element matches";
	if (el.disabled || el.readOnly) return "the field is disabled or read-only";
	const type = (el.type || "").toLowerCase();
	if (el.tagName === "SELECT") {
		const opt = [...el.options].find(o => o.value === value) ||
			[...el.options].find(o => o.text.trim() === value.trim());
		if (!opt) return "no option has the value or text " + JSON.stringify(value) +
			"; options: " + [...el.options].map(o => JSON.stringify(o.text.trim())).join(", ");
		el.value = opt.value;
	} else if (el.tagName === "TEXTAREA" || el.tagName === "INPUT") {
		if (["checkbox", "radio", "file", "submit", "button", "reset", "image"].includes(type))
			return "an input of type " + type + " is not filled; use Click or UploadFile";
		el.focus();
		el.value = value;
	} else {
		return "a <" + el.tagName.toLowerCase() + "> is not a form field";
	}
	el.dispatchEvent(new Event("input", {bubbles: true}));
	el.dispatchEvent(new Event("change", {bubbles: true}));
	return "";
}`

// Click clicks the element that selector finds, with the mouse, after
// waiting until it is visible. When the click starts loading a new page,
// Click returns once that page has loaded.
func (tb *Tab) Click(selector string) {
	tb.t.Helper()
	tb.step(fmt.Sprintf("Click(%q)", selector), func(ctx context.Context) error {
		return tb.settle(ctx, chromedp.Click(chromedp.CSS(selector)))
	})
}

// ClickButton clicks the one button (button, input button, role=button)
// whose text, value or aria-label is text, ignoring extra white space, and
// waits for the page it loads as Click does. No such button, or several,
// fail the test; use Click with a selector to pick one of several.
func (tb *Tab) ClickButton(text string) {
	tb.t.Helper()
	tb.step(fmt.Sprintf("ClickButton(%q)", text), func(ctx context.Context) error {
		find := callJS(buttonsJS, text)
		for {
			found, err := chromedp.Run(ctx, chromedp.Evaluate[buttons](find+".report"))
			switch {
			case err == nil && found.Matches == 1:
				// A JSPath selector lets chromedp click the very element
				// the script finds, with a real mouse click.
				return tb.settle(ctx, chromedp.Click(chromedp.JSPath(find+".hits[0]")))
			case err == nil && found.Matches > 1:
				return fmt.Errorf("%d buttons have the text %q; use Click with a selector", found.Matches, text)
			}
			select {
			case <-ctx.Done():
				if err != nil {
					return err
				}
				return fmt.Errorf("no button had the text %q within %v; the buttons are %q", text, stepTimeout, found.All)
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

type buttons struct {
	Matches int      `json:"matches"`
	All     []string `json:"all"`
}

const buttonsJS = `((text) => {
	const norm = s => (s || "").replace(/\s+/g, " ").trim();
	const want = norm(text);
	const all = [...document.querySelectorAll(
		"button, input[type=submit], input[type=button], input[type=reset], [role=button]")];
	const label = el => norm(el.tagName === "INPUT" ? el.value : el.innerText);
	const hits = all.filter(el => label(el) === want || norm(el.getAttribute("aria-label")) === want);
	return {hits, report: {matches: hits.length, all: all.map(label)}};
})`

// Submit submits the form that selector finds, as pressing Enter in it
// would (the browser's validation runs), and waits for the page it loads.
func (tb *Tab) Submit(formSelector string) {
	tb.t.Helper()
	tb.step(fmt.Sprintf("Submit(%q)", formSelector), func(ctx context.Context) error {
		if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(formSelector))); err != nil {
			return err
		}
		return tb.settle(ctx, chromedp.Evaluate[chromedp.Void](callJS(`(sel) => {
			const f = document.querySelector(sel);
			if (!(f instanceof HTMLFormElement)) throw new Error(sel + " is not a form");
			f.requestSubmit();
		}`, formSelector)))
	})
}

// WaitText waits until the visible text of the page contains text, then
// each of more in turn (each wait a step of its own); runs of white space
// count as one space on both sides.
func (tb *Tab) WaitText(text string, more ...string) {
	tb.t.Helper()
	for _, text := range append([]string{text}, more...) {
		tb.waitText(text)
	}
}

func (tb *Tab) waitText(text string) {
	tb.t.Helper()
	want := collapse(text)
	tb.step(fmt.Sprintf("WaitText(%q)", text), func(ctx context.Context) error {
		for {
			// Errors are expected while a page is replaced; only the
			// timeout counts.
			if got, err := chromedp.Run(ctx, pageText); err == nil && strings.Contains(collapse(got), want) {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("the page never showed %q: %w", text, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// Text returns the visible text of the page (document.body.innerText).
func (tb *Tab) Text() string {
	tb.t.Helper()
	return run(tb, "Text()", pageText)
}

var pageText = chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`)

// Title returns the page's title.
func (tb *Tab) Title() string {
	tb.t.Helper()
	return run(tb, "Title()", chromedp.Title())
}

// URL returns the page's current URL.
func (tb *Tab) URL() string {
	tb.t.Helper()
	return run(tb, "URL()", chromedp.Location())
}

// Attr returns the attribute name of the element that selector finds,
// waiting until the element exists; an absent attribute gives "".
func (tb *Tab) Attr(selector, name string) string {
	tb.t.Helper()
	var v string
	tb.step(fmt.Sprintf("Attr(%q, %q)", selector, name), func(ctx context.Context) error {
		if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(selector))); err != nil {
			return err
		}
		var err error
		v, err = evalJS[string](ctx, `(sel, name) => document.querySelector(sel).getAttribute(name) ?? ""`, selector, name)
		return err
	})
	return v
}

// Exists reports whether selector finds an element now, without waiting.
func (tb *Tab) Exists(selector string) bool {
	tb.t.Helper()
	var ok bool
	tb.step(fmt.Sprintf("Exists(%q)", selector), func(ctx context.Context) (err error) {
		ok, err = evalJS[bool](ctx, `(sel) => document.querySelector(sel) !== null`, selector)
		return err
	})
	return ok
}

// UploadFile sets the file input that selector finds to the file at path.
func (tb *Tab) UploadFile(selector, path string) {
	tb.t.Helper()
	tb.step(fmt.Sprintf("UploadFile(%q, %q)", selector, path), func(ctx context.Context) error {
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		if _, err := os.Stat(abs); err != nil {
			return err
		}
		return chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(selector), []string{abs}))
	})
}

// SetViewport resizes the tab's viewport to width x height CSS pixels; it
// stays so for the rest of the test, screenshots apart.
func (tb *Tab) SetViewport(width, height int) {
	tb.t.Helper()
	tb.step(fmt.Sprintf("SetViewport(%d, %d)", width, height), func(ctx context.Context) error {
		return chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height)))
	})
	tb.width, tb.height = width, height
}

// settle runs act and, when act starts loading a new page within navGrace,
// waits until that page has loaded (or stopped loading, for a response
// such as 204 that replaces no page).
func (tb *Tab) settle(ctx context.Context, act chromedp.Action[chromedp.Void]) error {
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	started, loaded := make(chan struct{}), make(chan struct{})
	var startOnce, loadOnce sync.Once
	// Listen calls the func in the order of the browser's events, before
	// act's own reply is handled, so no event of the navigation is missed.
	err := chromedp.Listen(lctx, func(ev any) {
		switch ev.(type) {
		case *page.EventFrameRequestedNavigation, *page.EventFrameStartedLoading:
			startOnce.Do(func() { close(started) })
		case *page.EventLoadEventFired, *page.EventFrameStoppedLoading:
			select {
			case <-started:
				loadOnce.Do(func() { close(loaded) })
			default:
			}
		}
	})
	if err != nil {
		return err
	}
	if err := chromedp.Do(ctx, act); err != nil {
		return err
	}
	select {
	case <-started:
	case <-time.After(navGrace):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-loaded:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("the page it opened did not finish loading: %w", ctx.Err())
	}
}

// step runs fn with the step timeout and fails the test when it errs.
func (tb *Tab) step(what string, fn func(ctx context.Context) error) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := fn(ctx); err != nil {
		tb.fail(what, err)
	}
}

// run is step for a chromedp action with a value.
func run[T any](tb *Tab, what string, a chromedp.Action[T]) T {
	tb.t.Helper()
	var v T
	tb.step(what, func(ctx context.Context) (err error) {
		v, err = chromedp.Run(ctx, a)
		return err
	})
	return v
}

// fail ends the test with err and what the tab shows, which is usually
// all one needs to see why a page did not do what the test expected.
func (tb *Tab) fail(what string, err error) {
	tb.t.Helper()
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("gave up after %v: %w", stepTimeout, err)
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
	defer cancel()
	url, uerr := chromedp.Run(ctx, chromedp.Location())
	if uerr != nil {
		url = fmt.Sprintf("(unknown: %v)", uerr)
	}
	text, terr := chromedp.Run(ctx, pageText)
	if terr != nil {
		text = fmt.Sprintf("(unknown: %v)", terr)
	}
	const limit = 4000
	if len(text) > limit {
		text = text[:limit] + "\n[...]"
	}
	tb.t.Fatalf("webtest: %s: %v\n  URL: %s\n  page text:\n    %s", what, err, url,
		strings.ReplaceAll(strings.TrimSpace(text), "\n", "\n    "))
}

// callJS returns the JavaScript that calls the function fn with args,
// which JSON turns into JavaScript literals.
func callJS(fn string, args ...any) string {
	var b strings.Builder
	b.WriteString("(" + fn + ")(")
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		j, err := json.Marshal(a)
		if err != nil {
			panic(err) // only strings and numbers are passed
		}
		b.Write(j)
	}
	b.WriteString(")")
	return b.String()
}

func evalJS[T any](ctx context.Context, fn string, args ...any) (T, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[T](callJS(fn, args...)))
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }
