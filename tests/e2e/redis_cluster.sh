#!/bin/sh
# The source index on a three-node Redis Cluster on loopback ports: the same
# answers as with an SQLite index, records and band keys spread over the
# shards, copy both ways, and a scan that goes on while the slot of the
# registry ({ds}) moves to another node (ASK during the move, MOVED after).
# Prints TAP; skips if redis-server is missing.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/redis.sh"
PORTS=$(redis_cluster_ports 3)
for p in $PORTS; do
	if ! redis_start "$p" --cluster-enabled yes --cluster-config-file "$W/$p/nodes.conf"; then
		nok "three redis-server nodes start"
		exit 1
	fi
done
set -- $PORTS
P1=$1 P2=$2 P3=$3
timeout 30 redis-cli --cluster create 127.0.0.1:$P1 127.0.0.1:$P2 127.0.0.1:$P3 \
	--cluster-replicas 0 --cluster-yes > "$W/create.log" 2>&1
s1=0 s3=0
redis_cluster_ok "$P1" && s1=1
redis_cluster_ok "$P3" && s3=1
check "cluster of 3 nodes on 127.0.0.1:$P1,$P2,$P3 is up" $([ "$s1$s3" = 11 ]; echo $?)
U=redis://127.0.0.1:$P2

S=corpus/seeds
A="$S/000_fcd469a446cc7cc8.txt $S/001_455d42bae2579fa5.txt $S/002_1eca5ce85436633a.txt $S/004_1faaaa5fa0c635fb.txt"
"$DESPIN" index add -i "$W/ref.db" $A $S/000_fcd469a446cc7cc8.txt > "$W/add.sqlite" 2>&1
"$DESPIN" index add -i "$U" $A $S/000_fcd469a446cc7cc8.txt > "$W/add.redis" 2>&1
check "add exits 0" $?
same "add prints what it prints with SQLite" "$W/add.sqlite" "$W/add.redis"
"$DESPIN" index add -i "redis://127.0.0.1:$P3" $A > "$W/add2" 2>&1
check "adding again (through another node) is a no-op" \
	$(grep -qx "0 added, 4 already present" "$W/add2"; echo $?)
"$DESPIN" index list -i "$W/ref.db" > "$W/list.sqlite"
"$DESPIN" index list -i "$U" > "$W/list.redis"
same "list is the same as with SQLite" "$W/list.sqlite" "$W/list.redis"
spread=0
for p in $PORTS; do
	k=$(redis-cli -p "$p" dbsize)
	echo "# node $p: $k keys"
	[ "$k" -gt 20 ] && spread=$((spread + 1))
done
check "keys are spread over the 3 shards" $([ $spread = 3 ]; echo $?)
reg=0
for p in $PORTS; do
	[ "$(redis-cli -p "$p" --scan --pattern '{ds:*' | wc -l)" -gt 0 ] && reg=$((reg + 1))
done
check "the registry's buckets ({ds:XX}) are on more than one shard ($reg)" $([ $reg -ge 2 ]; echo $?)
"$DESPIN" index stats -i "$U" > "$W/stats"
keys=$("$DESPIN" index stats -i "$W/ref.db" | awk '/^band keys/ {print $3}')
check "stats: 4 sources, as many passage keys as with SQLite ($keys)" \
	$(grep -qx "sources  *4" "$W/stats" && grep -qx "band keys  *${keys:-none}" "$W/stats"; echo $?)
"$DESPIN" index check -i "$U" > /dev/null 2>&1
check "check passes" $?
# vacuum on a cluster: a ripe mark (its clock set back) walks every shard
# and finds nothing to take out of a sound index
"$DESPIN" index vacuum -i "$U" > /dev/null 2>&1
mark=$(redis-cli -c -p "$P1" hget '{ds}:meta' vacuum)
redis-cli -c -p "$P1" hset '{ds}:meta' vacuum "${mark% *} $((${mark#* } - 90000001))" > /dev/null
"$DESPIN" index vacuum -i "$U" > "$W/vac" 2>&1
check "vacuum with a ripe mark on 3 shards: nothing removed from a sound index" \
	$(grep -qx "postings removed   0" "$W/vac" && grep -qx "records removed    0" "$W/vac"; echo $?)
"$DESPIN" index list -i "$U" > "$W/list.vac"
same "vacuum leaves the list as it was" "$W/list.redis" "$W/list.vac"
"$DESPIN" index query -i "$W/ref.db" -n 3 $S/003_cc34e14e2e5a732a.txt > "$W/q.sqlite"
"$DESPIN" index query -i "$U" -n 3 $S/003_cc34e14e2e5a732a.txt > "$W/q.redis"
same "query of 003 gives what SQLite gives (001, then 000)" "$W/q.sqlite" "$W/q.redis"

SCAN=0
# only missing models skip the scan tests: a scan that fails otherwise (a
# crash, exit 139) is a failure
SCAN_RC=skip
if [ -f models/lm.bin ] && [ -f models/lex.bin ] && [ -f models/scorer.bin ]; then
	"$DESPIN" scan -i "$W/ref.db" $S > "$W/scan.sqlite" 2> "$W/scan.err"
	SCAN_RC=$?
	[ $SCAN_RC -le 1 ] || nok "scan -i FILE exits 0 or 1 (got $SCAN_RC: $(head -1 "$W/scan.err"))"
fi
if [ "$SCAN_RC" != skip ] && [ "$SCAN_RC" -le 1 ]; then
	"$DESPIN" scan -i "$U" -j 2 $S > "$W/scan.redis" 2>&1
	same "scan -i redis:// (cluster) gives what scan -i FILE gives" "$W/scan.sqlite" "$W/scan.redis"
	SCAN=1
else
	[ "$SCAN_RC" = skip ] && ok "scan # SKIP models missing"
fi

rm -f "$W/copy.db"
"$DESPIN" index copy "$U" "$W/copy.db" > "$W/copy1" 2>&1
"$DESPIN" index list -i "$W/copy.db" > "$W/list.copy"
check "copy cluster -> sqlite" $(grep -qx "4 copied, 0 already present" "$W/copy1"; echo $?)
same "the copy in SQLite has the same list" "$W/list.redis" "$W/list.copy"
for p in $PORTS; do redis-cli -p "$p" flushall > /dev/null; done
"$DESPIN" index copy "$W/copy.db" "$U" > "$W/copy2" 2>&1
"$DESPIN" index list -i "$U" > "$W/list.copy2"
check "copy sqlite -> an emptied cluster" $(grep -qx "4 copied, 0 already present" "$W/copy2"; echo $?)
same "the copy in the cluster has the same list" "$W/list.redis" "$W/list.copy2"

# move the slot of {ds} (read by every query) to another node while a scan runs
if [ $SCAN = 1 ]; then
	redis_scan_slot_move "$U" $PORTS
	"$DESPIN" index check -i "$U" > /dev/null 2>&1
	check "check passes after the move" $?
fi
echo "1..$n"
