/*
 * jsonw.c - JSON string literals for the writers that print JSON by hand
 * (events, the map's GeoJSON, the page's inline data).
 *
 * Exports ln_json_put. Quotes, backslashes and control characters are
 * escaped (\" \\ \uXXXX); bytes that are not valid UTF-8 become U+FFFD,
 * so the output is always valid JSON (RFC 8259, which requires UTF-8).
 * With LN_JSON_SCRIPT the characters < > & and U+2028/U+2029 are written
 * as \uXXXX as well, so the literal can sit inside an HTML <script>
 * element (no "</script>", no "<!--") and in any JavaScript source.
 */
#include <stdio.h>
#include <string.h>

#include "leonet/core.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid
 * (overlong forms, surrogates and code points over U+10FFFF refused). */
static int utf8_len(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int n;
    unsigned min;
    if ((c & 0xe0) == 0xc0)
        n = 2, min = 0x80, c &= 0x1f;
    else if ((c & 0xf0) == 0xe0)
        n = 3, min = 0x800, c &= 0x0f;
    else if ((c & 0xf8) == 0xf0)
        n = 4, min = 0x10000, c &= 0x07;
    else
        return 0;
    for (int k = 1; k < n; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[k] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

void ln_json_put(FILE *f, const char *s, int flags)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', f);
    while (*p) {
        unsigned c = *p, cp;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc((int)c, f);
            p++;
        } else if (c < 0x20 ||
                   ((flags & LN_JSON_SCRIPT) &&
                    (c == '<' || c == '>' || c == '&'))) {
            fprintf(f, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            fputc((int)c, f);
            p++;
        } else {
            int n = utf8_len(p, &cp);
            if (!n) {
                fputs("\\ufffd", f);
                p++;
            } else if ((flags & LN_JSON_SCRIPT) &&
                       (cp == 0x2028 || cp == 0x2029)) {
                fprintf(f, "\\u%04x", cp);
                p += n;
            } else {
                fwrite(p, 1, (size_t)n, f);
                p += n;
            }
        }
    }
    fputc('"', f);
}
