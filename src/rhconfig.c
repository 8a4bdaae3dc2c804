/*
 * rhconfig - the rolehop YAML configuration.
 *
 * Two passes: libyaml's events are first built into a small tree of
 * mappings, sequences and scalars that keeps each node's line (anchors and
 * aliases refused, depth capped, duplicate keys refused), then the tree is
 * read against the schema, so every error can name its file and line.
 */
#include "config.h"

#include "rhconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "buf.h"
#include "xalloc.h"

enum node_kind { NODE_SCALAR, NODE_MAP, NODE_SEQ };

struct node {
	enum node_kind kind;
	int line;
	char *text;        /* scalar */
	bool plain;        /* an unquoted scalar */
	struct node **kids; /* map: key, value, key, value...; seq: items */
	size_t nkids;
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
	parent->kids = xreallocarray(parent->kids, parent->nkids + 1,
	    sizeof *parent->kids);
	parent->kids[parent->nkids++] = kid;
}

struct reader {
	yaml_parser_t parser;
	const char *path;
	struct err *e;
};

static enum status
yaml_error(struct reader *r)
{
	yaml_parser_t *p = &r->parser;

	return err_set(r->e, ST_CONFIG, "%s:%lu: %s%s%s", r->path,
	    (unsigned long)p->problem_mark.line + 1,
	    p->problem ? p->problem : "YAML syntax error",
	    p->context ? " " : "", p->context ? p->context : "");
}

/* Read one node (whose first event is ev) and everything below it. */
static enum status
read_node(struct reader *r, yaml_event_t *ev, int depth, struct node **out)
{
	struct node *n = xcalloc(1, sizeof *n);
	enum status st = ST_OK;

	*out = NULL;
	n->line = (int)ev->start_mark.line + 1;
	if (depth > RHCONFIG_MAX_DEPTH) {
		free(n);
		return err_set(r->e, ST_CONFIG, "%s:%d: nested deeper than %d "
						"levels",
		    r->path, (int)ev->start_mark.line + 1, RHCONFIG_MAX_DEPTH);
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		free(n);
		return err_set(r->e, ST_CONFIG,
		    "%s:%d: aliases are not supported", r->path,
		    (int)ev->start_mark.line + 1);
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor)
			goto anchor;
		n->kind = NODE_SCALAR;
		n->text = xstrndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (strlen(n->text) != ev->data.scalar.length) {
			node_free(n);
			return err_set(r->e, ST_CONFIG,
			    "%s:%d: NUL byte in a value", r->path,
			    (int)ev->start_mark.line + 1);
		}
		*out = n;
		return ST_OK;
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor)
			goto anchor;
		n->kind = NODE_MAP;
		break;
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor)
			goto anchor;
		n->kind = NODE_SEQ;
		break;
	default:
		free(n);
		return err_set(r->e, ST_CONFIG, "%s:%d: unexpected YAML event",
		    r->path, (int)ev->start_mark.line + 1);
	}
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
		if (n->kind == NODE_MAP && n->nkids % 2 == 0) {
			if (kid->kind != NODE_SCALAR) {
				st = err_set(r->e, ST_CONFIG,
				    "%s:%d: a key must be a plain word",
				    r->path, kid->line);
				node_free(kid);
				break;
			}
			for (size_t i = 0; i < n->nkids; i += 2) {
				if (strcmp(n->kids[i]->text, kid->text) == 0) {
					st = err_set(r->e, ST_CONFIG,
					    "%s:%d: duplicate key '%s' (first "
					    "at line %d)",
					    r->path, kid->line, kid->text,
					    n->kids[i]->line);
					break;
				}
			}
			if (st != ST_OK) {
				node_free(kid);
				break;
			}
		}
		node_add(n, kid);
	}
	if (st != ST_OK) {
		node_free(n);
		return st;
	}
	*out = n;
	return ST_OK;
anchor:
	free(n);
	return err_set(r->e, ST_CONFIG, "%s:%d: anchors are not supported",
	    r->path, (int)ev->start_mark.line + 1);
}

/* The document's root node, or NULL for an empty document. */
static enum status
read_document(struct reader *r, struct node **root)
{
	yaml_event_t ev;
	enum status st = ST_OK;

	*root = NULL;
	for (;;) {
		if (!yaml_parser_parse(&r->parser, &ev))
			return yaml_error(r);
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			return ST_OK;
		}
		if (ev.type == YAML_DOCUMENT_START_EVENT && *root) {
			int line = (int)ev.start_mark.line + 1;

			yaml_event_delete(&ev);
			node_free(*root);
			*root = NULL;
			return err_set(r->e, ST_CONFIG,
			    "%s:%d: only one YAML document is allowed",
			    r->path, line);
		}
		if (ev.type == YAML_SCALAR_EVENT ||
		    ev.type == YAML_MAPPING_START_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT ||
		    ev.type == YAML_ALIAS_EVENT) {
			st = read_node(r, &ev, 1, root);
			yaml_event_delete(&ev);
			if (st != ST_OK)
				return st;
			continue;
		}
		yaml_event_delete(&ev);
	}
}

/* Schema reading. */
struct schema {
	const char *path;
	struct err *e;
};

static const char *
kind_name(enum node_kind k)
{
	return k == NODE_MAP ? "a mapping"
	    : k == NODE_SEQ  ? "a list"
			     : "a value";
}

static enum status
want(struct schema *s, const struct node *n, enum node_kind k,
    const char *what)
{
	if (n->kind == k)
		return ST_OK;
	return err_set(s->e, ST_CONFIG, "%s:%d: %s must be %s, not %s",
	    s->path, n->line, what, kind_name(k), kind_name(n->kind));
}

/* A scalar value: null ("~", "null" or empty, unquoted) gives NULL. */
static enum status
get_string(struct schema *s, const struct node *n, const char *what,
    char **out)
{
	enum status st = want(s, n, NODE_SCALAR, what);

	if (st != ST_OK)
		return st;
	free(*out);
	*out = NULL;
	if (n->plain && (n->text[0] == '\0' || strcmp(n->text, "~") == 0 ||
			    strcmp(n->text, "null") == 0))
		return ST_OK;
	*out = xstrdup(n->text);
	return ST_OK;
}

static enum status
get_bool(struct schema *s, const struct node *n, const char *what, bool *out)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes",
	    "YES", "on", "On", "ON"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No",
	    "NO", "off", "Off", "OFF"};
	enum status st = want(s, n, NODE_SCALAR, what);

	if (st != ST_OK)
		return st;
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (strcmp(n->text, yes[i]) == 0) {
			*out = true;
			return ST_OK;
		}
		if (strcmp(n->text, no[i]) == 0) {
			*out = false;
			return ST_OK;
		}
	}
	return err_set(s->e, ST_CONFIG, "%s:%d: %s must be true or false, not "
					"'%s'",
	    s->path, n->line, what, n->text);
}

static enum status
get_int(struct schema *s, const struct node *n, const char *what, long lo,
    long hi, int *out)
{
	enum status st = want(s, n, NODE_SCALAR, what);
	char *end;
	long v;

	if (st != ST_OK)
		return st;
	errno = 0;
	v = strtol(n->text, &end, 10);
	if (errno || end == n->text || *end != '\0' || v < lo || v > hi)
		return err_set(s->e, ST_CONFIG,
		    "%s:%d: %s must be a whole number from %ld to %ld, not "
		    "'%s'",
		    s->path, n->line, what, lo, hi, n->text);
	*out = (int)v;
	return ST_OK;
}

/* A list of strings; a single scalar is refused (a typo guard). */
static enum status
get_strings(struct schema *s, const struct node *n, const char *what,
    char ***out, size_t *nout)
{
	enum status st = want(s, n, NODE_SEQ, what);

	if (st != ST_OK)
		return st;
	for (size_t i = 0; i < n->nkids; i++) {
		st = want(s, n->kids[i], NODE_SCALAR, what);
		if (st != ST_OK)
			return st;
	}
	for (size_t i = 0; i < *nout; i++)
		free((*out)[i]);
	free(*out);
	*out = xcalloc(n->nkids ? n->nkids : 1, sizeof **out);
	for (size_t i = 0; i < n->nkids; i++)
		(*out)[i] = xstrdup(n->kids[i]->text);
	*nout = n->nkids;
	return ST_OK;
}

static enum status
unknown_key(struct schema *s, const struct node *key, const char *where)
{
	return err_set(s->e, ST_CONFIG, "%s:%d: unknown key '%s' in %s",
	    s->path, key->line, key->text, where);
}

static enum status
read_cluster(struct schema *s, const struct node *n, const char *target,
    struct rh_cluster *c)
{
	enum status st = want(s, n, NODE_MAP, "a cluster");
	char *where;

	if (st != ST_OK)
		return st;
	c->line = n->line;
	where = xasprintf("a cluster of target '%s'", target);
	for (size_t i = 0; i + 1 < n->nkids && st == ST_OK; i += 2) {
		const char *k = n->kids[i]->text;
		const struct node *v = n->kids[i + 1];
		char **field = strcmp(k, "name") == 0 ? &c->name
		    : strcmp(k, "region") == 0	      ? &c->region
		    : strcmp(k, "alias") == 0	      ? &c->alias
		    : strcmp(k, "namespace") == 0     ? &c->namespace
		    : strcmp(k, "server") == 0	      ? &c->server
		    : strcmp(k, "certificate_authority") == 0
			? &c->certificate_authority
		    : strcmp(k, "tls_server_name") == 0 ? &c->tls_server_name
		    : strcmp(k, "proxy_url") == 0	? &c->proxy_url
							: NULL;

		if (field == NULL)
			st = unknown_key(s, n->kids[i], where);
		else
			st = get_string(s, v, k, field);
	}
	if (st == ST_OK && c->name == NULL)
		st = err_set(s->e, ST_CONFIG, "%s:%d: a cluster of target '%s' "
					      "has no name",
		    s->path, n->line, target);
	free(where);
	return st;
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
	for (size_t i = 0; i < t->nregions; i++)
		free(t->regions[i]);
	free(t->regions);
	free(t->color);
	for (size_t i = 0; i < t->nclusters; i++)
		cluster_free(&t->clusters[i]);
	free(t->clusters);
}

static const struct node *
map_get(const struct node *n, const char *key)
{
	for (size_t i = 0; i + 1 < n->nkids; i += 2)
		if (strcmp(n->kids[i]->text, key) == 0)
			return n->kids[i + 1];
	return NULL;
}

static enum status
read_target(struct schema *s, const struct node *n, struct rh_target *t)
{
	enum status st = want(s, n, NODE_MAP, "a target");
	const struct node *name;
	char *where;

	if (st != ST_OK)
		return st;
	t->line = n->line;
	name = map_get(n, "name");
	if (name == NULL || name->kind != NODE_SCALAR || name->text[0] == '\0')
		return err_set(s->e, ST_CONFIG, "%s:%d: a target has no name",
		    s->path, n->line);
	t->name = xstrdup(name->text);
	where = xasprintf("target '%s'", t->name);
	for (size_t i = 0; i + 1 < n->nkids && st == ST_OK; i += 2) {
		const char *k = n->kids[i]->text;
		const struct node *v = n->kids[i + 1];
		char **field = strcmp(k, "profile") == 0 ? &t->profile
		    : strcmp(k, "role_arn") == 0	 ? &t->role_arn
		    : strcmp(k, "source") == 0		 ? &t->source
		    : strcmp(k, "session_name") == 0	 ? &t->session_name
		    : strcmp(k, "external_id") == 0	 ? &t->external_id
		    : strcmp(k, "mfa_serial") == 0	 ? &t->mfa_serial
		    : strcmp(k, "region") == 0		 ? &t->region
		    : strcmp(k, "color") == 0		 ? &t->color
							 : NULL;

		if (strcmp(k, "name") == 0)
			continue;
		if (field) {
			st = get_string(s, v, k, field);
		} else if (strcmp(k, "confirm") == 0) {
			st = get_bool(s, v, k, &t->confirm);
		} else if (strcmp(k, "duration_seconds") == 0) {
			st = get_int(s, v, k, 900, 43200, &t->duration_seconds);
		} else if (strcmp(k, "regions") == 0) {
			st = get_strings(s, v, k, &t->regions, &t->nregions);
		} else if (strcmp(k, "clusters") == 0) {
			st = want(s, v, NODE_SEQ, k);
			if (st != ST_OK)
				break;
			t->clusters =
			    xcalloc(v->nkids ? v->nkids : 1, sizeof *t->clusters);
			for (size_t j = 0; j < v->nkids && st == ST_OK; j++) {
				st = read_cluster(s, v->kids[j], t->name,
				    &t->clusters[j]);
				t->nclusters = j + 1;
			}
		} else {
			st = unknown_key(s, n->kids[i], where);
		}
	}
	if (st == ST_OK && t->profile && (t->role_arn || t->source))
		st = err_set(s->e, ST_CONFIG,
		    "%s:%d: target '%s' has both profile and role_arn or "
		    "source",
		    s->path, n->line, t->name);
	free(where);
	return st;
}

static enum status
read_config(struct schema *s, const struct node *root, struct rhconfig *c)
{
	enum status st;

	/* An empty document ("---" alone) is an empty configuration. */
	if (root == NULL ||
	    (root->kind == NODE_SCALAR && root->plain &&
		(root->text[0] == '\0' || strcmp(root->text, "~") == 0 ||
		    strcmp(root->text, "null") == 0)))
		return ST_OK;
	st = want(s, root, NODE_MAP, "the configuration");
	for (size_t i = 0; i + 1 < root->nkids && st == ST_OK; i += 2) {
		const char *k = root->kids[i]->text;
		const struct node *v = root->kids[i + 1];

		if (strcmp(k, "regions") == 0) {
			st = get_strings(s, v, k, &c->regions, &c->nregions);
		} else if (strcmp(k, "targets") == 0) {
			st = want(s, v, NODE_SEQ, k);
			if (st != ST_OK)
				break;
			c->targets =
			    xcalloc(v->nkids ? v->nkids : 1, sizeof *c->targets);
			for (size_t j = 0; j < v->nkids && st == ST_OK; j++) {
				c->ntargets = j + 1;
				st = read_target(s, v->kids[j], &c->targets[j]);
				for (size_t k2 = 0; k2 < j && st == ST_OK;
				     k2++)
					if (strcmp(c->targets[k2].name,
						c->targets[j].name) == 0)
						st = err_set(s->e, ST_CONFIG,
						    "%s:%d: duplicate target "
						    "'%s' (first at line %d)",
						    s->path,
						    c->targets[j].line,
						    c->targets[j].name,
						    c->targets[k2].line);
			}
		} else {
			st = unknown_key(s, root->kids[i], "the configuration");
		}
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
	for (size_t i = 0; i < c->nregions; i++)
		free(c->regions[i]);
	free(c->regions);
	for (size_t i = 0; i < c->ntargets; i++)
		target_free(&c->targets[i]);
	free(c->targets);
	rhconfig_init(c);
}

enum status
rhconfig_parse(struct rhconfig *c, const char *path, const char *text,
    size_t len, struct err *e)
{
	struct reader r = {.path = path, .e = e};
	struct schema s = {.path = path, .e = e};
	struct node *root = NULL;
	enum status st;

	rhconfig_free(c);
	if (len > RHCONFIG_MAX_FILE)
		return err_set(e, ST_CONFIG, "%s: larger than %u bytes", path,
		    RHCONFIG_MAX_FILE);
	if (memchr(text, '\0', len))
		return err_set(e, ST_CONFIG, "%s: not a text file", path);
	if (!yaml_parser_initialize(&r.parser))
		abort();
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
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	struct buf b;
	char chunk[8192];
	ssize_t n;
	enum status rc;

	rhconfig_free(c);
	if (fd < 0) {
		if (errno == ENOENT && missing_ok)
			return ST_OK;
		return err_set(e, ST_CONFIG, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, ST_CONFIG, "%s: not a regular file", path);
	}
	buf_init(&b, RHCONFIG_MAX_FILE);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || buf_append(&b, chunk, (size_t)n) != 0) {
			rc = n < 0 ? err_set(e, ST_CONFIG, "%s: %s", path,
					 strerror(errno))
				   : err_set(e, ST_CONFIG,
					 "%s: larger than %u bytes", path,
					 RHCONFIG_MAX_FILE);
			close(fd);
			buf_free(&b);
			return rc;
		}
	}
	close(fd);
	rc = rhconfig_parse(c, path, buf_str(&b), b.len, e);
	buf_free(&b);
	return rc;
}

const struct rh_target *
rhconfig_target(const struct rhconfig *c, const char *name)
{
	for (size_t i = 0; i < c->ntargets; i++)
		if (strcmp(c->targets[i].name, name) == 0)
			return &c->targets[i];
	return NULL;
}
