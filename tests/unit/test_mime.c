/* Unit tests of the text of MIME messages (src/mime.c): saved pages
 * (.mhtml) and e-mails (.eml). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "t_map.h"
#include "despin.h"

/* The text of message s, or "(error N)"; static storage. */
static const char *text_of(const char *s)
{
	static char buf[4096];
	char *t;
	size_t n;
	struct ds_err err = {0};
	int rc = ds_mime_text_map(s, strlen(s), &t, &n, NULL, &err);
	if (rc) {
		snprintf(buf, sizeof buf, "(error %d)", rc);
		return buf;
	}
	snprintf(buf, sizeof buf, "%s", t);
	T_OK(strlen(t) == n);
	free(t);
	return buf;
}

/* A message is known by a header block with MIME-Version and a text or
 * multipart Content-Type; text that merely starts with a field is not. */
T_TEST(messages_are_recognised)
{
	static const char eml[] = "From: a@b\nMIME-Version: 1.0\nContent-Type: text/plain\n\nHi.\n";
	static const char folded[] = "MIME-Version: 1.0\nContent-Type:\n multipart/related;\n"
				     "\tboundary=\"b\"\n\n--b\n\nx\n--b--\n";
	T_EQ_INT(ds_mime_is(eml, strlen(eml)), 1);
	T_EQ_INT(ds_mime_is(folded, strlen(folded)), 1);
	T_EQ_INT(ds_mime_is("Note: the council met.\n\nIt voted.\n", 34), 0);
	T_EQ_INT(ds_mime_is("From: a@b\nContent-Type: text/plain\n\nHi.\n", 38), 0);
	T_EQ_INT(ds_mime_is("MIME-Version: 1.0\nContent-Type: image/png\n\nx", 44), 0);
	T_EQ_INT(ds_mime_is("MIME-Version: 1.0\nContent-Type: text/plain\nno blank line", 56), 0);
	/* a plain e-mail (no MIME-Version): From: and a Subject:, Date: or
	 * To:; its body is the text, its Date the date */
	{
		static const char mail[] = "From: Jane <j@x.org>\nSubject: Talks\n"
					   "Date: Sat, 22 Feb 2025 10:00:00 +0000\n\nThe council met.\n";
		T_EQ_INT(ds_mime_is(mail, strlen(mail)), 1);
		T_EQ_STR(text_of(mail), "date 2025-02-22\n\nThe council met.\n");
	}
	T_EQ_INT(ds_mime_is("From: a@b\nTo: c@d\n\nHi.\n", 23), 1);
	T_EQ_INT(ds_mime_is("From: a@b\nNote: the council\n\nHi.\n", 33), 0);
	T_EQ_INT(ds_mime_is("Subject: x\nDate: today\n\nHi.\n", 28), 0);
	T_EQ_INT(ds_mime_is("From: a@b\nTo: c@d\nContent-Type: image/png\n\nx", 44), 0);
	/* a text part in UTF-16 is refused for what it is (not read as text
	 * with NULs between its letters) */
	{
		static const char u16[] = "From: a@b\nMIME-Version: 1.0\n"
					  "Content-Type: text/plain; charset=\"UTF-16\"\n"
					  "Content-Transfer-Encoding: base64\n\nSABpAC4A\n";
		struct ds_err err = {0};
		char *t = NULL;
		size_t n;
		T_EQ_INT(ds_mime_text_map(u16, strlen(u16), &t, &n, NULL, &err), DS_EBINARY);
		T_OK(strstr(err.msg, "utf-16") != NULL);
		T_OK(t == NULL);
	}
	/* an alternative that cannot be read leaves the first part standing,
	 * and no error behind */
	{
		static const char alt[] = "From: a@b\nMIME-Version: 1.0\n"
					  "Content-Type: multipart/alternative; boundary=\"b\"\n\n"
					  "--b\nContent-Type: text/plain\n\nThe council met.\n"
					  "--b\nContent-Type: text/html; charset=\"UTF-16\"\n"
					  "Content-Transfer-Encoding: base64\n\nSABpAC4A\n--b--\n";
		struct ds_err err = {0};
		char *t = NULL;
		size_t n;
		T_EQ_INT(ds_mime_text_map(alt, strlen(alt), &t, &n, NULL, &err), 0);
		T_OK(t != NULL);
		if (t)
			T_EQ_STR(t, "The council met.");
		T_EQ_INT(err.code, 0);
		T_EQ_STR(err.msg, "");
		free(t);
	}
}

/* Quoted-printable (soft line breaks, =XX) and base64 are decoded; bytes
 * that are no UTF-8 are read as Windows-1252. */
T_TEST(transfer_encodings_are_decoded)
{
	T_EQ_STR(text_of("MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
			 "Content-Transfer-Encoding: quoted-printable\n\n"
			 "The caf=C3=A9 is op=\nen; a=3Db.\n"),
		 "The caf\xC3\xA9 is open; a=b.\n");
	T_EQ_STR(text_of("MIME-Version: 1.0\nContent-Type: text/plain; charset=iso-8859-1\n"
			 "Content-Transfer-Encoding: quoted-printable\n\nna=EFve it=92s\n"),
		 "na\xC3\xAFve it\xE2\x80\x99s\n");
	T_EQ_STR(text_of("MIME-Version: 1.0\nContent-Type: text/plain\n"
			 "Content-Transfer-Encoding: base64\n\nVGhlIGNvdW5jaWwg\nbWV0Lg==\n"),
		 "The council met.");
}

/* A part in format=flowed (RFC 3676) has its wrapped lines joined: a line
 * that ends in a space goes on in the next (delsp=yes: without the
 * space), a stuffed space is left out, quote depths are not mixed, and
 * the signature separator "-- " stays a line of its own. */
T_TEST(flowed_lines_are_joined)
{
	static const char head[] = "From: a@b\nMIME-Version: 1.0\n"
				   "Content-Type: text/plain; charset=utf-8; format=flowed\n\n";
	char msg[1024];
	snprintf(msg, sizeof msg, "%s%s", head,
		 "The council met on Monday and the \nMayor said the budget would \n"
		 "pass.\n\n From the minutes: it did.\n"
		 "> Quoted and \n> wrapped.\n>> Deeper \n> shallower.\n"
		 "Last line \n-- \nJane Doe\n");
	T_EQ_STR(text_of(msg), "The council met on Monday and the Mayor said the budget would pass.\n\n"
			       "From the minutes: it did.\n"
			       "> Quoted and wrapped.\n>> Deeper \n> shallower.\n"
			       "Last line \n-- \nJane Doe\n");
	/* delsp=yes, quoted-printable, CRLF line ends; a blank line ends a
	 * paragraph even after a space */
	snprintf(msg, sizeof msg, "%s",
		 "From: a@b\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; format=Flowed;\r\n"
		 " DelSp=\"yes\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
		 "Un caf=C3=A9 tr=\r\n\xC3\xA8s fort \r\nplease. \r\n\r\nNext.\r\n");
	T_EQ_STR(text_of(msg), "Un caf\xC3\xA9 tr\xC3\xA8s fortplease. \r\n\r\nNext.\r\n");
	/* without format=flowed the lines are the sender's */
	T_EQ_STR(text_of("From: a@b\nMIME-Version: 1.0\nContent-Type: text/plain\n\n"
			 "The \nMayor spoke.\n"),
		 "The \nMayor spoke.\n");
	/* the text maps to the message */
	{
		char *t = NULL;
		size_t n;
		struct ds_html_map *m = NULL;
		snprintf(msg, sizeof msg, "%s%s", head, "The \n Mayor said \n\"yes\".\n");
		T_EQ_INT(ds_mime_text_map(msg, strlen(msg), &t, &n, &m, NULL), 0);
		if (!t || !m)
			return;
		T_EQ_STR(t, "The Mayor said \"yes\".\n");
		T_MAP_SPAN(msg, t, m, "The Mayor said", "The \n Mayor said");
		T_MAP_SPAN(msg, t, m, "\"yes\"", "\"yes\"");
		free(t);
		ds_html_map_free(m);
	}
}

/* The first text part is taken, through nested multiparts and forwarded
 * messages; attachments and parts that are no text are passed over; a
 * page is read as one. */
T_TEST(the_first_text_part_is_taken)
{
	static const char alt[] =
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"o\"\n\npreamble\n"
		"--o\nContent-Type: image/png\n\nPNG\n"
		"--o\nContent-Type: text/plain\nContent-Disposition: attachment\n\nnot this\n"
		"--o\nContent-Type: multipart/alternative; boundary=i\n\n"
		"--i\nContent-Type: text/plain\n\nThe plain text.\n"
		"--i\nContent-Type: text/html\n\n<p>The page.</p>\n--i--\n--o--\n";
	static const char fwd[] =
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=o\n\n"
		"--o\nContent-Type: message/rfc822\n\nFrom: c@d\nContent-Type: text/html\n\n"
		"<html><body><nav>Menu</nav><p>A &amp; B.</p></body></html>\n--o--\n";
	/* a note sent with a forwarded message: the message, when it is the
	 * longer; a mailing list's footer after the text: the text */
	static const char note[] =
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=o\n\n"
		"--o\nContent-Type: text/plain\n\nPlease check.\n"
		"--o\nContent-Type: message/rfc822\n\nFrom: c@d\nContent-Type: text/plain\n\n"
		"The forwarded story, longer than the note.\n"
		"--o\nContent-Type: text/plain\n\nA list's footer, longer than all of them.\n--o--\n";
	static const char short_fwd[] =
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=o\n\n"
		"--o\nContent-Type: text/plain\n\nThe text of the message itself.\n"
		"--o\nContent-Type: message/rfc822\n\nFrom: c@d\n\nA short one.\n--o--\n";
	T_EQ_STR(text_of(alt), "The plain text.");
	T_EQ_STR(text_of(fwd), "A & B.\n");
	T_EQ_STR(text_of(note), "The forwarded story, longer than the note.");
	T_EQ_STR(text_of(short_fwd), "The text of the message itself.");
	T_EQ_STR(text_of("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=o\n\n"
			 "--o\nContent-Type: image/png\n\nPNG\n--o--\n"),
		 "(error -7)");
	/* a part never closed by its boundary is no part */
	T_EQ_STR(text_of("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=o\n\n"
			 "--o\nContent-Type: text/plain\n\nnever closed\n"),
		 "(error -7)");
}

/* The same message as plain text and as a page (multipart/alternative):
 * the plain text, unless it has under half the page's words, a stub
 * ("view it in your browser"), in either order and through a
 * multipart/related page. */
T_TEST(a_plain_stub_gives_way_to_its_page)
{
	static const char page[] =
		"<html><body><p>The council met on Monday and voted to raise the budget of the "
		"city library by a tenth.</p></body></html>\n";
	static const char plain[] =
		"The council met on Monday and voted to raise the library budget.\n";
	static const char stub[] = "View this message in your browser.\n";
	static const char want_page[] =
		"The council met on Monday and voted to raise the budget of the city library by a "
		"tenth.\n";
	char msg[2048];
	snprintf(msg, sizeof msg,
		 "Date: Tue, 4 Mar 2025 10:00:00 +0000\nMIME-Version: 1.0\n"
		 "Content-Type: multipart/alternative; boundary=a\n\n"
		 "--a\nContent-Type: text/plain\n\n%s--a\nContent-Type: text/html\n\n%s--a--\n",
		 stub, page);
	T_EQ_STR(text_of(msg), "date 2025-03-04\n\nThe council met on Monday and voted to raise "
			       "the budget of the city library by a tenth.\n");
	snprintf(msg, sizeof msg,
		 "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=a\n\n"
		 "--a\nContent-Type: text/html\n\n%s--a\nContent-Type: text/plain\n\n%s--a--\n",
		 page, plain);
	T_EQ_STR(text_of(msg), "The council met on Monday and voted to raise the library budget.");
	snprintf(msg, sizeof msg,
		 "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=a\n\n"
		 "--a\nContent-Type: text/html\n\n%s--a\nContent-Type: text/plain\n\n%s--a--\n",
		 page, stub);
	T_EQ_STR(text_of(msg), want_page);
	snprintf(msg, sizeof msg,
		 "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=o\n\n"
		 "--o\nContent-Type: multipart/alternative; boundary=a\n\n"
		 "--a\nContent-Type: text/plain\n\n%s"
		 "--a\nContent-Type: multipart/related; boundary=r\n\n"
		 "--r\nContent-Type: text/html\n\n%s--r\nContent-Type: image/png\n\nPNG\n--r--\n"
		 "--a--\n--o\nContent-Type: text/plain\nContent-Disposition: attachment\n\nx\n--o--\n",
		 stub, page);
	T_EQ_STR(text_of(msg), want_page);
}

/* An e-mail's Date is its date header; a saved page's Date (when it was
 * saved) is not, nor is it over the page's own publication date. */
T_TEST(dates_of_mail_not_of_saving)
{
	T_EQ_STR(text_of("Date: Tue, 4 Mar 2025 10:00:00 +0000\nMIME-Version: 1.0\n"
			 "Content-Type: text/plain\n\nThe council met.\n"),
		 "date 2025-03-04\n\nThe council met.\n");
	T_EQ_STR(text_of("Date: 9 Sep 2024 08:00 -0500\nMIME-Version: 1.0\n"
			 "Content-Type: text/plain\n\nHi.\n"),
		 "date 2024-09-09\n\nHi.\n");
	T_EQ_STR(text_of("Date: someday\nMIME-Version: 1.0\nContent-Type: text/plain\n\nHi.\n"),
		 "Hi.\n");
	T_EQ_STR(text_of("Snapshot-Content-Location: https://a/\nDate: Tue, 4 Mar 2025 10:00:00 +0000\n"
			 "MIME-Version: 1.0\nContent-Type: text/html\n\n<p>Hi.</p>\n"),
		 "Hi.\n");
	T_EQ_STR(text_of("Date: Tue, 4 Mar 2025 10:00:00 +0000\nMIME-Version: 1.0\n"
			 "Content-Type: text/html\n\n<html><meta property=\"article:published_time\" "
			 "content=\"2025-01-02\"><p>Hi.</p>\n"),
		 "date 2025-01-02\n\nHi.\n");
}

/* Offsets of the text map to the message's bytes: a quoted-printable word
 * to its encoded bytes, a reference of the decoded page to its encoding. */
T_TEST(offsets_map_to_the_message)
{
	static const char msg[] =
		"MIME-Version: 1.0\nContent-Type: multipart/related; boundary=\"b\"\n\n"
		"--b\nContent-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n"
		"<p class=3D\"x\">The caf=C3=A9 is open on Sun=\nday &amp; Monday.</p>\n--b--\n";
	char *t = NULL;
	size_t n;
	struct ds_html_map *m = NULL;
	T_EQ_INT(ds_mime_text_map(msg, strlen(msg), &t, &n, &m, NULL), 0);
	if (!t || !m)
		return;
	T_EQ_STR(t, "The caf\xC3\xA9 is open on Sunday & Monday.\n");
	T_MAP_SPAN(msg, t, m, "The", "The");
	T_MAP_SPAN(msg, t, m, "caf\xC3\xA9", "caf=C3=A9");
	T_MAP_SPAN(msg, t, m, "Sunday & Monday", "Sun=\nday &amp; Monday");
	free(t);
	ds_html_map_free(m);
}

int main(void)
{
	T_RUN(messages_are_recognised);
	T_RUN(transfer_encodings_are_decoded);
	T_RUN(flowed_lines_are_joined);
	T_RUN(the_first_text_part_is_taken);
	T_RUN(a_plain_stub_gives_way_to_its_page);
	T_RUN(dates_of_mail_not_of_saving);
	T_RUN(offsets_map_to_the_message);
	return t_done();
}
