package media

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestSaveImageFormats(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	img := image.NewPaletted(image.Rect(0, 0, 10, 10), []color.Color{color.Transparent, color.Black})
	var g bytes.Buffer
	gif.Encode(&g, img, nil)
	rel, err := s.SaveImage(&g, "p")
	if err != nil || filepath.Ext(rel) != ".png" || !s.Exists(rel) {
		t.Fatalf("gif with transparency: %q %v", rel, err)
	}
	var p bytes.Buffer
	png.Encode(&p, image.NewRGBA(image.Rect(0, 0, 3000, 10)))
	rel, err = s.SaveImage(&p, "p")
	f, _ := os.Open(filepath.Join(s.Root, rel))
	cfg, _, _ := image.DecodeConfig(f)
	f.Close()
	if err != nil || cfg.Width != 1024 {
		t.Fatalf("wide png: %v %d", err, cfg.Width)
	}
	if _, err := s.SaveImage(bytes.NewReader([]byte("hello, not an image")), "p"); !errors.Is(err, ErrNotImage) {
		t.Fatalf("garbage: %v", err)
	}
	if err := s.Remove("../outside"); err != nil {
		t.Fatal(err)
	}
}

// FuzzSaveImage feeds any bytes as an upload: an image or ErrNotImage /
// ErrTooLarge, never a panic, and nothing left on disk for a refusal.
func FuzzSaveImage(f *testing.F) {
	var p bytes.Buffer
	png.Encode(&p, image.NewNRGBA(image.Rect(0, 0, 4, 4)))
	f.Add(p.Bytes())
	f.Add([]byte("GIF89a\x01\x00\x01\x00"))
	f.Add([]byte("\xff\xd8\xff\xe0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &Store{Root: t.TempDir()}
		rel, err := s.SaveImage(bytes.NewReader(data), "p")
		if err != nil {
			if !errors.Is(err, ErrNotImage) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error %v", err)
			}
			entries, _ := os.ReadDir(s.Root)
			if len(entries) != 0 {
				t.Fatal("a refused upload left files")
			}
			return
		}
		if !s.Exists(rel) {
			t.Fatal("saved image missing")
		}
	})
}
