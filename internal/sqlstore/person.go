package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/auth"
	"fristad/internal/seal"
)

// personRow is a person record as read for the actor, with what a merge
// needs besides: the sealed fields and the id.
type personRow struct {
	rec    *fristad.PersonRecord
	id     string
	sealed *sealedPerson
	cases  []mergeCase // every case of the person, reachable or not
}

// mergeCase is one case of a person as a merge sees it.
type mergeCase struct{ id, lead, level string }

// findPersonRow reads a person record, named by its reference or by the
// reference or id of one of its cases, as the actor may see it. A person
// none of whose cases the actor can reach is errDenied, exactly like one
// that does not exist (SR-21); so is a tombstone whose survivor they
// cannot reach.
func (db *DB) findPersonRow(ctx context.Context, tx *Tx, actor *fristad.Actor, ref string) (*personRow, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > 64 {
		return nil, errDenied
	}
	var id, reference, mergedInto string
	var mergedAt anyTime
	err := tx.QueryRowContext(ctx, `
		SELECT p.id, p.reference, COALESCE(p.merged_into, ''), p.merged_at FROM persons p
		WHERE (p.reference = $1 OR p.id = $2 OR p.id IN (SELECT person_id FROM cases WHERE id = $2 OR reference = $1)) AND p.erased_at IS NULL`,
		strings.ToUpper(ref), ref).Scan(&id, &reference, &mergedInto, &mergedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errDenied
	}
	if err != nil {
		return nil, err
	}
	if mergedInto != "" {
		// A tombstone: it answers with its survivor, to those who may
		// reach the survivor.
		survivor, err := db.findPersonRow(ctx, tx, actor, mergedInto)
		if err != nil {
			return nil, err
		}
		at := mergedAt.Time
		return &personRow{id: id, rec: &fristad.PersonRecord{Reference: reference, MergedInto: survivor.rec.Person.Reference, MergedAt: &at}}, nil
	}
	row := &personRow{id: id, rec: &fristad.PersonRecord{Reference: reference}}
	rows, err := tx.QueryContext(ctx, `SELECT `+caseColumns+caseScopeKnown+` AND p.id = $4 ORDER BY c.created_at, c.id`, actor.OrganisationID, actor.UserID, tx.now, id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		c, sp, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		access := c.Reach()
		if !fristad.Can(actor, fristad.ActionCaseRead, &access) {
			continue
		}
		row.rec.Cases, row.sealed = append(row.rec.Cases, c), sp
		row.rec.Person = c.Person
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if row.rec.Person == nil {
		return nil, errDenied
	}
	// Every case of the person, to decide whether the actor may merge
	// the record whole.
	rows, err = tx.QueryContext(ctx, `
		SELECT c.id, c.lead_org_id, COALESCE(t.level, '') FROM cases c
		LEFT JOIN case_team t ON t.case_id = c.id AND t.org_id = $1
		WHERE c.person_id = $2 ORDER BY c.created_at, c.id`, actor.OrganisationID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	row.rec.CanMerge = true
	for rows.Next() {
		var mc mergeCase
		if err := rows.Scan(&mc.id, &mc.lead, &mc.level); err != nil {
			return nil, err
		}
		row.cases = append(row.cases, mc)
		if !fristad.Can(actor, fristad.ActionPersonMerge, &fristad.CaseAccess{TeamLevel: mc.level}) {
			row.rec.CanMerge = false
		}
	}
	return row, rows.Err()
}

// FindPerson returns a person record with the cases the actor may reach.
func (s *CaseService) FindPerson(ctx context.Context, ref string) (_ *fristad.PersonRecord, err error) {
	defer wrapErr(&err, "CaseService.FindPerson")
	actor, err := s.db.caseActor(ctx, ref, fristad.ActionCaseRead)
	if err != nil {
		return nil, err
	}
	var rec *fristad.PersonRecord
	err = s.db.read(ctx, func(tx *Tx) error {
		row, err := s.db.findPersonRow(ctx, tx, actor, ref)
		if errors.Is(err, errDenied) {
			return s.db.audit(ctx, tx, auditEvent{Action: "person.read", ObjectType: "person", ObjectID: ref, Result: audit.ResultDenied})
		}
		if err != nil {
			return err
		}
		rec = row.rec
		if rec.Person != nil {
			dk, err := s.db.dataKey(ctx, tx, row.id, false)
			if err != nil {
				return err
			}
			if err := row.sealed.open(dk, rec.Person, false); err != nil {
				return err
			}
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "person.read", ObjectType: "person", ObjectID: row.id})
	})
	if err == nil && rec == nil {
		err = errCaseNotFound()
	}
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// MergePersons merges the record m.From into m.Into.
func (s *CaseService) MergePersons(ctx context.Context, m *fristad.PersonMerge) (_ *fristad.PersonRecord, err error) {
	defer wrapErr(&err, "CaseService.MergePersons")
	actor, err := s.db.caseActor(ctx, m.Into, fristad.ActionPersonMerge)
	if err != nil {
		return nil, err
	}
	ix := s.db.indexer.Load()
	if ix == nil {
		return nil, fristad.Errorf(fristad.EUNAVAILABLE, "the key store is not open")
	}
	var result *fristad.PersonRecord
	var refusal error
	err = s.db.write(ctx, func(tx *Tx) error {
		deny := func(object string, answer error) error {
			refusal = answer
			return s.db.audit(ctx, tx, auditEvent{Action: string(fristad.ActionPersonMerge), ObjectType: "person", ObjectID: object, Result: audit.ResultDenied})
		}
		into, err := s.db.findPersonRow(ctx, tx, actor, m.Into)
		if errors.Is(err, errDenied) {
			return deny(m.Into, errCaseNotFound())
		}
		if err != nil {
			return err
		}
		// One who may not merge this record learns nothing of the other.
		if into.rec.MergedInto == "" && !into.rec.CanMerge {
			return deny(m.Into, fristad.Localized(fristad.EFORBIDDEN, "merge.access", nil, "only a case worker on the team of every case of both records may merge them"))
		}
		if err := m.Validate(); err != nil {
			return err
		}
		from, err := s.db.findPersonRow(ctx, tx, actor, m.From)
		if errors.Is(err, errDenied) {
			return deny(m.From, &fristad.Error{Code: fristad.ENOTFOUND, Field: "from", Key: "merge.from.notfound", Message: "no record you may reach has that reference"})
		}
		if err != nil {
			return err
		}
		if side, why := fristad.CheckMerge(into.rec, from.rec); why != nil {
			if side == fristad.MergeKeepFrom {
				return deny(m.From, why)
			}
			return deny(m.Into, why)
		}
		// A person in a browser confirms with a second factor (SR-13); an
		// API token has none to give, and is itself the credential an
		// administrator issued for such work.
		if actor.TokenScope == "" && !actor.FreshStepUp(tx.now) {
			return fristad.ErrStepUpRequired()
		}
		// Lock both and read them again: a merge running at the same
		// time finds them merged, not half-merged.
		for _, id := range []string{into.id, from.id} {
			var merged sql.NullString
			if err := tx.QueryRowContext(ctx, `SELECT merged_into FROM persons WHERE id = $1`+s.db.forUpdate(), id).Scan(&merged); err != nil {
				return err
			}
			if merged.Valid {
				return deny(m.Into, fristad.Localized(fristad.ECONFLICT, "merge.tombstone", nil, "the record has already been merged into another; merge with that one"))
			}
		}
		if err := s.db.mergePersons(ctx, tx, into, from, m.Keep, ix); err != nil {
			return err
		}
		row, err := s.db.findPersonRow(ctx, tx, actor, into.id)
		if err != nil {
			return err
		}
		dk, err := s.db.dataKey(ctx, tx, row.id, false)
		if err != nil {
			return err
		}
		if err := row.sealed.open(dk, row.rec.Person, false); err != nil {
			return err
		}
		result = row.rec
		return nil
	})
	if err == nil {
		err = refusal
	}
	if err != nil {
		return nil, err
	}
	return result, nil
}

// mergePersons does the merge once it is allowed: the survivor's person
// row takes the merged values, resealed, and a fresh blind index; the
// other record's cases become the survivor's, each keeping the data key
// its content is sealed under; the other record becomes a tombstone.
func (db *DB) mergePersons(ctx context.Context, tx *Tx, into, from *personRow, keep map[string]string, ix *seal.Indexer) error {
	actor := fristad.ActorFromContext(ctx)
	open := func(r *personRow) (*fristad.Person, error) {
		dk, err := db.dataKey(ctx, tx, r.id, false)
		if err != nil {
			return nil, err
		}
		p := *r.rec.Person
		p.ID = r.id
		return &p, r.sealed.open(dk, &p, true)
	}
	ip, err := open(into)
	if err != nil {
		return err
	}
	fp, err := open(from)
	if err != nil {
		return err
	}
	p := fristad.MergePerson(ip, fp, keep)
	if err := p.Validate(); err != nil {
		return err
	}
	dk, err := db.dataKey(ctx, tx, into.id, false)
	if err != nil {
		return err
	}
	sealed, err := sealPerson(dk, p, into.id)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE persons SET alias_ct = $1, name_ct = $2, identity_ct = $3, birth_date_ct = $4, age_band = $5, presumed_child = $6, sex = $7,
			citizenships = $8, languages = $9, interpreter_needed = $10, protection = $11, updated_at = $12
		WHERE id = $13`,
		sealed["alias_ct"], sealed["name_ct"], sealed["identity_ct"], sealed["birth_date_ct"], p.AgeBand, p.PresumedChild, p.Sex,
		strings.Join(p.Citizenships, ","), strings.Join(p.Languages, ","), p.InterpreterNeeded, p.Protection, tx.now, into.id)
	if err != nil {
		return err
	}
	// The survivor's blind index follows its new values. The tombstone
	// keeps its own, so a search by an identity it was known under still
	// finds the person, through it.
	if _, err := tx.ExecContext(ctx, `DELETE FROM person_index WHERE person_id = $1`, into.id); err != nil {
		return err
	}
	for field, token := range personTokens(ix, p, tx.now) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO person_index (field, token, person_id) VALUES ($1, $2, $3)`, field, token, into.id); err != nil {
			return err
		}
	}
	// A person who may be a child is one on every case (CH-01), and is
	// assessed the same or the next day (CH-04).
	for _, side := range []struct {
		cases []mergeCase
		was   bool
	}{{into.cases, ip.PresumedChild}, {from.cases, fp.PresumedChild}} {
		for _, c := range side.cases {
			change := fristad.RuleChange{Event: fristad.RulePersonMerged, Organisation: c.lead, PresumedChild: p.PresumedChild, WasPresumedChild: side.was}
			if err := addRuleTasks(ctx, tx, c.id, fristad.RuleTasks(change, tx.now)); err != nil {
				return err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET person_id = $1, updated_at = $2 WHERE person_id = $3`, into.id, tx.now, from.id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE persons SET merged_into = $1, merged_at = $2, updated_at = $2 WHERE id = $3 OR merged_into = $3`, into.id, tx.now, from.id); err != nil {
		return err
	}
	var kept, moved []string
	for _, f := range fristad.MergeFields {
		if side := keep[f]; side != "" {
			kept = append(kept, f+"="+side)
		}
	}
	for _, c := range from.cases {
		moved = append(moved, c.id)
	}
	slices.Sort(moved)
	id := auth.NewID()
	_, err = tx.ExecContext(ctx, `INSERT INTO person_merges (id, into_id, from_id, kept, cases, merged_by, merged_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		id, into.id, from.id, strings.Join(kept, ","), strings.Join(moved, ","), actor.UserID, tx.now)
	if err != nil {
		return err
	}
	for _, c := range moved {
		if err := db.audit(ctx, tx, auditEvent{Action: "case.person_merged", ObjectType: "case", ObjectID: c, Purpose: into.id}); err != nil {
			return err
		}
	}
	return db.audit(ctx, tx, auditEvent{Action: "person.merge", ObjectType: "person", ObjectID: into.id, Purpose: from.id})
}

// FindMerges returns the merges that made the case's person what it is:
// those into its record and into the records merged into it since, oldest
// first. Only references are read; the values kept stay out of it.
func (s *CaseService) FindMerges(ctx context.Context, caseID string) (_ []*fristad.MergeRecord, err error) {
	defer wrapErr(&err, "CaseService.FindMerges")
	var out []*fristad.MergeRecord
	err = s.db.readCase(ctx, caseID, fristad.ActionCaseRead, func(tx *Tx, c *fristad.Case, _ *seal.DataKey) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT m.id, m.merged_at, pi.reference, pf.reference, m.cases
			FROM person_merges m JOIN persons pi ON pi.id = m.into_id JOIN persons pf ON pf.id = m.from_id
			WHERE m.into_id IN (
				SELECT person_id FROM cases WHERE id = $1
				UNION SELECT p.id FROM persons p JOIN cases k ON p.merged_into = k.person_id WHERE k.id = $1)
			ORDER BY m.merged_at, m.id`, c.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m := &fristad.MergeRecord{}
			var cases string
			if err := rows.Scan(&m.ID, &m.MergedAt, &m.Into, &m.From, &cases); err != nil {
				return err
			}
			m.MergedAt, m.Moved = m.MergedAt.UTC(), slices.Contains(strings.Split(cases, ","), c.ID)
			out = append(out, m)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "merges.list", ObjectType: "case", ObjectID: c.ID, Purpose: c.Access})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
