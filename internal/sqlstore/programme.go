package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"fristad"
	"fristad/internal/auth"
)

// ProgrammeService keeps support programmes, their versions and the provider registry.
type ProgrammeService struct{ db *DB }

var (
	_ fristad.ProgrammeService = (*ProgrammeService)(nil)
)

// NewProgrammeService returns the programme service over db.
func NewProgrammeService(db *DB) *ProgrammeService { return &ProgrammeService{db: db} }

// programmeRules is the rules column: what a version holds beyond the
// columns lists and budgets need.
type programmeRules struct {
	Name, Description map[string]string
	Phases            []fristad.Phase
	Types, Funding    []string
	Eligibility       fristad.Eligibility
	Public            bool `json:",omitempty"`
}

const programmeColumns = `id, programme_id, version, status, target_group, rules, budget, valid_from, valid_to, created_by, created_at, published_at`

func scanProgramme(row interface{ Scan(...any) error }) (*fristad.ProgrammeVersion, error) {
	v := &fristad.ProgrammeVersion{}
	var rules string
	var published sql.NullTime
	if err := row.Scan(&v.ID, &v.ProgrammeID, &v.Version, &v.Status, &v.TargetGroup, &rules, &v.Budget, &v.ValidFrom, &v.ValidTo,
		&v.CreatedBy, &v.CreatedAt, &published); err != nil {
		return nil, err
	}
	var r programmeRules
	if err := json.Unmarshal([]byte(rules), &r); err != nil {
		return nil, err
	}
	v.Name, v.Description, v.Phases, v.Types, v.Funding, v.Eligibility = r.Name, r.Description, r.Phases, r.Types, r.Funding, r.Eligibility
	v.Public = r.Public
	if published.Valid {
		t := published.Time
		v.PublishedAt = &t
	}
	return v, nil
}

func rulesOf(v *fristad.ProgrammeVersion) (string, error) {
	buf, err := json.Marshal(programmeRules{v.Name, v.Description, v.Phases, v.Types, v.Funding, v.Eligibility, v.Public})
	return string(buf), err
}

func errProgrammeNotFound() error {
	return fristad.Errorf(fristad.ENOTFOUND, "no such programme version")
}

// FindProgrammeVersions returns programme versions, by programme and
// version.
func (s *ProgrammeService) FindProgrammeVersions(ctx context.Context, filter fristad.ProgrammeFilter) (_ []*fristad.ProgrammeVersion, err error) {
	defer wrapErr(&err, "ProgrammeService.FindProgrammeVersions")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionProgrammeRead, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	var out []*fristad.ProgrammeVersion
	err = s.db.read(ctx, func(tx *Tx) error {
		var where []string
		var args []any
		if filter.ProgrammeID != nil {
			args = append(args, *filter.ProgrammeID)
			where = append(where, "programme_id = $1")
		}
		if filter.Published {
			where = append(where, "status = 'published'")
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+programmeColumns+` FROM programme_versions`+whereClause(where)+
			` ORDER BY programme_id, version`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scanProgramme(rows)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, err
}

// FindProgrammeVersionByID returns one programme version.
func (s *ProgrammeService) FindProgrammeVersionByID(ctx context.Context, id string) (_ *fristad.ProgrammeVersion, err error) {
	defer wrapErr(&err, "ProgrammeService.FindProgrammeVersionByID")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionProgrammeRead, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	var v *fristad.ProgrammeVersion
	err = s.db.read(ctx, func(tx *Tx) (err error) {
		v, err = findProgramme(ctx, tx, id)
		return err
	})
	return v, err
}

func findProgramme(ctx context.Context, tx *Tx, id string) (*fristad.ProgrammeVersion, error) {
	v, err := scanProgramme(tx.QueryRowContext(ctx, `SELECT `+programmeColumns+` FROM programme_versions WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errProgrammeNotFound()
	}
	return v, err
}

// CreateProgrammeVersion stores a new draft version.
func (s *ProgrammeService) CreateProgrammeVersion(ctx context.Context, v *fristad.ProgrammeVersion) (err error) {
	defer wrapErr(&err, "ProgrammeService.CreateProgrammeVersion")
	actor := fristad.ActorFromContext(ctx)
	if err := fristad.Authorize(actor, fristad.ActionProgrammeManage, nil, fristad.ENOTFOUND); err != nil {
		return err
	}
	if err := v.Validate(); err != nil {
		return err
	}
	rules, err := rulesOf(v)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if v.ProgrammeID == "" {
			v.ProgrammeID, v.Version = auth.NewID(), 1
		} else {
			var latest int
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM programme_versions WHERE programme_id = $1`, v.ProgrammeID).Scan(&latest); err != nil {
				return err
			}
			if latest == 0 {
				return errProgrammeNotFound()
			}
			v.Version = latest + 1
		}
		v.ID, v.Status, v.CreatedBy, v.CreatedAt, v.PublishedAt = auth.NewID(), fristad.ProgrammeDraft, actor.AuditName(), tx.now, nil
		_, err := tx.ExecContext(ctx, `
			INSERT INTO programme_versions (id, programme_id, version, status, target_group, rules, budget, valid_from, valid_to, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			v.ID, v.ProgrammeID, v.Version, v.Status, v.TargetGroup, rules, v.Budget, v.ValidFrom, v.ValidTo, v.CreatedBy, tx.now)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "programme.create", ObjectType: "programme_version", ObjectID: v.ID, Purpose: itoa(v.Version)})
	})
}

// UpdateProgrammeVersion changes a draft.
func (s *ProgrammeService) UpdateProgrammeVersion(ctx context.Context, v *fristad.ProgrammeVersion) (err error) {
	defer wrapErr(&err, "ProgrammeService.UpdateProgrammeVersion")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionProgrammeManage, nil, fristad.ENOTFOUND); err != nil {
		return err
	}
	if err := v.Validate(); err != nil {
		return err
	}
	rules, err := rulesOf(v)
	if err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		old, err := findProgramme(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		if old.Status != fristad.ProgrammeDraft {
			return errPublished()
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE programme_versions SET target_group = $1, rules = $2, budget = $3, valid_from = $4, valid_to = $5
			WHERE id = $6 AND status = 'draft'`, v.TargetGroup, rules, v.Budget, v.ValidFrom, v.ValidTo, v.ID)
		if err != nil {
			return err
		}
		v.ProgrammeID, v.Version, v.Status, v.CreatedBy, v.CreatedAt = old.ProgrammeID, old.Version, old.Status, old.CreatedBy, old.CreatedAt
		return s.db.audit(ctx, tx, auditEvent{Action: "programme.update", ObjectType: "programme_version", ObjectID: v.ID})
	})
}

func errPublished() error {
	return fristad.Localized(fristad.ECONFLICT, "programme.published", nil,
		"a published programme version never changes; make a new version instead")
}

// PublishProgrammeVersion publishes a draft.
func (s *ProgrammeService) PublishProgrammeVersion(ctx context.Context, id string) (err error) {
	defer wrapErr(&err, "ProgrammeService.PublishProgrammeVersion")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionProgrammeManage, nil, fristad.ENOTFOUND); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		v, err := findProgramme(ctx, tx, id)
		if err != nil {
			return err
		}
		if v.Status != fristad.ProgrammeDraft {
			return errPublished()
		}
		// A version published with broken rules could not be fixed.
		if err := v.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE programme_versions SET status = 'published', published_at = $1 WHERE id = $2`, tx.now, id); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "programme.publish", ObjectType: "programme_version", ObjectID: id, Purpose: itoa(v.Version)})
	})
}

// FindProviders returns the provider registry, by name.
func (s *ProgrammeService) FindProviders(ctx context.Context) (_ []*fristad.Provider, err error) {
	defer wrapErr(&err, "ProgrammeService.FindProviders")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionProgrammeRead, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	var out []*fristad.Provider
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT p.org_id, o.name, p.certification, p.certified_until, p.services, p.languages, p.regions, p.places,
				p.takes_children, p.takes_men, p.takes_women, p.accessible, p.contact, p.listed, p.public_description, p.public_phone, p.updated_at
			FROM providers p JOIN organisations o ON o.id = p.org_id
			ORDER BY o.name_key`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p fristad.Provider
			var services, languages, regions string
			if err := rows.Scan(&p.OrganisationID, &p.Name, &p.Certification, &p.CertifiedUntil, &services, &languages, &regions, &p.Places,
				&p.TakesChildren, &p.TakesMen, &p.TakesWomen, &p.Accessible, &p.Contact, &p.Listed, &p.PublicDescription, &p.PublicPhone,
				&p.UpdatedAt); err != nil {
				return err
			}
			p.Services, p.Languages, p.Regions = splitList(services), splitList(languages), splitRegions(regions)
			out = append(out, &p)
		}
		return rows.Err()
	})
	return out, err
}

// Regions are free text and may hold commas; they are kept one a line.
func splitRegions(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// SaveProvider records or changes an organisation's provider entry.
func (s *ProgrammeService) SaveProvider(ctx context.Context, p *fristad.Provider) (err error) {
	defer wrapErr(&err, "ProgrammeService.SaveProvider")
	actor := fristad.ActorFromContext(ctx)
	if err := fristad.Authorize(actor, fristad.ActionProgrammeManage, nil, fristad.ENOTFOUND); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		orgs, err := findOrganisations(ctx, tx, fristad.OrganisationFilter{ID: &p.OrganisationID})
		if err != nil {
			return err
		}
		if len(orgs) == 0 {
			return &fristad.Error{Code: fristad.EINVALID, Field: "organisation_id", Key: "provider.organisation.invalid", Message: "no such organisation"}
		}
		p.Name, p.UpdatedAt = orgs[0].Name, tx.now
		_, err = tx.ExecContext(ctx, `
			INSERT INTO providers (org_id, certification, certified_until, services, languages, regions, places, takes_children, takes_men,
				takes_women, accessible, contact, listed, public_description, public_phone, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
			ON CONFLICT (org_id) DO UPDATE SET certification = excluded.certification, certified_until = excluded.certified_until,
				services = excluded.services, languages = excluded.languages, regions = excluded.regions, places = excluded.places,
				takes_children = excluded.takes_children, takes_men = excluded.takes_men, takes_women = excluded.takes_women,
				accessible = excluded.accessible, contact = excluded.contact, listed = excluded.listed,
				public_description = excluded.public_description, public_phone = excluded.public_phone,
				updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			p.OrganisationID, p.Certification, p.CertifiedUntil, strings.Join(p.Services, ","), strings.Join(p.Languages, ","),
			strings.Join(p.Regions, "\n"), p.Places, p.TakesChildren, p.TakesMen, p.TakesWomen, p.Accessible, p.Contact,
			p.Listed, p.PublicDescription, p.PublicPhone, actor.AuditName(), tx.now)
		if err != nil {
			return err
		}
		purpose := p.Certification
		if p.Listed {
			purpose += ",listed"
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "provider.save", ObjectType: "organisation", ObjectID: p.OrganisationID, Purpose: purpose})
	})
}

// Budget returns money committed and spent per programme version, per
// provider and per funding source. Spent is what has been spent on any
// intervention, cancelled ones included; committed is what planned and
// started interventions will cost beyond that. A programme version's
// budget carries only what the programme itself pays for (SP-05).
func (s *ProgrammeService) Budget(ctx context.Context) (_ *fristad.BudgetReport, err error) {
	defer wrapErr(&err, "ProgrammeService.Budget")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionProgrammeManage, nil, fristad.ENOTFOUND); err != nil {
		return nil, err
	}
	const sums = `COALESCE(SUM(CASE WHEN i.status IN ('planned', 'started') AND i.cost_committed > i.cost_spent
			THEN i.cost_committed - i.cost_spent ELSE 0 END), 0),
		COALESCE(SUM(i.cost_spent), 0)`
	out := &fristad.BudgetReport{}
	err = s.db.read(ctx, func(tx *Tx) error {
		collect := func(dst *[]fristad.BudgetLine, query string, withBudget bool) error {
			rows, err := tx.QueryContext(ctx, query)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var l fristad.BudgetLine
				dest := []any{&l.Key, &l.Label, &l.Committed, &l.Spent}
				if withBudget {
					dest = append(dest, &l.Budget)
				}
				if err := rows.Scan(dest...); err != nil {
					return err
				}
				*dst = append(*dst, l)
			}
			return rows.Err()
		}
		err := collect(&out.Programmes, `
			SELECT v.id, v.rules, `+sums+`, v.budget
			FROM programme_versions v LEFT JOIN plan_interventions i ON i.version_id = v.id AND i.funding_source = 'programme'
			WHERE v.status = 'published'
			GROUP BY v.id, v.rules, v.budget, v.programme_id, v.version
			ORDER BY v.programme_id, v.version`, true)
		if err != nil {
			return err
		}
		for i := range out.Programmes {
			// The label is the Swedish name; the web shows the version's
			// name in the reader's language.
			var r programmeRules
			if err := json.Unmarshal([]byte(out.Programmes[i].Label), &r); err != nil {
				return err
			}
			out.Programmes[i].Label, out.Programmes[i].Names = r.Name["sv"], r.Name
		}
		err = collect(&out.Providers, `
			SELECT COALESCE(i.provider_id, ''), COALESCE(MIN(o.name), ''), `+sums+`
			FROM plan_interventions i LEFT JOIN organisations o ON o.id = i.provider_id
			GROUP BY i.provider_id ORDER BY 2`, false)
		if err != nil {
			return err
		}
		return collect(&out.Funding, `
			SELECT i.funding_source, i.funding_source, `+sums+`
			FROM plan_interventions i GROUP BY i.funding_source ORDER BY i.funding_source`, false)
	})
	return out, err
}
