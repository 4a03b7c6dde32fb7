/* cmd_tokens.c - despin tokens: the token stream, for debugging and tests. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "../stem.h"
#include "../text.h"

#define SYNOPSIS "despin tokens [--stems | --text] [--max-size BYTES] FILE..."

static const char USAGE[] =
	SYNOPSIS "\n"
	"\n"
	"Prints each input's tokens, one a line: byte offsets START END into the\n"
	"file, kind (word, num, punct), flags and the normalised form (and the\n"
	"Snowball stem with --stems).  Flags: S sentence start, P paragraph start,\n"
	"B boilerplate, C capitalised, U upper case, Q quoted, L piece of an\n"
	"over-long word, I held invalid UTF-8; '-' when none.  FILE may be a\n"
	"directory (read recursively) or '-' for standard input.  A web page is\n"
	"read as its text (markup, scripts and menus left out), and offsets are\n"
	"in that text: --text prints it instead of the tokens.";

struct tok_ctx {
	int stems;
	int text; /* --text: the text judged, not its tokens */
	int many;
	int nerr;
	struct ds_stemmer *st;
};

static const char *kind_name(int k)
{
	return k == DS_TOK_WORD ? "word" : k == DS_TOK_NUM ? "num" : "punct";
}

static int tokens_one(const char *path, void *vctx)
{
	struct tok_ctx *ctx = vctx;
	struct ds_err err = {0};
	char *text;
	size_t len;
	struct ds_doc *d;
	const char *name = cli_input_name(path);
	int how;

	if (cli_read_article(path, cli_max_input ? cli_max_input : DS_DOC_MAX_BYTES_DEFAULT,
			 &text, &len, &how, &err)) {
		cli_error("%s", err.msg);
		ctx->nerr++;
		return 0;
	}
	/* the text is read as detection reads it, so that --text refuses
	 * what scan refuses (a part in UTF-16, NUL bytes, no words) */
	d = ds_doc_new(text, len, name, cli_max_input, &err);
	if (!d) {
		free(text);
		cli_error("%s", err.msg);
		ctx->nerr++;
		return 0;
	}
	if (ctx->text) {
		if (ctx->many)
			printf("== %s\n", cli_name(name));
		fwrite(text, 1, len, stdout);
		if (len && text[len - 1] != '\n')
			putchar('\n');
		free(text);
		ds_doc_free(d);
		return ferror(stdout) ? 1 : 0;
	}
	free(text);
	if (ctx->stems && ds_doc_stem(d, ctx->st)) {
		cli_error("%s: out of memory", name);
		ds_doc_free(d);
		ctx->nerr++;
		return 0;
	}
	if (ctx->many)
		printf("== %s\n", cli_name(name));
	if (how == CLI_READ_PAGE)
		printf("# web page: offsets are in its text (despin tokens --text)\n");
	else if (how == CLI_READ_MIME)
		printf("# MIME message: offsets are in its text part (despin tokens --text)\n");
	else if (how == CLI_READ_OFFICE)
		printf("# document: offsets are in its text (despin tokens --text)\n");
	else if (how == CLI_READ_1252)
		printf("# read as Windows-1252: offsets are in its UTF-8 text (despin tokens --text)\n");
	if (d->date[0])
		printf("# date %s\n", d->date);
	if (d->n_invalid) {
		cli_warn("%s: %zu invalid UTF-8 sequence%s replaced (first at byte %zu)", name,
			 d->n_invalid, d->n_invalid == 1 ? "" : "s", d->first_invalid);
		printf("# invalid %zu\n", d->n_invalid);
	}
	printf("# tokens %zu words %zu sentences %zu paragraphs %zu\n", d->ntok, d->n_words,
	       d->nsent, d->npara);
	for (size_t i = 0; i < d->ntok; i++) {
		const struct ds_token *t = &d->tok[i];
		char fl[9];
		int k = 0;
		static const char letters[] = "SPBCUQLI";
		for (int b = 0; b < 8; b++)
			if (t->flags & (1 << b))
				fl[k++] = letters[b];
		if (!k)
			fl[k++] = '-';
		fl[k] = 0;
		printf("%u\t%u\t%s\t%s\t%s", t->start, t->end, kind_name(t->kind), fl,
		       ds_tok_norm(d, i));
		if (ctx->stems)
			printf("\t%s", ds_tok_stem(d, i));
		putchar('\n');
	}
	ds_doc_free(d);
	return ferror(stdout) ? 1 : 0; /* a failed write stops the walk */
}

int cmd_tokens(int argc, char **argv)
{
	static const struct option opts[] = {
		{"stems", no_argument, NULL, 's'},
		{"text", no_argument, NULL, 't'},
		{"max-size", required_argument, NULL, 'M'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	struct tok_ctx ctx = {0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "sh", opts, NULL)) != -1) {
		switch (c) {
		case 's': ctx.stems = 1; break;
		case 't': ctx.text = 1; break;
		case 'M':
			if (cli_parse_size("--max-size", optarg, 1, (size_t)1 << 40, &cli_max_input))
				return EXIT_ERROR;
			break;
		case 'h': printf("usage: %s\n", USAGE); return EXIT_CLEAN;
		default: return cli_usage(SYNOPSIS);
		}
	}
	if (ctx.stems && ctx.text) {
		cli_error("--stems and --text exclude one another: --text prints the text, not its "
			  "tokens");
		return EXIT_ERROR;
	}
	if (optind >= argc)
		return cli_usage(SYNOPSIS);
	if (ctx.stems && !(ctx.st = ds_stemmer_new())) {
		cli_error("cannot create the English stemmer");
		return EXIT_ERROR;
	}
	ctx.many = argc - optind > 1;
	if (!ctx.many) {
		struct stat st;
		ctx.many = stat(argv[optind], &st) == 0 && S_ISDIR(st.st_mode);
	}
	cli_walk(argv + optind, argc - optind, tokens_one, &ctx, &ctx.nerr);
	ds_stemmer_free(ctx.st);
	if (cli_stdout_failed())
		return EXIT_ERROR;
	return ctx.nerr ? EXIT_ERROR : EXIT_CLEAN;
}
