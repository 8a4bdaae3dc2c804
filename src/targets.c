/*
 * targets - the merged target list and chain resolution.
 *
 * A chain is built back to front by recursion over profiles: a target
 * profile's role hop is appended after the hops of its source. Errors in
 * one chain are kept on that target (error, error_hint) so the rest of the
 * list stays usable.
 */
#include "config.h"

#include "targets.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "xalloc.h"

/* Profiles deeper than this are certainly a mistake. */
#define MAX_CHAIN_DEPTH 32

const char *
hop_kind_name(enum hop_kind k)
{
	switch (k) {
#define X(id, name)                                                            \
	case HOP_##id:                                                         \
		return name;
		HOP_KIND_LIST(X)
#undef X
	}
	return "?";
}

const char *
target_source_name(enum target_source s)
{
	switch (s) {
	case TARGET_AWS_CONFIG:
		return "aws-config";
	case TARGET_ROLEHOP_CONFIG:
		return "rolehop-config";
	case TARGET_AMBIENT:
		return "ambient";
	}
	return "?";
}

static void
hop_done(struct hop *h)
{
	free(h->profile);
	free(h->where);
	free(h->role_arn);
	free(h->session_name);
	free(h->external_id);
	free(h->mfa_serial);
	free(h->token_file);
	free(h->access_key_id);
	secret_free_str(h->secret_access_key);
	secret_free_str(h->session_token);
	free(h->process);
}

/* What resolution builds up for one target. */
struct build {
	const struct targets *ts;
	const struct envsnap *env;
	struct target *t;
	const char *visited[MAX_CHAIN_DEPTH]; /* profiles */
	size_t nvisited;
	const struct rh_target *rh_visited[MAX_CHAIN_DEPTH];
	size_t nrh_visited;
};

static struct hop *
add_hop(struct target *t, enum hop_kind kind)
{
	struct hop *h;

	t->hops = xreallocarray(t->hops, t->nhops + 1, sizeof *t->hops);
	h = &t->hops[t->nhops++];
	memset(h, 0, sizeof *h);
	h->kind = kind;
	return h;
}

/* Mark the target unresolvable; returns -1 for the caller to pass up. */
static int
fail(struct build *b, enum status st, const char *hint, char *msg)
{
	if (b->t->error == NULL) {
		b->t->error = msg;
		b->t->error_status = st;
		b->t->error_hint = xstrdup_or_null(hint);
	} else {
		free(msg);
	}
	for (size_t i = 0; i < b->t->nhops; i++)
		hop_done(&b->t->hops[i]);
	b->t->nhops = 0;
	return -1;
}

static char *
where_of(const struct awscfg_kv *kv, const struct awscfg_section *sec)
{
	if (kv && kv->file)
		return xasprintf("%s:%d", kv->file, kv->line);
	if (sec && sec->file)
		return xasprintf("%s:%d", sec->file, sec->line);
	return NULL;
}

/* "profile NAME (file:line)" for messages. */
static char *
profile_label(const struct awscfg_section *sec, const char *key)
{
	char *w = where_of(key ? awscfg_get_kv(sec, key) : NULL, sec);
	char *s = w ? xasprintf("%s: profile %s", w, sec->name)
	            : xasprintf("profile %s", sec->name);

	free(w);
	return s;
}

/* arn:PARTITION:iam::ACCOUNT:role/NAME with a 12-digit account. */
static bool
is_role_arn(const char *arn)
{
	const char *p;
	size_t n;

	if (strncmp(arn, "arn:", 4) != 0)
		return false;
	p = strchr(arn + 4, ':');
	if (p == NULL || p == arn + 4 || strncmp(p, ":iam::", 6) != 0)
		return false;
	p += 6;
	for (n = 0; isdigit((unsigned char)p[n]); n++)
		;
	if (n != 12 || p[12] != ':')
		return false;
	p += 13;
	return strncmp(p, "role/", 5) == 0 && p[5] != '\0';
}

static int
check_role_arn(struct build *b, const char *arn, const char *label)
{
	if (is_role_arn(arn))
		return 0;
	return fail(
	    b, ST_CONFIG,
	    "role_arn must look like arn:aws:iam::123456789012:role/NAME",
	    xasprintf("%s: role_arn '%s' is not an IAM role ARN", label, arn));
}

static int duration_of(const struct awscfg_section *);

/* Fill the role fields of a hop from a profile. */
static void
role_fields(struct hop *h, const struct awscfg_section *sec)
{
	h->role_arn = xstrdup(awscfg_get(sec, "role_arn"));
	h->session_name = xstrdup_or_null(awscfg_get(sec, "role_session_name"));
	h->external_id = xstrdup_or_null(awscfg_get(sec, "external_id"));
	h->mfa_serial = xstrdup_or_null(awscfg_get(sec, "mfa_serial"));
	h->duration_seconds = duration_of(sec);
	h->profile = xstrdup(sec->name);
	h->where = where_of(awscfg_get_kv(sec, "role_arn"), sec);
}

/* duration_seconds: an integer; botocore silently ignores a bad value. */
static int
duration_of(const struct awscfg_section *sec)
{
	const char *v = awscfg_get(sec, "duration_seconds");
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return 0;
	n = strtol(v, &end, 10);
	if (*end != '\0' || n <= 0 || n > 43200)
		return 0;
	return (int)n;
}

static bool
has_static_keys(const struct awscfg_section *sec)
{
	return awscfg_get(sec, "aws_access_key_id") != NULL;
}

/* A hop with the profile's static keys. */
static int
add_static(struct build *b, const struct awscfg_section *sec)
{
	const char *secret = awscfg_get(sec, "aws_secret_access_key");
	const char *token = awscfg_get(sec, "aws_session_token");
	struct hop *h;

	if (secret == NULL || *secret == '\0') {
		char *label = profile_label(sec, "aws_access_key_id");
		int rc = fail(b, ST_CONFIG, NULL,
		              xasprintf("%s: aws_access_key_id without "
		                        "aws_secret_access_key",
		                        label));

		free(label);
		return rc;
	}
	if (token == NULL)
		token = awscfg_get(sec, "aws_security_token");
	h = add_hop(b->t, HOP_STATIC);
	h->profile = xstrdup(sec->name);
	h->where = where_of(awscfg_get_kv(sec, "aws_access_key_id"), sec);
	h->access_key_id = xstrdup(awscfg_get(sec, "aws_access_key_id"));
	h->secret_access_key = xstrdup(secret);
	h->session_token = token && *token ? xstrdup(token) : NULL;
	return 0;
}

/* Container credentials or instance metadata, as the SDKs fall back. */
static void
add_container_or_imds(struct build *b, const char *profile)
{
	struct hop *h;

	if (envsnap_get_nonempty(b->env,
	                         "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ||
	    envsnap_get_nonempty(b->env, "AWS_CONTAINER_CREDENTIALS_FULL_URI"))
		h = add_hop(b->t, HOP_CONTAINER);
	else
		h = add_hop(b->t, HOP_IMDS);
	h->profile = xstrdup_or_null(profile);
}

static int resolve_profile(struct build *, const char *name,
                           const char *referrer, bool as_source);

/* credential_source = Environment | Ec2InstanceMetadata | EcsContainer */
static int
add_credential_source(struct build *b, const struct awscfg_section *sec,
                      const char *src)
{
	struct hop *h;

	if (strcasecmp(src, "Environment") == 0) {
		h = add_hop(b->t, HOP_ENV);
	} else if (strcasecmp(src, "Ec2InstanceMetadata") == 0) {
		h = add_hop(b->t, HOP_IMDS);
	} else if (strcasecmp(src, "EcsContainer") == 0) {
		h = add_hop(b->t, HOP_CONTAINER);
	} else {
		char *label = profile_label(sec, "credential_source");
		int rc = fail(
		    b, ST_CONFIG,
		    "credential_source is Environment, Ec2InstanceMetadata "
		    "or EcsContainer",
		    xasprintf("%s: credential_source '%s' is not valid", label,
		              src));

		free(label);
		return rc;
	}
	h->profile = xstrdup(sec->name);
	h->where = where_of(awscfg_get_kv(sec, "credential_source"), sec);
	return 0;
}

/* Resolve a profile that has role_arn. */
static int
resolve_role_profile(struct build *b, const struct awscfg_section *sec)
{
	const char *role = awscfg_get(sec, "role_arn");
	const char *source = awscfg_get(sec, "source_profile");
	const char *csrc = awscfg_get(sec, "credential_source");
	const char *token_file = awscfg_get(sec, "web_identity_token_file");
	char *label = profile_label(sec, "role_arn");
	struct hop *h;
	int rc = 0;

	if (check_role_arn(b, role, label) != 0)
		goto out;
	if (token_file && *token_file) {
		h = add_hop(b->t, HOP_WEB_IDENTITY);
		role_fields(h, sec);
		h->token_file = xstrdup(token_file);
		goto out;
	}
	if (source && csrc) {
		rc = fail(b, ST_CONFIG, NULL,
		          xasprintf("%s: has both source_profile and "
		                    "credential_source",
		                    label));
		goto out;
	}
	if (source) {
		if (strcmp(source, sec->name) == 0) {
			/* A profile may name itself only to use its own
			 * static keys for its role. */
			if (!has_static_keys(sec)) {
				rc = fail(
				    b, ST_CONFIG, NULL,
				    xasprintf("%s: source_profile names "
				              "itself but the profile has no "
				              "static keys",
				              label));
				goto out;
			}
			rc = add_static(b, sec);
		} else {
			rc = resolve_profile(b, source, sec->name, true);
		}
	} else if (csrc) {
		rc = add_credential_source(b, sec, csrc);
	} else {
		rc = fail(b, ST_CONFIG,
		          "add source_profile = PROFILE or credential_source = "
		          "Environment | Ec2InstanceMetadata | EcsContainer",
		          xasprintf("%s: role_arn without source_profile or "
		                    "credential_source",
		                    label));
	}
	if (rc == 0) {
		h = add_hop(b->t, HOP_ASSUME_ROLE);
		role_fields(h, sec);
	}
out:
	free(label);
	return b->t->error ? -1 : rc;
}

/* Append the hops of profile name. as_source: it is the source of
 * another profile, so its static keys win over its own role. */
static int
resolve_profile(struct build *b, const char *name, const char *referrer,
                bool as_source)
{
	const struct awscfg_section *sec = awscfg_profile(&b->ts->aws, name);
	int rc;

	for (size_t i = 0; i < b->nvisited; i++) {
		if (strcmp(b->visited[i], name) == 0) {
			struct buf path;

			buf_init(&path, 4096);
			for (size_t j = 0; j < b->nvisited; j++)
				buf_printf(&path, "%s -> ", b->visited[j]);
			buf_appends(&path, name);
			rc = fail(b, ST_CONFIG, NULL,
			          xasprintf("source_profile cycle: %s",
			                    buf_str(&path)));
			buf_free(&path);
			return rc;
		}
	}
	if (b->nvisited == MAX_CHAIN_DEPTH)
		return fail(b, ST_CONFIG, NULL,
		            xasprintf("profile %s: chain longer than %d hops",
		                      name, MAX_CHAIN_DEPTH));
	if (sec == NULL) {
		if (referrer) {
			const struct awscfg_section *ref =
			    awscfg_profile(&b->ts->aws, referrer);
			char *label = profile_label(ref, "source_profile");

			rc = fail(
			    b, ST_CONFIG, NULL,
			    xasprintf("%s: source_profile '%s' does not exist",
			              label, name));
			free(label);
			return rc;
		}
		return fail(b, ST_USAGE, "rolehop list shows every target",
		            xasprintf("unknown profile '%s'", name));
	}
	b->visited[b->nvisited++] = sec->name;

	if (as_source && has_static_keys(sec))
		return add_static(b, sec);
	if (awscfg_get(sec, "role_arn"))
		return resolve_role_profile(b, sec);
	if (awscfg_get(sec, "web_identity_token_file")) {
		char *label = profile_label(sec, "web_identity_token_file");

		rc = fail(
		    b, ST_CONFIG, NULL,
		    xasprintf("%s: web_identity_token_file without role_arn",
		              label));
		free(label);
		return rc;
	}
	if (has_static_keys(sec))
		return add_static(b, sec);
	if (awscfg_get(sec, "credential_process")) {
		struct hop *h = add_hop(b->t, HOP_PROCESS);

		h->profile = xstrdup(sec->name);
		h->where =
		    where_of(awscfg_get_kv(sec, "credential_process"), sec);
		h->process = xstrdup(awscfg_get(sec, "credential_process"));
		return 0;
	}
	add_container_or_imds(b, sec->name);
	return 0;
}

/* The ambient chain: environment keys, IRSA, Pod Identity, then IMDS. */
static int
resolve_ambient(struct build *b)
{
	const struct envsnap *env = b->env;
	struct hop *h;

	if (envsnap_get_nonempty(env, "AWS_ACCESS_KEY_ID")) {
		add_hop(b->t, HOP_ENV);
		return 0;
	}
	if (envsnap_get_nonempty(env, "AWS_ROLE_ARN") &&
	    envsnap_get_nonempty(env, "AWS_WEB_IDENTITY_TOKEN_FILE")) {
		const char *arn = envsnap_get(env, "AWS_ROLE_ARN");

		if (check_role_arn(b, arn, "AWS_ROLE_ARN") != 0)
			return -1;
		h = add_hop(b->t, HOP_WEB_IDENTITY);
		h->role_arn = xstrdup(arn);
		h->token_file =
		    xstrdup(envsnap_get(env, "AWS_WEB_IDENTITY_TOKEN_FILE"));
		h->session_name = xstrdup_or_null(
		    envsnap_get_nonempty(env, "AWS_ROLE_SESSION_NAME"));
		h->where = xstrdup("environment");
		return 0;
	}
	add_container_or_imds(b, NULL);
	return 0;
}

/* Does the environment offer an ambient identity worth listing? */
static bool
ambient_present(const struct envsnap *env)
{
	return envsnap_get_nonempty(env, "AWS_ACCESS_KEY_ID") ||
	       (envsnap_get_nonempty(env, "AWS_ROLE_ARN") &&
	        envsnap_get_nonempty(env, "AWS_WEB_IDENTITY_TOKEN_FILE")) ||
	       envsnap_get_nonempty(env,
	                            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ||
	       envsnap_get_nonempty(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
}

static const struct rh_target *
find_rh(const struct targets *ts, const char *name)
{
	return rhconfig_target(&ts->rh, name);
}

static int resolve_rh_target(struct build *, const struct rh_target *);

/* A rolehop target's source: another rolehop target (unless it names
 * itself), else an AWS profile. */
static int
resolve_rh_source(struct build *b, const struct rh_target *rt)
{
	const struct rh_target *src;

	if (rt->source == NULL)
		return resolve_ambient(b);
	src = strcmp(rt->source, rt->name) != 0 ? find_rh(b->ts, rt->source)
	                                        : NULL;
	if (src)
		return resolve_rh_target(b, src);
	if (awscfg_profile(&b->ts->aws, rt->source) == NULL)
		return fail(
		    b, ST_CONFIG,
		    "source names a rolehop target or an AWS profile",
		    xasprintf("%s:%d: target %s: source '%s' is neither a "
		              "target nor an AWS profile",
		              b->ts->rh.path ? b->ts->rh.path : "config",
		              rt->line, rt->name, rt->source));
	if (b->t->settings == NULL)
		b->t->settings = awscfg_profile(&b->ts->aws, rt->source);
	return resolve_profile(b, rt->source, NULL, true);
}

static int
resolve_rh_target(struct build *b, const struct rh_target *rt)
{
	const char *cfgpath = b->ts->rh.path ? b->ts->rh.path : "config";
	struct hop *h;
	char *label;
	int rc;

	for (size_t i = 0; i < b->nrh_visited; i++)
		if (b->rh_visited[i] == rt)
			return fail(b, ST_CONFIG, NULL,
			            xasprintf("%s:%d: target %s: source cycle",
			                      cfgpath, rt->line, rt->name));
	if (b->nrh_visited == MAX_CHAIN_DEPTH)
		return fail(b, ST_CONFIG, NULL,
		            xasprintf("%s:%d: target %s: chain too long",
		                      cfgpath, rt->line, rt->name));
	b->rh_visited[b->nrh_visited++] = rt;

	if (rt->profile) {
		if (awscfg_profile(&b->ts->aws, rt->profile) == NULL)
			return fail(
			    b, ST_CONFIG, NULL,
			    xasprintf("%s:%d: target %s: profile '%s' does "
			              "not exist",
			              cfgpath, rt->line, rt->name,
			              rt->profile));
		if (b->t->settings == NULL)
			b->t->settings =
			    awscfg_profile(&b->ts->aws, rt->profile);
		return resolve_profile(b, rt->profile, NULL, false);
	}
	if (rt->role_arn == NULL)
		return fail(
		    b, ST_CONFIG, NULL,
		    xasprintf("%s:%d: target %s: needs profile or role_arn",
		              cfgpath, rt->line, rt->name));
	label = xasprintf("%s:%d: target %s", cfgpath, rt->line, rt->name);
	rc = check_role_arn(b, rt->role_arn, label);
	free(label);
	if (rc != 0)
		return rc;
	if (resolve_rh_source(b, rt) != 0)
		return -1;
	h = add_hop(b->t, HOP_ASSUME_ROLE);
	h->role_arn = xstrdup(rt->role_arn);
	h->session_name = xstrdup_or_null(rt->session_name);
	h->external_id = xstrdup_or_null(rt->external_id);
	h->mfa_serial = xstrdup_or_null(rt->mfa_serial);
	h->duration_seconds = rt->duration_seconds;
	h->where = xasprintf("%s:%d", cfgpath, rt->line);
	return 0;
}

static void
set_regions(struct target *t, char *const *regions, size_t n)
{
	t->regions = xcalloc(n ? n : 1, sizeof *t->regions);
	for (size_t i = 0; i < n; i++)
		t->regions[i] = xstrdup(regions[i]);
	t->nregions = n;
}

/* Region precedence: --region, AWS_REGION, AWS_DEFAULT_REGION, then the
 * target's or profile's own. Discovery regions: the target's list, the
 * config's list, else the region. */
static void
finish_regions(const struct targets *ts, const struct targets_opts *o,
               struct target *t, const char *own_region,
               const struct rh_target *rt)
{
	const char *r = o->region;

	if (r == NULL)
		r = envsnap_get_nonempty(o->env, "AWS_REGION");
	if (r == NULL)
		r = envsnap_get_nonempty(o->env, "AWS_DEFAULT_REGION");
	if (r == NULL)
		r = own_region;
	t->region = xstrdup_or_null(r);
	if (rt && rt->nregions)
		set_regions(t, rt->regions, rt->nregions);
	else if (ts->rh.nregions)
		set_regions(t, ts->rh.regions, ts->rh.nregions);
	else if (t->region)
		set_regions(t, &t->region, 1);
	else
		set_regions(t, NULL, 0);
}

static struct target *
new_target(struct targets *ts, const char *name, enum target_source src)
{
	struct target *t;

	ts->v = xreallocarray(ts->v, ts->n + 1, sizeof *ts->v);
	t = &ts->v[ts->n++];
	memset(t, 0, sizeof *t);
	t->name = xstrdup(name);
	t->source = src;
	return t;
}

static void
build_rh_target(struct targets *ts, const struct targets_opts *o,
                const struct rh_target *rt)
{
	struct build b = {.ts = ts, .env = o->env};
	struct target *t = new_target(ts, rt->name, TARGET_ROLEHOP_CONFIG);
	const char *own_region = rt->region;

	b.t = t;
	t->rh = rt;
	t->color = xstrdup_or_null(rt->color);
	t->confirm = rt->confirm;
	t->profile = xstrdup_or_null(rt->profile);
	resolve_rh_target(&b, rt);
	if (own_region == NULL && t->settings)
		own_region = awscfg_get(t->settings, "region");
	if (t->settings == NULL)
		t->settings = awscfg_profile(&ts->aws, "default");
	finish_regions(ts, o, t, own_region, rt);
}

static void
build_profile_target(struct targets *ts, const struct targets_opts *o,
                     const struct awscfg_section *sec)
{
	struct build b = {.ts = ts, .env = o->env};
	struct target *t = new_target(ts, sec->name, TARGET_AWS_CONFIG);

	b.t = t;
	t->profile = xstrdup(sec->name);
	t->settings = sec;
	resolve_profile(&b, sec->name, NULL, false);
	finish_regions(ts, o, t, awscfg_get(sec, "region"), NULL);
}

static void
build_ambient_target(struct targets *ts, const struct targets_opts *o)
{
	struct build b = {.ts = ts, .env = o->env};
	struct target *t = new_target(ts, "ambient", TARGET_AMBIENT);

	b.t = t;
	t->settings = awscfg_profile(&ts->aws, "default");
	resolve_ambient(&b);
	finish_regions(ts, o, t,
	               t->settings ? awscfg_get(t->settings, "region") : NULL,
	               NULL);
}

/* "~/x" and "$HOME/x" style expansion of a leading ~ only. */
static char *
expand_home(const char *path, const struct envsnap *env)
{
	const char *home = envsnap_get_nonempty(env, "HOME");

	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home)
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

static char *
default_path(const struct envsnap *env, const char *var, const char *rel)
{
	const char *v = envsnap_get_nonempty(env, var);
	const char *home = envsnap_get_nonempty(env, "HOME");

	if (v)
		return expand_home(v, env);
	return xasprintf("%s/%s", home ? home : ".", rel);
}

enum status
targets_load(struct targets *ts, const struct targets_opts *o, struct err *e)
{
	const struct envsnap *env = o->env;
	bool missing_ok = false;
	enum status st;

	memset(ts, 0, sizeof *ts);
	awscfg_init(&ts->aws);
	rhconfig_init(&ts->rh);
	ts->aws_config_path =
	    default_path(env, "AWS_CONFIG_FILE", ".aws/config");
	ts->aws_credentials_path = default_path(
	    env, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
	if (o->config_path) {
		ts->rh_config_path = expand_home(o->config_path, env);
	} else if (envsnap_get_nonempty(env, "ROLEHOP_CONFIG")) {
		ts->rh_config_path =
		    expand_home(envsnap_get(env, "ROLEHOP_CONFIG"), env);
	} else {
		const char *xdg = envsnap_get_nonempty(env, "XDG_CONFIG_HOME");
		const char *home = envsnap_get_nonempty(env, "HOME");

		if (xdg && xdg[0] == '/')
			ts->rh_config_path =
			    xasprintf("%s/rolehop/config.yaml", xdg);
		else
			ts->rh_config_path =
			    xasprintf("%s/.config/rolehop/config.yaml",
			              home ? home : ".");
		missing_ok = true;
	}

	st = awscfg_load(&ts->aws, ts->aws_config_path,
	                 ts->aws_credentials_path, e);
	if (st != ST_OK)
		return st;
	st = rhconfig_load(&ts->rh, ts->rh_config_path, missing_ok, e);
	if (st != ST_OK)
		return st;

	for (size_t i = 0; i < ts->rh.ntargets; i++)
		build_rh_target(ts, o, &ts->rh.targets[i]);
	for (size_t i = 0; i < ts->aws.nprofiles; i++) {
		const struct awscfg_section *sec = &ts->aws.profiles[i];

		if (rhconfig_target(&ts->rh, sec->name) == NULL)
			build_profile_target(ts, o, sec);
	}
	if (ambient_present(env) && targets_find(ts, "ambient") == NULL)
		build_ambient_target(ts, o);
	return ST_OK;
}

void
targets_free(struct targets *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		struct target *t = &ts->v[i];

		free(t->name);
		free(t->profile);
		free(t->region);
		for (size_t j = 0; j < t->nregions; j++)
			free(t->regions[j]);
		free(t->regions);
		free(t->color);
		for (size_t j = 0; j < t->nhops; j++)
			hop_done(&t->hops[j]);
		free(t->hops);
		free(t->error);
		free(t->error_hint);
	}
	free(ts->v);
	awscfg_free(&ts->aws);
	rhconfig_free(&ts->rh);
	free(ts->aws_config_path);
	free(ts->aws_credentials_path);
	free(ts->rh_config_path);
	memset(ts, 0, sizeof *ts);
}

const struct target *
targets_find(const struct targets *ts, const char *name)
{
	for (size_t i = 0; i < ts->n; i++)
		if (strcmp(ts->v[i].name, name) == 0)
			return &ts->v[i];
	return NULL;
}

const struct target *
targets_get(const struct targets *ts, const char *name, struct err *e)
{
	const struct target *t = targets_find(ts, name);

	if (t == NULL) {
		err_set(e, ST_USAGE, "unknown target '%s'", name);
		err_hint(e, "rolehop list shows the targets of %s, %s and %s",
		         ts->aws_config_path, ts->aws_credentials_path,
		         ts->rh_config_path);
	}
	return t;
}

/* The endpoint URL of a [services NAME] section for service. */
static const char *
services_url(const struct targets *ts, const struct awscfg_section *sec,
             const char *service, struct err *e, int *bad)
{
	const char *name = sec ? awscfg_get(sec, "services") : NULL;
	const struct awscfg_section *svc;
	const struct awscfg_kv *kv;

	*bad = 0;
	if (name == NULL)
		return NULL;
	svc = awscfg_services(&ts->aws, name);
	if (svc == NULL) {
		char *label = profile_label(sec, "services");

		err_set(e, ST_CONFIG,
		        "%s: services section '%s' does not exist", label,
		        name);
		free(label);
		*bad = 1;
		return NULL;
	}
	kv = awscfg_get_kv(svc, service);
	if (kv == NULL || kv->value != NULL)
		return NULL;
	for (size_t i = 0; i < kv->nsub; i++)
		if (strcmp(kv->sub[i].key, "endpoint_url") == 0)
			return kv->sub[i].value;
	return NULL;
}

static bool
truthy(const char *v)
{
	return v && strcasecmp(v, "true") == 0;
}

enum status
targets_endpoint(const struct targets *ts, const struct target *t,
                 const struct envsnap *env, const char *service,
                 struct endpoint *out, struct err *e)
{
	return targets_endpoint_in(ts, t, env, service, NULL, out, e);
}

enum status
targets_endpoint_in(const struct targets *ts, const struct target *t,
                    const struct envsnap *env, const char *service,
                    const char *region, struct endpoint *out, struct err *e)
{
	struct endpoint_config c = {0};
	const struct awscfg_section *sec = t->settings;
	const char *legacy;
	int bad;

	c.region = region ? region : t->region;
	c.env_service_url = envsnap_get_nonempty(
	    env, strcmp(service, "sts") == 0 ? "AWS_ENDPOINT_URL_STS"
	                                     : "AWS_ENDPOINT_URL_EKS");
	c.env_url = envsnap_get_nonempty(env, "AWS_ENDPOINT_URL");
	c.services_url = services_url(ts, sec, service, e, &bad);
	if (bad)
		return e->status;
	c.profile_url = sec ? awscfg_get(sec, "endpoint_url") : NULL;
	c.ignore_configured =
	    truthy(envsnap_get(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
	    (sec && truthy(awscfg_get(sec, "ignore_configured_endpoint_urls")));
	legacy = envsnap_get_nonempty(env, "AWS_STS_REGIONAL_ENDPOINTS");
	if (legacy == NULL && sec)
		legacy = awscfg_get(sec, "sts_regional_endpoints");
	c.sts_legacy = legacy && strcasecmp(legacy, "legacy") == 0;
	return endpoint_resolve(service, &c, out, e);
}

char *
hop_describe(const struct hop *h)
{
	switch (h->kind) {
	case HOP_WEB_IDENTITY:
	case HOP_ASSUME_ROLE:
		return xasprintf("%s %s", hop_kind_name(h->kind), h->role_arn);
	case HOP_STATIC:
		return xasprintf("static keys of profile %s",
		                 h->profile ? h->profile : "?");
	case HOP_PROCESS:
		return xasprintf("credential_process of profile %s",
		                 h->profile ? h->profile : "?");
	case HOP_ENV:
		return xstrdup("environment keys");
	case HOP_CONTAINER:
		return xstrdup("container credentials");
	case HOP_IMDS:
		return xstrdup("instance metadata");
	}
	return xstrdup("?");
}
