package browsertest

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// keyRunes maps DOM key names, such as "Tab" or "ArrowDown", to the runes
// that chromedp's kb package uses for them.
var keyRunes = sync.OnceValue(func() map[string]rune {
	m := map[string]rune{"Space": ' '}
	for r, k := range kb.Keys {
		if _, ok := m[k.Key]; !ok && utf8.RuneCountInString(k.Key) > 1 {
			m[k.Key] = r
		}
	}
	// Enter and Tab have two runes each in kb.Keys; pick the canonical ones.
	m["Enter"] = '\r'
	m["Tab"] = '\t'
	return m
})

var modifiers = map[string]chromedp.Modifier{
	"Shift":   chromedp.ModifierShift,
	"Control": chromedp.ModifierCtrl,
	"Ctrl":    chromedp.ModifierCtrl,
	"Alt":     chromedp.ModifierAlt,
	"Meta":    chromedp.ModifierMeta,
}

// keyAction parses a key such as "Tab", "Shift+Tab" or "a" into an action
// that presses and releases it.
func keyAction(key string) (chromedp.Action[chromedp.Void], error) {
	parts := strings.Split(key, "+")
	name := parts[len(parts)-1]
	if name == "" && len(parts) > 1 { // "Control++"
		name = "+"
		parts = parts[:len(parts)-1]
	}
	var mods []chromedp.Modifier
	for _, p := range parts[:len(parts)-1] {
		m, ok := modifiers[p]
		if !ok {
			return nil, fmt.Errorf("unknown modifier %q (want Shift, Control, Alt or Meta)", p)
		}
		mods = append(mods, m)
	}
	var r rune
	switch {
	case utf8.RuneCountInString(name) == 1:
		r, _ = utf8.DecodeRuneInString(name)
	default:
		var ok bool
		if r, ok = keyRunes()[name]; !ok {
			return nil, fmt.Errorf("unknown key %q (want a DOM key name such as Tab, Enter, Escape, Space, ArrowDown)", name)
		}
	}
	return chromedp.KeyEvent(string(r), chromedp.KeyModifiers(mods...)), nil
}
