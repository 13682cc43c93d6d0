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
 * odd; shifted to non-negative so that it needs no branch */
static inline int div7_round(int n)
{
    return (int)((unsigned)(n + 3 + 7 * (1 << 24)) / 7u) - (1 << 24);
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

ln_cell ln__fijk_to_cell(const ln__cell_tab *t, const ln__fijk *f, int res)
{
    ln__ijk c;
    ln_cell h = ln__cell_digits(f, res, &c);
    if (c.i > 2 || c.j > 2 || c.k > 2)
        return 0;
    const ln__fbc *e = &t->fbc[f->face][c.i][c.j][c.k];
    if (e->base < 0)
        return 0;
    return ln__cell_with_base(h, e, t->pent[e->base]);
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

/* The hot path. LN-DEV: the reference goes sphere -> (angle, azimuth)
 * -> plane with acos, atan2, tan, sin and cos; here the gnomonic
 * projection is taken with vectors (q = p / (p.c) - c, read on the face's
 * tangent axes), which is the same mapping with two trigonometric calls
 * instead of nine. The results differ in the last bits of the plane
 * coordinates only, so an id can differ only for a point within ~1e-15 of
 * a cell edge (relative); tests/geo/test_cell_oracle finds none in 16 M
 * comparisons. */
int ln_cell_from_latlon(double lat_rad, double lon_rad, int res,
                        ln_cell *out)
{
    *out = 0;
    if (res < 0 || res > LN_CELL_MAX_RES)
        return LN_ERANGE;
    if (!isfinite(lat_rad) || !isfinite(lon_rad))
        return LN_EINVAL;
    const ln__cell_tab *t = ln__cell_tables();
    if (!t)
        return LN_ECELL;
    double p[3];
    ln__geo_to_vec3(lat_rad, lon_rad, p);
    int f = 0;
    double best = -2.0;
    for (int g = 0; g < LN__CELL_NFACE; g++) {
        double d = t->face_pt[g][0] * p[0] + t->face_pt[g][1] * p[1] +
                   t->face_pt[g][2] * p[2];
        if (d > best) {
            best = d;
            f = g;
        }
    }
    const double(*uv)[3] = t->face_uv[ln__res_class3(res)][f];
    double sc = t->scale[res] / best;
    ln__v2 v = {(uv[0][0] * p[0] + uv[0][1] * p[1] + uv[0][2] * p[2]) * sc,
                (uv[1][0] * p[0] + uv[1][1] * p[1] + uv[1][2] * p[2]) * sc};
    ln__fijk fk;
    fk.face = f;
    ln__hex2d_to_ijk(&v, &fk.c);
    *out = ln__fijk_to_cell(t, &fk, res);
    return *out ? LN_OK : LN_ECELL;
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
