#!/bin/sh
# The forms of a Redis address on real servers: empty options ("?", "&&")
# are none; a list of nodes whose first is down falls through to the next
# for the index and for the streams of submit, worker and results alike;
# an IPv6 address in brackets (a server bound to ::1 alone; skipped where
# there is no IPv6 loopback); a Unix socket, unix:///PATH?db=N (a server
# that listens on no TCP port).  Prints TAP; skips if redis-server is
# missing.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/redis.sh"
S=corpus/seeds
A="$S/000_fcd469a446cc7cc8.txt $S/001_455d42bae2579fa5.txt"
MODELS=1
[ -f models/lm.bin ] && [ -f models/lex.bin ] && [ -f models/scorer.bin ] || MODELS=0
"$DESPIN" index add -q -i "$W/ref.db" $A > /dev/null 2>&1
"$DESPIN" index list -i "$W/ref.db" > "$W/ref.list" 2>&1

PORT=$(redis_free_port)
redis_start "$PORT" || { nok "redis-server starts"; echo "1..$n"; exit 1; }
ok "redis-server starts on 127.0.0.1:$PORT"

# empty options are none
"$DESPIN" index add -q -i "redis://127.0.0.1:$PORT/0?" $A > "$W/add" 2>&1
check "index add to redis://HOST:PORT/0? (a lone '?')" $?
"$DESPIN" index list -i "redis://127.0.0.1:$PORT?&retry=2&&" > "$W/list" 2>&1
same "index list of redis://HOST:PORT?&retry=2&& lists what SQLite does" "$W/ref.list" "$W/list"

# the first node down: the index and the streams fall through to the next
# (the streams used to take the first node only: "cannot connect")
DEAD=$(redis_free_port)
AB="redis://127.0.0.1:$DEAD,127.0.0.1:$PORT"
"$DESPIN" index list -i "$AB" > "$W/list" 2>&1
same "index list of A,B with A down lists B's index" "$W/ref.list" "$W/list"
"$DESPIN" submit --queue "$AB/3" $A > "$W/sub" 2>&1
rc=$?
sed 's/^/# /' "$W/sub"
check "submit --queue A,B/3 with A down adds the articles to B's database 3" \
	$([ $rc = 0 ] && [ "$(redis-cli -p "$PORT" -n 3 xlen '{despin}:articles')" = 2 ]; echo $?)
"$DESPIN" worker --stats --queue "$AB/3" > "$W/st" 2>&1
rc=$?
sed 's/^/# /' "$W/st"
check "worker --stats --queue A,B/3 with A down reads B's streams" \
	$([ $rc = 0 ] && grep -q '^entries  *2$' "$W/st"; echo $?)
if [ $MODELS = 1 ]; then
	"$DESPIN" worker -i "$AB" --queue "$AB/3" --until-empty > "$W/w" 2>&1
	rc=$?
	sed 's/^/# /' "$W/w"
	"$DESPIN" results --queue "$AB/3" > "$W/res" 2>&1
	check "worker and results on A,B with A down: both articles judged" \
		$([ $rc = 0 ] && [ "$(grep -c '"verdict"' "$W/res")" = 2 ]; echo $?)
else
	skip "worker and results on A,B with A down" "models missing"
fi

# a database the server has not: the streams say why they cannot be used
"$DESPIN" submit --queue "redis://127.0.0.1:$PORT/99" $A > "$W/sub99" 2>&1
rc=$?
sed 's/^/# /' "$W/sub99"
check "submit --queue HOST:PORT/99 (no such database) says why (exit 2)" \
	$([ $rc = 2 ] && grep -q 'cannot select database 99: ERR' "$W/sub99"; echo $?)

# an IPv6 address in brackets, on a server bound to ::1 alone
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2> /dev/null; then
	P6=$(redis_free_port)
	if REDIS_PING="-h ::1 -p $P6" redis_start "$P6" --bind ::1; then
		ok "redis-server starts on [::1]:$P6"
		"$DESPIN" index add -q -i "redis://[::1]:$P6/1" $A > /dev/null 2>&1
		"$DESPIN" index list -i "redis://[::1]:$P6/1" > "$W/list" 2>&1
		same "index add and list on redis://[::1]:PORT/1" "$W/ref.list" "$W/list"
		check "the index is in database 1 of the server on ::1" \
			$([ "$(redis-cli -h ::1 -p "$P6" -n 1 dbsize)" -gt 0 ]; echo $?)
		"$DESPIN" submit --queue "redis://127.0.0.1:$DEAD,[::1]:$P6" $A > /dev/null 2>&1
		check "submit --queue to 127.0.0.1 (down), then [::1]:PORT" \
			$([ "$(redis-cli -h ::1 -p "$P6" xlen '{despin}:articles')" = 2 ]; echo $?)
	else
		nok "redis-server starts on [::1]:$P6"
	fi
else
	skip "IPv6 address in brackets" "no IPv6 loopback (::1) on this machine"
fi

# a Unix socket, the server on no TCP port
SOCK=$W/r.sock
if REDIS_PING="-s $SOCK" redis_start 0 --unixsocket "$SOCK" --unixsocketperm 700; then
	ok "redis-server starts on the Unix socket $SOCK alone"
	"$DESPIN" index add -q -i "unix://$SOCK?db=2" $A > /dev/null 2>&1
	"$DESPIN" index list -i "unix://$SOCK?db=2&retry=1" > "$W/list" 2>&1
	same "index add and list on unix://PATH?db=2" "$W/ref.list" "$W/list"
	check "the index is in database 2 of the socket's server" \
		$([ "$(redis-cli -s "$SOCK" -n 2 dbsize)" -gt 0 ] && [ "$(redis-cli -s "$SOCK" -n 0 dbsize)" = 0 ]; echo $?)
	"$DESPIN" submit --queue "unix://$SOCK?db=2" $A > /dev/null 2>&1 &&
		"$DESPIN" worker --stats --queue "unix://$SOCK?db=2" > "$W/st" 2>&1
	check "submit and worker --stats on unix://PATH?db=2" $(grep -q '^entries  *2$' "$W/st"; echo $?)
	if [ $MODELS = 1 ]; then
		"$DESPIN" worker -i "unix://$SOCK?db=2" --until-empty > /dev/null 2>&1
		"$DESPIN" results --queue "unix://$SOCK?db=2" > "$W/res" 2>&1
		check "worker -i unix://PATH?db=2 (its streams too) judges both articles" \
			$([ "$(grep -c '"verdict"' "$W/res")" = 2 ]; echo $?)
	else
		skip "worker on unix://PATH" "models missing"
	fi
else
	nok "redis-server starts on the Unix socket $SOCK"
fi
echo "1..$n"
