/* Unit tests of the text of web pages (src/html.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "t_map.h"
#include "text.h"
#include "textmap.h"
#include "despin.h"

/* The text of page s, or "(error)"; static storage. */
static const char *text_of(const char *s)
{
	static char buf[4096];
	char *t;
	size_t n;
	struct ds_err err = {0};
	if (ds_html_text(s, strlen(s), &t, &n, &err))
		return "(error)";
	snprintf(buf, sizeof buf, "%s", t);
	T_OK(strlen(t) == n);
	free(t);
	return buf;
}

/* An empty page, NULL with length 0 as an empty buffer may be, is an
 * empty text and no undefined behaviour (under the sanitizers) */
T_TEST(empty_page_null)
{
	char *t = NULL;
	size_t n = 1;
	struct ds_err err = {0};
	int rc = ds_html_text(NULL, 0, &t, &n, &err);
	T_OK(rc == 0 || rc == DS_EEMPTY);
	T_OK(rc != 0 || n <= 1); /* at most a line end */
	free(t);
}

T_TEST(documents_are_recognised)
{
	static const char *const yes[] = {
		"<!DOCTYPE html><p>x</p>", "  \n<html><body>x", "<HTML lang=en>",
		"\xEF\xBB\xBF<!doctype HTML>", "<!-- saved from url=(0014)about:internet -->\n<html>",
		"<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0\"><html>",
		"<head><title>t</title>", "<meta charset=utf-8><p>x", NULL};
	static const char *const no[] = {
		"", "Hello <b>world</b>", "The <html> tag starts a page.", "<p>a fragment</p>",
		"<!-- a comment never closed <html>", "date 2025-02-22 <html>", "<htm", NULL};
	for (int i = 0; yes[i]; i++)
		if (!ds_html_is(yes[i], strlen(yes[i])))
			T_FAIL("not taken for HTML: %s", yes[i]);
	for (int i = 0; no[i]; i++)
		if (ds_html_is(no[i], strlen(no[i])))
			T_FAIL("taken for HTML: %s", no[i]);
}

T_TEST(blocks_break_inline_joins)
{
	T_EQ_STR(text_of("<html><body><h1>Title</h1><p>One <b>bold</b> and <a href=\"/x\">a "
			 "link</a>.</p><p>Two\n   lines\tjoined.</p><div>Three<br>four</div>"
			 "<ul><li>five</li><li>six</li></ul></body></html>"),
		 "Title\n\nOne bold and a link.\n\nTwo lines joined.\n\nThree\nfour\n\nfive\n\nsix\n");
	/* inline markup inside a word does not split it */
	T_EQ_STR(text_of("<html><p>Hel<i>lo</i>, w<span class=x>or</span>ld</p>"), "Hello, world\n");
	/* a quoted attribute may hold '>' */
	T_EQ_STR(text_of("<html><p><a title=\"a > b\" href='c>d'>x</a> y</p>"), "x y\n");
	/* '<' that opens no tag is text */
	T_EQ_STR(text_of("<html><p>a < b and 3<4</p>"), "a < b and 3<4\n");
}

/* A <pre> keeps its lines (an e-mail in a list archive, a poem): a line
 * break is a line, a blank line a paragraph, as a reader sees them; blanks
 * within a line are collapsed */
T_TEST(preformatted_lines_are_kept)
{
	T_EQ_STR(text_of("<html><body><pre>\nRoses are  red,\r\nviolets blue.\n\n\nNew stanza.\n"
			 "</pre>After\nthe pre.</body></html>"),
		 "Roses are red,\nviolets blue.\n\nNew stanza.\n\nAfter the pre.\n");
	/* an end tag with no <pre> open is no harm */
	T_EQ_STR(text_of("<html><p>a\nb</pre>c\nd</p>"), "a b\n\nc d\n");
}

T_TEST(what_is_not_prose_is_dropped)
{
	T_EQ_STR(text_of("<!DOCTYPE html><html><head><title>Site | Page</title>"
			 "<style>p { color: red }</style><script>var s = \"</p><p>x\"; if (a<b) f();"
			 "</script></head><body><nav><ul><li><a>Home</a></li></ul><nav>inner</nav>"
			 "still nav</nav><!-- <p>a comment</p> --><p>Story.</p><aside>Related</aside>"
			 "<form><button>Go</button></form><footer>&copy; 2025</footer>"
			 "<noscript>Enable scripts</noscript><svg><text>chart</text></svg></body></html>"),
		 "Story.\n");
	/* a <nav> never closed: read again with it kept, not the page lost */
	T_EQ_STR(text_of("<html><body><nav>Menu<p>The story itself.</p></body></html>"),
		 "Menu\n\nThe story itself.\n");
	/* a <head> never closed ends at <body> */
	T_EQ_STR(text_of("<html><head><meta charset=utf-8><body><p>Text.</p>"), "Text.\n");
	/* unterminated comment and tag: the rest is dropped, nothing read past */
	T_EQ_STR(text_of("<html><p>Kept.</p><!-- open"), "Kept.\n");
	T_EQ_STR(text_of("<html><p>Kept.</p><a href=\"x"), "Kept.\n");
	T_EQ_STR(text_of("<html><script>never closed"), "\n");
}

/* Headline boxes, paragraphs in a row whose text is links alone (nine
 * letters in ten or more) with 3 links or more among them, are left out;
 * prose that holds links, a box of fewer links and a link that wraps
 * paragraphs are not, and a page of links alone is read as it is. */
T_TEST(headline_boxes_are_dropped)
{
	static const char story[] = "<p>The council met on Monday and voted to approve the budget.</p>";
	char page[2048];
	snprintf(page, sizeof page,
		 "<html><body><article>%s<ul><li><a href=\"/a\">Mayor defends the tax</a></li>"
		 "<li> <a href=\"/b\">Bakery closes</a> </li><li><a href=\"/c\">Vote "
		 "delayed</a></li></ul><p>Related: <a href=\"/d\">Police chief to retire next "
		 "spring</a> | <a href=\"/e\">Bridge repairs close the river road</a> &bull; "
		 "<a href=\"/f\">Library opens on Sundays</a></p><p>The <a href=\"/g\">budget</a> "
		 "goes to the <a href=\"/h\">county</a>, which must <a href=\"/i\">approve</a> "
		 "it.</p><p><a href=\"/j\">One</a><br><a href=\"/k\">Two</a></p><p>It meets "
		 "again in May.</p></article><p><a href=\"/l\">Earlier</a> | <a href=\"/m\">Later</a> | "
		 "<a href=\"/n\">Index</a></p></body></html>",
		 story);
	T_EQ_STR(text_of(page), "The council met on Monday and voted to approve the budget.\n\n"
				"The budget goes to the county, which must approve it.\n\nOne\nTwo\n\n"
				"It meets again in May.\n");
	/* a link around the whole story is one link */
	T_EQ_STR(text_of("<html><a href=\"/s\"><p>One.</p><p>Two.</p><p>Three.</p></a>"
			 "<p>Four.</p>"),
		 "One.\n\nTwo.\n\nThree.\n\nFour.\n");
	T_EQ_STR(text_of("<html><ul><li><a>A</a></li><li><a>B</a></li><li><a>C</a></li></ul>"),
		 "A\n\nB\n\nC\n");
	/* what is kept maps to the page past a box left out */
	{
		char *t = NULL;
		size_t n;
		struct ds_html_map *m = NULL;
		snprintf(page, sizeof page, "<html><p><a>A</a> <a>B</a> <a>C</a></p>%s", story);
		T_EQ_INT(ds_html_text_map(page, strlen(page), &t, &n, &m, NULL), 0);
		if (!t || !m)
			return;
		T_EQ_STR(t, "The council met on Monday and voted to approve the budget.\n");
		T_MAP_SPAN(page, t, m, "The council", "The council");
		free(t);
		ds_html_map_free(m);
	}
}

/* Elements hidden from a reader (the hidden attribute, an inline style of
 * display:none or visibility:hidden, a <dialog> not open) are left out
 * with what they hold; a class or aria-hidden hides nothing on the screen,
 * and a hidden element that has no end tag holds no text to leave out.  A page that hides more
 * text than it shows is one its scripts show: its hidden text is kept */
T_TEST(hidden_elements_are_dropped)
{
	T_EQ_STR(text_of("<html><body><div style=\"display:none\">Buy cheap pills now.</div>"
			 "<p>The story, which is longer than what the page hides from its reader "
			 "in all.</p><div hidden><p>Sign in to read on.</p><div>x</div></div>"
			 "<p style=\"color: red; DISPLAY : None !important\">Gone.</p>"
			 "<span style='visibility:hidden'>Gone too.</span>"
			 "<p>Kept <img hidden src=a.png>too<input type=hidden value=v>.</p>"
			 "<p class=\"hidden\" data-hidden aria-hidden=\"true\">Seen.</p>"
			 "<p title=\"hidden\" hidden=\"until-found\">Found.</p></body></html>"),
		 "The story, which is longer than what the page hides from its reader in all.\n\n"
		 "Kept too.\n\nSeen.\n\nFound.\n");
	T_EQ_STR(text_of("<html><body style=\"display: none\"><nav>Menu</nav><p>The story.</p>"
			 "</body></html>"),
		 "The story.\n");
	T_EQ_STR(text_of("<html><body><header>Site</header><main hidden><p>The story.</p></main>"
			 "</body></html>"),
		 "Site\n\nThe story.\n");
	/* a <dialog> is shown when open only */
	T_EQ_STR(text_of("<html><body><dialog id=\"signin\"><p>Sign in to read on.</p>"
			 "<dialog>Nested.</dialog></dialog><p>The story, which is longer than the "
			 "dialogs the page holds.</p><dialog open class=\"x\">Shown.</dialog>"
			 "<DIALOG data-open=\"1\">Closed.</DIALOG></body></html>"),
		 "The story, which is longer than the dialogs the page holds.\n\nShown.\n");
	/* one never closed: read again with it kept, not the page lost */
	T_EQ_STR(text_of("<html><body><div hidden>Note<p>The story.</p></body></html>"),
		 "Note\n\nThe story.\n");
}

T_TEST(references_are_decoded)
{
	T_EQ_STR(text_of("<html><p>AT&amp;T &lt;tag&gt; &quot;q&quot; it&rsquo;s &#8220;x&#x201D; "
			 "caf&eacute; &Eacute;cole na&iuml;ve &ntilde; a&nbsp;b &mdash; &hellip;</p>"),
		 "AT&T <tag> \"q\" it\xE2\x80\x99s \xE2\x80\x9Cx\xE2\x80\x9D caf\xC3\xA9 "
		 "\xC3\x89" "cole na\xC3\xAFve \xC3\xB1 a b \xE2\x80\x94 \xE2\x80\xA6\n");
	/* HTML 4's names (amp, lt, gt, quot and those of Latin-1) are read
	 * without ';' too, the longest that starts the letters; others not,
	 * nor one before letters and ';' (a name the table does not know) */
	T_EQ_STR(text_of("<html><p>a&nbspb &nbsp caf&eacute &copy2025 &AMP &ltb&gt &ampx "
			 "&notin; &notit &Eacutecole &frac12x &eth&THORN &mdash &hellip &apos "
			 "&rsquo &nbsp;c</p>"),
		 "a b caf\xC3\xA9 \xC2\xA9" "2025 & <b> &x &notin; \xC2\xACit "
		 "\xC3\x89" "cole \xC2\xBDx \xC3\xB0\xC3\x9E &mdash &hellip &apos &rsquo c\n");
	T_EQ_STR(text_of("<html><p>Fish &amp chips &lt"), "Fish & chips <\n");
	/* unknown names and a bare '&' stay as written; Windows-1252 numbers
	 * read as browsers read them; NUL, surrogates and past U+10FFFF are
	 * U+FFFD; a soft hyphen is dropped */
	T_EQ_STR(text_of("<html><p>&bogus; R&D &#150; &#0; &#xD800; &#x110000; "
			 "&#99999999999; co&shy;op</p>"),
		 "&bogus; R&D \xE2\x80\x93 \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD "
		 "coop\n");
	/* control characters written as references are blanks, not line or
	 * paragraph breaks (found by fuzz_html) */
	T_EQ_STR(text_of("<html><p>a&#10;&#10;&#10;b&#9;c</p><p>&#13;d</p>"), "a b c\n\nd\n");
}

T_TEST(publication_date_becomes_the_header)
{
	const char *t = text_of("<html><head><meta property=\"article:published_time\" "
				"content=\"2025-02-22T10:00:00Z\"></head><body><p>Words here.</p>");
	struct ds_err err = {0};
	struct ds_doc *d;
	T_EQ_STR(t, "date 2025-02-22\n\nWords here.\n");
	d = ds_doc_new(t, strlen(t), "page", 0, &err);
	T_OK(d != NULL);
	if (d) {
		T_EQ_STR(d->date, "2025-02-22");
		ds_doc_free(d);
	}
	T_EQ_STR(text_of("<html><p>By X, <time datetime=\"2024-12-31\">Dec 31</time>.</p>"),
		 "date 2024-12-31\n\nBy X, Dec 31.\n");
	T_EQ_STR(text_of("<html><meta itemprop=datePublished content=2023-01-05><p>x</p>"),
		 "date 2023-01-05\n\nx\n");
	/* the page's JSON-LD (Yoast and most news sites), in its head or body;
	 * another script, or a date that is not one, dates nothing */
	T_EQ_STR(text_of("<html><head><script>var x = {\"datePublished\": \"2020-01-01\"};</script>"
			 "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
			 "\"dateModified\":\"2025-03-01\",\"datePublished\" : \"2025-02-29\"}</script>"
			 "<script type='application/ld+json'>\n{\"@graph\": [{\"DatePublished\": "
			 "\"2025-02-22T09:14:00+00:00\"}]}\n</script></head><body><p>x</p>"),
		 "date 2025-02-22\n\nx\n");
	T_EQ_STR(text_of("<html><body><p>x</p><script type=application/ld+json>"
			 "{\"datePublished\":\"2024-07-04\"}"), "date 2024-07-04\n\nx\n");
	/* no text, no header (found by fuzz_html) */
	T_EQ_STR(text_of("<html><time datetime=\"2024-12-31\"></time><style>never closed"), "\n");
	/* not a date, or a meta that does not date the article */
	T_EQ_STR(text_of("<html><meta name=\"description\" content=\"2025-02-22\">"
			 "<time datetime=\"soon\">later</time>"), "later\n");
}

/* A page in Windows-1252 or Latin-1 (by its meta) is read as such; one that
 * says so but holds UTF-8 stays UTF-8; on any other page, the bytes that are
 * no part of UTF-8 are read as Windows-1252 and the rest stays. */
T_TEST(latin_pages_are_transcoded)
{
	T_EQ_STR(text_of("<html><head><meta charset=\"iso-8859-1\"></head><p>caf\xE9 "
			 "\x93quoted\x94 \x80 5</p>"),
		 "caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC 5\n");
	T_EQ_STR(text_of("<html><meta http-equiv=\"Content-Type\" content=\"text/html; "
			 "charset=windows-1252\"><p>na\xEFve</p>"),
		 "na\xC3\xAFve\n");
	T_EQ_STR(text_of("<html><meta charset=latin1><p>caf\xC3\xA9</p>"), "caf\xC3\xA9\n");
	T_EQ_STR(text_of("<html><meta charset=utf-8><p>caf\xE9 caf\xC3\xA9</p>"),
		 "caf\xC3\xA9 caf\xC3\xA9\n");
	T_EQ_STR(text_of("<html><p>it\x92s caf\xE9 \x81</p>"),
		 "it\xE2\x80\x99s caf\xC3\xA9 \xEF\xBF\xBD\n");
	T_EQ_INT(ds_html_is_1252("<html><meta charset=latin1><p>caf\xE9</p>", 38), 1);
	T_EQ_INT(ds_html_is_1252("<html><meta charset=latin1><p>caf\xC3\xA9</p>", 39), 0);
	T_EQ_INT(ds_html_is_1252("<html><p>caf\xE9</p>", 17), 0);
}

/* Offsets in the text map back to the page: plain words one for one,
 * a reference as a whole, after a date header and across blanks and tags. */
T_TEST(text_offsets_map_to_the_page)
{
	static const char page[] =
		"<html><head><meta property=\"article:published_time\" content=\"2025-01-02\">"
		"</head><body><nav>Home</nav><p>The caf&eacute; is\n  open.</p>"
		"<p>Tom&rsquo;s <b>big</b> dog barked.</p>";
	char *t = NULL;
	size_t n;
	struct ds_html_map *m = NULL;
	T_EQ_INT(ds_html_text_map(page, strlen(page), &t, &n, &m, NULL), 0);
	if (!t || !m)
		return;
	T_EQ_STR(t, "date 2025-01-02\n\nThe caf\xC3\xA9 is open.\n\nTom\xE2\x80\x99s big dog barked.\n");
	T_MAP_SPAN(page, t, m, "The", "The");
	T_MAP_SPAN(page, t, m, "caf\xC3\xA9", "caf&eacute;");
	T_MAP_SPAN(page, t, m, "is open", "is\n  open");
	T_MAP_SPAN(page, t, m, "Tom\xE2\x80\x99s big dog", "Tom&rsquo;s <b>big</b> dog");
	T_MAP_SPAN(page, t, m, "barked.", "barked.");
	/* the date header has no bytes in the page */
	T_EQ_INT(ds_html_map_page(m, 3, 0), 0);
	free(t);
	ds_html_map_free(m);
	/* a Latin page: a transcoded byte stands for itself */
	{
		static const char lat[] = "<html><meta charset=latin1><p>na\xEFve caf\xE9s</p>";
		T_EQ_INT(ds_html_text_map(lat, strlen(lat), &t, &n, &m, NULL), 0);
		if (t && m)
			T_MAP_SPAN(lat, t, m, "na\xC3\xAFve caf\xC3\xA9s", "na\xEFve caf\xE9s");
		free(t);
		ds_html_map_free(m);
	}
}

/* Plain text in an 8-bit encoding: only text that reads as it is counted;
 * each byte that is no UTF-8 becomes its Windows-1252 character, the rest
 * stays, and the map gives each character's bytes in the file. */
T_TEST(text_in_8_bit_encodings)
{
	static const char mixed[] = "He said \x93hi\x94, caf\xC3\xA9 \x81 na\xEFve.";
	char bin[200], *t = NULL;
	size_t first = 99, n;
	struct ds_html_map *m = NULL;
	T_EQ_INT(ds_text_legacy_bytes("caf\xE9 au lait", 12, &first), 1);
	T_EQ_INT(first, 3);
	T_EQ_INT(ds_text_legacy_bytes("caf\xC3\xA9 au lait", 13, &first), 0);
	T_EQ_INT(ds_text_legacy_bytes("plain ASCII", 11, NULL), 0);
	T_EQ_INT(ds_text_legacy_bytes("caf\xE9\0x", 6, NULL), 0);          /* a NUL: binary */
	T_EQ_INT(ds_text_legacy_bytes("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", 15, NULL), 0);
	memset(bin, 'a', sizeof bin);
	for (size_t i = 0; i < sizeof bin; i += 4)
		bin[i] = '\xE9'; /* a quarter odd bytes: what a binary file has */
	T_EQ_INT(ds_text_legacy_bytes(bin, sizeof bin, NULL), 0);
	T_EQ_INT(ds_text_legacy_bytes(mixed, strlen(mixed), &first), 4);
	T_EQ_INT(first, 8);
	T_EQ_INT(ds_text_from_1252(mixed, strlen(mixed), &t, &n, &m, NULL), 0);
	if (!t || !m)
		return;
	T_EQ_STR(t, "He said \xE2\x80\x9Chi\xE2\x80\x9D, caf\xC3\xA9 \xEF\xBF\xBD na\xC3\xAFve.");
	T_EQ_INT(n, strlen(t));
	T_EQ_INT(ds_text_legacy_bytes(t, n, NULL), 0);
	T_MAP_SPAN(mixed, t, m, "\xE2\x80\x9Chi\xE2\x80\x9D", "\x93hi\x94");
	T_MAP_SPAN(mixed, t, m, "caf\xC3\xA9", "caf\xC3\xA9");
	T_MAP_SPAN(mixed, t, m, "na\xC3\xAFve.", "na\xEFve.");
	free(t);
	ds_html_map_free(m);
	/* without a map */
	T_EQ_INT(ds_text_from_1252("\x80\x85", 2, &t, &n, NULL, NULL), 0);
	if (t)
		T_EQ_STR(t, "\xE2\x82\xAC\xE2\x80\xA6");
	free(t);
}

/* Every character Windows-1252 reads a byte as goes back to that byte;
 * a character it has no byte for (or one of its five undefined bytes'
 * numbers) has none. */
T_TEST(windows_1252_both_ways)
{
	for (uint32_t c = 0; c < 256; c++) {
		uint32_t cp = ds_cp1252(c);
		if (cp)
			T_EQ_INT(ds_to_cp1252(cp), (int)c);
	}
	T_EQ_INT(ds_to_cp1252(0x2019), 0x92);
	T_EQ_INT(ds_to_cp1252(0x20AC), 0x80);
	T_EQ_INT(ds_to_cp1252(0x81), -1);
	T_EQ_INT(ds_to_cp1252(0x3B1), -1); /* Greek alpha */
	T_EQ_INT(ds_to_cp1252(0xFFFD), -1);
}

/* A date header given to a text: over the text's own, else before it, and
 * offsets still give the input's bytes (none for the header). */
T_TEST(date_header_given_to_a_text)
{
	static const char page[] = "<html><p>The caf&eacute; is open.</p>";
	char *t = strdup("Rain fell on Tuesday.\n");
	size_t n = strlen(t);
	struct ds_html_map *m = NULL;
	T_EQ_INT(ds_text_set_date(&t, &n, "2025-3-4", &m), DS_EINVAL);
	T_EQ_INT(ds_text_set_date(&t, &n, "2025-03-04", &m), 0);
	T_EQ_STR(t, "date 2025-03-04\n\nRain fell on Tuesday.\n");
	T_EQ_INT(n, strlen(t));
	T_EQ_INT(m != NULL, 1);
	T_MAP_SPAN("Rain fell on Tuesday.\n", t, m, "fell on", "fell on");
	T_EQ_INT(ds_html_map_page(m, 3, 0), 0);
	/* a second date overwrites the header: nothing moves */
	T_EQ_INT(ds_text_set_date(&t, &n, "2024-12-31", &m), 0);
	T_EQ_STR(t, "date 2024-12-31\n\nRain fell on Tuesday.\n");
	T_MAP_SPAN("Rain fell on Tuesday.\n", t, m, "Tuesday", "Tuesday");
	free(t);
	ds_html_map_free(m);
	/* a page's text: its map shifts */
	T_EQ_INT(ds_html_text_map(page, strlen(page), &t, &n, &m, NULL), 0);
	if (!t || !m)
		return;
	T_EQ_INT(ds_text_set_date(&t, &n, "2025-03-04", &m), 0);
	T_EQ_STR(t, "date 2025-03-04\n\nThe caf\xC3\xA9 is open.\n");
	T_MAP_SPAN(page, t, m, "caf\xC3\xA9 is", "caf&eacute; is");
	free(t);
	ds_html_map_free(m);
}

int main(void)
{
	T_RUN(empty_page_null);
	T_RUN(documents_are_recognised);
	T_RUN(blocks_break_inline_joins);
	T_RUN(preformatted_lines_are_kept);
	T_RUN(what_is_not_prose_is_dropped);
	T_RUN(headline_boxes_are_dropped);
	T_RUN(hidden_elements_are_dropped);
	T_RUN(references_are_decoded);
	T_RUN(publication_date_becomes_the_header);
	T_RUN(latin_pages_are_transcoded);
	T_RUN(text_offsets_map_to_the_page);
	T_RUN(text_in_8_bit_encodings);
	T_RUN(windows_1252_both_ways);
	T_RUN(date_header_given_to_a_text);
	return t_done();
}
