package fristad

import "slices"

// Action is something an actor may be allowed to do. Actions on case
// data also name the record they touch; see Can.
type Action string

// Actions on organisations and users.
const (
	ActionOrganisationList   Action = "organisation.list"
	ActionOrganisationCreate Action = "organisation.create"
	ActionUserList           Action = "user.list"
	ActionUserCreate         Action = "user.create"
	ActionUserDisable        Action = "user.disable"
	ActionUserActivation     Action = "user.activation" // issue a new activation link
	ActionUserRoles          Action = "user.roles"      // change a user's roles
	// ActionSubjectErase is erasing a data subject by destroying their
	// data key (crypto-shredding), after the data-protection officer's
	// decision.
	ActionSubjectErase Action = "subject.erase"
	// ActionDebugProfile is reading the running server's runtime profiles
	// (CPU, heap, goroutines, execution trace) on the staff listener, when
	// serve runs with --pprof. Profiles hold stack traces, counts and
	// sizes, never the data the server holds (SR-28).
	ActionDebugProfile Action = "debug.profile"
)

// rolePolicy says which roles may take an action that concerns no
// particular case. Administrators manage organisations and users but
// never read case content (SR-28).
var rolePolicy = map[Action][]Role{
	ActionOrganisationList:   {RoleCoordinator, RoleCaseWorker, RolePartner, RolePoliceLiaison, RoleGuardian, RoleAuditor, RoleAdministrator},
	ActionOrganisationCreate: {RoleAdministrator},
	ActionUserList:           {RoleAdministrator},
	ActionUserCreate:         {RoleAdministrator},
	ActionUserDisable:        {RoleAdministrator},
	ActionUserActivation:     {RoleAdministrator},
	ActionUserRoles:          {RoleAdministrator},
	ActionAuditRead:          {RoleAuditor},
	ActionTokenManage:        {RoleAdministrator},
	ActionSubjectErase:       {RoleAuditor},
	ActionDebugProfile:       {RoleAdministrator},
	// Intake is open to every frontline organisation (ID-03).
	ActionCaseCreate: {RoleCaseWorker, RolePartner, RolePoliceLiaison},
	// Listing cases returns only those on the actor's team.
	ActionCaseRead: {RoleCaseWorker, RoleCoordinator, RolePartner, RolePoliceLiaison, RoleGuardian},
	// Coordinators design programmes and keep the provider registry;
	// those who build or deliver plans read them.
	ActionProgrammeManage: {RoleCoordinator},
	ActionProgrammeRead:   {RoleCoordinator, RoleCaseWorker, RolePartner, RoleGuardian},
	// Coordinators call back those who asked on the portal (IN-08);
	// which requests each one takes is decided per request.
	ActionCallbackRead:   {RoleCoordinator},
	ActionCallbackHandle: {RoleCoordinator},
	// Coordinators edit and publish the portal's content (IN-10).
	ActionContentRead: {RoleCoordinator},
	ActionContentEdit: {RoleCoordinator},
}

// readActions change nothing: a read-scoped API token may take them and
// no others.
var readActions = map[Action]bool{
	ActionOrganisationList: true,
	ActionUserList:         true,
	ActionAuditRead:        true,
	ActionCaseRead:         true,
	ActionNoteRead:         true,
	ActionConsentRead:      true,
	ActionProgrammeRead:    true,
	ActionCallbackRead:     true,
	ActionContentRead:      true,
}

// systemActions are what the command line may do. Whoever runs it holds
// the database already; the audit trail names it as the system.
var systemActions = map[Action]bool{
	ActionOrganisationList:   true,
	ActionOrganisationCreate: true,
	ActionUserList:           true,
	ActionUserCreate:         true,
	ActionUserDisable:        true,
	ActionUserActivation:     true,
	ActionUserRoles:          true,
	ActionAuditRead:          true,
	ActionTokenManage:        true,
	ActionSubjectErase:       true,
}

// Can reports whether actor may take action on record. It is the one
// place access is decided, and it denies by default: an unknown action,
// a nil actor or a record it does not know how to judge is refused.
// record is nil for actions that concern no particular record.
func Can(actor *Actor, action Action, record any) bool {
	if actor == nil {
		return false
	}
	if actor.System != "" {
		return systemActions[action] && record == nil
	}
	switch rec := record.(type) {
	case nil:
	case *CaseAccess:
		return canCase(actor, action, rec)
	case *NoteAccess:
		return canNote(actor, action, rec)
	case *CallbackAccess:
		return canCallback(actor, action, rec)
	default:
		return false // a record the policy does not know how to judge
	}
	if actor.TokenScope != "" && actor.TokenScope != ScopeWrite && !readActions[action] {
		return false
	}
	for _, r := range rolePolicy[action] {
		if actor.Has(r) {
			return true
		}
	}
	return false
}

// Authorize returns nil when the actor in ctx may take action on record,
// and otherwise an error: EUNAUTHORIZED without an actor, else denied.
// denied is the code to answer with, ENOTFOUND where the existence of the
// thing must not show (SR-21), EFORBIDDEN where it may.
func Authorize(actor *Actor, action Action, record any, denied string) error {
	if actor == nil {
		return Errorf(EUNAUTHORIZED, "not logged in")
	}
	if !Can(actor, action, record) {
		if denied == ENOTFOUND {
			return Errorf(ENOTFOUND, "not found") // the same as a record that does not exist
		}
		return Errorf(denied, "%s is not allowed", action)
	}
	return nil
}

// caseRoles are the roles that work with cases at all. Administrators and
// auditors never read case content (SR-28).
var caseRoles = []Role{RoleCaseWorker, RoleCoordinator, RolePartner, RolePoliceLiaison, RoleGuardian}

// canCase decides an action on one case: the actor's organisation must be
// on the case team, or the actor must have opened it by break-glass, and
// hold a role that does that kind of work. Only case workers change a
// case; reading is for every case role of a team organisation.
func canCase(actor *Actor, action Action, c *CaseAccess) bool {
	if actor.TokenScope != "" && actor.TokenScope != ScopeWrite && !readActions[action] {
		return false
	}
	onTeam := c.TeamLevel == "lead" || c.TeamLevel == "member"
	switch action {
	case ActionCaseRead:
		return (onTeam || c.BreakGlass) && slices.ContainsFunc(caseRoles, actor.Has)
	case ActionCaseUpdate:
		return (onTeam || c.BreakGlass) && actor.Has(RoleCaseWorker)
	case ActionCaseBreakGlass:
		return !onTeam && (actor.Has(RoleCaseWorker) || actor.Has(RoleCoordinator))
	case ActionNoteRead, ActionConsentRead:
		return canCase(actor, ActionCaseRead, c)
	case ActionConsentWrite:
		return canCase(actor, ActionCaseUpdate, c)
	case ActionResidenceReveal:
		// A protected address reaches only case workers and coordinators
		// of the team; not break-glass, not the police liaison, who asks
		// the lead organisation (DP-05, DP-08).
		return onTeam && (actor.Has(RoleCaseWorker) || actor.Has(RoleCoordinator))
	case ActionPersonMerge:
		// A merge shows and moves the identity of both records, so it is
		// for case workers of an organisation on the team of every case
		// involved; break-glass reaches one case for an emergency, not a
		// person's whole record (ID-10, DP-02).
		return onTeam && actor.Has(RoleCaseWorker)
	case ActionNoteCreate:
		// Those who work with her write in her journal: case workers,
		// and partners and guardians of a team organisation, who record
		// what they did. Police liaisons and coordinators read it.
		return canCase(actor, ActionCaseUpdate, c) || onTeam && (actor.Has(RolePartner) || actor.Has(RoleGuardian))
	}
	return false
}

// canNote decides an action on one journal note of a case: the actor
// must be allowed it on the case, and the note's sensitivity must reach
// them. A note for the team reaches everyone who reads the case; a note
// kept to an organisation reaches that organisation's staff only, and
// never a police liaison, whose work is the criminal case: therapy notes
// must not reach it (SR-23). Writing a note of a sensitivity is allowed
// only to those who could read it.
func canNote(actor *Actor, action Action, n *NoteAccess) bool {
	if action != ActionNoteRead && action != ActionNoteCreate {
		return false
	}
	if !canCase(actor, action, &n.Case) {
		return false
	}
	switch n.Sensitivity {
	case SensitivityTeam:
		return true
	case SensitivityOrganisation:
		return actor.OrganisationID != "" && n.AuthorOrganisation == actor.OrganisationID && !actor.Has(RolePoliceLiaison)
	}
	return false
}
