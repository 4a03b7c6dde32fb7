/* test_report.c - the HTML report: ds_html_escape byte by byte, the page
 * checker used here and by the fuzzer (it must catch injected markup), and
 * whole pages for hostile articles and file names (with the models of
 * models/, skipped when they are not built). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "../fuzz/html_check.h"
#include "despin.h"
#include "report.h"
#include "util.h"

static char *escape(const char *s, size_t n)
{
	struct ds_buf b = DS_BUF_INIT;
	ds_html_escape(&b, s, n, DS_HTML_SHOWN);
	ds_buf_putc(&b, 0);
	return b.data;
}

#define ESC(lit) escape(lit, sizeof lit - 1)

T_TEST(escape_specials)
{
	char *e = ESC("<a href=\"x\" onclick='y'>&amp;</a>");
	T_EQ_STR(e, "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
	free(e);
	e = ESC("plain text, caf\xc3\xa9 \xe2\x82\xac");
	T_EQ_STR(e, "plain text, caf\xc3\xa9 \xe2\x82\xac");
	free(e);
	e = escape("", 0);
	T_EQ_STR(e, "");
	free(e);
}

T_TEST(escape_controls)
{
	/* NUL and control bytes never reach the page; newline and tab stay */
	char *e = ESC("a\0b\x01\x1b[31m\x7f\n\tc");
	T_EQ_STR(e, "a&#xFFFD;b&#xFFFD;&#xFFFD;[31m&#xFFFD;\n\tc");
	free(e);
	/* nor do C1 controls (U+0080-U+009F), written in UTF-8 */
	e = ESC("\xc2\x9b" "31m\xc2\x85x\xc2\xa0");
	T_EQ_STR(e, "&#xFFFD;31m&#xFFFD;x\xc2\xa0");
	free(e);
}

T_TEST(escape_utf8_and_bidi)
{
	/* bytes that are not UTF-8 become U+FFFD; bidi controls are shown by
	 * their code, so "\u202etxt.exe" cannot display as "exe.txt";
	 * other UTF-8 passes */
	char *e = ESC("caf\xc3\xa9 \xff\xc3 \xe2\x80\xaetxt.exe \xe2\x81\xa6x\xe2\x81\xa9 \xed\xa0\x80");
	T_EQ_STR(e, "caf\xc3\xa9 &#xFFFD;&#xFFFD; [U+202E]txt.exe [U+2066]x[U+2069] "
		    "&#xFFFD;&#xFFFD;&#xFFFD;");
	free(e);
}

T_TEST(escape_every_byte)
{
	/* no byte of any value comes out as markup */
	char in[256], why[128];
	struct ds_buf b = DS_BUF_INIT;
	for (int i = 0; i < 256; i++)
		in[i] = (char)i;
	ds_buf_puts(&b, "<p title=\"");
	ds_html_escape(&b, in, 256, DS_HTML_SHOWN);
	ds_buf_puts(&b, "\">");
	ds_html_escape(&b, in, 256, DS_HTML_SHOWN);
	ds_buf_puts(&b, "</p>");
	T_OK(html_check(b.data, b.len, why, sizeof why));
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == 0) {
			T_FAIL("NUL at byte %zu", i);
			break;
		}
	ds_buf_free(&b);
}

T_TEST(checker_catches_injection)
{
	static const char *const bad[] = {
		"<p>x<img src=x onerror=alert(1)></p>",
		"<p title=\"a\" onmouseover=\"alert(1)\">x</p>",
		"<p title=\"a\">x\"y</p>",
		"<a href=\"http://example.com/\">x</a>",
		"<td onclick=\"alert(1)\">x</td>",
		"<p title=\"<b>\">x</p>",
		"<p>x</p><script>",
	};
	static const char good[] =
		"<p class=\"a\" title=\"it&#39;s &lt;b&gt;\">x &amp; y</p><a href=\"#a1\">1</a>"
		"<th onclick=\"sortBy(this)\">#</th><script>if (a<b) x=\">\";</script>";
	char why[128];
	for (size_t i = 0; i < DS_ARRAY_LEN(bad); i++)
		if (html_check(bad[i], strlen(bad[i]), why, sizeof why))
			T_FAIL("checker passed %s", bad[i]);
	T_OK(html_check(good, sizeof good - 1, why, sizeof why));
}

T_TEST(empty_report)
{
	struct ds_buf b = DS_BUF_INIT;
	char why[128];
	T_EQ_INT(ds_report_render(&b, NULL, 0, NULL, 0), 0);
	T_OK(b.len > 0 && strstr(b.data, "0 articles") != NULL);
	if (!html_check(b.data, b.len, why, sizeof why))
		T_FAIL("%s", why);
	ds_buf_free(&b);
}

/* A page the report made is known by its start, which 'report --html' reads
 * to tell its own page of an earlier run from an article; an article, a
 * page of another tool, a page cut before its title, and one whose title
 * comes later than the head bytes read are not. */
T_TEST(page_known_by_its_start)
{
	struct ds_buf b = DS_BUF_INIT;
	static const char other[] = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
				    "<title>My report</title></head><body>despin report</body>";
	char late[2 * DS_REPORT_HEAD_BYTES];
	T_EQ_INT(ds_report_render(&b, NULL, 0, NULL, 0), 0);
	T_OK(ds_report_is_page(b.data, b.len));
	T_OK(ds_report_is_page(b.data, DS_REPORT_HEAD_BYTES));
	T_OK(!ds_report_is_page(b.data, 60)); /* cut before its title */
	T_OK(!ds_report_is_page(other, sizeof other - 1));
	T_OK(!ds_report_is_page("The council met on Monday.\n", 27));
	T_OK(!ds_report_is_page("", 0));
	/* the title past the head bytes read */
	memset(late, ' ', sizeof late);
	memcpy(late, b.data, 70);
	memcpy(late + DS_REPORT_HEAD_BYTES, "<title>despin report</title>", 28);
	T_OK(!ds_report_is_page(late, sizeof late));
	ds_buf_free(&b);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

T_TEST(hostile_report)
{
	static const char article[] =
		"<script>alert(1)</script> The Safety Council held an assembly on the battle for 12 "
		"months. She said \"stop\" onmouseover=\"alert(2)\" and x'><svg onload=alert(3)> went "
		"on.\n\nThe battle went on, the assembly said, and the loss of life grew. \x01\x1b[0m\n";
	static const char source[] =
		"<script>alert(1)</script> The Security Council held a meeting on the war for a "
		"year. She said \"stop\" onmouseover=\"alert(2)\" and x'><svg onload=alert(3)> went "
		"on.\n\nThe war went on, the meeting said, and the loss of life grew.\n";
	struct ds_err err = {0};
	struct ds_models *m = ds_models_open("models", &err);
	struct ds_detector *det;
	struct ds_text a = {"<img src=x onerror=alert(1)>.txt", article, sizeof article - 1};
	struct ds_text s = {"a\"b' onclick='alert(4)'.txt", source, sizeof source - 1};
	struct ds_detect_opts o = {0};
	struct ds_result *r[2];
	struct ds_buf b = DS_BUF_INIT;
	char why[128];
	if (!m)
		T_SKIP("models not built (make models)");
	det = ds_detector_new(m, &err);
	T_OK(det != NULL);
	if (!det) {
		ds_models_free(m);
		return;
	}
	o.all_subs = 1;
	r[0] = ds_detect(det, &a, &s, NULL, &o, &err);
	r[1] = ds_detect(det, &s, NULL, NULL, &o, &err);
	T_OK(r[0] && r[1]);
	if (r[0] && r[1]) {
		const struct ds_result *const list[2] = {r[0], r[1]};
		T_EQ_INT(ds_report_render(&b, list, 2, NULL, 0), 0);
		if (!html_check(b.data, b.len, why, sizeof why))
			T_FAIL("page: %s", why);
		T_EQ_INT(count(b.data, "<script"), 1);
		T_OK(strstr(b.data, "&lt;img src=x onerror=alert(1)&gt;.txt") != NULL);
		T_OK(strstr(b.data, "a&quot;b&#39; onclick=&#39;alert(4)&#39;.txt") != NULL);
		T_EQ_INT(count(b.data, "<img"), 0);
		T_EQ_INT(count(b.data, "<svg"), 0);
	}
	ds_buf_free(&b);
	ds_result_free(r[0]);
	ds_result_free(r[1]);
	ds_detector_free(det);
	ds_models_free(m);
}

/* An article with a spinner's template left in it ("{war|battle}"): the
 * template's flag is drawn as certain ([original], the evidence
 * "template"), the article counted under "source or template", its flags'
 * kinds named in the summary.  Given with a source whose direction is
 * uncertain, it is still spun (the template is the spinner's whichever
 * came first), while the same text without the template is not. */
T_TEST(template_flags)
{
	static const char tpl[] = "The {war|battle|conflict} in the region went on for a year.\n";
	struct ds_err err = {0};
	struct ds_models *m = ds_models_open("models", &err);
	struct ds_detector *det;
	struct ds_text a = {"tpl.txt", tpl, sizeof tpl - 1};
	struct ds_result *r = NULL;
	struct ds_buf b = DS_BUF_INIT;
	struct ds_sub sub;
	char why[128];
	if (!m)
		T_SKIP("models not built (make models)");
	det = ds_detector_new(m, &err);
	if (det)
		r = ds_detect(det, &a, NULL, NULL, NULL, &err);
	T_OK(r != NULL);
	if (r) {
		const struct ds_result *const list[1] = {r};
		T_OK(ds_result_spun(r));
		T_EQ_INT(ds_result_nsubs(r), 1);
		T_EQ_INT(ds_result_sub(r, 0, &sub), 0);
		T_EQ_INT(sub.evidence, DS_EVIDENCE_TEMPLATE);
		T_EQ_STR(ds_evidence_name(sub.evidence), "template");
		T_EQ_INT(ds_report_render(&b, list, 1, NULL, 0), 0);
		if (!html_check(b.data, b.len, why, sizeof why))
			T_FAIL("page: %s", why);
		T_OK(b.data && strstr(b.data, "{war|battle|conflict}</mark><ins class=\"orig\"> [war]") != NULL);
		T_OK(b.data && strstr(b.data, "<td>template 0.99</td>") != NULL);
		T_OK(b.data && strstr(b.data, "source or template (1)") != NULL);
		T_OK(b.data && strstr(b.data, "1 spinner&#39;s template left in the text") != NULL);
		T_OK(b.data && strstr(b.data, ">1 (template)</td>") != NULL);
	}
	ds_buf_free(&b);
	ds_result_free(r);
	if (det) {
		static const char plain[] = "The war in the region went on for a year.\n";
		struct ds_text src = {"src.txt", plain, sizeof plain - 1};
		struct ds_detect_opts o = {0};
		o.uncertain_source = 1;
		r = ds_detect(det, &a, &src, NULL, &o, &err);
		T_OK(r && ds_result_spun(r) && !ds_result_source_direction(r));
		ds_result_free(r);
		a.data = "The battle in the region went on for a year.\n";
		a.len = strlen(a.data);
		r = ds_detect(det, &a, &src, NULL, &o, &err);
		T_OK(r && !ds_result_spun(r) && ds_result_source_direction(r) &&
		     !strcmp(ds_result_source_direction(r), "uncertain"));
		ds_result_free(r);
	}
	ds_detector_free(det);
	ds_models_free(m);
}

/* A text in another language is not judged ("not English prose"), in
 * Latin script or another, nor is a list of settings that holds hardly a
 * function word; English prose is, and a short text is "too short to
 * judge". */
T_TEST(judged_only_in_english)
{
	static const struct {
		const char *text, *reason;
	} cases[] = {
		{"La Asamblea General de las Naciones Unidas votó el lunes una resolución sobre la "
		 "guerra, aunque sus decisiones no son vinculantes. Los diplomáticos dijeron que el "
		 "consejo volvería a reunirse la próxima semana para considerar nuevas medidas y que "
		 "el tiempo se acaba.\n",
		 DS_UNJUDGED_LANGUAGE},
		{"Генеральная Ассамблея ООН в понедельник проголосовала за резолюцию о войне, хотя её "
		 "решения не имеют обязательной силы. Дипломаты заявили, что совет соберётся снова на "
		 "следующей неделе.\n",
		 DS_UNJUDGED_LANGUAGE},
		{"The council met on Monday.\n", DS_UNJUDGED_SHORT},
		{"The General Assembly of the United Nations voted on Monday for a resolution on the "
		 "war, although its decisions are not binding. Diplomats said that the council would "
		 "meet again next week to consider new measures and that time was running out.\n",
		 NULL},
		{"Display name: primary. Direct rendering: yes. Vendor string: Example Corporation. "
		 "Version string: 1.2. Extensions: visual info, visual rating, buffer config, pixel "
		 "buffer, import context, video sync, swap group, swap barrier. Renderer string: "
		 "generic for the card.\n",
		 DS_UNJUDGED_LANGUAGE},
	};
	struct ds_err err = {0};
	struct ds_models *m = ds_models_open("models", &err);
	struct ds_detector *det;
	if (!m)
		T_SKIP("models not built (make models)");
	det = ds_detector_new(m, &err);
	T_OK(det != NULL);
	for (size_t i = 0; det && i < sizeof cases / sizeof cases[0]; i++) {
		struct ds_text a = {"t.txt", cases[i].text, strlen(cases[i].text)};
		struct ds_result *r = ds_detect(det, &a, NULL, NULL, NULL, &err);
		const char *why = NULL;
		T_OK(r != NULL);
		if (!r)
			continue;
		T_EQ_INT(ds_result_judged(r, &why), cases[i].reason == NULL);
		T_EQ_STR(why, cases[i].reason ? cases[i].reason : "");
		if (cases[i].reason)
			T_OK(!ds_result_spun(r) && ds_result_score(r) == 0);
		ds_result_free(r);
	}
	ds_detector_free(det);
	ds_models_free(m);
}

/* What ds_models_open needs and says: an empty directory is refused; a
 * folder of the three required files opens and says in one note which
 * optional files it lacks; the full folder has no note.  A verdict
 * threshold out of 0..1 is refused. */
T_TEST(models_notes_and_threshold)
{
	static const char text[] = "The Safety Council held an assembly on the battle for 12 months.";
	struct ds_err err = {0};
	struct ds_models *m = ds_models_open("", &err), *full;
	char dir[] = "/tmp/despin-test-models-XXXXXX", cwd[4096], src[8200], dst[8200];
	static const char *const files[] = {"lm.bin", "lex.bin", "scorer.bin"};
	T_OK(m == NULL && err.code == DS_EINVAL);
	if (!(full = ds_models_open("models", &err)))
		T_SKIP("models not built (make models)");
	T_OK(ds_models_note(full, 0) == NULL);
	T_OK(mkdtemp(dir) != NULL && getcwd(cwd, sizeof cwd) != NULL);
	for (size_t i = 0; i < DS_ARRAY_LEN(files); i++) {
		snprintf(src, sizeof src, "%s/models/%s", cwd, files[i]);
		snprintf(dst, sizeof dst, "%s/%s", dir, files[i]);
		T_EQ_INT(symlink(src, dst), 0);
	}
	m = ds_models_open(dir, &err);
	T_OK(m != NULL);
	if (m) {
		const char *n0 = ds_models_note(m, 0);
		T_OK(n0 && strstr(n0, "vec.bin") && strstr(n0, "solo.tsv"));
		T_OK(ds_models_note(m, 1) == NULL);
		ds_models_free(m);
	}
	for (size_t i = 0; i < DS_ARRAY_LEN(files); i++) {
		snprintf(dst, sizeof dst, "%s/%s", dir, files[i]);
		unlink(dst);
	}
	rmdir(dir);
	{
		struct ds_detector *det = ds_detector_new(full, &err);
		struct ds_text a = {"t.txt", text, sizeof text - 1};
		static const double bad[] = {-0.1, 1.5, INFINITY, NAN};
		struct ds_detect_opts o = {0};
		struct ds_result *r;
		/* the verdict threshold and the flags' floor are probabilities */
		double *prob[] = {&o.threshold, &o.min_p};
		T_OK(det != NULL);
		for (size_t k = 0; det && k < DS_ARRAY_LEN(prob); k++) {
			for (size_t i = 0; i < DS_ARRAY_LEN(bad); i++) {
				*prob[k] = bad[i];
				r = ds_detect(det, &a, NULL, NULL, &o, &err);
				T_OK(r == NULL && err.code == DS_EINVAL);
				ds_result_free(r);
			}
			*prob[k] = 0;
		}
		o.threshold = 0.5;
		r = det ? ds_detect(det, &a, NULL, NULL, &o, &err) : NULL;
		T_OK(r != NULL && ds_result_threshold(r) == 0.5);
		ds_result_free(r);
		ds_detector_free(det);
	}
	ds_models_free(full);
}

/* The JSON of seed 003, solo and against seed 000, by a detector of m. */
static char *seed_json(struct ds_models *m, int solo)
{
	struct ds_err err = {0};
	struct ds_detector *det = ds_detector_new(m, &err);
	struct ds_detect_opts o = {0};
	struct ds_text a = {"003", NULL, 0}, s = {"000", NULL, 0};
	char *art = NULL, *src = NULL, *json = NULL;
	struct ds_result *r = NULL;
	if (det && !ds_read_file("corpus/seeds/003_cc34e14e2e5a732a.txt", 0, &art, &a.len, &err) &&
	    !ds_read_file("corpus/seeds/000_fcd469a446cc7cc8.txt", 0, &src, &s.len, &err)) {
		a.data = art;
		s.data = src;
		r = ds_detect(det, &a, solo ? NULL : &s, NULL, &o, &err);
	}
	if (r)
		json = ds_result_json(r);
	ds_result_free(r);
	ds_detector_free(det);
	free(art);
	free(src);
	return json;
}

/* Models opened for many articles give the results the plain opening
 * gives (only their maps differ). */
T_TEST(models_open_many_same_results)
{
	struct ds_err err = {0};
	struct ds_models *one = ds_models_open("models", &err), *many;
	if (!one)
		T_SKIP("models not built (make models)");
	many = ds_models_open_many("models", &err);
	T_OK(many != NULL);
	for (int solo = 0; many && solo < 2; solo++) {
		char *a = seed_json(one, solo), *b = seed_json(many, solo);
		T_OK(a && b && strstr(a, "\"verdict\":\"spun\"") != NULL);
		T_OK(a && b && strcmp(a, b) == 0);
		free(a);
		free(b);
	}
	T_OK(!ds_models_open_many("", &err) && err.code == DS_EINVAL);
	ds_models_free(many);
	ds_models_free(one);
}

/* The flags listed from a confidence (ds_detect_opts.min_p): a lower floor
 * than the default lists the language model's weaker flags too, a higher
 * one fewer, every flag listed at or above it; the verdict and score are
 * the same whatever the floor, with a source and without. */
T_TEST(flags_from_a_confidence)
{
	struct ds_err err = {0};
	struct ds_models *m = ds_models_open("models", &err);
	struct ds_detector *det;
	struct ds_text a = {"003", NULL, 0}, s = {"000", NULL, 0};
	char *art = NULL, *src = NULL;
	static const double floors[] = {0, 0.15, 0.6};
	if (!m)
		T_SKIP("models not built (make models)");
	det = ds_detector_new(m, &err);
	T_OK(det != NULL);
	T_OK(!ds_read_file("corpus/seeds/003_cc34e14e2e5a732a.txt", 0, &art, &a.len, &err));
	T_OK(!ds_read_file("corpus/seeds/000_fcd469a446cc7cc8.txt", 0, &src, &s.len, &err));
	a.data = art;
	s.data = src;
	for (int solo = 0; det && art && src && solo < 2; solo++) {
		size_t n[DS_ARRAY_LEN(floors)] = {0};
		double score[DS_ARRAY_LEN(floors)] = {0};
		for (size_t k = 0; k < DS_ARRAY_LEN(floors); k++) {
			struct ds_detect_opts o = {0};
			struct ds_result *r;
			int below = 0;
			o.min_p = floors[k];
			r = ds_detect(det, &a, solo ? NULL : &s, NULL, &o, &err);
			T_OK(r != NULL);
			if (!r)
				continue;
			n[k] = ds_result_nsubs(r);
			score[k] = ds_result_score(r);
			for (size_t i = 0; i < n[k]; i++) {
				struct ds_sub sb;
				T_EQ_INT(ds_result_sub(r, i, &sb), 0);
				below += sb.p >= 0 && sb.p < floors[k];
			}
			T_EQ_INT(below, 0);
			ds_result_free(r);
		}
		T_OK(n[1] > n[0] && n[2] < n[0] && n[2] > 0);
		T_OK(score[1] == score[0] && score[2] == score[0]);
	}
	ds_detector_free(det);
	ds_models_free(m);
	free(art);
	free(src);
}

int main(void)
{
	T_RUN(escape_specials);
	T_RUN(escape_controls);
	T_RUN(escape_utf8_and_bidi);
	T_RUN(escape_every_byte);
	T_RUN(checker_catches_injection);
	T_RUN(empty_report);
	T_RUN(page_known_by_its_start);
	T_RUN(hostile_report);
	T_RUN(template_flags);
	T_RUN(judged_only_in_english);
	T_RUN(models_notes_and_threshold);
	T_RUN(models_open_many_same_results);
	T_RUN(flags_from_a_confidence);
	return t_done();
}
