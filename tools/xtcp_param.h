/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tools read of the loaded module: the family and IP protocol
 * numbers it was loaded with (module parameters), falling back to the
 * defaults of uapi/linux/xtcp.h when the module is not loaded.
 */
#ifndef _XTCP_PARAM_H
#define _XTCP_PARAM_H

#include <stdio.h>

#include "../uapi/linux/xtcp.h"

/* /sys/module/xtcp/parameters/@name as an int, or @def. */
static inline int xtcp_param(const char *name, int def)
{
	char path[128];
	FILE *f;
	int v = def;

	snprintf(path, sizeof(path), "/sys/module/xtcp/parameters/%s", name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = def;
		fclose(f);
	}
	return v;
}

static inline int xtcp_family(void)
{
	return xtcp_param("family", AF_XTCP);
}

#endif
