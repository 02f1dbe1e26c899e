# wirefast: `make test` is what CI runs (.ci/run); README.md documents it.

GO        ?= go
FUZZTIME  ?= 60s
SHORTFUZZ ?= 5s
COUNT     ?= 6
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
LIBPKGS   = . ./protocol ./mask ./handshake ./deflate ./internal/...

.PHONY: test peers check-deps vet fmt-check staticcheck race purego fuzz-short \
	bench fuzz cover

## test: everything CI checks
test: peers check-deps vet fmt-check staticcheck race purego fuzz-short

## peers: install the real peers the interop and conformance tests use
peers:
	bash scripts/install-peers.sh

check-deps:
	bash scripts/check-deps.sh

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go'; git ls-files --others --exclude-standard '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

staticcheck:
	$(STATICCHECK) ./...

race: peers
	$(GO) test -race -count=1 ./...

purego: peers
	$(GO) test -tags purego -count=1 ./...

fuzz-short:
	bash scripts/fuzz.sh $(SHORTFUZZ)

## bench: library benchmarks, output ready for benchstat
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=$(COUNT) $(LIBPKGS)

## fuzz: longer fuzzing, FUZZTIME per target
fuzz:
	bash scripts/fuzz.sh $(FUZZTIME)

## cover: coverage profile and per-function summary
cover:
	$(GO) test -coverprofile=cover.out ./...
	$(GO) tool cover -func=cover.out | tail -1
