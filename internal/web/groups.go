package web

// groupRoutes registers the pages of group sessions.
func (a *App) groupRoutes() {}
