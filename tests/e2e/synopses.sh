#!/bin/sh
# README, man page and --help give each command the same synopses
# (tests/e2e/synopses.py).
cd "${DS_TOP:-.}" || exit 2
exec python3 tests/e2e/synopses.py "${DESPIN:-build/despin}"
