/* tmpfiles.h - test helpers: files written into a folder of the test's
 * own, made at its start and removed with what it holds at its end. */
#ifndef DS_TEST_TMPFILES_H
#define DS_TEST_TMPFILES_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char t_dir[] = "/tmp/despin-test.XXXXXX";

/* Makes the folder: 0, or -1. */
static inline int t_dir_make(void)
{
	return mkdtemp(t_dir) ? 0 : -1;
}

/* Removes the folder and its files: 0, or -1. */
static inline int t_dir_remove(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes n bytes of p to the file name in the folder; its path in path. */
static inline void t_put_file(const char *name, const void *p, size_t n, char *path, size_t cap)
{
	FILE *f;
	snprintf(path, cap, "%s/%s", t_dir, name);
	if ((f = fopen(path, "wb")) != NULL) {
		fwrite(p, 1, n, f);
		fclose(f);
	}
}

#endif
