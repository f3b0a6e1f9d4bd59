// Package webtest drives headless Chromium from go test, for the end-to-end
// tests of the web app's pages.
//
// A package that uses it starts one Chromium for all of its tests:
//
//	func TestMain(m *testing.M) { webtest.Main(m) }
//
//	func TestBooking(t *testing.T) {
//		b := webtest.Chromium(t) // skips the test when no Chromium is installed
//		mentor, mentee := b.Tab(t), b.Tab(t)
//		mentee.Open(srv.URL + "/login")
//		mentee.Fill("#email", "ann@example.com")
//		mentee.ClickButton("Sign in")
//		mentee.WaitText("Welcome, Ann")
//		...
//	}
//
// MENTORD_CHROMIUM names the browser (a path that does not exist turns the
// browser tests off); MENTORD_SCREENSHOTS names a directory that keeps the
// screenshots of Tab.Screenshot.
package webtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// envChromium names the browser to use; set it to a path that does not
// exist to turn the browser tests off.
const envChromium = "MENTORD_CHROMIUM"

// startTimeout bounds Chromium's start-up; a first start on a busy CI
// runner takes a few seconds, a hung one must not hang the test binary.
const startTimeout = 60 * time.Second

// Browser is the one Chromium process that the tests of a package share.
// Its tabs are independent users (see Tab); it is safe for parallel tests.
type Browser struct {
	ctx     context.Context // the chromedp context of the browser's first tab
	version string
}

// shared is started by the first Chromium call and closed by Main, so a
// package pays for one browser start however many tests it has.
var shared struct {
	once  sync.Once
	b     *Browser
	err   error
	close func()
}

// inMain records that Main runs the tests, so that Chromium can refuse to
// start a browser that nothing would close.
var inMain atomic.Bool

// Main runs the tests and then closes the shared Chromium. A package that
// calls Chromium must call it from its TestMain:
//
//	func TestMain(m *testing.M) { webtest.Main(m) }
func Main(m *testing.M) {
	inMain.Store(true)
	code := m.Run()
	if shared.close != nil {
		shared.close()
	}
	os.Exit(code)
}

// Chromium returns the package's shared headless Chromium, starting it on
// first use. It skips the test when no Chromium is installed, and fails it
// when one is found but does not start.
func Chromium(t testing.TB) *Browser {
	t.Helper()
	if !inMain.Load() {
		t.Fatal("webtest: call webtest.Main(m) from TestMain, so that the shared Chromium is closed after the tests")
	}
	path, why := findChromium()
	if path == "" {
		t.Skip("no Chromium found (install Debian's chromium package, or set MENTORD_CHROMIUM); skipping browser tests" + why)
	}
	var took time.Duration
	shared.once.Do(func() {
		began := time.Now()
		shared.b, shared.close, shared.err = start(path)
		took = time.Since(began)
	})
	if shared.err != nil {
		t.Fatalf("webtest: starting %s: %v", path, shared.err)
	}
	if took > 0 {
		t.Logf("webtest: started %s (%s) in %v", shared.b.version, path, took.Round(time.Millisecond))
	}
	return shared.b
}

// findChromium returns the browser to use, or "" and why not. An explicit
// MENTORD_CHROMIUM wins, so that it can also turn the tests off.
func findChromium() (path, why string) {
	if p := os.Getenv(envChromium); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Sprintf(" (%s=%s: %v)", envChromium, p, err)
		}
		return p, ""
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, ""
		}
	}
	return "", ""
}

// start launches Chromium with the flags this machine and CI need: no
// sandbox (tests run as root in containers), no GPU, and none of the
// background connections (QUIC, component updates, sync, ...) that a
// closed network refuses. They are set here although chromedp's defaults
// have some, so that they do not depend on those defaults (and Debian's
// wrapper drops its own --disable-background-networking). chromedp gives
// the browser a fresh --user-data-dir and removes it when it closes.
func start(path string) (*Browser, func(), error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(desktopWidth, desktopHeight),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	closeAll := func() {
		// A graceful close lets Chromium exit on its own; cancelAlloc then
		// waits for it and removes the profile directory.
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = chromedp.Cancel(cctx)
		cancelCtx()
		cancelAlloc()
	}

	// The first Run binds the browser's life to its context, so it must not
	// get a timeout; a timer stops a start that hangs instead. (The error
	// of a browser that exits at once has its output in it.)
	timer := time.AfterFunc(startTimeout, cancelCtx)
	v, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{})
	stopped := !timer.Stop()
	if err != nil || stopped {
		closeAll()
		if stopped {
			err = fmt.Errorf("no answer within %v", startTimeout)
		}
		return nil, nil, err
	}
	return &Browser{ctx: ctx, version: v.Product}, closeAll, nil
}
