module github.com/wirefast/websocket/e2e

go 1.26.0

replace (
	github.com/wirefast/websocket => ..
	github.com/wirefast/websocket/cmd/wsdemo => ../cmd/wsdemo
)

require github.com/chromedp/chromedp v0.23.0

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/redis/go-redis/v9 v9.23.0 // indirect
	github.com/wirefast/websocket v0.0.0-00010101000000-000000000000 // indirect
	github.com/wirefast/websocket/cmd/wsdemo v0.0.0-00010101000000-000000000000 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)

tool github.com/wirefast/websocket/cmd/wsdemo
