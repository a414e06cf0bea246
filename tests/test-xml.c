/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The XML helpers: recovering parse of broken documents, no entity
 * expansion or external loading, the tree walkers and "missing" values.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "buf.h"
#include "log.h"
#include "xml.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct msgs {
	struct oc_text t;
	int count;
};

static void __attribute__((format(printf, 3, 4)))
record(void *priv, int level, const char *fmt, ...)
{
	struct msgs *m = priv;
	va_list ap;

	va_start(ap, fmt);
	oc_text_vappendf(&m->t, fmt, ap);
	va_end(ap);
	m->count++;
}

static struct oc_log lg;
static struct msgs msgs;

static int setup(void **state)
{
	memset(&msgs, 0, sizeof(msgs));
	oc_log_init(&lg, record, &msgs);
	return 0;
}

static int teardown(void **state)
{
	oc_text_free(&msgs.t);
	return 0;
}

/* Redirects stderr into a temporary file, to check libxml2 is silent. */
struct capture {
	int saved;
	int fd;
};

static void capture_start(struct capture *c)
{
	char name[] = "/tmp/test-xml-stderr-XXXXXX";

	fflush(stderr);
	c->fd = mkstemp(name);
	assert_true(c->fd >= 0);
	unlink(name);
	c->saved = dup(2);
	assert_true(c->saved >= 0);
	assert_int_equal(dup2(c->fd, 2), 2);
}

/* Restores stderr; returns how many bytes were written meanwhile. */
static off_t capture_end(struct capture *c)
{
	struct stat st;

	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	assert_int_equal(fstat(c->fd, &st), 0);
	close(c->fd);
	return st.st_size;
}

static void test_parse_table(void **state)
{
	static const struct {
		const char *name;
		const char *doc;
		int ret;
		const char *root;
		const char *path;	/* then its text must be... */
		const char *text;
	} cases[] = {
		{ "well-formed", "<a><b>x</b></a>", 0, "a", "b", "x" },
		{ "declaration", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		  "<response status=\"success\"><mtu>0</mtu></response>",
		  0, "response", "mtu", "0" },
		{ "stray ampersand", "<a><b>x & y</b></a>", 0, "a", NULL,
		  NULL },
		{ "mismatched closing tag", "<a><b>1</c><d>2</d></a>", 0, "a",
		  "b", "1" },
		{ "unclosed", "<a><b>text", 0, "a", "b", "text" },
		{ "trailing junk", "<a>1</a><b>2</b>", 0, "a", NULL, NULL },
		{ "cdata", "<a><b><![CDATA[x<y]]></b></a>", 0, "a", "b",
		  "x<y" },
		{ "predefined entities", "<a><b>&lt;&amp;&gt;&#65;</b></a>",
		  0, "a", "b", "<&>A" },
		{ "garbage", "garbage", -EINVAL, NULL, NULL, NULL },
		{ "empty", "", -EINVAL, NULL, NULL, NULL },
		{ "spaces", "  \n ", -EINVAL, NULL, NULL, NULL },
		{ "declaration only", "<?xml version=\"1.0\"?>", -EINVAL,
		  NULL, NULL, NULL },
		{ "comment only", "<!-- x -->", -EINVAL, NULL, NULL, NULL },
		{ "html", "<html><body><p>hi</body></html>", 0, "html",
		  "body/p", "hi" },
	};
	struct capture cap;
	xmlDocPtr docs[ARRAY_SIZE(cases)];
	int rets[ARRAY_SIZE(cases)];
	xmlNode *root;
	char *text;
	size_t i;

	capture_start(&cap);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		rets[i] = oc_xml_parse(&lg, cases[i].doc, strlen(cases[i].doc),
				       &docs[i]);
	assert_int_equal(capture_end(&cap), 0);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		print_message("case %zu: %s\n", i, cases[i].name);
		assert_int_equal(rets[i], cases[i].ret);
		if (cases[i].ret) {
			assert_null(docs[i]);
			continue;
		}
		assert_non_null(docs[i]);
		root = xmlDocGetRootElement(docs[i]);
		assert_true(oc_xml_is(root, cases[i].root));
		if (cases[i].path) {
			text = oc_xml_find_text(root, cases[i].path);
			assert_non_null(text);
			assert_string_equal(text, cases[i].text);
			free(text);
		}
		oc_xml_free(docs[i]);
	}
}

static void test_parse_args(void **state)
{
	xmlDocPtr doc = (xmlDocPtr)&doc;
	size_t big = 16 * 1024 * 1024 + 1;
	char *buf;

	assert_int_equal(oc_xml_parse(&lg, NULL, 0, &doc), -EINVAL);
	assert_null(doc);
	buf = malloc(big);
	assert_non_null(buf);
	memset(buf, ' ', big);
	memcpy(buf, "<a>", 3);
	memcpy(buf + big - 4, "</a>", 4);
	assert_int_equal(oc_xml_parse(&lg, buf, big, &doc), -E2BIG);
	assert_null(doc);
	/* Exactly at the limit is fine. */
	memcpy(buf + big - 5, "</a>", 4);
	assert_int_equal(oc_xml_parse(&lg, buf, big - 1, &doc), 0);
	oc_xml_free(doc);
	free(buf);
	oc_xml_free(NULL);
	/* A NULL logger must do too. */
	assert_int_equal(oc_xml_parse(NULL, "<a>&</a>", 8, &doc), 0);
	oc_xml_free(doc);
}

/* Writes @content into a new temporary file; returns its name. */
static char *temp_file(const char *content)
{
	char *name = strdup("/tmp/test-xml-ent-XXXXXX");
	int fd;

	assert_non_null(name);
	fd = mkstemp(name);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)),
			 (ssize_t)strlen(content));
	close(fd);
	return name;
}

/* Parses @doc and checks @marker appears nowhere in the root's text or
 * in attribute "x" of the root. */
static void check_no_marker(const char *doc, const char *marker)
{
	xmlDocPtr d = NULL;
	xmlNode *root;
	struct capture cap;
	char *text, *attr;
	int ret;

	capture_start(&cap);
	ret = oc_xml_parse(&lg, doc, strlen(doc), &d);
	assert_int_equal(capture_end(&cap), 0);
	if (ret) {
		assert_int_equal(ret, -EINVAL);
		return;
	}
	root = xmlDocGetRootElement(d);
	text = oc_xml_text(root);
	attr = oc_xml_attr(root, "x");
	assert_true(!text || !strstr(text, marker));
	assert_true(!attr || !strstr(attr, marker));
	free(text);
	free(attr);
	oc_xml_free(d);
}

static void test_entities(void **state)
{
	char *ext = temp_file("MARKER-EXTERNAL");
	char *dtd = temp_file("<!ENTITY leak 'MARKER-DTD'>");
	char doc[512];

	print_message("internal entity\n");
	check_no_marker("<!DOCTYPE a [<!ENTITY e 'MARKER-INTERNAL'>]>"
			"<a x=\"&e;\">&e;</a>", "MARKER-INTERNAL");

	print_message("external entity (file)\n");
	snprintf(doc, sizeof(doc), "<!DOCTYPE a [<!ENTITY e SYSTEM "
		 "'file://%s'>]><a x=\"&e;\">&e;</a>", ext);
	check_no_marker(doc, "MARKER-EXTERNAL");

	print_message("external entity (/etc/passwd)\n");
	check_no_marker("<!DOCTYPE a [<!ENTITY e SYSTEM "
			"'file:///etc/passwd'>]><a>&e;</a>", "root:");

	print_message("external parameter entity\n");
	snprintf(doc, sizeof(doc), "<!DOCTYPE a [<!ENTITY %% p SYSTEM "
		 "'file://%s'> %%p;]><a>&leak;</a>", dtd);
	check_no_marker(doc, "MARKER-DTD");

	print_message("external DTD\n");
	snprintf(doc, sizeof(doc), "<!DOCTYPE a SYSTEM 'file://%s'>"
		 "<a>&leak;</a>", dtd);
	check_no_marker(doc, "MARKER-DTD");

	unlink(ext);
	unlink(dtd);
	free(ext);
	free(dtd);
}

static long elapsed_ms(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 +
	       (b.tv_nsec - a->tv_nsec) / 1000000;
}

static void test_billion_laughs(void **state)
{
	struct oc_text t = OC_TEXT_INIT;
	struct timespec start;
	xmlDocPtr doc = NULL;
	char *text;
	int i, j, ret;

	oc_text_append(&t, "<?xml version=\"1.0\"?><!DOCTYPE lolz [\n"
		       "<!ENTITY lol0 \"lol\">\n");
	for (i = 1; i <= 9; i++) {
		oc_text_appendf(&t, "<!ENTITY lol%d \"", i);
		for (j = 0; j < 10; j++)
			oc_text_appendf(&t, "&lol%d;", i - 1);
		oc_text_append(&t, "\">\n");
	}
	oc_text_append(&t, "]><lolz a=\"&lol9;\">&lol9;<b>ok</b></lolz>");
	assert_int_equal(oc_text_error(&t), 0);

	clock_gettime(CLOCK_MONOTONIC, &start);
	ret = oc_xml_parse(&lg, oc_text_str(&t), t.len, &doc);
	if (!ret) {
		xmlNode *root = xmlDocGetRootElement(doc);

		text = oc_xml_text(root);
		assert_true(!text || strlen(text) < 1000);
		free(text);
		text = oc_xml_attr(root, "a");
		assert_true(!text || strlen(text) < 1000);
		free(text);
		oc_xml_free(doc);
	} else {
		assert_int_equal(ret, -EINVAL);
	}
	assert_true(elapsed_ms(&start) < 2000);
	oc_text_free(&t);
}

static void test_deep_nesting(void **state)
{
	struct oc_text t = OC_TEXT_INIT;
	xmlDocPtr doc = NULL;
	char *text;
	int i, ret;

	for (i = 0; i < 10000; i++)
		oc_text_append(&t, "<a>");
	oc_text_append(&t, "x");
	for (i = 0; i < 10000; i++)
		oc_text_append(&t, "</a>");
	assert_int_equal(oc_text_error(&t), 0);
	ret = oc_xml_parse(&lg, oc_text_str(&t), t.len, &doc);
	if (!ret) {
		text = oc_xml_text(xmlDocGetRootElement(doc));
		free(text);
		oc_xml_free(doc);
	} else {
		assert_int_equal(ret, -EINVAL);
	}
	oc_text_free(&t);
}

static const char helpers_doc[] =
	"<r>\n"
	"  <x>1</x>\n"
	"  <!-- a comment between elements -->\n"
	"  <y a=\"v\" e=\"\" amp=\"a&amp;b\"> 2 </y>\n"
	"  <x>3</x>\n"
	"  <z><w>deep</w><w>second</w></z>\n"
	"  <m>(null)</m><n>-1</n><e/><s> \t\n </s><neg> -1 </neg>\n"
	"  <mixed>a<i>b</i>c</mixed>\n"
	"</r>";

static void test_helpers(void **state)
{
	xmlDocPtr doc;
	xmlNode *r, *x, *n;
	char *s;

	assert_int_equal(oc_xml_parse(&lg, helpers_doc, strlen(helpers_doc),
				      &doc), 0);
	r = xmlDocGetRootElement(doc);
	assert_true(oc_xml_is(r, "r"));
	assert_false(oc_xml_is(r, "x"));
	assert_false(oc_xml_is(NULL, "r"));
	assert_false(oc_xml_is(r, NULL));

	/* child / next skip text and comments */
	x = oc_xml_child(r, "x");
	assert_non_null(x);
	n = oc_xml_child(r, NULL);
	assert_ptr_equal(n, x);
	n = oc_xml_next(x, "x");
	assert_non_null(n);
	s = oc_xml_text(n);
	assert_string_equal(s, "3");
	free(s);
	assert_null(oc_xml_next(n, "x"));
	n = oc_xml_next(x, NULL);
	assert_true(oc_xml_is(n, "y"));
	assert_null(oc_xml_child(r, "nope"));
	assert_null(oc_xml_child(NULL, "x"));
	assert_null(oc_xml_next(NULL, NULL));

	/* find */
	assert_true(oc_xml_is(oc_xml_find(r, "z/w"), "w"));
	assert_ptr_equal(oc_xml_find(r, ""), r);
	assert_null(oc_xml_find(r, "z/q"));
	assert_null(oc_xml_find(NULL, "z"));
	s = oc_xml_find_text(r, "z/w");
	assert_string_equal(s, "deep");
	free(s);
	n = oc_xml_next(oc_xml_find(r, "z/w"), "w");
	s = oc_xml_text(n);
	assert_string_equal(s, "second");
	free(s);

	/* text: trimmed, missing values are NULL */
	s = oc_xml_find_text(r, "y");
	assert_string_equal(s, "2");
	free(s);
	assert_null(oc_xml_find_text(r, "m"));
	assert_null(oc_xml_find_text(r, "n"));
	assert_null(oc_xml_find_text(r, "neg"));
	assert_null(oc_xml_find_text(r, "e"));
	assert_null(oc_xml_find_text(r, "s"));
	assert_null(oc_xml_find_text(r, "absent"));
	assert_null(oc_xml_text(NULL));
	s = oc_xml_find_text(r, "mixed");
	assert_string_equal(s, "abc");
	free(s);

	/* attributes */
	n = oc_xml_child(r, "y");
	s = oc_xml_attr(n, "a");
	assert_string_equal(s, "v");
	free(s);
	s = oc_xml_attr(n, "e");
	assert_string_equal(s, "");
	free(s);
	s = oc_xml_attr(n, "amp");
	assert_string_equal(s, "a&b");
	free(s);
	assert_null(oc_xml_attr(n, "nope"));
	assert_null(oc_xml_attr(NULL, "a"));
	assert_null(oc_xml_attr(n, NULL));
	oc_xml_free(doc);
}

static void test_is_missing(void **state)
{
	static const struct {
		const char *s;
		int missing;
	} cases[] = {
		{ NULL, 1 }, { "", 1 }, { "(null)", 1 }, { "-1", 1 },
		{ "0", 0 }, { " ", 0 }, { "(NULL)", 0 }, { "-10", 0 },
		{ "x", 0 }, { "null", 0 }, { "-1 ", 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		print_message("case %zu: %s\n", i,
			      cases[i].s ? cases[i].s : "NULL");
		assert_int_equal(oc_is_missing(cases[i].s), cases[i].missing);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_args),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_is_missing),
	};

	return cmocka_run_group_tests_name("xml", tests, setup, teardown);
}
