package sqlstore

import (
	"context"
	"slices"
	"strings"

	"fristad"
)

// DirectoryService reads the providers listed in the public directory.
type DirectoryService struct{ db *DB }

var (
	_ fristad.PublicDirectory = (*DirectoryService)(nil)
)

// NewDirectoryService returns the directory service over db.
func NewDirectoryService(db *DB) *DirectoryService { return &DirectoryService{db: db} }

// PublicListings returns the providers listed in the public directory
// whose certification holds on day, by name. It takes no actor and
// writes no audit event: it reads only what coordinators chose to
// publish (IN-01), and the columns it selects are all there is to it —
// never the internal contact text, and nothing from any case table.
func (s *DirectoryService) PublicListings(ctx context.Context, day string) (_ []fristad.Listing, err error) {
	defer wrapErr(&err, "DirectoryService.PublicListings")
	var out []fristad.Listing
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT p.org_id, o.name, p.public_description, p.public_phone, p.services, p.languages, p.regions,
				p.takes_children, p.takes_men, p.takes_women, p.accessible, p.updated_at
			FROM providers p JOIN organisations o ON o.id = p.org_id
			WHERE p.listed AND p.certification = 'certified' AND p.certified_until >= $1
			ORDER BY o.name_key`, day)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l fristad.Listing
			var services, languages, regions string
			if err := rows.Scan(&l.ID, &l.Name, &l.Description, &l.Phone, &services, &languages, &regions,
				&l.Children, &l.Men, &l.Women, &l.Accessible, &l.UpdatedAt); err != nil {
				return err
			}
			l.Services, l.Languages, l.Regions = splitList(services), splitList(languages), splitRegions(regions)
			l.UpdatedAt = l.UpdatedAt.UTC()
			out = append(out, l)
		}
		return rows.Err()
	})
	return out, err
}

// PublicProgrammes returns, for each programme with a published version
// that applies on day, the latest such version, by its Swedish name.
// Like PublicListings it takes no actor: programmes hold no personal
// data, and only their names, descriptions, target group, phases and
// intervention types are returned.
func (s *DirectoryService) PublicProgrammes(ctx context.Context, day string) (_ []fristad.PublicProgramme, err error) {
	defer wrapErr(&err, "DirectoryService.PublicProgrammes")
	var out []fristad.PublicProgramme
	err = s.db.read(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+programmeColumns+` FROM programme_versions
			WHERE status = 'published' AND valid_from <= $1 AND (valid_to = '' OR valid_to >= $1)
			ORDER BY programme_id, version DESC`, day)
		if err != nil {
			return err
		}
		defer rows.Close()
		seen := map[string]bool{}
		for rows.Next() {
			v, err := scanProgramme(rows)
			if err != nil {
				return err
			}
			if seen[v.ProgrammeID] {
				continue // an older version of the same programme
			}
			seen[v.ProgrammeID] = true
			if !v.Public {
				continue // the version that applies is not for the portal
			}
			out = append(out, fristad.PublicProgramme{ID: v.ProgrammeID, Name: v.Name, Description: v.Description,
				TargetGroup: v.TargetGroup, Phases: v.Phases, Types: v.Types})
		}
		return rows.Err()
	})
	slices.SortStableFunc(out, func(a, b fristad.PublicProgramme) int { return strings.Compare(a.Name["sv"], b.Name["sv"]) })
	return out, err
}
