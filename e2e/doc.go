// Package e2e holds the end-to-end tests of cmd/wsdemo: real wsdemo
// processes, a real Redis server and headless Chromium driven by
// chromedp.
package e2e
