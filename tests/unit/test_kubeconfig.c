/*
 * test_kubeconfig - merging rolehop's entries into kubeconfigs, and
 * writing files safely.
 *
 * Golden cases under tests/data/kubeconfig/<case>/ (input.yaml, when
 * there is one, and expected.yaml) are compared byte for byte, then
 * merged again to check that the result is stable and found by name.
 * Broken files under bad/ must be refused with their FILE:LINE message.
 * Strings that YAML readers would take for something else go through a
 * real kubectl (skipped when there is none). atomicfile and
 * kubeconfig_update_file are tested on real files in a mkdtemp()
 * directory: modes, backups, the lock (held, released, disabled),
 * failures that must change nothing, and eight concurrent writers.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "atomicfile.h"
#include "buf.h"
#include "kubeconfig.h"
#include "spawn.h"
#include "xalloc.h"

/* ---------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------ */

/* The path of a fixture under tests/data/kubeconfig (caller frees). */
static char *
fixture(const char *name)
{
	const char *dir = getenv("TESTDATA");

	return xasprintf("%s/kubeconfig/%s", dir && *dir ? dir : "tests/data",
	                 name);
}

/* A whole file (caller frees), NUL-terminated; NULL when it is missing. */
static char *
slurp_path(const char *path, size_t *len)
{
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	*len = 0;
	if (f == NULL) {
		assert_int_equal(errno, ENOENT);
		return NULL;
	}
	buf_init(&b, (size_t)64 << 20);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		assert_int_equal(buf_append(&b, chunk, n), 0);
	assert_false(ferror(f));
	fclose(f);
	*len = b.len;
	return buf_take(&b);
}

static char *
slurp_fixture(const char *name, size_t *len)
{
	char *path = fixture(name);
	char *text = slurp_path(path, len);

	free(path);
	return text;
}

static void
write_path(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static void
assert_file_is(const char *path, const char *text)
{
	size_t len;
	char *got = slurp_path(path, &len);

	assert_non_null(got);
	assert_int_equal(len, strlen(text));
	assert_memory_equal(got, text, len);
	free(got);
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The names in dir, sorted and joined with spaces (caller frees). */
static char *
listing(const char *dir)
{
	struct dirent **names;
	struct buf b;
	int n = scandir(dir, &names, NULL, alphasort);

	assert_true(n >= 0);
	buf_init(&b, 1 << 20);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' ||
		    (strcmp(names[i]->d_name, ".") &&
		     strcmp(names[i]->d_name, "..")))
			buf_printf(&b, "%s%s", b.len ? " " : "",
			           names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return buf_take(&b);
}

static void
assert_listing(const char *dir, const char *expected)
{
	char *got = listing(dir);

	assert_string_equal(got, expected);
	free(got);
}

/* A scratch directory per test, removed afterwards. */
struct scratch {
	char *dir;
};

static int
scratch_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	struct scratch *s = xcalloc(1, sizeof *s);

	s->dir =
	    xasprintf("%s/test_kubeconfig.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(s->dir) == NULL)
		return -1;
	umask(022);
	*state = s;
	return 0;
}

/* rm -r without a shell. */
static void
remove_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;

		chmod(path, 0700);
		while (d && (de = readdir(d)) != NULL) {
			char *sub;

			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			sub = xasprintf("%s/%s", path, de->d_name);
			remove_tree(sub);
			free(sub);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static int
scratch_teardown(void **state)
{
	struct scratch *s = *state;

	remove_tree(s->dir);
	free(s->dir);
	free(s);
	return 0;
}

static char *
in_dir(void **state, const char *name)
{
	const struct scratch *s = *state;

	return xasprintf("%s/%s", s->dir, name);
}

/* ---------------------------------------------------------------------
 * Entries
 * ------------------------------------------------------------------ */

static const char *const demo_args[] = {"token", "dev",      "--cluster",
                                        "demo",  "--region", "eu-west-1"};
static const char *const demo_env[] = {
    "ROLEHOP_CONFIG=/etc/rolehop/config.yaml"};

static struct kube_entry
demo_entry(void)
{
	struct kube_entry e = {
	    .name = "rolehop/dev/demo",
	    .context = "dev-demo",
	    .server = "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
	    .ca_data = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
	    .exec = {.command = "rolehop",
	             .args = demo_args,
	             .nargs = sizeof demo_args / sizeof *demo_args,
	             .env = demo_env,
	             .nenv = 1,
	             .install_hint = "rolehop is not installed: see "
	                             "https://example.com/rolehop"},
	};

	return e;
}

static const char *const prod_args[] = {"token", "prod", "--cluster",
                                        "prod-main"};

/* Every override of the cluster and context, and v1beta1. */
static struct kube_entry
overrides_entry(void)
{
	struct kube_entry e = {
	    .name = "rolehop/prod/prod-main",
	    .context = "prod",
	    .server = "https://127.0.0.1:8443",
	    .ca_data = "SUdOT1JFRA==", /* ca_file wins */
	    .ca_file = "/etc/rolehop/prod-ca.pem",
	    .tls_server_name = "ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
	    .proxy_url = "socks5://127.0.0.1:1080",
	    .namespace = "payments",
	    .exec = {.api_version = "client.authentication.k8s.io/v1beta1",
	             .command = "/usr/local/bin/rolehop",
	             .args = prod_args,
	             .nargs = sizeof prod_args / sizeof *prod_args},
	};

	return e;
}

/* A small entry named after i, for the many-writers tests. */
static struct kube_entry
numbered_entry(char *name, size_t size, int i)
{
	struct kube_entry e = demo_entry();

	snprintf(name, size, "writer-%d", i);
	e.name = e.context = name;
	return e;
}

/* ---------------------------------------------------------------------
 * Golden merges
 * ------------------------------------------------------------------ */

struct golden {
	const char *input;    /* fixture, or NULL for no file */
	const char *expected; /* fixture */
	struct kube_entry (*entry)(void);
	bool updated;
};

static const struct golden goldens[] = {
    {NULL, "new/expected.yaml", demo_entry, false},
    {"comments/input.yaml", "new/expected.yaml", demo_entry, false},
    {"empty-map/input.yaml", "new/expected.yaml", demo_entry, false},
    {"aws/input.yaml", "aws/expected.yaml", demo_entry, false},
    {"replace/input.yaml", "replace/expected.yaml", demo_entry, true},
    {NULL, "overrides/expected.yaml", overrides_entry, false},
    {"null-lists/input.yaml", "null-lists/expected.yaml", demo_entry, false},
    {"flow-root/input.yaml", "flow-root/expected.yaml", demo_entry, false},
};

/* Compare with a fixture; on a difference, keep what we got in the
 * current directory for a diff. */
static void
assert_golden(const char *got, size_t len, const char *name)
{
	size_t elen;
	char *want = slurp_fixture(name, &elen);

	if (want == NULL || elen != len || memcmp(want, got, len) != 0) {
		char *saved = xasprintf("kubeconfig-%s", name);
		FILE *f;

		for (char *p = saved; *p; p++)
			if (*p == '/')
				*p = '-';
		f = fopen(saved, "wb");
		if (f) {
			fwrite(got, 1, len, f);
			fclose(f);
		}
		fail_msg("%s differs; the output is in %s", name, saved);
	}
	free(want);
}

static void
test_golden(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof goldens / sizeof *goldens; i++) {
		const struct golden *g = &goldens[i];
		struct kube_entry e = g->entry();
		char *in = NULL, *out, *again;
		size_t inlen = 0, outlen, againlen;
		bool updated;
		struct err err;

		if (g->input)
			assert_non_null(in = slurp_fixture(g->input, &inlen));
		err_clear(&err);
		if (kubeconfig_merge("input.yaml", in, inlen, &e, &out, &outlen,
		                     &updated, &err) != ST_OK)
			fail_msg("%s: %s", g->expected, err.msg);
		assert_golden(out, outlen, g->expected);
		assert_int_equal(updated, g->updated);
		assert_int_equal(strlen(out), outlen);

		/* Merging the same entry again finds it and changes
		 * nothing. */
		assert_int_equal(kubeconfig_merge("expected.yaml", out, outlen,
		                                  &e, &again, &againlen,
		                                  &updated, &err),
		                 ST_OK);
		assert_true(updated);
		assert_int_equal(againlen, outlen);
		assert_memory_equal(again, out, outlen);
		free(again);
		free(out);
		free(in);
	}
}

static void
test_render(void **state)
{
	struct kube_entry e = demo_entry();
	struct err err;
	char *out;
	size_t len;

	(void)state;
	assert_int_equal(kubeconfig_render(&e, &out, &len, &err), ST_OK);
	assert_golden(out, len, "new/expected.yaml");
	free(out);
}

/* ---------------------------------------------------------------------
 * Refused documents
 * ------------------------------------------------------------------ */

static void
assert_refused(const char *text, size_t len, const char *message)
{
	struct kube_entry e = demo_entry();
	static char untouched[] = "untouched";
	char *out = untouched;
	size_t outlen = 1;
	bool updated = true;
	struct err err;

	err_clear(&err);
	assert_int_equal(kubeconfig_merge("bad.yaml", text, len, &e, &out,
	                                  &outlen, &updated, &err),
	                 ST_CONFIG);
	assert_string_equal(err.msg, message);
	assert_null(out);
	assert_int_equal(outlen, 0);
	assert_false(updated);
}

static void
test_bad_fixtures(void **state)
{
	static const struct {
		const char *file, *message;
	} cases[] = {
	    {"invalid", "bad.yaml:5: invalid YAML: did not find expected ',' "
	                "or '}' (while parsing a flow mapping at line 4)"},
	    {"tab", "bad.yaml:4: invalid YAML: found a tab character that "
	            "violates indentation (while scanning a plain scalar at "
	            "line 3)"},
	    {"utf8", "bad.yaml:3: invalid YAML: incomplete UTF-8 octet "
	             "sequence"},
	    {"top-list",
	     "bad.yaml:1: not a kubeconfig: the top level is not a mapping"},
	    {"top-scalar",
	     "bad.yaml:2: not a kubeconfig: the top level is not a mapping"},
	    {"clusters-map", "bad.yaml:4: clusters is not a list"},
	    {"users-string", "bad.yaml:3: users is not a list"},
	    {"contexts-entry", "bad.yaml:6: contexts entry 2 is not a mapping"},
	    {"clusters-entry-list",
	     "bad.yaml:4: clusters entry 1 is not a mapping"},
	    {"anchor", "bad.yaml:5: anchors and aliases are not supported"},
	    {"alias", "bad.yaml:3: anchors and aliases are not supported"},
	    {"two-docs", "bad.yaml:3: more than one YAML document"},
	    {"duplicate", "bad.yaml:5: duplicate key clusters"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *name = xasprintf("bad/%s.yaml", cases[i].file);
		size_t len;
		char *text = slurp_fixture(name, &len);

		assert_non_null(text);
		print_message("%s\n", name);
		assert_refused(text, len, cases[i].message);
		free(text);
		free(name);
	}
}

static void
test_limits(void **state)
{
	size_t n = KUBECONFIG_MAX_FILE + 1;
	char *text = xmalloc(n + 1);

	(void)state;
	/* Nesting beyond the cap. */
	memset(text, '[', 100);
	memcpy(text + 100, "\n", 2);
	assert_refused(text, 101, "bad.yaml:1: nested deeper than 64 levels");

	/* A file past the size cap. */
	memset(text, '#', n);
	text[n] = '\0';
	assert_refused(text, n, "bad.yaml: larger than 16777216 bytes");

	/* A file just under it whose merge would pass it. */
	memcpy(text, "x: ", 3);
	memset(text + 3, 'a', KUBECONFIG_MAX_FILE - 4);
	memcpy(text + KUBECONFIG_MAX_FILE - 1, "\n", 2);
	assert_refused(text, KUBECONFIG_MAX_FILE,
	               "bad.yaml: the merged kubeconfig would be larger than "
	               "16777216 bytes");
	free(text);
}

static void
test_bad_entries(void **state)
{
	static const char *const no_eq[] = {"NO_EQUALS"};
	static const char *const bad_arg[] = {"ok", "caf\xc3"};
	struct kube_entry e;
	struct err err;
	char *out;
	size_t len;

	(void)state;
	e = demo_entry();
	e.name = NULL;
	assert_int_equal(kubeconfig_render(&e, &out, &len, &err), ST_USAGE);
	assert_string_equal(err.msg,
	                    "kubeconfig entry: no cluster and user name");

	e = demo_entry();
	e.context = "";
	assert_int_equal(kubeconfig_render(&e, &out, &len, &err), ST_USAGE);
	assert_string_equal(err.msg, "kubeconfig entry: no context name");

	e = demo_entry();
	e.server = "https://\xff";
	assert_int_equal(kubeconfig_render(&e, &out, &len, &err), ST_USAGE);
	assert_string_equal(err.msg,
	                    "kubeconfig entry: the server is not valid UTF-8");

	e = demo_entry();
	e.context = "\xed\xa0\x80"; /* a UTF-16 surrogate */
	assert_int_equal(kubeconfig_render(&e, &out, &len, &err), ST_USAGE);

	e = demo_entry();
	e.exec.env = no_eq;
	assert_int_equal(kubeconfig_render(&e, &out, &len, &err), ST_USAGE);
	assert_string_equal(err.msg, "kubeconfig entry: exec environment "
	                             "entry 1 is not NAME=value");

	e = demo_entry();
	e.exec.args = NULL;
	assert_int_equal(kubeconfig_render(&e, &out, &len, &err), ST_USAGE);
	assert_string_equal(err.msg, "kubeconfig entry: no exec arguments");

	e = demo_entry();
	e.exec.args = bad_arg;
	e.exec.nargs = 2;
	assert_int_equal(kubeconfig_render(&e, &out, &len, &err), ST_USAGE);
	assert_string_equal(
	    err.msg, "kubeconfig entry: exec argument 2 is not valid UTF-8");
}

/* ---------------------------------------------------------------------
 * Quoting
 * ------------------------------------------------------------------ */

/* How current-context comes out for a context name. */
static void
assert_context_written(const char *context, const char *written)
{
	struct kube_entry e = demo_entry();
	char *out, *line = xasprintf("\ncurrent-context: %s\n", written);
	struct err err;
	size_t len;

	e.context = context;
	assert_int_equal(kubeconfig_render(&e, &out, &len, &err), ST_OK);
	if (strstr(out, line) == NULL)
		fail_msg("%s not written as %s:\n%s", context, written, out);
	free(line);
	free(out);
}

static void
test_quoting(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"dev", "dev"},
	    {"arn:aws:eks:us-west-2:123456789012:cluster/demo",
	     "arn:aws:eks:us-west-2:123456789012:cluster/demo"},
	    {"--region", "--region"},
	    {"a-b_c.d/e@f", "a-b_c.d/e@f"},
	    {"日本語-ünï", "日本語-ünï"},
	    {"yes", "\"yes\""},
	    {"No", "\"No\""},
	    {"ON", "\"ON\""},
	    {"y", "\"y\""},
	    {"null", "\"null\""},
	    {"~", "\"~\""},
	    {"1.30", "\"1.30\""},
	    {"0x1F", "\"0x1F\""},
	    {"1_000", "\"1_000\""},
	    {"-1", "\"-1\""},
	    {".5", "\".5\""},
	    {".inf", "\".inf\""},
	    {"2001-12-14", "\"2001-12-14\""},
	    {"<<", "\"<<\""},
	    {"=", "\"=\""},
	    {"- item", "\"- item\""},
	    {"-", "\"-\""},
	    {"---", "\"---\""},
	    {"...", "\"...\""},
	    {"key: value", "\"key: value\""},
	    {"ends:", "\"ends:\""},
	    {"a #comment", "\"a #comment\""},
	    {"a#b", "\"a#b\""},
	    {"*star", "\"*star\""},
	    {"&amp", "\"&amp\""},
	    {"!bang", "\"!bang\""},
	    {"{brace}", "\"{brace}\""},
	    {"x,y", "\"x,y\""},
	    {"%pct", "\"%pct\""},
	    {"`tick", "\"`tick\""},
	    {"it's", "\"it's\""},
	    {"say \"hi\"", "\"say \\\"hi\\\"\""},
	    {"two\nlines", "\"two\\nlines\""},
	    {"tab\there", "\"tab\\there\""},
	    {" lead", "\" lead\""},
	    {"trail ", "\"trail \""},
	    {"line\xe2\x80\xa8sep", "\"line\\Lsep\""},
	    {"$(rm -rf ~)", "$(rm -rf ~)"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		assert_context_written(cases[i].in, cases[i].out);
}

/* ---------------------------------------------------------------------
 * kubectl as a reader
 * ------------------------------------------------------------------ */

/* Names that YAML could misread, or that shells and terminals mind. */
static const char *const nasty[] = {
    "it's \"quoted\"",
    "spaces and $(rm -rf /) `id` ;|&",
    "two\nlines\r\n",
    "ünïcødé 日本語 🚀",
    "yes",
    "no",
    "on",
    "Off",
    "y",
    "null",
    "~",
    "1.30",
    "0o17",
    "1e3",
    "-1",
    "- dash",
    "--flag",
    "key: value",
    "a #hash",
    "*star",
    "&amp",
    "!bang",
    "{brace}",
    "[bracket]",
    "%pct",
    "@at",
    "?q",
    ":colon",
    "ends:",
    " lead",
    "trail ",
    "tab\t",
    "---",
    "<<",
    "\\back\\slash",
    "\x7f\x01control",
};

#define NNASTY (sizeof nasty / sizeof *nasty)

/* The entry for nasty[i]: its name, context, namespace, arguments and
 * environment all carry the string. */
struct nasty_entry {
	struct kube_entry e;
	char *context, *env;
	const char *args[3];
	const char *envv[1];
};

static void
nasty_init(struct nasty_entry *n, size_t i)
{
	n->context = xasprintf("ctx %zu %s", i, nasty[i]);
	n->env = xasprintf("NASTY=%s", nasty[i]);
	n->args[0] = "token";
	n->args[1] = nasty[i];
	n->args[2] = "";
	n->envv[0] = n->env;
	n->e = demo_entry();
	n->e.name = nasty[i];
	n->e.context = n->context;
	n->e.namespace = nasty[i];
	n->e.tls_server_name = nasty[i];
	n->e.exec.args = n->args;
	n->e.exec.nargs = 3;
	n->e.exec.env = n->envv;
	n->e.exec.nenv = 1;
	n->e.exec.install_hint = nasty[i];
}

static void
nasty_done(struct nasty_entry *n)
{
	free(n->context);
	free(n->env);
}

/* Every nasty entry merged into one document (caller frees). */
static char *
merge_all_nasty(size_t *len)
{
	char *text = NULL;

	*len = 0;
	for (size_t i = 0; i < NNASTY; i++) {
		struct nasty_entry n;
		struct err err;
		bool updated;
		char *out;

		nasty_init(&n, i);
		if (kubeconfig_merge("nasty.yaml", text, *len, &n.e, &out, len,
		                     &updated, &err) != ST_OK)
			fail_msg("%zu: %s", i, err.msg);
		assert_false(updated);
		free(text);
		text = out;
		nasty_done(&n);
	}
	return text;
}

/* Every nasty name is found again by name: merging any entry once more
 * replaces it in place (only current-context moves). */
static void
test_nasty_round_trip(void **state)
{
	size_t len;
	char *text = merge_all_nasty(&len);

	(void)state;
	for (size_t i = 0; i < NNASTY; i++) {
		struct nasty_entry n;
		struct err err;
		bool updated;
		char *out, *again;
		size_t outlen, againlen;

		nasty_init(&n, i);
		assert_int_equal(kubeconfig_merge("nasty.yaml", text, len, &n.e,
		                                  &out, &outlen, &updated,
		                                  &err),
		                 ST_OK);
		assert_true(updated);
		assert_int_equal(kubeconfig_merge("nasty.yaml", out, outlen,
		                                  &n.e, &again, &againlen,
		                                  &updated, &err),
		                 ST_OK);
		assert_true(updated);
		assert_int_equal(againlen, outlen);
		assert_memory_equal(again, out, outlen);
		free(again);
		free(out);
		nasty_done(&n);
	}
	free(text);
}

/* Run argv with envp; its standard output (caller frees) and exit
 * status. No shell. */
static char *
run_capture(const char *const *argv, const char *const *envp, int *status)
{
	struct buf b;
	char chunk[4096];
	int fds[2];
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		/* execve() takes char *const[] but does not modify it. */
		union {
			const char *const *c;
			char *const *m;
		} a = {argv}, v = {envp};

		execve(argv[0], a.m, v.m);
		_exit(127);
	}
	close(fds[1]);
	buf_init(&b, (size_t)64 << 20);
	while ((n = read(fds[0], chunk, sizeof chunk)) > 0)
		assert_int_equal(buf_append(&b, chunk, (size_t)n), 0);
	close(fds[0]);
	assert_int_equal(waitpid(pid, status, 0), pid);
	return buf_take(&b);
}

/* kubectl config view of a file, as JSON (caller deletes); skips the
 * test when there is no kubectl. */
static cJSON *
kubectl_view(void **state, const char *text, size_t len)
{
	const struct scratch *s = *state;
	char *kubectl = spawn_find_program("kubectl", getenv("PATH"));
	char *path = in_dir(state, "kubectl.yaml");
	char *home = xasprintf("HOME=%s", s->dir);
	const char *argv[] = {kubectl, "config",       "view", "--raw", "-o",
	                      "json",  "--kubeconfig", path,   NULL};
	const char *envp[] = {home, "PATH=/usr/bin:/bin", NULL};
	cJSON *json;
	char *out;
	int status;
	FILE *f;

	if (kubectl == NULL) {
		print_message("no kubectl: skipped\n");
		free(path);
		free(home);
		skip();
	}
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	out = run_capture(argv, envp, &status);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("kubectl config view failed (%d):\n%s", status, text);
	json = cJSON_Parse(out);
	assert_non_null(json);
	free(out);
	free(home);
	free(path);
	free(kubectl);
	return json;
}

/* The element of the array list whose "name" is name. */
static const cJSON *
named(const cJSON *root, const char *list, const char *name)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(root, list))
	{
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(item, "name");

		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
			return item;
	}
	fail_msg("no %s entry named \"%s\"", list, name);
	return NULL;
}

/* The string at a path of object keys under obj. */
static const char *
str_at(const cJSON *obj, const char *k1, const char *k2, const char *k3)
{
	const char *keys[] = {k1, k2, k3};

	for (size_t i = 0; i < 3 && keys[i]; i++)
		obj = cJSON_GetObjectItemCaseSensitive(obj, keys[i]);
	if (!cJSON_IsString(obj))
		fail_msg("%s.%s.%s is not a string", k1, k2 ? k2 : "",
		         k3 ? k3 : "");
	return obj->valuestring;
}

/* kubectl reads back exactly what each entry says. */
static void
assert_kubectl_sees(const cJSON *view, const struct kube_entry *e)
{
	const cJSON *ctx = named(view, "contexts", e->context);
	const cJSON *cl = named(view, "clusters", e->name);
	const cJSON *u = named(view, "users", e->name);
	const cJSON *exec = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(u, "user"), "exec");
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(exec, "args");
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(exec, "env");

	assert_string_equal(str_at(ctx, "context", "cluster", NULL), e->name);
	assert_string_equal(str_at(ctx, "context", "user", NULL), e->name);
	if (e->namespace)
		assert_string_equal(str_at(ctx, "context", "namespace", NULL),
		                    e->namespace);
	assert_string_equal(str_at(cl, "cluster", "server", NULL), e->server);
	if (e->tls_server_name)
		assert_string_equal(
		    str_at(cl, "cluster", "tls-server-name", NULL),
		    e->tls_server_name);
	assert_string_equal(str_at(exec, "command", NULL, NULL),
	                    e->exec.command);
	assert_string_equal(str_at(exec, "interactiveMode", NULL, NULL),
	                    "Never");
	if (e->exec.install_hint)
		assert_string_equal(str_at(exec, "installHint", NULL, NULL),
		                    e->exec.install_hint);
	assert_int_equal(cJSON_GetArraySize(args), (int)e->exec.nargs);
	for (size_t i = 0; i < e->exec.nargs; i++)
		assert_string_equal(
		    cJSON_GetArrayItem(args, (int)i)->valuestring,
		    e->exec.args[i]);
	assert_int_equal(cJSON_GetArraySize(env), (int)e->exec.nenv);
	for (size_t i = 0; i < e->exec.nenv; i++) {
		const cJSON *var = cJSON_GetArrayItem(env, (int)i);
		const char *eq = strchr(e->exec.env[i], '=');
		const char *name = str_at(var, "name", NULL, NULL);

		assert_int_equal(strlen(name), (size_t)(eq - e->exec.env[i]));
		assert_memory_equal(name, e->exec.env[i], strlen(name));
		assert_string_equal(str_at(var, "value", NULL, NULL), eq + 1);
	}
}

static void
test_kubectl_nasty(void **state)
{
	struct nasty_entry n;
	size_t len;
	char *text = merge_all_nasty(&len);
	cJSON *view = kubectl_view(state, text, len);

	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	                     view, "contexts")),
	                 (int)NNASTY);
	for (size_t i = 0; i < NNASTY; i++) {
		nasty_init(&n, i);
		assert_kubectl_sees(view, &n.e);
		nasty_done(&n);
	}
	nasty_init(&n, NNASTY - 1);
	assert_string_equal(str_at(view, "current-context", NULL, NULL),
	                    n.context);
	nasty_done(&n);
	cJSON_Delete(view);
	free(text);
}

/* Every golden output loads in kubectl, with rolehop's entry intact and
 * the other entries still there. */
static void
test_kubectl_golden(void **state)
{
	for (size_t i = 0; i < sizeof goldens / sizeof *goldens; i++) {
		struct kube_entry e = goldens[i].entry();
		size_t len;
		char *text = slurp_fixture(goldens[i].expected, &len);
		cJSON *view = kubectl_view(state, text, len);

		assert_kubectl_sees(view, &e);
		assert_string_equal(str_at(view, "current-context", NULL, NULL),
		                    e.context);
		if (strcmp(goldens[i].expected, "aws/expected.yaml") == 0) {
			named(view, "clusters", "kind-local");
			named(view, "users", "kind-admin");
			named(view, "contexts",
			      "arn:aws:eks:us-west-2:123456789012:cluster/"
			      "demo");
		}
		cJSON_Delete(view);
		free(text);
	}
}

/* ---------------------------------------------------------------------
 * atomicfile
 * ------------------------------------------------------------------ */

static void
test_atomic_new_and_existing(void **state)
{
	char *path = in_dir(state, "f"), *bak = in_dir(state, "f.bak");
	const struct scratch *s = *state;
	struct err err;

	umask(077);
	assert_int_equal(atomicfile_write(path, "one", 3, 0640, bak, &err),
	                 ST_OK);
	assert_file_is(path, "one");
	assert_int_equal(mode_of(path), 0640);
	assert_false(exists(bak)); /* nothing to back up */

	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(atomicfile_write(path, "two", 3, 0600, bak, &err),
	                 ST_OK);
	assert_file_is(path, "two");
	assert_int_equal(mode_of(path), 0604);
	assert_file_is(bak, "one");
	assert_int_equal(mode_of(bak), 0604);

	assert_int_equal(atomicfile_write(path, "", 0, 0600, NULL, &err),
	                 ST_OK);
	assert_file_is(path, "");
	assert_file_is(bak, "one");
	assert_listing(s->dir, "f f.bak");
	free(path);
	free(bak);
}

/* Root rewriting someone else's file gives it back to them. */
static void
test_atomic_owner(void **state)
{
	char *path = in_dir(state, "f"), *bak = in_dir(state, "f.bak");
	struct stat st;
	struct err err;

	if (geteuid() != 0) {
		free(path);
		free(bak);
		skip();
	}
	write_path(path, "old", 0640);
	assert_int_equal(chown(path, 4321, 4322), 0);
	assert_int_equal(atomicfile_write(path, "new", 3, 0600, bak, &err),
	                 ST_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_uid, 4321);
	assert_int_equal(st.st_gid, 4322);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(stat(bak, &st), 0);
	assert_int_equal(st.st_uid, 4321);
	assert_file_is(bak, "old");
	free(path);
	free(bak);
}

static void
test_atomic_refusals(void **state)
{
	char *path = in_dir(state, "f"), *link = in_dir(state, "link");
	char *dir = in_dir(state, "d"), *msg;
	char *bak = in_dir(state, "missing/f.bak");
	const struct scratch *s = *state;
	struct err err;

	write_path(path, "old", 0600);
	/* A backup that cannot be written stops everything. */
	assert_int_equal(atomicfile_write(path, "new", 3, 0600, bak, &err),
	                 ST_IO);
	msg = xasprintf("%s: cannot open directory %s/missing: No such file "
	                "or directory",
	                bak, s->dir);
	assert_string_equal(err.msg, msg);
	free(msg);
	assert_file_is(path, "old");

	/* Links and directories are not replaced. */
	assert_int_equal(symlink("f", link), 0);
	assert_int_equal(atomicfile_write(link, "new", 3, 0600, NULL, &err),
	                 ST_IO);
	msg = xasprintf("%s: not a regular file (a symbolic link)", link);
	assert_string_equal(err.msg, msg);
	free(msg);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(atomicfile_write(dir, "new", 3, 0600, NULL, &err),
	                 ST_IO);
	/* A backup path that is a directory. */
	assert_int_equal(atomicfile_write(path, "new", 3, 0600, dir, &err),
	                 ST_IO);
	msg = xasprintf("%s: not a regular file", dir);
	assert_string_equal(err.msg, msg);
	free(msg);
	assert_file_is(path, "old");
	assert_listing(s->dir, "d f link");
	free(path);
	free(link);
	free(dir);
	free(bak);
}

static void
test_atomic_mkdirs(void **state)
{
	char *deep = in_dir(state, "a/b/c"), *file = in_dir(state, "a/file");
	char *top = in_dir(state, "a"), *mid = in_dir(state, "a/b");
	char *under = in_dir(state, "a/file/x/y"), *msg;
	struct err err;

	umask(0277); /* would give 0500 */
	assert_int_equal(atomicfile_mkdirs(deep, &err), ST_OK);
	umask(022);
	assert_int_equal(mode_of(top), 0700);
	assert_int_equal(mode_of(mid), 0700);
	assert_int_equal(mode_of(deep), 0700);
	/* Existing directories are left alone. */
	assert_int_equal(chmod(mid, 0755), 0);
	assert_int_equal(atomicfile_mkparents(deep, &err), ST_OK);
	assert_int_equal(mode_of(mid), 0755);
	assert_int_equal(atomicfile_mkparents("relative", &err), ST_OK);
	write_path(file, "", 0600);
	assert_int_equal(atomicfile_mkdirs(under, &err), ST_IO);
	msg = xasprintf("cannot create directory %s: %s is not a directory",
	                under, file);
	assert_string_equal(err.msg, msg);
	free(msg);
	free(deep);
	free(file);
	free(top);
	free(mid);
	free(under);
}

/* ---------------------------------------------------------------------
 * kubeconfig_update_file
 * ------------------------------------------------------------------ */

static const struct kube_write_opts quick = {200, false};

static void
test_update_new_file(void **state)
{
	char *path = in_dir(state, "home/.kube/config");
	char *kube = in_dir(state, "home/.kube"), *out;
	struct kube_entry e = demo_entry();
	struct err err;
	bool updated;
	size_t len;

	assert_int_equal(kubeconfig_update_file(path, &e, NULL, &updated, &err),
	                 ST_OK);
	assert_false(updated);
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(mode_of(kube), 0700);
	out = slurp_path(path, &len);
	assert_golden(out, len, "new/expected.yaml");
	free(out);
	assert_listing(kube, "config"); /* no lock, backup or temporary */
	free(path);
	free(kube);
}

static void
test_update_existing(void **state)
{
	const struct scratch *s = *state;
	char *path = in_dir(state, "config"),
	     *bak = in_dir(state, "config.rolehop.bak");
	struct kube_entry e = demo_entry();
	size_t inlen, len;
	char *in = slurp_fixture("aws/input.yaml", &inlen), *out;
	struct err err;
	bool updated;

	write_path(path, in, 0640);
	assert_int_equal(
	    kubeconfig_update_file(path, &e, &quick, &updated, &err), ST_OK);
	assert_false(updated);
	assert_int_equal(mode_of(path), 0640);
	out = slurp_path(path, &len);
	assert_golden(out, len, "aws/expected.yaml");
	free(out);
	assert_file_is(bak, in);
	assert_int_equal(mode_of(bak), 0640);

	/* The same again: found, and the file (and backup) left as is. */
	assert_int_equal(
	    kubeconfig_update_file(path, &e, &quick, &updated, &err), ST_OK);
	assert_true(updated);
	assert_file_is(bak, in);
	assert_listing(s->dir, "config config.rolehop.bak");

	/* Another entry: the backup now holds the previous merge. */
	out = slurp_path(path, &len);
	e = overrides_entry();
	assert_int_equal(
	    kubeconfig_update_file(path, &e, &quick, &updated, &err), ST_OK);
	assert_false(updated);
	assert_file_is(bak, out);
	free(out);
	free(in);
	free(path);
	free(bak);
}

static void
test_update_malformed(void **state)
{
	const struct scratch *s = *state;
	char *path = in_dir(state, "config"), *msg;
	const char *bad = "apiVersion: v1\nclusters: {}\n";
	struct kube_entry e = demo_entry();
	struct err err;
	bool updated;

	write_path(path, bad, 0644);
	assert_int_equal(
	    kubeconfig_update_file(path, &e, &quick, &updated, &err),
	    ST_CONFIG);
	msg = xasprintf("%s:2: clusters is not a list", path);
	assert_string_equal(err.msg, msg);
	free(msg);
	assert_file_is(path, bad);
	assert_int_equal(mode_of(path), 0644);
	assert_listing(s->dir, "config");
	free(path);
}

static void
test_update_lock_held(void **state)
{
	const struct scratch *s = *state;
	char *path = in_dir(state, "config"),
	     *lock = in_dir(state, "config.lock");
	struct kube_entry e = demo_entry();
	struct timespec t0, t1;
	struct err err;
	bool updated;
	long ms;

	write_path(path, "apiVersion: v1\n", 0600);
	write_path(lock, "", 0600);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(
	    kubeconfig_update_file(path, &e, &quick, &updated, &err), ST_IO);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 200);
	assert_true(ms < 5000);
	assert_non_null(strstr(err.msg, lock));
	assert_non_null(strstr(err.msg, "another writer holds"));
	assert_non_null(strstr(err.hint, lock));
	/* Someone else's lock stays; the file is untouched. */
	assert_file_is(path, "apiVersion: v1\n");
	assert_listing(s->dir, "config config.lock");

	/* With the lock turned off, the lock file is ignored (and kept). */
	{
		struct kube_write_opts off = {200, true};

		assert_int_equal(
		    kubeconfig_update_file(path, &e, &off, &updated, &err),
		    ST_OK);
	}
	assert_listing(s->dir, "config config.lock config.rolehop.bak");
	free(path);
	free(lock);
}

static void
test_update_lock_released(void **state)
{
	const struct scratch *s = *state;
	char *path = in_dir(state, "config"),
	     *lock = in_dir(state, "config.lock");
	struct kube_write_opts patient = {10000, false};
	struct kube_entry e = demo_entry();
	struct err err;
	bool updated;
	int status;
	pid_t pid;

	write_path(lock, "", 0600);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const struct timespec pause = {0, 300 * 1000000L};

		nanosleep(&pause, NULL);
		_exit(unlink(lock) == 0 ? 0 : 1);
	}
	assert_int_equal(
	    kubeconfig_update_file(path, &e, &patient, &updated, &err), ST_OK);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_listing(s->dir, "config");
	free(path);
	free(lock);
}

static void
test_update_unwritable(void **state)
{
	const struct scratch *s = *state;
	char *file = in_dir(state, "plain"),
	     *path = in_dir(state, "plain/kube/config");
	char *msg;
	struct kube_entry e = demo_entry();
	struct err err;
	bool updated;

	write_path(file, "x", 0600);
	assert_int_equal(
	    kubeconfig_update_file(path, &e, &quick, &updated, &err), ST_IO);
	msg = xasprintf("cannot create directory %s/plain/kube: %s is not a "
	                "directory",
	                s->dir, file);
	assert_string_equal(err.msg, msg);
	free(msg);
	assert_listing(s->dir, "plain");
	assert_file_is(file, "x");
	free(file);
	free(path);
}

static void
test_update_backup_fails(void **state)
{
	const struct scratch *s = *state;
	char *path = in_dir(state, "config"),
	     *bak = in_dir(state, "config.rolehop.bak");
	char *inner = in_dir(state, "config.rolehop.bak/keep");
	struct kube_entry e = demo_entry();
	struct err err;
	bool updated;

	write_path(path, "apiVersion: v1\n", 0600);
	assert_int_equal(mkdir(bak, 0700), 0);
	write_path(inner, "", 0600);
	assert_int_equal(
	    kubeconfig_update_file(path, &e, &quick, &updated, &err), ST_IO);
	assert_non_null(strstr(err.msg, bak));
	assert_file_is(path, "apiVersion: v1\n");
	assert_listing(s->dir, "config config.rolehop.bak");
	assert_listing(bak, "keep");
	free(path);
	free(bak);
	free(inner);
}

static void
test_update_symlink(void **state)
{
	char *real = in_dir(state, "real"),
	     *target = in_dir(state, "real/config");
	char *link = in_dir(state, "config");
	struct kube_entry e = demo_entry();
	struct stat st;
	struct err err;
	bool updated;

	assert_int_equal(mkdir(real, 0700), 0);
	write_path(target, "apiVersion: v1\n", 0644);
	assert_int_equal(symlink("real/config", link), 0);
	assert_int_equal(
	    kubeconfig_update_file(link, &e, &quick, &updated, &err), ST_OK);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(mode_of(target), 0644);
	assert_listing(real, "config config.rolehop.bak");
	free(real);
	free(target);
	free(link);
}

static void
test_update_concurrent(void **state)
{
	enum { WRITERS = 8 };
	const struct scratch *s = *state;
	char *path = in_dir(state, "config"), *text;
	pid_t pids[WRITERS];
	size_t len;

	for (int i = 0; i < WRITERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct kube_write_opts opts = {20000, false};
			char name[32];
			struct kube_entry e =
			    numbered_entry(name, sizeof name, i);
			struct err err;
			bool updated;

			_exit(kubeconfig_update_file(path, &e, &opts, &updated,
			                             &err) == ST_OK
			          ? 0
			          : 1);
		}
	}
	for (int i = 0; i < WRITERS; i++) {
		int status;

		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	text = slurp_path(path, &len);
	assert_non_null(text);
	for (int i = 0; i < WRITERS; i++) {
		char name[32], *out;
		struct kube_entry e = numbered_entry(name, sizeof name, i);
		struct err err;
		bool updated;
		size_t outlen;

		assert_int_equal(kubeconfig_merge(path, text, len, &e, &out,
		                                  &outlen, &updated, &err),
		                 ST_OK);
		assert_true(updated);
		free(out);
	}
	assert_listing(s->dir, "config config.rolehop.bak");
	free(text);
	free(path);
}

/* ---------------------------------------------------------------------
 * Choosing the file
 * ------------------------------------------------------------------ */

static void
assert_chosen(const char *opt, const char *env, const char *home,
              const char *want)
{
	char *got = kubeconfig_choose_path(opt, env, home);

	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
}

static void
test_choose_path(void **state)
{
	(void)state;
	assert_chosen("/opt/k", "/a:/b", "/home/u", "/opt/k");
	assert_chosen("", "/a:/b", "/home/u", "/a");
	assert_chosen(NULL, "::/b::/c", "/home/u", "/b");
	assert_chosen(NULL, "rel/config", "/home/u", "rel/config");
	assert_chosen(NULL, ":::", "/home/u", "/home/u/.kube/config");
	assert_chosen(NULL, NULL, "/home/u", "/home/u/.kube/config");
	assert_chosen(NULL, "", "", NULL);
	assert_chosen(NULL, NULL, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_golden),
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_bad_fixtures),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_bad_entries),
	    cmocka_unit_test(test_quoting),
	    cmocka_unit_test(test_nasty_round_trip),
	    cmocka_unit_test_setup_teardown(test_kubectl_nasty, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_kubectl_golden, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_atomic_new_and_existing,
	                                    scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_atomic_owner, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_atomic_refusals, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_atomic_mkdirs, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_update_new_file, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_update_existing, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_update_malformed,
	                                    scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_update_lock_held,
	                                    scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_update_lock_released,
	                                    scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_update_unwritable,
	                                    scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_update_backup_fails,
	                                    scratch_setup, scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_update_symlink, scratch_setup,
	                                    scratch_teardown),
	    cmocka_unit_test_setup_teardown(test_update_concurrent,
	                                    scratch_setup, scratch_teardown),
	    cmocka_unit_test(test_choose_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
