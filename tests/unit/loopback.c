/*
 * loopback - the forking HTTP/1.1 test server; see loopback.h.
 */
#include "config.h"

#include "loopback.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t server_pid = -1;

void
loopback_send_all(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len > 0) {
		ssize_t n = write(fd, c, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		c += n;
		len -= (size_t)n;
	}
}

void
loopback_send_str(int fd, const char *s)
{
	loopback_send_all(fd, s, strlen(s));
}

void
loopback_send_resp(int fd, const char *status_line, const char *extra,
                   const void *body, size_t len)
{
	char head[512];

	snprintf(head, sizeof head, "%s\r\n%sContent-Length: %zu\r\n\r\n",
	         status_line, extra, len);
	loopback_send_str(fd, head);
	loopback_send_all(fd, body, len);
}

int
loopback_wait_for_eof(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char c;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	return read(fd, &c, 1) <= 0;
}

/* Read into in (have bytes so far) until the peer sends more; _exit(0)
 * when it closes or the buffer is full. */
static size_t
read_more(int fd, char *in, size_t size, size_t have)
{
	for (;;) {
		ssize_t n;

		if (have >= size - 1)
			_exit(0);
		n = read(fd, in + have, size - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		return have + (size_t)n;
	}
}

/* Serve one connection: requests in a row until the peer closes. */
static void
serve_conn(int fd, loopback_handler *handler)
{
	static char in[4 << 20];
	size_t have = 0;
	unsigned seq = 0;

	alarm(LOOPBACK_CONN_LIFETIME_S);
	for (;;) {
		char *end, *cl, method[16], path[256];
		size_t head_len, body_len = 0, total;
		struct loopback_req req;

		in[have] = '\0';
		while ((end = strstr(in, "\r\n\r\n")) == NULL) {
			if (have > 0 && (unsigned char)in[0] == 0x16) {
				/* A TLS ClientHello on a plain port. */
				loopback_send_str(fd,
				                  "HTTP/1.1 400 Bad Request\r\n"
				                  "Connection: close\r\n\r\n");
				_exit(0);
			}
			have = read_more(fd, in, sizeof in, have);
			in[have] = '\0';
		}
		head_len = (size_t)(end - in) + 4;
		cl = strcasestr(in, "\r\nContent-Length:");
		if (cl && cl < end)
			body_len = strtoul(cl + 17, NULL, 10);
		if (body_len > sizeof in - 1 - head_len)
			_exit(0);
		total = head_len + body_len;
		while (have < total)
			have = read_more(fd, in, sizeof in, have);
		if (sscanf(in, "%15s %255s", method, path) != 2)
			_exit(0);
		req = (struct loopback_req){
		    .method = method,
		    .path = path,
		    .raw = in,
		    .raw_len = total,
		    .body = in + head_len,
		    .body_len = body_len,
		    .seq = ++seq,
		};
		handler(fd, &req);
		memmove(in, in + total, have - total);
		have -= total;
	}
}

/* The server process: accept and fork per connection; exits when the test
 * process goes away or after LOOPBACK_SERVER_LIFETIME_S. */
static void
server_main(int port_fd, pid_t parent, loopback_handler *handler)
{
	struct sockaddr_in sa = {0};
	socklen_t sl = sizeof sa;
	int ls, one = 1, port;

	alarm(LOOPBACK_SERVER_LIFETIME_S);
	signal(SIGCHLD, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(ls, 64) != 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl) != 0)
		_exit(1);
	port = ntohs(sa.sin_port);
	loopback_send_all(port_fd, &port, sizeof port);
	close(port_fd);
	while (getppid() == parent) {
		struct pollfd p = {.fd = ls, .events = POLLIN};
		int c;

		if (poll(&p, 1, 1000) <= 0)
			continue;
		c = accept(ls, NULL, NULL);
		if (c < 0)
			continue;
		if (fork() == 0) {
			close(ls);
			serve_conn(c, handler);
			_exit(0);
		}
		close(c);
	}
	_exit(0);
}

int
loopback_start(loopback_handler *handler)
{
	int fds[2], port;
	pid_t parent = getpid();

	/* Only loopback traffic, never through a proxy. */
	unsetenv("http_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("https_proxy");
	unsetenv("ALL_PROXY");
	unsetenv("all_proxy");
	setenv("NO_PROXY", "*", 1);
	setenv("no_proxy", "*", 1);
	if (pipe(fds) != 0)
		return -1;
	server_pid = fork();
	if (server_pid < 0)
		return -1;
	if (server_pid == 0) {
		close(fds[0]);
		server_main(fds[1], parent, handler);
	}
	close(fds[1]);
	if (read(fds[0], &port, sizeof port) != (ssize_t)sizeof port)
		port = -1;
	close(fds[0]);
	return port;
}

void
loopback_stop(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
		server_pid = -1;
	}
}

int
loopback_group_teardown(void **state)
{
	(void)state;
	loopback_stop();
	return 0;
}
