/*
 * kubeconfig - load, merge and emit a kubeconfig; lock and write it.
 *
 * libyaml's events are built into a tree that keeps, for every node, what
 * is needed to write it back as it was: scalars with their bytes, quoting
 * style and explicit tag; collections with their tag and flow or block
 * style; mappings as key, value pairs in document order. Comments,
 * directives and the document markers are dropped (libyaml does not
 * report comments; kubectl and the AWS CLI drop them too). Anchors and
 * aliases are refused rather than expanded or preserved: replacing an
 * entry could otherwise leave an alias without its anchor. The tree is
 * capped in depth (libyaml 0.2.5 has no limit of its own) and in number
 * of nodes, and the file in size, so a hostile file cannot exhaust the
 * stack or memory.
 *
 * The merge follows `aws eks update-kubeconfig`: an entry of the same
 * name is replaced in place (later entries with that name too, which
 * kubectl refuses as duplicates, are dropped), others are appended, and
 * current-context is set. The lists are written in block style. Keys of
 * new entries are sorted as kubectl and the AWS CLI write them. A string
 * of ours is written plain only when every YAML 1.1 or 1.2 reader takes
 * it back as that same string, and double-quoted otherwise.
 *
 * Scalars may hold secrets of other entries (client keys, tokens): the
 * tree's strings and our buffers holding the document are zeroed before
 * they are freed (libyaml's own internal buffers are not: it offers no
 * way to).
 */
#include "config.h"

#include "kubeconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <yaml.h>

#include "atomicfile.h"
#include "buf.h"
#include "xalloc.h"

/* Collections nested deeper than this are refused. */
#define KC_MAX_DEPTH 64
/* A document with more nodes than this is refused. */
#define KC_MAX_NODES 1000000
/* How often a held lock is tried again. */
#define KC_LOCK_POLL_MS 20

/* ---------------------------------------------------------------------
 * The tree
 * ------------------------------------------------------------------ */

enum kc_kind { KC_SCALAR, KC_MAP, KC_SEQ };

struct kc_node {
	enum kc_kind kind;
	int line;   /* 1-based; 0 for nodes rolehop made */
	char *tag;  /* an explicit tag, or NULL */
	char *text; /* scalar: len bytes, NUL-terminated */
	size_t len;
	yaml_scalar_style_t style; /* scalar */
	bool flow;                 /* collection in flow style */
	struct kc_node **kids;     /* map: key, value, key...; seq: items */
	size_t nkids;
	size_t cap;
};

static void
node_free(struct kc_node *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	if (n->text)
		secret_free(n->text, n->len);
	free(n->tag);
	free(n);
}

static struct kc_node *
node_new(enum kc_kind kind, int line)
{
	struct kc_node *n = xcalloc(1, sizeof *n);

	n->kind = kind;
	n->line = line;
	return n;
}

/* A scalar holding a copy of len bytes at text. */
static struct kc_node *
node_scalar(const char *text, size_t len, yaml_scalar_style_t style, int line)
{
	struct kc_node *n = node_new(KC_SCALAR, line);

	n->text = xmalloc(len + 1);
	memcpy(n->text, text, len);
	n->text[len] = '\0';
	n->len = len;
	n->style = style;
	return n;
}

static void
node_add(struct kc_node *parent, struct kc_node *kid)
{
	if (parent->nkids == parent->cap) {
		parent->cap = parent->cap ? parent->cap * 2 : 4;
		parent->kids = xreallocarray(parent->kids, parent->cap,
		                             sizeof *parent->kids);
	}
	parent->kids[parent->nkids++] = kid;
}

/* Take kid i out of parent (freeing it). */
static void
node_remove(struct kc_node *parent, size_t i)
{
	node_free(parent->kids[i]);
	memmove(parent->kids + i, parent->kids + i + 1,
	        (parent->nkids - i - 1) * sizeof *parent->kids);
	parent->nkids--;
}

/* An untagged plain scalar that reads as null. */
static bool
node_is_null(const struct kc_node *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

	if (n->kind != KC_SCALAR || n->style != YAML_PLAIN_SCALAR_STYLE ||
	    n->tag)
		return false;
	for (size_t i = 0; i < sizeof nulls / sizeof *nulls; i++)
		if (strcmp(n->text, nulls[i]) == 0)
			return true;
	return false;
}

/* A scalar whose bytes are the string s. */
static bool
node_text_is(const struct kc_node *n, const char *s)
{
	return n->kind == KC_SCALAR && n->len == strlen(s) &&
	       memcmp(n->text, s, n->len) == 0;
}

/* The index of the value for key in map, or -1. */
static long
map_find(const struct kc_node *map, const char *key)
{
	for (size_t i = 0; i + 1 < map->nkids; i += 2)
		if (node_text_is(map->kids[i], key))
			return (long)i + 1;
	return -1;
}

/* ---------------------------------------------------------------------
 * Strings of ours: plain when that is safe, else double-quoted
 * ------------------------------------------------------------------ */

/* Words a YAML 1.1 or 1.2 reader (go-yaml v2 in kubectl, PyYAML) takes
 * as null, a boolean, a number or a merge key when they are plain. */
static bool
is_special_word(const char *s)
{
	static const char *const words[] = {
	    "~", "null", "true", "false", "yes",   "no",   "on", "off",
	    "y", "n",    ".inf", "-.inf", "+.inf", ".nan", "=",  "<<"};

	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

/* Bytes that start a YAML line break or BOM beyond ASCII: NEL, LS, PS,
 * and U+FEFF. */
static bool
has_unicode_break(const char *s)
{
	return strstr(s, "\xc2\x85") || strstr(s, "\xe2\x80\xa8") ||
	       strstr(s, "\xe2\x80\xa9") || strstr(s, "\xef\xbb\xbf");
}

/* Whether s must be quoted to read back as the same string. Errs on the
 * side of quoting. */
static bool
needs_quotes(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || is_special_word(s))
		return true;
	/* Anything that may read as a number (or a date, or 1:20). */
	if ((s[0] >= '0' && s[0] <= '9') ||
	    (strchr("+-.", s[0]) &&
	     ((s[1] >= '0' && s[1] <= '9') || s[1] == '.')))
		return true;
	/* Indicators; "-" is one only before a space (or alone). */
	if (strchr("?:,[]{}#&*!|>'\"%@`", s[0]) ||
	    (s[0] == '-' && (s[1] == ' ' || s[1] == '\0')) ||
	    strncmp(s, "---", 3) == 0)
		return true;
	if (s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ':')
		return true;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f || strchr("#\"',[]{}", c))
			return true;
		if (c == ':' && p[1] == ' ')
			return true;
	}
	return has_unicode_break(s);
}

/* A string scalar for s, in the style needs_quotes() calls for. */
static struct kc_node *
node_str(const char *s)
{
	return node_scalar(s, strlen(s),
	                   needs_quotes(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
	                                   : YAML_PLAIN_SCALAR_STYLE,
	                   0);
}

/* A plain scalar: keys and fixed words (Never, false, v1). */
static struct kc_node *
node_word(const char *s)
{
	return node_scalar(s, strlen(s), YAML_PLAIN_SCALAR_STYLE, 0);
}

/* Append key: value to map. */
static void
map_put(struct kc_node *map, const char *key, struct kc_node *value)
{
	node_add(map, node_word(key));
	node_add(map, value);
}

/* Append key: s when s is set. */
static void
map_put_str(struct kc_node *map, const char *key, const char *s)
{
	if (s)
		map_put(map, key, node_str(s));
}

/* ---------------------------------------------------------------------
 * Loading
 * ------------------------------------------------------------------ */

struct loader {
	yaml_parser_t parser;
	const char *path;
	const char *text;
	size_t len;
	size_t nodes;
	struct err *e;
};

/* libyaml's message, with a line (a reader error, such as bad UTF-8,
 * gives only a byte offset). */
static enum status
load_yaml_error(struct loader *l)
{
	const yaml_parser_t *p = &l->parser;
	const char *problem = p->problem ? p->problem : "cannot parse";
	unsigned long line = (unsigned long)p->problem_mark.line + 1;

	if (p->error == YAML_READER_ERROR) {
		size_t end =
		    p->problem_offset < l->len ? p->problem_offset : l->len;

		line = 1;
		for (size_t i = 0; i < end; i++)
			line += l->text[i] == '\n';
	}
	if (p->context)
		return err_set(l->e, ST_CONFIG,
		               "%s:%lu: invalid YAML: %s (%s at line %lu)",
		               l->path, line, problem, p->context,
		               (unsigned long)p->context_mark.line + 1);
	return err_set(l->e, ST_CONFIG, "%s:%lu: invalid YAML: %s", l->path,
	               line, problem);
}

static enum status
load_next(struct loader *l, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&l->parser, ev))
		return load_yaml_error(l);
	return ST_OK;
}

static enum status
load_refuse(struct loader *l, int line, const char *what)
{
	return err_set(l->e, ST_CONFIG, "%s:%d: %s", l->path, line, what);
}

/* Anchors, tags and the node limit, common to every node. */
static enum status
load_check(struct loader *l, const yaml_event_t *ev, int line)
{
	const yaml_char_t *anchor = NULL;

	if (ev->type == YAML_ALIAS_EVENT)
		return load_refuse(l, line,
		                   "anchors and aliases are not supported");
	if (ev->type == YAML_SCALAR_EVENT)
		anchor = ev->data.scalar.anchor;
	else if (ev->type == YAML_MAPPING_START_EVENT)
		anchor = ev->data.mapping_start.anchor;
	else if (ev->type == YAML_SEQUENCE_START_EVENT)
		anchor = ev->data.sequence_start.anchor;
	else
		return load_refuse(l, line, "unexpected YAML event");
	if (anchor)
		return load_refuse(l, line,
		                   "anchors and aliases are not supported");
	if (++l->nodes > KC_MAX_NODES)
		return err_set(l->e, ST_CONFIG,
		               "%s:%d: more than %d YAML nodes", l->path, line,
		               KC_MAX_NODES);
	return ST_OK;
}

static char *
tag_copy(const yaml_char_t *tag)
{
	return tag ? xstrdup((const char *)tag) : NULL;
}

static enum status load_node(struct loader *, const yaml_event_t *, int,
                             struct kc_node **);

/* Read the kids of collection n up to its end event. */
static enum status
load_kids(struct loader *l, struct kc_node *n, int depth)
{
	for (;;) {
		yaml_event_t ev;
		struct kc_node *kid;
		enum status st = load_next(l, &ev);

		if (st != ST_OK)
			return st;
		if (ev.type == YAML_MAPPING_END_EVENT ||
		    ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return ST_OK;
		}
		st = load_node(l, &ev, depth + 1, &kid);
		yaml_event_delete(&ev);
		if (st != ST_OK)
			return st;
		node_add(n, kid);
	}
}

/* Read the node that starts with ev (the caller's) and all below it.
 * depth counts the collections above it. */
static enum status
load_node(struct loader *l, const yaml_event_t *ev, int depth,
          struct kc_node **out)
{
	int line = (int)ev->start_mark.line + 1;
	enum status st = load_check(l, ev, line);
	struct kc_node *n;

	*out = NULL;
	if (st != ST_OK)
		return st;
	if (ev->type == YAML_SCALAR_EVENT) {
		n = node_scalar((const char *)ev->data.scalar.value,
		                ev->data.scalar.length, ev->data.scalar.style,
		                line);
		n->tag = tag_copy(ev->data.scalar.tag);
		*out = n;
		return ST_OK;
	}
	if (depth >= KC_MAX_DEPTH)
		return err_set(l->e, ST_CONFIG,
		               "%s:%d: nested deeper than %d levels", l->path,
		               line, KC_MAX_DEPTH);
	if (ev->type == YAML_MAPPING_START_EVENT) {
		n = node_new(KC_MAP, line);
		n->tag = tag_copy(ev->data.mapping_start.tag);
		n->flow =
		    ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
	} else {
		n = node_new(KC_SEQ, line);
		n->tag = tag_copy(ev->data.sequence_start.tag);
		n->flow =
		    ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
	}
	st = load_kids(l, n, depth);
	if (st != ST_OK) {
		node_free(n);
		return st;
	}
	*out = n;
	return ST_OK;
}

/* The next event's type and line, the event itself being dropped. */
static enum status
load_skip(struct loader *l, yaml_event_type_t *type, int *line)
{
	yaml_event_t ev;
	enum status st = load_next(l, &ev);

	if (st != ST_OK)
		return st;
	*type = ev.type;
	*line = (int)ev.start_mark.line + 1;
	yaml_event_delete(&ev);
	return ST_OK;
}

/* The stream's only document: its root, or NULL when there is none. */
static enum status
load_stream(struct loader *l, struct kc_node **root)
{
	yaml_event_type_t type = YAML_NO_EVENT;
	yaml_event_t ev;
	enum status st;
	int line = 0;

	*root = NULL;
	/* The stream's start, then a document's start or the stream's end. */
	if ((st = load_skip(l, &type, &line)) != ST_OK ||
	    (st = load_skip(l, &type, &line)) != ST_OK ||
	    type == YAML_STREAM_END_EVENT)
		return st;
	if ((st = load_next(l, &ev)) != ST_OK)
		return st;
	st = load_node(l, &ev, 0, root);
	yaml_event_delete(&ev);
	/* The document's end, then the stream's end. */
	if (st == ST_OK && (st = load_skip(l, &type, &line)) == ST_OK &&
	    (st = load_skip(l, &type, &line)) == ST_OK &&
	    type != YAML_STREAM_END_EVENT)
		st = load_refuse(l, line, "more than one YAML document");
	if (st != ST_OK) {
		node_free(*root);
		*root = NULL;
	}
	return st;
}

/* Parse text into a tree (NULL root: no document). */
static enum status
load(const char *path, const char *text, size_t len, struct kc_node **root,
     struct err *e)
{
	struct loader l = {.path = path, .text = text, .len = len, .e = e};
	enum status st;

	*root = NULL;
	if (len > KUBECONFIG_MAX_FILE)
		return err_set(e, ST_CONFIG, "%s: larger than %u bytes", path,
		               KUBECONFIG_MAX_FILE);
	if (len == 0)
		return ST_OK;
	if (!yaml_parser_initialize(&l.parser))
		return err_set(e, ST_RUNTIME, "%s: cannot start libyaml", path);
	yaml_parser_set_input_string(&l.parser, (const unsigned char *)text,
	                             len);
	st = load_stream(&l, root);
	yaml_parser_delete(&l.parser);
	return st;
}

/* ---------------------------------------------------------------------
 * Emitting
 * ------------------------------------------------------------------ */

struct emitter {
	yaml_emitter_t em;
	struct buf out;
	bool too_big;
};

static int
emit_write(void *data, unsigned char *bytes, size_t n)
{
	struct emitter *m = data;

	if (buf_append(&m->out, bytes, n) < 0) {
		m->too_big = true;
		return 0;
	}
	return 1;
}

static bool
emit_node(yaml_emitter_t *em, const struct kc_node *n)
{
	const yaml_char_t *tag = (const yaml_char_t *)n->tag;
	int implicit = n->tag == NULL;
	yaml_event_t ev;
	bool ok;

	if (n->kind == KC_SCALAR) {
		ok = yaml_scalar_event_initialize(
		    &ev, NULL, tag, (const yaml_char_t *)n->text, (int)n->len,
		    implicit, implicit, n->style);
		return ok && yaml_emitter_emit(em, &ev);
	}
	if (n->kind == KC_MAP)
		ok = yaml_mapping_start_event_initialize(
		    &ev, NULL, tag, implicit,
		    n->flow ? YAML_FLOW_MAPPING_STYLE
		            : YAML_BLOCK_MAPPING_STYLE);
	else
		ok = yaml_sequence_start_event_initialize(
		    &ev, NULL, tag, implicit,
		    n->flow ? YAML_FLOW_SEQUENCE_STYLE
		            : YAML_BLOCK_SEQUENCE_STYLE);
	if (!ok || !yaml_emitter_emit(em, &ev))
		return false;
	for (size_t i = 0; i < n->nkids; i++)
		if (!emit_node(em, n->kids[i]))
			return false;
	if (n->kind == KC_MAP)
		ok = yaml_mapping_end_event_initialize(&ev);
	else
		ok = yaml_sequence_end_event_initialize(&ev);
	return ok && yaml_emitter_emit(em, &ev);
}

/* The stream, document and root, in that order. */
static bool
emit_stream(yaml_emitter_t *em, const struct kc_node *root)
{
	yaml_event_t ev;

	return yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
	       yaml_emitter_emit(em, &ev) &&
	       yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
	       yaml_emitter_emit(em, &ev) && emit_node(em, root) &&
	       yaml_document_end_event_initialize(&ev, 1) &&
	       yaml_emitter_emit(em, &ev) &&
	       yaml_stream_end_event_initialize(&ev) &&
	       yaml_emitter_emit(em, &ev);
}

/* Write the tree as YAML text (caller frees). */
static enum status
emit(const char *path, const struct kc_node *root, char **out, size_t *outlen,
     struct err *e)
{
	struct emitter m = {.too_big = false};
	enum status st = ST_OK;

	buf_init(&m.out, KUBECONFIG_MAX_FILE);
	if (!yaml_emitter_initialize(&m.em))
		return err_set(e, ST_RUNTIME, "%s: cannot start libyaml", path);
	yaml_emitter_set_output(&m.em, emit_write, &m);
	yaml_emitter_set_unicode(&m.em, 1);
	yaml_emitter_set_width(&m.em, -1);
	yaml_emitter_set_indent(&m.em, 2);
	yaml_emitter_set_break(&m.em, YAML_LN_BREAK);
	if (!emit_stream(&m.em, root)) {
		if (m.too_big)
			st =
			    err_set(e, ST_CONFIG,
			            "%s: the merged kubeconfig would be larger "
			            "than %u bytes",
			            path, KUBECONFIG_MAX_FILE);
		else
			st = err_set(
			    e, ST_RUNTIME, "%s: cannot write YAML: %s", path,
			    m.em.problem ? m.em.problem : "libyaml error");
	}
	yaml_emitter_delete(&m.em);
	if (st != ST_OK) {
		buf_free_secret(&m.out);
		return st;
	}
	*outlen = m.out.len;
	*out = buf_take(&m.out);
	return ST_OK;
}

/* ---------------------------------------------------------------------
 * The entries rolehop writes
 * ------------------------------------------------------------------ */

/* Whether s is well-formed UTF-8 (no overlong forms, surrogates or
 * values past U+10FFFF). */
static bool
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int c = *p, min;
		int more;

		if (c < 0x80) {
			p++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			more = 1, c &= 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			more = 2, c &= 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			more = 3, c &= 0x07, min = 0x10000;
		else
			return false;
		for (p++; more > 0; more--, p++) {
			if ((*p & 0xc0) != 0x80)
				return false;
			c = c << 6 | (*p & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return false;
	}
	return true;
}

/* A string field of the entry: set when required, valid UTF-8. */
static enum status
check_field(const char *what, const char *s, bool required, struct err *e)
{
	if (s == NULL || *s == '\0') {
		if (required)
			return err_set(e, ST_USAGE, "kubeconfig entry: no %s",
			               what);
		return ST_OK;
	}
	if (!utf8_valid(s))
		return err_set(e, ST_USAGE,
		               "kubeconfig entry: the %s is not valid UTF-8",
		               what);
	return ST_OK;
}

/* Everything rolehop is about to write, checked before anything is. */
static enum status
check_entry(const struct kube_entry *ke, struct err *e)
{
	const struct kube_exec *x = &ke->exec;
	const struct {
		const char *what, *s;
		bool required;
	} fields[] = {
	    {"cluster and user name", ke->name, true},
	    {"context name", ke->context, true},
	    {"server", ke->server, false},
	    {"certificate authority data", ke->ca_data, false},
	    {"certificate authority file", ke->ca_file, false},
	    {"TLS server name", ke->tls_server_name, false},
	    {"proxy URL", ke->proxy_url, false},
	    {"namespace", ke->namespace, false},
	    {"exec API version", x->api_version, false},
	    {"exec command", x->command, true},
	    {"exec install hint", x->install_hint, false},
	};
	enum status st = ST_OK;

	for (size_t i = 0; i < sizeof fields / sizeof *fields && !st; i++)
		st = check_field(fields[i].what, fields[i].s,
		                 fields[i].required, e);
	if (!st && x->nargs && !x->args)
		st =
		    err_set(e, ST_USAGE, "kubeconfig entry: no exec arguments");
	if (!st && x->nenv && !x->env)
		st = err_set(e, ST_USAGE,
		             "kubeconfig entry: no exec environment");
	for (size_t i = 0; i < x->nargs && !st; i++)
		if (x->args[i] == NULL || !utf8_valid(x->args[i]))
			st = err_set(e, ST_USAGE,
			             "kubeconfig entry: exec argument %zu is "
			             "not valid UTF-8",
			             i + 1);
	for (size_t i = 0; i < x->nenv && !st; i++)
		if (x->env[i] == NULL || x->env[i][0] == '=' ||
		    strchr(x->env[i], '=') == NULL || !utf8_valid(x->env[i]))
			st = err_set(e, ST_USAGE,
			             "kubeconfig entry: exec environment entry "
			             "%zu is not NAME=value",
			             i + 1);
	return st;
}

/* - cluster: {certificate-authority[-data], proxy-url, server,
 *   tls-server-name}, name */
static struct kc_node *
build_cluster(const struct kube_entry *ke)
{
	struct kc_node *entry = node_new(KC_MAP, 0);
	struct kc_node *c = node_new(KC_MAP, 0);

	if (ke->ca_file && *ke->ca_file)
		map_put_str(c, "certificate-authority", ke->ca_file);
	else if (ke->ca_data && *ke->ca_data)
		map_put_str(c, "certificate-authority-data", ke->ca_data);
	map_put_str(c, "proxy-url", ke->proxy_url);
	map_put_str(c, "server", ke->server);
	map_put_str(c, "tls-server-name", ke->tls_server_name);
	map_put(entry, "cluster", c);
	map_put_str(entry, "name", ke->name);
	return entry;
}

/* - context: {cluster, namespace, user}, name */
static struct kc_node *
build_context(const struct kube_entry *ke)
{
	struct kc_node *entry = node_new(KC_MAP, 0);
	struct kc_node *c = node_new(KC_MAP, 0);

	map_put_str(c, "cluster", ke->name);
	map_put_str(c, "namespace", ke->namespace);
	map_put_str(c, "user", ke->name);
	map_put(entry, "context", c);
	map_put_str(entry, "name", ke->context);
	return entry;
}

/* The exec plugin's env list: [{name, value}...]. */
static struct kc_node *
build_env(const struct kube_exec *x)
{
	struct kc_node *env = node_new(KC_SEQ, 0);

	for (size_t i = 0; i < x->nenv; i++) {
		const char *eq = strchr(x->env[i], '=');
		struct kc_node *var = node_new(KC_MAP, 0);
		char *name = xstrndup(x->env[i], (size_t)(eq - x->env[i]));

		map_put_str(var, "name", name);
		map_put_str(var, "value", eq + 1);
		node_add(env, var);
		free(name);
	}
	return env;
}

/* - name, user: {exec: {apiVersion, args, command, env, installHint,
 *   interactiveMode, provideClusterInfo}} */
static struct kc_node *
build_user(const struct kube_entry *ke)
{
	const struct kube_exec *x = &ke->exec;
	struct kc_node *entry = node_new(KC_MAP, 0);
	struct kc_node *user = node_new(KC_MAP, 0);
	struct kc_node *exec = node_new(KC_MAP, 0);

	map_put_str(exec, "apiVersion",
	            x->api_version && *x->api_version
	                ? x->api_version
	                : KUBECONFIG_EXEC_API_VERSION);
	if (x->nargs > 0) {
		struct kc_node *args = node_new(KC_SEQ, 0);

		for (size_t i = 0; i < x->nargs; i++)
			node_add(args, node_str(x->args[i]));
		map_put(exec, "args", args);
	}
	map_put_str(exec, "command", x->command);
	if (x->nenv > 0)
		map_put(exec, "env", build_env(x));
	if (x->install_hint && *x->install_hint)
		map_put_str(exec, "installHint", x->install_hint);
	map_put(exec, "interactiveMode", node_word("Never"));
	map_put(exec, "provideClusterInfo", node_word("false"));
	map_put(user, "exec", exec);
	map_put_str(entry, "name", ke->name);
	map_put(entry, "user", user);
	return entry;
}

/* ---------------------------------------------------------------------
 * Merging
 * ------------------------------------------------------------------ */

/* An empty kubeconfig, keys in the order kubectl writes them. */
static void
fill_skeleton(struct kc_node *root)
{
	map_put(root, "apiVersion", node_word("v1"));
	map_put(root, "clusters", node_new(KC_SEQ, 0));
	map_put(root, "contexts", node_new(KC_SEQ, 0));
	map_put(root, "current-context", node_str(""));
	map_put(root, "kind", node_word("Config"));
	map_put(root, "preferences", node_new(KC_MAP, 0));
	map_put(root, "users", node_new(KC_SEQ, 0));
}

/* One of clusters, contexts, users: a list (or null) of mappings. */
static enum status
check_list(const char *path, const struct kc_node *key, const struct kc_node *v,
           struct err *e)
{
	if (node_is_null(v))
		return ST_OK;
	if (v->kind != KC_SEQ)
		return err_set(e, ST_CONFIG, "%s:%d: %s is not a list", path,
		               v->line, key->text);
	for (size_t i = 0; i < v->nkids; i++)
		if (v->kids[i]->kind != KC_MAP)
			return err_set(e, ST_CONFIG,
			               "%s:%d: %s entry %zu is not a mapping",
			               path, v->kids[i]->line, key->text,
			               i + 1);
	return ST_OK;
}

/* The document is a kubeconfig rolehop can merge into: a mapping whose
 * lists are lists of mappings, none of the keys rolehop sets given
 * twice. */
static enum status
check_root(const char *path, const struct kc_node *root, struct err *e)
{
	static const char *const keys[] = {"clusters", "contexts", "users",
	                                   "current-context"};
	bool seen[sizeof keys / sizeof *keys] = {false};

	if (root->kind != KC_MAP)
		return err_set(e, ST_CONFIG,
		               "%s:%d: not a kubeconfig: the top level is not "
		               "a mapping",
		               path, root->line);
	for (size_t i = 0; i + 1 < root->nkids; i += 2) {
		const struct kc_node *key = root->kids[i];
		enum status st;

		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
			if (!node_text_is(key, keys[k]))
				continue;
			if (seen[k])
				return err_set(e, ST_CONFIG,
				               "%s:%d: duplicate key %s", path,
				               key->line, keys[k]);
			seen[k] = true;
			if (k < 3 &&
			    (st = check_list(path, key, root->kids[i + 1],
			                     e)) != ST_OK)
				return st;
		}
	}
	return ST_OK;
}

/* The list under key, made an empty one if it is missing or null, and
 * written in block style from now on. */
static struct kc_node *
root_list(struct kc_node *root, const char *key)
{
	long i = map_find(root, key);
	struct kc_node *list;

	if (i < 0) {
		list = node_new(KC_SEQ, 0);
		map_put(root, key, list);
		return list;
	}
	list = root->kids[i];
	if (list->kind != KC_SEQ) { /* null, checked before */
		node_free(list);
		list = root->kids[i] = node_new(KC_SEQ, 0);
	}
	list->flow = false;
	return list;
}

/* Whether entry (a mapping) has the name s. */
static bool
entry_named(const struct kc_node *entry, const char *s)
{
	long i = map_find(entry, "name");

	return i >= 0 && node_text_is(entry->kids[i], s);
}

/* Put entry (taken) in list in place of the first entry called name,
 * dropping any later one of that name, or at the end. Whether one was
 * there. */
static bool
list_replace(struct kc_node *list, const char *name, struct kc_node *entry)
{
	bool found = false;

	for (size_t i = 0; i < list->nkids;) {
		if (!entry_named(list->kids[i], name)) {
			i++;
		} else if (found) {
			node_remove(list, i);
		} else {
			node_free(list->kids[i]);
			list->kids[i++] = entry;
			found = true;
		}
	}
	if (!found)
		node_add(list, entry);
	return found;
}

/* Set key to value (taken), in place or at the end. */
static void
map_set(struct kc_node *map, const char *key, struct kc_node *value)
{
	long i = map_find(map, key);

	if (i < 0) {
		map_put(map, key, value);
		return;
	}
	node_free(map->kids[i]);
	map->kids[i] = value;
}

/* Merge the entry into a checked root mapping. */
static bool
merge_tree(struct kc_node *root, const struct kube_entry *ke)
{
	struct kc_node *clusters, *contexts, *users;
	bool updated;

	if (root->nkids == 0)
		fill_skeleton(root);
	root->flow = false;
	clusters = root_list(root, "clusters");
	contexts = root_list(root, "contexts");
	users = root_list(root, "users");
	list_replace(clusters, ke->name, build_cluster(ke));
	updated = list_replace(contexts, ke->context, build_context(ke));
	list_replace(users, ke->name, build_user(ke));
	map_set(root, "current-context", node_str(ke->context));
	return updated;
}

enum status
kubeconfig_merge(const char *path, const char *text, size_t len,
                 const struct kube_entry *ke, char **out, size_t *outlen,
                 bool *updated, struct err *e)
{
	struct kc_node *root;
	enum status st;

	*out = NULL;
	*outlen = 0;
	*updated = false;
	if ((st = check_entry(ke, e)) != ST_OK)
		return st;
	if ((st = load(path, text ? text : "", text ? len : 0, &root, e)) !=
	    ST_OK)
		return st;
	if (root == NULL || node_is_null(root)) {
		node_free(root);
		root = node_new(KC_MAP, 1);
	}
	st = check_root(path, root, e);
	if (st == ST_OK) {
		bool up = merge_tree(root, ke);

		st = emit(path, root, out, outlen, e);
		if (st == ST_OK)
			*updated = up;
	}
	node_free(root);
	return st;
}

enum status
kubeconfig_render(const struct kube_entry *ke, char **out, size_t *outlen,
                  struct err *e)
{
	bool updated;

	return kubeconfig_merge("(new kubeconfig)", NULL, 0, ke, out, outlen,
	                        &updated, e);
}

/* ---------------------------------------------------------------------
 * Files
 * ------------------------------------------------------------------ */

static long
elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - since->tv_sec) * 1000 +
	       (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* A blocked signal that would end us is waiting (see
 * kubeconfig_update_file). */
static bool
interrupted(void)
{
	sigset_t pending;

	sigpending(&pending);
	return sigismember(&pending, SIGINT) == 1 ||
	       sigismember(&pending, SIGTERM) == 1 ||
	       sigismember(&pending, SIGHUP) == 1 ||
	       sigismember(&pending, SIGQUIT) == 1;
}

/* Create lock (O_EXCL), waiting up to timeout_ms for another writer to
 * remove theirs. */
static enum status
lock_take(const char *lock, long timeout_ms, struct err *e)
{
	const struct timespec pause = {0, KC_LOCK_POLL_MS * 1000000L};
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int fd = open(
		    lock, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0600);

		if (fd >= 0) {
			close(fd);
			return ST_OK;
		}
		if (errno != EEXIST)
			return err_set(e, ST_IO,
			               "cannot create lock file %s: %s", lock,
			               strerror(errno));
		if (elapsed_ms(&start) >= timeout_ms)
			break;
		if (interrupted())
			return err_set(e, ST_RUNTIME,
			               "interrupted while waiting for %s",
			               lock);
		nanosleep(&pause, NULL);
	}
	err_set(e, ST_IO,
	        "%s: another writer holds the kubeconfig lock (waited %ld ms)",
	        lock, timeout_ms);
	err_hint(e,
	         "remove %s if no kubectl or rolehop is writing the "
	         "kubeconfig",
	         lock);
	return ST_IO;
}

/* The file to read and replace: path, or where its symbolic link points
 * (kubectl writes through links; a rename must not replace the link).
 * Caller frees. */
static enum status
resolve_target(const char *path, char **target, struct err *e)
{
	struct stat st;

	*target = NULL;
	if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode)) {
		*target = xstrdup(path);
		return ST_OK;
	}
	*target = realpath(path, NULL);
	if (*target == NULL)
		return err_set(e, ST_IO,
		               "%s: cannot follow the symbolic link: %s", path,
		               strerror(errno));
	return ST_OK;
}

/* read_fd() with its buffer. */
static enum status
read_fd_via(int fd, const char *path, struct buf *b, struct err *e, char *chunk,
            size_t size)
{
	for (;;) {
		ssize_t n = read(fd, chunk, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(e, ST_IO, "%s: cannot read: %s", path,
			               strerror(errno));
		if (n == 0)
			return ST_OK;
		if (buf_append(b, chunk, (size_t)n) < 0)
			return err_set(e, ST_CONFIG, "%s: larger than %u bytes",
			               path, KUBECONFIG_MAX_FILE);
	}
}

/* Read all of fd, up to KUBECONFIG_MAX_FILE bytes. The buffer may have
 * held other entries' secrets: zeroed before it goes. */
static enum status
read_fd(int fd, const char *path, struct buf *b, struct err *e)
{
	char chunk[65536];
	enum status st = read_fd_via(fd, path, b, e, chunk, sizeof chunk);

	secret_zero(chunk, sizeof chunk);
	return st;
}

/* The file's content into b; *exists false (and b empty) when there is
 * no file. */
static enum status
read_file(const char *path, struct buf *b, bool *exists, struct err *e)
{
	struct stat st;
	enum status rc;
	int fd;

	*exists = false;
	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return ST_OK;
		return err_set(e, ST_IO, "%s: cannot open: %s", path,
		               strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, ST_IO, "%s: not a regular file", path);
	}
	*exists = true;
	rc = read_fd(fd, path, b, e);
	close(fd);
	return rc;
}

/* Read, merge and write; the lock (if any) is held. */
static enum status
update_locked(const char *path, const struct kube_entry *ke, bool *updated,
              struct err *e)
{
	char *target = NULL, *backup = NULL, *out = NULL;
	struct buf old;
	size_t outlen = 0;
	enum status st;
	bool exists = false, found = false;

	buf_init(&old, KUBECONFIG_MAX_FILE);
	st = resolve_target(path, &target, e);
	if (st == ST_OK)
		st = read_file(target, &old, &exists, e);
	if (st == ST_OK)
		st = kubeconfig_merge(path, buf_str(&old), old.len, ke, &out,
		                      &outlen, &found, e);
	/* Nothing to write when the file already says exactly this. */
	if (st == ST_OK && !(exists && outlen == old.len &&
	                     memcmp(out, old.data, outlen) == 0)) {
		backup = exists ? xasprintf("%s.rolehop.bak", target) : NULL;
		st = atomicfile_write(target, out, outlen, 0600, backup, e);
	}
	if (st == ST_OK)
		*updated = found;
	if (out)
		secret_free(out, outlen);
	buf_free_secret(&old);
	free(backup);
	free(target);
	return st;
}

enum status
kubeconfig_update_file(const char *path, const struct kube_entry *ke,
                       const struct kube_write_opts *opts, bool *updated,
                       struct err *e)
{
	long timeout = opts && opts->lock_timeout_ms > 0
	                   ? opts->lock_timeout_ms
	                   : KUBECONFIG_LOCK_TIMEOUT_MS;
	bool locking = !(opts && opts->no_lock);
	char *lock = NULL;
	sigset_t fatal, old;
	enum status st;

	*updated = false;
	if ((st = check_entry(ke, e)) != ST_OK ||
	    (st = atomicfile_mkparents(path, e)) != ST_OK)
		return st;
	/* Between taking the lock and removing it, a signal must not kill
	 * us: a stale lock would stop every later writer, kubectl's too.
	 * Signals wait until the lock is gone, then act as usual. */
	sigemptyset(&fatal);
	sigaddset(&fatal, SIGINT);
	sigaddset(&fatal, SIGTERM);
	sigaddset(&fatal, SIGHUP);
	sigaddset(&fatal, SIGQUIT);
	sigprocmask(SIG_BLOCK, &fatal, &old);
	if (locking) {
		lock = xasprintf("%s.lock", path);
		if ((st = lock_take(lock, timeout, e)) != ST_OK) {
			free(lock);
			sigprocmask(SIG_SETMASK, &old, NULL);
			return st;
		}
	}
	st = update_locked(path, ke, updated, e);
	if (lock)
		unlink(lock);
	free(lock);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return st;
}

char *
kubeconfig_choose_path(const char *option, const char *kubeconfig_env,
                       const char *home)
{
	const char *p = kubeconfig_env;

	if (option && *option)
		return xstrdup(option);
	while (p && *p) {
		size_t n = strcspn(p, ":");

		if (n > 0)
			return xstrndup(p, n);
		p++;
	}
	if (home && *home)
		return xasprintf("%s/.kube/config", home);
	return NULL;
}
