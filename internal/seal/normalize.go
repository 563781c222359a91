package seal

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// ErrNotPersonnummer is returned (wrapped) by NormalizePersonnummer for input
// that is not a well-formed Swedish personnummer or samordningsnummer. The
// messages never contain the input.
var ErrNotPersonnummer = errors.New("seal: not a valid personnummer or samordningsnummer")

// NormalizePersonnummer normalises a Swedish personnummer or
// samordningsnummer to its 12-digit form YYYYMMDDNNNC for blind indexing.
//
// Rules (deliberately simple):
//   - Whitespace and hyphens (ASCII '-' and the Unicode hyphen, non-breaking
//     hyphen, en dash and minus sign) are removed, as is '+'.
//   - What remains must be 10 or 12 ASCII digits.
//   - The month must be 01..12 and the day 01..31, or 61..91 for a
//     samordningsnummer (day + 60; kept as is in the output). Days are not
//     checked against the month's length.
//   - The last digit must be the Luhn check digit of the last 10 digits.
//   - For 10 digits the century is inferred from now: the person is taken
//     to be under 100, i.e. born on the latest date not after now with
//     those YYMMDD; a '+' anywhere in the input means 100 or older, i.e.
//     100 years earlier. For 12 digits the century is explicit and a '+'
//     is ignored.
//
// now should be the current date (pass a fixed clock in tests). Errors wrap
// ErrNotPersonnummer and never include the input.
func NormalizePersonnummer(s string, now time.Time) (string, error) {
	var d []byte
	plus := false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if len(d) == 12 {
				return "", fmt.Errorf("%w: more than 12 digits", ErrNotPersonnummer)
			}
			d = append(d, byte(r))
		case r == '+':
			plus = true
		case r == '-', r == '\u2010', r == '\u2011', r == '\u2013', r == '\u2212', unicode.IsSpace(r):
		default:
			return "", fmt.Errorf("%w: unexpected character (only digits, spaces, '-' and '+' are allowed)", ErrNotPersonnummer)
		}
	}
	if len(d) != 10 && len(d) != 12 {
		return "", fmt.Errorf("%w: want 10 or 12 digits, got %d", ErrNotPersonnummer, len(d))
	}
	short := d[len(d)-10:]
	month := num2(short[2:4])
	day := num2(short[4:6])
	if month < 1 || month > 12 {
		return "", fmt.Errorf("%w: month out of range", ErrNotPersonnummer)
	}
	birthDay := day
	if day > 60 {
		birthDay = day - 60
	}
	if birthDay < 1 || birthDay > 31 {
		return "", fmt.Errorf("%w: day out of range", ErrNotPersonnummer)
	}
	if !luhnValid(short) {
		return "", fmt.Errorf("%w: check digit does not match", ErrNotPersonnummer)
	}
	if len(d) == 12 {
		return string(d), nil
	}
	ny, nm, nd := now.Date()
	year := ny - ny%100 + num2(short[0:2])
	if year > ny || year == ny && (month > int(nm) || month == int(nm) && birthDay > nd) {
		year -= 100
	}
	if plus {
		year -= 100
	}
	return fmt.Sprintf("%04d", year) + string(short[2:]), nil
}

func num2(b []byte) int { return int(b[0]-'0')*10 + int(b[1]-'0') }

// luhnValid reports whether the 10 digits in d end with their Luhn check
// digit (weights 2,1,2,1,... from the left).
func luhnValid(d []byte) bool {
	sum := 0
	for i, c := range d {
		v := int(c - '0')
		if i%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// NormalizeName normalises a personal name for exact-match comparison or a
// blind index: it trims, collapses every run of Unicode whitespace to one
// ASCII space and lowercases with strings.ToLower.
//
// Limitations (no golang.org/x/text here): there is no Unicode normalisation,
// so a precomposed "é" (NFC) and "e"+combining accent (NFD) give different
// results; lowercasing is not full case folding ("ß" vs "SS", Turkish dotted
// and dotless i); diacritics and punctuation are kept ("Åsa" ≠ "Asa",
// "Anna-Lena" ≠ "Anna Lena"). The design (§c.2) prefers decrypting and
// filtering names inside the caller's scope over blind-indexing them.
func NormalizeName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
