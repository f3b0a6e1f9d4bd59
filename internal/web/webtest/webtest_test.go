package webtest_test

import (
	"bytes"
	"fmt"
	"html"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/mentord/mentord/internal/web/webtest"
)

func TestMain(m *testing.M) { webtest.Main(m) }

// page wraps body in a document, as its main landmark, that passes the
// accessibility check, with a style that makes phone and desktop layouts
// tell apart by colour.
func page(title, body string) string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + title + `</title>
<style>
body { font-family: sans-serif; margin: 0; padding: 1rem; background: rgb(255, 255, 255); }
@media (max-width: 600px) { body { background: rgb(255, 240, 200); } }
label { display: block; margin-top: .5rem; }
.tall { height: 1500px; border-left: 4px solid #88a; }
</style></head><body><main>` + body + `</main></body></html>`
}

// server is the little app the tests drive: a form that posts to a slow
// handler, which sets a cookie and redirects to a page that shows it.
func server(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	write := func(w http.ResponseWriter, s string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, s)
	}
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		write(w, page("Book a session", `<h1>Book a session</h1>
<form id="book" method="post" action="/book" enctype="multipart/form-data">
<label for="name">Your name</label><input id="name" name="name" required>
<label>Topic <select name="topic"><option value="go">Go</option><option value="sql">SQL databases</option></select></label>
<label for="note">Note</label><textarea id="note" name="note"></textarea>
<label for="cv">CV</label><input id="cv" name="cv" type="file">
<input type="hidden" name="csrf" value="x">
<p><button>Book session</button> <button type="reset">Clear</button></p>
</form><p>`+strings.Repeat("Sessions last an hour and can be moved up to a day before. ", 12)+`</p><div class="tall">Scroll for more</div><footer id="end">The end.</footer>`))
	})
	mux.HandleFunc("POST /book", func(w http.ResponseWriter, r *http.Request) {
		// Slower than navGrace, so a click must wait for the navigation
		// it started and not return at the end of its grace period.
		time.Sleep(400 * time.Millisecond)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		cv := "no CV"
		if f, h, err := r.FormFile("cv"); err == nil {
			n, _ := io.Copy(io.Discard, f)
			cv = fmt.Sprintf("CV %s (%d bytes)", h.Filename, n)
		}
		http.SetCookie(w, &http.Cookie{Name: "who", Value: r.FormValue("name"), Path: "/"})
		msg := fmt.Sprintf("Booked %s for %s. Note: %s. %s.",
			r.FormValue("topic"), r.FormValue("name"), r.FormValue("note"), cv)
		http.Redirect(w, r, "/done?msg="+strings.ReplaceAll(msg, " ", "+"), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		write(w, page("Booked", "<h1>Done</h1><p>"+html.EscapeString(r.FormValue("msg"))+"</p>"))
	})
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		who := "nobody"
		if c, err := r.Cookie("who"); err == nil {
			who = c.Value
		}
		write(w, page("Who", "<h1>Who am I</h1><p>You are "+html.EscapeString(who)+".</p>"))
	})
	mux.HandleFunc("GET /bad", func(w http.ResponseWriter, r *http.Request) {
		write(w, `<!doctype html><html><head><title>Bad</title></head><body>
<h1>One</h1><h1>Two</h1><img src="/logo.png">
<input id="q" name="q"><label for="empty"></label><select id="empty"></select>
<label>Fine <input name="ok"></label><input type="hidden" name="h"><input aria-label="Search">
<button>Delete</button><button>Delete</button><input id="off" disabled>
<p style="color: #bbb; background: #fff">Pale text</p>
</body></html>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestFormFlow(t *testing.T) {
	t.Parallel()
	b := webtest.Chromium(t)
	srv := server(t)
	cv := filepath.Join(t.TempDir(), "cv.txt")
	if err := os.WriteFile(cv, []byte("Go, SQL"), 0o644); err != nil {
		t.Fatal(err)
	}

	ann := b.Tab(t)
	if status := ann.Open(srv.URL + "/form"); status != http.StatusOK {
		t.Fatalf("GET /form: status %d", status)
	}
	if got := ann.Title(); got != "Book a session" {
		t.Errorf("Title() = %q", got)
	}
	if problems := ann.AccessibilityProblems(); len(problems) != 0 {
		t.Errorf("accessibility problems on /form: %q", problems)
	}
	if !ann.Exists("#cv") || ann.Exists("#nope") {
		t.Errorf("Exists: #cv should exist and #nope not")
	}
	if got := ann.Attr("#name", "required"); got != "" {
		t.Errorf(`Attr("#name", "required") = %q, want ""`, got)
	}
	if got := ann.Attr("#book", "method"); got != "post" {
		t.Errorf(`Attr("#book", "method") = %q, want "post"`, got)
	}

	began := time.Now()
	phone, desktop := ann.Screenshot("form")
	t.Logf("Screenshot (phone and desktop) took %v", time.Since(began).Round(time.Millisecond))
	phoneHeight := checkPNG(t, phone, 375, 812, [3]uint8{255, 240, 200})
	desktopHeight := checkPNG(t, desktop, 1280, 800, [3]uint8{255, 255, 255})
	if phoneHeight <= desktopHeight {
		// The long paragraph wraps into more lines at phone width.
		t.Errorf("the phone shot is %d px tall, the desktop one %d: not measured at each width", phoneHeight, desktopHeight)
	}

	ann.Fill("#name", "Ann Example")
	ann.Fill(`select[name="topic"]`, "SQL databases") // by the option's text
	ann.Fill("#note", "first time")
	ann.UploadFile("#cv", cv)
	ann.ClickButton("Book session")
	// No WaitText: ClickButton waited for the slow POST and the redirect.
	text := ann.Text()
	if want := "Booked sql for Ann Example. Note: first time. CV cv.txt (7 bytes)."; !strings.Contains(text, want) {
		t.Errorf("after booking the page says %q, want %q", text, want)
	}
	if !strings.HasSuffix(strings.SplitN(ann.URL(), "?", 2)[0], "/done") {
		t.Errorf("URL() = %q, want /done", ann.URL())
	}

	// A second user has cookies of her own; Ann's cookie stays with Ann.
	bea := b.Tab(t)
	bea.Open(srv.URL + "/whoami")
	bea.WaitText("You are nobody.")
	ann.Open(srv.URL + "/whoami")
	ann.WaitText("You are Ann Example.")

	// Submit runs the browser's validation too: the empty required name
	// keeps Bea on the form.
	bea.Open(srv.URL + "/form")
	bea.Submit("#book")
	if !strings.HasSuffix(bea.URL(), "/form") {
		t.Errorf("an invalid form was sent: URL() = %q", bea.URL())
	}
	bea.Fill("#name", "Bea")
	bea.Submit("#book")
	bea.WaitText("Booked go for Bea. Note: . no CV.")
}

func TestAccessibilityProblems(t *testing.T) {
	t.Parallel()
	tab := webtest.Chromium(t).Tab(t)
	tab.Open(server(t).URL + "/bad")
	got := tab.AccessibilityProblems()
	want := []string{
		"the page has 2 h1 elements, not 1",
		"color-contrast: Elements must meet minimum color contrast ratio thresholds: p",
		"html-has-lang: <html> element must have a lang attribute: html",
		"image-alt: Images must have alternative text: img",
		"label: Form elements must have labels: #q, #off",
		"landmark-one-main: Document should have one main landmark: html",
		"region: All page content should be contained by landmarks: h1:nth-child(1), h1:nth-child(2), img, #q, #empty, label:nth-child(7), input[aria-label=\"Search\"], #off, p",
		"select-name: Select element must have an accessible name: #empty",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("AccessibilityProblems() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestViewport checks that a viewport a test chose survives a screenshot,
// and that Context gives the tab to plain chromedp actions.
func TestViewport(t *testing.T) {
	t.Parallel()
	tab := webtest.Chromium(t).Tab(t)
	tab.Open(server(t).URL + "/whoami")
	width := func() int {
		w, err := chromedp.Run(tab.Context(), chromedp.Evaluate[int]("window.innerWidth"))
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	if got := width(); got != 1280 {
		t.Errorf("a new tab is %d px wide, want 1280", got)
	}
	tab.SetViewport(500, 600)
	tab.Screenshot("whoami")
	if got := width(); got != 500 {
		t.Errorf("after SetViewport(500, 600) and Screenshot the tab is %d px wide, want 500", got)
	}
}

// TestFailureMessages checks that a failing step names itself and shows
// where the tab is and what it says.
func TestFailureMessages(t *testing.T) {
	t.Parallel()
	b := webtest.Chromium(t)
	srv := server(t)
	for _, tc := range []struct {
		step func(*webtest.Tab)
		want string
	}{
		{func(tab *webtest.Tab) { tab.Fill("#off", "x") }, `Fill("#off", "x"): the field is disabled or read-only`},
		{func(tab *webtest.Tab) { tab.ClickButton("Delete") }, `ClickButton("Delete"): 2 buttons have the text "Delete"`},
		{func(tab *webtest.Tab) { tab.Submit("#q") }, `Submit("#q"): `},
		// Each text is a wait of its own: the one never shown is named.
		{func(tab *webtest.Tab) { tab.WaitText("One", "Three") }, `WaitText("Three"): gave up after 10s: the page never showed "Three"`},
	} {
		ft := &fatalTB{TB: t}
		var wg sync.WaitGroup
		wg.Go(func() {
			tab := b.Tab(ft)
			tab.Open(srv.URL + "/bad")
			tc.step(tab)
		})
		wg.Wait()
		for _, want := range []string{tc.want, "URL: " + srv.URL + "/bad", "page text:\n    One\n    Two"} {
			if !strings.Contains(ft.msg, want) {
				t.Errorf("failure message %q does not contain %q", ft.msg, want)
			}
		}
	}
}

// fatalTB records the message of Fatalf and ends the goroutine, as the
// testing package does, without failing the real test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestSkipsWithoutChromium runs this test binary again with no browser to
// find, and checks that the browser tests skip and say why.
func TestSkipsWithoutChromium(t *testing.T) {
	if os.Getenv("MENTORD_CHROMIUM") == "/nonexistent" {
		t.Skip("already running without Chromium")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFormFlow$", "-test.v")
	cmd.Env = append(os.Environ(), "MENTORD_CHROMIUM=/nonexistent")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"--- SKIP: TestFormFlow", "no Chromium found (install Debian's chromium package, or set MENTORD_CHROMIUM); skipping browser tests"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output does not contain %q:\n%s", want, out)
		}
	}
}

// checkPNG checks that file is a PNG of the given width, at least height
// tall (a full-page shot of a long page is taller), whose top-left pixel
// has the background colour of the layout for that width. It returns the
// height.
func checkPNG(t *testing.T, file string, width, height int, bg [3]uint8) int {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	size := img.Bounds().Size()
	if size.X != width || size.Y <= height {
		t.Errorf("%s is %dx%d, want %d wide and taller than %d (the whole page)", file, size.X, size.Y, width, height)
	}
	r, g, b, _ := img.At(1, 1).RGBA()
	if got := [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}; got != bg {
		t.Errorf("%s: background %v, want %v", file, got, bg)
	}
	return size.Y
}
