/* main.c - the despin command: dispatch to subcommands (src/cli/cmd_*.c). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"scan", cmd_scan, "score articles and say which are spun (table or JSON Lines)"},
	{"explain", cmd_explain, "show an article with its flagged substitutions and evidence"},
	{"restore", cmd_restore, "put the proposed originals back into an article"},
	{"report", cmd_report, "write a self-contained HTML report for an audit"},
	{"tokens", cmd_tokens, "print the token stream with offsets and boilerplate marks"},
	{"warc", cmd_warc, "print the web pages of WARC archives as records to scan"},
	{"train", cmd_train, "train the language model of clean English from text"},
	{"lm", cmd_lm, "score text with the language model; convert and describe models"},
	{"lex", cmd_lex, "show, build and measure the synonym-substitution lexicon"},
	{"index", cmd_index, "build, inspect and query an index of clean sources"},
	{"worker", cmd_worker, "judge the articles of a Redis stream against an index"},
	{"submit", cmd_submit, "add articles to the Redis stream that workers read"},
	{"results", cmd_results, "print (and take) the verdicts workers wrote"},
	{"match", cmd_match, "print the fingerprint similarity of two articles"},
	{"scorer", cmd_scorer, "compute evidence features, fit and build the scorer"},
	{"vec", cmd_vec, "build word vectors from a corpus; compare words"},
	{"check-models", cmd_check_models, "verify every model file completely (checksums)"},
};

static void print_help(FILE *out)
{
	fprintf(out,
		"usage: despin [--version] [--help] COMMAND [ARGS]\n"
		"\n"
		"Detects spun text: articles rewritten by a synonym spinner or a round\n"
		"trip of machine translation.\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"'despin COMMAND --help' describes a command.  Exit status: 0 nothing\n"
		"flagged, 1 something flagged as spun, 2 error.\n");
}

/* A mapped model or index file that shrinks under a running despin makes
 * the next read of the lost pages raise SIGBUS: say so and end as an error,
 * never as a verdict. */
static void on_sigbus(int sig)
{
	static const char msg[] =
		"despin: a mapped model or index file shrank or changed while in use (SIGBUS); "
		"nothing more was judged\n";
	(void)sig;
	if (write(2, msg, sizeof msg - 1) < 0) {
		/* nothing more to do */
	}
	_exit(EXIT_ERROR);
}

/* A signal that ends the process (an interrupt, a kill, a hang-up, or
 * output to a pipe its reader closed, as in 'despin scan DIR | head')
 * first removes the library's temporary files (a batch's index, an atomic
 * write's ".tmp" file), then ends it as the signal would have.  Commands with a clean stop of their own ('index
 * add', 'worker') install their handlers over this one. */
static void on_fatal_signal(int sig)
{
	ds_temp_remove_all();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void remove_temp_on_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		/* a signal ignored by whoever started us (nohup, a background
		 * job) stays ignored */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

/* A standard stream closed by whoever started us ('2>&-') would give its
 * number to the next file opened: messages meant for standard error would
 * be written into the page or the article being written.  Each closed one
 * is held by /dev/null opened the other way round, so that using it fails
 * (EBADF) as using a closed one does. */
static void hold_standard_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		int got;
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		got = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
		if (got >= 0 && got != fd) {
			dup2(got, fd);
			close(got);
		}
	}
}

static int run(const struct command *c, int argc, char **argv)
{
	/* getopt names the command in its messages: "despin scan: ..." */
	static char name[64];
	int rc;
	snprintf(name, sizeof name, "despin %s", c->name);
	argv[0] = name;
	rc = c->fn(argc, argv);
	/* output that did not reach standard output is an error, whatever the verdict */
	if (cli_stdout_failed())
		rc = EXIT_ERROR;
	return rc;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	hold_standard_fds();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigbus;
	sigaction(SIGBUS, &sa, NULL);
	remove_temp_on_signals();
#ifdef M_TRIM_THRESHOLD
	/* every article allocates and frees its token arrays: without this,
	 * glibc gives the top of the heap back to the kernel after each one
	 * (a third of the time of 'index add' went to brk and TLB flushes) */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
#endif
	if (argc < 2) {
		print_help(stderr);
		return EXIT_ERROR;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		if (argc > 2) {
			char *sub[] = {argv[2], "--help", NULL};
			for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
				if (strcmp(commands[i].name, argv[2]) == 0)
					return run(&commands[i], 2, sub);
		}
		print_help(stdout);
		return cli_stdout_failed() ? EXIT_ERROR : EXIT_CLEAN;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("despin %s\n", ds_version());
		return cli_stdout_failed() ? EXIT_ERROR : EXIT_CLEAN;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, argv[1]) == 0)
			return run(&commands[i], argc - 1, argv + 1);
	cli_error("'%s' is not a despin command; see 'despin --help'", argv[1]);
	return EXIT_ERROR;
}
