package web

// profileRoutes registers the pages of the profile and notification settings.
func (a *App) profileRoutes() {}
