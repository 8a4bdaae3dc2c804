/*
 * fuzz_eks - the EKS JSON answers: ListClusters pages, DescribeCluster,
 * the error JSON with its x-amzn-ErrorType header, and the
 * KUBERNETES_EXEC_INFO JSON kubectl hands to `rolehop token`.
 *
 * For the error parser the first line of the input (up to 256 bytes) is
 * also tried as the x-amzn-ErrorType value, the rest as the body.
 */
#include "config.h"

#include "fuzz.h"

#include "awsreq.h"
#include "eks.h"
#include "jsonutil.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	jsonutil_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct eks_page page;
	struct eks_cluster cl, copy;
	struct err e;
	char code[64], msg[512];
	const uint8_t *nl;

	err_clear(&e);
	if (eks_parse_list(body, size, &page, &e) == ST_OK) {
		for (size_t i = 0; i < page.n; i++)
			if (page.names[i] == NULL || page.names[i][0] == '\0')
				abort();
		if (page.next_token) {
			char *q = eks_list_query(page.next_token);

			free(q);
		}
		eks_page_done(&page);
	}

	err_clear(&e);
	if (eks_parse_describe(body, size, "eu-west-1", &cl, &e) == ST_OK) {
		char *path = eks_describe_path(cl.name);

		free(path);
		(void)eks_cluster_usable(&cl);
		eks_cluster_copy(&copy, &cl);
		eks_cluster_done(&copy);
		eks_cluster_done(&cl);
	}

	{
		char *info = fuzz_strndup(data, size);
		const char *warning = NULL;

		if (eks_exec_api_version(info, &warning) == NULL)
			abort();
		free(info);
	}

	(void)awsreq_json_error(NULL, body, size, code, sizeof code, msg,
	                        sizeof msg);
	nl = memchr(data, '\n', size < 256 ? size : 256);
	if (nl) {
		size_t n = (size_t)(nl - data);
		char *type = fuzz_strndup(data, n);

		(void)awsreq_json_error(type, body + n + 1, size - n - 1, code,
		                        sizeof code, msg, sizeof msg);
		free(type);
	}
	return 0;
}
