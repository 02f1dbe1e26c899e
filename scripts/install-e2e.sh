#!/usr/bin/env bash
# Installs what the cmd/wsdemo and e2e tests run against: Debian's
# redis-server (the scale-out tests start their own on a free loopback
# port) and Debian's chromium (the browser tests drive it headless through
# chromedp, at /usr/bin/chromium).
#
# Idempotent and non-interactive: it installs only what is missing, runs
# apt-get update only when a package has to be installed, and needs no
# standard input, so CI can run it before `make test`. Debian packages need
# root (or password-less sudo). It prints what it did.
#
#	bash scripts/install-e2e.sh
set -euo pipefail
exec </dev/null
export DEBIAN_FRONTEND=noninteractive

log() { echo "install-e2e: $*"; }
die() { echo "install-e2e: $*" >&2; exit 1; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		SUDO=(sudo -n)
	fi
fi

# Each entry: the program the tests run, and the Debian package holding it.
need=()
[ -x /usr/bin/redis-server ] || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ "${#need[@]}" -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ] && [ "${#SUDO[@]}" -eq 0 ]; then
		die "need root (or password-less sudo) to install Debian packages: ${need[*]}"
	fi
	command -v apt-get >/dev/null || die "no apt-get: install ${need[*]} by hand"
	log "apt-get update"
	"${SUDO[@]}" apt-get update -q
	log "apt-get install ${need[*]}"
	"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# The Debian package starts a system-wide redis-server on port 6379; the
# tests do not use it (each starts its own), so leaving it alone is fine.
[ -x /usr/bin/redis-server ] || die "/usr/bin/redis-server still missing"
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium still missing"
log "$(/usr/bin/redis-server --version | cut -d' ' -f1-3)"
log "$(/usr/bin/chromium --version 2>/dev/null)"
log "done"
