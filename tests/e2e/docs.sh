#!/bin/sh
# The documentation's command examples, run and compared with the output
# they show (tests/e2e/docs_run.py says how examples and elisions are read).
cd "${DS_TOP:-.}" || exit 2
exec python3 tests/e2e/docs_run.py "${DESPIN:-build/despin}" README.md docs/*.md examples/README.md
