/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "gp-os.h"

/*
 * For Linux the official clients send a description of the distribution;
 * the choice itself is what existing open clients send, and servers
 * accept it.
 */
static const struct gp_os gp_os_table[] = {
	{ "linux",	"Linux",	"linux" },
	{ "linux-64",	"Linux",	"linux-64" },
	{ "win",	"Windows",	"Microsoft Windows 10 Pro, 64-bit" },
	{ "mac-intel",	"Mac",		"Apple Mac OS X 10.15" },
	{ "android",	"Android",	"Google Android 12.0.0" },
	{ "apple-ios",	"iOS",		"Apple iOS 16.0" },
};

int gp_os_lookup(const char *choice, const struct gp_os **out)
{
	size_t i;

	if (!choice)
		choice = GP_OS_DEFAULT;
	for (i = 0; i < sizeof(gp_os_table) / sizeof(gp_os_table[0]); i++) {
		if (!strcmp(choice, gp_os_table[i].choice)) {
			*out = &gp_os_table[i];
			return 0;
		}
	}
	return -EINVAL;
}

const char *gp_os_choices(void)
{
	return "linux, linux-64, win, mac-intel, android, apple-ios";
}
