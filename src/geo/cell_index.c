/*
 * cell_index.c - H3 cell indexes: point -> cell, cell -> centre and
 * outline, the digit rotations, and overage between icosahedron faces.
 *
 * A point is projected on its closest face (gnomonic), located in the
 * face's hexagon grid at the target resolution, and walked up the
 * aperture-7 hierarchy to resolution 0, one digit per step; the res-0
 * position names the base cell, and the digits are rotated into the base
 * cell's home frame (pentagons skip their deleted K sub-sequence). The
 * way back starts at the home face and walks down; a cell whose position
 * falls past the home face's edge ("overage") is moved onto the adjacent
 * face. Outlines use the aperture-3 substrate grid for vertices and add a
 * vertex where a Class III edge crosses an icosahedron edge.
 *
 * Reference: H3 documentation, h3geo.org/docs/core-library (indexing,
 * coordinate systems, overage), and Sahr, "Location coding on icosahedral
 * aperture 3 hexagon discrete global grids" (2008).
 */
#include <float.h>
#include <math.h>
#include <stdatomic.h>

#include "geo/cell_int.h"

/* Largest normalised coordinate sum on a face, per Class II resolution
 * (2 * 7^(r/2)), and the res-0 unit at that resolution (7^(r/2)). */
static int max_dim(int res)
{
    int m = 2;
    for (int r = 2; r <= res; r += 2)
        m *= 7;
    return m;
}

static int unit_scale(int res)
{
    int u = 1;
    for (int r = 2; r <= res; r += 2)
        u *= 7;
    return u;
}

/* ---- digit rotations --------------------------------------------------- */

int ln__leading_digit(ln_cell h)
{
    int res = ln__cell_get_res(h);
    for (int r = 1; r <= res; r++) {
        int d = ln__cell_digit(h, r);
        if (d)
            return d;
    }
    return 0;
}

ln_cell ln__cell_rot60ccw(ln_cell h)
{
    static const uint8_t rot[8] = {0, 5, 3, 1, 6, 4, 2, 7};
    int res = ln__cell_get_res(h);
    for (int r = 1; r <= res; r++)
        h = ln__cell_set_digit(h, r, rot[ln__cell_digit(h, r)]);
    return h;
}

ln_cell ln__cell_rot60cw(ln_cell h)
{
    int res = ln__cell_get_res(h);
    for (int r = 1; r <= res; r++)
        h = ln__cell_set_digit(h, r, ln__digit_rot60cw(ln__cell_digit(h, r)));
    return h;
}

/* Rotation of a pentagon's digits: when the first non-zero digit becomes
 * K (the deleted sub-sequence), turn once more. */
ln_cell ln__cell_rot_pent60ccw(ln_cell h)
{
    int found = 0;
    int res = ln__cell_get_res(h);
    for (int r = 1; r <= res; r++) {
        h = ln__cell_set_digit(h, r, ln__digit_rot60ccw(ln__cell_digit(h, r)));
        if (!found && ln__cell_digit(h, r) != 0) {
            found = 1;
            if (ln__leading_digit(h) == LN__D_K)
                h = ln__cell_rot60ccw(h);
        }
    }
    return h;
}

/* ---- overage ------------------------------------------------------------- */

int ln__adjust_overage_c2(const ln__cell_tab *t, ln__fijk *f, int res,
                          int pent_leading4, int substrate)
{
    int over = LN__NO_OVERAGE;
    ln__ijk *c = &f->c;
    int md = max_dim(res);
    if (substrate)
        md *= 3;
    int sum = c->i + c->j + c->k;
    if (substrate && sum == md)
        return LN__FACE_EDGE;
    if (sum <= md)
        return over;
    over = LN__NEW_FACE;
    const ln__face_orient *o;
    if (c->k > 0) {
        if (c->j > 0) {
            o = &t->nb[f->face][LN__Q_JK];
        } else {
            o = &t->nb[f->face][LN__Q_KI];
            if (pent_leading4) {
                /* turn about the pentagon (at (md, 0, 0)) past the
                 * deleted sub-sequence */
                ln__ijk origin = {md, 0, 0}, tmp;
                ln__ijk_sub(c, &origin, &tmp);
                ln__ijk_rot60cw(&tmp);
                ln__ijk_add(&tmp, &origin, c);
            }
        }
    } else {
        o = &t->nb[f->face][LN__Q_IJ];
    }
    f->face = o->face;
    for (int i = 0; i < o->rot; i++)
        ln__ijk_rot60ccw(c);
    ln__ijk tr = o->translate;
    int us = unit_scale(res);
    if (substrate)
        us *= 3;
    ln__ijk_scale(&tr, us);
    ln__ijk_add(c, &tr, c);
    ln__ijk_normalize(c);
    if (substrate && c->i + c->j + c->k == md)
        over = LN__FACE_EDGE;
    return over;
}

/* ---- face ijk -> index ----------------------------------------------------- */

/* round(n / 7) for an integer |n| < 7 * 2^24: never a tie, since 7 is
 * odd; shifted to non-negative so that it needs no branch. u / 7 is
 * (u * ceil(2^34 / 7)) >> 34, exact for u < 3435973841 (checked for every
 * u; here u < 2^28): one multiply, shorter than the 32-bit division
 * sequence on the digit walk's dependency chain. */
static inline int div7_round(int n)
{
    uint64_t u = (uint64_t)(unsigned)(n + 3 + 7 * (1 << 24));
    return (int)((u * UINT64_C(2454267027)) >> 34) - (1 << 24);
}

ln_cell ln__cell_digits(const ln__fijk *f, int res, ln__ijk *p)
{
    ln_cell h = LN__CELL_INIT | ((ln_cell)1 << LN__CELL_MODE_SHIFT) |
                ((ln_cell)res << LN__CELL_RES_SHIFT);
    /* work in (i, j) with k = 0: i' = i - k, j' = j - k */
    int i = f->c.i - f->c.k, j = f->c.j - f->c.k;
    for (int r = res - 1; r >= 0; r--) {
        int pi, pj, ci, cj;
        if (ln__res_class3(r + 1)) {
            /* up: ap7 (ccw); centre = down ap7 of the parent */
            pi = div7_round(3 * i - j);
            pj = div7_round(i + 2 * j);
            ci = 2 * pi + pj;  /* i*(3,0,1) + j*(1,3,0) in (i-k, j-k) */
            cj = 3 * pj - pi;
        } else {
            pi = div7_round(2 * i + j);
            pj = div7_round(3 * j - i);
            ci = 3 * pi - pj;  /* i*(3,1,0) + j*(0,3,1) */
            cj = pi + 2 * pj;
        }
        /* the difference is a unit vector, read in (i - k, j - k) */
        static const int8_t digit_of[9] = {1, 3, 7, 5, 0, 2, 7, 4, 6};
        int di = i - ci, dj = j - cj;
        int dg = (di < -1 || di > 1 || dj < -1 || dj > 1)
                     ? LN__D_INVALID
                     : digit_of[(di + 1) * 3 + dj + 1];
        h = ln__cell_set_digit(h, r + 1, dg);
        i = pi;
        j = pj;
    }
    ln__ijk c = {i, j, 0};
    ln__ijk_normalize(&c);
    *p = c;
    return h;
}

ln_cell ln__cell_with_base(ln_cell h, const ln__fbc *e, int pent)
{
    h |= (ln_cell)e->base << LN__CELL_BC_SHIFT;
    if (pent) {
        if (ln__leading_digit(h) == LN__D_K)
            h = e->cw ? ln__cell_rot60cw(h) : ln__cell_rot60ccw(h);
        for (int i = 0; i < e->rot; i++)
            h = ln__cell_rot_pent60ccw(h);
    } else {
        for (int i = 0; i < e->rot; i++)
            h = ln__cell_rot60ccw(h);
    }
    return h;
}

/* ---- index -> face ijk ------------------------------------------------------- */

/* Walks the digits down from the home position; returns 1 if the cell
 * may lie past the home face's edge. */
static int walk_down(ln_cell h, ln__fijk *f, int pent)
{
    int res = ln__cell_get_res(h);
    int possible = 1;
    if (!pent && (res == 0 || (f->c.i == 0 && f->c.j == 0 && f->c.k == 0)))
        possible = 0;
    for (int r = 1; r <= res; r++) {
        if (ln__res_class3(r))
            ln__ijk_down_ap7(&f->c);
        else
            ln__ijk_down_ap7r(&f->c);
        ln__ijk_neighbor(&f->c, ln__cell_digit(h, r));
    }
    return possible;
}

void ln__cell_to_fijk_home(const ln__cell_tab *t, ln_cell h,
                           const ln__fijk *home, int pent, ln__fijk *f)
{
    if (pent && ln__leading_digit(h) == LN__D_IK)
        h = ln__cell_rot60cw(h);
    *f = *home;
    if (!walk_down(h, f, pent))
        return;
    ln__ijk orig = f->c;
    int res0 = ln__cell_get_res(h), res = res0;
    if (ln__res_class3(res)) {
        ln__ijk_down_ap7r(&f->c);
        res++;
    }
    int pl4 = pent && ln__leading_digit(h) == LN__D_I;
    if (ln__adjust_overage_c2(t, f, res, pl4, 0) != LN__NO_OVERAGE) {
        if (pent)
            while (ln__adjust_overage_c2(t, f, res, 0, 0) != LN__NO_OVERAGE)
                ;
        if (res != res0)
            ln__ijk_up_ap7r(&f->c);
    } else if (res != res0) {
        f->c = orig;
    }
}

void ln__cell_to_fijk(const ln__cell_tab *t, ln_cell h, ln__fijk *f)
{
    int b = ln__cell_get_base(h);
    ln__cell_to_fijk_home(t, h, &t->home[b], t->pent[b], f);
}

void ln__fijk_to_geo(const ln__cell_tab *t, const ln__fijk *f, int res,
                     double *lat, double *lon)
{
    ln__v2 v;
    ln__ijk_to_hex2d(&f->c, &v);
    ln__hex2d_to_geo(t, &v, f->face, res, 0, lat, lon);
}

/* ---- public: point -> cell, cell -> centre -------------------------------- */

/* two doubles in one SSE2 register (GCC/Clang vector extension) */
typedef double v2d __attribute__((vector_size(16)));
typedef uint64_t v2u __attribute__((vector_size(16)));

/* sin and cos of a and of b for |a|, |b| <= 4 rad, both at once, to
 * within an ulp of libm's (libm is used past that, and when a reduced
 * argument is within 2^-20 of a multiple of pi/2 other than 0, where the
 * two-part reduction below would lose bits).
 * x = n pi/2 + y + yt with pi/2 = P1 + P1T (P1: 33 bits, so n P1 and
 * x - n P1 are exact for |n| <= 3); sin and cos of the reduced argument
 * from their Taylor series (the first left-out term is below 1e-19 on
 * |y| <= pi/4), with yt as a first-order correction and the 1 - y^2/2
 * of cos split to keep its rounding error; then the quadrant n (read
 * from the low bits of the rounding sum) swaps them and sets signs. */
static inline __attribute__((always_inline)) void
fast_sincos2(double a, double b, double *sa, double *ca, double *sb,
             double *cb)
{
    const double P1 = 0x1.921fb544p+0;           /* pi/2, 33 bits */
    const double P1T = 0x1.0b4611a626331p-34;    /* pi/2 - P1 */
    const double INV_PIO2 = 0x1.45f306dc9c883p-1; /* 2/pi */
    const double TOINT = 0x1.8p52;
    if (!(fabs(a) <= 4.0 && fabs(b) <= 4.0)) {
        *sa = sin(a);
        *ca = cos(a);
        *sb = sin(b);
        *cb = cos(b);
        return;
    }
    v2d x = {a, b};
    v2d t = x * INV_PIO2 + TOINT; /* n in the low mantissa bits */
    v2d fn = t - TOINT;
    v2d r = x - fn * P1, w = fn * P1T;
    v2d y = r - w, yt = (r - y) - w;
    if ((fabs(y[0]) < 0x1p-20 && fn[0] != 0.0) ||
        (fabs(y[1]) < 0x1p-20 && fn[1] != 0.0)) { /* rare */
        *sa = sin(a);
        *ca = cos(a);
        *sb = sin(b);
        *cb = cos(b);
        return;
    }
    /* the Taylor polynomials in z = y^2 by Estrin's scheme (short
     * dependency chains: this is the latency of the whole call) */
    v2d z = y * y, z2 = z * z, z4 = z2 * z2;
    /* sin y = y + y^3 (-1/3! + y^2/5! - ... + y^14/17!) */
    v2d ps = ((-1.0 / 6.0 + z * (1.0 / 120.0)) +
              z2 * (-1.0 / 5040.0 + z * (1.0 / 362880.0))) +
             z4 * ((-1.0 / 39916800.0 + z * (1.0 / 6227020800.0)) +
                   z2 * (-1.0 / 1307674368000.0 +
                         z * (1.0 / 355687428096000.0)));
    v2d s = y + (y * z * ps + yt * (1.0 - 0.5 * z));
    /* cos y = 1 - y^2/2 + y^4 (1/4! - y^2/6! + ... + y^14/18!) */
    v2d pc = ((1.0 / 24.0 + z * (-1.0 / 720.0)) +
              z2 * (1.0 / 40320.0 + z * (-1.0 / 3628800.0))) +
             z4 * ((1.0 / 479001600.0 + z * (-1.0 / 87178291200.0)) +
                   z2 * (1.0 / 20922789888000.0 +
                         z * (-1.0 / 6402373705728000.0)));
    v2d hz = 0.5 * z, v = 1.0 - hz;
    v2d c = v + (((1.0 - v) - hz) + (z2 * pc - y * yt));
    /* quadrant n: (sin, cos) = (s, c), (c, -s), (-s, -c), (-c, s):
     * swap if n is odd, negate sin if n & 2, cos if (n + 1) & 2 */
    v2u n = (v2u)t, sb_ = (v2u)s, cb_ = (v2u)c;
    v2u sw = (sb_ ^ cb_) & -(n & 1);
    sb_ ^= sw ^ ((n & 2) << 62);
    cb_ ^= sw ^ (((n + 1) & 2) << 62);
    s = (v2d)sb_;
    c = (v2d)cb_;
    *sa = s[0];
    *ca = c[0];
    *sb = s[1];
    *cb = c[1];
}

/* The closest face to p (largest dot product; the lowest face number on
 * a tie, as a scan of all 20 gives), from the coarse grid's candidates:
 * the grid lists every face that can win in its cell. */
static inline __attribute__((always_inline)) int
closest_face(const ln__cell_tab *t, double lat, double lon, const double p[3],
             double *dot)
{
    static const uint8_t all[LN__CELL_NFACE] = {0,  1,  2,  3,  4,  5,  6,
                                                7,  8,  9,  10, 11, 12, 13,
                                                14, 15, 16, 17, 18, 19};
    const uint8_t *cand = all;
    int n = LN__CELL_NFACE;
    if (lat >= -LN_PI / 2 && lat <= LN_PI / 2 && lon >= -LN_PI &&
        lon <= LN_PI) {
        int a = (int)((lat + LN_PI / 2) * (LN__CELL_FG_NLAT / LN_PI));
        int o = (int)((lon + LN_PI) * (LN__CELL_FG_NLON / LN_TWOPI));
        if (a >= LN__CELL_FG_NLAT)
            a = LN__CELL_FG_NLAT - 1;
        if (o >= LN__CELL_FG_NLON)
            o = LN__CELL_FG_NLON - 1;
        const ln__face_cand *c = &t->fgrid[a][o];
        if (c->n) {
            cand = c->f;
            n = c->n;
        }
    }
    if (n <= 2) {
        /* the common case (97% of the sphere): one or two candidates,
         * without branches; a repeated face changes nothing */
        int f0 = cand[0], f1 = cand[n - 1];
        double d0 = t->face_pt[f0][0] * p[0] + t->face_pt[f0][1] * p[1] +
                    t->face_pt[f0][2] * p[2];
        double d1 = t->face_pt[f1][0] * p[0] + t->face_pt[f1][1] * p[1] +
                    t->face_pt[f1][2] * p[2];
        *dot = d1 > d0 ? d1 : d0;
        return d1 > d0 ? f1 : f0;
    }
    int f = cand[0];
    double best = t->face_pt[f][0] * p[0] + t->face_pt[f][1] * p[1] +
                  t->face_pt[f][2] * p[2];
    for (int m = 1; m < n; m++) {
        int g = cand[m];
        double d = t->face_pt[g][0] * p[0] + t->face_pt[g][1] * p[1] +
                   t->face_pt[g][2] * p[2];
        if (d > best) {
            best = d;
            f = g;
        }
    }
    *dot = best;
    return f;
}

/* ln__hex2d_to_ijk without the final normalisation, as (i, j) with k = 0
 * (what the digit walk reads), and without branches: the same
 * comparisons, all evaluated, then selected by the range of r1 (below
 * 1/3, 1/3..1/2, 1/2..2/3, above), so the same hexagon bit for bit. The
 * sector folds are in closed form: for x < 0, i -> j - i (for both
 * parities of j >= 0), for y < 0 (i, j) -> (i - j, -j). */
static inline __attribute__((always_inline)) void
hex2d_to_ij(double x, double y, int *oi, int *oj)
{
    double a1 = fabs(x), a2 = fabs(y);
    double x2 = a2 * LN__CELL_RSIN60;
    double x1 = a1 + x2 / 2.0;
    int m1 = (int)x1, m2 = (int)x2;
    double r1 = x1 - m1, r2 = x2 - m2;
    int c1 = r1 < 0.5, c2 = r1 < 1.0 / 3.0, c3 = r1 < 2.0 / 3.0;
    int ca = c2, cb = c1 & (1 - c2), cc = (1 - c1) & c3, cd = 1 - c3;
    int ja = !(r2 < (1.0 + r1) / 2.0);
    int jb = !(r2 < (1.0 - r1));
    int jd = !(r2 < (r1 / 2.0));
    int ib = ((1.0 - r1) <= r2) & (r2 < (2.0 * r1));
    int ic = 1 - (((2.0 * r1 - 1.0) < r2) & (r2 < (1.0 - r1)));
    int i = m1 + ((cb & ib) | (cc & ic) | cd);
    int j = m2 + ((ca & ja) | ((cb | cc) & jb) | (cd & jd));
    int sx = -(x < 0.0), sy = -(y < 0.0); /* all ones if negative */
    i = (i & ~sx) | ((j - i) & sx);
    i = (i & ~sy) | ((i - j) & sy);
    j = (j & ~sy) | (-j & sy);
    *oi = i;
    *oj = j;
}

/* the tables once built, without a call into pthread_once per point */
static _Atomic(const ln__cell_tab *) tab_cache;

/* One step up the aperture-7 hierarchy from a cell (i, j) (k = 0) at a
 * Class III (c3 = 1) or Class II resolution: (i, j) becomes the parent,
 * and the digit of the child in it is returned (7 if not a unit vector:
 * cannot happen for a point). As in ln__cell_digits. */
static inline __attribute__((always_inline)) int
up_step(int *i, int *j, int c3)
{
    /* digit of (i - k, j - k) + 1 = (di, dj) at 3 bits per 3 di + dj:
     * {1, 3, 7, 5, 0, 2, 7, 4, 6} (7: not a unit vector) */
    static const uint32_t digit_of = 0x69d0bd9u;
    int pi, pj, ci, cj;
    if (c3) {
        pi = div7_round(3 * *i - *j);
        pj = div7_round(*i + 2 * *j);
        ci = 2 * pi + pj;
        cj = 3 * pj - pi;
    } else {
        pi = div7_round(2 * *i + *j);
        pj = div7_round(3 * *j - *i);
        ci = 3 * pi - pj;
        cj = pi + 2 * pj;
    }
    unsigned di = (unsigned)(*i - ci + 1), dj = (unsigned)(*j - cj + 1);
    *i = pi;
    *j = pj;
    unsigned idx = ((di > 2) | (dj > 2)) ? 2 : di * 3 + dj;
    return (int)(digit_of >> (3 * idx) & 7);
}

/* All digits 1..6 of an index's digit field (15 lanes of 3 bits; lanes
 * holding 0 stay 0, 7 is not allowed) turned k * 60 deg ccw at once. A
 * digit is a unit vector with bits (i j k); one turn is the complement
 * rotated one bit left in its lane (1 -> 5, 2 -> 3, 3 -> 1, 4 -> 6,
 * 5 -> 4, 6 -> 2, the table of ln__cell_rot60ccw), so k turns are the
 * complement if k is odd, rotated left by k mod 3. */
static inline uint64_t digits_rot(uint64_t d, int k)
{
    static const uint64_t L1 = UINT64_C(0x49249249249); /* bit 0 of lanes */
    static const uint64_t L2 = UINT64_C(0x92492492492);
    static const uint64_t L4 = UINT64_C(0x124924924924);
    static const uint64_t hm[3] = {UINT64_C(0x1fffffffffff),
                                   UINT64_C(0x1b6db6db6db6),
                                   UINT64_C(0x124924924924)};
    static const uint64_t lm[3] = {0, UINT64_C(0x49249249249),
                                   UINT64_C(0xdb6db6db6db)};
    static const uint8_t mod3[6] = {0, 1, 2, 0, 1, 2};
    uint64_t nz = (d | d >> 1 | d >> 2) & L1;
    uint64_t x = d ^ ((L1 | L2 | L4) & (0 - (uint64_t)(k & 1)));
    int sh = mod3[k];
    return (((x << sh) & hm[sh]) | ((x >> (3 - sh)) & lm[sh])) & (nz * 7);
}

/* The hot path (about 70 ns a point on one core here; bench cell).
 * LN-DEV: the reference goes sphere -> (angle, azimuth) -> plane with
 * acos, atan2, tan, sin and cos; here the gnomonic projection is taken
 * with vectors (q = p / (p.c) - c, read on the face's tangent axes),
 * which is the same mapping with one sin/cos of lat and of lon instead of
 * nine calls, and those two pairs come from fast_sincos2 (within an ulp
 * of libm, equal in ~97 % of cases). The results differ in the last bits
 * of the plane coordinates only, so an id can differ only for a point
 * within ~1e-15 of a cell edge (relative); tests/geo/test_cell_oracle
 * finds none in 16 M comparisons with h3-js, nor did 32 M comparisons
 * with the libm/20-face digit-walk path this replaced.
 * The closest face comes from a coarse grid of candidates (one or two
 * dot products instead of 20), the hexagon rounding is branch-free, the
 * digits are walked up in (i - k, j - k) with exact integer rounding and
 * turned into the home frame all at once (digits_rot); pentagons take
 * ln__cell_with_base. */
int ln_cell_from_latlon(double lat_rad, double lon_rad, int res,
                        ln_cell *out)
{
    *out = 0;
    if (res < 0 || res > LN_CELL_MAX_RES)
        return LN_ERANGE;
    if (!isfinite(lat_rad) || !isfinite(lon_rad))
        return LN_EINVAL;
    const ln__cell_tab *t = atomic_load_explicit(&tab_cache,
                                                 memory_order_acquire);
    if (!t) {
        t = ln__cell_tables(); /* first call: builds them */
        if (!t)
            return LN_ECELL;
        atomic_store_explicit(&tab_cache, t, memory_order_release);
    }
    double p[3], best, slat, clat, slon, clon;
    fast_sincos2(lat_rad, lon_rad, &slat, &clat, &slon, &clon);
    p[0] = clon * clat;
    p[1] = slon * clat;
    p[2] = slat;
    int f = closest_face(t, lat_rad, lon_rad, p, &best);
    const double(*uv)[3] = t->face_uv[ln__res_class3(res)][f];
    double sc = t->scale[res] / best;
    int i, j;
    hex2d_to_ij((uv[0][0] * p[0] + uv[0][1] * p[1] + uv[0][2] * p[2]) * sc,
                (uv[1][0] * p[0] + uv[1][1] * p[1] + uv[1][2] * p[2]) * sc,
                &i, &j);
    /* up the hierarchy, one digit per resolution (as ln__cell_digits),
     * into the digit field; two resolutions per turn (Class III odd) */
    uint64_t dg = 0;
    int sh = 3 * (LN_CELL_MAX_RES - res), r = res;
    if (r & 1) {
        dg |= (uint64_t)up_step(&i, &j, 1) << sh;
        sh += 3;
        r--;
    }
    for (; r >= 2; r -= 2) {
        dg |= (uint64_t)up_step(&i, &j, 0) << sh;
        dg |= (uint64_t)up_step(&i, &j, 1) << (sh + 3);
        sh += 6;
    }
    /* a lane of 7 (never for a point) */
    int bad = (dg & dg >> 1 & dg >> 2 & UINT64_C(0x49249249249)) != 0;
    /* res-0 position, normalised */
    int m = i < j ? i : j;
    if (m > 0)
        m = 0;
    int k = -m;
    i -= m;
    j -= m;
    if (bad || i > 2 || j > 2 || k > 2)
        return LN_ECELL;
    const ln__fbc *e = &t->fbc[f][i][j][k];
    if (e->base < 0)
        return LN_ECELL;
    ln_cell h = ((ln_cell)1 << LN__CELL_MODE_SHIFT) |
                ((ln_cell)res << LN__CELL_RES_SHIFT);
    uint64_t unused = (UINT64_C(1) << 3 * (LN_CELL_MAX_RES - res)) - 1;
    if (e->pent) {
        *out = ln__cell_with_base(h | dg | unused, e, 1);
        return LN_OK;
    }
    *out = h | (ln_cell)e->base << LN__CELL_BC_SHIFT |
           digits_rot(dg, e->rot) | unused;
    return LN_OK;
}

int ln_cell_from_latlon_deg(double lat_deg, double lon_deg, int res,
                            ln_cell *out)
{
    /* h3-js converts with deg * pi / 180 (in that order) */
    return ln_cell_from_latlon(lat_deg * LN_PI / 180.0,
                               lon_deg * LN_PI / 180.0, res, out);
}

int ln_cell_center(ln_cell c, double *lat_rad, double *lon_rad)
{
    *lat_rad = *lon_rad = NAN;
    if (!ln_cell_is_valid(c))
        return LN_ECELL;
    const ln__cell_tab *t = ln__cell_tables();
    ln__fijk f;
    ln__cell_to_fijk(t, c, &f);
    ln__fijk_to_geo(t, &f, ln__cell_get_res(c), lat_rad, lon_rad);
    return LN_OK;
}

/* ---- outline ---------------------------------------------------------------- */

/* The vertices of the cell at f, on the aperture 3-3r(-7r) substrate:
 * *res becomes the substrate's Class II resolution. */
static void cell_verts(ln__fijk *f, int *res, int pent, ln__fijk *out)
{
    static const ln__ijk v2[6] = {{2, 1, 0}, {1, 2, 0}, {0, 2, 1},
                                  {0, 1, 2}, {1, 0, 2}, {2, 0, 1}};
    static const ln__ijk v3[6] = {{5, 4, 0}, {1, 5, 0}, {0, 5, 4},
                                  {0, 1, 5}, {4, 0, 5}, {5, 0, 1}};
    const ln__ijk *vv = ln__res_class3(*res) ? v3 : v2;
    ln__ijk_down_ap3(&f->c);
    ln__ijk_down_ap3r(&f->c);
    if (ln__res_class3(*res)) {
        ln__ijk_down_ap7r(&f->c);
        (*res)++;
    }
    int nv = pent ? 5 : 6;
    for (int v = 0; v < nv; v++) {
        out[v].face = f->face;
        ln__ijk_add(&f->c, &vv[v], &out[v].c);
        ln__ijk_normalize(&out[v].c);
    }
}

/* Intersection of the lines p0-p1 and p2-p3 (in double precision, as
 * the reference does since H3 4.x; older H3 kept the parameter in float,
 * which moves distortion vertices by up to ~1e-9 rad). */
static void v2_intersect(const ln__v2 *p0, const ln__v2 *p1,
                         const ln__v2 *p2, const ln__v2 *p3, ln__v2 *out)
{
    ln__v2 s1 = {p1->x - p0->x, p1->y - p0->y};
    ln__v2 s2 = {p3->x - p2->x, p3->y - p2->y};
    double tt = ((s2.x * (p0->y - p2->y) - s2.y * (p0->x - p2->x)) /
                 (-s2.x * s1.y + s1.x * s2.y));
    out->x = p0->x + (tt * s1.x);
    out->y = p0->y + (tt * s1.y);
}

static int v2_almost_eq(const ln__v2 *a, const ln__v2 *b)
{
    return fabs(a->x - b->x) < FLT_EPSILON && fabs(a->y - b->y) < FLT_EPSILON;
}

/* The two face-edge end points (substrate hex2d) of quadrant q. */
static void face_edge(int md, int q, ln__v2 *e0, ln__v2 *e1)
{
    ln__v2 v0 = {3.0 * md, 0.0};
    ln__v2 v1 = {-1.5 * md, 3.0 * LN__CELL_SQRT3_2 * md};
    ln__v2 v2 = {-1.5 * md, -3.0 * LN__CELL_SQRT3_2 * md};
    if (q == LN__Q_IJ) {
        *e0 = v0;
        *e1 = v1;
    } else if (q == LN__Q_JK) {
        *e0 = v1;
        *e1 = v2;
    } else {
        *e0 = v2;
        *e1 = v0;
    }
}

static void push_vert(const ln__cell_tab *t, ln_cell_boundary *b,
                      const ln__v2 *v, int face, int res)
{
    if (b->n >= LN_CELL_MAX_VERTS)
        return;
    ln__hex2d_to_geo(t, v, face, res, 1, &b->lat_rad[b->n],
                     &b->lon_rad[b->n]);
    b->n++;
}

static void hex_boundary(const ln__cell_tab *t, const ln__fijk *h, int res,
                         ln_cell_boundary *b)
{
    int ares = res;
    ln__fijk centre = *h, verts[6];
    cell_verts(&centre, &ares, 0, verts);
    b->n = 0;
    int last_face = -1, last_over = LN__NO_OVERAGE;
    for (int vert = 0; vert < 7; vert++) {
        int v = vert % 6;
        ln__fijk f = verts[v];
        int over = ln__adjust_overage_c2(t, &f, ares, 0, 1);
        if (ln__res_class3(res) && vert > 0 && f.face != last_face &&
            last_over != LN__FACE_EDGE) {
            int lv = (v + 5) % 6;
            ln__v2 o0, o1, e0, e1, in;
            ln__ijk_to_hex2d(&verts[lv].c, &o0);
            ln__ijk_to_hex2d(&verts[v].c, &o1);
            int face2 = last_face == centre.face ? f.face : last_face;
            face_edge(max_dim(ares), t->adj_dir[centre.face][face2], &e0,
                      &e1);
            v2_intersect(&o0, &o1, &e0, &e1, &in);
            if (!v2_almost_eq(&o0, &in) && !v2_almost_eq(&o1, &in))
                push_vert(t, b, &in, centre.face, ares);
        }
        if (vert < 6) {
            ln__v2 p;
            ln__ijk_to_hex2d(&f.c, &p);
            push_vert(t, b, &p, f.face, ares);
        }
        last_face = f.face;
        last_over = over;
    }
}

static void pent_boundary(const ln__cell_tab *t, const ln__fijk *h, int res,
                          ln_cell_boundary *b)
{
    int ares = res;
    ln__fijk centre = *h, verts[6], last = {0, {0, 0, 0}};
    cell_verts(&centre, &ares, 1, verts);
    b->n = 0;
    for (int vert = 0; vert < 6; vert++) {
        int v = vert % 5;
        ln__fijk f = verts[v];
        while (ln__adjust_overage_c2(t, &f, ares, 0, 1) == LN__NEW_FACE)
            ;
        if (ln__res_class3(res) && vert > 0) {
            /* every Class III pentagon edge crosses an icosahedron edge */
            ln__fijk tf = f;
            ln__v2 o0, o1, e0, e1, in;
            ln__ijk_to_hex2d(&last.c, &o0);
            int dir = t->adj_dir[tf.face][last.face];
            const ln__face_orient *o = &t->nb[tf.face][dir];
            tf.face = o->face;
            for (int i = 0; i < o->rot; i++)
                ln__ijk_rot60ccw(&tf.c);
            ln__ijk tr = o->translate;
            ln__ijk_scale(&tr, unit_scale(ares) * 3);
            ln__ijk_add(&tf.c, &tr, &tf.c);
            ln__ijk_normalize(&tf.c);
            ln__ijk_to_hex2d(&tf.c, &o1);
            face_edge(max_dim(ares), t->adj_dir[tf.face][f.face], &e0, &e1);
            v2_intersect(&o0, &o1, &e0, &e1, &in);
            push_vert(t, b, &in, tf.face, ares);
        }
        if (vert < 5) {
            ln__v2 p;
            ln__ijk_to_hex2d(&f.c, &p);
            push_vert(t, b, &p, f.face, ares);
        }
        last = f;
    }
}

int ln_cell_boundary_of(ln_cell c, ln_cell_boundary *b)
{
    b->n = 0;
    if (!ln_cell_is_valid(c))
        return LN_ECELL;
    const ln__cell_tab *t = ln__cell_tables();
    ln__fijk f;
    ln__cell_to_fijk(t, c, &f);
    if (ln_cell_is_pentagon(c))
        pent_boundary(t, &f, ln__cell_get_res(c), b);
    else
        hex_boundary(t, &f, ln__cell_get_res(c), b);
    return LN_OK;
}
