/*
 * cell_coord.c - the coordinate systems of the H3 grid: IJK hexagon
 * coordinates on a face, their apertures (3 and 7, counter-clockwise and
 * clockwise), the 2D face plane ("hex2d"), and the gnomonic projection
 * between a face plane and the sphere.
 *
 * The arithmetic follows H3's published description (h3geo.org, "Core
 * library: coordinate systems"); the order of floating-point operations
 * in the point -> plane path is the one that makes ids agree bit for bit
 * with the reference (checked by tests/geo/cell_oracle).
 */
#include <math.h>

#include "geo/cell_int.h"

/* ---- ijk ---------------------------------------------------------------- */

/* The same point with all coordinates >= 0 and one of them 0 (i + j + k
 * is the zero vector, so subtracting the minimum does it). */
void ln__ijk_normalize(ln__ijk *c)
{
    int m = c->i < c->j ? c->i : c->j;
    if (c->k < m)
        m = c->k;
    c->i -= m;
    c->j -= m;
    c->k -= m;
}

void ln__ijk_add(const ln__ijk *a, const ln__ijk *b, ln__ijk *s)
{
    s->i = a->i + b->i;
    s->j = a->j + b->j;
    s->k = a->k + b->k;
}

void ln__ijk_sub(const ln__ijk *a, const ln__ijk *b, ln__ijk *d)
{
    d->i = a->i - b->i;
    d->j = a->j - b->j;
    d->k = a->k - b->k;
}

void ln__ijk_scale(ln__ijk *c, int f)
{
    c->i *= f;
    c->j *= f;
    c->k *= f;
}

/* Combination i*iv + j*jv + k*kv, normalised: the change of basis of the
 * finer (down) apertures. */
static void combine(ln__ijk *c, const ln__ijk *iv, const ln__ijk *jv,
                    const ln__ijk *kv)
{
    ln__ijk r = {c->i * iv->i + c->j * jv->i + c->k * kv->i,
                 c->i * iv->j + c->j * jv->j + c->k * kv->j,
                 c->i * iv->k + c->j * jv->k + c->k * kv->k};
    ln__ijk_normalize(&r);
    *c = r;
}

/* A 60-degree ccw turn maps the axes i -> ij, j -> jk, k -> ik. */
void ln__ijk_rot60ccw(ln__ijk *c)
{
    static const ln__ijk iv = {1, 1, 0}, jv = {0, 1, 1}, kv = {1, 0, 1};
    combine(c, &iv, &jv, &kv);
}

void ln__ijk_rot60cw(ln__ijk *c)
{
    static const ln__ijk iv = {1, 0, 1}, jv = {1, 1, 0}, kv = {0, 1, 1};
    combine(c, &iv, &jv, &kv);
}

/* Aperture 7: the parent cell of c one resolution coarser, from a Class
 * II child (the clockwise variant). */
void ln__ijk_up_ap7r(ln__ijk *c)
{
    int i = c->i - c->k, j = c->j - c->k;
    c->i = (int)lround((2 * i + j) / 7.0);
    c->j = (int)lround((3 * j - i) / 7.0);
    c->k = 0;
    ln__ijk_normalize(c);
}

/* Centre child of c one resolution finer (the inverses of the above). */
void ln__ijk_down_ap7(ln__ijk *c)
{
    static const ln__ijk iv = {3, 0, 1}, jv = {1, 3, 0}, kv = {0, 1, 3};
    combine(c, &iv, &jv, &kv);
}

void ln__ijk_down_ap7r(ln__ijk *c)
{
    static const ln__ijk iv = {3, 1, 0}, jv = {0, 3, 1}, kv = {1, 0, 3};
    combine(c, &iv, &jv, &kv);
}

/* Aperture 3 substrates (used to reach cell vertices). */
void ln__ijk_down_ap3(ln__ijk *c)
{
    static const ln__ijk iv = {2, 0, 1}, jv = {1, 2, 0}, kv = {0, 1, 2};
    combine(c, &iv, &jv, &kv);
}

void ln__ijk_down_ap3r(ln__ijk *c)
{
    static const ln__ijk iv = {2, 1, 0}, jv = {0, 2, 1}, kv = {1, 0, 2};
    combine(c, &iv, &jv, &kv);
}

/* unit vectors of the digits 0..6 */
static const ln__ijk unit_vec[7] = {{0, 0, 0}, {0, 0, 1}, {0, 1, 0},
                                    {0, 1, 1}, {1, 0, 0}, {1, 0, 1},
                                    {1, 1, 0}};

void ln__ijk_neighbor(ln__ijk *c, int digit)
{
    if (digit > LN__D_CENTER && digit < LN__D_INVALID) {
        ln__ijk_add(c, &unit_vec[digit], c);
        ln__ijk_normalize(c);
    }
}

int ln__digit_rot60ccw(int d)
{
    static const int r[8] = {0, 5, 3, 1, 6, 4, 2, 7};
    return r[d & 7];
}

int ln__digit_rot60cw(int d)
{
    static const int r[8] = {0, 3, 6, 2, 5, 1, 4, 7};
    return r[d & 7];
}

void ln__ijk_to_hex2d(const ln__ijk *c, ln__v2 *v)
{
    int i = c->i - c->k, j = c->j - c->k;
    v->x = i - 0.5 * j;
    v->y = j * LN__CELL_SQRT3_2;
}

/* The hexagon containing a plane point: first in the sector x, y >= 0 by
 * the sub-triangle of the (i, j) rhombus it falls in, then folded back
 * by the signs of x and y. */
void ln__hex2d_to_ijk(const ln__v2 *v, ln__ijk *h)
{
    double a1 = fabs(v->x), a2 = fabs(v->y);
    double x2 = a2 * LN__CELL_RSIN60;
    double x1 = a1 + x2 / 2.0;
    int m1 = (int)x1, m2 = (int)x2;
    double r1 = x1 - m1, r2 = x2 - m2;
    h->k = 0;
    if (r1 < 0.5) {
        if (r1 < 1.0 / 3.0) {
            h->i = m1;
            h->j = r2 < (1.0 + r1) / 2.0 ? m2 : m2 + 1;
        } else {
            h->j = r2 < (1.0 - r1) ? m2 : m2 + 1;
            h->i = ((1.0 - r1) <= r2 && r2 < (2.0 * r1)) ? m1 + 1 : m1;
        }
    } else {
        if (r1 < 2.0 / 3.0) {
            h->j = r2 < (1.0 - r1) ? m2 : m2 + 1;
            h->i = ((2.0 * r1 - 1.0) < r2 && r2 < (1.0 - r1)) ? m1 : m1 + 1;
        } else {
            h->i = m1 + 1;
            h->j = r2 < (r1 / 2.0) ? m2 : m2 + 1;
        }
    }
    if (v->x < 0.0) {
        if ((h->j % 2) == 0) {
            int axisi = h->j / 2;
            h->i = h->i - 2 * (h->i - axisi);
        } else {
            int axisi = (h->j + 1) / 2;
            h->i = h->i - (2 * (h->i - axisi) + 1);
        }
    }
    if (v->y < 0.0) {
        h->i = h->i - (2 * h->j + 1) / 2;
        h->j = -h->j;
    }
    ln__ijk_normalize(h);
}

/* ---- sphere ------------------------------------------------------------- */

double ln__pos_angle(double a)
{
    double t = a < 0.0 ? a + LN_TWOPI : a;
    if (a >= LN_TWOPI)
        t -= LN_TWOPI;
    return t;
}

static double constrain_lon(double lon)
{
    while (lon > LN_PI)
        lon -= LN_TWOPI;
    while (lon < -LN_PI)
        lon += LN_TWOPI;
    return lon;
}

void ln__geo_to_vec3(double lat, double lon, double v[3])
{
    double r = cos(lat);
    v[2] = sin(lat);
    v[0] = cos(lon) * r;
    v[1] = sin(lon) * r;
}

double ln__geo_azimuth(double lat1, double lon1, double lat2, double lon2)
{
    return atan2(cos(lat2) * sin(lon2 - lon1),
                 cos(lat1) * sin(lat2) -
                     sin(lat1) * cos(lat2) * cos(lon2 - lon1));
}

void ln__geo_az_dist(double lat1, double lon1, double az, double dist,
                     double *lat2, double *lon2)
{
    if (dist < LN__CELL_EPS) {
        *lat2 = lat1;
        *lon2 = lon1;
        return;
    }
    az = ln__pos_angle(az);
    if (az < LN__CELL_EPS || fabs(az - LN_PI) < LN__CELL_EPS) {
        double la = az < LN__CELL_EPS ? lat1 + dist : lat1 - dist;
        if (fabs(la - LN_PI / 2) < LN__CELL_EPS) {
            *lat2 = LN_PI / 2;
            *lon2 = 0.0;
        } else if (fabs(la + LN_PI / 2) < LN__CELL_EPS) {
            *lat2 = -LN_PI / 2;
            *lon2 = 0.0;
        } else {
            *lat2 = la;
            *lon2 = constrain_lon(lon1);
        }
        return;
    }
    double sinlat = sin(lat1) * cos(dist) + cos(lat1) * sin(dist) * cos(az);
    if (sinlat > 1.0)
        sinlat = 1.0;
    if (sinlat < -1.0)
        sinlat = -1.0;
    double la = asin(sinlat);
    if (fabs(la - LN_PI / 2) < LN__CELL_EPS) {
        *lat2 = LN_PI / 2;
        *lon2 = 0.0;
        return;
    }
    if (fabs(la + LN_PI / 2) < LN__CELL_EPS) {
        *lat2 = -LN_PI / 2;
        *lon2 = 0.0;
        return;
    }
    double sinlon = sin(az) * sin(dist) / cos(la);
    double coslon = (cos(dist) - sin(lat1) * sin(la)) / cos(lat1) / cos(la);
    if (sinlon > 1.0)
        sinlon = 1.0;
    if (sinlon < -1.0)
        sinlon = -1.0;
    if (coslon > 1.0)
        coslon = 1.0;
    if (coslon < -1.0)
        coslon = -1.0;
    *lat2 = la;
    *lon2 = constrain_lon(lon1 + atan2(sinlon, coslon));
}

/* (r, theta) of the face plane -> hex2d at res: gnomonic scaling. */
static void polar_to_hex2d(double r, double theta, int res, ln__v2 *v)
{
    if (ln__res_class3(res))
        theta = ln__pos_angle(theta - LN__CELL_AP7_ROT);
    r = tan(r);
    r /= LN__CELL_RES0_U_GNOMONIC;
    for (int i = 0; i < res; i++)
        r *= LN__CELL_SQRT7;
    v->x = r * cos(theta);
    v->y = r * sin(theta);
}

void ln__geo_to_hex2d_face(const ln__cell_tab *t, double lat, double lon,
                           int face, int res, ln__v2 *v)
{
    double p[3];
    ln__geo_to_vec3(lat, lon, p);
    double dx = t->face_pt[face][0] - p[0], dy = t->face_pt[face][1] - p[1],
           dz = t->face_pt[face][2] - p[2];
    double sqd = dx * dx + dy * dy + dz * dz;
    double r = acos(1 - sqd / 2);
    if (r < LN__CELL_EPS) {
        v->x = v->y = 0.0;
        return;
    }
    double theta = ln__pos_angle(
        t->face_az[face] -
        ln__pos_angle(ln__geo_azimuth(t->face_lat[face], t->face_lon[face],
                                      lat, lon)));
    polar_to_hex2d(r, theta, res, v);
}

void ln__hex2d_to_geo(const ln__cell_tab *t, const ln__v2 *v, int face,
                      int res, int substrate, double *lat, double *lon)
{
    double r = sqrt(v->x * v->x + v->y * v->y);
    if (r < LN__CELL_EPS) {
        *lat = t->face_lat[face];
        *lon = t->face_lon[face];
        return;
    }
    double theta = atan2(v->y, v->x);
    for (int i = 0; i < res; i++)
        r /= LN__CELL_SQRT7;
    if (substrate) {
        r /= 3.0;
        if (ln__res_class3(res))
            r /= LN__CELL_SQRT7;
    }
    r *= LN__CELL_RES0_U_GNOMONIC;
    r = atan(r);
    if (!substrate && ln__res_class3(res))
        theta = ln__pos_angle(theta + LN__CELL_AP7_ROT);
    theta = ln__pos_angle(t->face_az[face] - theta);
    ln__geo_az_dist(t->face_lat[face], t->face_lon[face], theta, r, lat,
                    lon);
}
