package momentors_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mentord/mentord/internal/app/apptest"
)

// TestTranscriptWalk replays the recorded HTTP transcript of the original
// Momentors server (testdata/momentors-transcript.md, a copy of
// spec/notes/momentors-transcript.md), request by request, and checks each
// answer as a client of the original would read it: the same status, and
// every field of the recorded body with the same value (fields mentord adds
// are allowed; clients ignore them). Where DECISIONS.md decided otherwise,
// the step's answer is in transcriptChanges, with the decision it follows;
// every other step must answer as recorded.
func TestTranscriptWalk(t *testing.T) {
	steps := readTranscript(t, "testdata/momentors-transcript.md")
	if len(steps) != 56 {
		t.Fatalf("%d steps in the transcript, want 56", len(steps))
	}
	var photo bytes.Buffer
	if err := jpeg.Encode(&photo, image.NewRGBA(image.Rect(0, 0, 40, 40)), nil); err != nil {
		t.Fatal(err)
	}
	apptest.Each(t, apptest.Options{Now: morning}, func(t *testing.T, s *apptest.Server) {
		tokens := map[string]string{"bogus": "0123456789abcdef0123456789abcdef01234567"}
		for _, st := range steps {
			q := s.Request(st.method, st.path)
			for k, v := range st.headers {
				if k == "Authorization" {
					v = "Token " + tokens[strings.TrimSuffix(strings.TrimPrefix(v, "Token <token:"), ">")]
				}
				if k != "Content-Type" {
					q.Header(k, v)
				}
			}
			switch {
			case st.fields != nil:
				fields, files := map[string]string{}, []apptest.File(nil)
				for k, v := range st.fields {
					if strings.HasPrefix(v, "@") { // curl -F's file upload
						files = append(files, apptest.File{Field: k, Name: "bob.jpg", ContentType: "image/jpeg", Data: photo.Bytes()})
					} else {
						fields[k] = v
					}
				}
				q.Multipart(fields, files...)
			case st.body != "":
				q.JSON(st.body)
			}
			res := q.Do()

			status, want, why := st.status, st.want, ""
			if c, ok := transcriptChanges[st.n]; ok {
				status, want, why = c.status, c.want, " ("+c.why+")"
			}
			if res.Status != status {
				t.Errorf("%02d. %s: status %d, want %d%s\n%s", st.n, st.title, res.Status, status, why, res.Body)
				continue
			}
			if want == "" {
				if len(bytes.TrimSpace(res.Body)) != 0 {
					t.Errorf("%02d. %s: body %s, want none", st.n, st.title, res.Body)
				}
				continue
			}
			var w, got any
			if err := json.Unmarshal([]byte(want), &w); err != nil {
				t.Fatalf("%02d. %s: the expected body: %v", st.n, st.title, err)
			}
			if err := json.Unmarshal(res.Body, &got); err != nil {
				t.Errorf("%02d. %s: not JSON: %s", st.n, st.title, res.Body)
				continue
			}
			if diff := readsAs(w, got, ""); diff != "" {
				t.Errorf("%02d. %s%s: %s\n got: %s\nwant: %s", st.n, st.title, why, diff, res.Body, want)
			}
			if obj, _ := got.(map[string]any); st.path == "/auth/token/login/" && obj["auth_token"] != nil {
				tok, _ := obj["auth_token"].(string)
				var who struct{ Username string }
				json.Unmarshal([]byte(st.body), &who)
				name := strings.TrimSuffix(who.Username, "1")
				if old, seen := tokens[name]; seen && old != tok {
					t.Errorf("%02d. %s: a new token at the second login", st.n, st.title)
				}
				tokens[name] = tok
			}
		}
	})
}

// transcriptChange is how mentord answers a step where DECISIONS.md (or a
// rule it states) departs from the recording.
type transcriptChange struct {
	status int
	want   string // what a client reads, as readsAs compares it
	why    string
}

// Bob's first name is "X" from step 17 on, which the original refused to
// set (JSON), and session 2 is never made (step 40).
var transcriptChanges = map[int]transcriptChange{
	14: {200, `{"pk":1,"username":"mentor1","is_mentor":true}`, "Profiles: booleans accept true/false/True/False/1/0"},
	15: {200, `{"pk":1,"username":"mentor1","first_name":"Alice","last_name":"Mentor","email":"mentor1@example.com","phone_number":"+12125550101","profile_photo":null,"is_mentor":true,"is_mentee":false,"is_active":true}`,
		"a new user's profile_photo is null; the original picked a random stock photo"},
	16: {200, `{"pk":2,"username":"mentee1","first_name":"Bob","last_name":"Mentee","email":"mentee1@example.com","phone_number":null,"profile_photo":"<photo URL>","is_mentor":false,"is_mentee":true,"is_active":true}`,
		"Profiles: responses carry an absolute URL; the file gets a name of its own"},
	17: {200, `{"pk":2,"first_name":"X"}`, "Profiles: PATCH /myprofile/ accepts multipart and JSON"},
	18: {200, `{"pk":1,"username":"mentor1","first_name":"Alice","last_name":"Mentor","email":"mentor1@example.com","phone_number":"+12125550101","profile_photo":null,"is_mentor":true,"is_mentee":false,"is_active":true}`,
		"a new user's profile_photo is null"},
	19: {201, `{"pk":1,"about_me":"Backend dev, happy to help.","skills":["Python","Django","SQL"],"availabilities":[],"team_number":7}`,
		"Mentors by skill: stored skills keep their given order"},
	21: {200, `[{"pk":1,"about_me":"Backend dev, happy to help.","skills":["Python","Django","SQL"],"availabilities":[],"team_number":7}]`,
		"stored skills keep their given order"},
	23: {200, `{"pk":1,"about_me":"Backend dev (Django/Go).","skills":["Python","Django","SQL"],"availabilities":[],"team_number":7}`,
		"stored skills keep their given order"},
	32: {200, `[]`, "never a 500: a mentee has no availability of their own"},
	33: {200, transcriptMentors(true, `"Open"`), "a new user's profile_photo is null; skills keep their order"},
	34: {200, transcriptMentors(false, `"Open"`), "skills keep their order"},
	35: {200, transcriptMentors(false, `"Open"`), "skills keep their order"},
	36: {200, `[]`, "Mentor list: an empty result is 200 []"},
	37: {200, `[{"pk":2,"username":"mentee1","first_name":"X","last_name":"Mentee","is_mentee":true,"mentee_profile":{"team_number":4}}]`,
		"Bob's first name was set to X at step 17"},
	38: {201, transcriptSession("Pending"), "Bob's first name was set to X at step 17"},
	39: {400, `{"non_field_errors":["A session with this mentor/mentee is already scheduled during this time."]}`,
		"Session request: an overlap is 400 with this message, not a 500"},
	40: {400, `{"non_field_errors":["The session must lie inside the mentor's availability."]}`,
		"Session request: the session must lie inside the named availability (15:30 + 60 min ends after 16:00)"},
	41: {200, "[" + transcriptSession("Pending") + "]", "session 2 was refused at step 40"},
	42: {200, transcriptSession("Pending"), "Bob's first name was set to X at step 17"},
	43: {200, transcriptSession("Confirmed"), "Bob's first name was set to X at step 17"},
	44: {200, "[" + transcriptSession("Confirmed") + "]", "session 2 was refused at step 40"},
	45: {200, "[" + transcriptSession("Confirmed") + "]", "session 2 was refused at step 40"},
	46: {404, `{"detail":"Not found."}`,
		"/sessionsignuplist/ is in neither spec document, the original web client never calls it (notes/momentors.md), and it listed every user's sessions (Everywhere: nobody sees what is not theirs)"},
	48: {200, transcriptMentors(true, `"Confirmed"`), "a new user's profile_photo is null; skills keep their order"},
	49: {200, `{"pk":1,"user":1,"session_requested":true,"session_confirmed":true,"session_canceled":true,"fifteen_minute_alert":true,"sixty_minute_alert":true}`,
		"Notification settings: new users start with every flag on"},
	51: {200, `{"pk":1,"user":1,"session_requested":true,"session_confirmed":true,"session_canceled":true,"fifteen_minute_alert":true,"sixty_minute_alert":true}`,
		"new users start with every flag on"},
}

// transcriptMentors is the mentor list of steps 33 to 48 as mentord answers it,
// with the user's fields (GET /mentor/) or without (by skill): Alice's
// first availability has the status given.
func transcriptMentors(withUser bool, firstStatus string) string {
	user := ""
	if withUser {
		user = `"username":"mentor1","first_name":"Alice","last_name":"Mentor","profile_photo":null,"is_mentor":true,`
	}
	return `[{"pk":1,` + user + `"about_me":"Backend dev (Django/Go).","skills":["Python","Django","SQL"],"availabilities":[` +
		`{"pk":1,"mentor":1,"start_time":"2030-01-15T15:00:00Z","end_time":"2030-01-15T16:00:00Z","status":` + firstStatus + `},` +
		`{"pk":2,"mentor":1,"start_time":"2030-01-16T15:00:00Z","end_time":"2030-01-16T15:30:00Z"},` +
		`{"pk":3,"mentor":1,"start_time":"2030-01-16T15:30:00Z","end_time":"2030-01-16T16:00:00Z"}],"team_number":7}]`
}

// transcriptSession is session 1 of the transcript with Bob named X.
func transcriptSession(status string) string {
	return `{"pk":1,"mentor":1,"mentor_first_name":"Alice","mentor_last_name":"Mentor","mentor_availability":1,` +
		`"mentee":2,"mentee_first_name":"X","mentee_last_name":"Mentee","start_time":"2030-01-15T15:00:00Z","end_time":"2030-01-15T15:30:00Z",` +
		`"status":"` + status + `","session_length":30}`
}

var photoURL = regexp.MustCompile(`^http://127\.0\.0\.1:\d+/media/profile_photo/[^/]+\.jpg$`)

// readsAs says where got differs from want as a client reads it, or "":
// every field of want is in got with the same value (got may have more),
// lists have the same length and read alike item by item, "<token>" stands
// for any non-empty string and "<photo URL>" for an uploaded photo's URL.
func readsAs(want, got any, at string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return at + ": not an object"
		}
		for k, v := range w {
			gv, ok := g[k]
			if !ok {
				return at + "." + k + ": missing"
			}
			if d := readsAs(v, gv, at+"."+k); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return at + ": not a list of " + strconv.Itoa(len(w))
		}
		for i := range w {
			if d := readsAs(w[i], g[i], at+"["+strconv.Itoa(i)+"]"); d != "" {
				return d
			}
		}
		return ""
	case string:
		g, _ := got.(string)
		switch {
		case w == "<token>" && g != "", w == "<photo URL>" && photoURL.MatchString(g):
			return ""
		}
	}
	if !reflect.DeepEqual(want, got) {
		return at + ": " + jsonText(got) + ", want " + jsonText(want)
	}
	return ""
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// transcriptStep is one exchange of the transcript.
type transcriptStep struct {
	n            int
	title        string
	method, path string
	headers      map[string]string
	body         string            // a JSON request body
	fields       map[string]string // a multipart request's fields
	status       int
	want         string // the response's JSON body; "" for none or for the 500 page
}

var (
	stepHead  = regexp.MustCompile(`(?m)^## (\d+)\. (.*)$`)
	codeBlock = regexp.MustCompile("(?s)```(\\w+)\n(.*?)```")
	statusRE  = regexp.MustCompile(`→ \*\*(\d+)\*\*`)
)

// readTranscript reads the exchanges of the transcript at path: the first
// code block of each is the request line and headers, a second one before
// the arrow its body (JSON, or multipart fields as curl -F lines), and the
// last one after it the response body.
func readTranscript(t *testing.T, path string) []transcriptStep {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	heads := stepHead.FindAllStringSubmatchIndex(text, -1)
	var steps []transcriptStep
	for i, h := range heads {
		end := len(text)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		n, _ := strconv.Atoi(text[h[2]:h[3]])
		st := transcriptStep{n: n, title: text[h[4]:h[5]], headers: map[string]string{}}
		sec := text[h[1]:end]
		arrow := statusRE.FindStringSubmatchIndex(sec)
		if arrow == nil {
			t.Fatalf("step %d has no status", n)
		}
		st.status, _ = strconv.Atoi(sec[arrow[2]:arrow[3]])
		before, after := sec[:arrow[0]], sec[arrow[1]:]
		blocks := codeBlock.FindAllStringSubmatch(before, -1)
		lines := strings.Split(strings.TrimSpace(blocks[0][2]), "\n")
		st.method, st.path, _ = strings.Cut(lines[0], " ")
		for _, l := range lines[1:] {
			k, v, _ := strings.Cut(l, ": ")
			st.headers[k] = v
		}
		if len(blocks) > 1 {
			switch blocks[1][1] {
			case "json":
				st.body = strings.TrimSpace(blocks[1][2])
			case "text":
				st.fields = map[string]string{}
				for _, l := range strings.Split(blocks[1][2], "\n") {
					if k, v, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
						st.fields[k] = v
					}
				}
			}
		}
		if out := codeBlock.FindAllStringSubmatch(after, -1); len(out) > 0 && out[len(out)-1][1] == "json" {
			st.want = strings.TrimSpace(out[len(out)-1][2])
		}
		steps = append(steps, st)
	}
	return steps
}
