package fristad

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
)

// A call-back request is the anonymous first contact of IN-08: a visitor
// of the public portal leaves only a safe way and time to be reached —
// no name, no e-mail — and a coordinator calls her back. The portal can
// only hand a request in (CallbackInbox); reading and handling them is
// the coordinators' (CallbackService), through the policy and the audit
// trail.

// Actions on call-back requests.
const (
	ActionCallbackRead   Action = "callback.read"   // list the open requests, open one
	ActionCallbackHandle Action = "callback.handle" // mark one as handled
)

// CallbackChannels are the ways a visitor may ask to be reached; each needs a
// telephone number.
var CallbackChannels = []string{"call", "sms", "whatsapp", "signal"}

// CallbackTimes are the times of day a visitor may say it is safe to call.
var CallbackTimes = []string{"morning", "afternoon", "evening", "weekend"}

// CallbackOutcomes are what came of a call-back, recorded when it is
// handled.
var CallbackOutcomes = []string{"reached", "not_reached", "case_opened", "referred", "withdrawn"}

// CallbackExpired is the outcome of a request nobody handled within
// CallbackRetention: its contact details are erased all the same (DP-12),
// for a number that was safe a month ago may not be safe now.
const CallbackExpired = "expired"

// CallbackRetention is how long an open request keeps its contact
// details.
const CallbackRetention = 30 * 24 * time.Hour

// Counties are Sweden's counties (län) by their ISO 3166-2:SE codes, with
// their names. A visitor may choose one so that her request reaches the
// regional coordinator; the names are proper names and stay in Swedish.
var Counties = []County{
	{"AB", "Stockholms län"}, {"C", "Uppsala län"}, {"D", "Södermanlands län"}, {"E", "Östergötlands län"},
	{"F", "Jönköpings län"}, {"G", "Kronobergs län"}, {"H", "Kalmar län"}, {"I", "Gotlands län"},
	{"K", "Blekinge län"}, {"M", "Skåne län"}, {"N", "Hallands län"}, {"O", "Västra Götalands län"},
	{"S", "Värmlands län"}, {"T", "Örebro län"}, {"U", "Västmanlands län"}, {"W", "Dalarnas län"},
	{"X", "Gävleborgs län"}, {"Y", "Västernorrlands län"}, {"Z", "Jämtlands län"}, {"AC", "Västerbottens län"},
	{"BD", "Norrbottens län"},
}

// County is a Swedish county.
type County struct {
	Code string // ISO 3166-2:SE, without "SE-"
	Name string
}

// CountyOf returns the county code an organisation's free-text region
// names: the code itself ("AB", "SE-AB") or the county's name, with or
// without "län" ("Stockholms län", "Stockholm"), in any case. It returns
// "" for anything else.
func CountyOf(region string) string {
	r := strings.ToLower(strings.TrimSpace(region))
	r = strings.TrimPrefix(r, "se-")
	for _, c := range Counties {
		name := strings.ToLower(c.Name)
		short := strings.TrimSuffix(name, " län")
		if r == strings.ToLower(c.Code) || r == name || r == short || r+"s" == short {
			return c.Code
		}
	}
	return ""
}

// CountyName returns the name of the county with code, or "".
func CountyName(code string) string {
	for _, c := range Counties {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

// Limits on a call-back request.
const (
	MaxCallbackNote = 300 // the free text on safe times, in characters
	minPhoneDigits  = 6
	maxPhoneDigits  = 20
)

// CallbackRequest is a request to be called back. The contact details —
// channel, number, safe times, whether a message may be left and whether
// the caller may say who she is — are sealed under a key of the request's
// own, which is destroyed when the request is handled. What routes and
// plans the call stays in clear: the region, the language and whether an
// interpreter is needed.
type CallbackRequest struct {
	ID string

	// The contact details, sealed.
	Channel      string   // one of CallbackChannels
	Phone        string   // the number to use, as she wrote it
	Times        []string // codes of CallbackTimes
	TimeNote     string   // when it is safe, in her words; at most MaxCallbackNote
	LeaveMessage bool     // a message may be left
	SayWhoCalls  bool     // the caller may say who she is calling from

	Language    string // BCP 47 tag of the language she wants to be spoken to in
	Interpreter bool   // she needs an interpreter
	Region      string // county code, "" when she did not say
	ReceivedAt  time.Time

	// Set when handled; the contact details are erased then.
	HandledAt *time.Time
	HandledBy string
	Outcome   string // one of CallbackOutcomes, or CallbackExpired
	Erased    bool   // the contact details are gone
}

var (
	phoneRE    = regexp.MustCompile(`^\+?[0-9 ()\-]+$`)
	languageRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)
)

// Validate checks a request and normalises it in place. It reports every
// field that is wrong, joined, so a form can say so beside each field.
func (c *CallbackRequest) Validate() error {
	var errs []error
	c.Channel = strings.TrimSpace(c.Channel)
	c.Phone = strings.Join(strings.Fields(c.Phone), " ")
	c.Language = strings.TrimSpace(c.Language)
	c.Region = strings.TrimSpace(c.Region)
	digits := 0
	for _, r := range c.Phone {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if !slices.Contains(CallbackChannels, c.Channel) {
		errs = append(errs, invalid("channel", "callback.channel.required", "choose how to be reached"))
	}
	switch {
	case c.Phone == "":
		errs = append(errs, invalid("phone", "callback.phone.required", "a telephone number is needed"))
	case !phoneRE.MatchString(c.Phone) || digits < minPhoneDigits || digits > maxPhoneDigits:
		errs = append(errs, invalid("phone", "callback.phone.invalid", "the telephone number is not one"))
	}
	times, timesErr := checkCodes("times", "callback.times.invalid", c.Times, CallbackTimes)
	if timesErr != nil {
		errs = append(errs, timesErr)
	} else {
		c.Times = times
	}
	if err := checkText("time_note", "callback.time_note.invalid", &c.TimeNote, MaxCallbackNote); err != nil {
		errs = append(errs, err)
	} else if timesErr == nil && len(c.Times) == 0 && c.TimeNote == "" {
		errs = append(errs, invalid("times", "callback.times.required", "say when it is safe to call"))
	}
	if len(c.Language) > 20 || !languageRE.MatchString(c.Language) {
		errs = append(errs, invalid("language", "callback.language.invalid", "choose a language"))
	}
	if c.Region != "" && CountyName(c.Region) == "" {
		errs = append(errs, invalid("region", "callback.region.invalid", "unknown region"))
	}
	return errors.Join(errs...)
}

// ValidateOutcome checks the outcome of handling a request.
func ValidateOutcome(outcome string) error {
	if !slices.Contains(CallbackOutcomes, outcome) {
		return invalid("outcome", "callback.outcome.invalid", "choose what came of the call")
	}
	return nil
}

// FieldErrors returns each *Error in err (a joined error or one), in
// order, for forms and the API to list beside their fields.
func FieldErrors(err error) []*Error {
	for err != nil {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			var out []*Error
			for _, e := range j.Unwrap() {
				out = append(out, FieldErrors(e)...)
			}
			return out
		}
		if e, ok := err.(*Error); ok {
			return []*Error{e}
		}
		err = errors.Unwrap(err)
	}
	return nil
}

// CallbackInbox is all the public portal may do with call-back requests:
// hand one in. It can read nothing back, so a compromised portal holds
// nothing about anyone who used it.
type CallbackInbox interface {
	// SubmitCallback validates a request, seals its contact details and
	// stores it with its region and the time it arrived. EINVALID for a
	// bad field (all of them, joined). Requests open longer than
	// CallbackRetention are expired first.
	SubmitCallback(ctx context.Context, c *CallbackRequest) error
}

// CallbackAccess is what the policy judges a call-back request by, for an
// actor: the request's region, whether some regional coordinator serves
// it, and the type and county of the actor's own organisation.
type CallbackAccess struct {
	Region    string // the request's county code, "" for none
	Covered   bool   // a regional coordinator organisation serves Region
	OrgType   string // the actor's organisation's type
	OrgCounty string // the county of the actor's organisation's region, or ""
}

// canCallback decides an action on a call-back request (IN-08). Only
// coordinators take them: the regional coordinator of the request's
// county, and the national coordinator for requests with no county or
// one that no regional coordinator serves, so no request is left
// without someone to call back.
func canCallback(actor *Actor, action Action, c *CallbackAccess) bool {
	if action != ActionCallbackRead && action != ActionCallbackHandle {
		return false
	}
	if actor.TokenScope != "" && actor.TokenScope != ScopeWrite && !readActions[action] {
		return false
	}
	if !actor.Has(RoleCoordinator) {
		return false
	}
	switch c.OrgType {
	case "regional_coordinator":
		return c.Region != "" && c.Region == c.OrgCounty
	case "national_coordinator":
		return c.Region == "" || !c.Covered
	}
	return false
}

// CallbackService is the coordinators' call-back inbox. Each method
// decides through the policy which requests the actor may take, and every
// read and write is audited, except counting.
type CallbackService interface {
	// CountCallbacks returns how many open requests the actor may take,
	// for a start page. It reads no request's details and is not
	// audited: a count on every visit would bury the trail.
	CountCallbacks(ctx context.Context) (int, error)
	// FindCallbacks returns the open requests the actor may take, oldest
	// first, without their contact details. Requests open longer than
	// CallbackRetention are expired first.
	FindCallbacks(ctx context.Context) ([]*CallbackRequest, error)
	// FindCallbackByID returns one request with its contact details while
	// it is open; ENOTFOUND for one the actor may not take.
	FindCallbackByID(ctx context.Context, id string) (*CallbackRequest, error)
	// HandleCallback marks an open request as handled with its outcome
	// and erases its contact details at once. ECONFLICT when it was
	// handled already.
	HandleCallback(ctx context.Context, id, outcome string) error
}
