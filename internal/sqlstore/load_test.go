package sqlstore_test

import (
	"context"
	"runtime"
	"testing"

	"fristad"
	"fristad/internal/testing/sqlstoretest"
)

// BenchmarkConcurrentCaseReads measures what fifty colleagues reading at
// once cost on each engine: every operation is one API request's work in
// the store — the token authenticated, then a case read (one) or the case
// list (list), each with its audit event durable before it answers.
// ns/op is the wall time per request with fifty in flight, so 1e9/(ns/op)
// is requests per second. Compare engines, or two versions of the code,
// only within one run on the same machine:
//
//	go test ./internal/sqlstore -run '^$' -bench ConcurrentCaseReads -benchtime 2000x
//
// with FRISTAD_TEST_POSTGRES_URL set for PostgreSQL (on a server that
// flushes its commits, which the throwaway test server does not).
func BenchmarkConcurrentCaseReads(b *testing.B) {
	const users, cases = 50, 20
	for _, engine := range sqlstoretest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			db := sqlstoretest.MustOpen(b, engine)
			clk := withClock(db)
			u, _ := mustActivate(b, db, clk, "kim@example.org", fristad.RoleCaseWorker)
			tok, err := db.CreateToken(cli(b), u.ID, "bench", fristad.ScopeRead, 0)
			if err != nil {
				b.Fatal(err)
			}
			worker := fristad.NewContextWithActor(b.Context(), &fristad.Actor{UserID: u.ID, OrganisationID: u.OrganisationID, Roles: u.Roles})
			var ids []string
			for i := range cases {
				c := newCase("Person "+itoa(i), "Namn "+itoa(i), "", "1990-01-01")
				if err := db.CreateCase(worker, c); err != nil {
					b.Fatal(err)
				}
				ids = append(ids, c.ID)
			}
			for _, bb := range []struct {
				name string
				read func(ctx context.Context, i int) error
			}{
				{"one", func(ctx context.Context, i int) error {
					_, err := db.FindCaseByID(ctx, ids[i%len(ids)])
					return err
				}},
				{"list", func(ctx context.Context, _ int) error {
					_, err := db.FindCases(ctx, fristad.CaseFilter{Limit: 50})
					return err
				}},
			} {
				b.Run(bb.name, func(b *testing.B) {
					b.SetParallelism(max(1, users/runtime.GOMAXPROCS(0)))
					b.RunParallel(func(pb *testing.PB) {
						i := 0
						for pb.Next() {
							a, err := db.AuthenticateToken(b.Context(), tok.Token)
							if err != nil {
								b.Error(err)
								return
							}
							if err := bb.read(fristad.NewContextWithActor(b.Context(), a), i); err != nil {
								b.Error(err)
								return
							}
							i++
						}
					})
				})
			}
		})
	}
}
