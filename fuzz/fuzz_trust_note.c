/*
 * fuzz_trust_note.c - libFuzzer harness for signed notes, signature
 * lines, checkpoints and log bundles (src/trust/note.c, bundle.c).
 *
 * 1. ln_trust_sigline_parse of the input as one line: refused with a
 *    message or parsed (a valid key name, 0..80 signature bytes).
 * 2. ln_trust_note_parse: refused with a message, or 1..100 signatures
 *    and a text that ends with a newline and is a prefix of the input;
 *    verifying it with a fixed key never crashes (and only succeeds when
 *    a line verifies, which random input cannot do).
 * 3. ln_trust_checkpoint_parse of the input (and of a parsed note's
 *    text): when it parses without extension lines, formatting gives the
 *    text back byte for byte.
 * 4. ln_trust_bundle_parse: refused with a message or parsed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void checkpoint(const char *s, size_t n)
{
    ln_trust_checkpoint c;
    ln_diag d;
    ln_diag_clear(&d);
    if (ln_trust_checkpoint_parse(s, n, &c, &d) != 0) {
        if (!d.msg[0])
            abort();
        return;
    }
    if (c.next == 0) {
        char buf[512];
        if (ln_trust_checkpoint_format(&c, buf, sizeof buf) != 0 ||
            strlen(buf) != n || memcmp(buf, s, n) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    const char *s = (const char *)data;
    ln_diag d;
    ln_trust_sigline sl;
    ln_diag_clear(&d);
    if (ln_trust_sigline_parse(s, size, &sl, &d) == 0) {
        if (!ln_trust_name_ok(sl.name) || sl.nsig > LN_TRUST_SIG_MAX)
            abort();
    } else if (!d.msg[0]) {
        abort();
    }
    ln_trust_note nt;
    ln_diag_clear(&d);
    if (ln_trust_note_parse(s, size, &nt, &d) == 0) {
        if (nt.nsigs < 1 || nt.nsigs > LN_TRUST_NOTE_MAX_SIGS ||
            nt.ntext == 0 || nt.text[nt.ntext - 1] != '\n' ||
            nt.ntext > size || memcmp(nt.text, s, nt.ntext) != 0)
            abort();
        ln_trust_key k;
        unsigned char seed[32] = {7};
        size_t nok;
        ln_trust_key_from_seed("fuzz", seed, &k);
        if (ln_trust_note_verify(&nt, &k, 1, &nok, NULL, &d) == 0)
            abort();
        checkpoint(nt.text, nt.ntext);
        ln_trust_note_clear(&nt);
    } else if (!d.msg[0]) {
        abort();
    }
    checkpoint(s, size);
    ln_trust_bundle b;
    ln_diag_clear(&d);
    if (ln_trust_bundle_parse(s, size, &b, &d) == 0)
        ln_trust_bundle_clear(&b);
    else if (!d.msg[0])
        abort();
    return 0;
}
