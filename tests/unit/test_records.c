/* test_records.c - JSON Lines records read from a file named among the
 * inputs (src/cli/records.c): a file is known by its name (.jsonl,
 * .ndjson, compressed) or its first line (a JSON object with a "text" or
 * "html" string); its records read as standard input's do, their
 * messages and default ids naming the file, a compressed file decoded, a
 * cut one ending after the records before with one message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "packers.h"
#include "tmpfiles.h"
#include "records.h"
#include "util.h"

T_TEST(named_by_their_ends)
{
	T_EQ_INT(cli_records_named("wire.jsonl"), 1);
	T_EQ_INT(cli_records_named("a/WIRE.NDJSON"), 1);
	T_EQ_INT(cli_records_named("wire.jsonl.gz"), 1);
	T_EQ_INT(cli_records_named("wire.ndjson.zst"), 1);
	T_EQ_INT(cli_records_named("wire.json"), 0);
	T_EQ_INT(cli_records_named("wire.jsonl.txt"), 0);
	T_EQ_INT(cli_records_named(".jsonl"), 0);
	T_EQ_INT(cli_records_named("a/.jsonl"), 0);
	T_EQ_INT(cli_records_named("-"), 0);
}

#define LIKE(s) cli_records_like(s, sizeof s - 1)

T_TEST(known_by_their_first_line)
{
	T_EQ_INT(LIKE("{\"id\": 1, \"text\": \"The council met.\"}\n{\"x\": 1}\n"), 1);
	T_EQ_INT(LIKE("\n \r\n{\"html\": \"<p>The council met.</p>\"}\r\n"), 1);
	T_EQ_INT(LIKE("{\"text\": \"no line end\"}"), 1);
	T_EQ_INT(LIKE("{\"text\": 5}\n"), 0);      /* not a string */
	T_EQ_INT(LIKE("{\"body\": \"x\"}\n"), 0);  /* no text */
	T_EQ_INT(LIKE("[{\"text\": \"x\"}]\n"), 0); /* not an object */
	T_EQ_INT(LIKE("{\"text\": \"cut\n"), 0);   /* the first line is no object */
	T_EQ_INT(LIKE("The council {met} on Tuesday.\n"), 0);
	T_EQ_INT(LIKE("{ a brace, then prose }\n"), 0);
	T_EQ_INT(LIKE(""), 0);
}

/* Reads every record of the file at path: "ID|TEXT" or "ID!ERR" lines. */
static void read_all(const char *path, struct ds_buf *out, char *error, size_t ecap)
{
	struct ds_err err = {0};
	struct cli_records *rs = cli_records_open_file(path, "wire.jsonl", 1 << 20, &err);
	struct cli_record r;
	T_OK(rs != NULL);
	if (!rs)
		return;
	T_EQ_STR(cli_records_name(rs), "wire.jsonl");
	while (cli_records_next(rs, &r) > 0) {
		if (r.err[0])
			ds_buf_printf(out, "%s!%s\n", r.id, r.err);
		else
			ds_buf_printf(out, "%s|%.*s\n", r.id, (int)r.len, r.text);
		cli_record_free(&r);
	}
	snprintf(error, ecap, "%s", cli_records_error(rs));
	cli_records_close(rs);
}

static const char RECS[] = "{\"id\": \"a\", \"text\": \"The council met.\"}\n"
			   "\n"
			   "{\"text\": \"The war went on.\"}\n"
			   "{\"id\": \"c\", \"text\": 7}\n";

static const char WANT[] = "a|The council met.\n"
			   "wire.jsonl:3|The war went on.\n"
			   "c!wire.jsonl:4: record without a \"text\" or \"html\" string\n";

T_TEST(records_of_a_file)
{
	struct ds_buf out = DS_BUF_INIT;
	char path[256], error[256], *z;
	size_t zn;
	struct ds_err err = {0};
	t_put_file("r.jsonl", RECS, sizeof RECS - 1, path, sizeof path);
	read_all(path, &out, error, sizeof error);
	T_EQ_STR(out.data, WANT);
	T_EQ_STR(error, "");
	out.len = 0;
	gz(RECS, sizeof RECS - 1, &z, &zn);
	t_put_file("r.jsonl.gz", z, zn, path, sizeof path);
	read_all(path, &out, error, sizeof error);
	T_EQ_STR(out.data, WANT);
	/* cut inside its last record: the records before, then the failure */
	out.len = 0;
	t_put_file("cut.jsonl.gz", z, zn - 12, path, sizeof path);
	read_all(path, &out, error, sizeof error);
	T_OK(strncmp(out.data, "a|The council met.\n", 19) == 0);
	T_OK(strstr(error, "wire.jsonl") != NULL && strstr(error, "cut short") != NULL);
	free(z);
	ds_buf_free(&out);
	T_OK(cli_records_open_file("/nonexistent/r.jsonl", "r.jsonl", 100, &err) == NULL &&
	     strstr(err.msg, "/nonexistent/r.jsonl") != NULL);
}

int main(void)
{
	if (t_dir_make())
		return 2;
	T_RUN(named_by_their_ends);
	T_RUN(known_by_their_first_line);
	T_RUN(records_of_a_file);
	if (t_dir_remove())
		return 2;
	return t_done();
}
