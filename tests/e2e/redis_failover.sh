#!/bin/sh
# The index on a Redis Cluster of 3 masters with one replica each: adds
# wait for a replica (?wait=1), a master killed (SIGKILL) during a scan
# fails over to its replica, and no acknowledged add and no article is lost.
# Prints TAP; skips if redis-server or the models are missing.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/redis.sh"
if [ ! -f models/lm.bin ] || [ ! -f models/lex.bin ] || [ ! -f models/scorer.bin ]; then
	echo "ok 1 - failover # SKIP models missing"
	echo "1..1"
	exit 0
fi
PORTS=$(redis_cluster_ports 6)
addrs=
for p in $PORTS; do
	redis_start "$p" --cluster-enabled yes --cluster-config-file "$W/$p/nodes.conf" \
		--cluster-node-timeout 1000 --appendfsync always ||
		{ nok "six redis-server nodes start"; echo "1..$n"; exit 1; }
	addrs="$addrs 127.0.0.1:$p"
done
timeout 60 redis-cli --cluster create $addrs --cluster-replicas 1 --cluster-yes > "$W/create.log" 2>&1
set -- $PORTS
P1=$1
nodes=$(echo $addrs | tr ' ' ',')
up=1
for p in $PORTS; do redis_cluster_ok "$p" || up=0; done
check "cluster of 3 masters and 3 replicas is up" $([ $up = 1 ]; echo $?)
# each replica's first sync done before adds wait for it
for p in $PORTS; do
	i=0
	while [ $i -lt 400 ]; do
		case "$(redis-cli -p "$p" info replication | tr -d '\r')" in
		*role:master*connected_slaves:1* | *master_link_status:up*) break ;;
		esac
		sleep 0.05
		i=$((i + 1))
	done
done
U="redis://$nodes?retry=60&wait=1&wait_ms=5000"

S=corpus/seeds
A="$S/000_fcd469a446cc7cc8.txt $S/001_455d42bae2579fa5.txt $S/002_1eca5ce85436633a.txt $S/004_1faaaa5fa0c635fb.txt"
"$DESPIN" index add -i "$U" $A > "$W/add" 2>&1
rc=$?
sed 's/^/# /' "$W/add"
check "add with ?wait=1 (each shard's replica holds it) exits 0" $rc
# (a text the scan below finds nothing of: whether the failover keeps it
# or not, the scan is judged as against SQLite without it)
"$DESPIN" index add -i "redis://127.0.0.1:$P1?wait=2&wait_ms=300" tests/fixtures/unrelated/source.txt > "$W/add2" 2>&1
rc=$?
sed 's/^/# /' "$W/add2"
check "add with ?wait=2 (one replica only) fails, saying so" \
	$([ $rc = 2 ] && grep -q "reached 1 of 2 replicas" "$W/add2"; echo $?)
"$DESPIN" index list -i "$U" > "$W/before"

# the master of the registry's slot dies during a scan: its replica takes
# over, the scan waits (?retry) and every article is judged
slot=$(redis-cli -p "$P1" cluster keyslot '{ds}')
master=$(redis-cli -p "$P1" cluster nodes | awk -v s="$slot" '
	$3 ~ /master/ { for (i = 9; i <= NF; i++) { split($i, r, "-"); if (s >= r[1] && s <= (r[2] == "" ? r[1] : r[2])) { split($2, a, "[:@]"); print a[2] } } }')
echo "# slot $slot of {ds} is on master $master"
mkdir "$W/in"
for i in 1 2 3 4 5 6; do cp $S/003_cc34e14e2e5a732a.txt "$W/in/a$i.txt"; done
"$DESPIN" index add -i "$W/ref.db" $A > /dev/null 2>&1
"$DESPIN" scan -i "$W/ref.db" "$W/in" > "$W/scan.ref" 2>&1
: > "$W/scan.out"
"$DESPIN" scan -i "$U" "$W/in" > "$W/scan.out" 2> "$W/scan.err" &
spid=$!
i=0
while [ $i -lt 600 ] && [ "$(wc -l < "$W/scan.out")" -lt 2 ]; do sleep 0.05; i=$((i + 1)); done
redis_stop "$master"
wait $spid
rc=$?
sed 's/^/# /' "$W/scan.err"
check "scan through the failover exits 0 or 1 and judges every article as against SQLite" \
	$([ $rc -le 1 ] && cmp -s "$W/scan.ref" "$W/scan.out"; echo $?)
"$DESPIN" index list -i "$U" > "$W/after" 2>&1
same "no acknowledged add is lost in the failover" "$W/before" "$W/after"
"$DESPIN" index check -i "$U" > "$W/check" 2>&1
check "check passes after the failover" $?
echo "A text added after the failover, to see that adds go on: it names nothing else." > "$W/new.txt"
"$DESPIN" index add -i "redis://$nodes?retry=60" "$W/new.txt" > "$W/add3" 2>&1
sed 's/^/# /' "$W/add3"
check "adds go on after the failover (without ?wait: the promoted replica has none yet)" $(grep -qx "1 added, 0 already present" "$W/add3"; echo $?)
echo "1..$n"
