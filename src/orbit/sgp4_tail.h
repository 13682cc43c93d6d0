/*
 * sgp4_tail.h - the common end of Vallado's sgp4(): Kepler's equation,
 * the short-period periodics and the position/velocity vectors. Private
 * to the orbit area; used by the scalar reference (sgp4.c) and the
 * portable batch kernel (sgp4_vec_scalar.c), so the two cannot drift
 * apart. The SIMD kernels (sgp4_vec_impl.h) write the same terms on
 * vectors with masks.
 *
 * The operations are Vallado's, in his order (AIAA 2006-6753, sgp4()).
 */
#ifndef LN_ORBIT_SGP4_TAIL_H
#define LN_ORBIT_SGP4_TAIL_H

#include <math.h>

/* What the secular and long-period parts hand to the tail. */
typedef struct ln__sgp4_tail_in {
    double am, nm;       /* semi-major axis (Earth radii), mean motion */
    double axnl, aynl;   /* long-period e cos w, e sin w (+ J3 term) */
    double xl;           /* mean longitude incl. long-period terms */
    double node, inc;    /* node and inclination before short-period */
    double cosip, sinip; /* cos, sin of that inclination */
    double con41, x1mth2, x7thm1; /* 3c^2-1, 1-c^2, 7c^2-1 of cosip */
    double j2, xke, radiusearthkm, vkmpersec;
} ln__sgp4_tail_in;

enum { LN__TAIL_OK = 0, LN__TAIL_SLR = 4, LN__TAIL_DECAY = 6 };

/* Solves Kepler's equation and adds the short-period periodics.
 * Returns LN__TAIL_OK, LN__TAIL_SLR (semi-latus rectum < 0: r, v not
 * written) or LN__TAIL_DECAY (r, v written, radius below 1 Earth
 * radius): Vallado's error codes 4 and 6. */
static inline int ln__sgp4_tail(const ln__sgp4_tail_in *a, double r[3],
                                double v[3])
{
    const double twopi = 6.28318530717958647692;
    const double axnl = a->axnl, aynl = a->aynl, am = a->am;
    double u, eo1, tem5, sineo1, coseo1, ecose, esine, el2, pl, rl, rdotl,
        rvdotl, betal, temp, sinu, cosu, su, sin2u, cos2u, temp1, temp2,
        mrt, xnode, xinc, mvt, rvdot, sinsu, cossu, snod, cnod, sini, cosi,
        xmx, xmy, ux, uy, uz, vx, vy, vz, mr;
    int ktr;

    /* solve kepler's equation */
    u = fmod(a->xl - a->node, twopi);
    eo1 = u;
    tem5 = 9999.9;
    ktr = 1;
    sineo1 = 0.0;
    coseo1 = 0.0;
    /* sgp4fix for kepler iteration: the following iteration needs better
     * limits on corrections */
    while ((fabs(tem5) >= 1.0e-12) && (ktr <= 10)) {
        sineo1 = sin(eo1);
        coseo1 = cos(eo1);
        tem5 = 1.0 - coseo1 * axnl - sineo1 * aynl;
        tem5 = (u - aynl * coseo1 + axnl * sineo1 - eo1) / tem5;
        if (fabs(tem5) >= 0.95)
            tem5 = tem5 > 0.0 ? 0.95 : -0.95;
        eo1 = eo1 + tem5;
        ktr = ktr + 1;
    }

    /* short period preliminary quantities */
    ecose = axnl * coseo1 + aynl * sineo1;
    esine = axnl * sineo1 - aynl * coseo1;
    el2 = axnl * axnl + aynl * aynl;
    pl = am * (1.0 - el2);
    if (pl < 0.0)
        return LN__TAIL_SLR;

    rl = am * (1.0 - ecose);
    rdotl = sqrt(am) * esine / rl;
    rvdotl = sqrt(pl) / rl;
    betal = sqrt(1.0 - el2);
    temp = esine / (1.0 + betal);
    sinu = am / rl * (sineo1 - aynl - axnl * temp);
    cosu = am / rl * (coseo1 - axnl + aynl * temp);
    su = atan2(sinu, cosu);
    sin2u = (cosu + cosu) * sinu;
    cos2u = 1.0 - 2.0 * sinu * sinu;
    temp = 1.0 / pl;
    temp1 = 0.5 * a->j2 * temp;
    temp2 = temp1 * temp;

    /* update for short period periodics */
    mrt = rl * (1.0 - 1.5 * temp2 * betal * a->con41) +
          0.5 * temp1 * a->x1mth2 * cos2u;
    su = su - 0.25 * temp2 * a->x7thm1 * sin2u;
    xnode = a->node + 1.5 * temp2 * a->cosip * sin2u;
    xinc = a->inc + 1.5 * temp2 * a->cosip * a->sinip * cos2u;
    mvt = rdotl - a->nm * temp1 * a->x1mth2 * sin2u / a->xke;
    rvdot = rvdotl +
            a->nm * temp1 * (a->x1mth2 * cos2u + 1.5 * a->con41) / a->xke;

    /* orientation vectors */
    sinsu = sin(su);
    cossu = cos(su);
    snod = sin(xnode);
    cnod = cos(xnode);
    sini = sin(xinc);
    cosi = cos(xinc);
    xmx = -snod * cosi;
    xmy = cnod * cosi;
    ux = xmx * sinsu + cnod * cossu;
    uy = xmy * sinsu + snod * cossu;
    uz = sini * sinsu;
    vx = xmx * cossu - cnod * sinsu;
    vy = xmy * cossu - snod * sinsu;
    vz = sini * cossu;

    /* position and velocity (in km and km/sec) */
    mr = mrt * a->radiusearthkm;
    r[0] = mr * ux;
    r[1] = mr * uy;
    r[2] = mr * uz;
    v[0] = (mvt * ux + rvdot * vx) * a->vkmpersec;
    v[1] = (mvt * uy + rvdot * vy) * a->vkmpersec;
    v[2] = (mvt * uz + rvdot * vz) * a->vkmpersec;
    /* sgp4fix for decaying satellites */
    return mrt < 1.0 ? LN__TAIL_DECAY : LN__TAIL_OK;
}

#endif
