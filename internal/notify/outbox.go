package notify

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/mentord/mentord/internal/store"
)

// KindEmail is a job whose payload is a ready Message.
const KindEmail = "email"

// Outbox writes jobs for the worker. Enqueue inside the transaction that makes
// the change; call Kick after it commits so the worker starts at once.
//
// An e-mail waiting in the outbox may hold a secret link (a password reset,
// an invitation), and a database file keeps the bytes of rows long after
// they are changed (free pages, the write-ahead log, PostgreSQL's dead row
// versions, backups). So every e-mail is stored sealed with AES-256-GCM
// under a key derived from SECRET_KEY: the database alone yields no link.
type Outbox struct {
	wake chan struct{}
	aead cipher.AEAD
}

// NewOutbox returns an outbox with no worker attached yet; secret is
// SECRET_KEY.
func NewOutbox(secret string) *Outbox {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("mentord/outbox/v1"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key is always accepted
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return &Outbox{wake: make(chan struct{}, 1), aead: aead}
}

const sealedPrefix = "sealed:v1:"

// seal encrypts a payload for storage.
func (o *Outbox) seal(plain []byte) string {
	nonce := make([]byte, o.aead.NonceSize(), o.aead.NonceSize()+len(plain)+o.aead.Overhead())
	rand.Read(nonce)
	return sealedPrefix + base64.StdEncoding.EncodeToString(o.aead.Seal(nonce, nonce, plain, nil))
}

// open decrypts a stored payload. One that cannot be opened (SECRET_KEY
// changed while it waited) will never open: the job fails for good.
func (o *Outbox) open(stored string) ([]byte, error) {
	enc, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return nil, Permanent(errors.New("outbox: payload is not sealed"))
	}
	data, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(data) < o.aead.NonceSize() {
		return nil, Permanent(errors.New("outbox: payload is damaged"))
	}
	plain, err := o.aead.Open(nil, data[:o.aead.NonceSize()], data[o.aead.NonceSize():], nil)
	if err != nil {
		return nil, Permanent(errors.New("outbox: payload does not open with this SECRET_KEY"))
	}
	return plain, nil
}

// Options tune one job.
type Options struct {
	DedupeKey string    // at most one job with this key is ever enqueued
	DueAt     time.Time // zero means now
	Sensitive bool      // wipe the payload once delivered (it holds a secret)
}

// Email enqueues a message. It reports whether it was enqueued (false when
// a job with the same dedupe key exists).
func (o *Outbox) Email(ctx context.Context, q *store.Q, now time.Time, m Message, opt Options) (bool, error) {
	payload, err := json.Marshal(m)
	if err != nil {
		return false, err
	}
	return o.Job(ctx, q, now, KindEmail, o.seal(payload), opt)
}

// Job enqueues a job of any registered kind.
func (o *Outbox) Job(ctx context.Context, q *store.Q, now time.Time, kind, payload string, opt Options) (bool, error) {
	due := opt.DueAt
	if due.IsZero() {
		due = now
	}
	var key *string
	if opt.DedupeKey != "" {
		key = &opt.DedupeKey
	}
	return q.EnqueueJob(ctx, store.Job{Kind: kind, DedupeKey: key, Payload: payload, Sensitive: opt.Sensitive, DueAt: due, CreatedAt: now})
}

// Kick wakes the worker; it never blocks.
func (o *Outbox) Kick() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}
