package store

import "testing"

func TestWrittenTable(t *testing.T) {
	for query, want := range map[string]string{
		"INSERT INTO users (a) VALUES (?)":            "users",
		"\n\t\tUPDATE sessions SET status = ?":        "sessions",
		"DELETE FROM availabilities WHERE id = ?":     "availabilities",
		"insert into mentor_skills(mentor_id) values": "mentor_skills",
		"SELECT * FROM users":                         "",
		"WITH x AS (SELECT 1) SELECT * FROM x":        "",
	} {
		if got := writtenTable(query); got != want {
			t.Errorf("%q: %q, want %q", query, got, want)
		}
	}
}
