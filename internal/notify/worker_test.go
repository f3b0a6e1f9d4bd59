package notify_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentord/mentord/internal/clock"
	"github.com/mentord/mentord/internal/notify"
	"github.com/mentord/mentord/internal/notify/smtptest"
	"github.com/mentord/mentord/internal/store"
	"github.com/mentord/mentord/internal/store/storetest"
)

func TestEmailSurvivesSMTPOutage(t *testing.T) {
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		smtp := smtptest.Start(t)
		clk := clock.NewFake(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
		sender, err := notify.NewSender(smtp.Config(), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		outbox := notify.NewOutbox("test-secret")
		w := notify.NewWorker(s, clk, sender, outbox, slog.New(slog.DiscardHandler))

		smtp.Stop()
		err = s.Tx(ctx, func(q *store.Q) error {
			_, err := outbox.Email(ctx, q, clk.Now(), notify.Message{To: []string{"ann@example.com"}, Subject: "Hello", Text: "Body text"}, notify.Options{DedupeKey: "k1", Sensitive: true})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// The same dedupe key is enqueued only once.
		err = s.Tx(ctx, func(q *store.Q) error {
			added, err := outbox.Email(ctx, q, clk.Now(), notify.Message{To: []string{"ann@example.com"}, Subject: "Hello"}, notify.Options{DedupeKey: "k1"})
			if added {
				t.Error("a second job with the same dedupe key was added")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := w.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("first pass processed %d, %v", n, err)
		}
		if w.Sent() != 0 {
			t.Fatal("sent while the server was down")
		}
		// Not due again until the backoff passes.
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatalf("retried before the backoff: %d", n)
		}
		smtp.Restart()
		clk.Advance(10 * time.Second)
		if n, err := w.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("second pass processed %d, %v", n, err)
		}
		got := smtp.Wait(1, 5*time.Second)
		if got[0].Subject != "Hello" || got[0].To[0] != "ann@example.com" || got[0].Text != "Body text" {
			t.Fatalf("received %+v", got[0])
		}
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatal("a delivered job ran again")
		}
		st, err := s.OutboxStats(ctx, clk.Now())
		if err != nil || st.Pending != 0 {
			t.Fatalf("stats %+v %v", st, err)
		}
	})
}

// crashAfterSend sends, then ends the worker before it can record the
// delivery, as a kill -9 between the two steps would: nothing of the
// worker runs after the send (it unwinds to the test, which recovers).
type crashAfterSend struct{ notify.Sender }

type crashed struct{}

func (c crashAfterSend) Send(ctx context.Context, m *notify.Message) error {
	if err := c.Sender.Send(ctx, m); err != nil {
		return err
	}
	panic(crashed{})
}

// runUntilCrash runs one pass of w, which crashAfterSend ends.
func runUntilCrash(t *testing.T, w *notify.Worker) {
	t.Helper()
	defer func() {
		if r := recover(); r != (crashed{}) {
			t.Fatalf("the pass did not crash after sending: %v", r)
		}
	}()
	w.RunOnce(t.Context())
}

// stopAfterSend sends, then cancels the worker's context, as a SIGTERM
// during a pass does.
type stopAfterSend struct {
	notify.Sender
	stop context.CancelFunc
}

func (c stopAfterSend) Send(ctx context.Context, m *notify.Message) error {
	err := c.Sender.Send(ctx, m)
	c.stop()
	return err
}

// fileOutbox is what the delivery tests start from: a fake clock, an
// outbox, and a file backend writing into dir.
func fileOutbox(t *testing.T) (clk *clock.Fake, dir string, files *notify.FileSender, outbox *notify.Outbox) {
	dir = t.TempDir()
	return clock.NewFake(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)), dir,
		&notify.FileSender{Dir: dir, From: "mentord@example.com"}, notify.NewOutbox("test-secret")
}

// enqueue puts an e-mail to to, with subject, in the outbox of s.
func enqueue(t *testing.T, s *store.Store, outbox *notify.Outbox, now time.Time, to, subject string) {
	t.Helper()
	err := s.Tx(t.Context(), func(q *store.Q) error {
		_, err := outbox.Email(t.Context(), q, now, notify.Message{To: []string{to}, Subject: subject, Text: "Body"}, notify.Options{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestResendAfterCrashIsHarmless: a message sent but not marked done (the
// process died in between) is sent again once its lease runs out; the file
// backend names it by its outbox id, so the second send replaces the
// first, and both carry the same Message-ID.
func TestResendAfterCrashIsHarmless(t *testing.T) {
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk, dir, files, outbox := fileOutbox(t)
		enqueue(t, s, outbox, clk.Now(), "ann@example.com", "Once")
		first := notify.NewWorker(s, clk, crashAfterSend{files}, outbox, slog.New(slog.DiscardHandler))
		runUntilCrash(t, first)
		if first.Sent() != 0 {
			t.Fatalf("first worker sent %d", first.Sent())
		}
		clk.Advance(first.Lease + time.Second)
		second := notify.NewWorker(s, clk, files, outbox, slog.New(slog.DiscardHandler))
		if n, err := second.RunOnce(ctx); err != nil || n != 1 || second.Sent() != 1 {
			t.Fatalf("the job was not sent again after the lease: %d %v", n, err)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Fatalf("%d files after a re-send, want 1: %v", len(entries), entries)
		}
		data, _ := os.ReadFile(filepath.Join(dir, entries[0].Name()))
		if !strings.Contains(string(data), "Subject: Once") || !strings.Contains(string(data), "Message-ID: <outbox-") {
			t.Fatalf("file:\n%s", data)
		}
		if n, _ := second.RunOnce(ctx); n != 0 {
			t.Fatalf("the job ran a third time")
		}
	})
}

// TestShutdownMidPassRecordsWhatWasSent: a shutdown (the worker's context
// cancelled) during a pass records the message already sent, so it is not
// sent again, and sends none of the pass's other messages; those are sent
// once, after their lease.
func TestShutdownMidPassRecordsWhatWasSent(t *testing.T) {
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk, dir, files, outbox := fileOutbox(t)
		for _, to := range []string{"ann@example.com", "bob@example.com", "cat@example.com"} {
			enqueue(t, s, outbox, clk.Now(), to, "Hello")
		}
		shutdown, stop := context.WithCancel(ctx)
		first := notify.NewWorker(s, clk, stopAfterSend{files, stop}, outbox, slog.New(slog.DiscardHandler))
		if n, err := first.RunOnce(shutdown); err != nil || n != 1 || first.Sent() != 1 {
			t.Fatalf("the pass stopped by a shutdown processed %d (sent %d), %v; want the one sent", n, first.Sent(), err)
		}
		clk.Advance(first.Lease + time.Second)
		second := notify.NewWorker(s, clk, files, outbox, slog.New(slog.DiscardHandler))
		if n, err := second.RunOnce(ctx); err != nil || n != 2 {
			t.Fatalf("after the lease: %d processed, %v; want the two never sent", n, err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 3 {
			t.Fatalf("%d message files, want 3", len(entries))
		}
		if n, _ := second.RunOnce(ctx); n != 0 {
			t.Fatalf("%d jobs ran again", n)
		}
	})
}

// TestDeliveredEmailsArePurged: a delivered e-mail is deleted once the
// retention period has passed; a failed one stays, counted in the stats.
func TestDeliveredEmailsArePurged(t *testing.T) {
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		clk := clock.NewFake(time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC))
		outbox := notify.NewOutbox("test-secret")
		w := notify.NewWorker(s, clk, &notify.FileSender{Dir: t.TempDir(), From: "m@example.com"}, outbox, slog.New(slog.DiscardHandler))
		w.Retention = 30 * 24 * time.Hour
		enqueue(t, s, outbox, clk.Now(), "ann@example.com", "S")
		enqueue(t, s, outbox, clk.Now(), "not an address", "S") // fails for good
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		count := func() (total int) {
			if err := s.Tx(ctx, func(q *store.Q) error {
				st, err := q.OutboxStats(ctx, clk.Now())
				total = st.Failed
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return total
		}
		if w.Sent() != 1 || w.Failed() != 1 || count() != 1 {
			t.Fatalf("sent %d, failed %d", w.Sent(), w.Failed())
		}
		rows := func() int {
			n, err := s.CountJobs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		clk.Advance(29 * 24 * time.Hour)
		w.RunOnce(ctx)
		if rows() != 2 {
			t.Fatalf("%d jobs after 29 days, want 2", rows())
		}
		clk.Advance(2 * 24 * time.Hour)
		w.RunOnce(ctx)
		if rows() != 1 || count() != 1 {
			t.Fatalf("%d jobs after 31 days, want only the failed one", rows())
		}
	})
}
