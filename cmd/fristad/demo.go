package main

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fristad"
	"fristad/internal/seal"
	"fristad/internal/sqlstore"
)

// demoDataDir is the demo's own data folder, apart from ./fristad-data, so
// a demo can never touch an installation's real data.
const demoDataDir = "./fristad-demo"

// demoPassword is the password of every demo account. It is printed, and
// demo databases hold only fictional data.
const demoPassword = "demo-lösenord-fristad"

func runDemo(ctx context.Context, args []string, stdout io.Writer) error {
	c := ServeCommand{Config: DefaultConfig()}
	c.Config.DataDir = demoDataDir
	fs := flagSet("demo", "Creates a demo installation with fictional data (or reuses one), and runs\nboth sites on it with a DEMO banner on every page. It prints the demo\naccounts: each has the same password and its own TOTP key, which any\nauthenticator app accepts.", stdout)
	dataFlags(fs, &c.Config)
	serverFlags(fs, &c.Config)
	masterKeyFlag(fs, &c.Config)
	fs.BoolVar(&c.Config.Reset, "reset", false, "delete the demo data and start over")
	if err := parse(fs, &c.Config, args); err != nil {
		return err
	}
	c.Config.Demo = true
	setupLogging(&c.Config)

	if c.Config.Reset {
		if err := resetDemo(ctx, &c.Config, stdout); err != nil {
			return err
		}
	}
	kr, err := demoKeyring(&c.Config, stdout)
	if err != nil {
		return err
	}
	db, err := prepareDemo(ctx, c.Config.DSN(), kr)
	if err != nil {
		return err
	}
	db.KeyringFile = c.Config.MasterKeyFile
	c.DB = db
	accounts, err := seedDemo(ctx, db)
	if err != nil {
		db.Close()
		return err
	}
	if err := c.Open(ctx); err != nil {
		return err
	}
	where := c.Config.DataDir
	if c.Config.DB != "" {
		where = c.DB.Source()
	}
	fmt.Fprintf(stdout, `Fristad demo is running. All its data is fictional.

  Staff workspace:  %s/
  Public portal:    %s/

  Log in to the staff workspace with one of these accounts. The password
  of every account is %q; then give the code that an
  authenticator app shows for the account's key (add it by hand or open
  the otpauth link on a phone).

`, c.Server.StaffURL(), c.Server.PublicURL(), demoPassword)
	for _, a := range accounts {
		fmt.Fprintf(stdout, "  %-34s %-15s key %s\n", a.email, a.role, a.secret)
	}
	fmt.Fprintf(stdout, `
  Demo data:        %s (start over with --reset)

Press Ctrl+C to stop.
`, where)
	return c.Wait(ctx)
}

// demoKeyring loads the demo's master key file, creating it in the data
// folder the first time.
func demoKeyring(c *Config, stdout io.Writer) (*seal.Keyring, error) {
	if c.MasterKeyFile == "" {
		c.MasterKeyFile = filepath.Join(c.DataDir, "master.key")
	}
	if _, err := os.Stat(c.MasterKeyFile); os.IsNotExist(err) {
		if err := os.MkdirAll(filepath.Dir(c.MasterKeyFile), 0o700); err != nil {
			return nil, err
		}
		if _, err := seal.GenerateKeyringFile(c.MasterKeyFile); err != nil {
			return nil, fristad.Errorf(fristad.EINVALID, "%v", err)
		}
		fmt.Fprintf(stdout, "Generated a master key for the demo in %s.\n", c.MasterKeyFile)
	}
	return loadKeyring(c)
}

// prepareDemo opens the demo database, brings its schema up to date,
// marks it as a demo (refusing one that holds real data) and opens its
// key store.
func prepareDemo(ctx context.Context, dsn string, kr *seal.Keyring) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	err = func() error {
		if _, err := db.Migrate(ctx); err != nil {
			return err
		}
		if err := db.InitInstance(ctx, true); err != nil {
			return err
		}
		return db.InitKeys(ctx, kr)
	}()
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

type demoAccount struct {
	email  string
	role   fristad.Role
	org    string
	secret string
}

// demoOrganisations and demoAccounts are the fictional organisations and
// staff of the demo. Every name is made up; the addresses use the
// reserved .invalid domain.
var demoOrganisations = []fristad.Organisation{
	// The coordinator serves a real county, so that call-back requests
	// for it from the portal reach her (IN-08).
	{Name: "Länsstyrelsen Demolän (samordning)", Type: "regional_coordinator", Region: "Stockholms län"},
	{Name: "Socialtjänsten Demostad", Type: "social_services", Region: "Demolän"},
	{Name: "Kvinnojouren Fiktiva", Type: "ngo", Region: "Demolän"},
	{Name: "Polisen Demoregion", Type: "police", Region: "Demolän"},
}

var demoAccounts = []demoAccount{
	{email: "admin@demo.fristad.invalid", role: fristad.RoleAdministrator, org: "Länsstyrelsen Demolän (samordning)"},
	{email: "samordnare@demo.fristad.invalid", role: fristad.RoleCoordinator, org: "Länsstyrelsen Demolän (samordning)"},
	{email: "handlaggare@demo.fristad.invalid", role: fristad.RoleCaseWorker, org: "Socialtjänsten Demostad"},
	{email: "jouren@demo.fristad.invalid", role: fristad.RolePartner, org: "Kvinnojouren Fiktiva"},
	{email: "polis@demo.fristad.invalid", role: fristad.RolePoliceLiaison, org: "Polisen Demoregion"},
	{email: "granskare@demo.fristad.invalid", role: fristad.RoleAuditor, org: "Länsstyrelsen Demolän (samordning)"},
}

// demoSecret derives an account's TOTP key from its address, so the demo
// prints the same keys every time it starts on the same data.
func demoSecret(email string) string {
	sum := sha256.Sum256([]byte("fristad demo totp " + email))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:20])
}

// seedDemo loads the demo organisations and accounts unless they are
// there, and returns the accounts.
func seedDemo(ctx context.Context, db *sqlstore.DB) ([]demoAccount, error) {
	svc := sqlstore.NewServices(db)
	ctx = fristad.NewContextWithActor(ctx, fristad.SystemActor("demo"))
	accounts := make([]demoAccount, len(demoAccounts))
	copy(accounts, demoAccounts)
	for i := range accounts {
		accounts[i].secret = demoSecret(accounts[i].email)
	}
	users, err := svc.Users.FindUsers(ctx, fristad.UserFilter{})
	if err != nil || len(users) > 0 {
		return accounts, err
	}
	orgIDs := map[string]string{}
	for _, o := range demoOrganisations {
		if err := svc.Organisations.CreateOrganisation(ctx, &o); err != nil {
			return nil, err
		}
		orgIDs[o.Name] = o.ID
	}
	var worker, coordinator *fristad.User
	for _, a := range accounts {
		u := &fristad.User{OrganisationID: orgIDs[a.org], Email: a.email, Name: strings.Split(a.email, "@")[0], Roles: []fristad.Role{a.role}}
		if err := db.CreateDemoUser(ctx, u, demoPassword, a.secret); err != nil {
			return nil, err
		}
		if a.role == fristad.RoleCaseWorker {
			worker = u
		}
		if a.role == fristad.RoleCoordinator {
			coordinator = u
		}
	}
	// The cases are recorded by the demo case worker, as intake would be.
	wctx := fristad.NewContextWithActor(ctx, &fristad.Actor{UserID: worker.ID, OrganisationID: worker.OrganisationID, Roles: worker.Roles})
	cases := demoCases()
	for i, c := range cases {
		if err := svc.Cases.CreateCase(wctx, c); err != nil {
			return nil, err
		}
		if i != 0 {
			continue
		}
		// The first demo person faces a high threat, with a plan for it.
		now := time.Now()
		for _, a := range []*fristad.RiskAssessment{
			{AssessedOn: now.AddDate(0, 0, -20).Format(time.DateOnly), Reason: "intake", Level: "medium", Factors: []string{"debt_bondage"}, ReassessOn: now.AddDate(0, 0, -6).Format(time.DateOnly)},
			{AssessedOn: now.AddDate(0, 0, -6).Format(time.DateOnly), Reason: "incident", Level: "high", Factors: []string{"debt_bondage", "location_known", "threats_to_family"}, HerView: "De har skrivit till min mamma.", ReassessOn: now.AddDate(0, 0, 8).Format(time.DateOnly)},
		} {
			if _, err := svc.Assessments.AddRiskAssessment(wctx, c.ID, a); err != nil {
				return nil, err
			}
		}
		for _, n := range []*fristad.Note{
			{Body: "Första samtalet med tolk på rumänska. Hon vill inte polisanmäla nu men vill ha skydd.", Sensitivity: fristad.SensitivityTeam},
			{Body: "Samtalsstöd hos jourens terapeut varje tisdag. (Påhittad anteckning.)", Sensitivity: fristad.SensitivityOrganisation},
		} {
			if err := svc.Notes.CreateNote(wctx, c.ID, n); err != nil {
				return nil, err
			}
		}
		if err := svc.Consents.CreateConsent(wctx, c.ID, &fristad.Consent{Purpose: "contact_coordinator", RecipientOrganisation: orgIDs["Länsstyrelsen Demolän (samordning)"],
			DataCategories: []string{"identity", "case_history"}, GivenOn: now.AddDate(0, 0, -19).Format(time.DateOnly), Language: "ro", Interpreter: true}); err != nil {
			return nil, err
		}
		if err := svc.Tasks.CreateTask(wctx, c.ID, &fristad.Task{Title: "Boka tolk på rumänska till mötet med advokaten", DueOn: now.AddDate(0, 0, 2).Format(time.DateOnly)}); err != nil {
			return nil, err
		}
		plan := &fristad.SafetyPlan{CrisisPlan: "Ring 112. Jouren har nyckel till ett skyddat boende i annan kommun.", Contacts: "Jourens dygnstelefon (påhittad).",
			SafeChannels: []string{"via_shelter", "in_person"}, UnsafeChannels: []string{"sms", "messaging_app"}, CoProduced: true, ReviewReason: "incident"}
		if err := svc.Assessments.SaveSafetyPlan(wctx, c.ID, plan, 0); err != nil {
			return nil, err
		}
	}
	// Andreea was first met on an outreach round, with no name and another
	// spelling: a second record of one person, to be merged once her
	// identity is confirmed (ID-10).
	andrea := &fristad.Case{
		Person:            &fristad.Person{Alias: "Andrea", AgeBand: "unknown", Sex: "female", Citizenships: []string{"MD"}, Languages: []string{"ro", "ru"}},
		ExploitationTypes: []string{"sexual_exploitation"},
	}
	if err := svc.Cases.CreateCase(wctx, andrea); err != nil {
		return nil, err
	}
	// What happened to Andreea, as far as she has told it (ID-05).
	for _, e := range []*fristad.TraffickingEvent{
		{Kind: "recruitment", Country: "RO", From: "2023-02", Place: "Påhittad by utanför Bacău", Relations: []string{"partner"}},
		{Kind: "transit", Country: "DE", From: "2023-04", To: "2023-04"},
		{Kind: "exploitation", Country: "SE", From: "2023-05", To: "2024-01", ExploitationTypes: []string{"sexual_exploitation"}, Relations: []string{"partner", "stranger"}},
	} {
		if err := svc.Cases.SaveEvent(wctx, cases[0].ID, e); err != nil {
			return nil, err
		}
	}
	// Grace came with her daughter, who has a case of her own (ID-11).
	mira := &fristad.Case{Person: &fristad.Person{Alias: "Mira", AgeBand: "0-14", Sex: "female", Citizenships: []string{"NG"}, Languages: []string{"en"}}}
	if err := svc.Cases.AddDependant(wctx, cases[2].ID, "child", mira); err != nil {
		return nil, err
	}
	if err := seedDemoResidences(wctx, db, cases); err != nil {
		return nil, err
	}
	cctx := fristad.NewContextWithActor(ctx, &fristad.Actor{UserID: coordinator.ID, OrganisationID: coordinator.OrganisationID, Roles: coordinator.Roles})
	if err := seedDemoPlans(ctx, wctx, cctx, db, cases); err != nil {
		return nil, err
	}
	// A fictional call-back request from the portal, waiting for the
	// coordinator of Stockholms län (IN-08).
	callback := &fristad.CallbackRequest{Channel: "sms", Phone: "070-000 00 99", Times: []string{"afternoon"}, TimeNote: "Påhittat: skicka sms först, ring sedan.",
		Language: "th", Interpreter: true, Region: "AB"}
	if err := svc.CallbackInbox.SubmitCallback(ctx, callback); err != nil {
		return nil, err
	}
	return accounts, nil
}

// demoCases are fictional cases that show the range of the work: every
// name, number and story is made up.
func demoCases() []*fristad.Case {
	return []*fristad.Case{
		{
			Person:            &fristad.Person{Alias: "Andreea", Name: "Andreea Fiktiv", AgeBand: "18-24", Sex: "female", Citizenships: []string{"RO"}, Languages: []string{"ro"}, InterpreterNeeded: true},
			ExploitationTypes: []string{"sexual_exploitation"}, Status: fristad.StatusReasonableGrounds, Step: "acute_protection",
		},
		{
			Person:            &fristad.Person{Alias: "Liten", AgeBand: "15-17", Sex: "male", Citizenships: []string{"BG"}, Languages: []string{"bg"}, InterpreterNeeded: true},
			ExploitationTypes: []string{"forced_begging", "forced_criminality"}, Step: "identification",
		},
		{
			Person:            &fristad.Person{Alias: "Grace", Name: "Grace Påhittad", BirthDate: "1991-03-14", AgeBand: "25-34", Sex: "female", Citizenships: []string{"NG"}, Languages: []string{"en"}},
			ExploitationTypes: []string{"forced_labour", "domestic_servitude"}, Status: fristad.StatusInjuredParty, Step: "safe_return", Pathway: "return",
		},
		{
			Person:            &fristad.Person{Alias: "Skyddad", Name: "Sara Exempel", AgeBand: "35-49", Sex: "female", Citizenships: []string{"TH"}, Languages: []string{"th"}, InterpreterNeeded: true, Protection: fristad.ProtectionRegistration},
			ExploitationTypes: []string{"sexual_exploitation", "forced_labour"}, Status: fristad.StatusReasonableGrounds, Step: "long_term_support", Pathway: "stay",
		},
	}
}

// resetDemo deletes the embedded demo database and its key store, after
// checking that it holds demo data or nothing at all.
func resetDemo(ctx context.Context, cfg *Config, stdout io.Writer) error {
	path := cfg.DSN()
	if sqlstore.IsPostgres(path) {
		return usageError{"--reset works on the embedded database only; drop and re-create the PostgreSQL database instead"}
	}
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return nil
	}
	db, err := sqlstore.Open(ctx, path)
	if err != nil {
		return err
	}
	demo, err := isDemoOrEmpty(ctx, db)
	db.Close()
	if err != nil {
		return err
	}
	if !demo {
		return fristad.Errorf(fristad.EINVALID, "%s holds data that is not demo data; --reset deletes demo data only", path)
	}
	for _, base := range []string{path, sqlstore.KeyStorePath(path)} {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(base + suffix); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("reset: %w", err)
			}
		}
	}
	fmt.Fprintf(stdout, "Deleted the demo data in %s.\n", filepath.Dir(path))
	return nil
}

func isDemoOrEmpty(ctx context.Context, db *sqlstore.DB) (bool, error) {
	current, _, err := db.SchemaVersion(ctx)
	if err != nil || current == 0 {
		return err == nil, err
	}
	return db.IsDemo(ctx)
}
