/*
 * awscfg - the AWS shared config and credentials files.
 *
 * The reader follows Python's configparser.RawConfigParser as botocore
 * uses it (configparser._read, botocore.configloader): a line whose
 * stripped text starts with '#' or ';' is a comment; a line indented
 * deeper than the line that started the current value continues it
 * (blank lines inside a value are kept, trailing ones dropped); "[...]"
 * opens a section, "key = value" or "key: value" (first '=' or ':') sets
 * an option; a duplicate section or option is fatal; [DEFAULT] holds
 * defaults for every section of the same file. Whitespace is what
 * Python's str.strip() removes, including non-ASCII spaces such as
 * U+00A0. The text must be UTF-8 (botocore fails on anything else).
 *
 * Each file is first read into raw sections, then every section is
 * converted (values joined, nested blocks parsed, defaults added) and
 * only then merged into struct awscfg, so a failing file leaves the
 * structure as it was. Lookups use a small hash index so a large file
 * costs linear time.
 */
#include "config.h"

#include "awscfg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

/* Hash index from (tag, string) to an id; strings are borrowed. */
struct idx_slot {
	const char *key; /* NULL: empty slot */
	size_t tag;
	size_t id;
};

struct idx {
	struct idx_slot *slot;
	size_t cap; /* 0 or a power of two */
	size_t n;
};

/* One line of a value: the text after the separator, then each
 * continuation line ("" for a blank line). */
struct seg {
	char *text;
	int line;
};

struct raw_opt {
	char *key;
	int line;
	struct seg *seg;
	size_t nseg;
};

struct raw_sect {
	char *name;
	int line;
	struct raw_opt *opt;
	size_t nopt;
};

#define TAG_DEFAULTS SIZE_MAX

struct parser {
	const char *file; /* for messages and kv->file */
	struct err *e;
	struct raw_sect *sect;
	size_t nsect;
	struct raw_sect defaults; /* [DEFAULT]; name NULL until seen */
	struct raw_sect *cur;     /* NULL before the first header */
	size_t cur_tag;
	struct raw_opt *opt; /* option that continuation lines extend */
	size_t indent;       /* of the last line that was no continuation */
	struct idx sects;    /* section name -> index in sect */
	struct idx keys;     /* (section tag, key) -> index in its opt */
	/* [DEFAULT] values, converted when a section first inherits one
	 * (botocore never looks at the others). */
	struct awscfg_kv *defs;
	unsigned char *defs_done;
};

/* A converted section and where it goes. */
struct conv {
	struct awscfg_section s;
	int kind;    /* CONV_* */
	char *alias; /* profile or services name for the config file */
};

enum { CONV_IGNORE, CONV_PROFILE, CONV_SERVICES };

static size_t
idx_hash(size_t tag, const char *key)
{
	uint64_t h = 14695981039346656037u;

	h ^= (uint64_t)tag;
	h *= 1099511628211u;
	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211u;
	}
	return (size_t)(h ^ (h >> 29));
}

/* The id stored for (tag, key), or SIZE_MAX. */
static size_t
idx_find(const struct idx *ix, size_t tag, const char *key)
{
	size_t i;

	if (ix->cap == 0)
		return SIZE_MAX;
	i = idx_hash(tag, key) & (ix->cap - 1);
	for (; ix->slot[i].key; i = (i + 1) & (ix->cap - 1))
		if (ix->slot[i].tag == tag && strcmp(ix->slot[i].key, key) == 0)
			return ix->slot[i].id;
	return SIZE_MAX;
}

static void
idx_put(struct idx_slot *slot, size_t cap, const struct idx_slot *in)
{
	size_t i = idx_hash(in->tag, in->key) & (cap - 1);

	while (slot[i].key)
		i = (i + 1) & (cap - 1);
	slot[i] = *in;
}

/* Add (tag, key) -> id; key must stay valid while the index is used. */
static void
idx_add(struct idx *ix, size_t tag, const char *key, size_t id)
{
	struct idx_slot in = {key, tag, id};

	if (2 * (ix->n + 1) > ix->cap) {
		size_t cap = ix->cap ? 2 * ix->cap : 16;
		struct idx_slot *slot = xcalloc(cap, sizeof *slot);
		size_t i;

		for (i = 0; i < ix->cap; i++)
			if (ix->slot[i].key)
				idx_put(slot, cap, &ix->slot[i]);
		free(ix->slot);
		ix->slot = slot;
		ix->cap = cap;
	}
	idx_put(ix->slot, ix->cap, &in);
	ix->n++;
}

static void
idx_free(struct idx *ix)
{
	free(ix->slot);
	memset(ix, 0, sizeof *ix);
}

/* Is the 3-byte UTF-8 sequence at p one of Python's whitespace
 * characters (U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000)? */
static int
is_space3(const unsigned char *p)
{
	if (p[0] == 0xe1)
		return p[1] == 0x9a && p[2] == 0x80;
	if (p[0] == 0xe2 && p[1] == 0x80)
		return (p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 ||
		       p[2] == 0xa9 || p[2] == 0xaf;
	if (p[0] == 0xe2)
		return p[1] == 0x81 && p[2] == 0x9f;
	return p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80;
}

static int
is_space1(unsigned char c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
}

/* Bytes taken by the whitespace character starting at s, or 0. */
static size_t
space_at(const char *s, const char *end)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = (size_t)(end - s);

	if (left >= 1 && is_space1(p[0]))
		return 1;
	if (left >= 2 && p[0] == 0xc2 && (p[1] == 0x85 || p[1] == 0xa0))
		return 2;
	if (left >= 3 && is_space3(p))
		return 3;
	return 0;
}

/* Bytes taken by the whitespace character ending at end, or 0. */
static size_t
space_before(const char *start, const char *end)
{
	const unsigned char *p = (const unsigned char *)end;
	size_t left = (size_t)(end - start);

	if (left >= 1 && is_space1(p[-1]))
		return 1;
	if (left >= 2 && p[-2] == 0xc2 && (p[-1] == 0x85 || p[-1] == 0xa0))
		return 2;
	if (left >= 3 && is_space3(p - 3))
		return 3;
	return 0;
}

/* Trim *s and *e inwards past whitespace. */
static void
strip(const char **s, const char **e)
{
	size_t n;

	while ((n = space_at(*s, *e)) != 0)
		*s += n;
	while ((n = space_before(*s, *e)) != 0)
		*e -= n;
}

/* Length of the valid UTF-8 character at p (as Python decodes it:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t
utf8_len(const unsigned char *p, size_t left)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (left < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Refuse what Python would not decode (and NUL bytes, which C strings
 * cannot carry), naming the line. */
static enum status
check_text(const char *file, const char *text, size_t len, struct err *e)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, n;
	int line = 1;

	if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return err_set(
		    e, ST_CONFIG,
		    "%s:1: the file starts with a byte order mark (save it "
		    "as UTF-8 without BOM)",
		    file);
	while (i < len) {
		if (p[i] == '\n' ||
		    (p[i] == '\r' && (i + 1 == len || p[i + 1] != '\n')))
			line++;
		if (p[i] == '\0')
			return err_set(e, ST_CONFIG, "%s:%d: NUL byte in file",
			               file, line);
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_len(p + i, len - i);
		if (n == 0)
			return err_set(e, ST_CONFIG, "%s:%d: invalid UTF-8",
			               file, line);
		i += n;
	}
	return ST_OK;
}

static void
lower_ascii(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void
kv_done(struct awscfg_kv *kv)
{
	size_t i;

	free(kv->key);
	secret_free_str(kv->value);
	for (i = 0; i < kv->nsub; i++)
		kv_done(&kv->sub[i]);
	free(kv->sub);
	memset(kv, 0, sizeof *kv);
}

static void
section_done(struct awscfg_section *s)
{
	size_t i;

	free(s->name);
	for (i = 0; i < s->nkv; i++)
		kv_done(&s->kv[i]);
	free(s->kv);
	memset(s, 0, sizeof *s);
}

static void
kv_copy(struct awscfg_kv *dst, const struct awscfg_kv *src)
{
	size_t i;

	*dst = *src;
	dst->key = xstrdup(src->key);
	dst->value = xstrdup_or_null(src->value);
	dst->sub = NULL;
	if (src->nsub) {
		dst->sub = xcalloc(src->nsub, sizeof *dst->sub);
		for (i = 0; i < src->nsub; i++)
			kv_copy(&dst->sub[i], &src->sub[i]);
	}
}

static void
seg_add(struct raw_opt *o, const char *s, size_t n, int line)
{
	o->seg = xreallocarray(o->seg, o->nseg + 1, sizeof *o->seg);
	o->seg[o->nseg].text = xstrndup(s, n);
	o->seg[o->nseg].line = line;
	o->nseg++;
}

static void
raw_sect_free(struct raw_sect *rs)
{
	size_t i, j;

	for (i = 0; i < rs->nopt; i++) {
		free(rs->opt[i].key);
		for (j = 0; j < rs->opt[i].nseg; j++)
			secret_free_str(rs->opt[i].seg[j].text);
		free(rs->opt[i].seg);
	}
	free(rs->opt);
	free(rs->name);
	memset(rs, 0, sizeof *rs);
}

static void
parser_free(struct parser *ps)
{
	size_t i;

	for (i = 0; i < ps->nsect; i++)
		raw_sect_free(&ps->sect[i]);
	free(ps->sect);
	for (i = 0; i < ps->defaults.nopt && ps->defs; i++)
		kv_done(&ps->defs[i]);
	free(ps->defs);
	free(ps->defs_done);
	raw_sect_free(&ps->defaults);
	idx_free(&ps->sects);
	idx_free(&ps->keys);
}

/* A "[name]" line (name already cut out). */
static enum status
parse_header(struct parser *ps, const char *s, size_t n, int line)
{
	char *name = xstrndup(s, n);
	size_t i;

	ps->opt = NULL;
	if (strcmp(name, "DEFAULT") == 0) {
		/* configparser: may be reopened, never a duplicate. */
		if (ps->defaults.name == NULL) {
			ps->defaults.name = name;
			ps->defaults.line = line;
		} else {
			free(name);
		}
		ps->cur = &ps->defaults;
		ps->cur_tag = TAG_DEFAULTS;
		return ST_OK;
	}
	i = idx_find(&ps->sects, 0, name);
	if (i != SIZE_MAX) {
		err_set(ps->e, ST_CONFIG,
		        "%s:%d: duplicate section [%s] (first at line %d)",
		        ps->file, line, name, ps->sect[i].line);
		free(name);
		return ST_CONFIG;
	}
	ps->sect = xreallocarray(ps->sect, ps->nsect + 1, sizeof *ps->sect);
	memset(&ps->sect[ps->nsect], 0, sizeof *ps->sect);
	ps->sect[ps->nsect].name = name;
	ps->sect[ps->nsect].line = line;
	idx_add(&ps->sects, 0, name, ps->nsect);
	ps->cur = &ps->sect[ps->nsect];
	ps->cur_tag = ps->nsect;
	ps->nsect++;
	return ST_OK;
}

/* A "key = value" line inside a section; s..e is stripped. */
static enum status
parse_option(struct parser *ps, const char *s, const char *e, int line)
{
	const char *sep = s, *ke, *vs;
	struct raw_sect *rs = ps->cur;
	struct raw_opt *o;
	char *key;
	size_t i, n;

	while (sep < e && *sep != '=' && *sep != ':')
		sep++;
	if (sep == e)
		return err_set(
		    ps->e, ST_CONFIG,
		    "%s:%d: expected \"key = value\" or a [section] header",
		    ps->file, line);
	ke = sep;
	while ((n = space_before(s, ke)) != 0)
		ke -= n;
	if (ke == s)
		return err_set(ps->e, ST_CONFIG,
		               "%s:%d: missing key before '%c'", ps->file, line,
		               *sep);
	vs = sep + 1;
	while ((n = space_at(vs, e)) != 0)
		vs += n;
	key = xstrndup(s, (size_t)(ke - s));
	lower_ascii(key);
	i = idx_find(&ps->keys, ps->cur_tag, key);
	if (i != SIZE_MAX) {
		err_set(ps->e, ST_CONFIG,
		        "%s:%d: duplicate key \"%s\" in section [%s] (first at "
		        "line %d)",
		        ps->file, line, key, rs->name, rs->opt[i].line);
		free(key);
		return ST_CONFIG;
	}
	rs->opt = xreallocarray(rs->opt, rs->nopt + 1, sizeof *rs->opt);
	o = &rs->opt[rs->nopt];
	memset(o, 0, sizeof *o);
	o->key = key;
	o->line = line;
	seg_add(o, vs, (size_t)(e - vs), line);
	idx_add(&ps->keys, ps->cur_tag, key, rs->nopt);
	rs->nopt++;
	ps->opt = o;
	return ST_OK;
}

/* One line without its terminator (configparser._read). */
static enum status
parse_line(struct parser *ps, const char *s, const char *e, int line)
{
	const char *r;
	size_t indent = 0, n;

	while ((n = space_at(s, e)) != 0) {
		s += n;
		indent++; /* Python counts characters */
	}
	while ((n = space_before(s, e)) != 0)
		e -= n;
	if (s == e) {
		/* Kept inside a value; trailing ones go at the join. */
		if (ps->opt)
			seg_add(ps->opt, "", 0, line);
		return ST_OK;
	}
	if (*s == '#' || *s == ';')
		return ST_OK;
	if (ps->opt && indent > ps->indent) {
		seg_add(ps->opt, s, (size_t)(e - s), line);
		return ST_OK;
	}
	ps->indent = indent;
	/* "\[(.+)\]" matched at the start: the last ']' closes it and any
	 * text after it is ignored, as configparser does. */
	if (*s == '[' && e - s >= 3) {
		for (r = e - 1; r > s + 1 && *r != ']'; r--)
			;
		if (r > s + 1)
			return parse_header(ps, s + 1, (size_t)(r - s - 1),
			                    line);
	}
	if (ps->cur == NULL)
		return err_set(
		    ps->e, ST_CONFIG,
		    "%s:%d: expected a [section] header before this line",
		    ps->file, line);
	return parse_option(ps, s, e, line);
}

/* Read text into raw sections. Lines end at "\n", "\r\n" or "\r", as
 * Python's universal newlines do. */
static enum status
parse_raw(struct parser *ps, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *q;
	int line = 0;

	while (p < end) {
		for (q = p; q < end && *q != '\n' && *q != '\r'; q++)
			;
		if (parse_line(ps, p, q, ++line) != ST_OK)
			return ST_CONFIG;
		if (q < end && *q == '\r' && q + 1 < end && q[1] == '\n')
			q++;
		p = q < end ? q + 1 : q;
	}
	return ST_OK;
}

/* The lines of a nested block ("key =" then indented "k = v" lines),
 * botocore's _parse_nested: split at the first '=', a repeated key
 * replaces the earlier value. */
static enum status
parse_nested(struct parser *ps, const struct raw_opt *o, size_t nseg,
             struct awscfg_kv *kv)
{
	struct idx ix = {0};
	struct awscfg_kv *sub;
	const char *s, *e, *eq, *ks, *ke;
	size_t i, j;
	char *key;

	for (i = 1; i < nseg; i++) {
		s = o->seg[i].text;
		if (*s == '\0')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			idx_free(&ix);
			return err_set(
			    ps->e, ST_CONFIG,
			    "%s:%d: expected \"key = value\" in the nested "
			    "block of \"%s\"",
			    ps->file, o->seg[i].line, o->key);
		}
		ks = s;
		ke = eq;
		strip(&ks, &ke);
		key = xstrndup(ks, (size_t)(ke - ks));
		lower_ascii(key);
		s = eq + 1;
		e = s + strlen(s);
		strip(&s, &e);
		j = idx_find(&ix, 0, key);
		if (j != SIZE_MAX) {
			free(key);
			sub = &kv->sub[j];
			secret_free_str(sub->value);
		} else {
			kv->sub = xreallocarray(kv->sub, kv->nsub + 1,
			                        sizeof *kv->sub);
			sub = &kv->sub[kv->nsub];
			memset(sub, 0, sizeof *sub);
			sub->key = key;
			sub->file = ps->file;
			idx_add(&ix, 0, key, kv->nsub++);
		}
		sub->value = xstrndup(s, (size_t)(e - s));
		sub->line = o->seg[i].line;
	}
	idx_free(&ix);
	return ST_OK;
}

/* Turn a raw option into a value: lines joined with "\n" and trailing
 * blank ones dropped, or a nested map when the first line is empty. */
static enum status
convert_opt(struct parser *ps, const struct raw_opt *o, struct awscfg_kv *kv)
{
	size_t nseg = o->nseg, i, len = 0;
	char *v;

	memset(kv, 0, sizeof *kv);
	kv->key = xstrdup(o->key);
	kv->file = ps->file;
	kv->line = o->line;
	while (nseg > 1 && o->seg[nseg - 1].text[0] == '\0')
		nseg--;
	if (o->seg[0].text[0] == '\0' && nseg > 1) {
		if (parse_nested(ps, o, nseg, kv) != ST_OK) {
			kv_done(kv);
			return ST_CONFIG;
		}
		return ST_OK;
	}
	/* Sized exactly: no stray copies of a secret in freed memory. */
	for (i = 0; i < nseg; i++)
		len += strlen(o->seg[i].text) + 1;
	v = xmalloc(len);
	len = 0;
	for (i = 0; i < nseg; i++) {
		size_t n = strlen(o->seg[i].text);

		if (i > 0)
			v[len++] = '\n';
		memcpy(v + len, o->seg[i].text, n);
		len += n;
	}
	v[len] = '\0';
	kv->value = v;
	return ST_OK;
}

/* Convert a raw section; [DEFAULT] values fill the keys it lacks, after
 * its own keys, as configparser's options() lists them. */
static enum status
convert_sect(struct parser *ps, size_t tag, struct awscfg_section *out)
{
	const struct raw_sect *rs = &ps->sect[tag];
	size_t ndefs = ps->defaults.nopt, i;

	memset(out, 0, sizeof *out);
	out->name = xstrdup(rs->name);
	out->file = ps->file;
	out->line = rs->line;
	out->kv = xcalloc(rs->nopt + ndefs, sizeof *out->kv);
	for (i = 0; i < rs->nopt; i++) {
		if (convert_opt(ps, &rs->opt[i], &out->kv[i]) != ST_OK)
			goto fail;
		out->nkv++;
	}
	for (i = 0; i < ndefs; i++) {
		if (idx_find(&ps->keys, tag, ps->defaults.opt[i].key) !=
		    SIZE_MAX)
			continue;
		if (ps->defs == NULL) {
			ps->defs = xcalloc(ndefs, sizeof *ps->defs);
			ps->defs_done = xcalloc(ndefs, 1);
		}
		if (!ps->defs_done[i]) {
			if (convert_opt(ps, &ps->defaults.opt[i],
			                &ps->defs[i]) != ST_OK)
				goto fail;
			ps->defs_done[i] = 1;
		}
		kv_copy(&out->kv[out->nkv++], &ps->defs[i]);
	}
	return ST_OK;
fail:
	section_done(out);
	return ST_CONFIG;
}

/* Python's shlex.split(s) (POSIX mode, no comments): the second word
 * when there are exactly two, else NULL (also for an unclosed quote or
 * a trailing backslash, which botocore skips). Caller frees. */
static char *
shlex_second(const char *s)
{
	char *tok = xmalloc(strlen(s) + 1), *second = NULL;
	char state = ' ', esc_from = 'a';
	size_t n = 0;
	int words = 0, quoted = 0;

	for (;; s++) {
		char c = *s;

		if (state == '\\') {
			if (c == '\0')
				goto bad;
			/* Inside "...", only \" and \\ are escapes. */
			if (esc_from == '"' && c != '\\' && c != '"')
				tok[n++] = '\\';
			tok[n++] = c;
			state = esc_from;
		} else if (state == '"' || state == '\'') {
			quoted = 1;
			if (c == '\0')
				goto bad;
			if (c == state)
				state = 'a';
			else if (c == '\\' && state == '"') {
				esc_from = state;
				state = '\\';
			} else
				tok[n++] = c;
		} else if (c == '\0' || c == ' ' || c == '\t' || c == '\r' ||
		           c == '\n') {
			if (state == 'a' && (n > 0 || quoted)) {
				if (++words == 2)
					second = xstrndup(tok, n);
			}
			state = ' ';
			n = 0;
			quoted = 0;
			if (c == '\0')
				break;
		} else if (c == '\\') {
			esc_from = 'a';
			state = '\\';
		} else if (c == '"' || c == '\'') {
			state = c;
		} else {
			tok[n++] = c;
			state = 'a';
		}
	}
	free(tok);
	if (words != 2) {
		free(second);
		return NULL;
	}
	return second;
bad:
	free(tok);
	free(second);
	return NULL;
}

static int
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Where a config-file section goes (botocore's build_profile_map). */
static void
classify(struct conv *c)
{
	const char *name = c->s.name;

	c->kind = CONV_IGNORE;
	c->alias = NULL;
	if (has_prefix(name, "profile")) {
		c->alias = shlex_second(name);
		if (c->alias)
			c->kind = CONV_PROFILE;
	} else if (has_prefix(name, "sso-session")) {
		/* Its own namespace; rolehop does not use it. */
	} else if (has_prefix(name, "services")) {
		c->alias = shlex_second(name);
		if (c->alias)
			c->kind = CONV_SERVICES;
	} else if (strcmp(name, "default") == 0) {
		c->alias = xstrdup(name);
		c->kind = CONV_PROFILE;
	}
}

/* Index of the section called name in v, or SIZE_MAX. */
static size_t
find_section(const struct awscfg_section *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return i;
	return SIZE_MAX;
}

/* Add a section under name, or replace the contents of the section of
 * that name in place (it keeps its position and its name string, which
 * the index points at). Takes s and name. */
static void
put_section(struct awscfg_section **v, size_t *n, struct idx *ix,
            struct awscfg_section *s, char *name)
{
	size_t i = idx_find(ix, 0, name);
	char *keep;

	free(s->name);
	if (i == SIZE_MAX) {
		s->name = name;
		*v = xreallocarray(*v, *n + 1, sizeof **v);
		(*v)[*n] = *s;
		idx_add(ix, 0, name, *n);
		(*n)++;
	} else {
		keep = (*v)[i].name;
		(*v)[i].name = NULL;
		section_done(&(*v)[i]);
		(*v)[i] = *s;
		(*v)[i].name = keep;
		free(name);
	}
	memset(s, 0, sizeof *s);
}

/* Merge a credentials-file section into the profile of the same name:
 * its keys override (taking their file and line) or are added. Takes
 * src. */
static void
merge_profile(struct awscfg_section *dst, struct awscfg_section *src)
{
	struct idx ix = {0};
	size_t i, j;
	char *keep;

	for (i = 0; i < dst->nkv; i++)
		idx_add(&ix, 0, dst->kv[i].key, i);
	dst->kv = xreallocarray(dst->kv, dst->nkv + src->nkv, sizeof *dst->kv);
	for (i = 0; i < src->nkv; i++) {
		j = idx_find(&ix, 0, src->kv[i].key);
		if (j == SIZE_MAX) {
			dst->kv[dst->nkv] = src->kv[i];
			idx_add(&ix, 0, dst->kv[dst->nkv].key, dst->nkv);
			dst->nkv++;
			continue;
		}
		/* Keep the old key string: the index points at it. */
		keep = dst->kv[j].key;
		dst->kv[j].key = NULL;
		kv_done(&dst->kv[j]);
		dst->kv[j] = src->kv[i];
		free(dst->kv[j].key);
		dst->kv[j].key = keep;
	}
	idx_free(&ix);
	free(src->kv);
	src->kv = NULL;
	src->nkv = 0;
	section_done(src);
}

/* Move the converted sections into cfg (cannot fail). */
static void
merge(struct awscfg *cfg, struct conv *cv, size_t n, int is_credentials)
{
	struct idx prof = {0}, serv = {0};
	size_t i, j;

	for (i = 0; i < cfg->nprofiles; i++)
		idx_add(&prof, 0, cfg->profiles[i].name, i);
	for (i = 0; i < cfg->nservices; i++)
		idx_add(&serv, 0, cfg->services[i].name, i);
	for (i = 0; i < n; i++) {
		struct awscfg_section *s = &cv[i].s;

		if (is_credentials) {
			j = idx_find(&prof, 0, s->name);
			if (j != SIZE_MAX)
				merge_profile(&cfg->profiles[j], s);
			else
				put_section(&cfg->profiles, &cfg->nprofiles,
				            &prof, s, xstrdup(s->name));
		} else if (cv[i].kind == CONV_PROFILE) {
			put_section(&cfg->profiles, &cfg->nprofiles, &prof, s,
			            cv[i].alias);
			cv[i].alias = NULL;
		} else if (cv[i].kind == CONV_SERVICES) {
			put_section(&cfg->services, &cfg->nservices, &serv, s,
			            cv[i].alias);
			cv[i].alias = NULL;
		}
	}
	idx_free(&prof);
	idx_free(&serv);
}

/* The owned copy of path that values of this parse point at. */
static const char *
adopt_path(struct awscfg *cfg, const char *path, int is_credentials)
{
	char **slot =
	    is_credentials ? &cfg->credentials_path : &cfg->config_path;

	if (*slot && strcmp(*slot, path) == 0)
		return *slot;
	if (*slot) {
		/* Earlier values still point at the old copy. */
		cfg->old_paths =
		    xreallocarray(cfg->old_paths, cfg->nold_paths + 1,
		                  sizeof *cfg->old_paths);
		cfg->old_paths[cfg->nold_paths++] = *slot;
	}
	*slot = xstrdup(path);
	return *slot;
}

enum status
awscfg_parse(struct awscfg *cfg, const char *path, const char *text, size_t len,
             int is_credentials, struct err *e)
{
	struct parser ps;
	struct conv *cv = NULL;
	size_t ncv = 0, i;
	enum status st = ST_CONFIG;

	if (path == NULL)
		path = "(input)";
	if (len > AWSCFG_MAX_FILE)
		return err_set(e, ST_CONFIG,
		               "%s: file too large (more than %u bytes)", path,
		               AWSCFG_MAX_FILE);
	if (check_text(path, text, len, e) != ST_OK)
		return ST_CONFIG;
	memset(&ps, 0, sizeof ps);
	ps.file = adopt_path(cfg, path, is_credentials);
	ps.e = e;
	if (len > 0 && parse_raw(&ps, text, len) != ST_OK)
		goto out;
	cv = xcalloc(ps.nsect ? ps.nsect : 1, sizeof *cv);
	for (; ncv < ps.nsect; ncv++) {
		if (convert_sect(&ps, ncv, &cv[ncv].s) != ST_OK)
			goto out;
		if (!is_credentials)
			classify(&cv[ncv]);
	}
	merge(cfg, cv, ncv, is_credentials);
	st = ST_OK;
out:
	for (i = 0; i < ncv; i++) {
		section_done(&cv[i].s);
		free(cv[i].alias);
	}
	free(cv);
	parser_free(&ps);
	return st;
}

/* Read one file (at most AWSCFG_MAX_FILE bytes) and parse it. A missing
 * file, or one that is not a regular file or directory (botocore skips
 * whatever os.path.isfile() rejects, such as /dev/null), adds nothing. */
static enum status
load_file(struct awscfg *cfg, const char *path, int is_credentials,
          struct err *e)
{
	struct stat st;
	char *data, *bigger;
	size_t cap, len = 0;
	ssize_t n;
	enum status rc;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return ST_OK;
		return err_set(e, ST_IO, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		saved = errno;
		close(fd);
		return err_set(e, ST_IO, "%s: %s", path, strerror(saved));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return err_set(e, ST_IO, "%s: %s", path, strerror(EISDIR));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return ST_OK;
	}
	if ((uintmax_t)st.st_size > AWSCFG_MAX_FILE) {
		close(fd);
		return err_set(e, ST_CONFIG,
		               "%s: file too large (more than %u bytes)", path,
		               AWSCFG_MAX_FILE);
	}
	/* One byte more than the size, to see growth; grown by hand so
	 * no partial copy of a secret is left in freed memory. */
	cap = (size_t)st.st_size + 1;
	data = xmalloc(cap);
	for (;;) {
		if (len == cap) {
			if (cap > AWSCFG_MAX_FILE)
				break;
			bigger = xmalloc(2 * cap);
			memcpy(bigger, data, len);
			secret_free(data, cap);
			data = bigger;
			cap *= 2;
		}
		n = read(fd, data + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			close(fd);
			secret_free(data, cap);
			return err_set(e, ST_IO, "%s: %s", path,
			               strerror(saved));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > AWSCFG_MAX_FILE) {
		secret_free(data, cap);
		return err_set(e, ST_CONFIG,
		               "%s: file too large (more than %u bytes)", path,
		               AWSCFG_MAX_FILE);
	}
	rc = awscfg_parse(cfg, path, data, len, is_credentials, e);
	secret_free(data, cap);
	return rc;
}

enum status
awscfg_load(struct awscfg *cfg, const char *config_path,
            const char *credentials_path, struct err *e)
{
	if (config_path && load_file(cfg, config_path, 0, e) != ST_OK)
		return e->status;
	if (credentials_path && load_file(cfg, credentials_path, 1, e) != ST_OK)
		return e->status;
	return ST_OK;
}

void
awscfg_init(struct awscfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
}

void
awscfg_free(struct awscfg *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nprofiles; i++)
		section_done(&cfg->profiles[i]);
	free(cfg->profiles);
	for (i = 0; i < cfg->nservices; i++)
		section_done(&cfg->services[i]);
	free(cfg->services);
	free(cfg->config_path);
	free(cfg->credentials_path);
	for (i = 0; i < cfg->nold_paths; i++)
		free(cfg->old_paths[i]);
	free(cfg->old_paths);
	awscfg_init(cfg);
}

const struct awscfg_section *
awscfg_profile(const struct awscfg *cfg, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	i = find_section(cfg->profiles, cfg->nprofiles, name);
	return i == SIZE_MAX ? NULL : &cfg->profiles[i];
}

const struct awscfg_section *
awscfg_services(const struct awscfg *cfg, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	i = find_section(cfg->services, cfg->nservices, name);
	return i == SIZE_MAX ? NULL : &cfg->services[i];
}

const struct awscfg_kv *
awscfg_get_kv(const struct awscfg_section *s, const char *key)
{
	size_t i;

	if (s == NULL || key == NULL)
		return NULL;
	for (i = 0; i < s->nkv; i++)
		if (strcmp(s->kv[i].key, key) == 0)
			return &s->kv[i];
	return NULL;
}

const char *
awscfg_get(const struct awscfg_section *s, const char *key)
{
	const struct awscfg_kv *kv = awscfg_get_kv(s, key);

	return kv ? kv->value : NULL;
}
