// Package notify delivers e-mail reliably: domain code writes jobs to the
// outbox in the same transaction as the change that causes them, and a worker
// inside `mentord serve` renders and sends them, retrying with backoff until
// the mail server takes them.
package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/mentord/mentord/internal/config"
)

// Message is one e-mail to send.
type Message struct {
	To          []string     `json:"to"`
	Subject     string       `json:"subject"`
	Text        string       `json:"text"`
	HTML        string       `json:"html,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// MessageID (without angle brackets) is stable across retries so a receiver can recognise a
	// message delivered twice after a crash.
	MessageID string `json:"message_id,omitempty"`
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}

// Sender hands a message to the outside world.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// NewSender returns the sender the configuration asks for. Console output
// goes to console.
func NewSender(cfg config.Email, console io.Writer) (Sender, error) {
	switch cfg.Backend {
	case config.EmailSMTP:
		return &SMTPSender{cfg: cfg}, nil
	case config.EmailFile:
		if err := os.MkdirAll(cfg.FilePath, 0o750); err != nil {
			return nil, fmt.Errorf("EMAIL_FILE_PATH: %w", err)
		}
		return &FileSender{Dir: cfg.FilePath, From: cfg.From}, nil
	default:
		return &ConsoleSender{W: console, From: cfg.From}, nil
	}
}

func build(from string, m *Message) (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.From(from); err != nil {
		return nil, fmt.Errorf("from address %q: %w", from, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("recipients %v: %w", m.To, err)
	}
	msg.Subject(oneLine(m.Subject))
	msg.SetDate()
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	} else {
		msg.SetMessageID()
	}
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), mail.WithFileContentType(mail.ContentType(a.ContentType))); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// oneLine is a subject on one line: a name or title that holds a line
// break (or another control character) would otherwise break the subject
// in two where a client shows it.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// SMTPSender sends through an SMTP server.
type SMTPSender struct {
	cfg config.Email
}

// Send delivers m over SMTP, opening a connection per message.
func (s *SMTPSender) Send(ctx context.Context, m *Message) error {
	msg, err := build(s.cfg.From, m)
	if err != nil {
		return Permanent(err)
	}
	timeout := 30 * time.Second
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
	}
	opts := []mail.Option{mail.WithPort(s.cfg.Port), mail.WithTimeout(timeout)}
	switch {
	case s.cfg.UseSSL:
		opts = append(opts, mail.WithSSL())
	case s.cfg.UseTLS:
		opts = append(opts, mail.WithTLSPortPolicy(mail.TLSMandatory))
	default:
		opts = append(opts, mail.WithTLSPortPolicy(mail.NoTLS))
	}
	if s.cfg.User != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.cfg.User), mail.WithPassword(s.cfg.Password))
	}
	c, err := mail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return err
	}
	// go-mail heeds ctx while it dials, not in the conversation that
	// follows, which only its own timeout ends: a server that accepts and
	// then says nothing would hold a shutdown for that long. The
	// conversation left behind ends with its timeout or the process; a
	// message it still delivers is one more at-least-once send.
	done := make(chan error, 1)
	go func() { done <- c.DialAndSendWithContext(ctx, msg) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ConsoleSender writes each message, as sent, to W.
type ConsoleSender struct {
	mu   sync.Mutex
	W    io.Writer
	From string
}

// Send prints m.
func (s *ConsoleSender) Send(_ context.Context, m *Message) error {
	msg, err := build(s.From, m)
	if err != nil {
		return Permanent(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := msg.WriteTo(s.W); err != nil {
		return err
	}
	_, err = io.WriteString(s.W, "\n"+string(bytes.Repeat([]byte("-"), 79))+"\n")
	return err
}

// FileSender writes one .eml file per message into Dir. A message from the
// outbox is named by its Message-ID, which holds its outbox id, so sending
// it again after a crash (sent, but not yet marked done) replaces the file
// instead of adding a second one.
type FileSender struct {
	Dir  string
	From string
}

// Send writes m to its file, whole or not at all.
func (s *FileSender) Send(_ context.Context, m *Message) error {
	msg, err := build(s.From, m)
	if err != nil {
		return Permanent(err)
	}
	base := fileSafe.Replace(m.MessageID)
	if base == "" {
		var b [4]byte
		rand.Read(b[:])
		base = time.Now().UTC().Format("20060102-150405.000000") + "-" + hex.EncodeToString(b[:])
	}
	f, err := os.CreateTemp(s.Dir, ".sending-*")
	if err != nil {
		return err
	}
	if _, err := msg.WriteTo(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Chmod(f.Name(), 0o640); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), filepath.Join(s.Dir, base+".eml"))
}

// fileSafe turns a Message-ID into a file name.
var fileSafe = strings.NewReplacer("/", "_", "\\", "_", "@", "_at_", ":", "_", "<", "", ">", "")

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Permanent wraps err so the worker gives up instead of retrying.
func Permanent(err error) error { return permanentError{err} }
