#!/bin/sh
# Golden-file tests of the command line.  Each folder tests/cli/NAME/ holds:
#   cmd       a shell snippet run from the top directory ($DESPIN is the binary)
#   expected  its expected standard output (byte for byte)
#   status    its expected exit status (default 0)
#   stderr    optional: a grep -E pattern its standard error must match
# Set DS_UPDATE_GOLDEN=1 to rewrite "expected" and "status" files from the
# current output.  Arguments name the tests to run (all of them without).
TOP=${DS_TOP:-$(pwd)}
cd "$TOP" || exit 2
n=0
for dir in tests/cli/*/; do
	[ -f "$dir/cmd" ] || continue
	name=$(basename "$dir")
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*) ;; *) continue ;; esac
	fi
	n=$((n + 1))
	out=$(mktemp); err=$(mktemp)
	sh "$dir/cmd" > "$out" 2> "$err"
	rc=$?
	want_rc=0
	[ -f "$dir/status" ] && want_rc=$(cat "$dir/status")
	if [ "${DS_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$out" "$dir/expected"
		# the default status (0) is written only where one was
		if [ "$rc" != 0 ] || [ -f "$dir/status" ]; then echo "$rc" > "$dir/status"; fi
	fi
	ok=1
	if [ "$rc" != "$want_rc" ]; then
		echo "# $name: exit status $rc, expected $want_rc"; ok=0
	fi
	if ! cmp -s "$out" "$dir/expected"; then
		echo "# $name: output differs from $dir/expected:"
		diff "$dir/expected" "$out" | head -20 | sed 's/^/#   /'
		ok=0
	fi
	if [ -f "$dir/stderr" ] && ! grep -Eq "$(cat "$dir/stderr")" "$err"; then
		echo "# $name: stderr does not match /$(cat "$dir/stderr")/:"
		sed 's/^/#   /' "$err" | head -5
		ok=0
	fi
	if [ $ok = 1 ]; then echo "ok $n - cli/$name"; else echo "not ok $n - cli/$name"; fi
	rm -f "$out" "$err"
done
