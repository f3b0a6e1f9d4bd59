package errs

import (
	"errors"
	"fmt"
	"testing"
)

type rule string

func TestUnavailableCauseKeepsTheCause(t *testing.T) {
	cause := errors.New("dial tcp 127.0.0.1:1: connection refused")
	err := fmt.Errorf("loading: %w", UnavailableCause(cause))
	if KindOf(err) != KindUnavailable || CodeOf(err) != CodeUnavailable || !errors.Is(err, cause) {
		t.Fatalf("kind %v, code %q, cause kept %v", KindOf(err), CodeOf(err), errors.Is(err, cause))
	}
	if got := err.Error(); got != "loading: database unavailable: "+cause.Error() {
		t.Fatalf("message %q", got)
	}
	if got := Conflict("c", "plain").Error(); got != "plain" {
		t.Fatalf("an error without a cause reads %q", got)
	}
}

func TestViolated(t *testing.T) {
	cause := errors.New("duplicate key")
	err := fmt.Errorf("creating: %w", &Violation{Rule: "unique username", Err: cause})
	if !Violated(err, rule("unique username")) || !Violated(err, rule("other"), rule("unique username")) {
		t.Fatal("the violated rule is not reported")
	}
	if Violated(err, rule("other")) || Violated[rule](err) || Violated(cause, rule("unique username")) {
		t.Fatal("a rule not broken is reported")
	}
	if KindOf(err) != KindConflict || !errors.Is(err, cause) {
		t.Fatalf("kind %v, cause kept %v", KindOf(err), errors.Is(err, cause))
	}
	if unknown := (&Violation{Err: cause}); KindOf(unknown) != KindConflict {
		t.Fatalf("an unknown constraint: kind %v", KindOf(unknown))
	}
}
