package fristad_test

import (
	"reflect"
	"testing"

	"fristad"
)

// TestCanMerge checks who may merge person records (ID-10, DP-02): a case
// worker of an organisation on the case's team, never by break-glass,
// never with a read-only token.
func TestCanMerge(t *testing.T) {
	actor := func(scope string, roles ...fristad.Role) *fristad.Actor {
		return &fristad.Actor{UserID: "u", OrganisationID: "o", Roles: roles, TokenScope: scope}
	}
	for _, tt := range []struct {
		name   string
		actor  *fristad.Actor
		access fristad.CaseAccess
		want   bool
	}{
		{"case worker, lead", actor("", fristad.RoleCaseWorker), fristad.CaseAccess{TeamLevel: "lead"}, true},
		{"case worker, member", actor("", fristad.RoleCaseWorker), fristad.CaseAccess{TeamLevel: "member"}, true},
		{"case worker, break-glass", actor("", fristad.RoleCaseWorker), fristad.CaseAccess{BreakGlass: true}, false},
		{"case worker, not on team", actor("", fristad.RoleCaseWorker), fristad.CaseAccess{}, false},
		{"partner, lead", actor("", fristad.RolePartner), fristad.CaseAccess{TeamLevel: "lead"}, false},
		{"coordinator, lead", actor("", fristad.RoleCoordinator), fristad.CaseAccess{TeamLevel: "lead"}, false},
		{"police liaison, member", actor("", fristad.RolePoliceLiaison), fristad.CaseAccess{TeamLevel: "member"}, false},
		{"write token", actor(fristad.ScopeWrite, fristad.RoleCaseWorker), fristad.CaseAccess{TeamLevel: "lead"}, true},
		{"read token", actor(fristad.ScopeRead, fristad.RoleCaseWorker), fristad.CaseAccess{TeamLevel: "lead"}, false},
		{"command line", fristad.SystemActor("cli"), fristad.CaseAccess{TeamLevel: "lead"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := fristad.Can(tt.actor, fristad.ActionPersonMerge, &tt.access); got != tt.want {
				t.Errorf("Can(merge) = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestPersonMergeValidate(t *testing.T) {
	for _, tt := range []struct {
		name  string
		m     fristad.PersonMerge
		field string
	}{
		{"ok", fristad.PersonMerge{Into: "P-A", From: "P-B", Keep: map[string]string{"name": "from"}, Confirmed: true}, ""},
		{"no other record", fristad.PersonMerge{Into: "P-A", Confirmed: true}, "from"},
		{"unknown field", fristad.PersonMerge{Into: "P-A", From: "P-B", Keep: map[string]string{"reference": "from"}, Confirmed: true}, "keep"},
		{"unknown side", fristad.PersonMerge{Into: "P-A", From: "P-B", Keep: map[string]string{"name": "both"}, Confirmed: true}, "name"},
		{"not confirmed", fristad.PersonMerge{Into: "P-A", From: "P-B"}, "confirm"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Validate()
			var field string
			if e, ok := err.(*fristad.Error); ok {
				field = e.Field
			}
			if field != tt.field || (tt.field == "") != (err == nil) {
				t.Errorf("Validate = %v (field %q); want field %q", err, field, tt.field)
			}
		})
	}
}

// TestMergePerson checks how two records' fields combine: chosen values
// where they differ, the survivor's by default unless it is empty, lists
// joined, and protection never lowered (DP-05) nor the age presumption
// dropped (CH-01).
func TestMergePerson(t *testing.T) {
	into := &fristad.Person{ID: "a", Reference: "P-A", Alias: "Maria", Name: "", IdentityNumber: "X123", BirthDate: "1990-01-01",
		AgeBand: "unknown", Sex: "female", Citizenships: []string{"RO"}, Languages: []string{"ro"}, Protection: fristad.ProtectionNone}
	from := &fristad.Person{ID: "b", Reference: "P-B", Alias: "Mia", Name: "Maria Popescu", IdentityNumber: "X999", BirthDate: "1990-01-02",
		AgeBand: "15-17", PresumedChild: true, Sex: "female", Citizenships: []string{"MD", "RO"}, Languages: []string{"ru"}, InterpreterNeeded: true,
		Protection: fristad.ProtectionMarking}
	got := fristad.MergePerson(into, from, map[string]string{"birth_date": "from", "identity_number": "into"})
	want := &fristad.Person{ID: "a", Reference: "P-A", Alias: "Maria", Name: "Maria Popescu", IdentityNumber: "X123", BirthDate: "1990-01-02",
		AgeBand: "15-17", PresumedChild: true, Sex: "female", Citizenships: []string{"MD", "RO"}, Languages: []string{"ro", "ru"}, InterpreterNeeded: true,
		Protection: fristad.ProtectionMarking}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("MergePerson = %+v\nwant %+v", got, want)
	}
	// The other way round: the stricter protection stays.
	if got := fristad.MergePerson(from, into, nil); got.Protection != fristad.ProtectionMarking || got.ID != "b" {
		t.Errorf("MergePerson(from, into) = protection %q id %q; want %q b", got.Protection, got.ID, fristad.ProtectionMarking)
	}
}

// TestCheckMerge checks which merges are refused, and which record the
// refusal names: a tombstone on either side, one record named twice, or
// a record with a case the actor may not merge (ID-10).
func TestCheckMerge(t *testing.T) {
	rec := func(ref string, edit func(r *fristad.PersonRecord)) *fristad.PersonRecord {
		r := &fristad.PersonRecord{Reference: ref, Person: &fristad.Person{Reference: ref}, CanMerge: true}
		if edit != nil {
			edit(r)
		}
		return r
	}
	tombstone := func(r *fristad.PersonRecord) { r.MergedInto, r.Person = "P-C", nil }
	locked := func(r *fristad.PersonRecord) { r.CanMerge = false }
	for _, tt := range []struct {
		name       string
		into, from *fristad.PersonRecord
		side, key  string
	}{
		{"two records the actor may merge", rec("P-A", nil), rec("P-B", nil), "", ""},
		{"into is a tombstone", rec("P-A", tombstone), rec("P-B", nil), fristad.MergeKeepInto, "merge.tombstone"},
		{"from is a tombstone", rec("P-A", nil), rec("P-B", tombstone), fristad.MergeKeepInto, "merge.tombstone"},
		{"a tombstone before the actor's reach", rec("P-A", nil), rec("P-B", func(r *fristad.PersonRecord) { tombstone(r); locked(r) }),
			fristad.MergeKeepInto, "merge.tombstone"},
		{"the same record twice", rec("P-A", nil), rec("P-A", nil), fristad.MergeKeepInto, "merge.self"},
		{"from has a case the actor may not merge", rec("P-A", nil), rec("P-B", locked), fristad.MergeKeepFrom, "merge.access"},
		{"the same record, not the actor's to merge", rec("P-A", nil), rec("P-A", locked), fristad.MergeKeepInto, "merge.self"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			side, err := fristad.CheckMerge(tt.into, tt.from)
			var key string
			if e, ok := err.(*fristad.Error); ok {
				key = e.Key
			}
			if side != tt.side || key != tt.key || (tt.key == "") != (err == nil) {
				t.Errorf("CheckMerge = %q, %v; want %q, %s", side, err, tt.side, tt.key)
			}
		})
	}
}
