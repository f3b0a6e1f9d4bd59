package web

// staffRoutes registers the pages of the staff admin.
func (a *App) staffRoutes() {}
