/* instream.h - a stream the command line reads as it comes (the records of
 * standard input, a pretokenised file of any size), decompressed on the
 * way when it is gzip or zstd data: its first bytes tell, whatever its
 * name.  Memory stays bounded whatever the stream's size: it is decoded a
 * piece at a time (unpack.h).  Command-line code; it never prints: the
 * caller asks cli_instream_error at the end and says it.
 */
#ifndef DS_CLI_INSTREAM_H
#define DS_CLI_INSTREAM_H

#include <stdio.h>
#include <sys/types.h>

struct cli_instream;

/* A stream reading fd (borrowed: the caller closes it after
 * cli_instream_close), named name in messages; read it with stdio through
 * cli_instream_file.  NULL when out of memory. */
struct cli_instream *cli_instream_open(int fd, const char *name);

/* The stream to read: the text itself, decoded when it was compressed.
 * It ends (EOF) at the end of the data, or early at an error or an
 * interrupting signal (EINTR). */
FILE *cli_instream_file(struct cli_instream *s);

/* Reads up to n bytes of the text into buf, as read(2) does: what is at
 * hand, without waiting for n (a pipe's lines as they come).  Returns the
 * count, 0 at the end, -1 at an error (cli_instream_error) or a signal
 * (errno EINTR, no error).  Not mixed with reads of cli_instream_file. */
ssize_t cli_instream_read(struct cli_instream *s, char *buf, size_t n);

/* "gzip" or "zstd" when the stream is compressed, else NULL. */
const char *cli_instream_kind(const struct cli_instream *s);

/* Why the stream ended early, one line naming it ("NAME: gzip data cut
 * short", "cannot read NAME: ..."), or "" when it ended with its data (or
 * was interrupted). */
const char *cli_instream_error(const struct cli_instream *s);

/* Frees s and its stream (not fd). */
void cli_instream_close(struct cli_instream *s);

#endif
