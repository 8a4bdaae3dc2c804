/*
 * eks - EKS request builders and answer parsers, the bearer token and the
 * ExecCredential document.
 */
#include "config.h"

#include "eks.h"

#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "jsonutil.h"
#include "sigv4.h"
#include "timefmt.h"
#include "xalloc.h"

void
eks_cluster_done(struct eks_cluster *c)
{
	free(c->name);
	free(c->region);
	free(c->arn);
	free(c->status);
	free(c->version);
	free(c->platform_version);
	free(c->endpoint);
	free(c->ca_data);
	memset(c, 0, sizeof *c);
}

void
eks_cluster_copy(struct eks_cluster *dst, const struct eks_cluster *src)
{
	dst->name = xstrdup_or_null(src->name);
	dst->region = xstrdup_or_null(src->region);
	dst->arn = xstrdup_or_null(src->arn);
	dst->status = xstrdup_or_null(src->status);
	dst->version = xstrdup_or_null(src->version);
	dst->platform_version = xstrdup_or_null(src->platform_version);
	dst->endpoint = xstrdup_or_null(src->endpoint);
	dst->ca_data = xstrdup_or_null(src->ca_data);
	dst->created_at = src->created_at;
}

void
eks_page_done(struct eks_page *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->names[i]);
	free(p->names);
	free(p->next_token);
	memset(p, 0, sizeof *p);
}

char *
eks_list_query(const char *next_token)
{
	char *enc, *q;

	if (next_token == NULL)
		return xasprintf("maxResults=%d", EKS_PAGE_SIZE);
	enc = sigv4_uri_encode(next_token, strlen(next_token), false);
	q = xasprintf("maxResults=%d&nextToken=%s", EKS_PAGE_SIZE, enc);
	free(enc);
	return q;
}

char *
eks_describe_path(const char *name)
{
	char *enc = sigv4_uri_encode(name, strlen(name), false);
	char *p = xasprintf("/clusters/%s", enc);

	free(enc);
	return p;
}

/* Parse body as a JSON object, or fill e. */
static cJSON *
parse_object(const char *body, size_t len, const char *what, struct err *e)
{
	cJSON *root = cJSON_ParseWithLength(body, len);

	if (root == NULL || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		err_set(e, ST_PARSE, "%s: the answer is not a JSON object",
		        what);
		return NULL;
	}
	return root;
}

enum status
eks_parse_list(const char *body, size_t len, struct eks_page *p, struct err *e)
{
	cJSON *root, *arr, *item;
	const cJSON *next;
	size_t n = 0;

	memset(p, 0, sizeof *p);
	if ((root = parse_object(body, len, "ListClusters", e)) == NULL)
		return e->status;
	arr = cJSON_GetObjectItemCaseSensitive(root, "clusters");
	if (arr && !cJSON_IsNull(arr) && !cJSON_IsArray(arr)) {
		cJSON_Delete(root);
		return err_set(e, ST_PARSE,
		               "ListClusters: \"clusters\" is not a list");
	}
	p->names =
	    xcalloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof *p->names);
	cJSON_ArrayForEach(item, arr)
	{
		if (!cJSON_IsString(item) || item->valuestring[0] == '\0') {
			p->n = n;
			eks_page_done(p);
			cJSON_Delete(root);
			return err_set(e, ST_PARSE,
			               "ListClusters: a cluster name is not "
			               "a string");
		}
		p->names[n++] = xstrdup(item->valuestring);
	}
	p->n = n;
	next = cJSON_GetObjectItemCaseSensitive(root, "nextToken");
	if (cJSON_IsString(next) && next->valuestring[0])
		p->next_token = xstrdup(next->valuestring);
	cJSON_Delete(root);
	return ST_OK;
}

/* A string member, copied, or NULL. */
static char *
dup_member(const cJSON *o, const char *name)
{
	return xstrdup_or_null(jsonutil_str(o, name));
}

enum status
eks_parse_describe(const char *body, size_t len, const char *region,
                   struct eks_cluster *c, struct err *e)
{
	cJSON *root;
	const cJSON *cl, *ca, *created;

	memset(c, 0, sizeof *c);
	if ((root = parse_object(body, len, "DescribeCluster", e)) == NULL)
		return e->status;
	cl = cJSON_GetObjectItemCaseSensitive(root, "cluster");
	if (!cJSON_IsObject(cl) || jsonutil_str(cl, "name") == NULL) {
		cJSON_Delete(root);
		return err_set(e, ST_PARSE,
		               "DescribeCluster: no cluster in the answer");
	}
	c->name = dup_member(cl, "name");
	c->region = xstrdup_or_null(region);
	c->arn = dup_member(cl, "arn");
	c->status = dup_member(cl, "status");
	c->version = dup_member(cl, "version");
	c->platform_version = dup_member(cl, "platformVersion");
	c->endpoint = dup_member(cl, "endpoint");
	ca = cJSON_GetObjectItemCaseSensitive(cl, "certificateAuthority");
	if (cJSON_IsObject(ca))
		c->ca_data = dup_member(ca, "data");
	/* rest-json sends epoch seconds with a fraction; accept ISO too. */
	created = cJSON_GetObjectItemCaseSensitive(cl, "createdAt");
	if (cJSON_IsNumber(created) && created->valuedouble > 0 &&
	    created->valuedouble < 1e11)
		c->created_at = (time_t)created->valuedouble;
	else if (cJSON_IsString(created))
		(void)timefmt_parse_any(created->valuestring, &c->created_at);
	cJSON_Delete(root);
	return ST_OK;
}

bool
eks_cluster_usable(const struct eks_cluster *c)
{
	return c->status && (strcmp(c->status, "ACTIVE") == 0 ||
	                     strcmp(c->status, "UPDATING") == 0);
}

char *
eks_token(const struct endpoint *sts, const struct creds *c,
          const char *cluster_id, time_t now)
{
	const struct sigv4_header h[] = {{"host", sts->host},
	                                 {"x-k8s-aws-id", cluster_id}};
	char *path = xasprintf("%s/", sts->path);
	const struct sigv4_request rq = {
	    .method = "GET",
	    .path = path,
	    .query = "Action=GetCallerIdentity&Version=2011-06-15",
	    .headers = h,
	    .nheaders = 2,
	};
	struct sigv4_params pp;
	struct sigv4_result r;
	char *url, *b64, *token;

	if (!creds_valid(c)) {
		free(path);
		return NULL;
	}
	sigv4_params_init(&pp);
	pp.access_key_id = c->access_key_id;
	pp.secret_access_key = c->secret_access_key;
	pp.session_token = c->session_token;
	pp.region = sts->region;
	pp.service = "sts";
	pp.now = now;
	pp.expires = 60;
	if (sigv4_presign(&rq, &pp, &r) != 0) {
		free(path);
		return NULL;
	}
	free(path);
	/* The URL carries the session token: a secret throughout. */
	url = xasprintf("%s/?%s", sts->url, r.query);
	sigv4_result_done(&r);
	b64 = b64_encode(url, strlen(url), true);
	token = xasprintf("%s%s", EKS_TOKEN_PREFIX, b64);
	secret_free_str(url);
	secret_free_str(b64);
	return token;
}

time_t
eks_token_expiry(time_t signed_at, time_t creds_expiry)
{
	time_t t = signed_at + EKS_TOKEN_LIFETIME;

	return creds_expiry != 0 && creds_expiry < t ? creds_expiry : t;
}

const char *
eks_exec_api_version(const char *exec_info, const char **warning)
{
	static const char *const known[] = {
	    EKS_EXEC_V1, EKS_EXEC_V1BETA1,
	    "client.authentication.k8s.io/v1alpha1"};
	const char *found = EKS_EXEC_V1BETA1;
	const char *v;
	cJSON *root;

	*warning = NULL;
	if (exec_info == NULL || exec_info[0] == '\0')
		return EKS_EXEC_V1BETA1;
	root = cJSON_Parse(exec_info);
	if (root == NULL || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		*warning = "cannot parse KUBERNETES_EXEC_INFO, answering "
		           "with " EKS_EXEC_V1BETA1;
		return EKS_EXEC_V1BETA1;
	}
	v = jsonutil_str(root, "apiVersion");
	*warning = "unrecognised apiVersion in KUBERNETES_EXEC_INFO, "
	           "answering with " EKS_EXEC_V1BETA1;
	for (size_t i = 0; v && i < sizeof known / sizeof *known; i++)
		if (strcmp(v, known[i]) == 0) {
			found = known[i];
			*warning =
			    i == 2 ? "client.authentication.k8s.io/v1alpha1 "
			             "is deprecated; use v1 in the kubeconfig"
			           : NULL;
			break;
		}
	cJSON_Delete(root);
	return found;
}

char *
eks_exec_credential(const char *api_version, const char *token,
                    time_t expiration)
{
	cJSON *root = cJSON_CreateObject(), *status;
	char iso[TIMEFMT_ISO_LEN], *text, *out;

	cJSON_AddStringToObject(root, "kind", "ExecCredential");
	cJSON_AddStringToObject(root, "apiVersion", api_version);
	cJSON_AddObjectToObject(root, "spec");
	status = cJSON_AddObjectToObject(root, "status");
	timefmt_iso(expiration, iso);
	cJSON_AddStringToObject(status, "expirationTimestamp", iso);
	cJSON_AddStringToObject(status, "token", token);
	text = cJSON_Print(root);
	cJSON_Delete(root);
	out = xasprintf("%s\n", text);
	secret_free_str(text);
	return out;
}
