/*
 * fuzz_report.c - hostile text through detection into the HTML report.
 *
 * Input: NAME NUL ARTICLE [NUL SOURCE] (no NUL: the whole input is the
 * article).  Every input is escaped with ds_html_escape alone; then, when the
 * models load (DS_FUZZ_MODELS, default "models"), the article is scored
 * (against SOURCE when given) and the page rendered with ds_report_render.
 * The page must hold only the report's own markup (html_check.h), the JSON
 * line of the result must parse, and every substitution must lie inside the
 * article.
 */
#include "fuzz.h"
#include "html_check.h"
#include "json.h"
#include "report.h"

static struct ds_models *models;
static struct ds_detector *det;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ds_err err = {0};
	const char *dir = getenv("DS_FUZZ_MODELS");
	(void)argc;
	(void)argv;
	models = ds_models_open(dir ? dir : "models", &err);
	if (models)
		det = ds_detector_new(models, &err);
	if (!det)
		fprintf(stderr, "fuzz_report: no models (%s): fuzzing the escaper only\n", err.msg);
	return 0;
}

static int any_member(void *ctx, const char *key, const char *val, size_t vlen, int is_string)
{
	(void)key;
	(void)val;
	(void)vlen;
	(void)is_string;
	++*(int *)ctx;
	return 0;
}

static void check_page(const struct ds_buf *b)
{
	char why[128];
	if (!html_check(b->data, b->len, why, sizeof why)) {
		fprintf(stderr, "report markup broken: %s\n", why);
		FZ_ASSERT(0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *z1, *z2 = NULL;
	struct ds_buf b = DS_BUF_INIT;
	struct ds_err err = {0};
	struct ds_text art, src;
	struct ds_detect_opts opts = {0};
	struct ds_result *r;
	char name[256];
	size_t nlen;

	/* The escaper alone: the text must not leave the text context. */
	ds_buf_puts(&b, "<p title=\"");
	FZ_ASSERT(ds_html_escape(&b, s, size, DS_HTML_SHOWN) == 0);
	ds_buf_puts(&b, "\">");
	ds_html_escape(&b, s, size, DS_HTML_SHOWN);
	ds_buf_puts(&b, "</p>");
	check_page(&b);
	ds_buf_free(&b);
	if (!det)
		return 0;

	z1 = memchr(s, 0, size);
	if (z1) {
		nlen = (size_t)(z1 - s) < sizeof name - 1 ? (size_t)(z1 - s) : sizeof name - 1;
		memcpy(name, s, nlen);
		name[nlen] = 0;
		art.data = z1 + 1;
		z2 = memchr(art.data, 0, size - (size_t)(art.data - s));
		art.len = z2 ? (size_t)(z2 - art.data) : size - (size_t)(art.data - s);
	} else {
		strcpy(name, "<img src=x onerror=alert(1)>.txt");
		art.data = s;
		art.len = size;
	}
	art.name = name;
	if (z2) {
		src.name = "source\"'<b>.txt";
		src.data = z2 + 1;
		src.len = size - (size_t)(src.data - s);
	}
	opts.all_subs = 1;
	r = ds_detect(det, &art, z2 ? &src : NULL, NULL, &opts, &err);
	if (!r) {
		FZ_ASSERT(err.code == DS_EEMPTY || err.code == DS_EBINARY || err.code == DS_ETOOBIG ||
			  err.code == DS_ENOMEM);
		return 0;
	}
	{
		size_t tl, n = ds_result_nsubs(r);
		const char *t = ds_result_text(r, &tl);
		struct ds_sub sub;
		char *json, *restored;
		int members = 0;
		FZ_ASSERT(t != NULL);
		for (size_t i = 0; i < n; i++) {
			FZ_ASSERT(ds_result_sub(r, i, &sub) == 0);
			FZ_ASSERT(sub.start < sub.end && sub.end <= tl);
			FZ_ASSERT(sub.text && sub.original && sub.why);
		}
		FZ_ASSERT(ds_result_sub(r, n, &sub) == DS_EINVAL);
		json = ds_result_json(r);
		FZ_ASSERT(json != NULL);
		if (ds_json_object(json, strlen(json), any_member, &members, &err) != 0) {
			fprintf(stderr, "result JSON does not parse: %s\n%s\n", err.msg, json);
			FZ_ASSERT(0);
		}
		FZ_ASSERT(members >= 3);
		free(json);
		restored = ds_result_restore(r, &tl);
		FZ_ASSERT(restored != NULL);
		free(restored);
	}
	{
		const struct ds_result *const list[1] = {r};
		/* an input that failed, listed with its name and reason */
		const struct ds_report_failure failed[1] = {{name, err.msg}};
		snprintf(err.msg, sizeof err.msg, "%.*s", (int)(art.len < 200 ? art.len : 200), art.data);
		FZ_ASSERT(ds_report_render(&b, list, 1, failed, 1) == 0);
		check_page(&b);
		ds_buf_free(&b);
	}
	ds_result_free(r);
	return 0;
}
