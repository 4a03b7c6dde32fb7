#!/bin/sh
# Fresh-machine set-up: installs missing Debian packages, builds despin and
# its models, then scans the seed articles.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
make -j2 all
make models
if build/despin scan --help >/dev/null 2>&1; then
	build/despin scan corpus/seeds || [ $? -eq 1 ]
else
	build/despin tokens corpus/seeds/003_cc34e14e2e5a732a.txt | head -20
fi
