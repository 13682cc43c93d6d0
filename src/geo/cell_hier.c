/*
 * cell_hier.c - the cell index as a value: validation, resolution, base
 * cell, pentagons, parent and children, and the hexadecimal text form.
 *
 * Bit layout (H3 index, mode 1 = cell): bit 63 zero, bits 59..62 mode,
 * 56..58 zero, 52..55 resolution, 45..51 base cell, then 15 digits of
 * 3 bits, digit r at bits 3*(15-r)..+2, 7 past the resolution. A child
 * appends a digit; a parent masks digits back to 7. A pentagon's children
 * never have K (1) as their first non-zero digit.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "geo/cell_int.h"

int ln_cell_res(ln_cell c)
{
    return ln__cell_get_res(c);
}

int ln_cell_base(ln_cell c)
{
    return ln__cell_get_base(c);
}

static int base_is_pent(int b)
{
    const ln__cell_tab *t = ln__cell_tables();
    return t && b >= 0 && b < LN__CELL_NBASE && t->pent[b];
}

int ln_cell_is_valid(ln_cell c)
{
    if (c >> 63)
        return 0;
    if (((c >> LN__CELL_MODE_SHIFT) & 15) != 1)
        return 0;
    if ((c >> 56) & 7)
        return 0;
    int b = ln__cell_get_base(c);
    if (b >= LN__CELL_NBASE)
        return 0;
    int res = ln__cell_get_res(c);
    int lead = 0;
    for (int r = 1; r <= 15; r++) {
        int d = ln__cell_digit(c, r);
        if (r <= res) {
            if (d == 7)
                return 0;
            if (!lead && d)
                lead = d;
        } else if (d != 7) {
            return 0;
        }
    }
    if (lead == LN__D_K && base_is_pent(b))
        return 0;
    return ln__cell_tables() != NULL;
}

int ln_cell_is_pentagon(ln_cell c)
{
    return base_is_pent(ln__cell_get_base(c)) && ln__leading_digit(c) == 0;
}

int ln_cell_parent(ln_cell c, int pres, ln_cell *out)
{
    *out = 0;
    if (!ln_cell_is_valid(c))
        return LN_ECELL;
    int res = ln__cell_get_res(c);
    if (pres < 0 || pres > res)
        return LN_ERANGE;
    ln_cell h = c & ~((ln_cell)15 << LN__CELL_RES_SHIFT);
    h |= (ln_cell)pres << LN__CELL_RES_SHIFT;
    for (int r = pres + 1; r <= res; r++)
        h = ln__cell_set_digit(h, r, 7);
    *out = h;
    return LN_OK;
}

uint64_t ln_cell_children_count(ln_cell c, int cres)
{
    if (!ln_cell_is_valid(c))
        return 0;
    int res = ln__cell_get_res(c);
    if (cres < res || cres > LN_CELL_MAX_RES)
        return 0;
    uint64_t n = 1;
    for (int r = res; r < cres; r++)
        n *= 7;
    if (ln_cell_is_pentagon(c))
        return 1 + 5 * (n - 1) / 6;
    return n;
}

int ln_cell_children(ln_cell c, int cres, ln_cell *out, size_t cap,
                     size_t *n)
{
    *n = 0;
    if (!ln_cell_is_valid(c))
        return LN_ECELL;
    int res = ln__cell_get_res(c);
    if (cres < res || cres > LN_CELL_MAX_RES)
        return LN_ERANGE;
    uint64_t want = ln_cell_children_count(c, cres);
    if (want > cap) {
        *n = (size_t)want;
        return LN_ETOOBIG;
    }
    int pent = ln_cell_is_pentagon(c);
    int depth = cres - res;
    ln_cell base = c & ~((ln_cell)15 << LN__CELL_RES_SHIFT);
    base |= (ln_cell)cres << LN__CELL_RES_SHIFT;
    int dig[16] = {0};
    size_t k = 0;
    for (;;) {
        /* skip a pentagon's deleted K sub-sequence */
        int ok = 1;
        if (pent) {
            for (int r = 0; r < depth; r++)
                if (dig[r]) {
                    ok = dig[r] != LN__D_K;
                    break;
                }
        }
        if (ok) {
            ln_cell h = base;
            for (int r = 0; r < depth; r++)
                h = ln__cell_set_digit(h, res + 1 + r, dig[r]);
            out[k++] = h;
        }
        int r = depth - 1;
        while (r >= 0 && dig[r] == 6) {
            dig[r] = 0;
            r--;
        }
        if (r < 0)
            break;
        dig[r]++;
    }
    *n = k;
    return LN_OK;
}

char *ln_cell_to_string(ln_cell c, char *buf, size_t n)
{
    if (n)
        snprintf(buf, n, "%" PRIx64, (uint64_t)c);
    return buf;
}

int ln_cell_from_string(const char *s, ln_cell *out)
{
    *out = 0;
    if (!s)
        return LN_EPARSE;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    size_t len = strlen(s);
    if (len == 0 || len > 16)
        return LN_EPARSE;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        int ch = (unsigned char)s[i], d;
        if (ch >= '0' && ch <= '9')
            d = ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            d = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F')
            d = ch - 'A' + 10;
        else
            return LN_EPARSE;
        v = (v << 4) | (uint64_t)d;
    }
    if (!ln_cell_is_valid(v))
        return LN_ECELL;
    *out = v;
    return LN_OK;
}
