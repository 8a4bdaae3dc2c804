/*
 * endpoint - where STS and EKS requests go and which region signs them
 * (aws-protocols.md sections 2.1, 3 and 6.5).
 *
 * Precedence of custom endpoints: AWS_ENDPOINT_URL_<SERVICE>, then
 * AWS_ENDPOINT_URL, then the profile's [services] section, then the
 * profile's endpoint_url; none of them when
 * ignore_configured_endpoint_urls is set. Without a custom endpoint, STS is
 * regional (https://sts.REGION.amazonaws.com) unless legacy mode is chosen
 * for one of the 16 legacy regions (then https://sts.amazonaws.com signed
 * for us-east-1); no region at all means aws-global. A custom endpoint is
 * used verbatim and signed for the configured region.
 *
 * Ownership: struct endpoint owns its strings; endpoint_done() frees them.
 */
#ifndef ROLEHOP_ENDPOINT_H
#define ROLEHOP_ENDPOINT_H

#include <stdbool.h>

#include "err.h"

/* What decides an endpoint; every string borrowed, any may be NULL. */
struct endpoint_config {
	const char *region;
	const char *env_service_url; /* AWS_ENDPOINT_URL_STS or _EKS */
	const char *env_url;         /* AWS_ENDPOINT_URL */
	const char *services_url;    /* [services X] sts/eks endpoint_url */
	const char *profile_url;     /* profile endpoint_url */
	bool ignore_configured;
	bool sts_legacy;
};

struct endpoint {
	char *url;    /* scheme://host[:port][/base], no trailing slash */
	char *host;   /* host[:port] as signed (port only when not default) */
	char *path;   /* base path, "" or "/x" */
	char *region; /* signing region */
	bool custom;
};

/* service is "sts" or "eks". */
enum status endpoint_resolve(const char *service,
                             const struct endpoint_config *,
                             struct endpoint *out, struct err *);
/* Split a URL into host (lower-case, port kept only when not the scheme's
 * default) and path. -1 when it is not an http(s) URL. */
int endpoint_split_url(const char *url, char **host, char **path);
void endpoint_done(struct endpoint *);
void endpoint_copy(struct endpoint *dst, const struct endpoint *src);

#endif
