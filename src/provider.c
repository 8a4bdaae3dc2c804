/*
 * provider - environment keys, token files, credential_process, container
 * and IMDS answers, JWT claims.
 */
#include "config.h"

#include "provider.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "jsonutil.h"
#include "jwt.h"
#include "spawn.h"
#include "timefmt.h"
#include "xalloc.h"

/* How long a credential_process may run. */
#define PROCESS_TIMEOUT_MS 60000
#define PROCESS_MAX_OUTPUT (64u << 10)

enum status
provider_env_creds(const struct envsnap *env, struct creds *c, struct err *e)
{
	const char *akid = envsnap_get_nonempty(env, "AWS_ACCESS_KEY_ID");
	const char *secret = envsnap_get_nonempty(env, "AWS_SECRET_ACCESS_KEY");
	const char *token = envsnap_get_nonempty(env, "AWS_SECURITY_TOKEN");
	const char *exp =
	    envsnap_get_nonempty(env, "AWS_CREDENTIAL_EXPIRATION");

	if (token == NULL)
		token = envsnap_get_nonempty(env, "AWS_SESSION_TOKEN");
	if (akid == NULL)
		return err_set(
		    e, ST_CONFIG,
		    "no credentials in the environment: AWS_ACCESS_KEY_ID is "
		    "not set");
	if (secret == NULL)
		return err_set(e, ST_CONFIG,
		               "AWS_ACCESS_KEY_ID is set but "
		               "AWS_SECRET_ACCESS_KEY is not");
	creds_init(c);
	if (exp && timefmt_parse_iso8601(exp, &c->expiration) != 0) {
		return err_set(
		    e, ST_CONFIG,
		    "AWS_CREDENTIAL_EXPIRATION '%s' is not an ISO 8601 time",
		    exp);
	}
	c->access_key_id = xstrdup(akid);
	c->secret_access_key = xstrdup(secret);
	c->session_token = xstrdup_or_null(token);
	return ST_OK;
}

/* Read a whole small file (O_NOFOLLOW is not used: token paths are
 * symlinks in Kubernetes projected volumes). */
static enum status
read_small_file(const char *path, size_t max, struct buf *out, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char chunk[4096];
	ssize_t n;

	if (fd < 0)
		return err_set(e, errno == ENOENT ? ST_CONFIG : ST_IO, "%s: %s",
		               path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, ST_IO, "%s: not a regular file", path);
	}
	buf_init(out, max);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_set(e, ST_IO, "%s: %s", path, strerror(errno));
			break;
		}
		if (buf_append(out, chunk, (size_t)n) != 0) {
			err_set(e, ST_IO, "%s: larger than %zu bytes", path,
			        max);
			n = -1;
			break;
		}
	}
	secret_zero(chunk, sizeof chunk);
	close(fd);
	if (n != 0) {
		buf_free_secret(out);
		return e->status;
	}
	return ST_OK;
}

enum status
provider_read_token_file(const char *path, char **token, struct err *e)
{
	struct buf b;
	enum status st;

	*token = NULL;
	st = read_small_file(path, PROVIDER_MAX_TOKEN, &b, e);
	if (st != ST_OK) {
		err_prefix(e, "web identity token file");
		if (st == ST_CONFIG)
			err_hint(e, "the pod needs the IRSA service account "
			            "token projected at that path");
		return st;
	}
	while (b.len > 0 && isspace((unsigned char)b.data[b.len - 1]))
		b.data[--b.len] = '\0';
	if (b.len == 0) {
		buf_free_secret(&b);
		return err_set(e, ST_CONFIG,
		               "web identity token file %s is empty", path);
	}
	if (memchr(b.data, '\0', b.len)) {
		buf_free_secret(&b);
		return err_set(e, ST_CONFIG,
		               "web identity token file %s is not text", path);
	}
	*token = buf_take(&b);
	return ST_OK;
}

char *
provider_jwt_summary(const char *token, time_t now)
{
	struct jwt_claims c;
	struct err e;
	struct buf out;

	if (jwt_claims_parse(token, strlen(token), &c, &e) != ST_OK)
		return NULL;
	buf_init(&out, 4096);
	buf_printf(&out, "sub %s", c.sub ? c.sub : "(none)");
	if (c.naud > 0) {
		char *aud = jwt_claims_aud_list(&c);

		buf_printf(&out, ", aud %s", aud);
		free(aud);
	}
	if (c.has_exp) {
		char iso[TIMEFMT_ISO_LEN];

		timefmt_iso(c.exp, iso);
		buf_printf(&out, ", exp %s%s", iso,
		           c.exp <= now ? " (expired)" : "");
	}
	jwt_claims_free(&c);
	return buf_take(&out);
}

void
provider_argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

char **
provider_split_command(const char *line)
{
	char **argv = xcalloc(1, sizeof *argv);
	size_t argc = 0;
	const char *p = line;
	struct buf w;

	buf_init(&w, strlen(line) + 1);
	for (;;) {
		int in_word = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		buf_reset(&w);
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			in_word = 1;
			if (*p == '\'') {
				const char *end = strchr(p + 1, '\'');

				if (end == NULL)
					goto bad;
				buf_append(&w, p + 1, (size_t)(end - p - 1));
				p = end + 1;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' &&
					    strchr("\"\\$`\n", p[1]) && p[1])
						p++;
					buf_appendc(&w, *p++);
				}
				if (*p != '"')
					goto bad;
				p++;
			} else if (*p == '\\') {
				if (p[1] == '\0')
					goto bad;
				buf_appendc(&w, p[1]);
				p += 2;
			} else {
				buf_appendc(&w, *p++);
			}
		}
		if (in_word) {
			argv = xreallocarray(argv, argc + 2, sizeof *argv);
			argv[argc++] = xstrdup(buf_str(&w));
			argv[argc] = NULL;
		}
	}
	buf_free(&w);
	return argv;
bad:
	buf_free(&w);
	provider_argv_free(argv);
	return NULL;
}

/* Parse the common JSON shape of process, container and IMDS answers. */
static enum status
parse_creds_json(const char *json, size_t len, const char *what,
                 const char *token_field, int need_version, struct creds *c,
                 struct err *e)
{
	cJSON *root = cJSON_ParseWithLength(json, len);
	const char *akid, *secret, *token, *exp;
	const cJSON *ver;
	enum status st = ST_OK;

	creds_init(c);
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return err_set(e, ST_PARSE, "%s: output is not a JSON object",
		               what);
	}
	if (need_version) {
		ver = cJSON_GetObjectItemCaseSensitive(root, "Version");
		if (!cJSON_IsNumber(ver) || ver->valuedouble != 1) {
			st = err_set(
			    e, ST_PARSE,
			    "%s: unsupported Version (only 1 is supported)",
			    what);
			goto out;
		}
	}
	akid = jsonutil_str(root, "AccessKeyId");
	secret = jsonutil_str(root, "SecretAccessKey");
	token = jsonutil_str(root, token_field);
	if (akid == NULL || secret == NULL || *akid == '\0' ||
	    *secret == '\0') {
		st =
		    err_set(e, ST_PARSE,
		            "%s: AccessKeyId or SecretAccessKey missing", what);
		goto out;
	}
	exp = jsonutil_str(root, "Expiration");
	if (exp == NULL) {
		const cJSON *n =
		    cJSON_GetObjectItemCaseSensitive(root, "Expiration");

		if (cJSON_IsNumber(n) &&
		    timefmt_from_number(n->valuedouble, &c->expiration) != 0) {
			st = err_set(e, ST_PARSE,
			             "%s: Expiration %g is not a time", what,
			             n->valuedouble);
			goto out;
		}
	} else if (timefmt_parse_any(exp, &c->expiration) != 0) {
		st = err_set(e, ST_PARSE, "%s: Expiration '%s' is not a time",
		             what, exp);
		goto out;
	}
	c->access_key_id = xstrdup(akid);
	c->secret_access_key = xstrdup(secret);
	c->session_token = token && *token ? xstrdup(token) : NULL;
	{
		const char *acct = jsonutil_str(root, "AccountId");

		c->account = acct && *acct ? xstrdup(acct) : NULL;
	}
out:
	cJSON_Delete(root);
	if (st != ST_OK)
		creds_done(c);
	return st;
}

enum status
provider_parse_process_json(const char *json, size_t len, struct creds *c,
                            struct err *e)
{
	return parse_creds_json(json, len, "credential_process", "SessionToken",
	                        1, c, e);
}

enum status
provider_parse_container_json(const char *json, size_t len, struct creds *c,
                              struct err *e)
{
	return parse_creds_json(json, len, "container credentials", "Token", 0,
	                        c, e);
}

/* Read from the child's stdout and stderr until both close or the
 * deadline passes. */
static int
collect_output(int outfd, int errfd, struct buf *out, struct buf *errs)
{
	struct pollfd pfd[2] = {{outfd, POLLIN, 0}, {errfd, POLLIN, 0}};
	struct timespec start, now;
	char chunk[4096];
	int open_fds = 2, rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (open_fds > 0) {
		long elapsed;
		int n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		elapsed = (now.tv_sec - start.tv_sec) * 1000 +
		          (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed >= PROCESS_TIMEOUT_MS) {
			rc = -1;
			break;
		}
		n = poll(pfd, 2, (int)(PROCESS_TIMEOUT_MS - elapsed));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = -1;
			break;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t r;

			if (pfd[i].fd < 0 ||
			    !(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			r = read(pfd[i].fd, chunk, sizeof chunk);
			if (r <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				pfd[i].fd = -1;
				open_fds--;
				continue;
			}
			/* Too much output is cut; the parse then fails. */
			buf_append(i == 0 ? out : errs, chunk, (size_t)r);
		}
	}
	secret_zero(chunk, sizeof chunk);
	return rc;
}

enum status
provider_process(const char *cmdline, const struct envsnap *env,
                 struct creds *c, struct err *e)
{
	char **argv = provider_split_command(cmdline);
	char *path = NULL;
	int outp[2] = {-1, -1}, errp[2] = {-1, -1}, status = 0, timed_out;
	pid_t pid;
	struct buf out, errs;
	enum status st;

	if (argv == NULL || argv[0] == NULL) {
		provider_argv_free(argv);
		return err_set(
		    e, ST_CONFIG,
		    "credential_process '%s' cannot be split into words",
		    cmdline);
	}
	path = spawn_find_program(argv[0], envsnap_get(env, "PATH"));
	if (path == NULL) {
		err_set(e, ST_CONFIG,
		        "credential_process: %s: command not found", argv[0]);
		provider_argv_free(argv);
		return ST_CONFIG;
	}
	if (pipe2(outp, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
		err_set(e, ST_RUNTIME, "pipe: %s", strerror(errno));
		goto fail_early;
	}
	pid = fork();
	if (pid < 0) {
		err_set(e, ST_RUNTIME, "fork: %s", strerror(errno));
		goto fail_early;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		dup2(outp[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		signal(SIGPIPE, SIG_DFL);
		spawn_child_restore_umask();
		execve(path, argv, env->vars);
		_exit(127);
	}
	close(outp[1]);
	close(errp[1]);
	buf_init(&out, PROCESS_MAX_OUTPUT);
	buf_init(&errs, 4096);
	timed_out = collect_output(outp[0], errp[0], &out, &errs);
	close(outp[0]);
	close(errp[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out) {
		st = err_set(e, ST_TIMEOUT,
		             "credential_process %s did not finish within %d s",
		             argv[0], PROCESS_TIMEOUT_MS / 1000);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* Its stderr explains; keep the last line. */
		char *msg;
		size_t n;

		buf_appendc(&errs, '\0');
		msg = errs.data;
		n = strlen(msg);
		while (n > 0 && isspace((unsigned char)msg[n - 1]))
			msg[--n] = '\0';
		if (strrchr(msg, '\n'))
			msg = strrchr(msg, '\n') + 1;
		st = err_set(
		    e, ST_RUNTIME, "credential_process %s failed (%s %d)%s%s",
		    argv[0], WIFEXITED(status) ? "exit status" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		    *msg ? ": " : "", msg);
	} else {
		st = provider_parse_process_json(buf_str(&out), out.len, c, e);
	}
	buf_free_secret(&out);
	buf_free(&errs);
	free(path);
	provider_argv_free(argv);
	return st;
fail_early:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	free(path);
	provider_argv_free(argv);
	return e->status;
}

/* Whether a plain-http FULL_URI points at a host botocore allows: a
 * loopback IPv4 address (127.0.0.0/8), localhost, [::1], or the ECS and
 * EKS Pod Identity agent addresses. The whole host is compared, so
 * "http://127.0.0.1@evil.example/" (userinfo) or "http://127.evil.example/"
 * do not pass. */
static int
allowed_http_host(const char *url)
{
	static const char *const hosts[] = {
	    "localhost",      "[::1]",          "169.254.170.2",
	    "169.254.170.23", "[fd00:ec2::23]",
	};
	const char *h = url + 7;
	size_t alen = strcspn(h, "/?#"), n;
	char host[64];
	struct in_addr a;

	if (memchr(h, '@', alen))
		return 0;
	if (*h == '[') {
		n = strcspn(h, "]");
		if (h[n] != ']')
			return 0;
		n++;
	} else {
		n = strcspn(h, ":/?#");
	}
	if (n == 0 || n >= sizeof host || (n < alen && h[n] != ':'))
		return 0;
	memcpy(host, h, n);
	host[n] = '\0';
	for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++)
		if (strcasecmp(host, hosts[i]) == 0)
			return 1;
	return inet_pton(AF_INET, host, &a) == 1 &&
	       (ntohl(a.s_addr) >> 24) == 127;
}

enum status
provider_container_request(const struct envsnap *env, char **url, char **auth,
                           struct err *e)
{
	const char *rel =
	    envsnap_get_nonempty(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full =
	    envsnap_get_nonempty(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *tfile =
	    envsnap_get_nonempty(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *token =
	    envsnap_get_nonempty(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");

	*url = *auth = NULL;
	if (rel) {
		*url = xasprintf("http://169.254.170.2%s", rel);
	} else if (full) {
		if (strncasecmp(full, "https://", 8) != 0 &&
		    !(strncasecmp(full, "http://", 7) == 0 &&
		      allowed_http_host(full)))
			return err_set(
			    e, ST_CONFIG,
			    "AWS_CONTAINER_CREDENTIALS_FULL_URI %s must be "
			    "https or a loopback or container agent address",
			    full);
		*url = xstrdup(full);
	} else {
		return err_set(
		    e, ST_CONFIG,
		    "no container credentials: neither "
		    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor _FULL_URI is "
		    "set");
	}
	if (tfile) {
		struct buf b;

		if (read_small_file(tfile, PROVIDER_MAX_TOKEN, &b, e) !=
		    ST_OK) {
			free(*url);
			*url = NULL;
			err_prefix(e, "container authorization token file");
			return e->status;
		}
		*auth = buf_take(&b);
	} else if (token) {
		*auth = xstrdup(token);
	}
	if (*auth && strpbrk(*auth, "\r\n")) {
		secret_free_str(*auth);
		free(*url);
		*auth = *url = NULL;
		return err_set(
		    e, ST_CONFIG,
		    "the container authorization token contains a line break");
	}
	return ST_OK;
}

char *
provider_imds_base(const struct envsnap *env, struct err *e)
{
	const char *off = envsnap_get(env, "AWS_EC2_METADATA_DISABLED");
	const char *ep =
	    envsnap_get_nonempty(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
	size_t n;

	if (off && strcasecmp(off, "true") == 0) {
		err_set(e, ST_CONFIG,
		        "instance metadata is disabled "
		        "(AWS_EC2_METADATA_DISABLED)");
		err_hint(e, "configure a profile with credentials, or the IRSA "
		            "or Pod Identity environment");
		return NULL;
	}
	if (ep == NULL)
		return xstrdup("http://169.254.169.254");
	n = strlen(ep);
	while (n > 0 && ep[n - 1] == '/')
		n--;
	return xstrndup(ep, n);
}
