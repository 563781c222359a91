package sqlstore

// The made-up histories of seeded cases. Each case is lived through in
// time order, as the services would record it: opened by a case worker,
// moved along the national referral model, assessed again on the day the
// last risk assessment set, given a support plan that is reviewed and
// ended, with notes, tasks, documents and what happened to her; every
// change writes the rows and the audit event its service writes, and the
// rule tasks the rules ask for. Reads of the case fill the audit trail up
// to about a hundred events a case. Every name, place and story is
// fictional.

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"fristad"
	"fristad/internal/auth"
	"fristad/internal/seal"
)

// caseSeed is one case being made up.
type caseSeed struct {
	s      *seeder
	r      *rand.Rand
	b      *seedBatch
	org    *seedOrg
	owner  *seedWorker
	dk     *seal.DataKey
	c      *fristad.Case
	p      *fristad.Person
	opened time.Time
	// closed is when the case was closed, or zero; activity stops then.
	closed    time.Time
	readUntil time.Time
	version   int
	updated   time.Time
	statusN   int
	tasks     []*seedTask
	notes     []fristad.Note
	safety    []time.Time // when each safety plan version was saved
	plan      *seedPlan
	writes    int // audit events written by changes
	queue     happenings
	seq       int
	pronoun   [3]string // hon, henne, hennes
	language  string    // her first language, in Swedish words
	words     *strings.Replacer
}

// seedTask is a task row as it stands at the end.
type seedTask struct {
	id, kind, dueOn, assignee, createdBy, doneBy string
	title                                        []byte
	created                                      time.Time
	done                                         *time.Time
}

// seedPlan is her support plan as it stands, with what a kept version
// holds.
type seedPlan struct {
	fristad.Plan
	programme *fristad.ProgrammeVersion
	createdBy string
	created   time.Time
	updated   time.Time
	inCreated map[string]time.Time // intervention id → created
	inBy      map[string]string    // intervention id → created by
}

// happening is a change of the case at a time.
type happening struct {
	at  time.Time
	seq int
	do  func(at time.Time) error
}

type happenings []happening

func (h happenings) Len() int { return len(h) }
func (h happenings) Less(i, j int) bool {
	if c := h[i].at.Compare(h[j].at); c != 0 {
		return c < 0
	}
	return h[i].seq < h[j].seq
}
func (h happenings) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *happenings) Push(x any)   { *h = append(*h, x.(happening)) }
func (h *happenings) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// day is the calendar day of t, as the services write dates.
func day(t time.Time) string { return t.Format(time.DateOnly) }

const hours = time.Hour
const days = 24 * time.Hour

// seedCase makes up case number i of the run and adds its rows and audit
// events to b.
func (s *seeder) seedCase(r *rand.Rand, b *seedBatch, i int) error {
	span := s.now.Add(-2 * hours).Sub(s.from)
	opened := s.from.Add(time.Duration((float64(i) + r.Float64()) / float64(s.opts.Cases) * float64(span)))
	org := s.orgs[i%len(s.orgs)]
	cs := &caseSeed{s: s, r: r, b: b, org: org, owner: org.workers[r.IntN(len(org.workers))]}
	cs.opened = cs.pastWorkTime(opened)
	if err := cs.makePerson(); err != nil {
		return err
	}
	cs.plot()
	for cs.queue.Len() > 0 {
		h := heap.Pop(&cs.queue).(happening)
		if !cs.closed.IsZero() && h.at.After(cs.closed) {
			continue
		}
		if err := h.do(h.at); err != nil {
			return fmt.Errorf("seed case %d: %w", i, err)
		}
	}
	cs.reads()
	err := cs.finish()
	cs.dk.Destroy()
	return err
}

// at schedules a change; times past the end of the seeded history are
// dropped.
func (cs *caseSeed) at(t time.Time, do func(time.Time) error) {
	if !t.Before(cs.s.now.Add(-time.Minute)) {
		return
	}
	cs.seq++
	heap.Push(&cs.queue, happening{at: t, seq: cs.seq, do: do})
}

// after returns the working time d after t (jittered within the day),
// never before t.
func (cs *caseSeed) after(t time.Time, d time.Duration) time.Time {
	if w := cs.workTime(t.Add(d)); w.After(t) {
		return w
	}
	return t.Add(time.Minute + time.Duration(cs.r.Int64N(int64(2*hours)))).Truncate(time.Microsecond)
}

// workTime moves t into working hours of its day, 07:00–16:30 UTC.
func (cs *caseSeed) workTime(t time.Time) time.Time {
	y, m, d := t.Date()
	w := time.Date(y, m, d, 7, 0, 0, 0, time.UTC).Add(time.Duration(cs.r.Int64N(int64(9*hours + 30*time.Minute))))
	return w.Truncate(time.Microsecond)
}

// pastWorkTime is workTime for what has happened already: before now.
func (cs *caseSeed) pastWorkTime(t time.Time) time.Time {
	w := cs.workTime(t)
	if limit := cs.s.now.Add(-time.Minute); !w.Before(limit) {
		w = limit.Add(-time.Duration(cs.r.Int64N(int64(time.Hour)))).Truncate(time.Microsecond)
	}
	return w
}

// worker returns who does something on the case: mostly its owner.
func (cs *caseSeed) worker() *seedWorker {
	if cs.r.IntN(10) < 7 {
		return cs.owner
	}
	return cs.org.workers[cs.r.IntN(len(cs.org.workers))]
}

// event records an audit event of the case.
func (cs *caseSeed) event(at time.Time, w *seedWorker, request, action, objectID, purpose string) {
	cs.b.event(&seedEvent{at: at, actor: w.actor, action: action, objectType: "case", objectID: objectID, purpose: purpose, request: request})
}

// write records the audit event of a change.
func (cs *caseSeed) write(at time.Time, w *seedWorker, action, purpose string) {
	cs.writes++
	cs.event(at, w, seedRequestID(cs.r), action, cs.c.ID, purpose)
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// weighted picks an index by weight.
func weighted(r *rand.Rand, weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// fill replaces her name and pronouns in a text.
func (cs *caseSeed) fill(text string) string {
	if cs.words == nil {
		alias := cs.p.Alias
		cs.words = strings.NewReplacer("{alias}", alias, "{hon}", cs.pronoun[0], "{Hon}", strings.ToUpper(cs.pronoun[0][:1])+cs.pronoun[0][1:], "{henne}", cs.pronoun[1], "{hennes}", cs.pronoun[2],
			"{språk}", cs.language)
	}
	return cs.words.Replace(text)
}

// makePerson makes up her person and the case as it is opened.
func (cs *caseSeed) makePerson() error {
	r := cs.r
	nat := seedNationalities[weighted(r, seedNationalityWeights...)]
	p := &fristad.Person{Citizenships: []string{nat.country}, Languages: nat.languages, InterpreterNeeded: nat.interpreter}
	first := nat.female
	switch weighted(r, 72, 25, 3) {
	case 0:
		p.Sex, cs.pronoun = "female", [3]string{"hon", "henne", "hennes"}
	case 1:
		p.Sex, cs.pronoun, first = "male", [3]string{"han", "honom", "hans"}, nat.male
	default:
		p.Sex, cs.pronoun = "unknown", [3]string{"hen", "hen", "hens"}
	}
	cs.language = seedLanguageNames[nat.languages[0]]
	given := pick(r, first)
	p.Alias = given
	age := -1
	switch weighted(r, 3, 7, 30, 32, 20, 5, 3) {
	case 0:
		age = 8 + r.IntN(7)
	case 1:
		age = 15 + r.IntN(3)
	case 2:
		age = 18 + r.IntN(7)
	case 3:
		age = 25 + r.IntN(10)
	case 4:
		age = 35 + r.IntN(15)
	case 5:
		age = 50 + r.IntN(15)
	}
	p.AgeBand = seedAgeBand(age)
	if r.IntN(4) > 0 { // her name is known
		p.Name = given + " " + pick(r, nat.surnames)
		if r.IntN(5) == 0 {
			p.Alias = given[:min(len(given), 3+r.IntN(2))] // a short name she goes by
		}
		if age >= 0 && r.IntN(5) < 3 {
			born := cs.opened.AddDate(-age, 0, -r.IntN(365))
			p.BirthDate = day(born)
			if nat.country == "SE" {
				p.IdentityNumber = personnummer(born, r)
			} else if r.IntN(4) == 0 {
				p.IdentityNumber = fmt.Sprintf("%s%07d", nat.country, r.IntN(10000000))
			}
		}
	}
	switch weighted(r, 95, 3, 2) {
	case 1:
		p.Protection = fristad.ProtectionMarking
	case 2:
		p.Protection = fristad.ProtectionRegistration
	}
	c := &fristad.Case{Person: p, Status: fristad.StatusIndication, Step: "identification"}
	if r.IntN(4) == 0 {
		c.Status = fristad.StatusReasonableGrounds // referred by the police
	}
	if r.IntN(10) < 3 {
		c.Step = "acute_protection"
	}
	c.ExploitationTypes = []string{seedExploitation(r, p.Sex)}
	if r.IntN(5) == 0 {
		c.ExploitationTypes = append(c.ExploitationTypes, seedExploitation(r, p.Sex))
	}
	if err := c.Validate(); err != nil {
		return err
	}
	cs.c, cs.p = c, p
	cs.at(cs.opened, cs.open)
	return nil
}

func seedAgeBand(age int) string {
	switch {
	case age < 0:
		return "unknown"
	case age < 15:
		return "0-14"
	case age < 18:
		return "15-17"
	case age < 25:
		return "18-24"
	case age < 35:
		return "25-34"
	case age < 50:
		return "35-49"
	}
	return "50+"
}

func seedExploitation(r *rand.Rand, sex string) string {
	if sex == "male" {
		return []string{"forced_labour", "forced_criminality", "forced_begging", "sexual_exploitation"}[weighted(r, 50, 20, 20, 10)]
	}
	return []string{"sexual_exploitation", "forced_labour", "domestic_servitude", "forced_begging", "forced_marriage", "forced_criminality"}[weighted(r, 55, 20, 10, 5, 5, 5)]
}

// personnummer returns a Swedish personal identity number for a birth
// date, with a valid check digit.
func personnummer(born time.Time, r *rand.Rand) string {
	digits := born.Format("060102") + fmt.Sprintf("%03d", r.IntN(1000))
	sum := 0
	for i, c := range digits {
		d := int(c-'0') * (2 - i%2)
		sum += d/10 + d%10
	}
	return born.Format("20060102") + "-" + digits[6:] + strconv.Itoa((10-sum%10)%10)
}

// plot lays out the case's course from its opening: the steps of the
// referral model, decisions on her status and pathway, and when it
// closes; the rest follows from these as they happen.
func (cs *caseSeed) plot() {
	r, t0 := cs.r, cs.opened
	d := func(lo, hi int) time.Duration { return time.Duration(lo+r.IntN(hi-lo+1)) * days }
	age := cs.s.now.Sub(t0)
	if age > 400*days && r.IntN(100) < 45 {
		cs.closed = cs.after(t0, min(d(300, 900), age-days))
	}
	cs.readUntil = cs.s.now.Add(-time.Minute)
	if !cs.closed.IsZero() {
		if until := cs.closed.Add(30 * days); until.Before(cs.readUntil) {
			cs.readUntil = until
		}
		cs.at(cs.closed, func(at time.Time) error {
			return cs.addStatus(at, fristad.StatusClosed, "Stödet avslutat; ingen kontakt sedan flera månader.")
		})
	}
	// Her status: reasonable grounds within weeks, injured party in a
	// preliminary investigation for some.
	t := t0
	if cs.c.Status == fristad.StatusIndication && r.IntN(100) < 85 {
		t = cs.after(t0, d(3, 30))
		cs.at(t, func(at time.Time) error {
			return cs.addStatus(at, fristad.StatusReasonableGrounds, "Polisen bedömer att det finns skälig anledning att anta människohandel.")
		})
	}
	injured := r.IntN(100) < 35
	if injured {
		cs.at(cs.after(t, d(30, 200)), func(at time.Time) error {
			return cs.addStatus(at, fristad.StatusInjuredParty, "Förundersökning inledd; hon är målsägande.")
		})
	}
	// Her way along the referral model.
	step := slices.Index(fristad.Steps, cs.c.Step)
	t = t0
	pathway := []string{"stay", "return", "undecided"}[weighted(r, 70, 22, 8)]
	for next := step + 1; next <= 4; next++ {
		gap := [...]func() time.Duration{nil, func() time.Duration { return d(1, 10) }, func() time.Duration { return d(14, 45) },
			func() time.Duration { return d(60, 150) }, func() time.Duration { return d(60, 300) }}[next]
		if r.IntN(100) >= 85 {
			break // she stays in this step, or contact is lost
		}
		t = cs.after(t, gap())
		to, path := fristad.Steps[next], ""
		if next == 3 {
			path = pathway
		}
		if next == 4 {
			switch {
			case pathway == "return":
				to = "safe_return"
			case injured:
				to = "criminal_proceedings"
			default:
				continue
			}
		}
		cs.at(t, func(at time.Time) error { return cs.updateCase(at, to, path) })
		if next == 2 && !cs.p.PresumedChild {
			cs.at(cs.after(t, d(0, 14)), cs.enrol)
		}
	}
	// Assessments, what happened to her, notes, tasks and documents.
	cs.at(cs.after(t0, d(0, 3)), func(at time.Time) error { return cs.assessRisk(at, "intake") })
	cs.at(cs.after(t0, d(1, 10)), cs.assessNeeds)
	if age > 150*days && r.IntN(2) == 0 {
		cs.at(cs.after(t0, d(90, 180)), cs.assessNeeds)
	}
	for range 1 + r.IntN(3) {
		cs.at(cs.after(t0, d(1, 20)), cs.recordEvent)
	}
	life := min(age, 1000*days)
	if !cs.closed.IsZero() {
		life = cs.closed.Sub(t0)
	}
	months := int(life / (30 * days))
	for range 2 + min(months/2, 18) + r.IntN(3) {
		cs.at(cs.after(t0, time.Duration(float64(life)*r.Float64()*r.Float64())), cs.writeNote)
	}
	for range 1 + min(months/4, 5) {
		cs.at(cs.after(t0, time.Duration(float64(life)*r.Float64())), cs.addTask)
	}
	for range weighted(r, 50, 30, 15, 5) {
		cs.at(cs.after(t0, time.Duration(float64(life)*r.Float64())), cs.uploadDocument)
	}
}

// open records the case as CreateCase does: her data key, person, blind
// indexes, the case, its team, its first status and rule tasks.
func (cs *caseSeed) open(at time.Time) error {
	s, c, p, w := cs.s, cs.c, cs.p, cs.owner
	request := seedRequestID(cs.r)
	p.ID, p.Reference = auth.NewID(), s.newReference("P")
	c.ID, c.Reference, c.LeadOrganisation, c.Version = auth.NewID(), s.newReference("FR"), cs.org.id, 1
	c.CreatedAt, c.UpdatedAt = at, at
	cs.version, cs.updated = 1, at
	dk, wrapped, err := s.kr.NewDataKey(p.ID)
	if err != nil {
		return err
	}
	cs.dk = dk
	cs.b.add("keystore.subject_keys", p.ID, wrapped, seal.WrappedKeyID(wrapped), at)
	cs.b.event(&seedEvent{at: at, actor: w.actor, action: "key.create", objectType: "subject_key", objectID: p.ID, request: request})
	sealed, err := sealPerson(dk, p, p.ID)
	if err != nil {
		return err
	}
	cs.b.add("persons", p.ID, p.Reference, sealed["alias_ct"], sealed["name_ct"], sealed["identity_ct"], sealed["birth_date_ct"],
		p.AgeBand, p.PresumedChild, p.Sex, strings.Join(p.Citizenships, ","), strings.Join(p.Languages, ","),
		p.InterpreterNeeded, p.Protection, at, at)
	for field, token := range personTokens(s.ix, p, at) {
		cs.b.add("person_index", field, token, p.ID)
	}
	cs.b.add("case_team", c.ID, c.LeadOrganisation, "lead", at, at)
	if err := cs.insertStatus(at, w, &fristad.StatusEvent{Status: c.Status, DecidedOn: day(at), DecidingOrg: c.LeadOrganisation}); err != nil {
		return err
	}
	change := fristad.RuleChange{Event: fristad.RuleCaseCreated, Organisation: c.LeadOrganisation, PresumedChild: p.PresumedChild}
	for _, t := range cs.ruleTasks(at, fristad.RuleTasks(change, at)) {
		if t.kind == fristad.TaskChildProtection {
			// Her protection is assessed the same day or the next (CH-04).
			cs.at(cs.after(at, time.Duration(cs.r.IntN(2))*days), func(at time.Time) error { return cs.completeTask(at, t) })
		}
	}
	cs.writes += 2
	cs.event(at, w, request, "case.create", c.ID, p.ID)
	return nil
}

// newReference returns a reference no case or person of the database has.
func (s *seeder) newReference(prefix string) string {
	for {
		ref := reference(prefix)
		if !s.refs[ref] {
			s.refs[ref] = true
			return ref
		}
	}
}

// insertStatus adds a step of her identification history.
func (cs *caseSeed) insertStatus(at time.Time, w *seedWorker, e *fristad.StatusEvent) error {
	id := auth.NewID()
	var basis []byte
	if e.Basis != "" {
		var err error
		if basis, err = cs.dk.Seal([]byte(e.Basis), "case_status", "basis_ct", id); err != nil {
			return err
		}
	}
	cs.statusN++
	cs.b.add("case_status", id, cs.c.ID, cs.statusN, e.Status, e.DecidedOn, e.DecidingOrg, basis, w.id, at)
	return nil
}

// addStatus records a decision on her status, as AddStatus does.
func (cs *caseSeed) addStatus(at time.Time, status, basis string) error {
	if status == cs.c.Status {
		return nil
	}
	w := cs.worker()
	e := &fristad.StatusEvent{Status: status, DecidedOn: day(at.Add(-time.Duration(cs.r.IntN(3)) * days)), DecidingOrg: cs.org.id, Basis: basis}
	if status == fristad.StatusReasonableGrounds || status == fristad.StatusInjuredParty {
		e.DecidingOrg = cs.s.police.id
	}
	if err := e.Validate(); err != nil {
		return err
	}
	if err := cs.insertStatus(at, w, e); err != nil {
		return err
	}
	cs.c.Status = status
	cs.changed(at)
	cs.write(at, w, "case.status", status)
	return nil
}

// changed counts a change of the case row.
func (cs *caseSeed) changed(at time.Time) { cs.version, cs.updated = cs.version+1, at }

// updateCase moves the case to a step, and decides her pathway, as
// UpdateCase does; a pathway decided asks for a risk assessment the same
// day (AS-05).
func (cs *caseSeed) updateCase(at time.Time, step, pathway string) error {
	var changed []string
	if step != cs.c.Step {
		changed = append(changed, "step")
	}
	previous := cs.c.Pathway
	if pathway != "" && pathway != previous {
		changed = append(changed, "pathway")
	} else {
		pathway = previous
	}
	if len(changed) == 0 {
		return nil
	}
	cs.c.Step, cs.c.Pathway = step, pathway
	cs.changed(at)
	change := fristad.RuleChange{Event: fristad.RuleCaseUpdated, Organisation: cs.c.LeadOrganisation, Pathway: pathway, PreviousPathway: previous}
	if len(cs.ruleTasks(at, fristad.RuleTasks(change, at))) > 0 {
		reason := "move"
		if pathway == "return" {
			reason = "pre_departure"
		}
		cs.at(cs.after(at, time.Duration(cs.r.IntN(4))*days), func(at time.Time) error { return cs.assessRisk(at, reason) })
	}
	cs.write(at, cs.worker(), "case.update", strings.Join(changed, ","))
	return nil
}

// ruleTasks adds the tasks a rule asks for, as addRuleTasks does.
func (cs *caseSeed) ruleTasks(at time.Time, tasks []fristad.RuleTask) []*seedTask {
	var out []*seedTask
	for _, t := range tasks {
		task := &seedTask{id: auth.NewID(), kind: t.Kind, dueOn: t.DueOn, created: at}
		cs.tasks = append(cs.tasks, task)
		out = append(out, task)
	}
	return out
}

// closeRuleTasks closes the open tasks of the kinds, as closeRuleTasks does.
func (cs *caseSeed) closeRuleTasks(at time.Time, kinds []string, by string) {
	for _, t := range cs.tasks {
		if t.done == nil && slices.Contains(kinds, t.kind) {
			done := at
			t.done, t.doneBy = &done, by
		}
	}
}

// assessRisk records a risk assessment, as AddRiskAssessment does, and
// plans the next one on the day it sets.
func (cs *caseSeed) assessRisk(at time.Time, reason string) error {
	r, w := cs.r, cs.worker()
	previous := cs.c.RiskLevel
	level := fristad.RiskLevels[weighted(r, 25, 40, 25, 10)]
	if previous != "" && r.IntN(3) > 0 {
		// The risk most often stays or falls as support takes hold.
		level = fristad.RiskLevels[min(max(fristad.RiskRank(previous)+weighted(r, 40, 45, 15)-1, 0), 3)]
	}
	if reason == "scheduled" && r.IntN(8) == 0 {
		reason = "incident"
	}
	next := [...]int{180, 120, 45, 21}[fristad.RiskRank(level)]
	a := &fristad.RiskAssessment{AssessedOn: day(at), Reason: reason, Level: level, ReassessOn: day(at.AddDate(0, 0, next)),
		HerView: cs.fill(pick(r, seedHerViews)), Comment: cs.fill(pick(r, seedRiskComments))}
	for _, f := range fristad.RiskFactors {
		if r.IntN(4) == 0 {
			a.Factors = append(a.Factors, f)
		}
	}
	if r.IntN(6) == 0 {
		a.SpecialNeeds = []string{pick(r, fristad.SpecialNeeds)}
	}
	if err := a.Validate(); err != nil {
		return err
	}
	a.ID = auth.NewID()
	ct, err := sealJSON(cs.dk, riskData{a.Reason, a.Factors, a.SpecialNeeds, a.HerView, a.Comment}, "assessments", a.ID)
	if err != nil {
		return err
	}
	cs.b.add("assessments", a.ID, cs.c.ID, "risk", a.AssessedOn, a.Level, a.ReassessOn, ct, w.id, at)
	cs.c.RiskLevel = level
	cs.changed(at)
	cs.closeRuleTasks(at, fristad.RuleTasksClosed(fristad.RuleRiskAssessed), w.id)
	change := fristad.RuleChange{Event: fristad.RuleRiskAssessed, Organisation: cs.c.LeadOrganisation, NextOn: a.ReassessOn}
	cs.ruleTasks(at, fristad.RuleTasks(change, at))
	cs.write(at, w, "assessment.risk.create", level)
	// The next assessment comes around the day set, now and then late.
	due, _ := time.Parse(time.DateOnly, a.ReassessOn)
	cs.at(cs.after(due, time.Duration(r.IntN(10)-3)*days), func(at time.Time) error { return cs.assessRisk(at, "scheduled") })
	// A risk rising to high is a prompt to make the safety plan again (AS-03).
	if fristad.RiskRank(level) >= fristad.RiskRank("high") && fristad.RiskRank(previous) < fristad.RiskRank(level) {
		cs.at(cs.after(at, time.Duration(r.IntN(3))*days), cs.saveSafetyPlan)
	}
	return nil
}

// assessNeeds records a needs assessment, as AddNeedsAssessment does.
func (cs *caseSeed) assessNeeds(at time.Time) error {
	r, w := cs.r, cs.worker()
	a := &fristad.NeedsAssessment{AssessedOn: day(at), Needs: map[string]string{}, Comment: cs.fill(pick(r, seedNeedsComments)), HerView: cs.fill(pick(r, seedHerViews))}
	for _, d := range fristad.NeedDomains {
		a.Needs[d] = fristad.NeedLevels[weighted(r, 30, 35, 25, 10)]
	}
	if err := a.Validate(); err != nil {
		return err
	}
	a.ID = auth.NewID()
	ct, err := sealJSON(cs.dk, struct {
		Needs            map[string]string
		Comment, HerView string
	}{a.Needs, a.Comment, a.HerView}, "assessments", a.ID)
	if err != nil {
		return err
	}
	cs.b.add("assessments", a.ID, cs.c.ID, "needs", a.AssessedOn, "", "", ct, w.id, at)
	cs.write(at, w, "assessment.needs.create", a.ID)
	return nil
}

// saveSafetyPlan saves a new version of her safety plan, as SaveSafetyPlan does.
func (cs *caseSeed) saveSafetyPlan(at time.Time) error {
	r, w := cs.r, cs.worker()
	p := &fristad.SafetyPlan{CrisisPlan: pick(r, seedCrisisPlans), ShortTerm: cs.fill(pick(r, seedShortTerm)), Contacts: pick(r, seedContacts),
		SafeChannels: []string{"in_person", "via_shelter"}, UnsafeChannels: []string{"sms", "messaging_app"}, CoProduced: r.IntN(5) > 0, ReviewReason: "incident"}
	if len(cs.safety) == 0 {
		p.ReviewReason = "intake"
	}
	if err := p.Validate(); err != nil {
		return err
	}
	p.Version, p.UpdatedBy, p.CreatedAt = len(cs.safety)+1, w.id, at
	ct, err := sealJSON(cs.dk, p, "safety_plans", cs.c.ID+"/"+itoa(p.Version))
	if err != nil {
		return err
	}
	cs.b.add("safety_plans", cs.c.ID, p.Version, ct, w.id, at)
	cs.safety = append(cs.safety, at)
	cs.write(at, w, "safety_plan.save", itoa(p.Version))
	return nil
}

// recordEvent records a step of what happened to her, as SaveEvent does.
func (cs *caseSeed) recordEvent(at time.Time) error {
	r, w := cs.r, cs.worker()
	country := cs.p.Citizenships[0]
	before := func(months int) string { return cs.opened.AddDate(0, -months, 0).Format("2006-01") }
	e := &fristad.TraffickingEvent{ExploitationTypes: cs.c.ExploitationTypes, Relations: []string{pick(r, fristad.TraffickerRelations)}}
	switch r.IntN(3) {
	case 0:
		e.Kind, e.Country, e.From = "recruitment", country, before(12+r.IntN(24))
		e.ExploitationTypes = nil
		if r.IntN(2) == 0 {
			e.Place = "Påhittad by utanför huvudstaden"
		}
	case 1:
		e.Kind, e.Country, e.From, e.To = "transit", pick(r, []string{"DE", "PL", "DK", "NL", "LT"}), before(10), before(9)
		e.ExploitationTypes = nil
	default:
		e.Kind, e.Country, e.From, e.To = "exploitation", "SE", before(2+r.IntN(8)), before(0)
		e.Place = pick(r, seedPlaces)
	}
	if country == "SE" && e.Kind != "exploitation" {
		e.Country = "SE"
	}
	if err := e.Validate(at); err != nil {
		return err
	}
	e.ID = auth.NewID()
	place, err := sealOptional(cs.dk, e.Place, "case_events", "place_ct", e.ID)
	if err != nil {
		return err
	}
	cs.b.add("case_events", e.ID, cs.c.ID, e.Kind, strings.Join(e.ExploitationTypes, ","), e.Country, e.From, e.To,
		strings.Join(e.Relations, ","), place, w.id, at, at)
	cs.write(at, w, "event.create", e.ID)
	return nil
}

// writeNote writes a journal note, as CreateNote does; now and then one
// corrects an earlier note.
func (cs *caseSeed) writeNote(at time.Time) error {
	r, w := cs.r, cs.worker()
	n := fristad.Note{Body: cs.fill(pick(r, seedNotes)), Sensitivity: fristad.SensitivityTeam}
	if r.IntN(5) == 0 {
		n.Body, n.Sensitivity = cs.fill(pick(r, seedOrganisationNotes)), fristad.SensitivityOrganisation
	}
	if len(cs.notes) > 0 && r.IntN(30) == 0 {
		corrected := cs.notes[r.IntN(len(cs.notes))]
		n.Body, n.RefersTo = pick(r, seedCorrections), corrected.ID
		if corrected.Sensitivity == fristad.SensitivityOrganisation {
			n.Sensitivity = fristad.SensitivityOrganisation
		}
	}
	if err := n.Validate(); err != nil {
		return err
	}
	n.ID = auth.NewID()
	body, err := cs.dk.Seal([]byte(n.Body), "case_notes", "body_ct", n.ID)
	if err != nil {
		return err
	}
	cs.b.add("case_notes", n.ID, cs.c.ID, n.Sensitivity, body, nullString(n.RefersTo), w.id, cs.org.id, at)
	cs.notes = append(cs.notes, n)
	cs.write(at, w, "note.create", n.ID)
	return nil
}

// addTask adds an own task, as CreateTask does, and most often does it
// around the day it is due.
func (cs *caseSeed) addTask(at time.Time) error {
	r, w := cs.r, cs.worker()
	due := at.AddDate(0, 0, 2+r.IntN(28))
	t := &fristad.Task{Title: cs.fill(pick(r, seedTaskTitles)), DueOn: day(due)}
	if err := t.Validate(); err != nil {
		return err
	}
	task := &seedTask{id: auth.NewID(), kind: fristad.TaskOwn, dueOn: t.DueOn, createdBy: w.id, created: at}
	if r.IntN(10) < 6 {
		task.assignee = w.id
	}
	var err error
	if task.title, err = cs.dk.Seal([]byte(t.Title), "tasks", "title_ct", task.id); err != nil {
		return err
	}
	cs.tasks = append(cs.tasks, task)
	cs.write(at, w, "task.create", task.id)
	if r.IntN(100) < 85 {
		cs.at(cs.after(due, time.Duration(r.IntN(7)-4)*days), func(at time.Time) error { return cs.completeTask(at, task) })
	}
	return nil
}

// completeTask closes a task, as CompleteTask does.
func (cs *caseSeed) completeTask(at time.Time, t *seedTask) error {
	if t.done != nil || !at.After(t.created) {
		return nil
	}
	w := cs.worker()
	done := at
	t.done, t.doneBy = &done, w.id
	cs.write(at, w, "task.complete", t.id)
	return nil
}

// uploadDocument keeps a small text document, as CreateDocument does.
func (cs *caseSeed) uploadDocument(at time.Time) error {
	r, w := cs.r, cs.worker()
	kind := pick(r, seedDocuments)
	d := &fristad.Document{Filename: kind.name + "-" + at.Format("2006-01") + ".txt", Description: kind.description, Sensitivity: fristad.SensitivityTeam}
	if r.IntN(6) == 0 {
		d.Sensitivity = fristad.SensitivityOrganisation
	}
	content, err := fristad.PrepareDocument(d, []byte(cs.fill(kind.content)+"\n\nPÅHITTAT DOKUMENT I DEMODATA. Upprättat "+day(at)+".\n"))
	if err != nil {
		return err
	}
	id := auth.NewID()
	name, err := cs.dk.Seal([]byte(d.Filename), "case_documents", "filename_ct", id)
	if err != nil {
		return err
	}
	description, err := cs.dk.Seal([]byte(d.Description), "case_documents", "description_ct", id)
	if err != nil {
		return err
	}
	sealed, err := cs.dk.Seal(content, "case_documents", "content_ct", id)
	if err != nil {
		return err
	}
	cs.b.add("case_documents", id, cs.c.ID, d.Sensitivity, d.ContentType, d.Size, name, description, sealed, w.id, cs.org.id, at)
	cs.write(at, w, "document.create", id)
	return nil
}

// enrol enrols her in the programme version valid on the day, if she is
// eligible, as Enrol does, and lays out the plan's course: its
// interventions, phases, reviews and end.
func (cs *caseSeed) enrol(at time.Time) error {
	var v *fristad.ProgrammeVersion
	for _, pv := range cs.s.programmes {
		if pv.ValidOn(day(at)) {
			v = pv
		}
	}
	if v == nil || cs.plan != nil || !v.CheckEligibility(cs.c, day(at)).Eligible {
		return nil
	}
	r, w := cs.r, cs.worker()
	contact := "Handläggaren nås via boendet, vardagar 9–16."
	var goals []fristad.Goal
	for _, i := range r.Perm(len(seedGoals))[:1+r.IntN(3)] {
		goals = append(goals, fristad.Goal{Text: seedGoals[i], Language: "sv"})
	}
	goals, err := fristad.ValidateGoals(goals, &contact, auth.NewID)
	if err != nil {
		return err
	}
	first := v.Phases[0].Code
	p := &seedPlan{programme: v, createdBy: w.id, created: at, inCreated: map[string]time.Time{}, inBy: map[string]string{}}
	p.Plan = fristad.Plan{ID: auth.NewID(), CaseID: cs.c.ID, VersionID: v.ID, EnrolledOn: day(at), Status: "active", Phase: first,
		PhaseStartedOn: day(at), Goals: goals, Contact: contact, UpdatedAt: at}
	cs.plan = p
	if err := cs.planEvent(at, w, &fristad.PhaseEvent{Kind: "enrol", Phase: first, On: day(at)}); err != nil {
		return err
	}
	if err := cs.keepPlanVersion(at, w, "enrol"); err != nil {
		return err
	}
	cs.write(at, w, "plan.enrol", v.ID)

	d := func(lo, hi int) time.Duration { return time.Duration(lo+r.IntN(hi-lo+1)) * days }
	for range 2 + r.IntN(3) {
		cs.at(cs.after(at, d(0, 10)), cs.addIntervention)
	}
	// Phases: each about as long as the programme allows, now and then
	// renewed; the plan ends after the last.
	t := at
	for i, ph := range v.Phases {
		length := time.Duration(float64(ph.MaxDays)*(0.8+0.35*r.Float64())) * days
		if ph.Renewals > 0 && r.IntN(10) < 3 {
			cs.at(cs.after(t, time.Duration(ph.MaxDays-3)*days), func(at time.Time) error { return cs.changePhase(at, "renew") })
			length += time.Duration(ph.MaxDays/2) * days
		}
		t = cs.after(t, length)
		if i < len(v.Phases)-1 {
			cs.at(t, func(at time.Time) error { return cs.changePhase(at, "advance") })
		} else {
			cs.at(t, cs.endPlan)
		}
	}
	for review := cs.after(at, d(45, 75)); review.Before(t); review = cs.after(review, d(50, 90)) {
		cs.at(review, cs.review)
	}
	return nil
}

// planEvent records a change of phase.
func (cs *caseSeed) planEvent(at time.Time, w *seedWorker, e *fristad.PhaseEvent) error {
	id := auth.NewID()
	var reason []byte
	if e.Reason != "" {
		var err error
		if reason, err = cs.dk.Seal([]byte(e.Reason), "plan_events", "reason_ct", id); err != nil {
			return err
		}
	}
	cs.b.add("plan_events", id, cs.plan.ID, e.Kind, e.Phase, e.On, reason, w.id, at)
	e.CreatedBy, e.CreatedAt = w.id, at
	cs.plan.Events = append(cs.plan.Events, e)
	return nil
}

// keepPlanVersion keeps the plan as it now stands as its next version, as
// keepPlanVersion does: whole, with its interventions, events and
// reviews as loadPlan reads them.
func (cs *caseSeed) keepPlanVersion(at time.Time, w *seedWorker, change string) error {
	p := cs.plan
	p.Version++
	kept := p.Plan
	kept.Programme = nil
	kept.Interventions = nil
	today := day(at)
	for _, in := range p.Interventions {
		c := *in
		c.ProviderFlag = c.ProviderID != "" && !cs.s.provider(c.ProviderID).CertifiedOn(today)
		kept.Interventions = append(kept.Interventions, &c)
	}
	slices.SortStableFunc(kept.Interventions, func(a, b *fristad.Intervention) int {
		if c := strings.Compare(a.PlannedStart, b.PlannedStart); c != 0 {
			return c
		}
		return p.inCreated[a.ID].Compare(p.inCreated[b.ID])
	})
	kept.Events = slices.Clone(p.Events)
	kept.Reviews = slices.Clone(p.Reviews)
	ct, err := sealJSON(cs.dk, kept, "plan_versions", p.ID+"/"+itoa(p.Version))
	if err != nil {
		return err
	}
	cs.b.add("plan_versions", p.ID, p.Version, change, ct, w.id, at)
	p.UpdatedAt, p.updated = at, at
	return nil
}

// provider returns a provider of the registry; an unknown one holds no
// certification.
func (s *seeder) provider(id string) *fristad.Provider {
	for i := range s.providers {
		if s.providers[i].org.OrganisationID == id {
			return &s.providers[i].org
		}
	}
	return &fristad.Provider{}
}

// planChange records the audit event of a change of the plan, as onPlan does.
func (cs *caseSeed) planChange(at time.Time, w *seedWorker, change string) error {
	if err := cs.keepPlanVersion(at, w, change); err != nil {
		return err
	}
	cs.write(at, w, "plan."+change, cs.plan.ID)
	return nil
}

// addIntervention adds an intervention to the plan, as SaveIntervention
// does, and later marks it done or cancelled.
func (cs *caseSeed) addIntervention(at time.Time) error {
	p, r, w := cs.plan, cs.r, cs.worker()
	if p == nil || p.Status != "active" {
		return nil
	}
	v := p.programme
	in := &fristad.Intervention{Type: pick(r, v.Types), FundingSource: "programme", Phase: p.Phase,
		PlannedStart: day(at.AddDate(0, 0, r.IntN(14))), Responsible: pick(r, seedResponsible)}
	if r.IntN(4) == 0 {
		in.FundingSource = pick(r, []string{"municipality", "region", "migration_agency"})
	}
	if r.IntN(6) == 0 {
		in.Phase = fristad.PhaseOneOff
	}
	for _, pr := range cs.s.providers {
		if slices.Contains(pr.services, in.Type) && r.IntN(3) > 0 {
			in.ProviderID = pr.org.OrganisationID
			break
		}
	}
	length := 14 + r.IntN(120)
	start, _ := time.Parse(time.DateOnly, in.PlannedStart)
	in.PlannedEnd = day(start.AddDate(0, 0, length))
	cost := int64(1000 * (2 + r.IntN(60)))
	in.CostCommitted = cost
	if !start.After(at) {
		in.Status, in.ActualStart = fristad.InterventionStarted, in.PlannedStart
	}
	if err := in.Validate(v); err != nil {
		return err
	}
	in.ID, in.UpdatedAt = auth.NewID(), at
	p.inCreated[in.ID], p.inBy[in.ID] = at, w.id
	p.Interventions = append(p.Interventions, in)
	if err := cs.planChange(at, w, "intervention"); err != nil {
		return err
	}
	// Most are done about when planned; some are cancelled early.
	end, cancel := cs.after(start, time.Duration(length+r.IntN(10)-3)*days), r.IntN(10) == 0
	if cancel {
		end = cs.after(at, time.Duration(1+r.IntN(20))*days)
	}
	cs.at(end, func(at time.Time) error {
		if p.Status != "active" {
			return nil
		}
		in.UpdatedAt = at
		if cancel {
			in.Status, in.CancelReason = fristad.InterventionCancelled, pick(r, seedCancelReasons)
		} else {
			in.Status, in.ActualStart, in.ActualEnd = fristad.InterventionDone, in.PlannedStart, day(at)
			in.CostSpent, in.Outcome = in.CostCommitted-int64(r.IntN(3))*500, "Genomfört enligt plan."
		}
		if err := in.Validate(v); err != nil {
			return err
		}
		return cs.planChange(at, cs.worker(), "intervention")
	})
	return nil
}

// changePhase renews the phase or moves to the next, as ChangePhase does.
func (cs *caseSeed) changePhase(at time.Time, kind string) error {
	p, w := cs.plan, cs.worker()
	if p == nil || p.Status != "active" {
		return nil
	}
	ch := &fristad.PhaseChange{Kind: kind, On: day(at)}
	p.Programme = p.programme
	if kind == "renew" || p.Clock(ch.On).Overrun {
		ch.Reason = cs.fill(pick(cs.r, seedPhaseReasons))
	}
	next, err := p.CheckPhaseChange(ch)
	p.Programme = nil
	if err != nil {
		return nil // the plan is not where this change expects it: no change
	}
	if kind == "renew" {
		p.Renewals++
		if err := cs.planEvent(at, w, &fristad.PhaseEvent{Kind: "renew", Phase: p.Phase, On: ch.On, Reason: ch.Reason}); err != nil {
			return err
		}
	} else {
		p.Phase, p.PhaseStartedOn, p.Renewals = next.Code, ch.On, 0
		if err := cs.planEvent(at, w, &fristad.PhaseEvent{Kind: "advance", Phase: next.Code, On: ch.On, Reason: ch.Reason}); err != nil {
			return err
		}
	}
	return cs.planChange(at, w, "phase")
}

// review records a review of the plan, as AddReview does.
func (cs *caseSeed) review(at time.Time) error {
	p, r, w := cs.plan, cs.r, cs.worker()
	if p == nil || p.Status != "active" {
		return nil
	}
	rv := &fristad.Review{HeldOn: day(at), Attainment: map[string]string{}, Notes: cs.fill(pick(r, seedReviewNotes)),
		NextReviewOn: day(at.AddDate(0, 0, 60+r.IntN(30)))}
	for _, g := range p.Goals {
		rv.Attainment[g.ID] = fristad.GoalAttainments[weighted(r, 10, 45, 25, 15, 5)]
	}
	if r.IntN(3) == 0 {
		rv.Outcomes = []string{pick(r, fristad.Outcomes)}
	}
	if err := rv.Validate(p.Goals); err != nil {
		return err
	}
	rv.ID, rv.CreatedBy, rv.CreatedAt = auth.NewID(), w.id, at
	ct, err := sealJSON(cs.dk, reviewData{rv.Attainment, rv.Notes}, "plan_reviews", rv.ID)
	if err != nil {
		return err
	}
	cs.b.add("plan_reviews", rv.ID, p.ID, rv.HeldOn, strings.Join(rv.Outcomes, ","), rv.NextReviewOn, ct, w.id, at)
	p.NextReviewOn = rv.NextReviewOn
	p.Reviews = append([]*fristad.Review{rv}, p.Reviews...)
	cs.closeRuleTasks(at, fristad.RuleTasksClosed(fristad.RulePlanReviewed), w.id)
	change := fristad.RuleChange{Event: fristad.RulePlanReviewed, Organisation: cs.c.LeadOrganisation, NextOn: rv.NextReviewOn}
	cs.ruleTasks(at, fristad.RuleTasks(change, at))
	return cs.planChange(at, w, "review")
}

// endPlan ends the plan with her outcomes, as EndPlan does.
func (cs *caseSeed) endPlan(at time.Time) error {
	p, r, w := cs.plan, cs.r, cs.worker()
	if p == nil || p.Status != "active" {
		return nil
	}
	e := &fristad.PlanEnd{On: day(at), Reason: fristad.ExitReasons[weighted(r, 50, 12, 10, 8, 8, 8, 4)], Notes: cs.fill(pick(r, seedEndNotes))}
	if r.IntN(2) == 0 {
		e.Outcomes = []string{pick(r, fristad.Outcomes)}
	}
	if err := e.Validate(); err != nil {
		return err
	}
	p.Status, p.EndedOn, p.ExitReason, p.ExitOutcomes, p.NextReviewOn = "ended", e.On, e.Reason, e.Outcomes, ""
	cs.closeRuleTasks(at, fristad.RuleTasksClosed(fristad.RulePlanEnded), w.id)
	if err := cs.planEvent(at, w, &fristad.PhaseEvent{Kind: "end", Phase: p.Phase, On: e.On, Reason: e.Notes}); err != nil {
		return err
	}
	return cs.planChange(at, w, "end")
}

// seedViews are what a case worker's look at a case reads, each as the
// audit events of one request: the case page, a tab, the timeline.
var seedViews = [][]string{
	{"case.read"},
	{"case.read", "note.list"},
	{"case.read", "task.list"},
	{"case.read", "document.list"},
	{"case.read", "plan.read"},
	{"case.read", "assessment.read", "safety_plan.read"},
	{"case.read", "events.list"},
	{"case.read", "assessment.read", "safety_plan.read", "residence.list", "events.list", "merges.list", "note.list",
		"document.list", "consent.list", "disclosure.list", "task.list"},
}

var seedViewWeights = []int{25, 20, 12, 6, 8, 8, 4, 17}

// reads fills the audit trail of the case with reads, up to between 60
// and 140 events (100 on average), the most of them soon after it opened:
// views of the case by its team's workers, and case lists.
func (cs *caseSeed) reads() {
	r := cs.r
	target := 60 + r.IntN(81)
	n := cs.writes
	span := cs.readUntil.Sub(cs.opened)
	if span <= 0 {
		return
	}
	// Case lists, which name no case, are counted with the cases.
	for range 3 {
		at := cs.pastWorkTime(cs.opened.Add(time.Duration(float64(span) * r.Float64())))
		w := cs.org.workers[r.IntN(len(cs.org.workers))]
		cs.b.event(&seedEvent{at: at, actor: w.actor, action: "case.list", objectType: "case", purpose: "200", request: seedRequestID(r)})
		n++
	}
	for n < target {
		at := cs.pastWorkTime(cs.opened.Add(time.Duration(float64(span) * r.Float64() * r.Float64())))
		if at.Before(cs.opened) {
			at = cs.opened.Add(time.Minute)
		}
		w, request := cs.worker(), seedRequestID(r)
		for _, action := range seedViews[weighted(r, seedViewWeights...)] {
			purpose := "lead"
			switch action {
			case "assessment.read":
				purpose = ""
			case "safety_plan.read":
				purpose = ""
				for i, t := range cs.safety {
					if !t.After(at) {
						purpose = itoa(i + 1)
					}
				}
			case "plan.read":
				purpose = ""
				if cs.plan != nil && !cs.plan.created.After(at) {
					purpose = cs.plan.ID
				}
			}
			cs.event(at, w, request, action, cs.c.ID, purpose)
			n++
		}
	}
}

// finish adds the rows that changed until the end: the case, its tasks,
// its plan and the plan's interventions.
func (cs *caseSeed) finish() error {
	c, b := cs.c, cs.b
	b.add("cases", c.ID, c.Reference, cs.p.ID, cs.p.ID, c.LeadOrganisation, c.Status, c.Step, c.Pathway,
		strings.Join(c.ExploitationTypes, ","), c.RiskLevel, cs.version, cs.owner.id, c.CreatedAt, cs.updated)
	for _, t := range cs.tasks {
		var done any
		if t.done != nil {
			done = *t.done
		}
		b.add("tasks", t.id, c.ID, t.kind, t.title, t.dueOn, c.LeadOrganisation, t.assignee, t.createdBy, t.created, done, t.doneBy)
	}
	p := cs.plan
	if p == nil {
		return nil
	}
	ct, err := sealJSON(cs.dk, planData{p.Goals, p.Contact}, "plans", p.ID)
	if err != nil {
		return err
	}
	b.add("plans", p.ID, c.ID, p.VersionID, p.EnrolledOn, p.Status, p.Phase, p.PhaseStartedOn, p.Renewals, p.NextReviewOn,
		p.EndedOn, p.ExitReason, strings.Join(p.ExitOutcomes, ","), p.Version, ct, p.createdBy, p.created, p.updated)
	for _, in := range p.Interventions {
		ct, err := sealJSON(cs.dk, interventionData{in.CancelReason, in.Outcome, in.Responsible}, "plan_interventions", in.ID)
		if err != nil {
			return err
		}
		var provider any
		if in.ProviderID != "" {
			provider = in.ProviderID
		}
		b.add("plan_interventions", in.ID, p.ID, p.VersionID, in.Type, in.Domain, provider, in.FundingSource, in.Phase, in.Status,
			in.PlannedStart, in.PlannedEnd, in.ActualStart, in.ActualEnd, in.CostCommitted, in.CostSpent, ct,
			p.inBy[in.ID], p.inCreated[in.ID], in.UpdatedAt)
	}
	return nil
}
