/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "buf.h"
#include "log.h"
#include "xml.h"

#define OC_XML_MAX	(16 * 1024 * 1024)

/*
 * Never XML_PARSE_NOENT (entity expansion: billion laughs, external
 * files), XML_PARSE_DTDLOAD (fetches the external subset) or
 * XML_PARSE_HUGE (lifts the depth and size limits).
 */
#define OC_XML_OPTS	(XML_PARSE_RECOVER | XML_PARSE_NONET | \
			 XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

/* Handed to the error handler through the parser context. */
struct xml_errs {
	const struct oc_log *lg;
	unsigned int count;
	int line;		/* of the first message */
	char first[128];	/* the first message, for a halted parse */
};

/*
 * Per-context handler: libxml2 would otherwise print to stderr. Only the
 * first message is logged; a broken document can produce thousands.
 */
static void xml_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = data;
	struct xml_errs *errs = ctxt ? ctxt->_private : NULL;

	if (!errs)
		return;
	if (!errs->count++ && e && e->message) {
		oc_dbg(errs->lg, "XML: line %d: %s", e->line, e->message);
		snprintf(errs->first, sizeof(errs->first), "%s", e->message);
		errs->first[strcspn(errs->first, "\r\n")] = '\0';
		errs->line = e->line;
	}
}

static xmlDocPtr xml_read(const struct oc_log *lg, const char *buf,
			  size_t len)
{
	struct xml_errs errs = { lg, 0, 0, "" };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;

	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return NULL;
	ctxt->_private = &errs;
	ctxt->sax->serror = xml_error;
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, NULL, OC_XML_OPTS);
	/*
	 * Recovering, libxml2 sets disableSAX only when it halts: depth,
	 * entity loops and amplification, sizes over its limits. What came
	 * after is lost, so say why rather than leave only "no status".
	 */
	if (ctxt->disableSAX)
		oc_err(lg, "XML parsing stopped at line %d: %s", errs.line,
		       errs.first[0] ? errs.first : "unknown error");
	else if (doc && !ctxt->wellFormed)
		oc_dbg(lg, "XML not well-formed (%u errors); recovered",
		       errs.count);
	xmlFreeParserCtxt(ctxt);
	return doc;
}

int oc_xml_parse(const struct oc_log *lg, const char *buf, size_t len,
		 xmlDocPtr *out)
{
	xmlDocPtr doc;

	*out = NULL;
	if (len > OC_XML_MAX) {
		oc_err(lg, "XML document too large (%zu bytes)", len);
		return -E2BIG;
	}
	if (!buf || !len)
		return -EINVAL;
	doc = xml_read(lg, buf, len);
	if (!doc)
		return -EINVAL;
	if (!xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		return -EINVAL;
	}
	*out = doc;
	return 0;
}

void oc_xml_free(xmlDocPtr doc)
{
	if (doc)
		xmlFreeDoc(doc);
}

static int name_matches(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	       (!name || (n->name && !strcmp((const char *)n->name, name)));
}

int oc_xml_is(const xmlNode *n, const char *name)
{
	return n && name && name_matches(n, name);
}

static xmlNode *first_match(xmlNode *n, const char *name)
{
	for (; n; n = n->next)
		if (name_matches(n, name))
			return n;
	return NULL;
}

xmlNode *oc_xml_child(const xmlNode *parent, const char *name)
{
	return parent ? first_match(parent->children, name) : NULL;
}

xmlNode *oc_xml_next(const xmlNode *n, const char *name)
{
	return n ? first_match(n->next, name) : NULL;
}

xmlNode *oc_xml_find(const xmlNode *from, const char *path)
{
	const xmlNode *n = from;
	char part[256];
	size_t len;

	while (n && path && *path) {
		len = strcspn(path, "/");
		if (len >= sizeof(part))
			return NULL;
		if (len) {
			memcpy(part, path, len);
			part[len] = '\0';
			n = oc_xml_child(n, part);
		}
		path += len;
		if (*path == '/')
			path++;
	}
	return (xmlNode *)n;
}

/*
 * Concatenates the text below @top without recursion (documents may be
 * deep). Entity references are skipped, not expanded: their content is
 * the entity declaration, which is where nested-entity bombs live.
 */
static void gather_text(struct oc_text *t, const xmlNode *top)
{
	const xmlNode *cur;

	if (top->type == XML_TEXT_NODE || top->type == XML_CDATA_SECTION_NODE) {
		if (top->content)
			oc_text_append(t, (const char *)top->content);
		return;
	}
	cur = top->children;
	while (cur && cur != top && !oc_text_error(t)) {
		if ((cur->type == XML_TEXT_NODE ||
		     cur->type == XML_CDATA_SECTION_NODE) && cur->content)
			oc_text_append(t, (const char *)cur->content);
		if (cur->type == XML_ELEMENT_NODE && cur->children) {
			cur = cur->children;
			continue;
		}
		while (cur && cur != top && !cur->next)
			cur = cur->parent;
		if (!cur || cur == top)
			break;
		cur = cur->next;
	}
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\f' || c == '\v';
}

/* The trimmed text of @t as a malloc'ed string, or NULL when missing. */
static char *trimmed(struct oc_text *t)
{
	const char *s = oc_text_str(t);
	size_t len = t->len;
	char *ret = NULL;

	while (len && is_space(*s)) {
		s++;
		len--;
	}
	while (len && is_space(s[len - 1]))
		len--;
	if (!oc_text_error(t) && len) {
		ret = strndup(s, len);
		if (ret && oc_is_missing(ret)) {
			free(ret);
			ret = NULL;
		}
	}
	oc_text_free(t);
	return ret;
}

char *oc_xml_text(const xmlNode *n)
{
	struct oc_text t = OC_TEXT_INIT;

	if (!n)
		return NULL;
	gather_text(&t, n);
	return trimmed(&t);
}

char *oc_xml_find_text(const xmlNode *from, const char *path)
{
	return oc_xml_text(oc_xml_find(from, path));
}

/* Like oc_xml_text, but untrimmed, and "" stays "" (only absent is NULL). */
char *oc_xml_attr(const xmlNode *n, const char *name)
{
	struct oc_text t = OC_TEXT_INIT;
	xmlAttrPtr a;
	char *ret;

	if (!n || !name || n->type != XML_ELEMENT_NODE)
		return NULL;
	a = xmlHasProp((xmlNodePtr)n, (const xmlChar *)name);
	if (!a || a->type != XML_ATTRIBUTE_NODE)
		return NULL;
	gather_text(&t, (const xmlNode *)a);
	if (oc_text_error(&t)) {
		oc_text_free(&t);
		return NULL;
	}
	ret = t.len ? oc_text_steal(&t) : strdup("");
	oc_text_free(&t);
	return ret;
}

int oc_is_missing(const char *s)
{
	return !s || !*s || !strcmp(s, "(null)") || !strcmp(s, "-1");
}
