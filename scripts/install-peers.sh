#!/usr/bin/env bash
# Installs the WebSocket peers that wirefast's tests run against: Debian's
# python3-websockets (for /usr/bin/python3, not a pyenv or venv python)
# and Node's ws from npm into each peer directory that has a package.json
# (interop/peers, autobahn/peers/node, or the directories given as arguments).
#
# Idempotent and non-interactive: it installs only what is missing, runs
# apt-get update only when a Debian package has to be installed, and
# needs no standard input, so CI can run it before `make test`. Debian
# packages need root (or password-less sudo). It prints what it did.
#
#	bash scripts/install-peers.sh [PEER_DIR...]
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null
export DEBIAN_FRONTEND=noninteractive

PYTHON=/usr/bin/python3
if [ "$#" -gt 0 ]; then
	NPM_DIRS=("$@")
else
	NPM_DIRS=(interop/peers autobahn/peers/node)
fi

log() { echo "install-peers: $*"; }
die() { echo "install-peers: $*" >&2; exit 1; }

# Debian packages -------------------------------------------------------

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
		SUDO=(sudo -n)
	fi
fi

apt_updated=false
apt_install() {
	if [ "$(id -u)" -ne 0 ] && [ "${#SUDO[@]}" -eq 0 ]; then
		die "need root (or password-less sudo) to install Debian packages: $*"
	fi
	command -v apt-get >/dev/null || die "no apt-get: install $* by hand"
	if ! $apt_updated; then
		log "apt-get update"
		"${SUDO[@]}" apt-get update -q
		apt_updated=true
	fi
	log "apt-get install $*"
	"${SUDO[@]}" apt-get install -y -q --no-install-recommends "$@"
}

python_websockets_version() {
	"$PYTHON" -c 'import websockets; print(websockets.__version__)' 2>/dev/null
}

if [ ! -x "$PYTHON" ]; then
	apt_install python3 python3-websockets
elif ! python_websockets_version >/dev/null; then
	apt_install python3-websockets
else
	log "python3-websockets $(python_websockets_version) already importable by $PYTHON"
fi
version=$(python_websockets_version) || die "$PYTHON still cannot import websockets"
log "python3-websockets: $version ($PYTHON)"

# Node.js and npm: the machine's own when present (NodeSource's nodejs
# includes npm); Debian's otherwise.
if ! command -v node >/dev/null; then
	apt_install nodejs
fi
if ! command -v npm >/dev/null; then
	apt_install npm
fi
log "node $(node --version), npm $(npm --version)"

# npm packages ----------------------------------------------------------

# lock_satisfied succeeds when every package in dir's package-lock.json is
# installed in dir/node_modules at the locked version.
lock_satisfied() {
	node -e '
		const path = require("path");
		const dir = path.resolve(process.argv[1]);
		const lock = require(path.join(dir, "package-lock.json"));
		for (const [p, meta] of Object.entries(lock.packages || {})) {
			if (p === "" || meta.optional || meta.dev) continue;
			let got;
			try { got = require(path.join(dir, p, "package.json")).version; } catch { process.exit(1); }
			if (got !== meta.version) process.exit(1);
		}' "$1" 2>/dev/null
}

# installed prints name@version of dir's direct dependencies.
installed() {
	(cd "$1" && npm ls --depth=0 --parseable --long 2>/dev/null | sed -n 's/^[^:]*:\([^:]*\).*/\1/p' | tail -n +2 | tr '\n' ' ')
}

npm_flags=(--no-audit --no-fund --no-progress --loglevel=warn)
for dir in "${NPM_DIRS[@]}"; do
	if [ ! -f "$dir/package.json" ]; then
		log "$dir: no package.json, nothing to install"
		continue
	fi
	if [ -f "$dir/package-lock.json" ]; then
		if lock_satisfied "$dir"; then
			log "$dir: up to date with package-lock.json: $(installed "$dir")"
			continue
		fi
		log "$dir: npm ci (from package-lock.json)"
		(cd "$dir" && CI=true npm ci "${npm_flags[@]}")
	else
		log "$dir: npm install (no package-lock.json yet: writing one)"
		(cd "$dir" && CI=true npm install --omit-lockfile-registry-resolved "${npm_flags[@]}")
	fi
	lock_satisfied "$dir" || die "$dir: node_modules does not match package-lock.json after installing"
	log "$dir: installed in $dir/node_modules: $(installed "$dir")"
done
log "done"
