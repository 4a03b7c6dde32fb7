#!/usr/bin/env python3
"""Checks despin's HTML report in headless Chromium, driven by chromedriver
(the WebDriver protocol over HTTP, with Python's standard library only).

Usage: report_browser.py CHROMIUM CHROMEDRIVER WORKDIR SEEDS.html MIX.html [PNG]
       report_browser.py --time CHROMIUM CHROMEDRIVER PAGE.html

SEEDS.html is the report of corpus/seeds; MIX.html the report of a mixed
batch (seeds, a text too short to judge, a hostile file name, an article
stitched from two others, a binary file).  Prints TAP lines (the caller
prints the plan).
The screenshot of the seeds report is written to PNG when given.  With
--time, loads PAGE.html and prints the browser's timings (scripts/bench_report.sh).
"""
import base64
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib

CHROME = DRIVER = WORK = SEEDS = MIX = PNG = None  # set from the command line
ELEM = "element-6066-11e4-a52e-4f735466cecf"
n = 0


def tap(ok, name):
    global n
    n += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, name), flush=True)
    return ok


class Driver:
    """A WebDriver session on a chromedriver of its own."""

    def __init__(self, script=True):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.log = open(os.path.join(WORK, "chromedriver.log"), "ab")
        self.proc = subprocess.Popen([DRIVER, "--port=%d" % self.port],
                                     stdout=self.log, stderr=self.log)
        self.base = "http://127.0.0.1:%d" % self.port
        for _ in range(200):
            try:
                if self.call("GET", "/status").get("ready"):
                    break
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.05)
        profile = os.path.join(WORK, "profile-%d" % self.port)
        opts = {"binary": CHROME,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--no-first-run", "--disable-sync",
                         "--disable-background-networking", "--disable-component-update",
                         "--hide-scrollbars", "--window-size=1280,2000",
                         "--user-data-dir=" + profile]}
        if not script:
            opts["args"].append("--blink-settings=scriptEnabled=false")
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                                                 "goog:chromeOptions": opts}}}
        self.sid = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                out = json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            raise RuntimeError("%s %s: %s" % (method, path, e.read()[:300])) from None
        v = out.get("value", out) if isinstance(out, dict) else out
        return v

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.sid, path), body)

    def go(self, path):
        self.s("POST", "/url", {"url": "file://" + os.path.abspath(path)})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def find(self, css):
        return self.s("POST", "/element", {"using": "css selector", "value": css})[ELEM]

    def click(self, css):
        self.s("POST", "/element/%s/click" % self.find(css), {})

    def shown(self, css):
        return self.s("GET", "/element/%s/displayed" % self.find(css))

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("GET", "/screenshot")))

    def quit(self):
        try:
            self.s("DELETE", "")
        finally:
            self.proc.terminate()
            self.proc.wait(10)
            self.log.close()


# ---- what the page says of itself, read in the browser ----

FACTS = """
var vis = function(e) { return e.getClientRects().length > 0; };
var arts = Array.from(document.querySelectorAll('details.art'));
var rows = Array.from(document.querySelectorAll('#summary tbody tr'));
var verdict = function(e) { return e.classList.contains('spun') ? 0 :
                              e.classList.contains('clean') ? 1 : 2; };
var links = Array.from(document.querySelectorAll('a[href^="#"]'));
return {
  arts: arts.map(function(a) { return {id: a.id, v: verdict(a), open: a.open, vis: vis(a),
            es: a.classList.contains('es'), em: a.classList.contains('em'),
            name: a.querySelector('h2').textContent.replace(/^[0-9]+\\. /, '')}; }),
  rows: rows.map(function(r) { return {v: verdict(r), vis: vis(r),
            href: r.querySelector('a').getAttribute('href')}; }),
  links: links.length,
  dangling: links.filter(function(a) {
      return !document.getElementById(a.getAttribute('href').slice(1)); })
    .map(function(a) { return a.getAttribute('href'); }),
  flagrows: document.querySelectorAll('tr.flag').length,
  flaglinks: document.querySelectorAll('tr.flag a[href]').length,
  flagvis: Array.from(document.querySelectorAll('tr.flag')).filter(vis)
    .map(function(r) { return r.classList.contains('source') ? 's' : 'm'; }).join(''),
  resources: performance.getEntriesByType('resource').length,
  foreign: document.querySelectorAll('img,svg,iframe,object,embed,link,[src]').length
};
"""


def order_ok(f):
    vs = [a["v"] for a in f["arts"]]
    return vs == sorted(vs) and [r["v"] for r in f["rows"]] == vs and \
        [r["href"] for r in f["rows"]] == ["#" + a["id"] for a in f["arts"]]


def filters(d, f, tag):
    """Clicks each filter and checks what stays visible."""
    total = len(f["arts"])
    for lab, want in (("fv-spun", lambda a: a["v"] == 0), ("fv-clean", lambda a: a["v"] == 1),
                      ("fv-nj", lambda a: a["v"] == 2)):
        d.click("label[for=%s]" % lab)
        g = d.js(FACTS)
        exp = [a["id"] for a in f["arts"] if want(a)]
        got = [a["id"] for a in g["arts"] if a["vis"]]
        rows = sum(1 for r in g["rows"] if r["vis"])
        tap(got == exp and rows == len(exp),
            "%s: filter '%s' shows its %d article(s) and summary rows, hides the other %d"
            % (tag, lab, len(exp), total - len(exp)))
    d.click("label[for=fv-all]")
    for lab, key, other, kind, hidden in (("fe-model", "em", "s", "model", "source-backed"),
                                          ("fe-src", "es", "m", "source-backed", "model")):
        d.click("label[for=%s]" % lab)
        g = d.js(FACTS)
        exp = [a["id"] for a in f["arts"] if a[key]]
        got = [a["id"] for a in g["arts"] if a["vis"]]
        tap(got == exp and other not in g["flagvis"],
            "%s: evidence filter '%s' shows the %d article(s) with %s flags and hides %s "
            "flag rows" % (tag, kind, len(exp), kind, hidden))
    d.click("label[for=fe-all]")
    g = d.js(FACTS)
    tap(all(a["vis"] for a in g["arts"]), "%s: 'all' and 'any' show every article again" % tag)


# ---- PNG pixels (zlib and the five filters) ----

def pixels(path, style):
    def colour(sel):
        m = re.search(sel + r"\{[^}]*background:#([0-9a-fA-F]{6})", style)
        return tuple(int(m.group(1)[k:k + 2], 16) for k in (0, 2, 4)) if m else None
    marks = {"sub": colour(r"mark\.sub"), "src": colour(r"mark\.src")}
    data = open(path, "rb").read()
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
        if y % 2:
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
    return {"w": w, "colours": len(colours), "nonwhite": 1 - white / total,
            "dark": dark / total, "sub": hits["sub"] / total, "src": hits["src"] / total}


def main():
    d = Driver()
    try:
        # ---- the seeds ----
        d.go(SEEDS)
        f = d.js(FACTS)
        spun = [a for a in f["arts"] if a["v"] == 0]
        tap(len(f["arts"]) == 5 and len(spun) >= 1,
            "seeds: 5 articles, %d spun" % len(spun))
        tap(order_ok(f), "seeds: spun first, then clean, then not judged, in the summary "
            "table and the sections alike")
        tap(all(a["open"] == (a["v"] == 0) for a in f["arts"]),
            "seeds: spun articles open, the others folded")
        tap(f["links"] > 20 and not f["dangling"],
            "seeds: all %d in-page links resolve to an element%s"
            % (f["links"], (" (dangling: %s)" % f["dangling"][:3]) if f["dangling"] else ""))
        tap(f["flagrows"] > 0 and f["flaglinks"] == f["flagrows"],
            "seeds: each of the %d flags links to its place in the text (%d links)"
            % (f["flagrows"], f["flaglinks"]))
        tap(f["resources"] == 0 and f["foreign"] == 0,
            "seeds: no resource loaded (%d) and no embedded element (%d)"
            % (f["resources"], f["foreign"]))
        # the article beside its source: source-backed flags and the words
        # they replaced in the same row, side by side
        pairs = d.js("""
var m = Array.from(document.querySelectorAll('table.al mark.sub[id]')), same = 0, near = 0;
m.forEach(function(e) {
  var o = document.getElementById(e.id.replace('-f', '-o'));
  if (!o) return;
  if (o.closest('tr') === e.closest('tr') && e.closest('td') !== o.closest('td')) same++;
  var a = e.getBoundingClientRect(), b = o.getBoundingClientRect();
  if (Math.abs(a.top - b.top) < 200 && b.left > a.left) near++;
});
return [m.length, same, near];""")
        tap(pairs[0] > 10 and pairs[1] >= 0.9 * pairs[0],
            "seeds: %d of %d source-backed flags have the source's words in the same row"
            % (pairs[1], pairs[0]))
        tap(pairs[2] >= 0.9 * pairs[0],
            "seeds: %d of %d are drawn beside them (right, within 200 px)" % (pairs[2], pairs[0]))
        # one scroll for both texts: no pane of its own
        panes = d.js("""
return Array.from(document.querySelectorAll('table.al, table.al td')).filter(function(e) {
  var s = getComputedStyle(e); return /auto|scroll/.test(s.overflowY); }).length;""")
        tap(panes == 0, "seeds: the article and its source scroll together (%d panes)" % panes)
        # model and source-backed flags look different
        looks = d.js("""
var s = document.querySelector('mark.sub'), m = document.querySelector('mark.model');
if (!s || !m) return null;
var a = getComputedStyle(s), b = getComputedStyle(m);
return [a.backgroundColor, b.backgroundColor, a.borderBottomStyle, b.borderBottomStyle,
        /[0-9]\\.[0-9][0-9]/.test(m.nextElementSibling.textContent)];""")
        tap(looks is not None and looks[0] != looks[1] and looks[3] == "dashed" and looks[4],
            "seeds: model flags drawn apart from source-backed ones (%s), with their p" % (looks,))
        # a flag's link leads to it
        last = d.js("var a = document.querySelectorAll('tr.flag a[href]');"
                    "a = a[a.length - 1]; a.scrollIntoView(); return a.getAttribute('href');")
        d.click("tr.flag a[href='%s']" % last)
        where = d.js("var e = document.getElementById(arguments[0]), r = e.getBoundingClientRect();"
                     "return [location.hash, r.top, innerHeight];", last[1:])
        tap(where[0] == last and 0 <= where[1] < where[2],
            "seeds: clicking flag %s scrolls its mark into view (top %d of %d)"
            % (last, where[1], where[2]))
        # sorting by a column heading (the script), and back
        first = lambda: d.js("return document.querySelector('#summary tbody tr').cells[0].textContent;")
        before = first()
        d.click("#summary th:nth-child(1)")
        after = first()
        tap(before != after and after == "1",
            "seeds: a click on the '#' heading sorts by input order (row 1: %s, was %s)"
            % (after, before))
        d.go(SEEDS)
        # folding: a clean article opens on a click of its heading
        clean = [a for a in f["arts"] if a["v"] == 1][0]
        d.click("#%s > summary" % clean["id"])
        tap(d.js("return document.getElementById(arguments[0]).open;", clean["id"]),
            "seeds: a click on a folded article's heading opens it")
        d.click("#%s > summary" % clean["id"])
        filters(d, f, "seeds")
        # a source name leads to the source's own section
        src = d.js("""
var a = document.querySelector('#summary td:nth-child(7) a');
if (!a) return null;
var t = document.getElementById(a.getAttribute('href').slice(1));
return [a.textContent, t ? (t.querySelector('h2') || t).textContent : null];""")
        tap(src is not None and src[1] is not None and src[0] in src[1],
            "seeds: the source name %r links to its own section" % (src and src[0],))
        d.js("scrollTo(0, 0); document.querySelectorAll('details.legend').forEach("
             "function(e) { e.open = false; });")
        d.screenshot(PNG)
        style = open(SEEDS, encoding="utf-8").read()
        px = pixels(PNG, style)
        print("# screenshot %s: %s" % (PNG, " ".join("%s %s" % kv for kv in sorted(px.items()))))
        tap(px["w"] == 1280 and px["colours"] > 50 and px["nonwhite"] > 0.03 and px["dark"] > 0.005,
            "seeds: the screenshot shows a drawn page with text")
        tap(px["sub"] > 0.002 and px["src"] > 0.002,
            "seeds: flags and the source's words are highlighted in the first screen")

        # ---- the mixed batch ----
        d.go(MIX)
        f = d.js(FACTS)
        vs = [a["v"] for a in f["arts"]]
        tap(0 in vs and 1 in vs and 2 in vs,
            "mix: spun, clean and not judged articles (%d, %d, %d)"
            % (vs.count(0), vs.count(1), vs.count(2)))
        tap(order_ok(f), "mix: spun first, then clean, then not judged")
        tap(not f["dangling"], "mix: all %d in-page links resolve" % f["links"])
        tap(f["foreign"] == 0 and f["resources"] == 0,
            "mix: the hostile file name is text, not markup")
        names = [a["name"] for a in f["arts"]]
        hostile = [x for x in names if "<img" in x]
        tap(len(hostile) == 1, "mix: the hostile name is shown as written: %r" % hostile)
        parts = d.js("return document.querySelectorAll('table.al .part.p2').length;")
        tap(parts > 0, "mix: the stitched article underlines its second source's parts (%d)" % parts)
        filters(d, f, "mix")
        failed = d.js("var t = document.getElementById('failed');"
                      "return t ? t.tBodies[0].textContent : null;")
        tap(failed is not None and "binary.txt" in failed and "binary file" in failed,
            "mix: the binary file is listed as not scanned, with the reason (%r)" % failed)
        d.click("label[for=fv-err]")
        g = d.js(FACTS)
        tap(not any(a["vis"] for a in g["arts"]) and d.shown("#failed"),
            "mix: filter 'not scanned' shows only the inputs that failed")
        d.click("label[for=fv-all]")
    finally:
        d.quit()

    # ---- reading without the script ----
    d = Driver(script=False)
    try:
        d.go(SEEDS)
        before = d.js("return document.querySelector('#summary tbody tr').cells[0].textContent;")
        d.click("#summary th:nth-child(1)")
        after = d.js("return document.querySelector('#summary tbody tr').cells[0].textContent;")
        tap(before == after, "without scripts: the page's script does not run (a heading "
            "click leaves row %s first)" % after)
        d.click("label[for=fv-clean]")
        spun_id = d.js("return document.querySelector('details.art.spun').id;")
        clean_id = d.js("return document.querySelector('details.art.clean').id;")
        tap(not d.shown("#" + spun_id) and d.shown("#" + clean_id),
            "without scripts: the verdict filter works (%s hidden, %s shown)" % (spun_id, clean_id))
        d.click("label[for=fv-all]")
        d.click("#%s > summary" % clean_id)
        tap(d.js("return document.getElementById(arguments[0]).open;", clean_id),
            "without scripts: a folded article opens")
    finally:
        d.quit()


def load_time(page):
    """Loads page and returns the browser's figures: DOM ready, load end and
    first paint in ms after navigation start (wall time), the number of
    elements, and the renderer main thread's busy time in s: all tasks,
    style, layout, script (DevTools Performance.getMetrics)."""
    d = Driver()
    try:
        cdp = lambda cmd, **params: d.s("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params})
        cdp("Performance.enable")
        d.go(page)
        got = d.js("""
var t = performance.getEntriesByType('navigation')[0],
    p = performance.getEntriesByName('first-contentful-paint')[0];
return [t.domContentLoadedEventEnd, t.loadEventEnd, p ? p.startTime : -1,
        document.getElementsByTagName('*').length];""")
        m = {x["name"]: x["value"] for x in cdp("Performance.getMetrics")["metrics"]}
        # the renderer's main-thread time by kind of work, seconds
        return got + [m.get("TaskDuration", -1), m.get("RecalcStyleDuration", -1),
                      m.get("LayoutDuration", -1), m.get("ScriptDuration", -1)]
    finally:
        d.quit()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--time":
        # report_browser.py --time CHROMIUM CHROMEDRIVER PAGE: load figures
        CHROME, DRIVER, page = sys.argv[2:5]
        WORK = os.path.dirname(os.path.abspath(page))
        print("dom_ready_ms %.0f\nload_ms %.0f\nfirst_paint_ms %.0f\nelements %d\n"
              "main_thread_s %.2f\nstyle_s %.2f\nlayout_s %.2f\nscript_s %.2f"
              % tuple(load_time(page)))
        sys.exit(0)
    CHROME, DRIVER, WORK, SEEDS, MIX = sys.argv[1:6]
    PNG = sys.argv[6] if len(sys.argv) > 6 else os.path.join(WORK, "report.png")
    try:
        main()
    except Exception as e:  # a browser that cannot run fails the test, with the reason
        tap(False, "the browser checks ran to the end: %s" % str(e)[:300])
    print("1..%d" % n)
