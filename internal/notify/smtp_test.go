package notify_test

import (
	"context"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/config"
	"github.com/mentord/mentord/internal/notify"
)

// A mail server that accepts the connection and never answers must not hold
// a send past its context: shutting down waited for the 30 s SMTP timeout.
func TestSMTPSendEndsWithItsContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	p, _ := strconv.Atoi(port)
	sender, err := notify.NewSender(config.Email{Backend: config.EmailSMTP, Host: "127.0.0.1", Port: p, From: "mentord@example.com"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err = sender.Send(ctx, &notify.Message{To: []string{"ann@example.com"}, Subject: "Hello", Text: "Body"})
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("send of a canceled context: %v after %v", err, time.Since(start))
	}
}
