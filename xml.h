/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * XML helpers over libxml2.
 *
 * Servers send XML that is not always well-formed, so documents are read
 * in recovering mode; entity substitution, DTD loading and network access
 * are off. A document that still has no root element is an error.
 */
#ifndef OC_XML_H
#define OC_XML_H

#include <stddef.h>
#include <libxml/tree.h>
#include "log.h"

/* -EINVAL when nothing usable could be read, -E2BIG over 16 MiB. */
int oc_xml_parse(const struct oc_log *lg, const char *buf, size_t len,
		 xmlDocPtr *out);
void oc_xml_free(xmlDocPtr doc);

int oc_xml_is(const xmlNode *n, const char *name);
/* First element child named @name (any when NULL), or NULL. */
xmlNode *oc_xml_child(const xmlNode *parent, const char *name);
/* Next element sibling named @name (any when NULL), or NULL. */
xmlNode *oc_xml_next(const xmlNode *n, const char *name);
/* Follows "a/b/c" from @from through first matching children. */
xmlNode *oc_xml_find(const xmlNode *from, const char *path);
/* Text content, trimmed, malloc'ed; NULL when missing (see below). */
char *oc_xml_text(const xmlNode *n);
/* Text of the child at @path, or NULL when missing. */
char *oc_xml_find_text(const xmlNode *from, const char *path);
char *oc_xml_attr(const xmlNode *n, const char *name);

/* "Missing" in the protocol's sense: NULL, empty, "(null)" or "-1". */
int oc_is_missing(const char *s);

#endif
