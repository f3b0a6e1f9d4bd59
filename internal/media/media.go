// Package media stores uploaded images under MEDIA_ROOT. Every upload is
// decoded and re-encoded, which proves it is an image and drops any metadata
// (location, camera) it carried.
package media

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"image"
	"image/draw"
	_ "image/gif" // accept GIF uploads
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	xdraw "golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // accept WebP uploads
)

var (
	// ErrNotImage means the upload is not a JPEG, PNG, GIF or WebP image.
	ErrNotImage = errors.New("media: not a supported image")
	// ErrTooLarge means the upload exceeds the byte or pixel limit.
	ErrTooLarge = errors.New("media: image too large")
)

// Limits on uploads.
const (
	MaxBytes     = 5 << 20
	maxPixels    = 40_000_000
	maxDimension = 1024 // longest side kept for profile photos
)

// Store keeps files under Root.
type Store struct {
	Root string
}

// SaveImage validates and re-encodes an image, stores it under dir, and
// returns its path relative to Root (always with forward slashes).
func (s *Store) SaveImage(r io.Reader, dir string) (string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return "", err
	}
	if len(data) > MaxBytes {
		return "", ErrTooLarge
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", ErrNotImage
	}
	switch format {
	case "jpeg", "png", "gif", "webp":
	default:
		return "", ErrNotImage
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return "", ErrNotImage
	}
	if cfg.Width*cfg.Height > maxPixels {
		return "", ErrTooLarge
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return "", ErrNotImage
	}
	img = shrink(img)

	var out bytes.Buffer
	ext := ".png"
	if opaque(img) {
		ext = ".jpg"
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 88})
	} else {
		err = png.Encode(&out, img)
	}
	if err != nil {
		return "", err
	}
	var name [12]byte
	rand.Read(name[:])
	rel := path.Join(dir, hex.EncodeToString(name[:])+ext)
	full := filepath.Join(s.Root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(full, out.Bytes(), 0o644); err != nil {
		return "", err
	}
	return rel, nil
}

// Remove deletes a stored file; a file already gone is not an error.
func (s *Store) Remove(rel string) error {
	if rel == "" || strings.Contains(rel, "..") {
		return nil
	}
	err := os.Remove(filepath.Join(s.Root, filepath.FromSlash(rel)))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// Exists reports whether a stored file is on disk.
func (s *Store) Exists(rel string) bool {
	_, err := os.Stat(filepath.Join(s.Root, filepath.FromSlash(rel)))
	return err == nil
}

func shrink(img image.Image) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= maxDimension && h <= maxDimension {
		if _, ok := img.(*image.Paletted); ok {
			// Re-encode palette images as full colour: GIF palettes with
			// transparency survive as PNG alpha.
			dst := image.NewNRGBA(image.Rect(0, 0, w, h))
			draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
			return dst
		}
		return img
	}
	if w > h {
		h = max(1, h*maxDimension/w)
		w = maxDimension
	} else {
		w = max(1, w*maxDimension/h)
		h = maxDimension
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	return dst
}

func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}
