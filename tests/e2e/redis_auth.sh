#!/bin/sh
# A Redis server that asks for a password: the address carries it
# (redis://[USER]:PASSWORD@HOST:PORT), or DESPIN_REDIS_PASSWORD does, for
# the index and for the streams of submit and worker; without it, or with
# a wrong one, a one-line message says so and never shows the password.
# Options of the address are checked.
# Prints TAP; skips if redis-server is missing.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/redis.sh"
[ -f models/scorer.bin ] || skip_all "redis with a password" "models not built (make models)"
PORT=$(redis_free_port)
export REDISCLI_AUTH=s3cret-pw
redis_start "$PORT" --requirepass s3cret-pw || { nok "redis-server starts"; echo "1..$n"; exit 1; }
ok "redis-server with a password starts on 127.0.0.1:$PORT"
S=corpus/seeds
U=redis://:s3cret-pw@127.0.0.1:$PORT
"$DESPIN" index list -i "redis://127.0.0.1:$PORT" > /dev/null 2> "$W/e1"
rc=$?
sed 's/^/# /' "$W/e1"
check "without the password: exit 2, one line saying the server asks for one" \
	$([ $rc = 2 ] && [ "$(wc -l < "$W/e1")" = 1 ] && grep -q "asks for a password" "$W/e1"; echo $?)
"$DESPIN" index list -i "redis://:wr0ng-pw@127.0.0.1:$PORT" > /dev/null 2> "$W/e2"
rc=$?
sed 's/^/# /' "$W/e2"
check "a wrong password: exit 2, refused, the password not shown" \
	$([ $rc = 2 ] && grep -q "refused the password" "$W/e2" && ! grep -q "wr0ng" "$W/e2"; echo $?)
"$DESPIN" index add -q -i "$U" $S/000_fcd469a446cc7cc8.txt > /dev/null 2>&1
check "index add with the password in the address" $?
"$DESPIN" scan -i "$U" --format json $S/003_cc34e14e2e5a732a.txt > "$W/scan" 2>&1
check "scan -i finds the source and judges 003 spun" \
	$(grep -q '"verdict":"spun","score":[0-9.]*,"source":"corpus/seeds/000_fcd469a446cc7cc8.txt"' "$W/scan"; echo $?)
"$DESPIN" submit --queue "$U" $S/003_cc34e14e2e5a732a.txt > /dev/null 2>&1 &&
	"$DESPIN" worker -i "$U" --until-empty > "$W/w" 2>&1 &&
	"$DESPIN" worker --stats --queue "$U" > "$W/st" 2>&1
check "submit, worker and worker --stats with the password: 1 processed" \
	$(grep -q "^processed  *1$" "$W/st"; echo $?)
"$DESPIN" worker --stats --queue "redis://:wr0ng-pw@127.0.0.1:$PORT" > /dev/null 2> "$W/e3"
rc=$?
sed 's/^/# /' "$W/e3"
check "worker --stats with a wrong password: exit 2, refused, the password not shown" \
	$([ $rc = 2 ] && grep -q "refused the password" "$W/e3" && ! grep -q "wr0ng" "$W/e3"; echo $?)
"$DESPIN" index list -i "$U?timeout=abc" > /dev/null 2> "$W/e4"
rc=$?
sed 's/^/# /' "$W/e4"
check "?timeout=abc refused: exit 2, the password not shown" \
	$([ $rc = 2 ] && grep -q "timeout=abc takes a whole number" "$W/e4" && ! grep -q "s3cret" "$W/e4"; echo $?)
# the password from the environment, off the command line
DESPIN_REDIS_PASSWORD=s3cret-pw "$DESPIN" index list -i "redis://127.0.0.1:$PORT" > "$W/envl" 2>&1 &&
	DESPIN_REDIS_PASSWORD=s3cret-pw "$DESPIN" worker --stats --queue "redis://127.0.0.1:$PORT" \
		> "$W/envst" 2>&1
check "DESPIN_REDIS_PASSWORD serves an address without one: index list and worker --stats" \
	$(grep -q 000_fcd469a446cc7cc8 "$W/envl" && grep -q "^processed  *1$" "$W/envst"; echo $?)
# a password percent-encoded in the address, as redis-cli -u reads it
"$DESPIN" index list -i "redis://:s3cret%2Dpw@127.0.0.1:$PORT" > "$W/pct" 2>&1
check "a percent-encoded password (%2D for '-') is decoded: index list" \
	$(grep -q 000_fcd469a446cc7cc8 "$W/pct"; echo $?)
# what despin prints of the index names it without the password
"$DESPIN" index check -i "$U?retry=2" > "$W/chk" 2>&1
check "index check says ok, the address starred and its options cut" \
	$(grep -qx "redis://:\*\*\*@127.0.0.1:$PORT: ok" "$W/chk" && ! grep -q s3cret "$W/chk"; echo $?)
"$DESPIN" index remove -i "$U" no-such-source.txt > /dev/null 2> "$W/e5"
check "index remove of a name it lacks says so, the password not shown" \
	$(grep -q "no source named no-such-source.txt in redis://:\*\*\*@" "$W/e5" && ! grep -q s3cret "$W/e5"; echo $?)
echo "1..$n"
