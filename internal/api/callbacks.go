package api

import (
	"net/http"
	"time"

	"fristad"
)

// CallbackJSON is a call-back request from the portal (IN-08). The list
// carries only what plans the call; one request, opened, carries its
// contact details until it is handled and they are erased.
type CallbackJSON struct {
	ID            string     `json:"id"`
	Region        string     `json:"region"`
	Language      string     `json:"language"`
	Interpreter   bool       `json:"interpreter"`
	ReceivedAt    time.Time  `json:"received_at"`
	Contact       *Contact   `json:"contact,omitempty"`
	HandledAt     *time.Time `json:"handled_at,omitempty"`
	HandledBy     string     `json:"handled_by,omitempty"`
	Outcome       string     `json:"outcome,omitempty"`
	ContactErased bool       `json:"contact_erased"`
}

// Contact is how and when she may be reached.
type Contact struct {
	Channel      string   `json:"channel"`
	Phone        string   `json:"phone"`
	Times        []string `json:"times"`
	TimeNote     string   `json:"time_note"`
	LeaveMessage bool     `json:"leave_message"`
	SayWhoCalls  bool     `json:"say_who_calls"`
}

func callbackJSON(c *fristad.CallbackRequest, withContact bool) CallbackJSON {
	out := CallbackJSON{ID: c.ID, Region: c.Region, Language: c.Language, Interpreter: c.Interpreter, ReceivedAt: c.ReceivedAt,
		HandledAt: c.HandledAt, HandledBy: c.HandledBy, Outcome: c.Outcome, ContactErased: c.Erased}
	if withContact && !c.Erased {
		out.Contact = &Contact{c.Channel, c.Phone, nonNil(c.Times), c.TimeNote, c.LeaveMessage, c.SayWhoCalls}
	}
	return out
}

func (h *Handler) handleCallbacks(w http.ResponseWriter, r *http.Request) error {
	list, err := h.cfg.Callbacks.FindCallbacks(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Callbacks []CallbackJSON `json:"callbacks"`
	}{Callbacks: []CallbackJSON{}}
	for _, c := range list {
		out.Callbacks = append(out.Callbacks, callbackJSON(c, false))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) handleCallback(w http.ResponseWriter, r *http.Request) error {
	c, err := h.cfg.Callbacks.FindCallbackByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, callbackJSON(c, true))
	return nil
}

// handleHandleCallback marks a request handled with its outcome; the
// answer is the request as it now stands, its contact details erased.
func (h *Handler) handleHandleCallback(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Outcome string `json:"outcome"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := h.cfg.Callbacks.HandleCallback(r.Context(), r.PathValue("id"), body.Outcome); err != nil {
		return err
	}
	return h.handleCallback(w, r)
}
