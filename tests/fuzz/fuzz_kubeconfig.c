/*
 * fuzz_kubeconfig - kubeconfig load, merge and emit.
 *
 * The first input byte picks one of a few entries (plain names, names that
 * need YAML quoting, every optional field); the rest is the kubeconfig
 * document. A merge that succeeds must give a document that loads again,
 * and merging the same entry into it must change nothing (the merge is
 * idempotent): a difference aborts, so the fuzzer reports it.
 */
#include "config.h"

#include "fuzz.h"

#include "kubeconfig.h"

static const char *const args_plain[] = {"token", "dev", "--cluster", "demo"};
static const char *const args_odd[] = {"token",     "it's \"odd\"", "--cluster",
                                       "a: b\n- c", "#x",           "$(id)"};
static const char *const env_plain[] = {"ROLEHOP_CONFIG=/etc/rolehop.yaml"};
static const char *const env_odd[] = {"A=", "B=x: y", "C=&anchor *alias"};

static struct kube_entry
pick_entry(uint8_t which)
{
	struct kube_entry e = {
	    .name = "rolehop/dev/demo",
	    .context = "dev-demo",
	    .server = "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com",
	    .ca_data = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
	    .exec = {.command = "rolehop",
	             .args = args_plain,
	             .nargs = sizeof args_plain / sizeof *args_plain,
	             .env = env_plain,
	             .nenv = 1},
	};

	switch (which % 4) {
	case 1: /* every optional field, v1beta1 */
		e.ca_file = "/etc/rolehop/ca.pem";
		e.tls_server_name = "ABCDEF.gr7.eu-west-1.eks.amazonaws.com";
		e.proxy_url = "socks5://127.0.0.1:1080";
		e.namespace = "payments";
		e.exec.api_version = "client.authentication.k8s.io/v1beta1";
		e.exec.install_hint = "see https://example.com/rolehop";
		break;
	case 2: /* names that need quoting */
		e.name = "prod: \"main\" #1";
		e.context = "- [x]\n{y}";
		e.namespace = "";
		e.exec.args = args_odd;
		e.exec.nargs = sizeof args_odd / sizeof *args_odd;
		e.exec.env = env_odd;
		e.exec.nenv = sizeof env_odd / sizeof *env_odd;
		break;
	case 3: /* names a hand-written kubeconfig is likely to have */
		e.name = "dev";
		e.context = "dev";
		e.exec.env = NULL;
		e.exec.nenv = 0;
		break;
	default:
		break;
	}
	return e;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kube_entry e;
	char *out = NULL, *again = NULL;
	size_t outlen = 0, againlen = 0;
	bool updated = false;
	struct err err;

	if (size < 1)
		return 0;
	e = pick_entry(data[0]);
	err_clear(&err);
	if (kubeconfig_merge("fuzz/config", (const char *)data + 1, size - 1,
	                     &e, &out, &outlen, &updated, &err) != ST_OK) {
		free(out);
		return 0;
	}
	err_clear(&err);
	if (kubeconfig_merge("fuzz/config", out, outlen, &e, &again, &againlen,
	                     &updated, &err) != ST_OK)
		abort(); /* rolehop's own output does not load again */
	if (!updated)
		abort(); /* the context it just wrote is not found */
	if (againlen != outlen || memcmp(again, out, outlen) != 0)
		abort(); /* a second merge of the same entry changed it */
	free(again);
	free(out);
	return 0;
}
