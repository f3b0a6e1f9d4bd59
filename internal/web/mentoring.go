package web

// mentoringRoutes registers the pages of 1:1 mentoring: the mentor directory, a mentor's open times, sessions, a mentor's profile and availability.
func (a *App) mentoringRoutes() {}
