#!/bin/sh
# The posting scripts of the Redis store against a model (redis_postings.py):
# ids put under one passage key and taken away at random, in both kinds of
# overflow (the packed strings of schemas 4 and 5, schema 3's sets).
# Prints TAP; skips if redis-server is missing.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/redis.sh"
PORT=$(redis_free_port)
redis_start "$PORT" || { nok "redis-server starts"; echo "1..$n"; exit 1; }
ok "redis-server starts on 127.0.0.1:$PORT"
for mode in p s; do
	redis-cli -p "$PORT" flushall > /dev/null
	out=$(python3 tests/e2e/redis_postings.py src/store_redis.c "$PORT" $mode 6000 7 2>&1)
	check "overflow kind $mode: the key holds the model's ids after every step ($out)" $?
done
echo "1..$n"
