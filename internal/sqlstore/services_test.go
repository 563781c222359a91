package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"fristad"
	"fristad/internal/sqlstore"
	"fristad/internal/testing/sqlstoretest"
)

// unguarded are the service methods that answer without a signed-in
// actor, each for its reason. Every other exported method of every
// service must refuse a caller with no actor in its context.
var unguarded = map[string]string{
	// Signing in is what makes an actor.
	"AuthService.Login":                   "checks a password; throttled and audited",
	"AuthService.VerifyTOTP":              "checks the second factor of a pending login",
	"AuthService.Authenticate":            "turns a session token into an actor",
	"AuthService.Logout":                  "ends the session its token names",
	"AuthService.CheckActivation":         "checks a single-use activation link",
	"AuthService.SetActivationPassword":   "the owner of an activation link chooses a password",
	"AuthService.CompleteActivation":      "the owner of an activation link enrols TOTP",
	"TokenService.AuthenticateToken":      "turns an API token into an actor",
	"PasskeyService.SaveCeremony":         "keeps a passkey ceremony's one-time challenge",
	"PasskeyService.TakeCeremony":         "takes a passkey ceremony's challenge back, once",
	"PasskeyService.PasskeyUser":          "finds whom a passkey assertion names",
	"PasskeyService.LoginWithPasskey":     "signs in after a verified assertion",
	"PasskeyService.RecordPasskeyFailure": "audits a refused assertion",
	// Not data: a fixed code list.
	"OrganisationService.OrganisationTypes": "the kinds of organisation",
	// The portal's side, public by design (IN-08, IN-10): it reads only
	// what is published and hands call-back requests in, reading nothing
	// back.
	"DirectoryService.PublicListings":   "the public service directory",
	"DirectoryService.PublicProgrammes": "the public programme pages",
	"ContentStore.PublishedContent":     "the portal's published edition",
	"ContentStore.PublishedEdition":     "the number of the published edition",
	"CallbackService.SubmitCallback":    "the portal hands a request in",
}

// ownScope are the methods a signed-in member of any organisation may
// call, since they act in the caller's own organisation or account; as a
// stranger to the case they may refuse the empty input, but must not
// answer with anything of another organisation's.
var ownScope = map[string]string{
	"CaseService.CreateCase":    "a case led by the caller's organisation",
	"PasskeyService.AddPasskey": "a passkey of the caller's own",
}

// openedByBreakGlass is the one way a case worker reaches a case of
// another organisation's team: with a reason, audited, and the case's
// lead told (SR-26). It is called with no actor, and not as the
// stranger, whose other calls would then rightly see the case.
const openedByBreakGlass = "CaseService.BreakGlass"

// denied reports whether err refuses the caller: not signed in, not
// allowed, or a record that, to this caller, does not exist (SR-21).
func denied(err error) bool {
	return slices.Contains([]string{fristad.EUNAUTHORIZED, fristad.EFORBIDDEN, fristad.ENOTFOUND}, fristad.ErrorCode(err))
}

// TestEveryServiceMethodIsGuarded calls every exported method of every
// service the store hands the sites, by reflection, so that a method
// added without its policy check fails here rather than in production.
//
// Called with no actor in the context, each must refuse (SR-20) — unless
// it is one of the few in unguarded. Called as a case worker of an
// organisation that is on no team, with every identifier the id of
// another organisation's case, each must refuse, or answer with nothing
// of that organisation's: no id, reference, alias or text of its case
// appears in what it returns (SR-21, SR-30). The arguments are the zero
// value of their type, so a method that checks its input before its
// caller answers EINVALID and fails here too: the actor comes first.
func TestEveryServiceMethodIsGuarded(t *testing.T) {
	sqlstoretest.Run(t, func(t *testing.T, db *sqlstoretest.Store) {
		f := newCaseFixture(t, db)
		workerA := f.actor(t, f.orgA, "worker-a", false, fristad.RoleCaseWorker)
		c := newCase("CANARY-ALIAS", "CANARY Ionescu", "19900101-1234", "1990-01-01")
		if err := db.CreateCase(workerA, c); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateNote(workerA, c.ID, &fristad.Note{Body: "CANARY-NOTE", Sensitivity: fristad.SensitivityTeam}); err != nil {
			t.Fatal(err)
		}
		orgC := mustCreateOrg(t, db, "Orelaterad förening", "ngo")
		stranger := f.actor(t, orgC, "worker-c", true, fristad.RoleCaseWorker)
		secrets := []string{c.ID, c.Reference, c.Person.Reference, "CANARY"}

		services := sqlstore.NewServices(db.DB)
		seen := map[reflect.Type]bool{}
		v := reflect.ValueOf(services)
		n := 0
		for i := range v.NumField() {
			svc := v.Field(i).Elem()
			if !svc.IsValid() || seen[svc.Type()] {
				continue
			}
			seen[svc.Type()] = true
			for j := range svc.NumMethod() {
				m := svc.Type().Method(j)
				name := svc.Type().Elem().Name() + "." + m.Name
				n++
				if _, ok := unguarded[name]; ok {
					continue
				}
				if err := call(svc.Method(j), t.Context(), c.ID); !denied(err) {
					t.Errorf("%s with no actor = %v; want a refusal", name, err)
				}
				if name == openedByBreakGlass {
					continue
				}
				out, err := callResult(svc.Method(j), stranger, c.ID)
				if denied(err) {
					continue
				}
				if _, own := ownScope[name]; err != nil && !(own && fristad.ErrorCode(err) == fristad.EINVALID) {
					t.Errorf("%s as a stranger = %v; want a refusal or nothing of another organisation's", name, err)
					continue
				}
				if leaked := leaks(out, secrets); leaked != "" {
					t.Errorf("%s as a stranger answers with %q of another organisation's case", name, leaked)
				}
			}
		}
		if n < 100 {
			t.Errorf("called %d service methods; the store has more", n)
		}
		for name := range unguarded {
			svc, method, _ := strings.Cut(name, ".")
			found := false
			for typ := range seen {
				if _, ok := typ.MethodByName(method); ok && typ.Elem().Name() == svc {
					found = true
				}
			}
			if !found {
				t.Errorf("unguarded lists %s, which no service has", name)
			}
		}
	})
}

// call calls method with ctx and the zero value of every other argument,
// except strings, which are all id; it returns the method's error.
func call(method reflect.Value, ctx context.Context, id string) error {
	_, err := callResult(method, ctx, id)
	return err
}

// callResult is call, also returning the method's other results. A panic
// is returned as an error.
func callResult(method reflect.Value, ctx context.Context, id string) (out []any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	typ := method.Type()
	args := make([]reflect.Value, typ.NumIn())
	for i := range args {
		args[i] = argument(typ.In(i), ctx, id)
	}
	results := method.Call(args)
	for _, r := range results[:len(results)-1] {
		out = append(out, r.Interface())
	}
	if e := results[len(results)-1]; !e.IsNil() {
		err = e.Interface().(error)
	}
	return out, err
}

// argument returns the value an argument of type typ is called with.
func argument(typ reflect.Type, ctx context.Context, id string) reflect.Value {
	switch {
	case typ == reflect.TypeFor[context.Context]():
		return reflect.ValueOf(ctx)
	case typ.Kind() == reflect.String:
		return reflect.ValueOf(id).Convert(typ)
	case typ.Kind() == reflect.Pointer && typ.Elem().Kind() == reflect.Struct:
		return reflect.New(typ.Elem())
	}
	return reflect.Zero(typ)
}

// leaks returns the first of secrets found in the JSON of out, or "".
func leaks(out []any, secrets []string) string {
	buf, err := json.Marshal(out)
	if err != nil {
		return "unmarshalable: " + err.Error()
	}
	for _, s := range secrets {
		if strings.Contains(string(buf), s) {
			return s
		}
	}
	return ""
}
