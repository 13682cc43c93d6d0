/*
 * fuzz_time.c - libFuzzer harness for the ISO 8601 time parser
 * (ln_time_parse_iso, core/time.c) and its round trip with
 * ln_time_format_iso.
 *
 * 1. The input as a string: parsed or refused; what parses is finite,
 *    between years 0000 and 9999 (+1 day: a leap second, or a fraction
 *    rounded up), and formats (0..9 decimals) to a string that parses
 *    back to within half the last decimal (plus double rounding).
 * 2. The first 9 bytes as a time in years 0000..9999 and a decimal count:
 *    format, parse, compare the same way.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leonet/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T0 (-62167219200.0) /* 0000-01-01T00:00:00Z */
#define T1 (253402300800.0) /* 10000-01-01T00:00:00Z */

static void round_trip(double t, int dec)
{
    char buf[64];
    double t2;
    ln_time_format_iso(t, dec, buf, sizeof buf);
    if (ln_time_parse_iso(buf, &t2) != LN_OK)
        abort(); /* the formatter wrote what the parser refuses */
    /* half the last decimal, plus the double's spacing at |t| */
    double tol = 0.5 * pow(10.0, -dec) + 4 * fabs(t) * 0x1p-52 + 1e-9;
    if (!(fabs(t2 - t) <= tol))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024)
        return 0;
    char s[1025];
    memcpy(s, data, size);
    s[size] = '\0';
    double t;
    if (ln_time_parse_iso(s, &t) == LN_OK) {
        if (!isfinite(t) || t < T0 || t > T1 + 86400.0)
            abort();
        if (t < T1 - 1.0) /* the formatter writes 4-digit years */
            for (int dec = 0; dec <= 9; dec++)
                round_trip(t, dec);
    }
    if (size >= 9) {
        uint64_t u;
        memcpy(&u, data, 8);
        double x = T0 + (double)(u >> 11) * 0x1.0p-53 * (T1 - 1.0 - T0);
        round_trip(x, data[8] % 10);
    }
    return 0;
}
