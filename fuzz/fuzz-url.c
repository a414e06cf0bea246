/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Server URLs and form text. Byte 0 picks the parser, the rest is the
 * text:
 *   0  oc_url_parse(); a URL that parses is formatted with
 *      oc_url_format() and must parse back to the same host, port, path;
 *   1  oc_form_parse() and oc_form_get(); the fields, encoded again with
 *      oc_form_add(), must parse back to the same fields;
 *   2  oc_form_decode(); the decoded text, encoded with oc_form_encode(),
 *      must decode back to itself.
 */
#include <config.h>

#include <errno.h>

#include "buf.h"
#include "fuzz.h"
#include "url.h"

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void url(const char *s)
{
	struct oc_url u, back;
	char *text;
	int ret;

	ret = oc_url_parse(s, &u);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -EPROTONOSUPPORT ||
		   ret == -ENOMEM);
	if (ret) {
		FUZZ_CHECK(!u.host && !u.path);
		return;
	}
	FUZZ_CHECK(u.host && *u.host && u.port > 0 && u.port <= 65535);
	text = oc_url_format(u.host, u.port, u.path);
	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(oc_url_parse(text, &back) == 0);
	FUZZ_CHECK(!strcmp(back.host, u.host) && back.port == u.port &&
		   str_eq(back.path, u.path));
	oc_url_free(&back);
	free(text);
	oc_url_free(&u);
}

static void form(const char *s)
{
	struct oc_text t = OC_TEXT_INIT;
	struct oc_form f, back;
	size_t i;
	int ret;

	ret = oc_form_parse(s, &f);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL || ret == -ENOMEM);
	if (ret)
		return;
	for (i = 0; i < f.n; i++) {
		FUZZ_CHECK(f.f[i].name && f.f[i].value);
		FUZZ_CHECK(oc_form_get(&f, f.f[i].name) != NULL);
		oc_form_add(&t, f.f[i].name, f.f[i].value);
	}
	oc_form_get(&f, "authcookie");
	if (!oc_text_error(&t)) {
		FUZZ_CHECK(oc_form_parse(oc_text_str(&t), &back) == 0);
		/* Empty segments are skipped; "=" alone is not empty. */
		FUZZ_CHECK(back.n == f.n);
		for (i = 0; i < f.n; i++)
			FUZZ_CHECK(!strcmp(back.f[i].name, f.f[i].name) &&
				   !strcmp(back.f[i].value, f.f[i].value));
		oc_form_free(&back);
	}
	oc_text_free(&t);
	oc_form_free(&f);
}

static void decode(const char *s, size_t len)
{
	struct oc_text t = OC_TEXT_INIT;
	char *dec, *again;
	int err = 0;

	dec = oc_form_decode(s, len, &err);
	if (!dec) {
		FUZZ_CHECK(err == -EINVAL || err == -ENOMEM);
		return;
	}
	FUZZ_CHECK(strlen(dec) <= len);
	oc_form_encode(&t, dec);
	if (!oc_text_error(&t)) {
		again = oc_form_decode(t.s ? t.s : "", t.len, &err);
		FUZZ_CHECK(again && !strcmp(again, dec));
		free(again);
	}
	oc_text_free(&t);
	free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	s = fuzz_strdup(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		url(s);
		break;
	case 1:
		form(s);
		break;
	default:
		/* With its length: the text need not end at a NUL. */
		decode(s, size - 1);
		break;
	}
	free(s);
	return 0;
}
