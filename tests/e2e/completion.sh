#!/bin/sh
# The bash completion (docs/despin.bash-completion, installed by make install):
# commands, subcommands, each command's options (read from its --help),
# option values and file names.  Prints TAP.
TOP=${DS_TOP:-$(pwd)}
cd "$TOP" || exit 2
DESPIN=${DESPIN:-build/despin}
n=0
command -v bash > /dev/null || { echo "ok 1 - completion # SKIP no bash"; echo "1..1"; exit 0; }
complete_words() { # WORD...: what completing the last word offers
	bash -c '. docs/despin.bash-completion; bin=$1; shift
		COMP_WORDS=("$bin" "$@"); COMP_CWORD=$#; _despin; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		sh "$DESPIN" "$@"
}
expect() { # WANT WORD...
	want=$1; shift
	got=$(complete_words "$@")
	n=$((n + 1))
	if [ "$got" = "$want " ]; then echo "ok $n - despin $* -> $want"
	else echo "not ok $n - despin $*: got '$got', want '$want'"; fi
}
has() { # WANT WORD...: WANT is among the completions
	want=$1; shift
	got=$(complete_words "$@")
	n=$((n + 1))
	case " $got" in
	*" $want "*) echo "ok $n - despin $* offers $want" ;;
	*) echo "not ok $n - despin $* does not offer $want (got '$got')" ;;
	esac
}
expect "scan scorer" sc
expect "explain" exp
expect "add" index a
expect "check copy" index c
expect "vacuum" index v
expect "score" lm sc
expect "changes" scorer ch
expect "fit fit-changes fit-slots" scorer fit
expect "slot-logits slots" scorer sl
expect "calibrate changes" scorer c
expect "json text tsv" scan --format ""
expect "json text" explain --format ""
expect "always auto" explain --color a
expect "--only-spun" scan --only
expect "--in-place" restore --in
has "--stdin-json" index add -i x.db --st
has "--models" lex --mo
has "--models" scan --mo
has "--models" worker --mo
has "--retry" worker --re
has "--threshold" report --th
has "--max-size" scan --max-s
has "corpus/seeds" scan corpus/se
has "corpus/seeds/000_fcd469a446cc7cc8.txt" scan corpus/seeds/000
# an option another command has is not offered
got=$(complete_words explain --di | tr -d ' ')
n=$((n + 1))
if [ -z "$got" ]; then echo "ok $n - explain does not offer restore's --diff"
else echo "not ok $n - explain offers '$got' for --di"; fi
echo "1..$n"
