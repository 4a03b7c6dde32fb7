#!/bin/sh
# The source index on a real Redis server (src/store_redis.c): a private
# redis-server on a free loopback port, AOF on, in a temporary directory.
# The same adds, list, stats, query and scan as with an SQLite index give the
# same answers; adding twice is a no-op; 'index copy' both ways keeps the
# list; an acknowledged add survives kill -9 of the server; a server gone
# mid-scan gives one error line per article, and with --retry the scan
# resumes when it is back.  Prints TAP; skips if redis-server is missing.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/redis.sh"
PORT=$(redis_free_port)
U=redis://127.0.0.1:$PORT
# the server keeps its data in $W/$PORT, so a restart replays the AOF
start() { redis_start "$PORT" --appendfsync always; }
stop() { redis_stop "$PORT"; }
start || { nok "redis-server starts"; exit 1; }
ok "redis-server starts on 127.0.0.1:$PORT"

S=corpus/seeds
A="$S/000_fcd469a446cc7cc8.txt $S/001_455d42bae2579fa5.txt $S/002_1eca5ce85436633a.txt $S/004_1faaaa5fa0c635fb.txt"

"$DESPIN" index list -i "$U" > /dev/null 2> "$W/err"
rc=$?
check "list of an empty server fails (exit 2) naming it" \
	$([ $rc = 2 ] && grep -q "cannot open index $U: no despin index there" "$W/err"; echo $?)
# a database of other keys: not one that the first add would take
redis-cli -p "$PORT" -n 6 set other-program 1 > /dev/null
"$DESPIN" index list -i "$U/6" > /dev/null 2> "$W/err"
rc=$?
check "list of a database of other keys fails (exit 2) saying so, not that an add creates it" \
	$([ $rc = 2 ] && grep -q "holds 1 keys but no despin index (use another database" "$W/err"; echo $?)
redis-cli -p "$PORT" -n 6 flushdb > /dev/null

# refused SCHEMA LABEL MESSAGE: an index of that schema is refused (exit 2)
# with the message
refused() {
	redis-cli -p "$PORT" -n 3 hset '{ds}:meta' magic despin-index schema "$1" fingerprint x > /dev/null
	"$DESPIN" index list -i "$U/3" > /dev/null 2> "$W/err"
	rc=$?
	check "$2" $([ $rc = 2 ] && grep -q "index $U/3 has schema version $1, $3" "$W/err"; echo $?)
	redis-cli -p "$PORT" -n 3 flushdb > /dev/null
}
refused 1 "an index of the first key layout (schema 1) is refused (exit 2), saying how to rebuild it" \
	"this despin reads versions 2 to 5 .*rebuild it"
refused 6 "an index of schema 6 is refused (exit 2) as made by a newer despin" \
	"made by a newer despin: this one reads versions 2 to 5"
refused 04 "a schema written 04 is not taken for 4" \
	"this despin reads versions 2 to 5"

# A new index is of schema 5: records of version 2 (shingle keys),
# passage-key fields of 4 bytes (and packed overflows: redis_races.sh).  An index of schema 2 (made by an
# earlier despin: the meta hash is written here as it wrote it) is read
# and added to in its own layout, records of version 1 and fields of 7
# bytes in generation 0, and answers as the new one and SQLite do.
"$DESPIN" index add -q -i "$U/7" $A > /dev/null 2>&1
fp=$(redis-cli -p "$PORT" -n 7 hget '{ds}:meta' fingerprint)
redis-cli -p "$PORT" -n 8 hset '{ds}:meta' magic despin-index schema 2 fingerprint "$fp" gen 0123456789abcdef > /dev/null
"$DESPIN" index add -q -i "$U/8" $A > /dev/null 2> "$W/err8"
check "an index of schema 2 is added to" $?
recver() { redis-cli -p "$PORT" -n "$1" --no-raw getrange '{src:1}' 1 1; }
# the lengths of the passage keys' fields, read by a script: key names and
# fields are binary (a newline in one would cut a line-based read)
flen() { redis-cli -p "$PORT" -n "$1" --raw eval "local lo, hi = nil, nil
	for _, k in ipairs(redis.call('KEYS', '{p0:*}')) do
	  if redis.call('TYPE', k).ok == 'hash' then
	    for _, f in ipairs(redis.call('HKEYS', k)) do
	      if lo == nil or #f < lo then lo = #f end
	      if hi == nil or #f > hi then hi = #f end
	    end
	  end
	end
	if lo == nil or lo ~= hi then return 'mixed' end
	return tostring(lo)" 0; }
check "schema 5 (new): record version 2, 4-byte fields; schema 2: version 1, 7-byte fields" 	$([ "$(redis-cli -p "$PORT" -n 7 hget '{ds}:meta' schema)" = 5 ] && [ "$(recver 7)" = '"\x02"' ] &&
	  [ "$(recver 8)" = '"\x01"' ] && [ "$(flen 7)" = 4 ] && [ "$(flen 8)" = 7 ]; echo $?)
"$DESPIN" index add -q -i "$W/ref3.db" $A > /dev/null 2>&1
for d in 7 8; do "$DESPIN" index query -i "$U/$d" -n 3 $S/003_cc34e14e2e5a732a.txt > "$W/q$d" 2>&1; done
"$DESPIN" index query -i "$W/ref3.db" -n 3 $S/003_cc34e14e2e5a732a.txt > "$W/q.ref3" 2>&1
same "query of 003 on schema 2 gives what schema 5 gives" "$W/q7" "$W/q8"
same "and what SQLite gives" "$W/q.ref3" "$W/q7"
"$DESPIN" index remove -i "$U/8" $S/004_1faaaa5fa0c635fb.txt > /dev/null 2>&1 &&
	"$DESPIN" index check -i "$U/8" > "$W/check8" 2>&1
check "schema 2: remove, then check passes" $(grep -qx "$U/8: ok" "$W/check8"; echo $?)
redis-cli -p "$PORT" -n 7 flushdb > /dev/null
redis-cli -p "$PORT" -n 8 flushdb > /dev/null

# the same adds on SQLite and on Redis
"$DESPIN" index add -i "$W/ref.db" $A $S/000_fcd469a446cc7cc8.txt > "$W/add.sqlite" 2>&1
"$DESPIN" index add -i "$U" $A $S/000_fcd469a446cc7cc8.txt > "$W/add.redis" 2>&1
check "add exits 0" $?
same "add prints what it prints with SQLite (4 added, 1 already present)" "$W/add.sqlite" "$W/add.redis"
"$DESPIN" index add -i "$U" $A > "$W/add2" 2>&1
check "adding the same texts again is a no-op" \
	$(grep -qx "0 added, 4 already present" "$W/add2"; echo $?)
"$DESPIN" index list -i "$W/ref.db" > "$W/list.sqlite"
"$DESPIN" index list -i "$U" > "$W/list.redis"
same "list is the same as with SQLite" "$W/list.sqlite" "$W/list.redis"
"$DESPIN" index stats -i "$U" > "$W/stats"
keys=$("$DESPIN" index stats -i "$W/ref.db" | awk '/^band keys/ {print $3}')
check "stats: 4 sources, as many passage keys as with SQLite ($keys)" \
	$(grep -qx "sources  *4" "$W/stats" && grep -qx "band keys  *${keys:-none}" "$W/stats"; echo $?)
"$DESPIN" index check -i "$U" > "$W/check" 2>&1
check "stats: the texts' bytes apart, and the bytes per source without them" \
	$(awk '$1 == "sources" { n = $2 } $1 == "bytes" && NF == 2 { b = $2 } $1 == "texts" { t = $3 }
	       $1 == "per" && $3 == "no" { r = $5 }
	       END { exit !(t > 0 && t < b && r == int((b - t) / n)) }' "$W/stats"; echo $?)
check "check passes" $(grep -qx "$U: ok" "$W/check"; echo $?)
# ids of several generations: a query finds sources in each, and check
# passes.  Schema 5 (db 6): generation 0 holds ids 1..16384, the counter
# moved past 40000 and 70000 puts the next ids in generations 2 and 3,
# whose buckets are other keys; schema 4 (db 5, its meta hash written as
# an earlier despin wrote it, with db 6's fingerprint parameters):
# generation 0 holds ids 1..1024, and ids 3001 and 5001 are in
# generations 2 and 3.
gens() { # DB SCHEMA FIRST SECOND
	if [ "$2" != new ]; then
		fp=$(redis-cli -p "$PORT" -n 6 hget '{ds}:meta' fingerprint)
		redis-cli -p "$PORT" -n "$1" hset '{ds}:meta' magic despin-index schema "$2" fingerprint "$fp" \
			gen 0123456789abcdef > /dev/null
	fi
	"$DESPIN" index add -q -i "$U/$1" $S/002_1eca5ce85436633a.txt $S/004_1faaaa5fa0c635fb.txt > /dev/null 2>&1
	redis-cli -p "$PORT" -n "$1" set '{ds}:next' "$3" > /dev/null
	"$DESPIN" index add -q -i "$U/$1" $S/000_fcd469a446cc7cc8.txt > /dev/null 2>&1
	redis-cli -p "$PORT" -n "$1" set '{ds}:next' "$4" > /dev/null
	"$DESPIN" index add -q -i "$U/$1" $S/001_455d42bae2579fa5.txt > /dev/null 2>&1
	"$DESPIN" index query -i "$U/$1" -n 3 $S/003_cc34e14e2e5a732a.txt > "$W/q.gen$1" 2>&1
	"$DESPIN" index check -i "$U/$1" > "$W/check.gen$1" 2>&1
	# the generations' buckets {pG:PREFIX}: the bits of the highest
	# PREFIX of each G (its buckets' bits, unless no passage key of the
	# generation has the top one: about once in 2^100 here)
	redis-cli -p "$PORT" -n "$1" --raw eval "local hi, out = {}, {}
		for _, k in ipairs(redis.call('KEYS', '{p*')) do
		  local g, h = string.match(k, '^{p(%d+):(%x+)}$')
		  if g then hi[tonumber(g)] = math.max(hi[tonumber(g)] or 0, tonumber(h, 16)) end
		end
		for g = 0, 30 do
		  if hi[g] then
		    local b = 0
		    while hi[g] >= 1 do hi[g] = math.floor(hi[g] / 2); b = b + 1 end
		    out[#out + 1] = g .. ':' .. b
		  end
		end
		return table.concat(out, ' ')" 0 > "$W/gens$1"
}
gens 6 new 40000 70000
gens 5 4 3000 5000
check "schema 5: sources of generations 0, 2 and 3 found (ids 40001 then 70001), check passes" \
	$(awk -F'\t' 'NR == 1 && $2 == 40001 { a = 1 } NR == 2 && $2 == 70001 { b = 1 } END { exit !(a && b) }' "$W/q.gen6" &&
	  grep -q ": ok$" "$W/check.gen6"; echo $?)
check "schema 4: sources of generations 0, 2 and 3 found (ids 3001 then 5001), check passes" \
	$(awk -F'\t' 'NR == 1 && $2 == 3001 { a = 1 } NR == 2 && $2 == 5001 { b = 1 } END { exit !(a && b) }' "$W/q.gen5" &&
	  grep -q ": ok$" "$W/check.gen5"; echo $?)
cut -f1,3- "$W/q.gen5" > "$W/q.gen5.noid"
cut -f1,3- "$W/q.gen6" > "$W/q.gen6.noid"
same "schemas 5 and 4 answer the query alike, but for the ids" "$W/q.gen5.noid" "$W/q.gen6.noid"
echo "# bucket bits by generation, schema 5: $(cat "$W/gens6"); schema 4: $(cat "$W/gens5")"
check "schema 5's buckets: 2^15 in generation 0, 2^16 in 2, 2^17 in 3" \
	$([ "$(cat "$W/gens6")" = "0:15 2:16 3:17" ]; echo $?)
check "schema 4's buckets: 2^11 in generation 0, 2^12 in 2, 2^13 in 3" \
	$([ "$(cat "$W/gens5")" = "0:11 2:12 3:13" ]; echo $?)
"$DESPIN" index stats -i "$U/6" > "$W/stats6" 2>&1
"$DESPIN" index stats -i "$U/5" > "$W/stats5" 2>&1
check "stats names the format: 5, and 4 as older, saying how to move it to 5" \
	$(grep -qx "format  *5" "$W/stats6" &&
	  grep -qx "format  *4 (older: 'index copy' into a new index gives 5)" "$W/stats5"; echo $?)
redis-cli -p "$PORT" -n 5 flushdb > /dev/null
redis-cli -p "$PORT" -n 6 flushdb > /dev/null
"$DESPIN" index query -i "$W/ref.db" -n 3 $S/003_cc34e14e2e5a732a.txt > "$W/q.sqlite"
"$DESPIN" index query -i "$U" -n 3 $S/003_cc34e14e2e5a732a.txt > "$W/q.redis"
same "query of 003 gives what SQLite gives" "$W/q.sqlite" "$W/q.redis"
check "003's sources are found (000 then 001, by coverage)" \
	$(awk -F'\t' 'NR == 1 && $2 == 1 { a = 1 } NR == 2 && $2 == 2 { b = 1 } END { exit !(a && b) }' \
		"$W/q.redis"; echo $?)

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
	same "scan -i redis:// -j 2 gives what scan -i FILE gives" "$W/scan.sqlite" "$W/scan.redis"
	check "scan: 003 is spun, from 000" \
		$(grep -q "^spun .*000_fcd469a446cc7cc8.txt.*003_cc34e14e2e5a732a.txt$" "$W/scan.redis"; echo $?)
	SCAN=1
else
	[ "$SCAN_RC" = skip ] && ok "scan # SKIP models missing"
	SCAN=0
fi

# copy both ways, and into a second database of the same server
rm -f "$W/copy.db"
"$DESPIN" index copy "$U" "$W/copy.db" > "$W/copy1" 2>&1
check "copy redis -> sqlite" $(grep -qx "4 copied, 0 already present" "$W/copy1"; echo $?)
"$DESPIN" index list -i "$W/copy.db" > "$W/list.copy"
same "the copy in SQLite has the same list" "$W/list.redis" "$W/list.copy"
"$DESPIN" index copy "$W/copy.db" "$U/3" > "$W/copy2" 2>&1
check "copy sqlite -> redis (database 3)" $(grep -qx "4 copied, 0 already present" "$W/copy2"; echo $?)
"$DESPIN" index list -i "$U/3" > "$W/list.copy2"
same "the copy in Redis has the same list" "$W/list.redis" "$W/list.copy2"
"$DESPIN" index copy "$W/copy.db" "$U/3" > "$W/copy3" 2>&1
check "copying again adds nothing" $(grep -qx "0 copied, 4 already present" "$W/copy3"; echo $?)
"$DESPIN" index check -i "$U/3" > /dev/null 2>&1
check "the copy passes check" $?
redis-cli -p "$PORT" -n 5 set somekey 1 > /dev/null
"$DESPIN" index add -i "$U/5" $S/000_fcd469a446cc7cc8.txt > /dev/null 2> "$W/err"
check "a database holding other keys is refused" \
	$([ $? = 2 ] && grep -q "holds 1 keys but no despin index" "$W/err"; echo $?)

# remove, then kill -9 the server: the acknowledged state survives
"$DESPIN" index remove -i "$U" $S/004_1faaaa5fa0c635fb.txt > /dev/null 2>&1
check "remove" $?
"$DESPIN" index add -i "$U" $S/003_cc34e14e2e5a732a.txt > /dev/null 2>&1
"$DESPIN" index list -i "$U" > "$W/before"
check "list after remove and add: 4 sources, 004 gone" \
	$([ "$(($(wc -l < "$W/before") - 1))" = 4 ] && ! grep -q 004_ "$W/before"; echo $?)
stop
start
check "redis-server restarts from its AOF after kill -9" $?
"$DESPIN" index list -i "$U" > "$W/after" 2>&1
same "no acknowledged add or remove is lost" "$W/before" "$W/after"
"$DESPIN" index check -i "$U" > /dev/null 2>&1
check "check passes after the restart" $?

# the index's in-domain language model, stored on the server (database 6)
mkdir "$W/market"
i=0
while [ $i -lt 120 ]; do
	echo "Shares of company $i rose $((i % 37 + 3)) cents in early trading on the exchange. Analysts said the quarterly dividend was in line with forecasts for the $((i % 9 + 2))th time. Traders expect the central bank to hold interest rates steady at its next meeting." > "$W/market/m$i.txt"
	i=$((i + 1))
done
"$DESPIN" index add -q --no-train -i "$U/6" "$W/market" > /dev/null 2> "$W/train" &&
	"$DESPIN" index train -i "$U/6" > "$W/train" 2>&1
check "index train on Redis stores an in-domain model" \
	$(grep -q "^in-domain model: " "$W/train"; echo $?)
echo "Shares of company 999 rose 7 cents in early trading on the exchange." > "$W/q.txt"
p0=$("$DESPIN" lm score --summary "$W/q.txt" | cut -d' ' -f2)
p1=$("$DESPIN" lm score --summary -i "$U/6" "$W/q.txt" | cut -d' ' -f2)
check "lm score -i mixes it in: perplexity $p0 -> $p1" \
	$(awk -v a="$p0" -v b="$p1" 'BEGIN { exit !(b > 0 && b < a / 2) }'; echo $?)

# the queries before the killed add: the vacuum must give them back (until it
# runs, the dead writer's staged ids count towards a passage key's 48-source
# limit, so how many it staged changes them)
"$DESPIN" index query -i "$U" -n 3 $S/003_cc34e14e2e5a732a.txt $S/001_455d42bae2579fa5.txt > "$W/q.before" 2>&1
# a writer killed mid-add leaves nothing visible: SIGKILL during a big add
mkdir "$W/many"
i=0
while [ $i -lt 200 ]; do
	awk -v t="$i" '{ print } END { print "The marker of copy " t " reads " t "x" t "." }' \
		"$S/000_fcd469a446cc7cc8.txt" | tr '0-9' 'a-j' > "$W/many/m$i.txt"
	i=$((i + 1))
done
# the kill lands once some records are staged, whatever the machine's speed
"$DESPIN" index add -i "$U" "$W/many" > /dev/null 2>&1 &
apid=$!
w=0
while [ $w -lt 200 ] && kill -0 $apid 2>/dev/null; do
	[ "$(redis-cli -p "$PORT" --scan --pattern '{src:*}' | wc -l)" -gt 10 ] && break
	sleep 0.02
	w=$((w + 1))
done
kill -9 $apid 2>/dev/null
wait $apid 2>/dev/null
staged=$(redis-cli -p "$PORT" --scan --pattern '{src:*}' | wc -l)
echo "# records written when the add was killed: $staged, of which 4 published"
"$DESPIN" index list -i "$U" > "$W/after2" 2>&1
# the kill must land inside the add's transaction: records staged, the
# add not finished (a finished add would make the test below vacuous)
check "the add was killed inside its transaction (records staged, add not finished)" \
	$([ "$staged" -gt 4 ] && [ "$(wc -l < "$W/after2")" -lt "$(($(wc -l < "$W/before") + 200))" ]; echo $?)
same "a killed add (one transaction) leaves the list as it was" "$W/before" "$W/after2"
"$DESPIN" index check -i "$U" > "$W/check2" 2>&1
check "check passes after the killed add" $?
redis-cli -p "$PORT" zadd '{ds:00}:ids' 2.5 junk > /dev/null
"$DESPIN" index check -i "$U" > "$W/check3" 2>&1
check "check finds a junk member in the id set" \
	$([ $? = 2 ] && grep -q "holds 'junk', not a source id" "$W/check3"; echo $?)
redis-cli -p "$PORT" zrem '{ds:00}:ids' junk > /dev/null

# vacuum: the killed add's staged postings and records go once a mark set
# by an earlier vacuum is older than the staging time to live and an hour
# (the mark's clock is set back here instead of waiting a day)
"$DESPIN" index vacuum -i "$U" > "$W/vac1" 2>&1
check "a first vacuum sets its mark and removes nothing" \
	$(grep -qx "postings removed   0" "$W/vac1" && grep -qx "records removed    0" "$W/vac1" &&
	  grep -qx "next sweep in      25.0 h" "$W/vac1"; echo $?)
"$DESPIN" index vacuum -i "$U" > "$W/vac2" 2>&1
check "a vacuum before the mark is ripe removes nothing and keeps the mark" \
	$(grep -qx "postings removed   0" "$W/vac2" && grep -q "^next sweep in      2[45]\.[0-9] h" "$W/vac2"; echo $?)
mark=$(redis-cli -p "$PORT" hget '{ds}:meta' vacuum)
redis-cli -p "$PORT" hset '{ds}:meta' vacuum "${mark% *} $((${mark#* } - 90000001))" > /dev/null
"$DESPIN" index vacuum -i "$U" > "$W/vac3" 2>&1
sed 's/^/# /' "$W/vac3"
check "a ripe vacuum removes the killed add's postings and its $((staged - 4)) staged records" \
	$(awk '/^postings removed/ { p = $3 } /^records removed/ { r = $3 } END { exit !(p > 0 && r == '$((staged - 4))') }' "$W/vac3"; echo $?)
check "no record is left but the sources' (4)" \
	$([ "$(redis-cli -p "$PORT" --scan --pattern '{src:*}' | wc -l)" = 4 ]; echo $?)
"$DESPIN" index list -i "$U" > "$W/after3" 2>&1
same "vacuum leaves the sources as they were" "$W/before" "$W/after3"
"$DESPIN" index check -i "$U" > /dev/null 2>&1
check "check passes after the vacuum" $?
"$DESPIN" index query -i "$U" -n 3 $S/003_cc34e14e2e5a732a.txt $S/001_455d42bae2579fa5.txt > "$W/q.after" 2>&1
same "after the vacuum, queries answer as before the killed add" "$W/q.before" "$W/q.after"

# an address of two servers, the first one down: the index opens on the
# second (it used to fail: "cannot connect to" the first)
DEAD=$(redis_free_port)
"$DESPIN" index list -i "redis://127.0.0.1:$DEAD,127.0.0.1:$PORT" > "$W/two" 2>&1
same "an address whose first server is down opens the index on the next" "$W/before" "$W/two"

# server gone mid-scan: one error line per article, no hang
if [ $SCAN = 1 ]; then
	mkfifo "$W/in"
	rec() { python3 -c 'import json, sys; print(json.dumps({"id": sys.argv[1], "text": open(sys.argv[2]).read()}))' "$1" "$2"; }
	run_fifo() { # OPTIONS...: scan --stdin-json against $U; record 1, $1, then records 2-3
		timeout 60 "$DESPIN" scan "$@" --stdin-json -i "$U?timeout=2000" < "$W/in" > "$W/fout" 2> "$W/ferr" &
		spid=$!
		exec 3> "$W/in"
		rec a1 $S/003_cc34e14e2e5a732a.txt >&3
		i=0
		while [ $i -lt 200 ] && [ "$(wc -l < "$W/fout")" -lt 2 ]; do sleep 0.05; i=$((i + 1)); done
	}
	run_fifo --retry 0
	stop
	rec a2 $S/003_cc34e14e2e5a732a.txt >&3
	rec a3 $S/001_455d42bae2579fa5.txt >&3
	exec 3>&-
	wait $spid
	rc=$?
	check "scan with the server gone exits 2 (not a crash, not a hang)" $([ $rc = 2 ]; echo $?)
	check "the first article was scanned before" $(grep -q "^spun .*a1$" "$W/fout"; echo $?)
	nerr=$(grep -c "index $U.*127.0.0.1:$PORT" "$W/ferr")
	check "one error line per later article, naming the index and the problem" \
		$([ "$nerr" = 2 ] && [ "$(wc -l < "$W/ferr")" = 2 ]; echo $?)
	sed 's/^/# /' "$W/ferr"
	start
	run_fifo --retry 30
	stop
	(exec 3>&-; sleep 1; start) &
	rpid=$!
	rec a2 $S/003_cc34e14e2e5a732a.txt >&3
	rec a3 $S/001_455d42bae2579fa5.txt >&3
	exec 3>&-
	wait $spid
	rc=$?
	wait $rpid
	check "with --retry the scan waits for the server and resumes" \
		$([ $rc -le 1 ] && grep -q "^spun .*a2$" "$W/fout" && grep -q "a3$" "$W/fout" && [ ! -s "$W/ferr" ]; echo $?)

	# the index gone under a running scan (FLUSHALL; a restart without the
	# data): an error for each later article, never "no source found"
	run_fifo --retry 0
	redis-cli -p "$PORT" flushall > /dev/null
	rec a2 $S/003_cc34e14e2e5a732a.txt >&3
	rec a3 $S/001_455d42bae2579fa5.txt >&3
	exec 3>&-
	wait $spid
	rc=$?
	check "FLUSHALL mid-scan: exit 2, one error per later article, no verdict for them" \
		$([ $rc = 2 ] && [ "$(grep -c "index $U is gone: it was emptied" "$W/ferr")" = 2 ] &&
		  ! grep -q "^\(spun\|clean\|unjudged\) .*a[23]$" "$W/fout" && [ "$(grep -c "^error .*a[23]$" "$W/fout")" = 2 ]; echo $?)
	sed 's/^/# /' "$W/ferr"
	"$DESPIN" index add -i "$U" $A > /dev/null 2>&1
	run_fifo --retry 30
	stop
	rm -rf "$W/$PORT"
	start
	rec a2 $S/003_cc34e14e2e5a732a.txt >&3
	rec a3 $S/001_455d42bae2579fa5.txt >&3
	exec 3>&-
	wait $spid
	rc=$?
	check "restart without the data mid-scan, with --retry: exit 2, the restart named" \
		$([ $rc = 2 ] && [ "$(grep -c "index $U is gone: the server restarted without it" "$W/ferr")" = 2 ] &&
		  ! grep -q "^\(spun\|clean\|unjudged\) .*a[23]$" "$W/fout" && [ "$(grep -c "^error .*a[23]$" "$W/fout")" = 2 ]; echo $?)
	sed 's/^/# /' "$W/ferr"
fi
echo "1..$n"
