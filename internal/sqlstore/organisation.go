package sqlstore

import (
	"context"
	"strings"

	"fristad"
	"fristad/internal/auth"
)

// OrganisationService keeps the organisations.
type OrganisationService struct{ db *DB }

var (
	_ fristad.OrganisationService = (*OrganisationService)(nil)
)

// NewOrganisationService returns the organisation service over db.
func NewOrganisationService(db *DB) *OrganisationService { return &OrganisationService{db: db} }

// FindOrganisationByID returns one organisation.
func (s *OrganisationService) FindOrganisationByID(ctx context.Context, id string) (_ *fristad.Organisation, err error) {
	defer wrapErr(&err, "OrganisationService.FindOrganisationByID")
	orgs, err := s.FindOrganisations(ctx, fristad.OrganisationFilter{ID: &id})
	if err != nil {
		return nil, err
	}
	if len(orgs) == 0 {
		return nil, fristad.Errorf(fristad.ENOTFOUND, "no such organisation")
	}
	return orgs[0], nil
}

// FindOrganisations returns the organisations matching filter, by name.
func (s *OrganisationService) FindOrganisations(ctx context.Context, filter fristad.OrganisationFilter) (_ []*fristad.Organisation, err error) {
	defer wrapErr(&err, "OrganisationService.FindOrganisations")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionOrganisationList, nil, fristad.EFORBIDDEN); err != nil {
		return nil, err
	}
	var orgs []*fristad.Organisation
	err = s.db.read(ctx, func(tx *Tx) (err error) {
		orgs, err = findOrganisations(ctx, tx, filter)
		return err
	})
	return orgs, err
}

func findOrganisations(ctx context.Context, tx *Tx, filter fristad.OrganisationFilter) ([]*fristad.Organisation, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	if filter.ID != nil {
		where = append(where, "id = "+arg(*filter.ID))
	}
	if filter.Name != nil {
		where = append(where, "name_key = "+arg(nameKey(*filter.Name)))
	}
	if filter.Type != nil {
		where = append(where, "type = "+arg(*filter.Type))
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT id, name, type, region, country, created_at, updated_at
		FROM organisations`+whereClause(where)+`
		ORDER BY name_key`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var orgs []*fristad.Organisation
	for rows.Next() {
		var o fristad.Organisation
		if err := rows.Scan(&o.ID, &o.Name, &o.Type, &o.Region, &o.Country, &o.CreatedAt, &o.UpdatedAt); err != nil {
			return nil, err
		}
		orgs = append(orgs, &o)
	}
	return orgs, rows.Err()
}

// CreateOrganisation stores a new organisation.
func (s *OrganisationService) CreateOrganisation(ctx context.Context, org *fristad.Organisation) (err error) {
	defer wrapErr(&err, "OrganisationService.CreateOrganisation")
	if err := fristad.Authorize(fristad.ActorFromContext(ctx), fristad.ActionOrganisationCreate, nil, fristad.EFORBIDDEN); err != nil {
		return err
	}
	if err := org.Validate(); err != nil {
		return err
	}
	return s.db.write(ctx, func(tx *Tx) error {
		if err := createOrganisation(ctx, tx, org); err != nil {
			return err
		}
		return s.db.audit(ctx, tx, auditEvent{Action: "organisation.create", ObjectType: "organisation", ObjectID: org.ID})
	})
}

func createOrganisation(ctx context.Context, tx *Tx, org *fristad.Organisation) error {
	var known int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisation_types WHERE code = $1`, org.Type).Scan(&known); err != nil {
		return err
	}
	if known == 0 {
		return &fristad.Error{Code: fristad.EINVALID, Field: "type", Key: "organisation.type.unknown", Message: "unknown organisation type " + org.Type}
	}
	org.ID = auth.NewID()
	org.CreatedAt, org.UpdatedAt = tx.now, tx.now
	_, err := tx.ExecContext(ctx, `
		INSERT INTO organisations (id, name, name_key, type, region, country, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		org.ID, org.Name, nameKey(org.Name), org.Type, org.Region, org.Country, org.CreatedAt, org.UpdatedAt)
	if fristad.ErrorCode(translate(err)) == fristad.ECONFLICT {
		return &fristad.Error{Code: fristad.ECONFLICT, Field: "name", Key: "organisation.name.taken", Message: "an organisation with this name exists"}
	}
	return err
}

// OrganisationTypes returns the configured organisation type codes.
func (s *OrganisationService) OrganisationTypes(ctx context.Context) (_ []string, err error) {
	defer wrapErr(&err, "OrganisationService.OrganisationTypes")
	var codes []string
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT code FROM organisation_types ORDER BY code`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				return err
			}
			codes = append(codes, c)
		}
		return rows.Err()
	})
	return codes, err
}

// nameKey is the form of a name that must be unique: case and runs of
// spaces do not make two organisations different.
func nameKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}

func whereClause(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}
