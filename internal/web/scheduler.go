package web

// schedulerRoutes registers the pages of the meeting scheduler for owners.
func (a *App) schedulerRoutes() {}
