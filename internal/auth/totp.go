package auth

import (
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings: SHA-1, six digits, 30-second steps — what every
// authenticator app supports. One step of clock skew is accepted.
const (
	totpPeriod = 30
	totpSkew   = 1
)

// TOTPStep is the time step of the codes. A code is accepted once per
// account and step, so a second sign-in needs the next step's code; tests
// move their clock by TOTPStep instead of waiting for it.
const TOTPStep = totpPeriod * time.Second

// NewTOTP returns a new secret (base32) and its otpauth:// URI for an
// authenticator app, labelled with the issuer and the account.
func NewTOTP(issuer, account string) (secret, uri string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// VerifyTOTP checks code against secret at time now and returns the time
// step it matched. A code is accepted only for a step later than
// lastStep, so a code seen over a shoulder cannot be used again. now is
// the caller's clock (sqlstore passes its transaction's time, from
// DB.Now), never read here, so a test can set it.
func VerifyTOTP(secret, code string, now time.Time, lastStep int64) (step int64, ok bool) {
	if len(code) != 6 {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		s := current + d
		if s <= lastStep {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && Equal(want, code) {
			return s, true
		}
	}
	return 0, false
}

// TOTPCode returns the code for secret at t, for tests and the demo.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}
