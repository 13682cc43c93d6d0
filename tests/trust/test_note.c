/*
 * test_note.c - Ed25519 through libsodium against RFC 8032 section 7.1's
 * test vectors (TEST 1, 2, 3 and SHA(abc)); key texts, key ids and note
 * signatures against the published example of golang.org/x/mod/sumdb/note
 * (PeterNeumann's key and note, byte for byte); strict parsing of keys,
 * signature lines, notes and checkpoints (each malformed case refused
 * with a message); cosignatures (C2SP tlog-cosignature, cosignature/v1)
 * checked by an independent verifier in Python (python3-cryptography and
 * hashlib, tests/trust/cosig_check.py).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "leonet/trust.h"

static void unhex(const char *s, unsigned char *out, size_t *n)
{
    *n = strlen(s) / 2;
    for (size_t i = 0; i < *n; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
}

/* RFC 8032 section 7.1: secret key (seed), public key, message,
 * signature. */
static const char *const rfc8032[][4] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
     "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    {"833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
     "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"},
};

static void test_rfc8032(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rfc8032 / sizeof rfc8032[0]; i++) {
        unsigned char seed[32], pub[32], msg[64], sig[64], got[64];
        size_t n;
        ln_trust_key k;
        unhex(rfc8032[i][0], seed, &n);
        unhex(rfc8032[i][1], pub, &n);
        unhex(rfc8032[i][2], msg, &n);
        size_t nmsg = n;
        unhex(rfc8032[i][3], sig, &n);
        assert_int_equal(ln_trust_key_from_seed("rfc8032", seed, &k), 0);
        assert_memory_equal(k.pub, pub, 32);
        assert_int_equal(ln_trust_sign(&k, msg, nmsg, got), 0);
        assert_memory_equal(got, sig, 64);
        assert_int_equal(ln_trust_verify(pub, msg, nmsg, sig), 0);
        sig[i % 64] ^= 1;
        assert_int_equal(ln_trust_verify(pub, msg, nmsg, sig), LN_ETRUST);
        sig[i % 64] ^= 1;
        msg[0] ^= 1;
        assert_int_equal(ln_trust_verify(pub, msg, nmsg ? nmsg : 1, sig),
                         LN_ETRUST);
    }
}

/* golang.org/x/mod/sumdb/note's package documentation example */
#define GO_VKEY "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define GO_SKEY "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define GO_TEXT "If you think cryptography is the answer to your problem,\n" \
                "then you don't know what your problem is.\n"
#define GO_SIG "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
#define ENOCH_VKEY "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"

static void test_go_example(void **state)
{
    (void)state;
    ln_trust_key sk, vk;
    ln_diag d;
    char buf[512];
    assert_int_equal(ln_trust_key_parse(GO_SKEY, strlen(GO_SKEY), &sk, &d),
                     0);
    assert_int_equal(ln_trust_key_parse(GO_VKEY, strlen(GO_VKEY), &vk, &d),
                     0);
    assert_memory_equal(sk.pub, vk.pub, 32);
    assert_int_equal(ln_trust_key_id("PeterNeumann", LN_TRUST_SIG_ED25519,
                                     vk.pub), 0xc74f20a3u);
    assert_int_equal(ln_trust_key_format_public(&sk, buf, sizeof buf), 0);
    assert_string_equal(buf, GO_VKEY);
    assert_int_equal(ln_trust_key_format_private(&sk, buf, sizeof buf), 0);
    assert_string_equal(buf, GO_SKEY);
    assert_int_equal(ln_trust_note_sign(&sk, GO_TEXT, strlen(GO_TEXT), buf,
                                        sizeof buf), 0);
    assert_string_equal(buf, GO_SIG);
    const char *note = GO_TEXT "\n" GO_SIG;
    ln_trust_note nt;
    size_t nok;
    assert_int_equal(ln_trust_note_parse(note, strlen(note), &nt, &d), 0);
    assert_int_equal(nt.nsigs, 1);
    assert_int_equal(nt.sigs[0].id, 0xc74f20a3u);
    assert_int_equal(ln_trust_note_verify(&nt, &vk, 1, &nok, NULL, &d), 0);
    assert_int_equal(nok, 1);
    /* an unknown key only: no known signature */
    ln_trust_key ek;
    assert_int_equal(ln_trust_key_parse(ENOCH_VKEY, strlen(ENOCH_VKEY), &ek,
                                        &d), 0);
    assert_int_equal(ln_trust_note_verify(&nt, &ek, 1, &nok, NULL, &d),
                     LN_ETRUST);
    assert_non_null(strstr(d.msg, "no signature by a known key"));
    ln_trust_note_clear(&nt);
    /* the same line over another text: matches the key, fails */
    const char *bad = "If you think cryptography is the answer.\n\n" GO_SIG;
    assert_int_equal(ln_trust_note_parse(bad, strlen(bad), &nt, &d), 0);
    assert_int_equal(ln_trust_note_verify(&nt, &vk, 1, &nok, NULL, &d),
                     LN_ETRUST);
    assert_non_null(strstr(d.msg, "does not verify"));
    ln_trust_note_clear(&nt);
}

static void test_key_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
        "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW=",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW+x",
        "PRIVATE+KEY+PeterNeumann+c74f20a3",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ln_trust_key k;
        ln_diag d;
        ln_diag_clear(&d);
        assert_int_equal(ln_trust_key_parse(bad[i], strlen(bad[i]), &k, &d),
                         LN_EPARSE);
        assert_true(d.msg[0] != '\0');
    }
    assert_false(ln_trust_name_ok("a+b"));
    assert_false(ln_trust_name_ok("a\xc2\xa0" "b")); /* U+00A0 */
    assert_false(ln_trust_name_ok("\xff"));
    assert_true(ln_trust_name_ok("example.com/w1"));
    /* base64: strict padding, no non-canonical trailing bits */
    unsigned char b[8];
    size_t n;
    assert_int_equal(ln_trust_b64_decode("AQ==", 4, b, sizeof b, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ln_trust_b64_decode("AR==", 4, b, sizeof b, &n),
                     LN_EPARSE);
    assert_int_equal(ln_trust_b64_decode("AQ", 2, b, sizeof b, &n),
                     LN_EPARSE);
    assert_int_equal(ln_trust_b64_decode("A Q=", 4, b, sizeof b, &n),
                     LN_EPARSE);
}

static void test_note_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "text\n",
        "text\n\n",
        "\n\n" GO_SIG,
        "text\n\n" GO_SIG "x",                           /* no newline */
        "text\n\n- PeterNeumann x08go/ZJku\n",           /* not U+2014 */
        "text\n\n\xe2\x80\x94 PeterNeumann\n",           /* no signature */
        "text\n\n\xe2\x80\x94  x08go/ZJku\n",            /* empty name */
        "text\n\n\xe2\x80\x94 Peter+Neumann AAAAAAA=\n", /* '+' in name */
        "text\n\n\xe2\x80\x94 PeterNeumann AAAA\n",      /* 3 bytes */
        "text\n\n\xe2\x80\x94 PeterNeumann !!!!!!!!\n",  /* not base64 */
        "te\txt\n\n" GO_SIG,                             /* control */
        "te\xffxt\n\n" GO_SIG,                           /* not UTF-8 */
        "text\n\n" GO_SIG "\n",                          /* blank line */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ln_trust_note nt;
        ln_diag d;
        ln_diag_clear(&d);
        int rc = ln_trust_note_parse(bad[i], strlen(bad[i]), &nt, &d);
        if (rc != LN_EPARSE)
            fprintf(stderr, "case %zu accepted\n", i);
        assert_int_equal(rc, LN_EPARSE);
        assert_true(d.msg[0] != '\0');
    }
    /* 101 signature lines */
    char *many = malloc(200 * 101 + 16);
    strcpy(many, "text\n\n");
    for (int i = 0; i < 101; i++)
        strcat(many, GO_SIG);
    ln_trust_note nt;
    ln_diag d;
    assert_int_equal(ln_trust_note_parse(many, strlen(many), &nt, &d),
                     LN_EPARSE);
    assert_non_null(strstr(d.msg, "more than 100"));
    free(many);
}

static void test_checkpoint(void **state)
{
    (void)state;
    ln_trust_checkpoint c;
    ln_diag d;
    const char *ok = "example.com/behind-the-sofa\n20852163\n"
                     "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    assert_int_equal(ln_trust_checkpoint_parse(ok, strlen(ok), &c, &d), 0);
    assert_string_equal(c.origin, "example.com/behind-the-sofa");
    assert_int_equal(c.size, 20852163);
    assert_int_equal(c.root[0], 0x0a);
    char buf[512];
    assert_int_equal(ln_trust_checkpoint_format(&c, buf, sizeof buf), 0);
    assert_string_equal(buf, ok);
    const char *ext = "o\n0\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
                      "extension one\n";
    assert_int_equal(ln_trust_checkpoint_parse(ext, strlen(ext), &c, &d), 0);
    assert_int_equal(c.next, 1);
    static const char *const bad[] = {
        "", "o\n", "o\n12\n",
        "o\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "o\n18446744073709551616\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2=\n",
        "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=",
        "\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
        "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",
        "o\n1 \nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ln_diag_clear(&d);
        assert_int_equal(ln_trust_checkpoint_parse(bad[i], strlen(bad[i]),
                                                   &c, &d), LN_EPARSE);
        assert_true(d.msg[0] != '\0');
    }
}

static void test_cosignature(void **state)
{
    (void)state;
    ln_trust_key log, w;
    unsigned char s1[32] = {1}, s2[32] = {2};
    assert_int_equal(ln_trust_key_from_seed("example.com/log", s1, &log), 0);
    assert_int_equal(ln_trust_key_from_seed("example.com/w1", s2, &w), 0);
    const char *text = "example.com/log\n5\n"
                       "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    char l1[256], l2[256], note[1024];
    assert_int_equal(ln_trust_note_sign(&log, text, strlen(text), l1,
                                        sizeof l1), 0);
    assert_int_equal(ln_trust_cosign(&w, text, strlen(text), 1679315147, l2,
                                     sizeof l2), 0);
    snprintf(note, sizeof note, "%s\n%s%s", text, l1, l2);
    ln_trust_note nt;
    ln_diag d;
    size_t nok;
    uint64_t t = 0;
    assert_int_equal(ln_trust_note_parse(note, strlen(note), &nt, &d), 0);
    assert_int_equal(nt.sigs[1].nsig, 72);
    assert_int_equal(ln_trust_note_verify(&nt, &w, 1, &nok, &t, &d), 0);
    assert_int_equal(t, 1679315147);
    ln_trust_key both[2] = {log, w};
    assert_int_equal(ln_trust_note_verify(&nt, both, 2, &nok, NULL, &d), 0);
    assert_int_equal(nok, 2);
    ln_trust_note_clear(&nt);
    /* an independent verifier: python3-cryptography's Ed25519, hashlib
     * for the key ids, the message as tlog-cosignature spells it */
    char vkey[256], cmd[2048];
    assert_int_equal(ln_trust_key_format_public(&w, vkey, sizeof vkey), 0);
    char dir[] = "/tmp/ln_trust_cosigXXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/note", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, note, strlen(note)), (ssize_t)strlen(note));
    close(fd);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/cosig_check.py '%s' %s",
             LN_TRUST_TEST_DIR, vkey, path);
    FILE *f = popen(cmd, "r");
    char out[256] = "";
    assert_non_null(f);
    assert_non_null(fgets(out, sizeof out, f));
    assert_int_equal(pclose(f), 0);
    unlink(path);
    rmdir(dir);
    assert_string_equal(out, "ok 1679315147\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc8032),
        cmocka_unit_test(test_go_example),
        cmocka_unit_test(test_key_errors),
        cmocka_unit_test(test_note_errors),
        cmocka_unit_test(test_checkpoint),
        cmocka_unit_test(test_cosignature),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
