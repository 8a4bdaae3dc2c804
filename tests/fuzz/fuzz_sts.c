/*
 * fuzz_sts - the STS XML answers: AssumeRole / AssumeRoleWithWebIdentity
 * credentials, GetCallerIdentity, and the <Error> of an error answer.
 */
#include "config.h"

#include "fuzz.h"

#include "creds.h"
#include "sts.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *xml = (const char *)data;
	struct creds c;
	struct sts_identity id;
	struct sts_error se;
	struct err e;
	char account[13];

	err_clear(&e);
	if (sts_parse_credentials(xml, size, &c, &e) == ST_OK) {
		if (!creds_valid(&c))
			abort();
		if (c.arn)
			(void)sts_arn_account(c.arn, account);
	}
	creds_done(&c);

	err_clear(&e);
	if (sts_parse_caller_identity(xml, size, &id, &e) == ST_OK) {
		if (id.account == NULL || id.arn == NULL || id.user_id == NULL)
			abort();
		(void)sts_arn_account(id.arn, account);
	}
	sts_identity_done(&id);

	if (sts_parse_error(xml, size, &se) == 0) {
		if (memchr(se.code, '\0', sizeof se.code) == NULL ||
		    memchr(se.message, '\0', sizeof se.message) == NULL ||
		    memchr(se.type, '\0', sizeof se.type) == NULL)
			abort();
	}

	/* The ARN parser on its own, on the input as a string. */
	if (size < 4096) {
		char *s = fuzz_strndup(data, size);

		(void)sts_arn_account(s, account);
		free(s);
	}
	return 0;
}
