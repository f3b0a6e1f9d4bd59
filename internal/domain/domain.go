// Package domain holds the records and statuses of the platform: users and
// their profiles, availability and 1:1 sessions, group sessions and their
// seats, contacts, calendars and meetings. The rule packages (accounts,
// mentoring, groups, meetings) work on them, the store reads and writes
// them, and every surface shows them; none of those owns them, so none has
// to import another to speak of a user or a session.
package domain
