package fristad

import (
	"slices"
	"time"
)

// ActionPersonMerge is merging two records of one person into one: when
// an identity is confirmed, a pseudonymous record and a later one turn out
// to be the same person (ID-10).
const ActionPersonMerge Action = "person.merge"

// Sides of a merge: the record that survives, and the one merged into it.
const (
	MergeKeepInto = "into"
	MergeKeepFrom = "from"
)

// MergeFields are the person's fields where the two records may differ
// and the case worker chooses which value to keep. The other fields
// combine by rule: citizenships and languages are joined, an interpreter
// need and the age presumption (CH-01) hold if either record has them,
// and the stricter protected-identity level wins (DP-05): a merge never
// lowers a person's protection.
var MergeFields = []string{"alias", "name", "identity_number", "birth_date", "age_band", "sex"}

// PersonRecord is one person record as the actor may see it: the person,
// and the cases of the person the actor can reach. A record merged into
// another is a tombstone: MergedInto names the survivor's reference, and
// Person and Cases are empty.
type PersonRecord struct {
	Reference  string // the record's own reference, a tombstone's too
	Person     *Person
	Cases      []*Case
	MergedInto string // the survivor's reference, for a tombstone
	MergedAt   *time.Time
	// CanMerge is set when the actor may merge this record: their
	// organisation is on the team of every one of its cases.
	CanMerge bool
}

// PersonMerge asks to merge the person record From into Into. Both name a
// person by its reference (P-…) or by the reference or id of one of its
// cases. Keep says, field by field, which record's value to keep; a field
// not named keeps the survivor's value, or the other's when the
// survivor's is empty. Confirmed is the case worker's explicit
// confirmation: a merge cannot be undone by a click.
type PersonMerge struct {
	Into, From string
	Keep       map[string]string
	Confirmed  bool
}

// MergeRecord is a merge as a case's timeline tells it: when, which
// record was merged into which (by reference), and whether this case came
// with the record merged away. Which values were kept stays in the audit
// trail and the merge's own record.
type MergeRecord struct {
	ID       string
	MergedAt time.Time
	Into     string // the survivor's reference
	From     string // the reference of the record merged into it
	Moved    bool   // this case belonged to From
}

// Validate checks a merge request.
func (m *PersonMerge) Validate() error {
	if m.From == "" {
		return invalid("from", "merge.from.required", "name the record to merge into this one")
	}
	for f, side := range m.Keep {
		if !slices.Contains(MergeFields, f) {
			return invalid("keep", "merge.keep.invalid", "unknown field in keep: "+f)
		}
		if side != MergeKeepInto && side != MergeKeepFrom {
			return invalid(f, "merge.keep.invalid", "keep the value of \"into\" or \"from\"")
		}
	}
	if !m.Confirmed {
		return invalid("confirm", "merge.confirm.required", "confirm that the two records are the same person")
	}
	return nil
}

// CheckMerge says why record from may not be merged into record into,
// both as the actor reads them, and which of the two ("into" or "from")
// the refusal is about: a record already merged into another, one record
// named twice, or a record with a case the actor may not merge (ID-10).
// It returns "", nil when the merge may go ahead. Whether the actor may
// merge into at all is for the caller to ask before it looks up from,
// so one who may not learns nothing of the other.
func CheckMerge(into, from *PersonRecord) (side string, err error) {
	switch {
	case into.MergedInto != "" || from.MergedInto != "":
		return MergeKeepInto, Localized(ECONFLICT, "merge.tombstone", nil, "the record has already been merged into another; merge with that one")
	case into.Reference == from.Reference:
		return MergeKeepInto, Localized(ECONFLICT, "merge.self", nil, "both references name the same record")
	case !from.CanMerge:
		return MergeKeepFrom, Localized(EFORBIDDEN, "merge.access", nil, "only a case worker on the team of every case of both records may merge them")
	}
	return "", nil
}

// MergePerson combines two people's fields by the rules above: into is
// the survivor, from the record merged into it, keep the case worker's
// choices. It returns a new person with into's id and reference.
func MergePerson(into, from *Person, keep map[string]string) *Person {
	out := *into
	pick := func(field string, a, b string) string {
		switch keep[field] {
		case MergeKeepFrom:
			return b
		case MergeKeepInto:
			return a
		}
		if a == "" || a == "unknown" {
			return b
		}
		return a
	}
	out.Alias = pick("alias", into.Alias, from.Alias)
	out.Name = pick("name", into.Name, from.Name)
	out.IdentityNumber = pick("identity_number", into.IdentityNumber, from.IdentityNumber)
	out.BirthDate = pick("birth_date", into.BirthDate, from.BirthDate)
	out.AgeBand = pick("age_band", into.AgeBand, from.AgeBand)
	out.Sex = pick("sex", into.Sex, from.Sex)
	out.Citizenships = union(into.Citizenships, from.Citizenships)
	out.Languages = union(into.Languages, from.Languages)
	out.InterpreterNeeded = into.InterpreterNeeded || from.InterpreterNeeded
	out.PresumedChild = into.PresumedChild || from.PresumedChild
	if slices.Index(ProtectionLevels, from.Protection) > slices.Index(ProtectionLevels, into.Protection) {
		out.Protection = from.Protection
	}
	out.Hidden = false
	return &out
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}
