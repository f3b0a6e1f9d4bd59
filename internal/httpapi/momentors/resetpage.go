package momentors

import (
	"html/template"
	"net/http"

	"github.com/mentord/mentord/internal/accounts"
	"github.com/mentord/mentord/internal/errs"
	"github.com/mentord/mentord/internal/httpapi"
)

// The reset e-mail links to /password/reset/confirm/<uid>/<token>. A web
// client may serve that page itself (PUBLIC_URL pointing at it); when the
// link points at mentord, this small page lets the person choose a new
// password without any client at all.
var resetPage = template.Must(template.New("reset").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Choose a new password</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem}.err{color:#b00020}.ok{color:#1b5e20}</style></head><body>
{{if .Done}}<h1>Password changed</h1><p class="ok">You can now log in with your new password.</p>
{{else}}<h1>Choose a new password</h1>
{{range .Errors}}<p class="err">{{.}}</p>{{end}}
{{if .Usable}}<form method="post">
<label for="p1">New password</label><input id="p1" name="new_password" type="password" autocomplete="new-password" required minlength="8">
<label for="p2">New password again</label><input id="p2" name="re_new_password" type="password" autocomplete="new-password" required minlength="8">
<button type="submit">Set password</button></form>{{end}}{{end}}
</body></html>`))

type resetView struct {
	Done, Usable bool
	Errors       []string
}

func (s *Surface) registerResetPage(rt interface {
	HandleRaw(pattern string, h http.Handler)
}) {
	rt.HandleRaw("GET /password/reset/confirm/{uid}/{token}", http.HandlerFunc(s.resetPageGet))
	rt.HandleRaw("POST /password/reset/confirm/{uid}/{token}", httpapi.Limit(s.Limits.Reset, pageErrors{s.Errors}, s.resetPagePost))
}

// pageErrors renders the errors of the reset page as the page, not as the
// API's JSON, since a person is reading it.
type pageErrors struct{ api httpapi.Renderer }

func (p pageErrors) Error(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case httpapi.DependencyDown(err):
		w.Header().Set("Retry-After", "5")
		renderReset(w, http.StatusServiceUnavailable, resetView{Errors: []string{httpapi.MsgUnavailable}})
	case errs.KindOf(err) == errs.KindTooMany:
		wait := w.Header().Get("Retry-After")
		renderReset(w, http.StatusTooManyRequests, resetView{Errors: []string{"Too many attempts. Try again in " + wait + " seconds."}})
	default:
		// Logged, with the request id, by the API's renderer's rules.
		rec := &discardWriter{header: http.Header{}}
		p.api.Error(rec, r, err)
		renderReset(w, rec.status, resetView{Errors: []string{"Something went wrong. Try the link again later."}})
	}
}

// discardWriter keeps only the status another renderer chose.
type discardWriter struct {
	header http.Header
	status int
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(status int)      { d.status = status }

func renderReset(w http.ResponseWriter, status int, v resetView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	resetPage.Execute(w, v)
}

func (s *Surface) resetPageGet(w http.ResponseWriter, r *http.Request) {
	renderReset(w, http.StatusOK, resetView{Usable: true})
}

func (s *Surface) resetPagePost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		renderReset(w, http.StatusBadRequest, resetView{Usable: true, Errors: []string{"The form could not be read."}})
		return
	}
	uid, token := r.PathValue("uid"), r.PathValue("token")
	p1, p2 := r.PostForm.Get("new_password"), r.PostForm.Get("re_new_password")
	err := s.Accounts.ConfirmPasswordReset(r.Context(), accounts.ResetConfirm{UID: &uid, Token: &token, NewPassword: &p1, Confirm: &p2})
	if err == nil {
		renderReset(w, http.StatusOK, resetView{Done: true})
		return
	}
	v, ok := errs.AsInvalid(err)
	if !ok {
		pageErrors{s.Errors}.Error(w, r, err)
		return
	}
	view := resetView{Usable: true}
	for _, f := range v.Fields {
		if f.Field == "uid" || f.Field == "token" {
			view.Usable = false
			view.Errors = []string{"This link is invalid or has expired. Ask for a new password-reset e-mail."}
			break
		}
		for _, m := range f.Msgs {
			view.Errors = append(view.Errors, m.Text)
		}
	}
	if view.Usable {
		for _, m := range v.NonField {
			view.Errors = append(view.Errors, m.Text)
		}
	}
	renderReset(w, http.StatusBadRequest, view)
}
