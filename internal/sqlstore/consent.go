package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/auth"
	"fristad/internal/seal"
)

// ConsentService keeps her consents and every disclosure made of her data.
type ConsentService struct{ db *DB }

var (
	_ fristad.ConsentService = (*ConsentService)(nil)
)

// NewConsentService returns the consent service over db.
func NewConsentService(db *DB) *ConsentService { return &ConsentService{db: db} }

// forUpdate locks the rows a query reads until the transaction ends, on
// PostgreSQL; SQLite's write transactions hold the whole database already.
func (db *DB) forUpdate() string {
	if db.dialect.name == Postgres {
		return ` FOR UPDATE`
	}
	return ``
}

const consentColumns = `id, purpose, recipient_org, categories, given_on, language, interpreter, expires_on,
	guardian_consent, guardian_ct, child_view_ct, note_ct, status, withdrawn_at, withdrawn_by,
	recorded_by, recorded_org, recorded_at`

// scanConsent reads a consent row and opens its sealed fields. today
// makes a consent past its expiry read as expired.
func scanConsent(row interface{ Scan(...any) error }, dk *seal.DataKey, caseID, today string) (*fristad.Consent, error) {
	c := &fristad.Consent{CaseID: caseID}
	var categories string
	var guardian, childView, note []byte
	var withdrawn anyTime
	err := row.Scan(&c.ID, &c.Purpose, &c.RecipientOrganisation, &categories, &c.GivenOn, &c.Language, &c.Interpreter, &c.ExpiresOn,
		&c.GuardianConsent, &guardian, &childView, &note, &c.Status, &withdrawn, &c.WithdrawnBy,
		&c.RecordedBy, &c.RecordedByOrganisation, &c.RecordedAt)
	if err != nil {
		return nil, err
	}
	c.DataCategories = splitList(categories)
	if withdrawn.Valid {
		at := withdrawn.Time
		c.WithdrawnAt = &at
	}
	for _, f := range []struct {
		ct  []byte
		col string
		v   *string
	}{{guardian, "guardian_ct", &c.Guardian}, {childView, "child_view_ct", &c.ChildView}, {note, "note_ct", &c.Note}} {
		if f.ct == nil {
			continue
		}
		b, err := dk.Open(f.ct, "case_consents", f.col, c.ID)
		if err != nil {
			return nil, err
		}
		*f.v = string(b)
	}
	c.Status = c.StatusOn(today)
	return c, nil
}

// sealOptional seals a free-text field of a row, or returns nil for "".
func sealOptional(dk *seal.DataKey, v, table, column, rowID string) ([]byte, error) {
	if v == "" {
		return nil, nil
	}
	return dk.Seal([]byte(v), table, column, rowID)
}

// organisationExists reports whether an organisation id is known.
func organisationExists(ctx context.Context, tx *Tx, id string) (bool, error) {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM organisations WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// FindConsents returns the consents of a case, newest first.
func (s *ConsentService) FindConsents(ctx context.Context, caseID string) (_ []*fristad.Consent, err error) {
	defer wrapErr(&err, "ConsentService.FindConsents")
	var out []*fristad.Consent
	err = s.db.readCase(ctx, caseID, fristad.ActionConsentRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+consentColumns+` FROM case_consents WHERE case_id = $1 ORDER BY recorded_at DESC, id DESC`, c.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		today := fristad.StockholmDay(tx.now)
		for rows.Next() {
			consent, err := scanConsent(rows, dk, c.ID, today)
			if err != nil {
				return err
			}
			out = append(out, consent)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "consent.list", ObjectType: "case", ObjectID: c.ID, Purpose: c.Access})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateConsent records a consent given on a case.
func (s *ConsentService) CreateConsent(ctx context.Context, caseID string, consent *fristad.Consent) (err error) {
	defer wrapErr(&err, "ConsentService.CreateConsent")
	return s.db.onCase(ctx, caseID, fristad.ActionConsentWrite, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		// Whether the guardian and the child's view are needed depends on
		// the person, so the consent is checked here.
		if err := consent.Validate(c.Person.PresumedChild); err != nil {
			return err
		}
		if ok, err := organisationExists(ctx, tx, consent.RecipientOrganisation); err != nil || !ok {
			if err == nil {
				err = &fristad.Error{Code: fristad.EINVALID, Field: "recipient_organisation_id", Key: "consent.recipient.required", Message: "no such organisation"}
			}
			return err
		}
		actor := fristad.ActorFromContext(ctx)
		consent.ID, consent.CaseID, consent.Status = auth.NewID(), c.ID, fristad.ConsentGiven
		consent.RecordedBy, consent.RecordedByOrganisation, consent.RecordedAt = actor.UserID, actor.OrganisationID, tx.now
		consent.WithdrawnAt, consent.WithdrawnBy = nil, ""
		sealed := map[string][]byte{}
		for col, v := range map[string]string{"guardian_ct": consent.Guardian, "child_view_ct": consent.ChildView, "note_ct": consent.Note} {
			var err error
			if sealed[col], err = sealOptional(dk, v, "case_consents", col, consent.ID); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO case_consents (id, case_id, purpose, recipient_org, categories, given_on, language, interpreter, expires_on,
				guardian_consent, guardian_ct, child_view_ct, note_ct, status, recorded_by, recorded_org, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'given', $14, $15, $16)`,
			consent.ID, c.ID, consent.Purpose, consent.RecipientOrganisation, strings.Join(consent.DataCategories, ","), consent.GivenOn,
			consent.Language, consent.Interpreter, consent.ExpiresOn, consent.GuardianConsent,
			sealed["guardian_ct"], sealed["child_view_ct"], sealed["note_ct"], consent.RecordedBy, consent.RecordedByOrganisation, tx.now)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "consent.create", ObjectType: "case", ObjectID: c.ID, Purpose: consent.ID})
	})
}

// WithdrawConsent records that a consent was withdrawn. It takes effect
// in the same transaction: CreateDisclosure reads the consent's row under
// a lock, so a disclosure either commits before the withdrawal or sees
// it.
func (s *ConsentService) WithdrawConsent(ctx context.Context, caseID, consentID string) (_ *fristad.Consent, err error) {
	defer wrapErr(&err, "ConsentService.WithdrawConsent")
	var out *fristad.Consent
	missing := false
	err = s.db.onCase(ctx, caseID, fristad.ActionConsentWrite, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		actor := fristad.ActorFromContext(ctx)
		_, err := tx.ExecContext(ctx, `
			UPDATE case_consents SET status = 'withdrawn', withdrawn_at = $1, withdrawn_by = $2
			WHERE id = $3 AND case_id = $4 AND status = 'given'`, tx.now, actor.UserID, consentID, c.ID)
		if err != nil {
			return err
		}
		row := tx.QueryRowContext(ctx, `SELECT `+consentColumns+` FROM case_consents WHERE id = $1 AND case_id = $2`, consentID, c.ID)
		out, err = scanConsent(row, dk, c.ID, fristad.StockholmDay(tx.now))
		if errors.Is(err, sql.ErrNoRows) {
			// Not a consent of this case: the attempt is on record, and
			// the answer is the same as for a consent that never was.
			missing = true
			return s.db.audit(ctx, tx, auditEvent{Action: "consent.withdraw", ObjectType: "case", ObjectID: c.ID, Purpose: consentID, Result: audit.ResultDenied})
		}
		if err != nil {
			return err
		}
		// Members who joined on this consent leave with it.
		res, err := tx.ExecContext(ctx, `DELETE FROM case_team WHERE case_id = $1 AND consent_id = $2 AND level = 'member'`, c.ID, consentID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if err := s.db.audit(ctx, tx, auditEvent{Action: "case.team.revoke", ObjectType: "case", ObjectID: c.ID, Purpose: consentID}); err != nil {
				return err
			}
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "consent.withdraw", ObjectType: "case", ObjectID: c.ID, Purpose: consentID})
	})
	if err == nil && missing {
		return nil, fristad.Errorf(fristad.ENOTFOUND, "not found")
	}
	return out, err
}

const disclosureColumns = `id, recipient_org, purpose, categories, legal_basis, COALESCE(consent_id, ''), explanation_ct,
	disclosed_on, recorded_by, recorded_org, recorded_at`

// FindDisclosures returns the disclosures of a case, newest first.
func (s *ConsentService) FindDisclosures(ctx context.Context, caseID string) (_ []*fristad.Disclosure, err error) {
	defer wrapErr(&err, "ConsentService.FindDisclosures")
	var out []*fristad.Disclosure
	err = s.db.readCase(ctx, caseID, fristad.ActionConsentRead, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+disclosureColumns+` FROM case_disclosures WHERE case_id = $1 ORDER BY recorded_at DESC, id DESC`, c.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d := &fristad.Disclosure{CaseID: c.ID}
			var categories string
			var explanation []byte
			if err := rows.Scan(&d.ID, &d.RecipientOrganisation, &d.Purpose, &categories, &d.LegalBasis, &d.ConsentID, &explanation,
				&d.DisclosedOn, &d.RecordedBy, &d.RecordedByOrganisation, &d.RecordedAt); err != nil {
				return err
			}
			d.DataCategories = splitList(categories)
			if explanation != nil {
				b, err := dk.Open(explanation, "case_disclosures", "explanation_ct", d.ID)
				if err != nil {
					return err
				}
				d.Explanation = string(b)
			}
			out = append(out, d)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "disclosure.list", ObjectType: "case", ObjectID: c.ID, Purpose: c.Access})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CreateDisclosure records a disclosure of a case's data.
func (s *ConsentService) CreateDisclosure(ctx context.Context, caseID string, d *fristad.Disclosure) (err error) {
	defer wrapErr(&err, "ConsentService.CreateDisclosure")
	return s.db.onCase(ctx, caseID, fristad.ActionConsentWrite, func(tx *Tx, c *fristad.Case, dk *seal.DataKey) error {
		if err := d.Validate(); err != nil {
			return err
		}
		if ok, err := organisationExists(ctx, tx, d.RecipientOrganisation); err != nil || !ok {
			if err == nil {
				err = &fristad.Error{Code: fristad.EINVALID, Field: "recipient_organisation_id", Key: "disclosure.recipient.required", Message: "no such organisation"}
			}
			return err
		}
		if d.LegalBasis == fristad.BasisConsent {
			if err := s.db.checkConsent(ctx, tx, dk, c.ID, d); err != nil {
				return err
			}
		}
		actor := fristad.ActorFromContext(ctx)
		if d.JoinTeam {
			if c.Access != "lead" {
				return fristad.Localized(fristad.EFORBIDDEN, "team.lead.only", nil, "only the lead organisation adds members to the case team")
			}
			if !actor.FreshStepUp(tx.now) {
				return fristad.ErrStepUpRequired()
			}
		}
		d.ID, d.CaseID = auth.NewID(), c.ID
		d.RecordedBy, d.RecordedByOrganisation, d.RecordedAt = actor.UserID, actor.OrganisationID, tx.now
		explanation, err := sealOptional(dk, d.Explanation, "case_disclosures", "explanation_ct", d.ID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO case_disclosures (id, case_id, recipient_org, purpose, categories, legal_basis, consent_id, explanation_ct,
				disclosed_on, recorded_by, recorded_org, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			d.ID, c.ID, d.RecipientOrganisation, d.Purpose, strings.Join(d.DataCategories, ","), d.LegalBasis, nullString(d.ConsentID),
			explanation, d.DisclosedOn, d.RecordedBy, d.RecordedByOrganisation, tx.now)
		if err != nil {
			return err
		}
		if d.JoinTeam {
			_, err = tx.ExecContext(ctx, `
				INSERT INTO case_team (case_id, org_id, level, added_at, disclosure_id, consent_id, case_created_at)
				VALUES ($1, $2, 'member', $3, $4, $5, (SELECT created_at FROM cases WHERE id = $1))
				ON CONFLICT (case_id, org_id) DO NOTHING`, c.ID, d.RecipientOrganisation, tx.now, d.ID, d.ConsentID)
			if err != nil {
				return err
			}
			if err := s.db.audit(ctx, tx, auditEvent{Action: "case.team.add", ObjectType: "case", ObjectID: c.ID, Purpose: d.RecipientOrganisation}); err != nil {
				return err
			}
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "disclosure.create", ObjectType: "case", ObjectID: c.ID, Purpose: d.ID})
	})
}

// checkConsent checks that the consent a disclosure rests on is of the
// same case, in force on the day of the disclosure — never withdrawn — and
// covers its purpose, recipient and every category. The consent's row is
// locked until the transaction ends, so a withdrawal cannot slip in
// between the check and the record.
func (db *DB) checkConsent(ctx context.Context, tx *Tx, dk *seal.DataKey, caseID string, d *fristad.Disclosure) error {
	row := tx.QueryRowContext(ctx, `SELECT `+consentColumns+` FROM case_consents WHERE id = $1 AND case_id = $2`+db.forUpdate(), d.ConsentID, caseID)
	consent, err := scanConsent(row, dk, caseID, fristad.StockholmDay(tx.now))
	fail := func(key, message string) error {
		return &fristad.Error{Code: fristad.EINVALID, Field: "consent_id", Key: key, Message: message}
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fail("disclosure.consent.unknown", "no such consent on this case")
	case err != nil:
		return err
	case consent.Status == fristad.ConsentWithdrawn:
		return fail("disclosure.consent.withdrawn", "the consent has been withdrawn")
	case !consent.InForce(d.DisclosedOn):
		return fail("disclosure.consent.expired", "the consent was not in force on the day of the disclosure")
	case !consent.Covers(d.Purpose, d.RecipientOrganisation, d.DataCategories):
		return fail("disclosure.consent.scope", "the consent does not cover this purpose, recipient or data")
	}
	return nil
}
