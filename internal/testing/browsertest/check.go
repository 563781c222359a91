package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// wcagTags are the axe-core rule tags that Check runs: WCAG 2.0 and 2.1,
// levels A and AA.
var wcagTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// vnuTimeout bounds one run of the Nu HTML Checker, JVM start included.
const vnuTimeout = 2 * time.Minute

// Check checks the current page.
//
// It runs axe-core in the page with the rules tagged wcag2a, wcag2aa,
// wcag21a and wcag21aa, and reports all violations at once with Errorf: rule,
// impact, help and the selectors of the offending elements. Frames are not
// entered. The script goes in through the DevTools protocol
// (Runtime.evaluate), which the page's Content-Security-Policy does not
// govern, so pages keep their strict CSP and need no test-only exception.
//
// It also takes the body of the server's response for the current document
// from Chromium's network log, not from the live DOM, so it is the HTML the
// server sent, also when the page is the answer to a form POST. It queues
// the body for the Nu HTML Checker, which runs once, when the test ends,
// over all queued pages, and reports each error with Errorf, naming the page
// URL, the line and the message. Checking the same document twice queues it
// once.
func (b *Browser) Check() {
	b.t.Helper()
	b.capturePage()
	b.runAxe()
}

// Pages returns the URLs of the pages that Check has queued for the Nu HTML
// Checker, in order.
func (b *Browser) Pages() []string {
	urls := make([]string, len(b.pages))
	for i, p := range b.pages {
		urls[i] = p.url
	}
	return urls
}

// capturePage fetches the body of the current main document from Chromium's
// network cache and writes it to a file for vnu.
func (b *Browser) capturePage() {
	b.t.Helper()
	tree, err := runAction(b, func(ctx context.Context, t *chromedp.Target) (page.GetFrameTreeResult, error) {
		return cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
	})
	if err != nil {
		b.fatalf("check: frame tree: %v", err)
		return
	}
	frame := tree.FrameTree.Frame
	b.mu.Lock()
	doc, ok := b.docs[frame.LoaderID]
	b.mu.Unlock()
	if !ok {
		b.fatalf("check: no network response recorded for the current document %s; was it loaded over HTTP by this browser?", frame.URL)
		return
	}
	body, err := runAction(b, func(ctx context.Context, t *chromedp.Target) (network.GetResponseBodyResult, error) {
		return cdp.Call(ctx, t, network.GetResponseBody, network.GetResponseBodyParams{RequestID: doc.requestID})
	})
	if err != nil {
		b.fatalf("check: body of %s: %v", doc.url, err)
		return
	}
	for _, p := range b.pages {
		if p.requestID == doc.requestID {
			return // this document is queued already
		}
	}
	file := filepath.Join(b.pageDir, fmt.Sprintf("page-%03d.html", len(b.pages)+1))
	if err := os.WriteFile(file, body.Body, 0o644); err != nil {
		b.fatalf("check: %v", err)
		return
	}
	b.pages = append(b.pages, checkedPage{url: doc.url, file: file, requestID: doc.requestID})
}

// axeViolation is the part of an axe-core result that the report shows.
type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

type axeNode struct {
	Target  []string `json:"target"`
	HTML    string   `json:"html"`
	Summary string   `json:"summary"`
}

// axeRunJS runs axe-core and keeps only what the report needs, so that the
// result stays small. %s is the JSON list of tags.
const axeRunJS = `axe.run(document, {
	runOnly: {type: "tag", values: %s},
	resultTypes: ["violations"],
	iframes: false,
}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => ({
		target: n.target.map(t => Array.isArray(t) ? t.join(" >>> ") : String(t)),
		html: n.html,
		summary: n.failureSummary || "",
	})),
})))`

// runAxe injects axe-core into the current document when it is not there
// yet, runs it, and reports the violations.
func (b *Browser) runAxe() {
	b.t.Helper()
	loaded, err := runAction(b, chromedp.Evaluate[bool](`typeof window.axe === "object" && typeof window.axe.run === "function"`))
	if err != nil {
		b.fatalf("check: %v", err)
		return
	}
	if !loaded {
		if _, err := runAction(b, chromedp.Evaluate[chromedp.Void](b.axeSource)); err != nil {
			b.fatalf("check: inject axe-core: %v", err)
			return
		}
	}
	tags, _ := json.Marshal(wcagTags)
	violations, err := runAction(b, chromedp.Evaluate[[]axeViolation](fmt.Sprintf(axeRunJS, tags), chromedp.EvalAwaitPromise))
	if err != nil {
		b.fatalf("check: run axe-core: %v", err)
		return
	}
	if len(violations) > 0 {
		b.errorf("%s", formatViolations(b.currentURL(), violations))
	}
}

// formatViolations renders axe-core violations as a readable report.
func formatViolations(pageURL string, vs []axeViolation) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "axe-core found %d accessibility violation(s) on %s:", len(vs), pageURL)
	for _, v := range vs {
		fmt.Fprintf(&sb, "\n  [%s] %s: %s (%s)", v.Impact, v.ID, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&sb, "\n      at %s: %s", strings.Join(n.Target, ", "), n.HTML)
			if n.Summary != "" {
				fmt.Fprintf(&sb, "\n        %s", strings.ReplaceAll(n.Summary, "\n", "\n        "))
			}
		}
	}
	return sb.String()
}

// vnuMessage is one message of the Nu HTML Checker's JSON output.
type vnuMessage struct {
	Type      string `json:"type"`
	SubType   string `json:"subType"`
	URL       string `json:"url"`
	FirstLine int    `json:"firstLine"`
	LastLine  int    `json:"lastLine"`
	FirstCol  int    `json:"firstColumn"`
	LastCol   int    `json:"lastColumn"`
	Message   string `json:"message"`
	Extract   string `json:"extract"`
}

// validateQueued runs the Nu HTML Checker over the pages that Check queued
// and reports its errors.
func (b *Browser) validateQueued() {
	b.t.Helper()
	if len(b.pages) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), vnuTimeout)
	defer cancel()
	msgs, err := runVNU(ctx, b.tools.Java, b.tools.VNUJar, b.pages)
	if err != nil {
		b.t.Errorf("browsertest: Nu HTML Checker did not run: %v", err)
		return
	}
	byFile := make(map[string]string, len(b.pages))
	for _, p := range b.pages {
		byFile[filepath.Base(p.file)] = p.url
	}
	var problems []string
	for _, m := range msgs {
		if m.Type != "error" && m.Type != "non-document-error" {
			continue
		}
		pageURL := m.URL
		if u, err := url.Parse(m.URL); err == nil {
			if pu, ok := byFile[path.Base(u.Path)]; ok {
				pageURL = pu
			}
		}
		line := m.LastLine
		if m.FirstLine != 0 {
			line = m.FirstLine
		}
		s := fmt.Sprintf("%s:%d:%d: %s", pageURL, line, m.FirstCol, m.Message)
		if m.Extract != "" {
			s += fmt.Sprintf("\n      near: %q", m.Extract)
		}
		problems = append(problems, s)
	}
	if len(problems) > 0 {
		b.t.Errorf("browsertest: Nu HTML Checker found %d error(s):\n  %s", len(problems), strings.Join(problems, "\n  "))
		return
	}
	b.t.Logf("browsertest: Nu HTML Checker found no errors in %d page(s)", len(b.pages))
}

// runVNU runs vnu.jar once over the files of pages and returns its
// messages. Any failure to run or to understand the checker is an error.
func runVNU(ctx context.Context, java, jar string, pages []checkedPage) ([]vnuMessage, error) {
	args := []string{"-jar", jar, "--format", "json", "--stdout", "--errors-only"}
	for _, p := range pages {
		if !isFile(p.file) {
			// vnu skips a missing file without a word.
			return nil, fmt.Errorf("captured page %s is missing", p.file)
		}
		args = append(args, p.file)
	}
	cmd := exec.CommandContext(ctx, java, args...)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	what := "java -jar " + jar
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%s: %w", what, ctx.Err())
	}
	detail := func() string {
		if d := strings.TrimSpace(stderr.String() + "\n" + stdout.String()); d != "" {
			return ": " + d
		}
		return ""
	}
	var out struct {
		Messages *[]vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || out.Messages == nil {
		if runErr != nil {
			return nil, fmt.Errorf("%s: %w%s", what, runErr, detail())
		}
		return nil, fmt.Errorf("%s: unreadable output%s", what, detail())
	}
	// vnu exits 1 when it found errors; any other failure leaves no messages.
	var exitErr *exec.ExitError
	if runErr != nil && (!errors.As(runErr, &exitErr) || len(*out.Messages) == 0) {
		return nil, fmt.Errorf("%s: %w%s", what, runErr, detail())
	}
	return *out.Messages, nil
}
