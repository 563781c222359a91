package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/auth"
	"fristad/internal/seal"
)

// CaseService keeps cases, their person records and what happened to her.
type CaseService struct{ db *DB }

var (
	_ fristad.CaseService = (*CaseService)(nil)
)

// NewCaseService returns the case service over db.
func NewCaseService(db *DB) *CaseService { return &CaseService{db: db} }

// errCaseNotFound is the one answer for a case that does not exist and a
// case the actor may not see (SR-21).
func errCaseNotFound() error { return fristad.Errorf(fristad.ENOTFOUND, "not found") }

// reference returns a pseudonymous reference: a prefix and eight random
// characters, no personal data.
func reference(prefix string) string { return prefix + "-" + rand.Text()[:8] }

// CreateCase records a new person and case.
func (s *CaseService) CreateCase(ctx context.Context, c *fristad.Case) (err error) {
	defer wrapErr(&err, "CaseService.CreateCase")
	actor := fristad.ActorFromContext(ctx)
	if err := fristad.Authorize(actor, fristad.ActionCaseCreate, nil, fristad.EFORBIDDEN); err != nil {
		return err
	}
	if actor.OrganisationID == "" {
		return fristad.Errorf(fristad.EFORBIDDEN, "a case is led by an organisation")
	}
	if err := c.Validate(); err != nil {
		return err
	}
	ix := s.db.indexer.Load()
	if ix == nil {
		return fristad.Errorf(fristad.EUNAVAILABLE, "the key store is not open")
	}
	return s.db.write(ctx, func(tx *Tx) error {
		return s.db.insertCase(ctx, tx, ix, actor, c)
	})
}

// sealPerson seals a person's identifying fields for the persons row id,
// by column; an empty field stays NULL.
func sealPerson(dk *seal.DataKey, p *fristad.Person, id string) (map[string][]byte, error) {
	sealed := map[string][]byte{}
	for col, v := range map[string]string{"alias_ct": p.Alias, "name_ct": p.Name, "identity_ct": p.IdentityNumber, "birth_date_ct": p.BirthDate} {
		if v == "" {
			continue
		}
		ct, err := dk.Seal([]byte(v), "persons", col, id)
		if err != nil {
			return nil, err
		}
		sealed[col] = ct
	}
	return sealed, nil
}

// insertCase records a new, validated case led by the actor's
// organisation, with its person, in tx.
func (db *DB) insertCase(ctx context.Context, tx *Tx, ix *seal.Indexer, actor *fristad.Actor, c *fristad.Case) error {
	p := c.Person
	p.ID, p.Reference = auth.NewID(), reference("P")
	c.ID, c.Reference, c.LeadOrganisation, c.Version = auth.NewID(), reference("FR"), actor.OrganisationID, 1
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	dk, err := db.dataKey(ctx, tx, p.ID, true)
	if err != nil {
		return err
	}
	sealed, err := sealPerson(dk, p, p.ID)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO persons (id, reference, alias_ct, name_ct, identity_ct, birth_date_ct, age_band, presumed_child, sex,
			citizenships, languages, interpreter_needed, protection, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`,
		p.ID, p.Reference, sealed["alias_ct"], sealed["name_ct"], sealed["identity_ct"], sealed["birth_date_ct"],
		p.AgeBand, p.PresumedChild, p.Sex, strings.Join(p.Citizenships, ","), strings.Join(p.Languages, ","),
		p.InterpreterNeeded, p.Protection, tx.now)
	if err != nil {
		return err
	}
	for field, token := range personTokens(ix, p, tx.now) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO person_index (field, token, person_id) VALUES ($1, $2, $3)`, field, token, p.ID); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO cases (id, reference, person_id, seal_subject, lead_org_id, status, step, pathway, exploitation, version, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, 1, $9, $10, $10)`,
		c.ID, c.Reference, p.ID, c.LeadOrganisation, c.Status, c.Step, c.Pathway, strings.Join(c.ExploitationTypes, ","), actor.UserID, tx.now)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO case_team (case_id, org_id, level, added_at, case_created_at) VALUES ($1, $2, 'lead', $3, $3)`, c.ID, c.LeadOrganisation, tx.now); err != nil {
		return err
	}
	if err := insertStatus(ctx, tx, dk, c.ID, &fristad.StatusEvent{Status: c.Status, DecidedOn: tx.now.Format(time.DateOnly), DecidingOrg: c.LeadOrganisation}, actor.UserID); err != nil {
		return err
	}
	// A possible child is treated as a child at once (CH-01): her
	// protection is assessed the same day or at the latest the next
	// (CH-04).
	change := fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: c.LeadOrganisation, PresumedChild: p.PresumedChild}
	if err := addRuleTasks(ctx, tx, c.ID, fristad.RuleTasks(change, tx.now)); err != nil {
		return err
	}
	return db.audit(ctx, tx, auditEvent{Action: "case.create", ObjectType: "case", ObjectID: c.ID, Purpose: p.ID})
}

// personTokens returns the blind-index tokens of a person: the identity
// number, and name with birth date. Tokens are short on purpose, so each
// matches several people and a stolen index says little; matches are
// confirmed by opening the candidates.
func personTokens(ix *seal.Indexer, p *fristad.Person, now time.Time) map[string][]byte {
	tokens := map[string][]byte{}
	if p.IdentityNumber != "" {
		tokens["identity"] = ix.Token("person.identity", normalizeIdentity(p.IdentityNumber, now))[:4]
	}
	if p.Name != "" && p.BirthDate != "" {
		tokens["name_birth"] = ix.Token("person.name_birth", seal.NormalizeName(p.Name)+"|"+p.BirthDate)[:4]
	}
	return tokens
}

// normalizeIdentity normalises a Swedish personal or coordination number
// to twelve digits, and anything else (a foreign document number) to
// upper case without spaces or hyphens.
func normalizeIdentity(s string, now time.Time) string {
	if n, err := seal.NormalizePersonnummer(s, now); err == nil {
		return n
	}
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(s))
}

func insertStatus(ctx context.Context, tx *Tx, dk *seal.DataKey, caseID string, e *fristad.StatusEvent, by string) error {
	id := auth.NewID()
	var basis []byte
	if e.Basis != "" {
		var err error
		if basis, err = dk.Seal([]byte(e.Basis), "case_status", "basis_ct", id); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO case_status (id, case_id, n, status, decided_on, deciding_org, basis_ct, recorded_by, recorded_at)
		VALUES ($1, $2, (SELECT COALESCE(MAX(n), 0) + 1 FROM case_status WHERE case_id = $2), $3, $4, $5, $6, $7, $8)`,
		id, caseID, e.Status, e.DecidedOn, e.DecidingOrg, basis, by, tx.now)
	return err
}

// caseJoins joins a case to its person, the actor's place on its team
// and the actor's break-glass on it. $1 is the actor's organisation, $2
// the user, $3 now.
const caseJoins = `
	FROM cases c
	JOIN persons p ON p.id = c.person_id
	LEFT JOIN case_team t ON t.case_id = c.id AND t.org_id = $1
	LEFT JOIN (SELECT case_id, MAX(expires_at) AS until FROM break_glass
	           WHERE user_id = $2 AND expires_at > $3 GROUP BY case_id) bg ON bg.case_id = c.id`

// caseScopeKnown limits cases already named (by id or person) to those
// the actor may reach: their organisation is on the team, or they hold a
// break-glass that has not expired. The rule is checked on the joined
// rows, so a read costs a few index lookups however many cases the
// organisation has. Lists start from the team rows instead (caseListSQL).
const caseScopeKnown = caseJoins + `
	WHERE (t.case_id IS NOT NULL OR bg.case_id IS NOT NULL)
	  AND p.erased_at IS NULL`

// caseByIDSQL reads one case the actor may reach; $4 is its id.
const caseByIDSQL = `SELECT ` + caseColumns + caseScopeKnown + ` AND c.id = $4`

const caseColumns = `c.id, c.reference, c.lead_org_id, c.status, c.step, c.pathway, c.exploitation, c.risk_level, c.version,
	c.created_at, c.updated_at, COALESCE(t.level, ''), bg.until,
	p.id, p.reference, p.alias_ct, p.name_ct, p.identity_ct, p.birth_date_ct, p.age_band, p.presumed_child, p.sex,
	p.citizenships, p.languages, p.interpreter_needed, p.protection, c.seal_subject`

// sealedPerson holds a person's sealed fields as read, and the subject
// whose data key seals the content of the case read with them: the
// person the case was opened for, which a merge may have made another
// person's case since.
type sealedPerson struct {
	alias, name, identity, birth []byte
	subject                      string
}

func scanCase(rows interface{ Scan(...any) error }) (*fristad.Case, *sealedPerson, error) {
	c := &fristad.Case{Person: &fristad.Person{}}
	p, sp := c.Person, &sealedPerson{}
	var exploitation, citizenships, languages string
	var until anyTime
	err := rows.Scan(&c.ID, &c.Reference, &c.LeadOrganisation, &c.Status, &c.Step, &c.Pathway, &exploitation, &c.RiskLevel, &c.Version,
		&c.CreatedAt, &c.UpdatedAt, &c.Access, &until,
		&p.ID, &p.Reference, &sp.alias, &sp.name, &sp.identity, &sp.birth, &p.AgeBand, &p.PresumedChild, &p.Sex,
		&citizenships, &languages, &p.InterpreterNeeded, &p.Protection, &sp.subject)
	if err != nil {
		return nil, nil, err
	}
	c.ExploitationTypes = splitList(exploitation)
	p.Citizenships, p.Languages = splitList(citizenships), splitList(languages)
	if until.Valid {
		u := until.Time
		c.BreakGlassUntil = &u
		if c.Access == "" {
			c.Access = "break-glass"
		}
	}
	return c, sp, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// open fills in a person's sealed fields. With reveal unset, a person
// with protected identity keeps them hidden (DP-05, DP-08).
func (sp *sealedPerson) open(dk *seal.DataKey, p *fristad.Person, reveal bool) error {
	if p.Protection != fristad.ProtectionNone && !reveal {
		p.Hidden = true
		return nil
	}
	for _, f := range []struct {
		ct  []byte
		col string
		v   *string
	}{{sp.alias, "alias_ct", &p.Alias}, {sp.name, "name_ct", &p.Name}, {sp.identity, "identity_ct", &p.IdentityNumber}, {sp.birth, "birth_date_ct", &p.BirthDate}} {
		if f.ct == nil {
			continue
		}
		b, err := dk.Open(f.ct, "persons", f.col, p.ID)
		if err != nil {
			return err
		}
		*f.v = string(b)
	}
	return nil
}

// findCase reads one case within the actor's scope, or errCaseNotFound;
// a denial is audited as such, in the same way either way outside.
func (db *DB) findCase(ctx context.Context, tx *Tx, actor *fristad.Actor, id string, action fristad.Action) (*fristad.Case, *sealedPerson, error) {
	row := tx.QueryRowContext(ctx, caseByIDSQL, actor.OrganisationID, actor.UserID, tx.now, id)
	c, sp, err := scanCase(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, db.denyCase(ctx, tx, id, action)
	}
	if err != nil {
		return nil, nil, err
	}
	access := c.Reach()
	if !fristad.Can(actor, action, &access) {
		if err := db.denyCase(ctx, tx, id, action); !errors.Is(err, errDenied) {
			return nil, nil, err
		}
		if fristad.Can(actor, fristad.ActionCaseRead, &access) {
			// The case is visible to the actor: say no, not "no such case".
			return nil, nil, errForbidden
		}
		return nil, nil, errDenied
	}
	return c, sp, nil
}

// denyCase records a refused attempt on a case and returns the answer
// that says nothing about whether it exists (SR-21, SR-30).
func (db *DB) denyCase(ctx context.Context, tx *Tx, id string, action fristad.Action) error {
	if err := db.audit(ctx, tx, auditEvent{Action: string(action), ObjectType: "case", ObjectID: id, Result: audit.ResultDenied}); err != nil {
		return err
	}
	return errDenied
}

// errDenied marks a refusal whose audit event must still be committed:
// the caller returns nil from its transaction and errCaseNotFound after.
var errDenied = errors.New("denied")

// errForbidden is errDenied for a case the actor can see but may not
// change in this way; it becomes EFORBIDDEN.
var errForbidden = fmt.Errorf("%w: forbidden", errDenied)

// FindCaseByID returns one case with its person, team and history.
func (s *CaseService) FindCaseByID(ctx context.Context, id string) (_ *fristad.Case, err error) {
	defer wrapErr(&err, "CaseService.FindCaseByID")
	actor, err := s.db.caseActor(ctx, id, fristad.ActionCaseRead)
	if err != nil {
		return nil, err
	}
	var c *fristad.Case
	denied := false
	err = s.db.read(ctx, func(tx *Tx) error {
		var sp *sealedPerson
		c, sp, err = s.db.findCase(ctx, tx, actor, id, fristad.ActionCaseRead)
		if errors.Is(err, errDenied) {
			denied = true
			return nil
		}
		if err != nil {
			return err
		}
		dk, err := s.db.dataKey(ctx, tx, c.Person.ID, false)
		if err != nil {
			return err
		}
		if err := sp.open(dk, c.Person, false); err != nil {
			return err
		}
		if sp.subject != c.Person.ID {
			if dk, err = s.db.dataKey(ctx, tx, sp.subject, false); err != nil {
				return err
			}
		}
		if c.History, err = caseHistory(ctx, tx, dk, c.ID); err != nil {
			return err
		}
		if c.Team, err = caseTeam(ctx, tx, c.ID); err != nil {
			return err
		}
		if c.Links, err = s.db.caseLinks(ctx, tx, actor, c.ID); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "case.read", ObjectType: "case", ObjectID: c.ID, Purpose: c.Access})
	})
	if err != nil {
		return nil, err
	}
	if denied {
		return nil, errCaseNotFound()
	}
	return c, nil
}

func caseHistory(ctx context.Context, tx *Tx, dk *seal.DataKey, caseID string) ([]*fristad.StatusEvent, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, status, decided_on, deciding_org, basis_ct, recorded_by, recorded_at
		FROM case_status WHERE case_id = $1 ORDER BY n DESC`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*fristad.StatusEvent
	for rows.Next() {
		var e fristad.StatusEvent
		var id string
		var basis []byte
		if err := rows.Scan(&id, &e.Status, &e.DecidedOn, &e.DecidingOrg, &basis, &e.RecordedBy, &e.RecordedAt); err != nil {
			return nil, err
		}
		if basis != nil {
			b, err := dk.Open(basis, "case_status", "basis_ct", id)
			if err != nil {
				return nil, err
			}
			e.Basis = string(b)
		}
		out = append(out, &e)
	}
	return out, rows.Err()
}

func caseTeam(ctx context.Context, tx *Tx, caseID string) ([]fristad.TeamMember, error) {
	rows, err := tx.QueryContext(ctx, `SELECT org_id, level FROM case_team WHERE case_id = $1 ORDER BY level DESC, org_id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []fristad.TeamMember
	for rows.Next() {
		var m fristad.TeamMember
		if err := rows.Scan(&m.OrganisationID, &m.Level); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// FindCases returns the cases the actor may see, newest first. Lists show
// the pseudonymous reference and the alias — never the alias of a person
// with protected identity (DP-05) — and read no more than one page.
func (s *CaseService) FindCases(ctx context.Context, filter fristad.CaseFilter) (_ []*fristad.Case, err error) {
	defer wrapErr(&err, "CaseService.FindCases")
	if err := filter.Validate(); err != nil {
		return nil, err
	}
	actor, err := s.db.caseActor(ctx, "", fristad.ActionCaseRead)
	if fristad.ErrorCode(err) == fristad.ENOTFOUND {
		return nil, nil // no case role: no cases
	}
	if err != nil {
		return nil, err
	}
	limit := filter.Limit
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	var cases []*fristad.Case
	err = s.db.read(ctx, func(tx *Tx) error {
		team, glass, args := caseListSQL(actor, filter, limit, tx.now)
		var sealed []*sealedPerson
		for _, q := range []string{team, glass} {
			rows, err := tx.QueryContext(ctx, q, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				c, sp, err := scanCase(rows)
				if err != nil {
					rows.Close()
					return err
				}
				cases, sealed = append(cases, c), append(sealed, sp)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		cases, sealed = mergeCasePage(cases, sealed, filter.Offset, limit)
		// One query for the page's keys, not one per row.
		var ids []string
		for _, c := range cases {
			ids = append(ids, c.Person.ID)
		}
		keys, err := s.db.dataKeys(ctx, tx, ids)
		if err != nil {
			return err
		}
		for i, c := range cases {
			p := c.Person
			if p.Protection != fristad.ProtectionNone || sealed[i].alias == nil {
				p.Hidden = p.Protection != fristad.ProtectionNone
				continue
			}
			dk := keys[p.ID]
			if dk == nil {
				continue // erased since
			}
			b, err := dk.Open(sealed[i].alias, "persons", "alias_ct", p.ID)
			if err != nil {
				return err
			}
			p.Alias = string(b)
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "case.list", ObjectType: "case", Purpose: itoa(len(cases))})
	})
	if err != nil {
		return nil, err
	}
	return cases, nil
}

// caseListSQL builds the case list's queries for an actor, newest
// first: the cases the actor's organisation is on the team of, read in
// the order of its own team rows (case_team_newest), and those the actor
// reaches only by break-glass, which are few. Each returns up to
// offset+limit rows; mergeCasePage makes the page of the two.
func caseListSQL(actor *fristad.Actor, filter fristad.CaseFilter, limit int, now time.Time) (team, glass string, args []any) {
	args = []any{actor.OrganisationID, actor.UserID, now}
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	var where string
	for _, f := range []struct {
		col string
		v   *string
	}{{"c.status", filter.Status}, {"c.step", filter.Step}, {"c.pathway", filter.Pathway}, {"c.risk_level", filter.RiskLevel}} {
		if f.v != nil {
			where += " AND " + f.col + " = " + arg(*f.v)
		}
	}
	if filter.LeadOrganisation != nil {
		where += " AND c.lead_org_id = " + arg(*filter.LeadOrganisation)
	}
	if filter.Deadline != nil {
		until := fristad.DeadlineUntil(*filter.Deadline, now)
		where += ` AND EXISTS (SELECT 1 FROM tasks k WHERE k.case_id = c.id AND k.org_id = $1 AND k.done_at IS NULL AND k.due_on <= ` + arg(until) + `)`
	}
	if filter.Reference != "" {
		// Validated to letters, digits and dashes: no LIKE wildcards.
		ref := arg(filter.Reference + "%")
		where += " AND (c.reference LIKE " + ref + " OR p.reference LIKE " + ref + ")"
	}
	n := arg(limit + max(filter.Offset, 0))
	breakGlass := `(SELECT case_id, MAX(expires_at) AS until FROM break_glass
	           WHERE user_id = $2 AND expires_at > $3 GROUP BY case_id)`
	team = `SELECT ` + caseColumns + `
		FROM case_team t
		JOIN cases c ON c.id = t.case_id
		JOIN persons p ON p.id = c.person_id
		LEFT JOIN ` + breakGlass + ` bg ON bg.case_id = c.id
		WHERE t.org_id = $1 AND p.erased_at IS NULL` + where + `
		ORDER BY t.case_created_at DESC, t.case_id DESC LIMIT ` + n
	glass = `SELECT ` + caseColumns + `
		FROM ` + breakGlass + ` bg
		JOIN cases c ON c.id = bg.case_id
		JOIN persons p ON p.id = c.person_id
		LEFT JOIN case_team t ON t.case_id = c.id AND t.org_id = $1
		WHERE c.id IN (SELECT case_id FROM break_glass WHERE user_id = $2 AND expires_at > $3)
		  AND t.case_id IS NULL AND p.erased_at IS NULL` + where + `
		ORDER BY c.created_at DESC, c.id DESC LIMIT ` + n
	return team, glass, args
}

// mergeCasePage puts the team's and the break-glass cases together,
// newest first, and cuts the page.
func mergeCasePage(cases []*fristad.Case, sealed []*sealedPerson, offset, limit int) ([]*fristad.Case, []*sealedPerson) {
	idx := make([]int, len(cases))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if c := cases[b].CreatedAt.Compare(cases[a].CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(cases[b].ID, cases[a].ID)
	})
	offset = max(offset, 0)
	var outC []*fristad.Case
	var outS []*sealedPerson
	for _, i := range idx[min(offset, len(idx)):min(offset+limit, len(idx))] {
		outC, outS = append(outC, cases[i]), append(outS, sealed[i])
	}
	return outC, outS
}

// AddStatus records a step of a case's identification history.
func (s *CaseService) AddStatus(ctx context.Context, caseID string, e *fristad.StatusEvent) (err error) {
	defer wrapErr(&err, "CaseService.AddStatus")
	return s.db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		if err := e.Validate(); err != nil {
			return err
		}
		actor := fristad.ActorFromContext(ctx)
		if e.DecidingOrg == "" {
			e.DecidingOrg = actor.OrganisationID
		}
		if err := insertStatus(ctx, tx, dk, c.ID, e, actor.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3`, e.Status, tx.now, c.ID); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "case.status", ObjectType: "case", ObjectID: c.ID, Purpose: e.Status})
	})
}

// RevealPerson shows a protected identity after a fresh second factor.
func (s *CaseService) RevealPerson(ctx context.Context, caseID string) (_ *fristad.Person, err error) {
	defer wrapErr(&err, "CaseService.RevealPerson")
	actor, err := s.db.caseActor(ctx, caseID, fristad.ActionCaseRead)
	if err != nil {
		return nil, err
	}
	var p *fristad.Person
	denied := false
	err = s.db.read(ctx, func(tx *Tx) error {
		c, sp, err := s.db.findCase(ctx, tx, actor, caseID, fristad.ActionCaseRead)
		if errors.Is(err, errDenied) {
			denied = true
			return nil
		}
		if err != nil {
			return err
		}
		if !actor.FreshStepUp(tx.now) {
			return fristad.ErrStepUpRequired()
		}
		dk, err := s.db.dataKey(ctx, tx, c.Person.ID, false)
		if err != nil {
			return err
		}
		if err := sp.open(dk, c.Person, true); err != nil {
			return err
		}
		p = c.Person
		return s.db.audit(ctx, tx, auditEvent{Action: "person.reveal", ObjectType: "case", ObjectID: c.ID, Purpose: p.ID})
	})
	if err == nil && denied {
		err = errCaseNotFound()
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// FindDuplicates looks for a person already known before a new one is
// recorded. Matches on the actor's cases are returned; a match elsewhere
// is only said to exist (duplicates are a known pain, but so is telling
// one organisation about another's clients).
func (s *CaseService) FindDuplicates(ctx context.Context, p *fristad.Person) (_ *fristad.DuplicateCheck, err error) {
	defer wrapErr(&err, "CaseService.FindDuplicates")
	actor := fristad.ActorFromContext(ctx)
	if err := fristad.Authorize(actor, fristad.ActionCaseCreate, nil, fristad.EFORBIDDEN); err != nil {
		return nil, err
	}
	ix := s.db.indexer.Load()
	if ix == nil {
		return nil, fristad.Errorf(fristad.EUNAVAILABLE, "the key store is not open")
	}
	probe := *p
	probe.IdentityNumber, probe.Name, probe.BirthDate = strings.TrimSpace(p.IdentityNumber), strings.TrimSpace(p.Name), strings.TrimSpace(p.BirthDate)
	check := &fristad.DuplicateCheck{}
	err = s.db.read(ctx, func(tx *Tx) error {
		tokens := personTokens(ix, &probe, tx.now)
		if len(tokens) == 0 {
			return nil
		}
		var candidates []string
		for field, token := range tokens {
			rows, err := tx.QueryContext(ctx, `SELECT person_id FROM person_index WHERE field = $1 AND token = $2`, field, token)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				if !slices.Contains(candidates, id) {
					candidates = append(candidates, id)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		var survivors []string
		for _, id := range candidates {
			same, err := s.db.samePerson(ctx, tx, id, &probe)
			if err != nil {
				return err
			}
			if !same {
				continue // a token collision, as intended
			}
			// A record merged into another is found through the identity
			// it was known under, and answers with the survivor (ID-10).
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(merged_into, id) FROM persons WHERE id = $1`, id).Scan(&id); err != nil {
				return err
			}
			if slices.Contains(survivors, id) {
				continue
			}
			survivors = append(survivors, id)
			rows, err := tx.QueryContext(ctx, `SELECT `+caseColumns+caseScopeKnown+` AND p.id = $4`, actor.OrganisationID, actor.UserID, tx.now, id)
			if err != nil {
				return err
			}
			found := false
			for rows.Next() {
				c, _, err := scanCase(rows)
				if err != nil {
					rows.Close()
					return err
				}
				found = true
				check.Cases = append(check.Cases, c)
			}
			rows.Close()
			if !found {
				check.KnownElsewhere = true
			}
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "person.search", ObjectType: "person", Purpose: itoa(len(candidates))})
	})
	if err != nil {
		return nil, err
	}
	return check, nil
}

// samePerson opens a candidate's sealed identity and compares it with the
// probe exactly.
func (db *DB) samePerson(ctx context.Context, tx *Tx, id string, probe *fristad.Person) (bool, error) {
	sp := &sealedPerson{}
	p := &fristad.Person{ID: id, Protection: fristad.ProtectionNone}
	err := tx.QueryRowContext(ctx, `SELECT alias_ct, name_ct, identity_ct, birth_date_ct FROM persons WHERE id = $1 AND erased_at IS NULL`, id).
		Scan(&sp.alias, &sp.name, &sp.identity, &sp.birth)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	dk, err := db.dataKey(ctx, tx, id, false)
	if fristad.ErrorCode(err) == fristad.ENOTFOUND {
		return false, nil // shredded
	}
	if err != nil {
		return false, err
	}
	if err := sp.open(dk, p, true); err != nil {
		return false, err
	}
	if probe.IdentityNumber != "" && p.IdentityNumber != "" &&
		normalizeIdentity(probe.IdentityNumber, tx.now) == normalizeIdentity(p.IdentityNumber, tx.now) {
		return true, nil
	}
	return probe.Name != "" && probe.BirthDate != "" && probe.BirthDate == p.BirthDate &&
		seal.NormalizeName(probe.Name) == seal.NormalizeName(p.Name), nil
}

// BreakGlass opens a case outside the actor's team.
func (s *CaseService) BreakGlass(ctx context.Context, caseID, reason string) (err error) {
	defer wrapErr(&err, "CaseService.BreakGlass")
	actor, err := s.db.caseActor(ctx, caseID, fristad.ActionCaseBreakGlass)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(fristad.NormalizeNewlines(reason))
	if len([]rune(reason)) < 10 || len([]rune(reason)) > fristad.MaxBasis || !fristad.IsCleanText(reason) {
		return &fristad.Error{Code: fristad.EINVALID, Field: "reason", Key: "breakglass.reason.required", Message: "write why you need the case, in at least a sentence"}
	}
	denied := false
	err = s.db.write(ctx, func(tx *Tx) error {
		var personID, lead, level string
		err := tx.QueryRowContext(ctx, `
			SELECT c.id, c.seal_subject, c.lead_org_id, COALESCE(t.level, '')
			FROM cases c JOIN persons p ON p.id = c.person_id
			LEFT JOIN case_team t ON t.case_id = c.id AND t.org_id = $1
			WHERE (c.id = $2 OR c.reference = $2) AND p.erased_at IS NULL`, actor.OrganisationID, caseID).Scan(&caseID, &personID, &lead, &level)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !fristad.Can(actor, fristad.ActionCaseBreakGlass, &fristad.CaseAccess{TeamLevel: level})) {
			denied = true
			return s.db.audit(ctx, tx, auditEvent{Action: string(fristad.ActionCaseBreakGlass), ObjectType: "case", ObjectID: caseID, Result: audit.ResultDenied})
		}
		if err != nil {
			return err
		}
		if !actor.FreshStepUp(tx.now) {
			return fristad.ErrStepUpRequired()
		}
		dk, err := s.db.dataKey(ctx, tx, personID, false)
		if err != nil {
			return err
		}
		id := auth.NewID()
		sealedReason, err := dk.Seal([]byte(reason), "break_glass", "reason_ct", id)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO break_glass (id, case_id, user_id, reason_ct, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, caseID, actor.UserID, sealedReason, tx.now, tx.now.Add(fristad.BreakGlassTTL))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO notifications (id, org_id, kind, case_id, actor_id, created_at) VALUES ($1, $2, 'break_glass', $3, $4, $5)`,
			auth.NewID(), lead, caseID, actor.UserID, tx.now)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "case.break_glass", ObjectType: "case", ObjectID: caseID, Purpose: id})
	})
	if err == nil && denied {
		err = errCaseNotFound()
	}
	return err
}

// Notifications returns the last week's notifications for the actor's
// organisation.
func (s *CaseService) Notifications(ctx context.Context) (_ []*fristad.Notification, err error) {
	defer wrapErr(&err, "CaseService.Notifications")
	actor, err := s.db.caseActor(ctx, "", fristad.ActionCaseRead)
	if fristad.ErrorCode(err) == fristad.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*fristad.Notification
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT n.kind, n.case_id, COALESCE(c.reference, ''), n.actor_id, n.created_at
			FROM notifications n LEFT JOIN cases c ON c.id = n.case_id
			WHERE n.org_id = $1 AND n.created_at > $2
			ORDER BY n.created_at DESC LIMIT 50`, actor.OrganisationID, tx.now.Add(-7*24*time.Hour))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n fristad.Notification
			if err := rows.Scan(&n.Kind, &n.CaseID, &n.CaseReference, &n.ActorID, &n.CreatedAt); err != nil {
				return err
			}
			out = append(out, &n)
		}
		return rows.Err()
	})
	return out, err
}

// UpdateCase changes where a case stands, from the version the change
// was made from.
func (s *CaseService) UpdateCase(ctx context.Context, caseID string, u *fristad.CaseUpdate) (err error) {
	defer wrapErr(&err, "CaseService.UpdateCase")
	return s.db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		if err := u.Validate(); err != nil {
			return err
		}
		var version int
		if err := tx.QueryRowContext(ctx, `SELECT version FROM cases WHERE id = $1`+s.db.forUpdate(), c.ID).Scan(&version); err != nil {
			return err
		}
		step, pathway, types := c.Step, c.Pathway, c.ExploitationTypes
		var changed []string
		if u.Step != nil && *u.Step != step {
			step, changed = *u.Step, append(changed, "step")
		}
		if u.Pathway != nil && *u.Pathway != pathway {
			pathway, changed = *u.Pathway, append(changed, "pathway")
		}
		if u.ExploitationTypes != nil && !slices.Equal(*u.ExploitationTypes, types) {
			types, changed = *u.ExploitationTypes, append(changed, "exploitation")
		}
		if len(changed) == 0 {
			return nil // nothing to change, from any version: the version stays
		}
		if version != u.Version {
			return fristad.Localized(fristad.ECONFLICT, "case.conflict", map[string]any{"Version": version},
				"someone changed the case while you were editing it; compare your changes with the case as it is now")
		}
		_, err := tx.ExecContext(ctx, `UPDATE cases SET step = $1, pathway = $2, exploitation = $3, version = version + 1, updated_at = $4 WHERE id = $5`,
			step, pathway, strings.Join(types, ","), tx.now, c.ID)
		if err != nil {
			return err
		}
		// A pathway decision is a point to assess the risk again, the same
		// day (AS-05).
		change := fristad.RuleChange{Event: fristad.RuleCaseUpdated, Organisation: c.LeadOrganisation, Pathway: pathway, PreviousPathway: c.Pathway}
		if err := addRuleTasks(ctx, tx, c.ID, fristad.RuleTasks(change, tx.now)); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "case.update", ObjectType: "case", ObjectID: c.ID, Purpose: strings.Join(changed, ",")})
	})
}

// AddDependant records a dependant's case and links it to the case of the
// person they came with.
func (s *CaseService) AddDependant(ctx context.Context, caseID, relation string, d *fristad.Case) (err error) {
	defer wrapErr(&err, "CaseService.AddDependant")
	ix := s.db.indexer.Load()
	if ix == nil {
		return fristad.Errorf(fristad.EUNAVAILABLE, "the key store is not open")
	}
	// Whoever may not see the case learns nothing of it; whoever may
	// change it needs to be allowed to open cases too.
	return s.db.onCase(ctx, caseID, fristad.ActionCaseUpdate, func(tx *Tx, c *fristad.Case, _ *seal.DataKey) error {
		actor := fristad.ActorFromContext(ctx)
		if err := fristad.Authorize(actor, fristad.ActionCaseCreate, nil, fristad.EFORBIDDEN); err != nil {
			return err
		}
		if actor.OrganisationID == "" {
			return fristad.Errorf(fristad.EFORBIDDEN, "a case is led by an organisation")
		}
		if !slices.Contains(fristad.Relations, relation) {
			return &fristad.Error{Code: fristad.EINVALID, Field: "relation", Key: "case.relation.invalid", Message: "choose how the person is related: child or dependant"}
		}
		if err := d.Validate(); err != nil {
			return err
		}
		if err := s.db.insertCase(ctx, tx, ix, actor, d); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO case_links (case_id, linked_case_id, relation, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
			c.ID, d.ID, relation, actor.UserID, tx.now)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "case.link", ObjectType: "case", ObjectID: c.ID, Purpose: d.ID})
	})
}

// caseLinks returns the links of a case to cases the actor may read, in
// both directions, with the linked person's alias unless protected. The
// scope is the case list's: a link to a case beyond it is not shown, not
// even that it exists.
func (db *DB) caseLinks(ctx context.Context, tx *Tx, actor *fristad.Actor, caseID string) ([]fristad.CaseLink, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT linked_case_id, relation, 0 FROM case_links WHERE case_id = $1
		UNION ALL
		SELECT case_id, relation, 1 FROM case_links WHERE linked_case_id = $1`, caseID)
	if err != nil {
		return nil, err
	}
	var links []fristad.CaseLink
	for rows.Next() {
		var l fristad.CaseLink
		var inverse int
		if err := rows.Scan(&l.CaseID, &l.Relation, &inverse); err != nil {
			rows.Close()
			return nil, err
		}
		l.Inverse = inverse == 1
		links = append(links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(links) == 0 {
		return nil, err
	}
	args := []any{actor.OrganisationID, actor.UserID, tx.now}
	var marks []string
	for _, l := range links {
		args = append(args, l.CaseID)
		marks = append(marks, "$"+itoa(len(args)))
	}
	rows, err = tx.QueryContext(ctx, `SELECT c.id, c.reference, p.id, p.alias_ct, p.protection`+caseScopeKnown+` AND c.id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	type visible struct {
		reference, person, protection string
		alias                         []byte
	}
	seen := map[string]visible{}
	var persons []string
	for rows.Next() {
		var id string
		var v visible
		if err := rows.Scan(&id, &v.reference, &v.person, &v.alias, &v.protection); err != nil {
			rows.Close()
			return nil, err
		}
		seen[id], persons = v, append(persons, v.person)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	keys, err := db.dataKeys(ctx, tx, persons)
	if err != nil {
		return nil, err
	}
	var out []fristad.CaseLink
	for _, l := range links {
		v, ok := seen[l.CaseID]
		if !ok {
			continue
		}
		l.Reference = v.reference
		if dk := keys[v.person]; dk != nil && v.alias != nil && v.protection == fristad.ProtectionNone {
			b, err := dk.Open(v.alias, "persons", "alias_ct", v.person)
			if err != nil {
				return nil, err
			}
			l.Alias = string(b)
		}
		out = append(out, l)
	}
	return out, nil
}
