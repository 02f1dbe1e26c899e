#!/usr/bin/env bash
# Runs every fuzz target of every module for FUZZTIME each (default 10s).
# Usage: scripts/fuzz.sh [-raw] [fuzztime] [package...]
#
# -raw fuzzes without coverage guidance: each package's test binary is
# built without instrumentation (go test -c) and fed random mutations of
# the target's corpus, about ten times as many inputs a second. Some bugs
# take a million inputs to hit, more than a coverage-guided run of a
# minute tries (docs/performance.md, "Bits lost after three long literal
# codes"); the guided run finds what hides behind rare branches.
set -euo pipefail
cd "$(dirname "$0")/.."
raw=false
if [ "${1:-}" = "-raw" ]; then
	raw=true
	shift
fi
fuzztime=${1:-10s}
shift || true
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
	# ./... stops at the nested modules (bench, cmd/wsdemo, e2e); list them too.
	mapfile -t pkgs < <(go list ./... ./bench/... ./cmd/wsdemo/... ./e2e/...)
fi
log=$(mktemp)
bindir=$(mktemp -d)
trap 'rm -rf "$log" "$bindir"' EXIT

# fuzz_once runs one target; it fails on a finding, and on Go's own
# end-of-fuzztime race (go.dev/issue/75804, not fixed in Go 1.26): the
# coordinator reports "context deadline exceeded" as a failure when
# -fuzztime ends while a worker is mid-call, writing no input.
fuzz_once() {
	if $raw; then
		# Run in the package's directory, where a failing input is written
		# (testdata/fuzz/TARGET), with a cache of its own.
		(cd "$(go list -f '{{.Dir}}' "$1")" && "$bindir/pkg.test" -test.run '^$' -test.fuzz "^${2}\$" \
			-test.fuzztime "$fuzztime" -test.fuzzminimizetime 5s -test.fuzzcachedir "$bindir/cache") >"$log" 2>&1
		return
	fi
	go test -run "^$" -fuzz "^${2}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "$1" >"$log" 2>&1
}

# spurious reports whether the failed run in $log is that race: its only
# complaint is the deadline, and it wrote no failing input to corpus dir $1
# (whose listing before the run is $2).
spurious() {
	[ "$(ls "$1" 2>/dev/null)" = "$2" ] &&
		grep -q '^    context deadline exceeded$' "$log" &&
		! grep -q 'Failing input written\|panic:' "$log"
}

count=0
for pkg in "${pkgs[@]}"; do
	targets=$(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true)
	if $raw && [ -n "$targets" ]; then
		go test -c -o "$bindir/pkg.test" "$pkg"
	fi
	for target in $targets; do
		echo "fuzz: $pkg $target ($fuzztime$($raw && echo ', uninstrumented'))"
		corpus="$(go list -f '{{.Dir}}' "$pkg")/testdata/fuzz/$target"
		for try in 1 2 3; do
			before=$(ls "$corpus" 2>/dev/null || true)
			fuzz_once "$pkg" "$target" && break
			if [ "$try" -lt 3 ] && spurious "$corpus" "$before"; then
				echo "fuzz: $target: \"context deadline exceeded\" with no failing input (go.dev/issue/75804); running it again"
				continue
			fi
			cat "$log"
			echo "fuzz: $pkg $target FAILED (the failing input is under $corpus)"
			exit 1
		done
		count=$((count + 1))
	done
done
echo "fuzz: $count targets ran for $fuzztime each$($raw && echo ', uninstrumented')"
