package sqlstore

// Seeding: 'fristad seed' fills a demo database with many fictional cases,
// fast enough to measure Fristad at the size of a national programme
// (100,000 cases, ten million audit events) on one machine. The rows are
// the rows the services write — sealed under each person's own data key,
// with the same blind indexes, rule tasks and audit events, the events in
// the Merkle log so that 'fristad audit verify' passes — but they are
// made in memory and written in large transactions of multi-row
// INSERTs, instead of one transaction per change. The case histories
// themselves are made up in seed_data.go.

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"fristad"
	"fristad/internal/audit"
	"fristad/internal/auth"
	"fristad/internal/seal"

	"golang.org/x/mod/sumdb/tlog"
)

// SeedOptions says what Seed makes.
type SeedOptions struct {
	// Cases is how many cases to add.
	Cases int
	// Password is the password of every seeded account, and TOTPSecret
	// returns an account's TOTP key from its e-mail address, so that
	// anyone can log in as any of them (as in the demo).
	Password   string
	TOTPSecret func(email string) string
	// Progress, when set, is told after each committed batch how far
	// the seeding has come.
	Progress func(SeedProgress)
	// Seed makes the made-up content the same from run to run; ids,
	// keys and references are random all the same.
	Seed uint64
}

// SeedProgress is how far Seed has come.
type SeedProgress struct {
	Cases, Total int   // cases written so far, of Total
	Events       int64 // audit events written so far
	Rows         int64 // rows written so far, audit events included
}

// SeedReport says what Seed made.
type SeedReport struct {
	Organisations int   // organisations that lead the seeded cases
	Users         int   // seeded accounts created now (those there already are reused)
	Cases         int   // cases added
	Events        int64 // audit events added
	Rows          int64 // rows added, audit events and their hashes included
	// Workers are the e-mail addresses of the seeded case workers, each
	// with the id of the organisation whose cases they work on.
	Workers []SeedAccount
}

// SeedAccount is one seeded account.
type SeedAccount struct {
	Email          string
	Role           fristad.Role
	OrganisationID string
}

// seedBatchCases is how many cases one transaction writes: about 50,000
// audit events and twice as many stored hashes.
const seedBatchCases = 500

// seedMaxParams bounds the parameters of one statement, under SQLite's
// limit (32,766) and PostgreSQL's (65,535); seedMaxRows the rows.
const (
	seedMaxParams = 30000
	seedMaxRows   = 1000
)

// Seed adds opts.Cases fictional cases, with the organisations and case
// workers they need, to a demo database. It works for the command line
// only (a system actor), and on a database no one else writes to
// meanwhile: the audit events it appends are numbered ahead of time, so a
// concurrent writer makes it stop with ECONFLICT (and nothing of the
// batch is kept).
func (db *DB) Seed(ctx context.Context, opts SeedOptions) (_ *SeedReport, err error) {
	defer wrapErr(&err, "DB.Seed")
	if a := fristad.ActorFromContext(ctx); a == nil || a.System == "" {
		return nil, fristad.Errorf(fristad.EFORBIDDEN, "only the command line seeds demo data")
	}
	if opts.Cases < 1 {
		return nil, fristad.Errorf(fristad.EINVALID, "seed at least one case")
	}
	if opts.TOTPSecret == nil {
		return nil, fristad.Errorf(fristad.EINVALID, "seeded accounts need a TOTP key")
	}
	if demo, err := db.IsDemo(ctx); err != nil || !demo {
		if err != nil {
			return nil, err
		}
		return nil, fristad.Errorf(fristad.EFORBIDDEN, "seeded data goes into demo databases only")
	}
	s, err := db.newSeeder(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer s.close()
	return s.run(ctx)
}

// seeder holds what a seeding run knows: the organisations and workers
// the cases are spread over, the programme versions and providers the
// plans use, and the audit log's head.
type seeder struct {
	db    *DB
	opts  SeedOptions
	ix    *seal.Indexer
	kr    *seal.Keyring
	staff *seal.DataKey // seals the seeded accounts' TOTP keys
	now   time.Time
	from  time.Time // the first case is opened then

	orgs        []*seedOrg
	coordinator *seedOrg
	police      *seedOrg
	newUsers    []*seedWorker // accounts to create
	programmes  []*fristad.ProgrammeVersion
	providers   []seedProvider
	refs        map[string]bool // references taken
	log         *seedLog

	conn  *sql.Conn            // SQLite: the connection the batches are written on
	stmts map[string]*sql.Stmt // prepared on conn
}

// seedOrg is an organisation with its seeded staff.
type seedOrg struct {
	id      string
	workers []*seedWorker
}

// seedWorker is a seeded account.
type seedWorker struct {
	id, email, name, org string
	role                 fristad.Role
	actor                *seedActor
}

// seedActor is who an audit event names.
type seedActor struct{ id, org, role string }

// seedProvider is a provider of the registry, as plans use it.
type seedProvider struct {
	org      fristad.Provider
	services []string
}

func (db *DB) newSeeder(ctx context.Context, opts SeedOptions) (*seeder, error) {
	ix := db.indexer.Load()
	if ix == nil {
		return nil, fristad.Errorf(fristad.EUNAVAILABLE, "the key store is not open")
	}
	kr, err := db.keyring()
	if err != nil {
		return nil, err
	}
	now := db.Now().UTC().Truncate(time.Microsecond)
	s := &seeder{db: db, opts: opts, ix: ix, kr: kr, now: now, from: now.AddDate(-3, 0, 0), refs: map[string]bool{}, stmts: map[string]*sql.Stmt{}}
	if err := s.prepareOrganisations(ctx); err != nil {
		return nil, err
	}
	// The staff key exists once any account has a TOTP key; making it is
	// an ordinary audited change, done before the log's head is read.
	err = db.write(ctx, func(tx *Tx) (err error) {
		s.staff, err = db.dataKey(ctx, tx, staffSubject, true)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = db.read(ctx, func(tx *Tx) error {
		if err := s.prepareUsers(ctx, tx); err != nil {
			return err
		}
		if err := s.preparePlans(ctx, tx); err != nil {
			return err
		}
		for _, q := range []string{`SELECT reference FROM cases`, `SELECT reference FROM persons`} {
			if err := scanStrings(ctx, tx, q, func(ref string) { s.refs[ref] = true }); err != nil {
				return err
			}
		}
		s.log, err = openSeedLog(ctx, tx)
		return err
	})
	if err != nil {
		s.close()
		return nil, err
	}
	if db.dialect.name == SQLite {
		// One connection writes every batch, with a page cache of 512
		// MiB for the indexes the batches grow (the default is 2 MiB).
		if s.conn, err = db.db.Conn(ctx); err == nil {
			_, err = s.conn.ExecContext(ctx, `PRAGMA cache_size = -524288`)
		}
		if err != nil {
			s.close()
			return nil, translate(err)
		}
	}
	return s, nil
}

func (s *seeder) close() {
	for _, st := range s.stmts {
		st.Close()
	}
	if s.conn != nil {
		s.conn.ExecContext(context.Background(), `PRAGMA cache_size = -2000`)
		s.conn.Close()
		s.conn = nil
	}
	if s.staff != nil {
		s.staff.Destroy()
	}
}

func scanStrings(ctx context.Context, tx *Tx, query string, fn func(string), args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return err
		}
		fn(v)
	}
	return rows.Err()
}

// seedOrgCount is how many organisations lead the seeded cases: one per
// 2,500 cases, at least four and at most forty.
func seedOrgCount(cases int) int { return min(max(cases/2500, 4), 40) }

// seedEmailDomain is the reserved domain of every seeded account.
const seedEmailDomain = "syntet.fristad.invalid"

// prepareOrganisations creates, through the organisation service, the
// organisations the cases are spread over, unless an earlier run did.
func (s *seeder) prepareOrganisations(ctx context.Context) error {
	svc := NewOrganisationService(s.db)
	find := func(o fristad.Organisation) (string, error) {
		name := o.Name
		found, err := svc.FindOrganisations(ctx, fristad.OrganisationFilter{Name: &name})
		if err != nil {
			return "", err
		}
		if len(found) > 0 {
			return found[0].ID, nil
		}
		if err := svc.CreateOrganisation(ctx, &o); err != nil {
			return "", err
		}
		return o.ID, nil
	}
	n := seedOrgCount(s.opts.Cases)
	for i := range n {
		o := fristad.Organisation{Name: "Socialtjänsten " + seedTowns[i%len(seedTowns)], Type: "social_services", Region: "Syntetlän"}
		if i%2 == 1 {
			o = fristad.Organisation{Name: "Stödcentrum " + seedTowns[i%len(seedTowns)], Type: "ngo", Region: "Syntetlän"}
		}
		if i >= len(seedTowns) {
			o.Name += fmt.Sprintf(" %d", i/len(seedTowns)+1)
		}
		id, err := find(o)
		if err != nil {
			return err
		}
		s.orgs = append(s.orgs, &seedOrg{id: id})
	}
	for _, o := range []struct {
		org  **seedOrg
		spec fristad.Organisation
	}{
		{&s.coordinator, fristad.Organisation{Name: "Länsstyrelsen Syntetlän (samordning)", Type: "regional_coordinator", Region: "Syntetlän"}},
		{&s.police, fristad.Organisation{Name: "Polisen Syntetregion", Type: "police", Region: "Syntetlän"}},
	} {
		id, err := find(o.spec)
		if err != nil {
			return err
		}
		*o.org = &seedOrg{id: id}
	}
	return nil
}

// prepareUsers plans the seeded accounts: case workers spread over the
// organisations (at least sixty, three per organisation), coordinators
// and a police liaison. Those an earlier run created are reused.
func (s *seeder) prepareUsers(ctx context.Context, tx *Tx) error {
	existing := map[string]*seedWorker{}
	rows, err := tx.QueryContext(ctx, `SELECT id, email, org_id FROM users WHERE email LIKE $1`, "%@"+seedEmailDomain)
	if err != nil {
		return err
	}
	for rows.Next() {
		w := &seedWorker{}
		if err := rows.Scan(&w.id, &w.email, &w.org); err != nil {
			rows.Close()
			return err
		}
		existing[w.email] = w
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	add := func(org *seedOrg, email, name string, role fristad.Role) {
		w := existing[email]
		if w != nil {
			// An account of an earlier run stays in its organisation.
			i := slices.IndexFunc(s.orgs, func(o *seedOrg) bool { return o.id == w.org })
			switch {
			case w.org == s.coordinator.id:
				org = s.coordinator
			case w.org == s.police.id:
				org = s.police
			case i < 0:
				return // of an organisation this run spreads no cases over
			default:
				org = s.orgs[i]
			}
		} else {
			w = &seedWorker{id: auth.NewID(), email: email, name: name, org: org.id}
			s.newUsers = append(s.newUsers, w)
		}
		w.role = role
		w.actor = &seedActor{id: w.id, org: org.id, role: string(role)}
		org.workers = append(org.workers, w)
	}
	workers := max(60, 3*len(s.orgs))
	n := 0
	for n < workers || slices.ContainsFunc(s.orgs, func(o *seedOrg) bool { return len(o.workers) == 0 }) {
		org := s.orgs[n%len(s.orgs)]
		if n >= workers && len(org.workers) > 0 {
			n++
			continue
		}
		add(org, fmt.Sprintf("handlaggare%03d@%s", n+1, seedEmailDomain), seedStaffName(n), fristad.RoleCaseWorker)
		n++
	}
	add(s.coordinator, "samordnare01@"+seedEmailDomain, seedStaffName(n), fristad.RoleCoordinator)
	add(s.coordinator, "samordnare02@"+seedEmailDomain, seedStaffName(n+1), fristad.RoleCoordinator)
	add(s.police, "polis01@"+seedEmailDomain, seedStaffName(n+2), fristad.RolePoliceLiaison)
	return nil
}

// preparePlans reads the published programme versions and the providers
// that plans are made under and with. Without a published version no
// case gets a plan.
func (s *seeder) preparePlans(ctx context.Context, tx *Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT `+programmeColumns+` FROM programme_versions WHERE status = 'published' ORDER BY valid_from, version`)
	if err != nil {
		return err
	}
	for rows.Next() {
		v, err := scanProgramme(rows)
		if err != nil {
			rows.Close()
			return err
		}
		if len(v.Phases) > 0 && len(v.Types) > 0 {
			s.programmes = append(s.programmes, v)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = tx.QueryContext(ctx, `SELECT org_id, certification, certified_until, services FROM providers ORDER BY org_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p seedProvider
		var services string
		if err := rows.Scan(&p.org.OrganisationID, &p.org.Certification, &p.org.CertifiedUntil, &services); err != nil {
			return err
		}
		p.services = splitList(services)
		s.providers = append(s.providers, p)
	}
	return rows.Err()
}

// run makes the batches on one goroutine and writes them on this one, so
// that sealing and hashing overlap with the database's work.
func (s *seeder) run(ctx context.Context) (*SeedReport, error) {
	report := &SeedReport{Organisations: len(s.orgs), Users: len(s.newUsers), Cases: s.opts.Cases}
	for _, o := range s.orgs {
		for _, w := range o.workers {
			report.Workers = append(report.Workers, SeedAccount{Email: w.email, Role: w.role, OrganisationID: w.org})
		}
	}
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *seedBatch, 1) // one made while one is written
	genErr := make(chan error, 1)
	go func() {
		defer close(batches)
		genErr <- s.generate(gctx, batches)
	}()
	var progress SeedProgress
	progress.Total = s.opts.Cases
	for b := range batches {
		if err := s.write(ctx, b); err != nil {
			cancel()
			for range batches {
			}
			return nil, err
		}
		progress.Cases += b.cases
		progress.Events += b.events
		progress.Rows += b.rows()
		if s.opts.Progress != nil {
			s.opts.Progress(progress)
		}
	}
	if err := <-genErr; err != nil {
		return nil, err
	}
	report.Events, report.Rows = progress.Events, progress.Rows
	return report, nil
}

// generate makes the accounts, then the cases in batches, oldest first.
func (s *seeder) generate(ctx context.Context, out chan<- *seedBatch) error {
	send := func(b *seedBatch) error {
		select {
		case out <- b:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if len(s.newUsers) > 0 {
		b, err := s.userBatch()
		if err != nil {
			return err
		}
		if err := send(b); err != nil {
			return err
		}
	}
	for first := 0; first < s.opts.Cases; first += seedBatchCases {
		n := min(seedBatchCases, s.opts.Cases-first)
		r := rand.New(rand.NewPCG(s.opts.Seed, uint64(first)))
		b := newSeedBatch()
		for i := first; i < first+n; i++ {
			if err := s.seedCase(r, b, i); err != nil {
				return err
			}
		}
		b.cases = n
		if err := s.log.appendAll(b); err != nil {
			return err
		}
		if err := send(b); err != nil {
			return err
		}
	}
	return nil
}

// userBatch creates the seeded accounts as CreateDemoUser would: active,
// with the password and a sealed TOTP key. The password is hashed once,
// for all of them.
func (s *seeder) userBatch() (*seedBatch, error) {
	hash := auth.HashPassword(s.opts.Password, s.db.authConfig().Argon2)
	b := newSeedBatch()
	for _, w := range s.newUsers {
		u := &fristad.User{OrganisationID: w.org, Email: w.email, Name: w.name, Roles: []fristad.Role{w.role}}
		if err := u.Validate(); err != nil {
			return nil, err
		}
		totp, err := s.staff.Seal([]byte(s.opts.TOTPSecret(u.Email)), "users", "totp_secret", w.id)
		if err != nil {
			return nil, err
		}
		b.add("users", w.id, u.OrganisationID, u.Email, u.Name, hash, totp, s.now, s.now, s.now)
		for _, r := range u.Roles {
			b.add("user_roles", w.id, string(r))
		}
		b.event(&seedEvent{at: s.now, action: "user.create", objectType: "user", objectID: w.id, purpose: "demo", request: seedRequestID(nil)})
	}
	if err := s.log.appendAll(b); err != nil {
		return nil, err
	}
	return b, nil
}

// seedTables are the tables a batch writes, parents before children,
// with the columns the services write.
var seedTables = []struct{ name, columns string }{
	{"users", "id, org_id, email, name, password_hash, totp_secret, activated_at, created_at, updated_at"},
	{"user_roles", "user_id, role"},
	{"keystore.subject_keys", "subject_id, wrapped, kek_id, created_at"},
	{"persons", "id, reference, alias_ct, name_ct, identity_ct, birth_date_ct, age_band, presumed_child, sex, citizenships, languages, interpreter_needed, protection, created_at, updated_at"},
	{"person_index", "field, token, person_id"},
	{"cases", "id, reference, person_id, seal_subject, lead_org_id, status, step, pathway, exploitation, risk_level, version, created_by, created_at, updated_at"},
	{"case_team", "case_id, org_id, level, added_at, case_created_at"},
	{"case_status", "id, case_id, n, status, decided_on, deciding_org, basis_ct, recorded_by, recorded_at"},
	{"case_events", "id, case_id, kind, exploitation, country, from_period, to_period, relations, place_ct, recorded_by, created_at, updated_at"},
	{"assessments", "id, case_id, kind, assessed_on, level, reassess_on, data_ct, assessed_by, created_at"},
	{"safety_plans", "case_id, version, data_ct, updated_by, created_at"},
	{"case_notes", "id, case_id, sensitivity, body_ct, refers_to, author_id, author_org, created_at"},
	{"tasks", "id, case_id, kind, title_ct, due_on, org_id, assignee_id, created_by, created_at, done_at, done_by"},
	{"case_documents", "id, case_id, sensitivity, content_type, size, filename_ct, description_ct, content_ct, uploaded_by, uploaded_org, created_at"},
	{"plans", "id, case_id, version_id, enrolled_on, status, phase, phase_started_on, renewals, next_review_on, ended_on, exit_reason, exit_outcomes, plan_version, data_ct, created_by, created_at, updated_at"},
	{"plan_versions", "plan_id, version, change, data_ct, created_by, created_at"},
	{"plan_events", "id, plan_id, kind, phase, on_date, reason_ct, created_by, created_at"},
	{"plan_interventions", "id, plan_id, version_id, type, domain, provider_id, funding_source, phase, status, planned_start, planned_end, actual_start, actual_end, cost_committed, cost_spent, data_ct, created_by, created_at, updated_at"},
	{"plan_reviews", "id, plan_id, held_on, outcomes, next_review_on, data_ct, created_by, created_at"},
	{"audit_log", "seq, at, actor_id, actor_org, actor_role, action, object_type, object_id, purpose, result, request_id, ip_hmac, detail"},
	{"audit_hashes", "idx, hash"},
}

var seedColumns = func() map[string]int {
	m := map[string]int{}
	for _, t := range seedTables {
		m[t.name] = strings.Count(t.columns, ",") + 1
	}
	return m
}()

// seedBatch is the rows of one transaction, by table, flat: each row is
// the next len(columns) values.
type seedBatch struct {
	values   map[string][]any
	events   int64
	cases    int
	auditLog []*seedEvent // numbered and hashed by seedLog.appendAll
	firstSeq int64
}

func newSeedBatch() *seedBatch { return &seedBatch{values: map[string][]any{}} }

// add appends a row to table.
func (b *seedBatch) add(table string, values ...any) {
	if n, ok := seedColumns[table]; !ok || n != len(values) {
		panic(fmt.Sprintf("sqlstore: seed row of %s has %d values", table, len(values)))
	}
	b.values[table] = append(b.values[table], values...)
}

// event adds an audit event to the batch.
func (b *seedBatch) event(e *seedEvent) { b.auditLog = append(b.auditLog, e) }

func (b *seedBatch) rows() int64 {
	var n int64
	for table, v := range b.values {
		n += int64(len(v) / seedColumns[table])
	}
	return n
}

// seedEvent is an audit event of the seeded history: what an auditEvent
// says, with the time, actor and request the transaction would give it.
type seedEvent struct {
	at                                    time.Time
	actor                                 *seedActor // nil: the command line
	action, objectType, objectID, purpose string
	result, request                       string
}

// seedRequestID returns a request id as the server makes them: 16 hex
// digits.
func seedRequestID(r *rand.Rand) string {
	if r == nil {
		return ""
	}
	return fmt.Sprintf("%016x", r.Uint64())
}

// seedLog appends to the audit log's Merkle tree in memory. It keeps only
// the right edge of the tree — the newest complete subtree at each level,
// which is all a new leaf is hashed with — so ten million events need
// no more memory than ten.
type seedLog struct {
	size    int64
	hashes  map[int64]tlog.Hash
	levels  [64]int64 // the stored index kept for each level, or -1
	cliName string
}

var _ tlog.HashReader = (*seedLog)(nil)

// openSeedLog reads the head of the audit log: its size and the stored
// hashes of its right edge.
func openSeedLog(ctx context.Context, tx *Tx) (*seedLog, error) {
	l := &seedLog{hashes: map[int64]tlog.Hash{}, cliName: fristad.ActorFromContext(ctx).AuditName()}
	for i := range l.levels {
		l.levels[i] = -1
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_log`).Scan(&l.size); err != nil {
		return nil, err
	}
	var indexes []int64 // by level
	for level := 0; level < 63 && l.size>>level > 0; level++ {
		indexes = append(indexes, tlog.StoredHashIndex(level, l.size>>level-1))
	}
	hashes, err := readHashes(ctx, tx, indexes)
	if err != nil {
		return nil, err
	}
	for level, idx := range indexes {
		l.levels[level], l.hashes[idx] = idx, hashes[level]
	}
	return l, nil
}

// ReadHashes serves the hashes of the tree's right edge.
func (l *seedLog) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, idx := range indexes {
		h, ok := l.hashes[idx]
		if !ok {
			return nil, fmt.Errorf("seed: stored hash %d: %w", idx, audit.ErrNotFound)
		}
		out[i] = h
	}
	return out, nil
}

// appendAll numbers the batch's events in the order they happened and
// adds their rows and stored hashes to the batch, as audit() would.
func (l *seedLog) appendAll(b *seedBatch) error {
	// Stable: the events of one request keep their order.
	slices.SortStableFunc(b.auditLog, func(x, y *seedEvent) int { return x.at.Compare(y.at) })
	b.firstSeq = l.size
	for _, e := range b.auditLog {
		ev := &audit.Event{Seq: l.size, Time: e.at, ActorID: l.cliName, Action: e.action, ObjectType: e.objectType,
			ObjectID: e.objectID, Purpose: e.purpose, Result: e.result, RequestID: e.request}
		if e.actor != nil {
			ev.ActorID, ev.ActorOrg, ev.ActorRole = e.actor.id, e.actor.org, e.actor.role
		}
		if ev.Result == "" {
			ev.Result = audit.ResultOK
		}
		hashes, err := audit.Append(ev.Seq, ev.Leaf(), l)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		b.add("audit_log", ev.Seq, ev.Time, ev.ActorID, ev.ActorOrg, ev.ActorRole, ev.Action, ev.ObjectType, ev.ObjectID,
			ev.Purpose, ev.Result, ev.RequestID, ev.IPHMAC, ev.Detail)
		first := tlog.StoredHashIndex(0, ev.Seq)
		for i, h := range hashes {
			b.add("audit_hashes", first+int64(i), h[:])
			if old := l.levels[i]; old >= 0 {
				delete(l.hashes, old)
			}
			l.levels[i], l.hashes[first+int64(i)] = first+int64(i), h
		}
		l.size++
	}
	b.events = int64(len(b.auditLog))
	b.auditLog = nil
	return nil
}

// write writes one batch in one transaction. The log must still end
// where the batch's events begin.
func (s *seeder) write(ctx context.Context, b *seedBatch) error {
	tx := &Tx{db: s.db, now: s.now}
	var err error
	if s.conn != nil {
		tx.Tx, err = s.conn.BeginTx(ctx, nil)
	} else {
		tx.Tx, err = s.db.db.BeginTx(ctx, nil)
	}
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	if s.db.dialect.name == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7368732)`); err != nil {
			return translate(err)
		}
	}
	var size int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq) + 1, 0) FROM audit_log`).Scan(&size); err != nil {
		return translate(err)
	}
	if size != b.firstSeq {
		return fristad.Errorf(fristad.ECONFLICT, "the audit trail grew while seeding: stop Fristad while seeding its database")
	}
	stmts := map[string]*sql.Stmt{} // of this transaction
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	prepare := func(query string) (*sql.Stmt, error) {
		if st := stmts[query]; st != nil {
			return st, nil
		}
		var st *sql.Stmt
		if s.conn != nil {
			// Prepared once on the seeding connection, for every batch.
			if s.stmts[query] == nil {
				p, err := s.conn.PrepareContext(ctx, query)
				if err != nil {
					return nil, err
				}
				s.stmts[query] = p
			}
			st = tx.StmtContext(ctx, s.stmts[query])
		} else {
			var err error
			if st, err = tx.PrepareContext(ctx, query); err != nil {
				return nil, err
			}
		}
		stmts[query] = st
		return st, nil
	}
	for _, t := range seedTables {
		if err := s.insertRows(ctx, prepare, t.name, t.columns, b.values[t.name]); err != nil {
			return fmt.Errorf("seed %s: %w", t.name, translate(err))
		}
	}
	return translate(tx.Commit())
}

// insertRows writes rows with multi-row INSERTs, one statement for each
// number of rows. SQLite's placeholders are "?": the driver looks up the
// name of every numbered one, which costs more the more a statement has.
func (s *seeder) insertRows(ctx context.Context, prepare func(string) (*sql.Stmt, error), table, columns string, values []any) error {
	n := seedColumns[table]
	rows := len(values) / n
	per := max(1, min(seedMaxRows, seedMaxParams/n))
	for start := 0; start < rows; start += per {
		k := min(per, rows-start)
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + columns + ") VALUES ")
		for r := range k {
			if r > 0 {
				q.WriteString(", ")
			}
			q.WriteByte('(')
			for c := range n {
				if c > 0 {
					q.WriteString(", ")
				}
				if s.db.dialect.name == SQLite {
					q.WriteByte('?')
				} else {
					q.WriteString("$" + itoa(r*n+c+1))
				}
			}
			q.WriteByte(')')
		}
		st, err := prepare(q.String())
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, values[start*n:(start+k)*n]...); err != nil {
			return err
		}
	}
	return nil
}
