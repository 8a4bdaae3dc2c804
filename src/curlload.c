/*
 * curlload - libcurl, loaded on first use.
 *
 * rolehop does not link libcurl: Debian's libcurl pulls in some 30 shared
 * libraries (GnuTLS, Kerberos, LDAP, SSH, RTMP, ...), and mapping,
 * relocating and initialising them took most of the start-up time of
 * commands that never touch the network (`list`, a cached `token`, about
 * 5 ms of 8). Instead this file defines the few curl_* functions rolehop
 * calls; the first call dlopen()s libcurl.so.4 and every call forwards to
 * it. http.c, the only user, is unchanged, and calls curl_global_init()
 * only when it first needs a transfer.
 *
 * The variadic setopt functions forward their one argument by the type
 * curl encodes in the option number (long, object pointer, function
 * pointer, curl_off_t, blob), as libcurl itself reads it; getinfo always
 * takes a pointer.
 *
 * If libcurl cannot be loaded, rolehop says so and exits with status 1:
 * without it no request can be made.
 */
#include "config.h"

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

typedef void voidfn(void);

static struct {
	void *so;
	CURLcode (*global_init)(long);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	const char *(*easy_strerror)(CURLcode);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *);
	CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int,
	                        int, int *);
	CURLMcode (*multi_wakeup)(CURLM *);
	CURLMcode (*multi_timeout)(CURLM *, long *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
} F;

static void
fail(const char *what)
{
	const char *why = dlerror();

	fprintf(stderr, "rolehop: cannot load libcurl: %s%s%s\n", what,
	        why ? ": " : "", why ? why : "");
	exit(1);
}

/* dlsym into a function pointer (POSIX allows the object-pointer
 * round trip). */
static void
sym(void *slot, const char *name)
{
	void *p = dlsym(F.so, name);

	if (p == NULL)
		fail(name);
	*(void **)slot = p;
}

static void
load(void)
{
	if (F.so)
		return;
	F.so = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (F.so == NULL)
		F.so = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
	if (F.so == NULL)
		fail("libcurl.so.4");
	sym(&F.global_init, "curl_global_init");
	sym(&F.global_cleanup, "curl_global_cleanup");
	sym(&F.easy_init, "curl_easy_init");
	sym(&F.easy_cleanup, "curl_easy_cleanup");
	sym(&F.easy_setopt, "curl_easy_setopt");
	sym(&F.easy_getinfo, "curl_easy_getinfo");
	sym(&F.easy_strerror, "curl_easy_strerror");
	sym(&F.multi_init, "curl_multi_init");
	sym(&F.multi_cleanup, "curl_multi_cleanup");
	sym(&F.multi_setopt, "curl_multi_setopt");
	sym(&F.multi_add_handle, "curl_multi_add_handle");
	sym(&F.multi_remove_handle, "curl_multi_remove_handle");
	sym(&F.multi_perform, "curl_multi_perform");
	sym(&F.multi_info_read, "curl_multi_info_read");
	sym(&F.multi_poll, "curl_multi_poll");
	sym(&F.multi_wakeup, "curl_multi_wakeup");
	sym(&F.multi_timeout, "curl_multi_timeout");
	sym(&F.slist_append, "curl_slist_append");
	sym(&F.slist_free_all, "curl_slist_free_all");
}

CURLcode
curl_global_init(long flags)
{
	load();
	return F.global_init(flags);
}

void
curl_global_cleanup(void)
{
	if (F.so)
		F.global_cleanup();
}

CURL *
curl_easy_init(void)
{
	load();
	return F.easy_init();
}

void
curl_easy_cleanup(CURL *e)
{
	load();
	F.easy_cleanup(e);
}

CURLcode
curl_easy_setopt(CURL *e, CURLoption opt, ...)
{
	va_list ap;
	CURLcode rc;

	load();
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = F.easy_setopt(e, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = F.easy_setopt(e, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = F.easy_setopt(e, opt, va_arg(ap, voidfn *));
	else if (opt < CURLOPTTYPE_BLOB)
		rc = F.easy_setopt(e, opt, va_arg(ap, curl_off_t));
	else
		rc = F.easy_setopt(e, opt, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

CURLcode
curl_easy_getinfo(CURL *e, CURLINFO info, ...)
{
	va_list ap;
	CURLcode rc;

	load();
	va_start(ap, info);
	rc = F.easy_getinfo(e, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

const char *
curl_easy_strerror(CURLcode rc)
{
	load();
	return F.easy_strerror(rc);
}

CURLM *
curl_multi_init(void)
{
	load();
	return F.multi_init();
}

CURLMcode
curl_multi_cleanup(CURLM *m)
{
	load();
	return F.multi_cleanup(m);
}

CURLMcode
curl_multi_setopt(CURLM *m, CURLMoption opt, ...)
{
	va_list ap;
	CURLMcode rc;

	load();
	va_start(ap, opt);
	if (opt < CURLOPTTYPE_OBJECTPOINT)
		rc = F.multi_setopt(m, opt, va_arg(ap, long));
	else if (opt < CURLOPTTYPE_FUNCTIONPOINT)
		rc = F.multi_setopt(m, opt, va_arg(ap, void *));
	else if (opt < CURLOPTTYPE_OFF_T)
		rc = F.multi_setopt(m, opt, va_arg(ap, voidfn *));
	else
		rc = F.multi_setopt(m, opt, va_arg(ap, curl_off_t));
	va_end(ap);
	return rc;
}

CURLMcode
curl_multi_add_handle(CURLM *m, CURL *e)
{
	load();
	return F.multi_add_handle(m, e);
}

CURLMcode
curl_multi_remove_handle(CURLM *m, CURL *e)
{
	load();
	return F.multi_remove_handle(m, e);
}

CURLMcode
curl_multi_perform(CURLM *m, int *running)
{
	load();
	return F.multi_perform(m, running);
}

CURLMsg *
curl_multi_info_read(CURLM *m, int *left)
{
	load();
	return F.multi_info_read(m, left);
}

CURLMcode
curl_multi_poll(CURLM *m, struct curl_waitfd *extra, unsigned int n,
                int timeout_ms, int *numfds)
{
	load();
	return F.multi_poll(m, extra, n, timeout_ms, numfds);
}

CURLMcode
curl_multi_wakeup(CURLM *m)
{
	/* From a signal handler too: never load here. */
	return F.so ? F.multi_wakeup(m) : CURLM_BAD_HANDLE;
}

CURLMcode
curl_multi_timeout(CURLM *m, long *ms)
{
	load();
	return F.multi_timeout(m, ms);
}

struct curl_slist *
curl_slist_append(struct curl_slist *l, const char *s)
{
	load();
	return F.slist_append(l, s);
}

void
curl_slist_free_all(struct curl_slist *l)
{
	if (l == NULL)
		return;
	load();
	F.slist_free_all(l);
}
