/*
 * fence_predicates.c - exact orientation test for the geofence.
 *
 * ln__fence_orient is Shewchuk's orient2d filter (error bound
 * ccwerrboundA = (3 + 16 eps) eps) with an exact fallback: the six
 * products of the expanded determinant are split exactly with fma
 * (p + e = a*b) and summed exactly as a nonoverlapping expansion
 * (Grow-Expansion with zero elimination); the sign of the determinant is
 * the sign of the expansion's largest component. Exact while no product
 * underflows, i.e. for any coordinates in degrees.
 *
 * Reference: J. R. Shewchuk, "Adaptive Precision Floating-Point Arithmetic
 * and Fast Robust Geometric Predicates", Discrete Comput. Geom. 18 (1997).
 */
#include <math.h>

#include "geo/fence_int.h"

/* LN-DEV: the exact stage uses fma-based Two-Product instead of Dekker's
 * split; same result, fewer operations. */
static int orient_exact(double ax, double ay, double bx, double by,
                        double sx, double sy)
{
    double t[12];
    double p[6] = {ax * by, -(ax * sy), -(sx * by),
                   -(ay * bx), ay * sx, sy * bx};
    double u[6][2] = {{ax, by}, {-ax, sy}, {-sx, by},
                      {-ay, bx}, {ay, sx}, {sy, bx}};
    for (int i = 0; i < 6; i++) {
        t[2 * i] = p[i];
        t[2 * i + 1] = fma(u[i][0], u[i][1], -p[i]);
    }
    double h[12];
    int hn = 0;
    for (int k = 0; k < 12; k++) {
        double q = t[k];
        if (q == 0.0)
            continue;
        int m = 0;
        for (int i = 0; i < hn; i++) {
            double enow = h[i];
            double qn = q + enow; /* Two-Sum */
            double bv = qn - q;
            double av = qn - bv;
            double hh = (q - av) + (enow - bv);
            q = qn;
            if (hh != 0.0)
                h[m++] = hh;
        }
        if (q != 0.0 || m == 0)
            h[m++] = q;
        hn = m;
    }
    for (int i = hn - 1; i >= 0; i--)
        if (h[i] != 0.0)
            return h[i] > 0 ? 1 : -1;
    return 0;
}

int ln__fence_orient(double ax, double ay, double bx, double by, double sx,
                     double sy)
{
    double detl = (ax - sx) * (by - sy);
    double detr = (ay - sy) * (bx - sx);
    double det = detl - detr;
    double bound = 3.3306690738754716e-16 * (fabs(detl) + fabs(detr));
    if (det > bound)
        return 1;
    if (-det > bound)
        return -1;
    return orient_exact(ax, ay, bx, by, sx, sy);
}

int ln__fence_on_edge(const ln__fence_edge *e, double sx, double sy)
{
    double xl = e->ax < e->bx ? e->ax : e->bx;
    double xh = e->ax < e->bx ? e->bx : e->ax;
    double yl = e->ay < e->by ? e->ay : e->by;
    double yh = e->ay < e->by ? e->by : e->ay;
    if (sx < xl || sx > xh || sy < yl || sy > yh)
        return 0;
    return ln__fence_orient(e->ax, e->ay, e->bx, e->by, sx, sy) == 0;
}
