package web

import (
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/domain"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
	"github.com/mentord/mentord/internal/httpapi/form"
)

// formBody is the largest form the pages take, but for the photo upload.
const formBody = 64 << 10

// readForm parses a posted form (urlencoded or multipart, up to limit
// bytes); a body that cannot be read is answered and false returned.
func (a *App) readForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(limit)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		a.errorPage(w, r, http.StatusBadRequest, "The form could not be read. It may be too large; try again.")
		return false
	}
	if !cleanValues(r.PostForm) {
		a.errorPage(w, r, http.StatusBadRequest, uncleanText)
		return false
	}
	return true
}

// uncleanText tells why a form or a link with a NUL character, or bytes
// that are not UTF-8 text, is refused: the database cannot keep them (on
// PostgreSQL the query failed, a 500), and a person never means them.
const uncleanText = "The form or the link holds characters that are not text (such as a NUL character), so it was refused. Remove them and try again."

// cleanValues reports whether every value (and name) in vs is text that
// can be stored.
func cleanValues(vs url.Values) bool {
	for k, v := range vs {
		if !form.CleanText(k) {
			return false
		}
		for _, s := range v {
			if !form.CleanText(s) {
				return false
			}
		}
	}
	return true
}

// opt is a form value, or nil when the field was not in the form.
func opt(r *http.Request, name string) *string {
	if _, ok := r.PostForm[name]; !ok {
		return nil
	}
	v := r.PostForm.Get(name)
	return &v
}

func (a *App) home(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	if u == nil {
		a.redirect(w, r, "/signup")
		return
	}
	list, err := a.Mentoring.Upcoming(r.Context(), u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// "Your next sessions" are those still to be held: Upcoming also holds
	// the cancelled and completed ones, and those of the last day that are
	// over, which the sessions page shows with their status.
	now := a.Clock.Now()
	var next []domain.Session
	for _, s := range list {
		if s.Live() && s.End.After(now) && len(next) < 5 {
			next = append(next, s)
		}
	}
	a.render(w, r, http.StatusOK, "home", &view{Title: "Home", Nav: "home", Data: next})
}

var roleChoices = []string{"mentee|I want to find a mentor", "mentor|I want to mentor others", "both|Both"}

func (a *App) signupPage(w http.ResponseWriter, r *http.Request) {
	if userOf(r) != nil {
		a.redirect(w, r, "")
		return
	}
	a.render(w, r, http.StatusOK, "signup", &view{Title: "Sign up", Nav: "signup", Data: roleChoices})
}

func (a *App) signup(w http.ResponseWriter, r *http.Request) {
	if !a.readForm(w, r, formBody) || !a.limited(w, r, a.Limits.Signup, clientIP(r)) {
		return
	}
	role := r.PostForm.Get("role")
	f := newForm(r)
	in := accounts.SignUp{
		Username: opt(r, "username"), Email: opt(r, "email"), Password: opt(r, "password"),
		PasswordConfirm: opt(r, "re_password"), ConfirmField: "re_password",
		FirstName: r.PostForm.Get("first_name"), LastName: r.PostForm.Get("last_name"),
		Timezone: r.PostForm.Get("timezone"), IsMentee: role != "mentor", IsMentor: role == "mentor" || role == "both",
	}
	u, err := a.Accounts.SignUp(r.Context(), in)
	if a.refused(w, r, f, err, func() {
		a.render(w, r, http.StatusBadRequest, "signup", &view{Title: "Sign up", Nav: "signup", Form: f, Data: roleChoices})
	}) {
		return
	}
	if err := a.signIn(w, r, u); err != nil {
		a.fail(w, r, err)
		return
	}
	a.flash(w, r, "Welcome to mentord, "+displayName(u)+".")
	if u.IsMentor {
		a.redirect(w, r, "/mentor/profile")
		return
	}
	a.redirect(w, r, "/mentors")
}

func (a *App) loginPage(w http.ResponseWriter, r *http.Request) {
	if userOf(r) != nil {
		a.redirect(w, r, "")
		return
	}
	a.render(w, r, http.StatusOK, "login", &view{Title: "Log in", Nav: "login", Data: safeNext(r.URL.Query().Get("next"))})
}

// safeNext is where to go after logging in: a page of this app, or home.
// The path is judged as the redirect will send it, cleaned ("/app/../x" is
// not the app's), and holds no control character: a browser drops tabs and
// line breaks from an address, so what it opens is not what was checked.
func safeNext(next string) string {
	p, _, _ := strings.Cut(next, "?")
	if strings.HasPrefix(next, Prefix+"/") && !strings.Contains(next, "\\") && strings.IndexFunc(next, unicode.IsControl) < 0 &&
		strings.HasPrefix(path.Clean(p)+"/", Prefix+"/") {
		return next
	}
	return Prefix
}

func (a *App) login(w http.ResponseWriter, r *http.Request) {
	if !a.readForm(w, r, formBody) || !a.limited(w, r, a.Limits.Login, clientIP(r)) {
		return
	}
	f := newForm(r)
	id, password := strings.TrimSpace(r.PostForm.Get("username")), r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	// A field left empty is asked for: no account matches it, but "do not
	// match" would have the person look for a typing mistake.
	for name, v := range map[string]string{"username": id, "password": password} {
		if v == "" {
			f.Errors[name] = append(f.Errors[name], words[errs.CodeRequired])
		}
	}
	if len(f.Errors) > 0 {
		a.render(w, r, http.StatusBadRequest, "login", &view{Title: "Log in", Nav: "login", Form: f, Data: next})
		return
	}
	if a.Limits.LoginAccount != nil {
		// Counted per account, by username or e-mail address alike.
		key, err := a.Accounts.LoginLimitKey(r.Context(), id, true)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !a.limited(w, r, a.Limits.LoginAccount, key) {
			return
		}
	}
	u, err := a.Accounts.Login(r.Context(), id, password, true)
	if errs.CodeOf(err) == errs.AuthBadCredentials {
		msg := "That username (or e-mail address) and password do not match an active account."
		if errors.Is(err, accounts.ErrDeactivated) {
			msg = "This account is deactivated, so it cannot log in. Ask the staff of this site if you think this is a mistake."
		}
		f.NonField = append(f.NonField, msg)
		a.render(w, r, http.StatusUnauthorized, "login", &view{Title: "Log in", Nav: "login", Form: f, Data: next})
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.signIn(w, r, u); err != nil {
		a.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (a *App) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieName); err == nil && c.Value != "" {
		if err := a.Accounts.EndWebSession(r.Context(), c.Value); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	a.clearCookie(w, r)
	a.flash(w, r, "You are logged out.")
	a.redirect(w, r, "/login")
}

func (a *App) forgotPage(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "forgot", &view{Title: "Forgot your password?"})
}

func (a *App) forgot(w http.ResponseWriter, r *http.Request) {
	if !a.readForm(w, r, formBody) || !a.limited(w, r, a.Limits.Reset, clientIP(r)) {
		return
	}
	f := newForm(r)
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if email != "" && !a.limited(w, r, a.Limits.ResetAccount, email) {
		return
	}
	err := a.Accounts.RequestPasswordReset(r.Context(), &email, a.Links.PasswordReset(r))
	// Whether an account has the address is not told here (the API keeps
	// djoser's answer, which its clients show).
	if isNonFieldCode(err, accounts.CodeEmailNotFound) {
		err = nil
	}
	if a.refused(w, r, f, err, func() {
		a.render(w, r, http.StatusBadRequest, "forgot", &view{Title: "Forgot your password?", Form: f})
	}) {
		return
	}
	a.flash(w, r, "If an account has the address "+email+", a link to choose a new password is on its way. It works once, for 24 hours.")
	a.redirect(w, r, "/login")
}

func isNonFieldCode(err error, code string) bool {
	v, ok := errs.AsInvalid(err)
	return ok && len(v.NonField) > 0 && v.NonField[0].Code == code
}

// resetView is the reset page's state: whether the link can still be used.
type resetView struct{ Usable bool }

func (a *App) resetPage(w http.ResponseWriter, r *http.Request) {
	usable, err := a.Accounts.ResetLinkUsable(r.Context(), r.PathValue("uid"), r.PathValue("token"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := &view{Title: "Choose a new password", Data: resetView{Usable: usable}}
	if !usable {
		v.Form = newForm(r)
		v.Form.NonField = append(v.Form.NonField, linkGone)
	}
	a.render(w, r, http.StatusOK, "reset", v)
}

// linkGone is what a used, expired or replaced reset link says.
const linkGone = "This link does not work any more: it was used already, it expired, or a newer one was sent. Ask for a new one."

func (a *App) reset(w http.ResponseWriter, r *http.Request) {
	if !a.readForm(w, r, formBody) || !a.limited(w, r, a.Limits.Reset, clientIP(r)) {
		return
	}
	f := newForm(r)
	uid, token := r.PathValue("uid"), r.PathValue("token")
	err := a.Accounts.ConfirmPasswordReset(r.Context(), accounts.ResetConfirm{UID: &uid, Token: &token,
		NewPassword: opt(r, "new_password"), Confirm: opt(r, "re_new_password")})
	if err == nil {
		a.flash(w, r, "Your password is changed. Log in with it.")
		a.redirect(w, r, "/login")
		return
	}
	if !f.take(err, nil) {
		a.fail(w, r, err)
		return
	}
	usable := f.Errors["uid"] == nil && f.Errors["token"] == nil
	if !usable {
		delete(f.Errors, "uid")
		delete(f.Errors, "token")
		f.NonField = append(f.NonField, linkGone)
	}
	a.render(w, r, http.StatusBadRequest, "reset", &view{Title: "Choose a new password", Form: f, Data: resetView{Usable: usable}})
}

// clientIP is the client's address, as the API's rate limits count it.
func clientIP(r *http.Request) string { return httpapi.ClientIP(r) }
