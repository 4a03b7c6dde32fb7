#!/bin/sh
# despin worker and despin submit on a real Redis server: three workers
# drain one stream while one of them is killed (SIGKILL) in the middle of an
# article; every article gets exactly one result, the verdicts of scan -i;
# SIGTERM stops a worker cleanly; one worker judges on several threads
# (-j); --threshold and --min-p are scan's; submit --stdin-json adds the
# records of a (compressed) stream by id, submit of a file of records
# and of a WARC archive their records by id and pages by URI.  Prints TAP; skips if redis-server or the
# models are missing.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/redis.sh"
if [ ! -f models/lm.bin ] || [ ! -f models/lex.bin ] || [ ! -f models/scorer.bin ]; then
	echo "ok 1 - workers # SKIP models missing"
	echo "1..1"
	exit 0
fi
PORT=$(redis_free_port)
U=redis://127.0.0.1:$PORT
redis_start "$PORT" || { nok "redis-server starts"; echo "1..$n"; exit 1; }
ok "redis-server starts on 127.0.0.1:$PORT"
R="redis-cli -p $PORT"
# verdicts < JSONL: "verdict NAME VERDICT" for each JSON verdict line, sorted
# and without repeats
verdicts() {
	python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print("verdict", r["file"].split("/")[-1], r["verdict"])' | sort -u
}
# joined DB: waits (up to 20 s) until a worker on database DB has joined the group
joined() {
	i=0
	while [ $i -lt 400 ] && ! $R -n "$1" xinfo groups '{despin}:articles' 2> /dev/null | grep -q despin; do
		sleep 0.05
		i=$((i + 1))
	done
}

"$DESPIN" index add -q -i "$U" corpus/seeds > /dev/null 2>&1
mkdir "$W/in"
cp corpus/seeds/*.txt "$W/in/"
ls corpus/bench/spun/*.txt 2> /dev/null | head -13 | while read -r f; do cp "$f" "$W/in/"; done
# first in the stream, a long article (the first 100 kB of the corpus,
# judged on its own): worker A below is still on it when it is killed,
# however fast the others are judged
head -c 100000 corpus/train.txt > "$W/in/000-long.txt"
total=$(ls "$W/in" | wc -l)
"$DESPIN" submit --queue "$U" "$W/in" > "$W/submit" 2>&1
check "submit adds every article ($total)" $(grep -qx "$total submitted to {despin}:articles" "$W/submit"; echo $?)

# worker A is killed once it holds an article it has not finished; B (one
# reader) and C (two) drain the stream
"$DESPIN" worker -i "$U" --name A --claim-ms 1500 > "$W/A.out" 2>&1 &
apid=$!
i=0
while [ $i -lt 600 ]; do
	p=$($R xpending '{despin}:articles' despin - + 10 A 2> /dev/null | grep -c '^[0-9]*-[0-9]*$')
	[ "$p" -gt 0 ] && break
	sleep 0.02
	i=$((i + 1))
done
kill -9 $apid
wait $apid 2>/dev/null
held=$($R xpending '{despin}:articles' despin - + 10 A | grep '^[0-9]*-[0-9]*$' | head -1)
echo "# worker A killed holding entry $held"
check "worker A was killed holding an unfinished article" $([ -n "$held" ]; echo $?)
"$DESPIN" worker -i "$U" --name B --claim-ms 1500 --until-empty > "$W/B.out" 2>&1 &
bpid=$!
"$DESPIN" worker -i "$U" --name C --claim-ms 1500 --until-empty --readers 2 > "$W/C.out" 2>&1
wait $bpid
# the entry A held goes idle for 1.5 s: workers that stop at an empty
# stream wait for it (it is pending) and one of them takes it over
cat "$W/B.out" "$W/C.out" | sed 's/^/# /'
$R xrange '{despin}:results' - + > "$W/results"
python3 - "$W/results" "$held" > "$W/check" <<'PY'
import sys, json
lines = open(sys.argv[1]).read().split("\n")
entries, names, verdicts, by = [], [], {}, {}
i = 0
while i < len(lines):
    if lines[i] == "entry":
        entries.append(lines[i + 1])
    if lines[i] == "worker":
        by[entries[-1]] = lines[i + 1]
    if lines[i] == "name":
        names.append(lines[i + 1])
    if lines[i] == "json":
        j = json.loads(lines[i + 1])
        verdicts[names[-1]] = j["verdict"]
    i += 1
print("results", len(entries), "distinct", len(set(entries)), "names", len(set(names)),
      "verdicts", len(verdicts))
print("held by", by.get(sys.argv[2], "none"))
for k in sorted(verdicts):
    print("verdict", k.split("/")[-1], verdicts[k])
PY
sed 's/^/# /' "$W/check" | head -4
check "every article has exactly one result ($total), none lost, none twice" \
	$(grep -qx "results $total distinct $total names $total verdicts $total" "$W/check"; echo $?)
check "the killed worker's article was taken over (judged by B or C, pending 0)" \
	$([ "$($R xpending '{despin}:articles' despin | head -1)" = 0 ] &&
	  grep -qx "held by [BC]" "$W/check"; echo $?)
"$DESPIN" scan -i "$U" --format json "$W/in" 2> /dev/null |
	verdicts > "$W/scan.v"
grep '^verdict' "$W/check" | sort > "$W/worker.v"
check "the workers' verdicts are those of scan -i" $(cmp -s "$W/scan.v" "$W/worker.v"; echo $?)
"$DESPIN" worker --stats --queue "$U" > "$W/stats" 2>&1
sed 's/^/# /' "$W/stats"
check "worker --stats counts $total processed, 0 pending" \
	$(grep -qx "processed *$total" "$W/stats" && grep -qx "pending *0" "$W/stats"; echo $?)
trips=$(awk '/^round trips/ { print $3 }' "$W/stats")
check "at most 4 round trips to the index per article ($trips)" \
	$(awk -v t="$trips" 'BEGIN { exit !(t > 0 && t <= 4) }'; echo $?)

# SIGTERM: the worker finishes what it holds and stops, exit 0
"$DESPIN" worker -i "$U" --name E > "$W/E.out" 2>&1 &
epid=$!
sleep 1
"$DESPIN" submit --queue "$U" corpus/seeds/003_cc34e14e2e5a732a.txt > /dev/null 2>&1
sleep 0.5
kill -TERM $epid
i=0
while kill -0 $epid 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
wait $epid
rc=$?
sed 's/^/# /' "$W/E.out"
check "SIGTERM stops a worker cleanly (exit 0, its article finished, nothing pending)" \
	$([ $rc = 0 ] && grep -q "stopped by a signal" "$W/E.out" &&
	  [ "$($R xpending '{despin}:articles' despin | head -1)" = 0 ]; echo $?)

# SIGTERM while the worker holds articles read ahead (--prefetch 2): it
# judges those it holds and stops; what it did not read stays in the stream
# (the articles submitted K times over, at least 40 entries, before the
# worker starts: submitted while it runs, they could all be judged as they
# come, before the signal)
K=$(((40 + total - 1) / total))
many=$((K * total))
"$DESPIN" index add -q -i "$U/5" corpus/seeds > /dev/null 2>&1
i=0
while [ $i -lt $K ]; do "$DESPIN" submit --queue "$U/5" "$W/in" > /dev/null 2>&1; i=$((i + 1)); done
"$DESPIN" worker -i "$U/5" --name H > "$W/H.out" 2>&1 &
hpid=$!
joined 5
i=0
while [ $i -lt 400 ] && [ "$($R -n 5 xlen '{despin}:results')" = 0 ]; do sleep 0.01; i=$((i + 1)); done
kill -TERM $hpid
wait $hpid
rc=$?
sed 's/^/# /' "$W/H.out"
hres=$($R -n 5 xlen '{despin}:results')
hleft=$($R -n 5 xlen '{despin}:articles')
echo "# $hres judged, $hleft left in the stream"
check "SIGTERM with articles read ahead: each one read judged, the rest left unread ($hres + $hleft = $many)" \
	$([ $rc = 0 ] && [ $((hres + hleft)) = "$many" ] && [ "$hleft" -gt 0 ] &&
	  [ "$($R -n 5 xpending '{despin}:articles' despin | head -1)" = 0 ]; echo $?)
# the rest, one article at a time (--prefetch 0): the verdicts are those of
# scan -i, and the judge waited for every look-up
"$DESPIN" worker -i "$U/5" --name I --prefetch 0 --until-empty > "$W/I.out" 2>&1
$R -n 5 xrange '{despin}:results' - + | awk 'p == "json" { print } { p = $0 }' > "$W/I.json"
verdicts < "$W/I.json" > "$W/I.v"
"$DESPIN" worker --stats --queue "$U/5" > "$W/I.stats"
check "worker --prefetch 0 and the default judge as scan -i does ($(wc -l < "$W/I.v") articles)" \
	$(cmp -s "$W/scan.v" "$W/I.v" && grep -qx "processed *$many" "$W/I.stats"; echo $?)

# one worker, three judging threads (-j 3, its readers and read-ahead by
# default): every article one result, the verdicts of scan -i
"$DESPIN" index add -q -i "$U/8" corpus/seeds > /dev/null 2>&1
"$DESPIN" submit --queue "$U/8" "$W/in" > /dev/null 2>&1
"$DESPIN" submit --queue "$U/8" "$W/in" > /dev/null 2>&1
"$DESPIN" worker -i "$U/8" --name J -j 3 --until-empty > "$W/J.out" 2>&1
jrc=$?
sed 's/^/# /' "$W/J.out"
$R -n 8 xrange '{despin}:results' - + | awk 'p == "json" { print } { p = $0 }' > "$W/J.json"
verdicts < "$W/J.json" > "$W/J.v"
check "worker -j 3 judges each article once, as scan -i does ($((2 * total)) articles)" \
	$([ $jrc = 0 ] && grep -qx "worker J: $((2 * total)) processed, 0 failed, 0 finished by another worker" "$W/J.out" &&
	  [ "$(wc -l < "$W/J.json")" = $((2 * total)) ] && cmp -s "$W/scan.v" "$W/J.v" &&
	  [ "$($R -n 8 xpending '{despin}:articles' despin | head -1)" = 0 ]; echo $?)
"$DESPIN" worker -i "$U/8" -j 2 --prefetch 0 > "$W/J0.out" 2>&1
j0rc=$?
check "worker -j 2 --prefetch 0 is refused (exit 2, one line)" \
	$([ $j0rc = 2 ] && grep -qx 'despin: -j 2 needs --prefetch above 0 (one article at a time has one judge)' "$W/J0.out"; echo $?)

# --threshold and --min-p are scan's: the verdicts, scores and flags of
# scan -i with the same options (fewer flags than by default: 003 against
# 000 alone, its other paragraphs judged on their own, the model's flags)
flags() {
	python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(r["file"].split("/")[-1], r["verdict"], r["score"], r["threshold"],
          len(r.get("substitutions", [])), min([s["p"] for s in r.get("substitutions", [])] or [1]))' | sort
}
"$DESPIN" index add -q -i "$U/10" corpus/seeds/000_fcd469a446cc7cc8.txt > /dev/null 2>&1
"$DESPIN" submit --queue "$U/10" "$W/in" > /dev/null 2>&1
"$DESPIN" worker -i "$U/10" --name T --threshold 0.5 --min-p 0.9 --until-empty > "$W/T.out" 2>&1
trc=$?
$R -n 10 xrange '{despin}:results' - + | awk 'p == "json" { print } { p = $0 }' | flags > "$W/T.f"
"$DESPIN" scan -i "$U/10" --threshold 0.5 --min-p 0.9 --format json "$W/in" 2> /dev/null | flags > "$W/scanT.f"
"$DESPIN" scan -i "$U/10" --format json "$W/in" 2> /dev/null | flags > "$W/scan0.f"
sed 's/^/# /' "$W/T.f" | head -3
check "worker --threshold 0.5 --min-p 0.9 judges and lists flags as scan -i with them does" \
	$([ $trc = 0 ] && [ "$(wc -l < "$W/T.f")" = "$total" ] && cmp -s "$W/scanT.f" "$W/T.f" &&
	  awk '$4 != 0.5 || $6 < 0.9 { exit 1 }' "$W/T.f" &&
	  [ "$(awk '{ n += $5 } END { print n }' "$W/T.f")" -lt "$(awk '{ n += $5 } END { print n }' "$W/scan0.f")" ]; echo $?)
"$DESPIN" worker -i "$U/10" --min-p 1.5 > "$W/T1.out" 2>&1
t1rc=$?
check "worker --min-p 1.5 is refused (exit 2, one line)" \
	$([ $t1rc = 2 ] && [ "$(wc -l < "$W/T1.out")" = 1 ] && grep -q -- "--min-p" "$W/T1.out"; echo $?)

# despin results: the verdicts as JSON Lines, taken from the stream once
# printed (--keep leaves them); an entry of another program's is passed over
# and left
$R -n 5 xadd '{despin}:results' '*' note other > /dev/null
"$DESPIN" results --queue "$U/5" --keep > "$W/R1.jsonl"
rrc=$?
"$DESPIN" results --queue "$U/5" > "$W/R2.jsonl"
"$DESPIN" results --queue "$U/5" > "$W/R3.jsonl"
rrc3=$?
verdicts < "$W/R2.jsonl" > "$W/R2.v"
check "results prints each verdict, exit 1 with spun ones; --keep leaves them, then they are taken, not the other entry" \
	$([ $rrc = 1 ] && cmp -s "$W/R1.jsonl" "$W/R2.jsonl" && cmp -s "$W/scan.v" "$W/R2.v" &&
	  [ "$(wc -l < "$W/R2.jsonl")" = "$many" ] &&
	  [ ! -s "$W/R3.jsonl" ] && [ $rrc3 = 0 ] &&
	  [ "$($R -n 5 xlen '{despin}:results')" = 1 ]; echo $?)
# --follow prints results as a worker writes them; an article that could
# not be judged is an error record and exit 2
"$DESPIN" index add -q -i "$U/6" corpus/seeds > /dev/null 2>&1
"$DESPIN" results --queue "$U/6" --follow > "$W/F.jsonl" 2> "$W/F.err" &
fpid=$!
"$DESPIN" worker -i "$U/6" --name F > "$W/F.out" 2>&1 &
wpid=$!
"$DESPIN" submit --queue "$U/6" corpus/seeds/001_455d42bae2579fa5.txt corpus/seeds/003_cc34e14e2e5a732a.txt > /dev/null 2>&1
$R -n 6 xadd '{despin}:articles' '*' name empty.txt text '' > /dev/null
i=0
while [ $i -lt 400 ] && [ "$(wc -l < "$W/F.jsonl")" -lt 3 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $fpid $wpid
wait $fpid
frc=$?
wait $wpid
sed 's/^/# /' "$W/F.jsonl" | cut -c1-120
check "results --follow prints each verdict as it is written, the empty article as an error (exit 2)" \
	$([ $frc = 2 ] && [ "$(wc -l < "$W/F.jsonl")" = 3 ] &&
	  grep -q '^{"file":"empty.txt","error":"' "$W/F.jsonl" &&
	  grep -q '"file":"corpus/seeds/003_cc34e14e2e5a732a.txt","verdict":"spun"' "$W/F.jsonl" &&
	  [ "$($R -n 6 xlen '{despin}:results')" = 0 ]; echo $?)

# a generation of ids opened after the worker opened the index (the counter
# moved past 20000, into generation 1, ids 16385..32768): the worker's next
# look-up reads it too and finds 000
S=corpus/seeds
"$DESPIN" index add -q -i "$U/7" $S/002_1eca5ce85436633a.txt $S/004_1faaaa5fa0c635fb.txt > /dev/null 2>&1
"$DESPIN" worker -i "$U/7" --name G > "$W/G.out" 2>&1 &
gpid=$!
joined 7
$R -n 7 set '{ds}:next' 20000 > /dev/null
"$DESPIN" index add -q -i "$U/7" $S/000_fcd469a446cc7cc8.txt > /dev/null 2>&1
"$DESPIN" submit --queue "$U/7" $S/003_cc34e14e2e5a732a.txt > /dev/null 2>&1
i=0
while [ $i -lt 400 ] && [ "$($R -n 7 xlen '{despin}:results')" != 1 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $gpid
wait $gpid
$R -n 7 xrange '{despin}:results' - + > "$W/G.results"
check "a generation opened while a worker runs: its next article finds the source there (id 20001)" \
	$(grep -q '"source": *"corpus/seeds/000_fcd469a446cc7cc8.txt"' "$W/G.results" &&
	  "$DESPIN" index list -i "$U/7" | grep -q '^ *20001 .*000_fcd469a446cc7cc8.txt$' &&
	  [ "$($R -n 7 --scan --pattern '{p1:*' | head -1)" ]; echo $?)

# the index's server goes away while a worker drains the stream (held by
# another server) and comes back (from its AOF) a second later: the worker
# waits for it (--retry, 30 by default) as it waits for the stream's, and no
# article fails
P2=$(redis_free_port)
redis_start "$P2" || nok "a second redis-server starts"
U2=redis://127.0.0.1:$P2
"$DESPIN" index add -q -i "$U2" corpus/seeds > /dev/null 2>&1
mkdir "$W/many"
for i in $(seq 1 60); do cp corpus/seeds/003_cc34e14e2e5a732a.txt "$W/many/$i.txt"; done
"$DESPIN" submit --queue "$U/9" "$W/many" > /dev/null 2>&1
"$DESPIN" worker -i "$U2" --queue "$U/9" --name K --until-empty > "$W/K.out" 2> "$W/K.err" &
kpid=$!
i=0
while [ $i -lt 400 ] && [ "$($R -n 9 xlen '{despin}:results')" -lt 2 ]; do
	sleep 0.05
	i=$((i + 1))
done
redis_stop "$P2"
sleep 1
redis_start "$P2"
wait $kpid
krc=$?
sed 's/^/# /' "$W/K.out" "$W/K.err" | head -5
$R -n 9 xrange '{despin}:results' - + | grep -A1 '^error$' | sed 's/^/# /' | head -4
check "the index's server restarted under a worker: every article judged, none failed (exit 0)" \
	$([ $krc = 0 ] && grep -qx "worker K: 60 processed, 0 failed, 0 finished by another worker" "$W/K.out" &&
	  [ "$($R -n 9 xrange '{despin}:results' - + | grep -c '^error$')" = 0 ]; echo $?)
# submit --stdin-json: records (gzip-compressed) named by their ids, a bad
# record an error in its place (exit 2) and the others added; the worker's
# verdicts are scan's on the same records
"$DESPIN" index add -q -i "$U/11" corpus/seeds/000_fcd469a446cc7cc8.txt > /dev/null 2>&1
python3 -c '
import json
for i in ("001", "003"):
    f = {"001": "corpus/seeds/001_455d42bae2579fa5.txt", "003": "corpus/seeds/003_cc34e14e2e5a732a.txt"}[i]
    print(json.dumps({"id": "rec-" + i, "text": open(f, encoding="utf-8").read()}))
    if i == "001":
        print("{not json")' | gzip -c > "$W/recs.jsonl.gz"
"$DESPIN" submit --queue "$U/11" --stdin-json < "$W/recs.jsonl.gz" > "$W/J.submit" 2> "$W/J.err"
jrc=$?
sed 's/^/# /' "$W/J.submit" "$W/J.err"
"$DESPIN" worker -i "$U/11" --queue "$U/11" --name J --until-empty > /dev/null 2>&1
"$DESPIN" results --queue "$U/11" > "$W/J.jsonl"
zcat "$W/recs.jsonl.gz" | "$DESPIN" scan -i "$U/11" --stdin-json --format json > "$W/J.scan" 2> /dev/null
check "submit --stdin-json adds the records of a compressed stream by id, a bad one an error (exit 2)" \
	$([ $jrc = 2 ] && grep -qx "2 submitted to {despin}:articles" "$W/J.submit" &&
	  grep -q "stdin:2: " "$W/J.err" &&
	  [ "$(verdicts < "$W/J.jsonl")" = "$(printf '%s\n' 'verdict rec-001 clean' 'verdict rec-003 spun')" ] &&
	  [ "$(verdicts < "$W/J.jsonl")" = "$(grep -v '"error"' "$W/J.scan" | verdicts)" ]; echo $?)
# submit of a WARC archive: its pages, named by their URIs; the worker's
# verdicts are scan's on the same archive
"$DESPIN" index add -q -i "$U/12" corpus/seeds/000_fcd469a446cc7cc8.txt > /dev/null 2>&1
"$DESPIN" submit --queue "$U/12" tests/fixtures/news.warc > "$W/A.submit" 2> "$W/A.err"
arc=$?
sed 's/^/# /' "$W/A.submit" "$W/A.err"
"$DESPIN" worker -i "$U/12" --queue "$U/12" --name A --until-empty > /dev/null 2>&1
"$DESPIN" results --queue "$U/12" > "$W/A.jsonl"
"$DESPIN" scan -i "$U/12" --format json tests/fixtures/news.warc > "$W/A.scan" 2> /dev/null
check "submit of a WARC archive adds its pages by URI, judged as scan judges the archive" \
	$([ $arc = 0 ] && grep -qx "1 submitted to {despin}:articles" "$W/A.submit" &&
	  [ "$(verdicts < "$W/A.jsonl")" = "verdict summit spun" ] &&
	  [ "$(verdicts < "$W/A.jsonl")" = "$(verdicts < "$W/A.scan")" ]; echo $?)
# submit of a file of records: as --stdin-json, by id
zcat "$W/recs.jsonl.gz" > "$W/recs.jsonl"
"$DESPIN" submit --queue "$U/13" "$W/recs.jsonl" > "$W/F.submit" 2> "$W/F.err"
frc=$?
# the index made in the database that already holds the queue: the
# queue's keys are despin's own, not another program's
"$DESPIN" index add -q -i "$U/13" corpus/seeds/000_fcd469a446cc7cc8.txt > "$W/F.add" 2>&1
sed 's/^/# /' "$W/F.add"
"$DESPIN" worker -i "$U/13" --queue "$U/13" --name F --until-empty > /dev/null 2>&1
"$DESPIN" results --queue "$U/13" > "$W/F.jsonl"
sed 's/^/# /' "$W/F.submit" "$W/F.err"
check "submit of a file of records adds them by id, a bad one an error (exit 2); the index made beside the queue" \
	$([ $frc = 2 ] && grep -qx "2 submitted to {despin}:articles" "$W/F.submit" &&
	  grep -q "recs.jsonl:2: " "$W/F.err" &&
	  [ "$(verdicts < "$W/F.jsonl")" = "$(verdicts < "$W/J.jsonl")" ]; echo $?)
echo "1..$n"
