/*
 * sha256 - SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), the only
 * cryptography rolehop does itself: SigV4 signing and cache keys.
 *
 * Built in rather than taken from libcrypto: initialising OpenSSL 3 for
 * one digest (its configuration and default provider) cost about 1.5 ms of
 * every start-up, more than the rest of a cached `rolehop token`. TLS is
 * libcurl's, which brings its own OpenSSL when a request is made.
 *
 * Pure functions on bytes; hmac_sha256() zeroes its key material.
 */
#ifndef ROLEHOP_SHA256_H
#define ROLEHOP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t bytes; /* message length so far */
	unsigned char block[64];
	size_t used; /* bytes in block */
};

void sha256_init(struct sha256 *);
void sha256_update(struct sha256 *, const void *data, size_t len);
/* The digest; the context is zeroed. */
void sha256_final(struct sha256 *, unsigned char out[SHA256_LEN]);
void sha256(const void *data, size_t len, unsigned char out[SHA256_LEN]);
void hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                 unsigned char out[SHA256_LEN]);

#endif
