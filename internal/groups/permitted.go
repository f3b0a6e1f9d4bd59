package groups

import "github.com/mentord/mentord/internal/domain"

// Permitted is what a user may do to a session now, for a page that offers
// only the buttons that would work. Each is read from the same table and
// checks as the action itself (manage, action.allows, CanJoin), so a page
// never offers what the domain then refuses, but for a change meanwhile.
type Permitted struct {
	// Manage: the user may manage the session at all (its creator, or
	// staff acting for them), and so sees who joined.
	Manage                                  bool
	Update, Delete, Cancel, Start, Complete bool
	Join, Leave                             bool
	// Wait: the session is full and the user may join its waitlist;
	// Unwait: they are on it and may leave it.
	Wait, Unwait bool
}

// mayManage is who may manage a session: its creator when a mentor, or
// staff.
func mayManage(caller *domain.User, g *domain.GroupSession) bool {
	return caller.IsStaff || caller.IsMentor && g.CreatorID == caller.ID
}

// Permitted says what caller may do to g now; joined is whether they hold
// a seat in it.
func (s *Service) Permitted(caller *domain.User, g *domain.GroupSession, joined bool) Permitted {
	return s.PermittedAs(caller, g, Standing{Joined: joined})
}

// PermittedAs says what caller may do to g now, standing where st says.
func (s *Service) PermittedAs(caller *domain.User, g *domain.GroupSession, st Standing) Permitted {
	joined := st.Joined
	p := Permitted{Manage: mayManage(caller, g)}
	if p.Manage {
		p.Update = actUpdate.allows(g) == nil
		p.Delete = actDelete.allows(g) == nil
		p.Cancel = actCancel.allows(g) == nil
		p.Start = actStart.allows(g) == nil && !g.Start.After(s.clock.Now())
		p.Complete = actComplete.allows(g) == nil
	}
	if joined {
		p.Leave = actLeave.allows(g) == nil
	} else {
		p.Join = s.CanJoin(g) && g.CreatorID != caller.ID
		p.Wait = st.Place == 0 && IsFull(g) && s.open(g) && g.CreatorID != caller.ID
		p.Unwait = st.Place > 0
	}
	return p
}
