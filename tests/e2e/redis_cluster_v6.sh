#!/bin/sh
# The source index on a three-node Redis Cluster bound to the IPv6
# loopback alone: the nodes name one another, in CLUSTER SLOTS and in
# MOVED and ASK redirections, as "::1" and "::1:PORT", addresses whose
# port follows the last colon.  The same answers as with an SQLite index,
# through an entry node written in brackets (redis://[::1]:PORT), and a
# scan that goes on while the slot of the registry ({ds}) moves to another
# node.  Prints TAP; skips if redis-server is missing or there is no IPv6
# loopback.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/redis.sh"
if ! python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2> /dev/null; then
	skip_all "a cluster on ::1" "no IPv6 loopback"
fi
cli() { # PORT ARGS...: redis-cli on [::1]:PORT
	_p=$1
	shift
	redis-cli -h ::1 -p "$_p" "$@"
}
PORTS=$(redis_cluster_ports 3)
for p in $PORTS; do
	if ! REDIS_PING="-h ::1 -p $p" redis_start "$p" --bind ::1 --cluster-enabled yes \
		--cluster-config-file "$W/$p/nodes.conf"; then
		nok "three redis-server nodes start on ::1"
		echo "1..$n"
		exit 1
	fi
done
set -- $PORTS
P1=$1 P2=$2 P3=$3
timeout 30 redis-cli --cluster create "::1:$P1" "::1:$P2" "::1:$P3" \
	--cluster-replicas 0 --cluster-yes > "$W/create.log" 2>&1
up=1
for p in $PORTS; do
	REDIS_HOST=::1 redis_cluster_ok "$p" || up=0
done
check "cluster of 3 nodes on [::1]:$P1,$P2,$P3 is up" $([ $up = 1 ]; echo $?)
check "the nodes name one another by their IPv6 address" \
	$(cli "$P1" cluster slots | grep -qx '::1'; echo $?)
U="redis://[::1]:$P2"

S=corpus/seeds
A="$S/000_fcd469a446cc7cc8.txt $S/001_455d42bae2579fa5.txt $S/002_1eca5ce85436633a.txt $S/004_1faaaa5fa0c635fb.txt"
"$DESPIN" index add -i "$W/ref.db" $A > "$W/add.sqlite" 2>&1
"$DESPIN" index add -i "$U" $A > "$W/add.redis" 2>&1
check "index add through [::1]:$P2 exits 0" $?
same "add prints what it prints with SQLite" "$W/add.sqlite" "$W/add.redis"
spread=0
for p in $PORTS; do
	[ "$(cli "$p" dbsize)" -gt 20 ] && spread=$((spread + 1))
done
check "keys are spread over the 3 shards (each node's redirections followed)" \
	$([ $spread = 3 ]; echo $?)
"$DESPIN" index list -i "$W/ref.db" > "$W/list.sqlite"
"$DESPIN" index list -i "redis://[::1]:$P3" > "$W/list.redis"
same "list through another node is the same as with SQLite" "$W/list.sqlite" "$W/list.redis"
"$DESPIN" index query -i "$W/ref.db" -n 3 $S/003_cc34e14e2e5a732a.txt > "$W/q.sqlite"
"$DESPIN" index query -i "$U" -n 3 $S/003_cc34e14e2e5a732a.txt > "$W/q.redis"
same "query of 003 gives what SQLite gives" "$W/q.sqlite" "$W/q.redis"
"$DESPIN" index check -i "$U" > /dev/null 2>&1
check "check passes" $?

# move the slot of {ds} (read by every query) to another node between
# the articles of one scan: ASK half-way, MOVED after
if [ -f models/lm.bin ] && [ -f models/lex.bin ] && [ -f models/scorer.bin ]; then
	REDIS_HOST=::1 redis_scan_slot_move "$U" $PORTS
else
	skip "scan while the slot of {ds} moves" "models missing"
fi
echo "1..$n"
