/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The operating system a GlobalProtect client reports (--os).
 *
 * Portals may hand out a configuration, or refuse one, by the reported OS;
 * so the user picks one of a few known identities, each giving the
 * clientos field (one of the five values servers know) and an os-version
 * text in the style of the official clients.
 */
#ifndef GP_OS_H
#define GP_OS_H

struct gp_os {
	const char *choice;	/* the --os name */
	const char *clientos;	/* Linux, Windows, Mac, Android or iOS */
	const char *os_version;	/* free text for os-version */
};

/* The --os name used when the user gives none. */
#define GP_OS_DEFAULT	"linux"

/*
 * Looks up @choice: exactly one of linux, linux-64, win, mac-intel,
 * android, apple-ios, in lower case (no other spelling is accepted, so a
 * command line that works here works with the other clients too). NULL
 * means GP_OS_DEFAULT. Sets *out to a static entry and returns 0, or
 * returns -EINVAL for an unknown name.
 */
int gp_os_lookup(const char *choice, const struct gp_os **out);

/* "linux, linux-64, win, mac-intel, android, apple-ios": for messages. */
const char *gp_os_choices(void);

#endif
