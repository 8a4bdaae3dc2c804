/*
 * endpoint - STS/EKS endpoint and signing region resolution.
 */
#include "config.h"

#include "endpoint.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

/* Regions where sts_regional_endpoints = legacy means the global
 * endpoint (botocore's STS endpoint rule set). */
static const char *const legacy_regions[] = {
    "ap-northeast-1", "ap-south-1",   "ap-southeast-1", "ap-southeast-2",
    "aws-global",     "ca-central-1", "eu-central-1",   "eu-north-1",
    "eu-west-1",      "eu-west-2",    "eu-west-3",      "sa-east-1",
    "us-east-1",      "us-east-2",    "us-west-1",      "us-west-2",
};

static bool
is_legacy_region(const char *region)
{
	for (size_t i = 0; i < sizeof legacy_regions / sizeof *legacy_regions;
	     i++)
		if (strcmp(region, legacy_regions[i]) == 0)
			return true;
	return false;
}

/* A region becomes part of a host name: allow only what region names
 * are made of. */
static bool
valid_region(const char *r)
{
	if (*r == '\0')
		return false;
	for (; *r; r++)
		if (!islower((unsigned char)*r) &&
		    !isdigit((unsigned char)*r) && *r != '-')
			return false;
	return true;
}

int
endpoint_split_url(const char *url, char **host, char **path)
{
	const char *p, *h, *slash;
	size_t hlen;
	const char *default_port;
	char *hs;

	if (strncasecmp(url, "https://", 8) == 0) {
		p = url + 8;
		default_port = ":443";
	} else if (strncasecmp(url, "http://", 7) == 0) {
		p = url + 7;
		default_port = ":80";
	} else {
		return -1;
	}
	h = p;
	slash = strchr(h, '/');
	hlen = slash ? (size_t)(slash - h) : strlen(h);
	if (hlen == 0 || memchr(h, '@', hlen) || memchr(h, '?', hlen) ||
	    memchr(h, '#', hlen))
		return -1;
	hs = xstrndup(h, hlen);
	for (char *c = hs; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	/* botocore signs the port only when it is not the default. */
	{
		size_t dl = strlen(default_port), l = strlen(hs);

		if (l > dl && strcmp(hs + l - dl, default_port) == 0)
			hs[l - dl] = '\0';
	}
	*host = hs;
	if (slash) {
		size_t plen = strlen(slash);

		while (plen > 0 && slash[plen - 1] == '/')
			plen--;
		if (memchr(slash, '?', plen) || memchr(slash, '#', plen)) {
			free(hs);
			*host = NULL;
			return -1;
		}
		*path = xstrndup(slash, plen);
	} else {
		*path = xstrdup("");
	}
	return 0;
}

/* Fill out from a URL used verbatim. */
static enum status
from_url(const char *service, const char *url, const char *region, bool custom,
         struct endpoint *out, struct err *e)
{
	size_t len = strlen(url);

	while (len > 0 && url[len - 1] == '/')
		len--;
	out->url = xstrndup(url, len);
	if (endpoint_split_url(out->url, &out->host, &out->path) != 0) {
		err_set(e, ST_CONFIG, "invalid %s endpoint URL '%s'", service,
		        url);
		endpoint_done(out);
		return ST_CONFIG;
	}
	out->region = xstrdup(region);
	out->custom = custom;
	return ST_OK;
}

enum status
endpoint_resolve(const char *service, const struct endpoint_config *c,
                 struct endpoint *out, struct err *e)
{
	const char *custom = NULL;
	const char *region = c->region && *c->region ? c->region : NULL;
	const char *suffix;
	char *url;
	enum status st;

	memset(out, 0, sizeof *out);
	if (!c->ignore_configured) {
		if (c->env_service_url && *c->env_service_url)
			custom = c->env_service_url;
		else if (c->env_url && *c->env_url)
			custom = c->env_url;
		else if (c->services_url && *c->services_url)
			custom = c->services_url;
		else if (c->profile_url && *c->profile_url)
			custom = c->profile_url;
	}
	if (custom) {
		if (region == NULL) {
			err_set(e, ST_CONFIG,
			        "no region for the %s endpoint %s", service,
			        custom);
			err_hint(e, "set region in the profile or target, or "
			            "AWS_REGION");
			return ST_CONFIG;
		}
		return from_url(service, custom, region, true, out, e);
	}
	if (region != NULL && !valid_region(region)) {
		err_set(e, ST_CONFIG, "invalid region '%s'", region);
		return ST_CONFIG;
	}
	if (strcmp(service, "sts") == 0) {
		if (region == NULL || strcmp(region, "aws-global") == 0 ||
		    (c->sts_legacy && is_legacy_region(region)))
			return from_url(service, "https://sts.amazonaws.com",
			                "us-east-1", false, out, e);
	} else if (region == NULL) {
		err_set(e, ST_CONFIG, "no region for %s", service);
		err_hint(e, "set region in the profile or target, or "
		            "AWS_REGION");
		return ST_CONFIG;
	}
	suffix = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn"
	                                        : "amazonaws.com";
	url = xasprintf("https://%s.%s.%s", service, region, suffix);
	st = from_url(service, url, region, false, out, e);
	free(url);
	return st;
}

void
endpoint_done(struct endpoint *ep)
{
	free(ep->url);
	free(ep->host);
	free(ep->path);
	free(ep->region);
	memset(ep, 0, sizeof *ep);
}

void
endpoint_copy(struct endpoint *dst, const struct endpoint *src)
{
	dst->url = xstrdup_or_null(src->url);
	dst->host = xstrdup_or_null(src->host);
	dst->path = xstrdup_or_null(src->path);
	dst->region = xstrdup_or_null(src->region);
	dst->custom = src->custom;
}
