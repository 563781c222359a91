package main

import (
	"context"
	"time"

	"fristad"
	"fristad/internal/sqlstore"
)

// seedDemoResidences records where the demo people live: the first moved
// from a friend's flat to a shelter, whose (made-up) address is protected;
// the second lives in housing from the municipality.
func seedDemoResidences(wctx context.Context, db *sqlstore.DB, cases []*fristad.Case) error {
	svc := sqlstore.NewServices(db)
	now := time.Now()
	for _, r := range []struct {
		c   *fristad.Case
		res *fristad.Residence
	}{
		{cases[0], &fristad.Residence{Kind: "with_family_or_friends", Since: now.AddDate(0, 0, -40).Format(time.DateOnly), Address: "Hos en väninna, Exempelgatan 1, Demostad (påhittad)"}},
		{cases[0], &fristad.Residence{Kind: "shelter", Since: now.AddDate(0, 0, -19).Format(time.DateOnly), Address: "Jourens boende, Påhittade vägen 7, Demostad"}},
		{cases[1], &fristad.Residence{Kind: "municipal_housing", Since: now.AddDate(0, 0, -10).Format(time.DateOnly), Address: "Lägenhet genom socialtjänsten, Demogatan 3 (påhittad)"}},
	} {
		if err := svc.Residences.RecordResidence(wctx, r.c.ID, r.res); err != nil {
			return err
		}
	}
	return nil
}
