/* main.c - the despin command: dispatch to subcommands (src/cli/cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"tokens", cmd_tokens, "print the token stream with offsets and boilerplate marks"},
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
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"'despin COMMAND --help' describes a command.  Exit status: 0 nothing\n"
		"flagged, 1 something flagged as spun, 2 error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_help(stderr);
		return EXIT_ERROR;
	}
	if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
		if (argc > 2) {
			char *sub[] = {argv[2], "--help", NULL};
			for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
				if (strcmp(commands[i].name, argv[2]) == 0)
					return commands[i].fn(2, sub);
		}
		print_help(stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("despin %s\n", ds_version());
		return EXIT_CLEAN;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(commands[i].name, argv[1]) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	cli_error("'%s' is not a despin command; see 'despin --help'", argv[1]);
	return EXIT_ERROR;
}
