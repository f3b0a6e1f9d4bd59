package web

// inviteeRoutes registers the pages of the invitee's answer page of a meeting calendar.
func (a *App) inviteeRoutes() {}
