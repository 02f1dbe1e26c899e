#!/usr/bin/env bash
# Runs the Autobahn cases (our Go port, autobahn/) against wirefast:
#   servers-plain     cmd/wsecho, sections 1-10 (12 and 13 need compression)
#   servers-compress  cmd/wsecho -compress -coalesce, all 517 cases
#   servers-receive   cmd/wsecho -receive -coalesce (Conn.Receive), sections 1-10
#   clients           wsecho -autobahn-client -coalesce against the fuzzing server, all 517
# The four runs go concurrently. Reports land in $OUT (default
# autobahn/reports); the script prints each run's counts and fails when a
# case is FAILED, NON-STRICT or UNIMPLEMENTED (INFORMATIONAL is fine).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-autobahn/reports}
bin=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$bin"' EXIT
go build -o "$bin/wsecho" ./cmd/wsecho
go build -o "$bin/autobahn" ./cmd/autobahn
rm -rf "$OUT"
mkdir -p "$OUT"
start=$SECONDS

# listening waits for a server's log to name its URL and prints it.
listening() {
	local log=$1 pattern=$2 url
	for _ in $(seq 100); do
		url=$(sed -n "$pattern" "$log")
		[ -n "$url" ] && { echo "$url"; return; }
		sleep 0.1
	done
	echo "autobahn.sh: no server URL in $log:" >&2
	cat "$log" >&2
	return 1
}

# The servers start in this shell (not in a command substitution's
# subshell), so that the EXIT trap's jobs -p finds and stops them.
"$bin/wsecho" -addr 127.0.0.1:0 >"$bin/plain.log" 2>&1 &
"$bin/wsecho" -addr 127.0.0.1:0 -compress -coalesce >"$bin/compress.log" 2>&1 &
"$bin/wsecho" -addr 127.0.0.1:0 -receive -coalesce >"$bin/receive.log" 2>&1 &
plain=$(listening "$bin/plain.log" 's/^wsecho: listening on //p')
compress=$(listening "$bin/compress.log" 's/^wsecho: listening on //p')
receive=$(listening "$bin/receive.log" 's/^wsecho: listening on //p')
"$bin/autobahn" -mode fuzzingclient -url "$plain" -agent wirefast -exclude '12.*,13.*' \
	-out "$OUT/servers-plain" >"$bin/servers-plain.out" 2>&1 &
p1=$!
"$bin/autobahn" -mode fuzzingclient -url "$compress" -agent wirefast-compress \
	-out "$OUT/servers-compress" >"$bin/servers-compress.out" 2>&1 &
p2=$!
"$bin/autobahn" -mode fuzzingclient -url "$receive" -agent wirefast-receive -exclude '12.*,13.*' \
	-out "$OUT/servers-receive" >"$bin/servers-receive.out" 2>&1 &
p4=$!
"$bin/autobahn" -mode fuzzingserver -addr 127.0.0.1:0 -out "$OUT/clients" >"$bin/clients.out" 2>&1 &
p3=$!
fuzz=$(listening "$bin/clients.out" 's/^fuzzing server listening on \(ws:[^ ]*\).*/\1/p')
"$bin/wsecho" -autobahn-client "$fuzz" -agent wirefast -coalesce -shutdown >"$bin/client.log" 2>&1 || {
	cat "$bin/client.log" >&2
	exit 1
}

status=0
for run in servers-plain:$p1 servers-compress:$p2 servers-receive:$p4 clients:$p3; do
	name=${run%%:*}
	if wait "${run##*:}"; then result=ok; else result=FAIL; status=1; fi
	printf '%-17s %s  %s\n' "$name" "$result" "$(grep -E '^[0-9]+ cases:' "$bin/$name.out" || echo 'no summary')"
	[ "$result" = ok ] || cat "$bin/$name.out"
done
echo "autobahn: reports in $OUT ($((SECONDS - start)) s)"
exit $status
