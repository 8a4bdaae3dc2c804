/*
 * rhconfig - the rolehop YAML configuration.
 *
 * Two passes. libyaml's events are first built into a small tree of
 * mappings, sequences and scalars that keeps each node's line (anchors and
 * aliases refused, nesting capped because libyaml 0.2.5 has no limit of its
 * own). The tree is then read against the schema, in document order, so the
 * first problem in the file is the one reported, always as "FILE:LINE: ...".
 * Unknown and repeated keys are errors: a typo must never be ignored.
 *
 * Every check is linear in the size of the input (the file is capped at
 * RHCONFIG_MAX_FILE), so a hostile file cannot make loading slow.
 */
#include "config.h"

#include "rhconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "buf.h"
#include "xalloc.h"

/* The tree. */

enum node_kind { NODE_SCALAR, NODE_MAP, NODE_SEQ };

struct node {
	enum node_kind kind;
	int line;
	char *text;         /* scalar */
	bool plain;         /* an unquoted scalar */
	struct node **kids; /* map: key, value, key, value...; seq: items */
	size_t nkids;
	size_t cap;
};

static void
node_free(struct node *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n);
}

static void
node_add(struct node *parent, struct node *kid)
{
	if (parent->nkids == parent->cap) {
		parent->cap = parent->cap ? parent->cap * 2 : 8;
		parent->kids = xreallocarray(parent->kids, parent->cap,
		                             sizeof *parent->kids);
	}
	parent->kids[parent->nkids++] = kid;
}

/* YAML's null: an unquoted "", "~" or "null". */
static bool
node_is_null(const struct node *n)
{
	return n->kind == NODE_SCALAR && n->plain &&
	       (n->text[0] == '\0' || strcmp(n->text, "~") == 0 ||
	        strcmp(n->text, "null") == 0 || strcmp(n->text, "Null") == 0 ||
	        strcmp(n->text, "NULL") == 0);
}

static const char *
node_desc(const struct node *n)
{
	if (n->kind == NODE_MAP)
		return "a mapping";
	if (n->kind == NODE_SEQ)
		return "a list";
	return node_is_null(n) ? "empty" : "a string";
}

/* Building the tree from libyaml's events. */

struct reader {
	yaml_parser_t parser;
	const char *path;
	const char *text;
	size_t len;
	struct err *e;
};

/* libyaml's own message, with its line (reader errors, such as bad UTF-8,
 * only give a byte offset). */
static enum status
yaml_error(struct reader *r)
{
	const yaml_parser_t *p = &r->parser;
	const char *problem = p->problem ? p->problem : "cannot parse YAML";
	unsigned long line;

	if (p->error == YAML_READER_ERROR) {
		size_t end =
		    p->problem_offset < r->len ? p->problem_offset : r->len;

		line = 1;
		for (size_t i = 0; i < end; i++)
			line += r->text[i] == '\n';
	} else {
		line = (unsigned long)p->problem_mark.line + 1;
	}
	if (p->context)
		return err_set(r->e, ST_CONFIG, "%s:%lu: %s (%s at line %lu)",
		               r->path, line, problem, p->context,
		               (unsigned long)p->context_mark.line + 1);
	return err_set(r->e, ST_CONFIG, "%s:%lu: %s", r->path, line, problem);
}

static enum status
anchor_error(struct reader *r, int line)
{
	return err_set(r->e, ST_CONFIG,
	               "%s:%d: anchors and aliases are not supported", r->path,
	               line);
}

/* Read one node, whose first event is ev (owned by the caller), and
 * everything below it. depth counts the collections above this one. */
static enum status
read_node(struct reader *r, const yaml_event_t *ev, int depth,
          struct node **out)
{
	int line = (int)ev->start_mark.line + 1;
	enum status st = ST_OK;
	struct node *n;

	*out = NULL;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return anchor_error(r, line);
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor)
			return anchor_error(r, line);
		/* "\0" in a double-quoted scalar would cut a C string. */
		if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length))
			return err_set(r->e, ST_CONFIG,
			               "%s:%d: NUL character in a value",
			               r->path, line);
		n = xcalloc(1, sizeof *n);
		n->kind = NODE_SCALAR;
		n->line = line;
		n->text = xstrndup((const char *)ev->data.scalar.value,
		                   ev->data.scalar.length);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		*out = n;
		return ST_OK;
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor)
			return anchor_error(r, line);
		break;
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor)
			return anchor_error(r, line);
		break;
	default:
		return err_set(r->e, ST_CONFIG, "%s:%d: unexpected YAML event",
		               r->path, line);
	}
	if (depth >= RHCONFIG_MAX_DEPTH)
		return err_set(r->e, ST_CONFIG,
		               "%s:%d: nested deeper than %d levels", r->path,
		               line, RHCONFIG_MAX_DEPTH);
	n = xcalloc(1, sizeof *n);
	n->kind = ev->type == YAML_MAPPING_START_EVENT ? NODE_MAP : NODE_SEQ;
	n->line = line;
	for (;;) {
		yaml_event_t kid_ev;
		struct node *kid;

		if (!yaml_parser_parse(&r->parser, &kid_ev)) {
			st = yaml_error(r);
			break;
		}
		if (kid_ev.type == YAML_MAPPING_END_EVENT ||
		    kid_ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&kid_ev);
			break;
		}
		st = read_node(r, &kid_ev, depth + 1, &kid);
		yaml_event_delete(&kid_ev);
		if (st != ST_OK)
			break;
		if (n->kind == NODE_MAP && n->nkids % 2 == 0 &&
		    kid->kind != NODE_SCALAR) {
			st = err_set(r->e, ST_CONFIG,
			             "%s:%d: a key must be a string, not %s",
			             r->path, kid->line, node_desc(kid));
			node_free(kid);
			break;
		}
		node_add(n, kid);
	}
	if (st != ST_OK) {
		node_free(n);
		return st;
	}
	*out = n;
	return ST_OK;
}

/* The document's root node, or NULL when the stream has none. */
static enum status
read_document(struct reader *r, struct node **root)
{
	enum status st;
	yaml_event_t ev;

	*root = NULL;
	for (;;) {
		if (!yaml_parser_parse(&r->parser, &ev)) {
			st = yaml_error(r);
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			return ST_OK;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT && *root) {
			st = err_set(r->e, ST_CONFIG,
			             "%s:%d: only one YAML document is allowed",
			             r->path, (int)ev.start_mark.line + 1);
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_SCALAR_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_ALIAS_EVENT) {
			st = read_node(r, &ev, 0, root);
			yaml_event_delete(&ev);
			if (st != ST_OK)
				break;
			continue;
		}
		yaml_event_delete(&ev);
	}
	node_free(*root);
	*root = NULL;
	return st;
}

/* Reading the tree against the schema. */

struct schema {
	const char *path;
	struct err *e;
};

/* The keys of one kind of mapping, and where each was first seen. */
struct keyset {
	const char *const *keys;
	size_t nkeys;
	int first[16]; /* line of each key, 0 = not seen yet */
};

/* The index of key in ks; unknown and repeated keys are errors. where
 * reads like "in target 'dev'" or "at top level". */
static enum status
key_lookup(struct schema *s, struct keyset *ks, const struct node *key,
           const char *where, size_t *idx)
{
	struct buf list;

	for (size_t i = 0; i < ks->nkeys; i++) {
		if (strcmp(key->text, ks->keys[i]) != 0)
			continue;
		if (ks->first[i])
			return err_set(
			    s->e, ST_CONFIG,
			    "%s:%d: duplicate key '%s' %s (first at line %d)",
			    s->path, key->line, key->text, where, ks->first[i]);
		ks->first[i] = key->line;
		*idx = i;
		return ST_OK;
	}
	err_set(s->e, ST_CONFIG, "%s:%d: unknown key '%s' %s", s->path,
	        key->line, key->text, where);
	buf_init(&list, sizeof s->e->hint);
	for (size_t i = 0; i < ks->nkeys; i++)
		buf_printf(&list, "%s%s", i ? ", " : "", ks->keys[i]);
	err_hint(s->e, "known keys here: %s", buf_str(&list));
	buf_free(&list);
	return ST_CONFIG;
}

static enum status
want(struct schema *s, const struct node *n, enum node_kind kind,
     const char *key, const char *where)
{
	static const char *const names[] = {
	    [NODE_SCALAR] = "a string",
	    [NODE_MAP] = "a mapping",
	    [NODE_SEQ] = "a list",
	};

	if (n->kind == kind)
		return ST_OK;
	return err_set(s->e, ST_CONFIG, "%s:%d: '%s' %s must be %s, not %s",
	               s->path, n->line, key, where, names[kind], node_desc(n));
}

/* A string; null leaves *out NULL (unset). */
static enum status
get_string(struct schema *s, const struct node *n, const char *key,
           const char *where, char **out)
{
	enum status st = want(s, n, NODE_SCALAR, key, where);

	if (st != ST_OK)
		return st;
	free(*out);
	*out = node_is_null(n) ? NULL : xstrdup(n->text);
	return ST_OK;
}

/* How a value is shown in a message: 'text', or "a list", "empty"... */
static char *
shown(const struct node *n)
{
	if (n->kind == NODE_SCALAR && !node_is_null(n))
		return xasprintf("'%s'", n->text);
	return xstrdup(node_desc(n));
}

/* A YAML boolean: true/false/yes/no, unquoted (YAML 1.1 spellings). */
static enum status
get_bool(struct schema *s, const struct node *n, const char *key,
         const char *where, bool *out)
{
	static const char *const yes[] = {"true", "True", "TRUE",
	                                  "yes",  "Yes",  "YES"};
	static const char *const no[] = {"false", "False", "FALSE",
	                                 "no",    "No",    "NO"};
	bool plain = n->kind == NODE_SCALAR && n->plain;
	char *v;

	for (size_t i = 0; plain && i < sizeof yes / sizeof *yes; i++) {
		if (strcmp(n->text, yes[i]) == 0) {
			*out = true;
			return ST_OK;
		}
		if (strcmp(n->text, no[i]) == 0) {
			*out = false;
			return ST_OK;
		}
	}
	v = shown(n);
	err_set(s->e, ST_CONFIG,
	        "%s:%d: '%s' %s must be true or false (unquoted), not %s",
	        s->path, n->line, key, where, v);
	free(v);
	return ST_CONFIG;
}

/* An unquoted decimal integer from lo to hi, without sign or leading
 * zeros (YAML 1.1 would read "0900" as octal). */
static enum status
get_int(struct schema *s, const struct node *n, const char *key,
        const char *where, int lo, int hi, int *out)
{
	bool ok = n->kind == NODE_SCALAR && n->plain;
	size_t len = ok ? strlen(n->text) : 0;
	long v = 0;
	char *text;

	ok = ok && len > 0 && len <= 9 && (n->text[0] != '0' || len == 1);
	for (size_t i = 0; ok && i < len; i++) {
		if (n->text[i] < '0' || n->text[i] > '9')
			ok = false;
		else
			v = v * 10 + (n->text[i] - '0');
	}
	if (ok && v >= lo && v <= hi) {
		*out = (int)v;
		return ST_OK;
	}
	text = shown(n);
	err_set(s->e, ST_CONFIG,
	        "%s:%d: '%s' %s must be a whole number from %d to %d, not %s",
	        s->path, n->line, key, where, lo, hi, text);
	free(text);
	return ST_CONFIG;
}

static void
strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A list of non-empty strings, flow or block; null is an empty list. */
static enum status
get_strings(struct schema *s, const struct node *n, const char *key,
            const char *where, char ***out, size_t *nout)
{
	enum status st;

	if (node_is_null(n))
		return ST_OK;
	st = want(s, n, NODE_SEQ, key, where);
	if (st != ST_OK)
		return st;
	for (size_t i = 0; i < n->nkids; i++) {
		const struct node *item = n->kids[i];

		if (item->kind != NODE_SCALAR || node_is_null(item))
			return err_set(
			    s->e, ST_CONFIG,
			    "%s:%d: '%s' %s must be a list of strings; item "
			    "%zu is %s",
			    s->path, item->line, key, where, i + 1,
			    node_desc(item));
	}
	strings_free(*out, *nout);
	*out = xcalloc(n->nkids ? n->nkids : 1, sizeof **out);
	for (size_t i = 0; i < n->nkids; i++)
		(*out)[i] = xstrdup(n->kids[i]->text);
	*nout = n->nkids;
	return ST_OK;
}

/* The first value of key in map n, or NULL. */
static const struct node *
map_find(const struct node *n, const char *key)
{
	for (size_t i = 0; i + 1 < n->nkids; i += 2)
		if (strcmp(n->kids[i]->text, key) == 0)
			return n->kids[i + 1];
	return NULL;
}

/* The name a target or cluster gives itself, if it is a usable one. */
static const char *
name_of(const struct node *n)
{
	const struct node *v = map_find(n, "name");

	if (v == NULL || v->kind != NODE_SCALAR || node_is_null(v) ||
	    v->text[0] == '\0')
		return NULL;
	return v->text;
}

static void
cluster_free(struct rh_cluster *c)
{
	free(c->name);
	free(c->region);
	free(c->alias);
	free(c->namespace);
	free(c->server);
	free(c->certificate_authority);
	free(c->tls_server_name);
	free(c->proxy_url);
}

static void
target_free(struct rh_target *t)
{
	free(t->name);
	free(t->profile);
	free(t->role_arn);
	free(t->source);
	free(t->session_name);
	free(t->external_id);
	free(t->mfa_serial);
	free(t->region);
	strings_free(t->regions, t->nregions);
	free(t->color);
	for (size_t i = 0; i < t->nclusters; i++)
		cluster_free(&t->clusters[i]);
	free(t->clusters);
}

static const char *const cluster_keys[] = {"name",
                                           "region",
                                           "alias",
                                           "namespace",
                                           "server",
                                           "certificate_authority",
                                           "tls_server_name",
                                           "proxy_url"};

/* Cluster number idx (0-based) of target tname. */
static enum status
read_cluster(struct schema *s, const struct node *n, size_t idx,
             const char *tname, struct rh_cluster *c)
{
	struct keyset ks = {.keys = cluster_keys,
	                    .nkeys =
	                        sizeof cluster_keys / sizeof *cluster_keys};
	const char *name = n->kind == NODE_MAP ? name_of(n) : NULL;
	char **fields[] = {&c->name,
	                   &c->region,
	                   &c->alias,
	                   &c->namespace,
	                   &c->server,
	                   &c->certificate_authority,
	                   &c->tls_server_name,
	                   &c->proxy_url};
	enum status st = ST_OK;
	char *where;

	if (name)
		where =
		    xasprintf("in cluster '%s' of target '%s'", name, tname);
	else
		where =
		    xasprintf("in cluster #%zu of target '%s'", idx + 1, tname);
	if (n->kind != NODE_MAP) {
		st = err_set(
		    s->e, ST_CONFIG,
		    "%s:%d: cluster #%zu of target '%s' must be a mapping, "
		    "not %s",
		    s->path, n->line, idx + 1, tname, node_desc(n));
		goto out;
	}
	c->line = n->line;
	for (size_t i = 0; i + 1 < n->nkids && st == ST_OK; i += 2) {
		const struct node *key = n->kids[i];
		size_t k;

		st = key_lookup(s, &ks, key, where, &k);
		if (st == ST_OK)
			st = get_string(s, n->kids[i + 1], key->text, where,
			                fields[k]);
	}
	if (st == ST_OK && name == NULL)
		st = err_set(s->e, ST_CONFIG,
		             "%s:%d: cluster #%zu of target '%s' has no name",
		             s->path, n->line, idx + 1, tname);
out:
	free(where);
	return st;
}

enum target_key {
	TK_NAME,
	TK_PROFILE,
	TK_ROLE_ARN,
	TK_SOURCE,
	TK_SESSION_NAME,
	TK_EXTERNAL_ID,
	TK_MFA_SERIAL,
	TK_REGION,
	TK_COLOR,
	TK_DURATION,
	TK_REGIONS,
	TK_CONFIRM,
	TK_CLUSTERS,
};

static const char *const target_keys[] = {
    [TK_NAME] = "name",
    [TK_PROFILE] = "profile",
    [TK_ROLE_ARN] = "role_arn",
    [TK_SOURCE] = "source",
    [TK_SESSION_NAME] = "session_name",
    [TK_EXTERNAL_ID] = "external_id",
    [TK_MFA_SERIAL] = "mfa_serial",
    [TK_REGION] = "region",
    [TK_COLOR] = "color",
    [TK_DURATION] = "duration_seconds",
    [TK_REGIONS] = "regions",
    [TK_CONFIRM] = "confirm",
    [TK_CLUSTERS] = "clusters",
};

_Static_assert(sizeof target_keys / sizeof *target_keys <= 16,
               "struct keyset holds at most 16 keys");

static enum status
read_clusters(struct schema *s, const struct node *v, const char *where,
              struct rh_target *t)
{
	enum status st = ST_OK;

	if (node_is_null(v))
		return ST_OK;
	st = want(s, v, NODE_SEQ, "clusters", where);
	if (st != ST_OK)
		return st;
	t->clusters = xcalloc(v->nkids ? v->nkids : 1, sizeof *t->clusters);
	for (size_t j = 0; j < v->nkids && st == ST_OK; j++) {
		t->nclusters = j + 1;
		st = read_cluster(s, v->kids[j], j, t->name, &t->clusters[j]);
	}
	return st;
}

/* Refuse profile together with role_arn or source, at the later line. */
static enum status
check_profile(struct schema *s, const struct keyset *ks,
              const struct rh_target *t)
{
	enum target_key other = t->role_arn ? TK_ROLE_ARN : TK_SOURCE;
	int pl = ks->first[TK_PROFILE], ol = ks->first[other];

	if (t->profile == NULL || (t->role_arn == NULL && t->source == NULL))
		return ST_OK;
	err_set(s->e, ST_CONFIG,
	        "%s:%d: target '%s' has both 'profile' and "
	        "'%s'",
	        s->path, pl > ol ? pl : ol, t->name, target_keys[other]);
	err_hint(s->e, "profile reuses an AWS profile as is; role_arn and "
	               "source build a chain: use one or the other");
	return ST_CONFIG;
}

/* Target number idx (0-based). */
static enum status
read_target(struct schema *s, const struct node *n, size_t idx,
            struct rh_target *t)
{
	struct keyset ks = {.keys = target_keys,
	                    .nkeys = sizeof target_keys / sizeof *target_keys};
	const char *name = n->kind == NODE_MAP ? name_of(n) : NULL;
	char **strings[] = {
	    [TK_NAME] = &t->name,
	    [TK_PROFILE] = &t->profile,
	    [TK_ROLE_ARN] = &t->role_arn,
	    [TK_SOURCE] = &t->source,
	    [TK_SESSION_NAME] = &t->session_name,
	    [TK_EXTERNAL_ID] = &t->external_id,
	    [TK_MFA_SERIAL] = &t->mfa_serial,
	    [TK_REGION] = &t->region,
	    [TK_COLOR] = &t->color,
	};
	enum status st = ST_OK;
	char *where;

	if (n->kind != NODE_MAP)
		return err_set(s->e, ST_CONFIG,
		               "%s:%d: target #%zu must be a mapping, not %s",
		               s->path, n->line, idx + 1, node_desc(n));
	t->line = n->line;
	if (name)
		where = xasprintf("in target '%s'", name);
	else
		where = xasprintf("in target #%zu", idx + 1);
	for (size_t i = 0; i + 1 < n->nkids && st == ST_OK; i += 2) {
		const struct node *key = n->kids[i], *v = n->kids[i + 1];
		size_t k;

		st = key_lookup(s, &ks, key, where, &k);
		if (st != ST_OK)
			break;
		switch ((enum target_key)k) {
		case TK_DURATION:
			st = get_int(s, v, key->text, where, 900, 43200,
			             &t->duration_seconds);
			break;
		case TK_REGIONS:
			st = get_strings(s, v, key->text, where, &t->regions,
			                 &t->nregions);
			break;
		case TK_CONFIRM:
			st = get_bool(s, v, key->text, where, &t->confirm);
			break;
		case TK_CLUSTERS:
			/* name_of() is NULL only when name is unusable,
			 * which is reported below. */
			if (name)
				st = read_clusters(s, v, where, t);
			break;
		default:
			st = get_string(s, v, key->text, where, strings[k]);
			break;
		}
	}
	if (st == ST_OK && (name == NULL || t->name == NULL))
		st = err_set(s->e, ST_CONFIG, "%s:%d: target #%zu has no name",
		             s->path, n->line, idx + 1);
	if (st == ST_OK)
		st = check_profile(s, &ks, t);
	free(where);
	return st;
}

static uint32_t
name_hash(const char *p)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

static enum status
read_targets(struct schema *s, const struct node *v, struct rhconfig *c)
{
	size_t nslots = 16, *slots;
	enum status st = ST_OK;

	if (node_is_null(v))
		return ST_OK;
	st = want(s, v, NODE_SEQ, "targets", "at top level");
	if (st != ST_OK)
		return st;
	/* An open-addressing set of names (index + 1, 0 = free) keeps the
	 * duplicate check linear. */
	while (nslots < 2 * v->nkids)
		nslots *= 2;
	slots = xcalloc(nslots, sizeof *slots);
	c->targets = xcalloc(v->nkids ? v->nkids : 1, sizeof *c->targets);
	for (size_t j = 0; j < v->nkids && st == ST_OK; j++) {
		const struct rh_target *t = &c->targets[j];
		size_t h;

		c->ntargets = j + 1;
		st = read_target(s, v->kids[j], j, &c->targets[j]);
		if (st != ST_OK)
			break;
		h = name_hash(t->name) & (nslots - 1);
		for (; slots[h]; h = (h + 1) & (nslots - 1)) {
			const struct rh_target *o = &c->targets[slots[h] - 1];

			if (strcmp(o->name, t->name) == 0) {
				st = err_set(
				    s->e, ST_CONFIG,
				    "%s:%d: duplicate target '%s' (first at "
				    "line %d)",
				    s->path, t->line, t->name, o->line);
				break;
			}
		}
		slots[h] = j + 1;
	}
	free(slots);
	return st;
}

static const char *const top_keys[] = {"regions", "targets"};

static enum status
read_config(struct schema *s, const struct node *root, struct rhconfig *c)
{
	struct keyset ks = {.keys = top_keys,
	                    .nkeys = sizeof top_keys / sizeof *top_keys};
	enum status st = ST_OK;

	/* No document, or an empty one ("---" alone), is an empty config. */
	if (root == NULL || node_is_null(root))
		return ST_OK;
	if (root->kind != NODE_MAP)
		return err_set(s->e, ST_CONFIG,
		               "%s:%d: the top level must be a mapping, not %s",
		               s->path, root->line, node_desc(root));
	for (size_t i = 0; i + 1 < root->nkids && st == ST_OK; i += 2) {
		const struct node *key = root->kids[i], *v = root->kids[i + 1];
		size_t k;

		st = key_lookup(s, &ks, key, "at top level", &k);
		if (st != ST_OK)
			break;
		if (k == 0)
			st = get_strings(s, v, key->text, "at top level",
			                 &c->regions, &c->nregions);
		else
			st = read_targets(s, v, c);
	}
	return st;
}

void
rhconfig_init(struct rhconfig *c)
{
	memset(c, 0, sizeof *c);
}

void
rhconfig_free(struct rhconfig *c)
{
	free(c->path);
	strings_free(c->regions, c->nregions);
	for (size_t i = 0; i < c->ntargets; i++)
		target_free(&c->targets[i]);
	free(c->targets);
	rhconfig_init(c);
}

enum status
rhconfig_parse(struct rhconfig *c, const char *path, const char *text,
               size_t len, struct err *e)
{
	struct reader r = {.path = path, .text = text, .len = len, .e = e};
	struct schema s = {.path = path, .e = e};
	struct node *root = NULL;
	enum status st;

	rhconfig_free(c);
	if (len > RHCONFIG_MAX_FILE)
		return err_set(e, ST_CONFIG, "%s: larger than %u bytes", path,
		               RHCONFIG_MAX_FILE);
	if (!yaml_parser_initialize(&r.parser))
		return err_set(e, ST_CONFIG, "%s: cannot start the YAML parser",
		               path);
	yaml_parser_set_input_string(&r.parser, (const unsigned char *)text,
	                             len);
	st = read_document(&r, &root);
	yaml_parser_delete(&r.parser);
	if (st == ST_OK)
		st = read_config(&s, root, c);
	node_free(root);
	if (st != ST_OK) {
		rhconfig_free(c);
		return st;
	}
	c->path = xstrdup(path);
	return ST_OK;
}

enum status
rhconfig_load(struct rhconfig *c, const char *path, bool missing_ok,
              struct err *e)
{
	struct stat sb;
	struct buf b;
	char chunk[8192];
	enum status st;
	ssize_t n;
	int fd;

	rhconfig_free(c);
	/* O_NONBLOCK: a FIFO must not hang the open (refused below). */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT && missing_ok)
			return ST_OK;
		return err_set(e, ST_CONFIG, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &sb) != 0) {
		st = err_set(e, ST_CONFIG, "%s: %s", path, strerror(errno));
		close(fd);
		return st;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > RHCONFIG_MAX_FILE) {
		st = err_set(e, ST_CONFIG,
		             S_ISREG(sb.st_mode) ? "%s: larger than %u bytes"
		                                 : "%s: not a regular file",
		             path, RHCONFIG_MAX_FILE);
		close(fd);
		return st;
	}
	buf_init(&b, RHCONFIG_MAX_FILE);
	st = ST_OK;
	while (st == ST_OK && (n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			st = err_set(e, ST_CONFIG, "%s: %s", path,
			             strerror(errno));
		else if (buf_append(&b, chunk, (size_t)n) != 0)
			st = err_set(e, ST_CONFIG, "%s: larger than %u bytes",
			             path, RHCONFIG_MAX_FILE);
	}
	close(fd);
	if (st == ST_OK)
		st = rhconfig_parse(c, path, buf_str(&b), b.len, e);
	buf_free(&b);
	return st;
}

const struct rh_target *
rhconfig_target(const struct rhconfig *c, const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < c->ntargets; i++)
		if (strcmp(c->targets[i].name, name) == 0)
			return &c->targets[i];
	return NULL;
}
