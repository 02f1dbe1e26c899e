package e2e

import "testing"

// TestScaleOut runs two wsdemo processes on two ports sharing one real
// Redis server, with a tab on each: the counter and the chat must stay
// in sync as if there were one server.
func TestScaleOut(t *testing.T) {
	browser := newBrowser(t)
	redisURL := startRedis(t)
	one := startWsdemo(t, "-redis", redisURL)
	two := startWsdemo(t, "-redis", redisURL)
	if one.url == two.url {
		t.Fatalf("both processes on %s", one.url)
	}

	a := newTab(t, browser, "A@one", one.url+"counter.html")
	a.waitText("users", "1 user online")
	b := newTab(t, browser, "B@two", two.url+"counter.html")
	for _, tb := range []*tab{a, b} {
		tb.waitText("users", "2 users online")
		tb.waitText("value", "0")
	}
	b.run(click("#plus"))
	for _, tb := range []*tab{a, b} {
		tb.waitText("value", "1")
	}
	a.run(click("#minus"), click("#minus"))
	for _, tb := range []*tab{a, b} {
		tb.waitText("value", "-1")
	}
	a.close()
	b.waitText("users", "1 user online")

	alice := joinChatTab(t, browser, one.url, "scale", "alice")
	bob := joinChatTab(t, browser, two.url, "scale", "bob")
	for _, tb := range []*tab{alice, bob} {
		tb.waitText("roomname", "scale: 2 here")
	}
	sendChat(alice, "from process one")
	bob.waitJS(logHas("alice: from process one"), "alice's message on process two")
	sendChat(bob, "from process two")
	alice.waitJS(logHas("bob: from process two"), "bob's message on process one")
}
