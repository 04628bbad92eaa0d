/*
 * SPDX-License-Identifier: BSD-2-Clause
 * module.c - mailtrace's own modules, loaded when first needed
 * (mt_module_sym(), mt.h): the PostgreSQL driver and the OTLP sender
 * bring dozens of libraries (libpq's Kerberos and LDAP, libcurl's) that a
 * probe without --db postgresql:// or --otlp would load and relocate at
 * every start for nothing.
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mt.h"

static pthread_mutex_t	module_mu = PTHREAD_MUTEX_INITIALIZER;

/* dlopen() of dir/name; NULL, with dlerror()'s text kept in why. */
static void *
try_dir(const char *dir, const char *name, char *why, size_t sz)
{
	char	 path[PATH_MAX];
	void	*h;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return NULL;
	if (access(path, R_OK) != 0)
		return NULL;
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL)
		snprintf(why, sz, "%s", dlerror());
	return h;
}

void *
mt_module_sym(const char *name, const char *sym, struct mt_err *err)
{
	char	 self[PATH_MAX], why[512] = "", *slash;
	void	*h = NULL, *f;
	ssize_t	 n;

	pthread_mutex_lock(&module_mu);
	/* Beside the program (a build tree), then installed, then built. */
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			h = try_dir(self, name, why, sizeof(why));
		}
	}
	if (h == NULL)
		h = try_dir(MT_MODULEDIR, name, why, sizeof(why));
	if (h == NULL)
		h = try_dir(MT_BUILD_MODULEDIR, name, why, sizeof(why));
	pthread_mutex_unlock(&module_mu);
	if (h == NULL) {
		mt_err_set(err, MT_E_USAGE, "%s cannot be loaded: %s", name,
		    why[0] != '\0' ? why : "not found beside mailtrace nor in "
		    MT_MODULEDIR);
		return NULL;
	}
	if ((f = dlsym(h, sym)) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "%s has no %s", name, sym);
		return NULL;
	}
	return f;
}
