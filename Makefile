# wirefast: `make test` is what CI runs (.ci/run); README.md documents it.

GO        ?= go
FUZZTIME  ?= 60s
SHORTFUZZ ?= 5s
COUNT     ?= 6
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2

# The library and its tests are the root module; bench/, cmd/wsdemo and
# e2e are modules of their own (go.work ties them together) so that a user
# of the library downloads none of their dependencies. `./...` stops at a
# nested module, hence ALL.
LIBPKGS   = . ./protocol ./mask ./handshake ./deflate ./internal/...
NESTED    = ./bench/... ./cmd/wsdemo/... ./e2e/...
ALL       = ./... $(NESTED)

.PHONY: test deps peers e2e-deps check-deps vet fmt-check staticcheck race \
	purego fuzz-short autobahn demo bench bench-peers fuzz cover

## test: everything CI checks
test: deps check-deps vet fmt-check staticcheck race purego fuzz-short autobahn

## deps: install what the tests run against (idempotent)
deps: peers e2e-deps

## peers: Python websockets and Node ws, for interop/ and autobahn/
peers:
	bash scripts/install-peers.sh

## e2e-deps: Chromium and redis-server, for cmd/wsdemo and e2e/
e2e-deps:
	bash scripts/install-e2e.sh

check-deps:
	bash scripts/check-deps.sh

vet:
	$(GO) vet $(ALL)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

staticcheck:
	$(STATICCHECK) $(ALL)

## race: every test of every module, with the race detector
race: deps
	$(GO) test -race -count=1 $(ALL)

## purego: the library and the interop tests without assembly
purego: peers
	$(GO) test -tags purego -count=1 $(LIBPKGS) ./interop

fuzz-short:
	bash scripts/fuzz.sh $(SHORTFUZZ)

## autobahn: all 517 Autobahn cases against our server (plain and
## compressed) and our client; fails on FAILED, NON-STRICT, UNIMPLEMENTED
autobahn:
	bash scripts/autobahn.sh

## demo: the demo apps on http://127.0.0.1:8080/
demo:
	$(GO) run ./cmd/wsdemo

## bench: library benchmarks, output ready for benchstat (one package at a
## time; no timeout, a loaded machine takes over 10 minutes for protocol)
bench:
	$(GO) test -p 1 -timeout 0 -run='^$$' -bench=. -benchmem -count=$(COUNT) $(LIBPKGS)

## bench-peers: side-by-side echo benchmarks against the other libraries
bench-peers:
	$(MAKE) -C bench bench-peers

## fuzz: longer fuzzing, FUZZTIME per target, coverage-guided and then
## uninstrumented (many more inputs a second)
fuzz:
	bash scripts/fuzz.sh $(FUZZTIME)
	bash scripts/fuzz.sh -raw $(FUZZTIME)

## cover: coverage profile and per-function summary
cover:
	$(GO) test -coverprofile=cover.out ./...
	$(GO) tool cover -func=cover.out | tail -1
