package e2e

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"flag"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var screenshot = flag.String("screenshot", "", "write a PNG of the counter page with two users online to this `file`")

// TestCounterTwoTabs opens the counter in two tabs: a click in one shows
// in both, and both see two users online, then one when a tab closes.
func TestCounterTwoTabs(t *testing.T) {
	browser := newBrowser(t)
	srv := startWsdemo(t)
	a := newTab(t, browser, "A", srv.url+"counter.html")
	a.waitText("users", "1 user online")
	a.waitText("value", "0")
	b := newTab(t, browser, "B", srv.url+"counter.html")
	for _, tb := range []*tab{a, b} {
		tb.waitText("users", "2 users online")
		tb.waitText("value", "0")
	}

	a.run(click("#plus"))
	for _, tb := range []*tab{a, b} {
		tb.waitText("value", "1")
	}
	b.run(click("#minus"), click("#minus"))
	for _, tb := range []*tab{a, b} {
		tb.waitText("value", "-1")
	}
	for range 3 {
		a.run(click("#plus"))
	}
	for _, tb := range []*tab{a, b} {
		tb.waitText("value", "2")
	}
	if *screenshot != "" {
		png, err := chromedp.Run(a.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*screenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot written to %s", *screenshot)
	}

	b.close()
	a.waitText("users", "1 user online")
	a.waitText("value", "2")
}

// TestChatTwoTabs chats between two tabs in one room, with a third tab in
// another room that must hear nothing of it.
func TestChatTwoTabs(t *testing.T) {
	browser := newBrowser(t)
	srv := startWsdemo(t)
	alice := joinChatTab(t, browser, srv.url, "red", "alice")
	bob := joinChatTab(t, browser, srv.url, "red", "bob")
	carol := joinChatTab(t, browser, srv.url, "blue", "carol")
	alice.waitText("roomname", "red: 2 here")
	if got := alice.texts("#users li"); !slices.Equal(got, []string{"alice", "bob"}) {
		t.Errorf("alice's user list: %q, want alice, bob", got)
	}

	sendChat(alice, "hello bob")
	for _, tb := range []*tab{alice, bob} {
		tb.waitJS(logHas("alice: hello bob"), "alice's message")
	}
	sendChat(carol, "anyone in blue?")
	carol.waitJS(logHas("carol: anyone in blue?"), "carol's own message")
	sendChat(bob, "hi alice")
	for _, tb := range []*tab{alice, bob} {
		tb.waitJS(logHas("bob: hi alice"), "bob's message")
	}
	// By now red's messages came after blue's: had blue's leaked, it
	// would be there.
	for _, tb := range []*tab{alice, bob} {
		if log := tb.text("#log"); strings.Contains(log, "carol") || strings.Contains(log, "blue") {
			t.Errorf("%s's log has blue's traffic: %q", tb.name, log)
		}
	}
	if log := carol.text("#log"); strings.Contains(log, "alice") || strings.Contains(log, "bob") {
		t.Errorf("carol's log has red's traffic: %q", log)
	}

	bob.close()
	alice.waitJS(logHas("bob left"), "bob's leave notice")
	alice.waitText("roomname", "red: 1 here")
}

// joinChatTab opens the chat page in a new tab and joins room as nick.
func joinChatTab(t *testing.T, browser context.Context, base, room, nick string) *tab {
	t.Helper()
	tb := newTab(t, browser, nick, base+"chat.html")
	tb.run(
		chromedp.WaitVisible(chromedp.CSS("#join")),
		chromedp.SetValue(chromedp.CSS("#room"), room),
		chromedp.SetValue(chromedp.CSS("#nick"), nick),
		click("#enter"),
	)
	tb.waitText("status", "in room "+room+" as "+nick)
	return tb
}

// sendChat types text into the chat tab's box and sends it.
func sendChat(tb *tab, text string) {
	tb.t.Helper()
	tb.run(
		chromedp.SendKeys(chromedp.CSS("#text"), text),
		click("#send"),
	)
}

// logHas is the JavaScript condition "the chat log has a line ending in
// suffix".
func logHas(suffix string) string {
	return "[...document.querySelectorAll('#log li')].some(li => li.textContent.endsWith(" + jsString(suffix) + "))"
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// isoTime matches the server's timestamps.
var isoTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// TestTimePage checks that the time page lists the timestamps the server
// pushes.
func TestTimePage(t *testing.T) {
	browser := newBrowser(t)
	srv := startWsdemo(t, "-time-max-delay", "300ms")
	tb := newTab(t, browser, "time", srv.url+"time.html")
	tb.waitJS(`document.querySelectorAll("#times li").length >= 2`, "two timestamps")
	times := tb.texts("#times li")
	for _, ts := range times {
		if !isoTime.MatchString(ts) {
			t.Errorf("timestamp %q is not ISO 8601 UTC with milliseconds and a Z", ts)
		}
	}
	if !slices.IsSorted(times) {
		t.Errorf("timestamps out of order: %q", times)
	}
}

// TestEchoOverWSS loads the echo page over https:// from a -tls wsdemo
// with its generated self-signed certificate, which the browser trusts
// by the hash of its public key, and echoes over wss://, compressed.
func TestEchoOverWSS(t *testing.T) {
	requireSetup(t)
	srv := startWsdemo(t, "-tls", "-cert-out", t.TempDir()+"/cert.pem")
	if !strings.HasPrefix(srv.url, "https://") || srv.cert == "" {
		t.Fatalf("wsdemo -tls: url %q, certificate %q", srv.url, srv.cert)
	}
	browser := newBrowser(t, chromedp.Flag("ignore-certificate-errors-spki-list", spkiHash(t, srv.cert)))
	tb := newTab(t, browser, "echo", srv.url+"echo.html")
	wss := "wss://" + strings.TrimPrefix(srv.url, "https://") + "ws/echo"
	tb.waitText("status", "connected to "+wss)
	tb.run(
		chromedp.SendKeys(chromedp.CSS("#text"), "hello over wss"),
		click("#send"),
	)
	tb.waitJS(logHasExactly("← hello over wss"), "the echo")

	// Chromium offers permessage-deflate ("client_max_window_bits" without
	// a value) and wsdemo accepts it by default; a message over the
	// server's 32-byte threshold comes back compressed.
	tb.waitJS("ws.extensions.startsWith('permessage-deflate')", "permessage-deflate negotiated")
	long := strings.Repeat("compressible text, ", 20)
	tb.run(
		chromedp.SendKeys(chromedp.CSS("#text"), long),
		click("#send"),
	)
	tb.waitJS(logHasExactly("← "+long), "the echo of a compressed message")
}

// logHasExactly is the JavaScript condition "the log has this line".
func logHasExactly(line string) string {
	return "[...document.querySelectorAll('#log li')].some(li => li.textContent === " + jsString(line) + ")"
}

// spkiHash returns the base64 SHA-256 of the public key of the PEM
// certificate in file, as Chromium's --ignore-certificate-errors-spki-list
// wants it.
func spkiHash(t *testing.T, file string) string {
	t.Helper()
	pemBytes, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		t.Fatalf("%s: no PEM block", file)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}
