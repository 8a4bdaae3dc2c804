/*
 * provider - the root credential sources that are not STS calls, and the
 * pieces of the ones that are.
 *
 * - environment keys (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *   AWS_SECURITY_TOKEN then AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION);
 * - the web identity token file, re-read on every call, trailing
 *   whitespace stripped;
 * - credential_process: the command line split shell-style (no shell is
 *   run), executed with the caller's environment, its JSON (Version 1)
 *   parsed;
 * - container credentials (ECS, EKS Pod Identity) and IMDSv2: request
 *   building and answer parsing (the requests themselves go through
 *   http.h);
 * - JWT claims, for hints about trust policies.
 *
 * Ownership: creds and strings returned are the caller's; tokens are
 * freed with secret_free_str().
 */
#ifndef ROLEHOP_PROVIDER_H
#define ROLEHOP_PROVIDER_H

#include <stddef.h>
#include <time.h>

#include "creds.h"
#include "envsnap.h"
#include "err.h"

#define PROVIDER_MAX_TOKEN (64u << 10)

enum status provider_env_creds(const struct envsnap *, struct creds *,
                               struct err *);

/* Read the token file; errors name it: missing, unreadable, empty, too
 * large. */
enum status provider_read_token_file(const char *path, char **token,
                                     struct err *);

/* "sub S, aud A, exp T" (with "expired" when exp < now) from a JWT's
 * claims, or NULL when token is not a JWT. Caller frees. */
char *provider_jwt_summary(const char *token, time_t now);

/* Split a command line the POSIX-shell way (quotes, backslashes; no
 * expansion). NULL-terminated vector the caller frees with
 * provider_argv_free(); NULL on unbalanced quotes. */
char **provider_split_command(const char *line);
void provider_argv_free(char **argv);

/* Run credential_process and parse its output. */
enum status provider_process(const char *cmdline, const struct envsnap *env,
                             struct creds *, struct err *);
/* The credential_process JSON (Version 1). */
enum status provider_parse_process_json(const char *json, size_t len,
                                        struct creds *, struct err *);

/* Container credentials: the URL (RELATIVE_URI on 169.254.170.2, else
 * FULL_URI, which must be https or a loopback / ECS / EKS agent address)
 * and the Authorization value (token file re-read, else the token; a value
 * with CR or LF is refused). *auth is NULL when none is configured. */
enum status provider_container_request(const struct envsnap *, char **url,
                                       char **auth, struct err *);
/* Container and IMDS answers: AccessKeyId, SecretAccessKey, Token,
 * Expiration. */
enum status provider_parse_container_json(const char *json, size_t len,
                                          struct creds *, struct err *);
/* IMDS base URL (AWS_EC2_METADATA_SERVICE_ENDPOINT or the default); NULL
 * with an error when AWS_EC2_METADATA_DISABLED is true. Caller frees. */
char *provider_imds_base(const struct envsnap *, struct err *);

#endif
