/* binfmt.c - versioned, checksummed envelope for model files (see binfmt.h). */
#include "binfmt.h"
#include "text.h"

#include <sys/stat.h>
#include <unistd.h>


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[8] = {'D', 'E', 'S', 'P', 'I', 'N', '\r', '\n'};
#define BYTE_ORDER_MARK 0x01020304u

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static void make_header(unsigned char *h, const char *kind, uint32_t version, const void *payload,
			size_t len)
{
	double test = 1.0 / 3.0;
	memset(h, 0, DS_BIN_HEADER_SIZE);
	memcpy(h, MAGIC, 8);
	strncpy((char *)h + 8, kind, 8);
	put32(h + 16, version);
	put32(h + 20, BYTE_ORDER_MARK);
	memcpy(h + 24, &test, 8);
	put64(h + 32, (uint64_t)len);
	put32(h + 40, ds_crc32c(0, payload, len));
	put32(h + 44, ds_crc32c(0, h, 44));
	put32(h + 48, DS_TOK_VERSION);
}

int ds_bin_image(const char *kind, uint32_t version, const void *payload, size_t len,
		 void **out, size_t *out_len)
{
	unsigned char *p = malloc(DS_BIN_HEADER_SIZE + len);
	if (!p)
		return DS_ENOMEM;
	make_header(p, kind, version, payload, len);
	memcpy(p + DS_BIN_HEADER_SIZE, payload, len);
	*out = p;
	*out_len = DS_BIN_HEADER_SIZE + len;
	return 0;
}

int ds_bin_write(const char *path, const char *kind, uint32_t version,
		 const void *payload, size_t len, struct ds_err *err)
{
	unsigned char h[DS_BIN_HEADER_SIZE];
	struct ds_afile f;
	int rc;

	make_header(h, kind, version, payload, len);
	rc = ds_afile_open(&f, path, err);
	if (rc)
		return rc;
	ds_afile_write(&f, h, sizeof h);
	ds_afile_write(&f, payload, len);
	return ds_afile_commit(&f, err);
}

int ds_bin_is(const void *data, size_t len)
{
	return len >= DS_BIN_HEADER_SIZE && memcmp(data, MAGIC, 8) == 0;
}

int ds_bin_check(const unsigned char *d, size_t size, const char *name,
		 const char *kind, uint32_t version, const char *hint,
		 const void **payload, size_t *len, struct ds_err *err)
{
	char k[9];
	double test;
	uint64_t plen;
	uint32_t tok;
	const char *h = hint ? hint : DS_BIN_REBUILD;

	if (!ds_bin_is(d, size))
		return ds_err_set(err, DS_EFORMAT, "%s: not a despin model file%s%s%s", name,
				  hint ? "; if it was one, rebuild it (" : "", hint ? hint : "",
				  hint ? ")" : "");
	if (get32(d + 44) != ds_crc32c(0, d, 44) || get32(d + 52) != 0 || get64(d + 56) != 0)
		return ds_err_set(err, DS_ECORRUPT,
				  "%s: corrupt header; rebuild it (%s)", name, h);
	memcpy(k, d + 8, 8);
	k[8] = 0;
	if (strcmp(k, kind) != 0)
		return ds_err_set(err, DS_EFORMAT,
				  "%s: holds a %s model, not a %s model; rebuild it (%s)",
				  name, k, kind, h);
	if (get32(d + 20) != BYTE_ORDER_MARK)
		return ds_err_set(err, DS_EFORMAT,
				  "%s: written on a machine of another byte order; rebuild it (%s)",
				  name, h);
	memcpy(&test, d + 24, 8);
	if (test != 1.0 / 3.0)
		return ds_err_set(err, DS_EFORMAT,
				  "%s: floating-point test value mismatch; rebuild it (%s)", name, h);
	if (get32(d + 16) != version)
		return ds_err_set(err, DS_EVERSION,
				  "%s: format version %u, this despin reads version %u; rebuild it (%s)",
				  name, get32(d + 16), version, h);
	/* files from before the tokeniser's version was recorded hold 0: the
	 * tokeniser then was version 1 */
	tok = get32(d + 48) ? get32(d + 48) : 1;
	if (tok != DS_TOK_VERSION)
		return ds_err_set(err, DS_EVERSION,
				  "%s: made with tokeniser version %u, this despin's is version %u; "
				  "rebuild it (%s)",
				  name, tok, (unsigned)DS_TOK_VERSION, h);
	plen = get64(d + 32);
	if (plen != size - DS_BIN_HEADER_SIZE)
		return ds_err_set(err, DS_ECORRUPT,
				  "%s: truncated or padded (payload %llu bytes, file holds %zu); rebuild it (%s)",
				  name, (unsigned long long)plen, size - DS_BIN_HEADER_SIZE, h);
	*payload = d + DS_BIN_HEADER_SIZE;
	*len = (size_t)plen;
	return 0;
}

/* The stamp line of a file: which file (device and inode), its size, its
 * modification and status-change times (ns) and the header's checksum
 * (which covers the payload checksum).  The status-change time moves with
 * every write and every change of the other times, so a file altered in
 * place and dated back ('touch -r') or a copy made with its dates ('cp -p',
 * 'rsync -a', beside a copied stamp) is no longer vouched for. */
static int stamp_line(const char *path, const unsigned char *hdr, char *buf, size_t cap)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return -1;
	snprintf(buf, cap, "despin-checked 2 %llu %llu %lld %lld.%09ld %lld.%09ld %08x\n",
		 (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
		 (long long)st.st_size, (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec,
		 (long long)st.st_ctim.tv_sec, (long)st.st_ctim.tv_nsec, get32(hdr + 44));
	return 0;
}

static void stamp_path(const char *path, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s.checked", path);
}

int ds_bin_stamp_ok(const char *path, const unsigned char *hdr)
{
	char want[256], have[256] = "", sp[4096];
	FILE *f;
	size_t n;
	if (stamp_line(path, hdr, want, sizeof want))
		return 0;
	stamp_path(path, sp, sizeof sp);
	if (!(f = fopen(sp, "r")))
		return 0;
	n = fread(have, 1, sizeof have - 1, f);
	fclose(f);
	have[n] = 0;
	return strcmp(want, have) == 0;
}

static void stamp_write(const char *path, const unsigned char *hdr, int ok)
{
	char line[256], sp[4096];
	struct ds_afile f;
	stamp_path(path, sp, sizeof sp);
	if (!ok || stamp_line(path, hdr, line, sizeof line)) {
		unlink(sp);
		return;
	}
	if (ds_afile_open(&f, sp, NULL))
		return;   /* a read-only directory: loading validates every time */
	ds_afile_write(&f, line, strlen(line));
	ds_afile_commit(&f, NULL);
}

int ds_bin_verify(const unsigned char *d, size_t size, const char *name, const char *hint,
		  struct ds_err *err)
{
	uint64_t plen;
	if (size < DS_BIN_HEADER_SIZE)
		return ds_err_set(err, DS_EFORMAT, "%s: not a despin model file", name);
	plen = get64(d + 32);
	if (plen != size - DS_BIN_HEADER_SIZE ||
	    get32(d + 40) != ds_crc32c(0, d + DS_BIN_HEADER_SIZE, (size_t)plen))
		return ds_err_set(err, DS_ECORRUPT,
				  "%s: checksum mismatch, the file is corrupt; rebuild it (%s)",
				  name, hint ? hint : DS_BIN_REBUILD);
	return 0;
}

int ds_bin_check_file(const char *path, char kind[9], uint32_t *version, struct ds_err *err)
{
	struct ds_map m;
	const void *payload;
	size_t len;
	int rc = ds_map_open(&m, path, err);
	if (rc)
		return rc;
	kind[0] = 0;
	if (m.len >= DS_BIN_HEADER_SIZE) {
		memcpy(kind, m.data + 8, 8);
		kind[8] = 0;
	}
	*version = m.len >= DS_BIN_HEADER_SIZE ? get32(m.data + 16) : 0;
	rc = ds_bin_check(m.data, m.len, path, kind, *version, NULL, &payload, &len, err);
	if (!rc)
		rc = ds_bin_verify(m.data, m.len, path, NULL, err);
	if (m.len >= DS_BIN_HEADER_SIZE)
		stamp_write(path, m.data, rc == 0);
	ds_map_close(&m);
	return rc;
}

int ds_bin_open(struct ds_map *m, const char *path, const char *kind,
		uint32_t version, const char *hint, const void **payload,
		size_t *len, struct ds_err *err)
{
	int rc = ds_map_open(m, path, err);
	if (rc) {
		if (rc != DS_ENOMEM)
			ds_err_append(err, "; build it (%s)", hint ? hint : DS_BIN_REBUILD);
		return rc;
	}
	rc = ds_bin_check(m->data, m->len, path, kind, version, hint, payload, len, err);
	if (rc)
		ds_map_close(m);
	return rc;
}

uint32_t ds_bin_map_id(const struct ds_map *m)
{
	const unsigned char *h = m->data;
	if (!h || !ds_bin_is(h, m->len))
		return 0;
	return (uint32_t)h[44] | (uint32_t)h[45] << 8 | (uint32_t)h[46] << 16 |
	       (uint32_t)h[47] << 24;
}
