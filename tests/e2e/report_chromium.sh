#!/bin/sh
# Rendering test of the HTML report in headless Chromium (window 1280x2000):
#  1. 'despin report --html' on the seed articles: the page is drawn (many
#     colours, non-white area, dark text pixels);
#  2. the report of seed 003 against its source 000: the spun words
#     (mark.sub) and the source's originals (mark.src) are highlighted within
#     the first screen, their colours read from the page's own style.
# The PNG is decoded with Python's standard library.  Prints TAP; skips when
# Chromium is not installed (Debian package chromium, scripts/deps.sh).
# REPORT_PNG=FILE.png keeps the screenshots (FILE.png, FILE-pair.png).
TOP=${DS_TOP:-$(pwd)}
cd "$TOP" || exit 2
DESPIN=${DESPIN:-build/despin}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if [ "$2" = 0 ]; then ok "$1"; else nok "$1"; fi; }
skip() { n=$((n + 1)); echo "ok $n - report rendered by chromium # SKIP $1"; echo "1..$n"; exit 0; }

for m in lm lex scorer; do
	[ -f "models/$m.bin" ] || skip "models not built (make models)"
done
CHROME=""
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then CHROME=$c; break; fi
done
[ -n "$CHROME" ] || skip "chromium is not installed (apt-get install chromium)"
command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"

T=$(mktemp -d "${TMPDIR:-/tmp}/despin-report.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT INT TERM

"$DESPIN" report --html "$T/report.html" corpus/seeds > "$T/report.out" 2>&1
rc=$?
check "despin report --html on corpus/seeds exits 1 (something flagged)" $([ $rc = 1 ]; echo $?)
check "the report is written" $([ -s "$T/report.html" ]; echo $?)
check "the report needs no network resource" \
	$(! grep -Eiq '(src|href)="(https?:)?//' "$T/report.html"; echo $?)

# Headless Chromium, isolated: its own profile, no network services.  A
# timeout guards against a hung browser.
shoot() { # HTML PNG
	rm -rf "$T/profile"
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-dev-shm-usage --hide-scrollbars --user-data-dir="$T/profile" \
		--screenshot="$2" --window-size=1280,2000 "file://$1" > "$T/chromium.log" 2>&1
}

# measure PNG HTML > figures: the PNG decoded with the standard library only
# (zlib, the five filters); the highlight colours are read from the page's
# style (mark.sub: the article's spun words; mark.src: the source's originals).
measure() {
	python3 - "$1" "$2" <<'PY'
import re, struct, sys, zlib

style = open(sys.argv[2], encoding="utf-8").read()
def colour(sel):
    m = re.search(sel + r"\{[^}]*background:#([0-9a-fA-F]{6})", style)
    return tuple(int(m.group(1)[k:k + 2], 16) for k in (0, 2, 4)) if m else None
marks = {"sub": colour(r"mark\.sub"), "src": colour(r"mark\.src")}

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
pos, idat, ihdr = 8, [], None
while pos < len(data):
    ln, typ = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + ln]
    if typ == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", body)
    elif typ == b"IDAT":
        idat.append(body)
    pos += 12 + ln
w, h, depth, ctype, _, _, interlace = ihdr
assert depth == 8 and interlace == 0 and ctype in (2, 6), "unsupported PNG %r" % (ihdr,)
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(b"".join(idat))
stride = w * bpp
prev = bytearray(stride)
colours, dark, total = {}, 0, 0
hits = {k: 0 for k in marks}
i = 0
for y in range(h):
    f = raw[i]
    line = bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    if f == 1:
        for x in range(bpp, stride):
            line[x] = (line[x] + line[x - bpp]) & 255
    elif f == 2:
        for x in range(stride):
            line[x] = (line[x] + prev[x]) & 255
    elif f == 3:
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            line[x] = (line[x] + ((a + prev[x]) >> 1)) & 255
    elif f == 4:
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[x] = (line[x] + pr) & 255
    prev = line
    if y % 2:  # every other row is plenty for counting
        continue
    for x in range(0, stride, bpp):
        r, g, bl = line[x], line[x + 1], line[x + 2]
        k = (r, g, bl)
        colours[k] = colours.get(k, 0) + 1
        total += 1
        if r + g + bl < 300:
            dark += 1
        for name, m in marks.items():
            if m and abs(r - m[0]) + abs(g - m[1]) + abs(bl - m[2]) <= 12:
                hits[name] += 1
white = colours.get((255, 255, 255), 0)
print("size %dx%d" % (w, h))
print("colours %d" % len(colours))
print("nonwhite %.4f" % (1 - white / total))
print("dark %.4f" % (dark / total))
for name, m in marks.items():
    print("mark_%s %.4f %s" % (name, hits[name] / total, "#%02x%02x%02x" % m if m else "none"))
PY
}
val() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
more() { awk -v v="$1" -v t="$2" 'BEGIN { exit !(v + 0 > t) }'; echo $?; }

# 1. the seeds report: a page drawn, with text
PNG=$T/report.png
shoot "$T/report.html" "$PNG"
rc=$?
check "chromium takes a screenshot of the seeds report (exit $rc)" $([ $rc = 0 ] && [ -s "$PNG" ]; echo $?)
[ -s "$PNG" ] || { grep -v dbus "$T/chromium.log" | sed 's/^/# /' | tail -n 15; echo "1..$n"; exit 0; }
[ -n "${REPORT_PNG:-}" ] && cp "$PNG" "$REPORT_PNG"
measure "$PNG" "$T/report.html" > "$T/png.out" 2>&1
rc=$?
sed 's/^/# /' "$T/png.out"
check "the screenshot decodes as a PNG" $rc
F=$T/png.out
check "the screenshot is 1280 pixels wide" $([ "$(val "$F" size | cut -dx -f1)" = 1280 ]; echo $?)
check "the page is not blank: more than 50 colours ($(val "$F" colours))" $(more "$(val "$F" colours)" 50)
check "the page is drawn: over 3% of the pixels are not white ($(val "$F" nonwhite))" \
	$(more "$(val "$F" nonwhite)" 0.03)
check "the page has text: over 0.5% dark pixels ($(val "$F" dark))" $(more "$(val "$F" dark)" 0.005)

# 2. one spun article against its source: the highlighted texts in view
"$DESPIN" report --html "$T/pair.html" -s corpus/seeds/000_fcd469a446cc7cc8.txt \
	corpus/seeds/003_cc34e14e2e5a732a.txt > "$T/pair.out" 2>&1
PNG2=$T/pair.png
shoot "$T/pair.html" "$PNG2"
rc=$?
check "chromium takes a screenshot of the report of 003 against 000 (exit $rc)" \
	$([ $rc = 0 ] && [ -s "$PNG2" ]; echo $?)
[ -n "${REPORT_PNG:-}" ] && [ -s "$PNG2" ] && cp "$PNG2" "${REPORT_PNG%.png}-pair.png"
measure "$PNG2" "$T/pair.html" > "$T/png2.out" 2>&1
sed 's/^/# /' "$T/png2.out"
F=$T/png2.out
check "the article's substitutions are highlighted in view (mark.sub pixels $(val "$F" mark_sub))" \
	$(more "$(val "$F" mark_sub)" 0.002)
check "the source's originals are highlighted in view (mark.src pixels $(val "$F" mark_src))" \
	$(more "$(val "$F" mark_src)" 0.002)
echo "1..$n"
