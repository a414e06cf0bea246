/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkcerts DIR: writes throw-away certificates for the tests.
 *
 *   ca.pem, ca-key.pem                 the trusted test CA
 *   server.pem, server-key.pem         signed by it, for the test names
 *   server-chain.pem                   server.pem then ca.pem
 *   wrong-host.pem, wrong-host-key.pem signed by it, for other.example
 *   expired.pem, expired-key.pem       signed by it, expired yesterday
 *   other-ca.pem                       a CA nobody trusts
 *   untrusted.pem, untrusted-key.pem   signed by that one
 *   client.pem, client-key.pem         a client certificate of the test CA
 *   client-both.pem                    the two in one file
 *   client-enc-key.pem                 its key encrypted, password "keypass"
 *   client.p12                         both as PKCS#12, password "keypass"
 *   other-client.pem, -key.pem         a client certificate of other-ca
 *
 * Keys are EC P-256: quick to make and to use.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define DAY		(24L * 3600)

/* The names every server certificate holds; the 198.18.0.0/15 addresses
 * are for the tests in network namespaces. */
#define SERVER_SAN	"DNS:localhost,DNS:gateway.test,DNS:portal.test," \
			"IP:127.0.0.1,IP:::1,IP:198.18.0.1,IP:198.19.0.1"

struct issuer {
	X509 *cert;
	EVP_PKEY *key;
};

struct cert_spec {
	const char *name;	/* file base name */
	const char *cn;
	const char *san;	/* NULL for a CA */
	long from;		/* validity, seconds from now */
	long to;
	int client;		/* for TLS clients, not servers */
};

/* The password of client-enc-key.pem and client.p12. */
#define CLIENT_KEY_PASSWORD	"keypass"

static const char *outdir;

static void die(const char *what)
{
	fprintf(stderr, "mkcerts: %s failed\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static EVP_PKEY *make_key(void)
{
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
	EVP_PKEY *key = NULL;

	if (!pc || EVP_PKEY_keygen_init(pc) <= 0 ||
	    EVP_PKEY_CTX_set_ec_paramgen_curve_nid(pc,
						   NID_X9_62_prime256v1) <= 0 ||
	    EVP_PKEY_keygen(pc, &key) <= 0)
		die("key generation");
	EVP_PKEY_CTX_free(pc);
	return key;
}

static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext || !X509_add_ext(cert, ext, -1))
		die(value);
	X509_EXTENSION_free(ext);
}

static void set_serial(X509 *cert)
{
	BIGNUM *bn = BN_new();

	/* Random serials, so no two runs clash in a client's cache. */
	if (!bn || !BN_rand(bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)))
		die("serial number");
	BN_free(bn);
}

static void set_names(X509 *cert, const char *cn, X509 *issuer)
{
	X509_NAME *name = X509_get_subject_name(cert);

	if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
					(const unsigned char *)"oc tests",
					-1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0))
		die("subject name");
	if (!X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer)
					       : name))
		die("issuer name");
}

static void add_exts(X509 *cert, X509 *issuer, const struct cert_spec *s)
{
	add_ext(cert, issuer ? issuer : cert, NID_subject_key_identifier,
		"hash");
	if (!s->san) {
		add_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(cert, cert, NID_key_usage,
			"critical,keyCertSign,cRLSign");
		return;
	}
	add_ext(cert, issuer, NID_authority_key_identifier, "keyid");
	add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE");
	add_ext(cert, issuer, NID_key_usage, "critical,digitalSignature");
	add_ext(cert, issuer, NID_ext_key_usage,
		s->client ? "clientAuth" : "serverAuth");
	add_ext(cert, issuer, NID_subject_alt_name, s->san);
}

/* A certificate for @key, signed by @by (self-signed when NULL). */
static X509 *make_cert(const struct cert_spec *s, EVP_PKEY *key,
		       const struct issuer *by)
{
	X509 *cert = X509_new();
	X509 *icert = by ? by->cert : NULL;

	if (!cert || !X509_set_version(cert, 2) ||
	    !X509_gmtime_adj(X509_getm_notBefore(cert), s->from) ||
	    !X509_gmtime_adj(X509_getm_notAfter(cert), s->to) ||
	    !X509_set_pubkey(cert, key))
		die("certificate");
	set_serial(cert);
	set_names(cert, s->cn, icert);
	add_exts(cert, icert, s);
	if (!X509_sign(cert, by ? by->key : key, EVP_sha256()))
		die("signature");
	return cert;
}

static FILE *open_out(const char *name, const char *suffix, int private)
{
	char path[4096];
	FILE *f;

	int fd;

	snprintf(path, sizeof(path), "%s/%s%s", outdir, name, suffix);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  private ? 0600 : 0644);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	return f;
}

static void close_out(FILE *f)
{
	if (fclose(f))
		die("write");
}

static void write_pair(const char *name, X509 *cert, EVP_PKEY *key)
{
	FILE *f = open_out(name, ".pem", 0);

	if (!PEM_write_X509(f, cert))
		die("PEM_write_X509");
	close_out(f);
	f = open_out(name, "-key.pem", 1);
	if (!PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL))
		die("PEM_write_PrivateKey");
	close_out(f);
}

static void make_pair(const struct cert_spec *s, const struct issuer *by,
		      struct issuer *keep)
{
	EVP_PKEY *key = make_key();
	X509 *cert = make_cert(s, key, by);

	write_pair(s->name, cert, key);
	if (keep) {
		keep->cert = cert;
		keep->key = key;
		return;
	}
	X509_free(cert);
	EVP_PKEY_free(key);
}

static void write_chain(const struct issuer *server, const struct issuer *ca)
{
	FILE *f = open_out("server-chain", ".pem", 0);

	if (!PEM_write_X509(f, server->cert) || !PEM_write_X509(f, ca->cert))
		die("server-chain.pem");
	close_out(f);
}

/* The client certificate again: in one file with its key, with the key
 * encrypted, and as PKCS#12. */
static void write_client_forms(const struct issuer *c)
{
	FILE *f = open_out("client-both", ".pem", 1);
	PKCS12 *p12;

	if (!PEM_write_X509(f, c->cert) ||
	    !PEM_write_PrivateKey(f, c->key, NULL, NULL, 0, NULL, NULL))
		die("client-both.pem");
	close_out(f);
	f = open_out("client-enc-key", ".pem", 1);
	if (!PEM_write_PKCS8PrivateKey(f, c->key, EVP_aes_256_cbc(), NULL, 0,
				       NULL, (void *)CLIENT_KEY_PASSWORD))
		die("client-enc-key.pem");
	close_out(f);
	p12 = PKCS12_create(CLIENT_KEY_PASSWORD, "oc test client", c->key,
			    c->cert, NULL, 0, 0, 0, 0, 0);
	f = open_out("client", ".p12", 1);
	if (!p12 || !i2d_PKCS12_fp(f, p12))
		die("client.p12");
	close_out(f);
	PKCS12_free(p12);
}

static void free_issuer(struct issuer *i)
{
	X509_free(i->cert);
	EVP_PKEY_free(i->key);
}

int main(int argc, char **argv)
{
	static const long ten_years = 3650 * DAY;
	const struct cert_spec ca = { "ca", "oc test CA", NULL,
				      -DAY, ten_years };
	const struct cert_spec other = { "other-ca", "oc untrusted CA", NULL,
					 -DAY, ten_years };
	const struct cert_spec leaves[] = {
		{ "wrong-host", "other.example", "DNS:other.example",
		  -DAY, ten_years },
		{ "expired", "localhost", SERVER_SAN, -10 * DAY, -DAY },
	};
	const struct cert_spec server = { "server", "localhost", SERVER_SAN,
					  -DAY, ten_years };
	const struct cert_spec untrusted = { "untrusted", "localhost",
					     SERVER_SAN, -DAY, ten_years };
	const struct cert_spec client = { "client", "alice", "email:alice@example.test",
					  -DAY, ten_years, 1 };
	const struct cert_spec other_client = { "other-client", "alice",
						"email:alice@example.test",
						-DAY, ten_years, 1 };
	struct issuer ca_i, other_i, server_i, client_i;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: mkcerts DIR\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	make_pair(&ca, NULL, &ca_i);
	make_pair(&server, &ca_i, &server_i);
	write_chain(&server_i, &ca_i);
	for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		make_pair(&leaves[i], &ca_i, NULL);
	make_pair(&other, NULL, &other_i);
	make_pair(&untrusted, &other_i, NULL);
	make_pair(&client, &ca_i, &client_i);
	write_client_forms(&client_i);
	make_pair(&other_client, &other_i, NULL);
	free_issuer(&client_i);
	free_issuer(&ca_i);
	free_issuer(&other_i);
	free_issuer(&server_i);
	return 0;
}
