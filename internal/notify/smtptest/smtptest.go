// Package smtptest runs a real SMTP server inside the test process and parses
// what it receives, so delivery tests go through the same SMTP code as
// production.
package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mentord/mentord/internal/config"
)

// Mail is one received message.
type Mail struct {
	From        string
	To          []string
	Header      mail.Header
	Subject     string
	Text        string
	HTML        string
	Attachments []Part
	Raw         []byte
}

// Part is a non-body MIME part.
type Part struct {
	Name        string
	ContentType string
	Data        []byte
}

// Calendar is the text of the mail's text/calendar attachment, with "\n"
// line ends; the test fails when the mail has none.
func (m Mail) Calendar(t testing.TB) string {
	t.Helper()
	for _, a := range m.Attachments {
		if strings.HasPrefix(a.ContentType, "text/calendar") {
			return strings.ReplaceAll(string(a.Data), "\r\n", "\n")
		}
	}
	t.Fatalf("no .ics in %q", m.Subject)
	return ""
}

// CalendarField is the rest of the first line of the calendar text ics
// that is name followed by ":" or ";" (so parameters and all), or "".
func CalendarField(ics, name string) string {
	for line := range strings.SplitSeq(ics, "\n") {
		if v, ok := strings.CutPrefix(line, name); ok && v != "" && (v[0] == ':' || v[0] == ';') {
			return v[1:]
		}
	}
	return ""
}

// Server is an SMTP server on a loopback port that keeps what it receives.
type Server struct {
	t    testing.TB
	mu   sync.Mutex
	got  []Mail
	cond *sync.Cond
	srv  *smtp.Server
	ln   net.Listener
	addr string
	// Reject, while true, makes the server refuse every message with a
	// temporary error, like a mail server that is struggling.
	Reject bool
}

// Start starts a server that stops when the test ends.
func Start(t testing.TB) *Server {
	s := &Server{t: t}
	s.cond = sync.NewCond(&s.mu)
	s.listen("127.0.0.1:0")
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.t.Fatalf("smtptest: %v", err)
	}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	s.mu.Lock()
	s.srv = srv
	s.ln = ln
	s.addr = ln.Addr().String()
	s.mu.Unlock()
	go srv.Serve(ln)
}

// SetReject makes the server refuse (true) or accept (false) every
// message from now on.
func (s *Server) SetReject(reject bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Reject = reject
}

// Stop shuts the server down; Restart brings it back on the same port.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Close the listener ourselves too: Serve may not have taken it yet.
		ln.Close()
		srv.Close()
	}
}

// Restart listens again on the port the server had.
func (s *Server) Restart() { s.listen(s.Addr()) }

// Addr is host:port.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Config returns mail settings that deliver to this server.
func (s *Server) Config() config.Email {
	host, port, _ := net.SplitHostPort(s.Addr())
	p, _ := strconv.Atoi(port)
	return config.Email{Backend: config.EmailSMTP, Host: host, Port: p, From: "mentord@example.com"}
}

// Messages returns what has arrived so far.
func (s *Server) Messages() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.got...)
}

// WaitFor blocks until a message for which match is true has arrived, and
// returns it, or fails the test after timeout.
func (s *Server) WaitFor(timeout time.Duration, match func(Mail) bool) Mail {
	s.t.Helper()
	end := time.Now().Add(timeout)
	for {
		for _, m := range s.Messages() {
			if match(m) {
				return m
			}
		}
		if time.Now().After(end) {
			s.t.Fatalf("smtptest: no matching message within %v (%d arrived)", timeout, len(s.Messages()))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Wait blocks until at least n messages have arrived, or fails the test after
// timeout.
func (s *Server) Wait(n int, timeout time.Duration) []Mail {
	s.t.Helper()
	deadline := time.AfterFunc(timeout, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer deadline.Stop()
	end := time.Now().Add(timeout)
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.got) < n {
		if time.Now().After(end) {
			s.t.Fatalf("smtptest: %d message(s) arrived within %v, want %d", len(s.got), timeout, n)
		}
		s.cond.Wait()
	}
	return append([]Mail(nil), s.got...)
}

// To returns the messages addressed to rcpt.
func (s *Server) To(rcpt string) []Mail {
	var out []Mail
	for _, m := range s.Messages() {
		for _, r := range m.To {
			if strings.EqualFold(r, rcpt) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()                                      { x.from, x.to = "", nil }
func (x *session) Logout() error                               { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error { x.from = from; return nil }
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error   { x.to = append(x.to, to); return nil }

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	reject := x.s.Reject
	x.s.mu.Unlock()
	if reject {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	m, err := parse(raw)
	if err != nil {
		return err
	}
	m.From, m.To = x.from, append([]string(nil), x.to...)
	x.s.mu.Lock()
	x.s.got = append(x.s.got, m)
	x.s.cond.Broadcast()
	x.s.mu.Unlock()
	return nil
}

func parse(raw []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	m := Mail{Header: msg.Header, Subject: subject, Raw: raw}
	err = walk(&m, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body)
	return m, err
}

func walk(m *Mail, contentType, encoding, disposition string, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walk(m, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p); err != nil {
				return err
			}
		}
	}
	var r io.Reader = body
	switch strings.ToLower(encoding) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, dparams, _ := mime.ParseMediaType(disposition)
	isAttachment := strings.HasPrefix(strings.ToLower(disposition), "attachment") || dparams["filename"] != ""
	text := strings.TrimSuffix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	switch {
	case !isAttachment && mt == "text/plain" && m.Text == "":
		m.Text = text
	case !isAttachment && mt == "text/html" && m.HTML == "":
		m.HTML = text
	default:
		name := dparams["filename"]
		if name == "" {
			name = params["name"]
		}
		m.Attachments = append(m.Attachments, Part{Name: name, ContentType: contentType, Data: data})
	}
	return nil
}
