#!/usr/bin/env bash
# Fails when a library package depends on anything outside the standard
# library and this module (DESIGN.md: the library is dependency-free).
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(. ./protocol ./mask ./handshake ./deflate)
bad=$(go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' "${pkgs[@]}" |
	grep -v '^github.com/wirefast/websocket\(/\|$\)' || true)
if [ -n "$bad" ]; then
	echo "check-deps: library packages import non-standard packages:" >&2
	echo "$bad" >&2
	exit 1
fi
for tag in "" purego; do
	bad=$(go list -tags "$tag" -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' "${pkgs[@]}" |
		grep -v '^github.com/wirefast/websocket\(/\|$\)' || true)
	[ -z "$bad" ] || { echo "check-deps ($tag): $bad" >&2; exit 1; }
done
echo "check-deps: library packages use the standard library only"
