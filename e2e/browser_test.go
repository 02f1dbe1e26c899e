package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// testTimeout bounds each test's browser work.
const testTimeout = 60 * time.Second

// newBrowser starts a headless Chromium of the test's own, with a fresh
// profile, and returns its context; extra are more command-line flags.
// The flags keep Chromium off the network: without
// --disable-background-networking and its kin it keeps trying to reach
// Google's servers, which this machine's closed network refuses.
func newBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	requireSetup(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], // headless and quiet
		chromedp.ExecPath(chromiumBin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // the tests may run as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(900, 640),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), testTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, append(opts, extra...)...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", chromiumBin, err)
	}
	return browser
}

// tab is one browser tab.
type tab struct {
	t     *testing.T
	name  string
	ctx   context.Context
	close context.CancelFunc
}

// newTab opens a tab in browser at url.
func newTab(t *testing.T, browser context.Context, name, url string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	tb := &tab{t: t, name: name, ctx: ctx, close: cancel}
	t.Cleanup(cancel)
	tb.run(chromedp.Navigate(url))
	return tb
}

// run runs actions in the tab, failing the test on error.
func (tb *tab) run(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("tab %s: %v", tb.name, err)
	}
}

// waitText waits until the element with id shows text, exactly.
func (tb *tab) waitText(id, text string) {
	tb.t.Helper()
	tb.waitJS(fmt.Sprintf("document.getElementById(%q).textContent === %q", id, text),
		fmt.Sprintf("#%s to show %q", id, text))
}

// waitJS waits until the JavaScript expression cond is true.
func (tb *tab) waitJS(cond, what string) {
	tb.t.Helper()
	_, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](cond,
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(0)))
	if err != nil {
		tb.t.Fatalf("tab %s: waiting for %s: %v (page text: %q)", tb.name, what, err, tb.text("body"))
	}
}

// text returns the text of the first element matching the CSS selector,
// or "" if there is none.
func (tb *tab) text(selector string) string {
	s, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](
		fmt.Sprintf("(document.querySelector(%q) || {}).textContent || ''", selector)))
	return s
}

// texts returns the text of every element matching the CSS selector.
func (tb *tab) texts(selector string) []string {
	tb.t.Helper()
	s, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](
		fmt.Sprintf("[...document.querySelectorAll(%q)].map(e => e.textContent)", selector)))
	if err != nil {
		tb.t.Fatalf("tab %s: %v", tb.name, err)
	}
	return s
}

// click clicks the element with the CSS selector.
func click(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(selector))
}
