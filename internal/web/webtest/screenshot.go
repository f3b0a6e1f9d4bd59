package webtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The two sizes of every screenshot: a common phone (iPhone X/11 Pro class)
// and a common laptop. The desktop size is also every tab's window size.
const (
	phoneWidth, phoneHeight     = 375, 812
	desktopWidth, desktopHeight = 1280, 800
)

// envScreenshots names the directory for screenshots that should be kept,
// such as the README's; by default they go to the test's temporary
// directory, so that ordinary runs leave nothing behind.
const envScreenshots = "MENTORD_SCREENSHOTS"

// Screenshot saves full-page PNGs of the current page as
// <name>-phone.png (375 px wide, mobile emulation) and <name>-desktop.png
// (1280 px wide) in $MENTORD_SCREENSHOTS, or a temporary directory, and
// returns their paths. The tab's viewport is restored afterwards.
func (tb *Tab) Screenshot(name string) (phone, desktop string) {
	tb.t.Helper()
	if name == "" || name != filepath.Base(name) {
		tb.t.Fatalf("webtest: Screenshot(%q): the name must be a plain file name", name)
	}
	dir := os.Getenv(envScreenshots)
	if dir == "" {
		dir = tb.t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatalf("webtest: Screenshot(%q): %v", name, err)
	}
	phone = filepath.Join(dir, name+"-phone.png")
	desktop = filepath.Join(dir, name+"-desktop.png")
	tb.step(fmt.Sprintf("Screenshot(%q)", name), func(ctx context.Context) error {
		if err := tb.shoot(ctx, phone, phoneWidth, phoneHeight, chromedp.EmulateMobile); err != nil {
			return err
		}
		if err := tb.shoot(ctx, desktop, desktopWidth, desktopHeight); err != nil {
			return err
		}
		if tb.width != 0 {
			return chromedp.Do(ctx, chromedp.EmulateViewport(int64(tb.width), int64(tb.height)))
		}
		return chromedp.Do(ctx, chromedp.ResetViewport())
	})
	return phone, desktop
}

// shoot resizes the viewport, then captures the whole page, below the fold
// too, at that width.
func (tb *Tab) shoot(ctx context.Context, file string, width, height int, opts ...chromedp.EmulateViewportOption) error {
	png, err := chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		if _, err := chromedp.EmulateViewport(int64(width), int64(height), opts...)(ctx, t); err != nil {
			return nil, err
		}
		m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		h := float64(height)
		if m.CSSContentSize != nil {
			h = max(h, m.CSSContentSize.Height)
		}
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			Clip:                  &page.Viewport{Width: float64(width), Height: h, Scale: 1},
			CaptureBeyondViewport: new(true),
			FromSurface:           new(true),
		})
		return r.Data, err
	})
	if err != nil {
		return err
	}
	return os.WriteFile(file, png, 0o644)
}
