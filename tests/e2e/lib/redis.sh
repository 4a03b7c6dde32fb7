# Sourced by the end-to-end tests that need a Redis server (after tap.sh):
# a private redis-server on a free loopback port, in a temporary directory
# $W, killed on exit also when the test fails.  Skips the whole test (TAP)
# when redis-server, redis-cli or python3 is missing.
#   redis_free_port          prints a free loopback port
#   redis_start PORT [ARGS]  starts a server (AOF on, in $W/PORT), waits for PONG
#                            (asked with redis-cli $REDIS_PING, "-p PORT" when unset:
#                            "-h ::1 -p PORT" for --bind ::1, "-s SOCKET" for --port 0)
#   redis_stop PORT          kills it (SIGKILL)
#   redis_cluster_ports N    N free ports whose cluster bus ports are free too
#   redis_cluster_ok PORT    waits for cluster_state:ok on that node (on $REDIS_HOST
#                            when set: ::1 for nodes bound to it)
#   redis_scan_slot_move URL PORTS...
#                            a scan of seed 003 three times while the slot of {ds}
#                            moves between two of the nodes (on $REDIS_HOST when set),
#                            and its two checks (TAP)
#   (check and same come from tap.sh)
for cmd in redis-server redis-cli python3; do
	if ! command -v $cmd >/dev/null 2>&1; then
		echo "ok 1 - $(basename "$0") # SKIP $cmd not installed"
		echo "1..1"
		exit 0
	fi
done
W=$(mktemp -d)
REDIS_PIDS=
# the servers started here, and those started in a subshell (their pid is
# only in their spid file)
trap 'for p in $REDIS_PIDS $(cat "$W"/*/spid 2>/dev/null); do kill -9 "$p" 2>/dev/null; done; rm -rf "$W"' EXIT
# a test ended by a signal (its reader gone: SIGPIPE) stops its servers too
trap 'exit 2' HUP INT PIPE TERM

redis_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

redis_start() { # PORT [ARGS...]
	_p=$1
	shift
	mkdir -p "$W/$_p"
	redis-server --port "$_p" --bind 127.0.0.1 --save '' --appendonly yes \
		--dir "$W/$_p" --pidfile "$W/$_p/pid" --daemonize no "$@" \
		> "$W/$_p/log" 2>&1 3>&- &
	REDIS_PIDS="$REDIS_PIDS $!"
	echo $! > "$W/$_p/spid"
	_i=0
	while [ $_i -lt 200 ]; do
		[ "$(redis-cli ${REDIS_PING:--p $_p} ping 2>/dev/null)" = PONG ] && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	echo "# redis-server on $_p did not start: $(tail -3 "$W/$_p/log")"
	return 1
}

redis_stop() { # PORT
	kill -9 "$(cat "$W/$1/spid")" 2>/dev/null
	wait "$(cat "$W/$1/spid")" 2>/dev/null
	return 0
}

# Both ports lie under the kernel's ephemeral range (32768 and up here,
# /proc/sys/net/ipv4/ip_local_port_range): a port free when chosen is not
# then taken by an outgoing connection (the nodes' own, redis-cli's) before
# its server binds it.
redis_cluster_ports() { # N: N free ports P whose bus ports P + 10000 are free too, all under the ephemeral range
	python3 - "$1" <<'PY'
import random, socket, sys
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
        return True
    except OSError:
        return False
    finally:
        s.close()
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    low = 32768
top = max(min(low, 65536) - 10000, 11025)
got = []
for _ in range(5000):
    p = random.randrange(10000, top)
    if p not in got and p + 10000 not in got and free(p) and free(p + 10000):
        got.append(p)
    if len(got) == int(sys.argv[1]):
        break
print(" ".join(map(str, got)))
PY
}

redis_cluster_ok() { # PORT: waits (10 s at most) for cluster_state:ok on that node
	_i=0
	while [ $_i -lt 200 ]; do
		redis-cli ${REDIS_HOST:+-h "$REDIS_HOST"} -p "$1" cluster info 2>/dev/null | tr -d '\r' | grep -q '^cluster_state:ok' && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

# redis_scan_slot_move URL PORTS...: scans seed 003 three times as
# --stdin-json records (a1, a2, a3) through URL, and between them moves the
# slot of {ds} (the meta hash and id counter, read by every query) from
# its node to another: half-way (keys moved, the slot still the old
# node's: ASK) before a2, done (MOVED) before a3.  Checks that the slot
# moved and that the scan went on (003 spun each time, nothing on standard
# error, which is shown as comments).
redis_scan_slot_move() {
	_u=$1
	shift
	_c="redis-cli ${REDIS_HOST:+-h $REDIS_HOST}"
	slot=$($_c -p "$1" cluster keyslot '{ds}')
	owner= target=
	for _p in "$@"; do
		$_c -p "$_p" cluster countkeysinslot "$slot" | grep -qv '^0$' && owner=$_p
	done
	for _p in "$@"; do [ "$_p" != "$owner" ] && target=$_p; done
	_oid=$($_c -p "$owner" cluster myid)
	_tid=$($_c -p "$target" cluster myid)
	mkfifo "$W/in"
	timeout 60 "$DESPIN" scan --stdin-json -i "$_u" < "$W/in" > "$W/fout" 2> "$W/ferr" &
	_spid=$!
	exec 3> "$W/in"
	_rec() {
		python3 -c 'import json, sys; print(json.dumps({"id": sys.argv[1], "text": open(sys.argv[2]).read()}))' \
			"$1" corpus/seeds/003_cc34e14e2e5a732a.txt >&3
	}
	_lines() { # N: waits (10 s at most) for N lines of output
		_i=0
		while [ $_i -lt 200 ] && [ "$(wc -l < "$W/fout")" -lt "$1" ]; do sleep 0.05; _i=$((_i + 1)); done
	}
	_rec a1
	_lines 2
	$_c -p "$target" cluster setslot "$slot" importing "$_oid" > /dev/null
	$_c -p "$owner" cluster setslot "$slot" migrating "$_tid" > /dev/null
	_keys=$($_c -p "$owner" cluster getkeysinslot "$slot" 1000)
	$_c -p "$owner" migrate "${REDIS_HOST:-127.0.0.1}" "$target" "" 0 5000 keys $_keys > /dev/null
	_rec a2
	_lines 3
	for _p in "$@"; do $_c -p "$_p" cluster setslot "$slot" node "$_tid" > /dev/null; done
	_rec a3
	exec 3>&-
	wait $_spid
	_rc=$?
	check "the slot of {ds} (meta hash, id counter) moved from node $owner to $target" \
		$([ "$($_c -p "$target" cluster countkeysinslot "$slot")" -ge 2 ]; echo $?)
	check "scan goes on through ASK and MOVED${REDIS_HOST:+ to $REDIS_HOST addresses}: 3 articles, 003 spun each time" \
		$([ $_rc = 1 ] && [ "$(grep -c '^spun .*000_fcd469a446cc7cc8.txt.*a[123]$' "$W/fout")" = 3 ] &&
			[ ! -s "$W/ferr" ]; echo $?)
	sed 's/^/# /' "$W/ferr"
}
