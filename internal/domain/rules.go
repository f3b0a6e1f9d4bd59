package domain

// Rule names a rule that the database itself enforces (a unique key, an
// exclusion constraint) and that the rule packages react to when a write
// breaks it, as a race past their own check can. The store translates each
// constraint, however an engine names it, into the Rule it keeps (an
// *errs.Violation; test with errs.Violated), so no package above the store
// knows a constraint's name.
type Rule string

const (
	RuleUniqueUsername   Rule = "unique username"
	RuleUniqueEmail      Rule = "unique e-mail address"
	RuleUniquePhone      Rule = "unique phone number"
	RuleOneMentorProfile Rule = "one mentor profile per user"
	RuleOneMenteeProfile Rule = "one mentee profile per user"
	// RuleOneSeat: a person holds at most one seat in a group session.
	RuleOneSeat Rule = "one seat per person per group session"
	// RuleOneWaitlistPlace: a person is on a session's waitlist at most once.
	RuleOneWaitlistPlace Rule = "one waitlist place per person per group session"
	// RuleOneInvitation: a contact is invited to a calendar at most once.
	RuleOneInvitation Rule = "one invitation per contact per calendar"
	// RuleUniqueContactEmail: an owner's contacts have distinct e-mail
	// addresses, ignoring case.
	RuleUniqueContactEmail Rule = "unique contact e-mail per owner"
	// The overlap rules are exclusion constraints on PostgreSQL; on SQLite
	// the write transaction's lock keeps them, so they are never reported.
	RuleNoAvailabilityOverlap   Rule = "no overlapping availability of a mentor"
	RuleNoMentorSessionsOverlap Rule = "no overlapping live sessions of a mentor"
	RuleNoMenteeSessionsOverlap Rule = "no overlapping live sessions of a mentee"
)
