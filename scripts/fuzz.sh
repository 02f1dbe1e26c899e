#!/usr/bin/env bash
# Runs every fuzz target of every module for FUZZTIME each (default 10s).
# Usage: scripts/fuzz.sh [fuzztime] [package...]
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-10s}
shift || true
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
	# ./... stops at the nested modules (bench, cmd/wsdemo, e2e); list them too.
	mapfile -t pkgs < <(go list ./... ./bench/... ./cmd/wsdemo/... ./e2e/...)
fi
count=0
for pkg in "${pkgs[@]}"; do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "fuzz: $pkg $target ($fuzztime)"
		go test -run "^$" -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 5s "$pkg" >/tmp/wirefast-fuzz.log 2>&1 || {
			cat /tmp/wirefast-fuzz.log
			echo "fuzz: $pkg $target FAILED (the failing input is under $(go list -f '{{.Dir}}' "$pkg")/testdata/fuzz/$target)"
			exit 1
		}
		count=$((count + 1))
	done
done
echo "fuzz: $count targets ran for $fuzztime each"
