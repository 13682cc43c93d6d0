/*
 * sgp4_vec_scalar.c - the portable batch kernel: Vallado's near-earth
 * sgp4() in plain C over the structure-of-arrays coefficients of
 * batch_int.h, one satellite after the other, with the C library's sin,
 * cos, atan2, fmod. Used when the CPU has neither AVX2+FMA nor AVX-512,
 * or when LN_SIMD=scalar.
 *
 * Exports: ln__batch_kernel_scalar (batch_int.h).
 *
 * The terms are those of ln__orbit_sgp4_run (sgp4.c) for method 'n', in
 * the same order, so the results equal the scalar reference except for
 * pow(am, 1.5) written as am * sqrt(am) (a few ulp).
 *
 * References: D. A. Vallado, P. Crawford, R. Hujsak, T. S. Kelso,
 * "Revisiting Spacetrack Report #3", AIAA 2006-6753 (2006).
 */
#include <math.h>

#include "orbit/batch_int.h"

#define TWOPI 6.28318530717958647692

/* One satellite, lane j. Writes o[k] (k the index in the block). */
static int one(const struct ln__batch_soa *s, size_t j, double t,
                const struct ln__batch_out *o, size_t k)
{
    double xmdf, argpdf, nodedf, argpm, mm, t2, nodem, tempa, tempe, templ,
        nm, em, am, xlm, temp, axnl, aynl, xl, u, eo1, tem5, sineo1, coseo1,
        ecose, esine, el2, pl, rl, rdotl, rvdotl, betal, sinu, cosu, su,
        sin2u, cos2u, temp1, temp2, mrt, xnode, xinc, mvt, rvdot, sinsu,
        cossu, snod, cnod, sini, cosi, xmx, xmy, ux, uy, uz, vx, vy, vz, mr;
    const double cosip = s->cosim[j], sinip = s->sinim[j];
    int ktr, err = 0;

    xmdf = s->mo[j] + s->mdot[j] * t;
    argpdf = s->argpo[j] + s->argpdot[j] * t;
    nodedf = s->nodeo[j] + s->nodedot[j] * t;
    argpm = argpdf;
    mm = xmdf;
    t2 = t * t;
    nodem = nodedf + s->nodecf[j] * t2;
    tempa = 1.0 - s->cc1[j] * t;
    tempe = s->bcc4[j] * t;
    templ = s->t2cof[j] * t2;
    if (s->simp[j] == 0.0) {
        double delomg, delmtemp, delm, t3, t4;

        delomg = s->omgcof[j] * t;
        delmtemp = 1.0 + s->eta[j] * cos(xmdf);
        delm = s->xmcof[j] * (delmtemp * delmtemp * delmtemp - s->delmo[j]);
        temp = delomg + delm;
        mm = xmdf + temp;
        argpm = argpdf - temp;
        t3 = t2 * t;
        t4 = t3 * t;
        tempa = tempa - s->d2[j] * t2 - s->d3[j] * t3 - s->d4[j] * t4;
        tempe = tempe + s->bcc5[j] * (sin(mm) - s->sinmao[j]);
        templ = templ + s->t3cof[j] * t3 +
                t4 * (s->t4cof[j] + t * s->t5cof[j]);
    }
    nm = s->no_unkozai[j];
    em = s->ecco[j];
    if (nm <= 0.0) {
        err = LN_EORBIT_MM;
        goto fail;
    }
    am = s->am0[j] * tempa * tempa;
    /* LN-DEV: pow(am, 1.5) as am * sqrt(am): a few ulp, much faster */
    nm = s->xke / (am * sqrt(am));
    em = em - tempe;
    if ((em >= 1.0) || (em < -0.001)) {
        err = LN_EORBIT_ECC;
        goto fail;
    }
    if (em < 1.0e-6)
        em = 1.0e-6;
    mm = mm + s->no_unkozai[j] * templ;
    xlm = mm + argpm + nodem;
    nodem = fmod(nodem, TWOPI);
    argpm = fmod(argpm, TWOPI);
    xlm = fmod(xlm, TWOPI);
    mm = fmod(xlm - argpm - nodem, TWOPI);

    axnl = em * cos(argpm);
    temp = 1.0 / (am * (1.0 - em * em));
    aynl = em * sin(argpm) + temp * s->aycof[j];
    xl = mm + argpm + nodem + temp * s->xlcof[j] * axnl;

    u = fmod(xl - nodem, TWOPI);
    eo1 = u;
    tem5 = 9999.9;
    ktr = 1;
    sineo1 = 0.0;
    coseo1 = 0.0;
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

    ecose = axnl * coseo1 + aynl * sineo1;
    esine = axnl * sineo1 - aynl * coseo1;
    el2 = axnl * axnl + aynl * aynl;
    pl = am * (1.0 - el2);
    if (pl < 0.0) {
        err = LN_EORBIT_SLR;
        goto fail;
    }
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
    temp1 = 0.5 * s->j2 * temp;
    temp2 = temp1 * temp;

    mrt = rl * (1.0 - 1.5 * temp2 * betal * s->con41[j]) +
          0.5 * temp1 * s->x1mth2[j] * cos2u;
    su = su - 0.25 * temp2 * s->x7thm1[j] * sin2u;
    xnode = nodem + 1.5 * temp2 * cosip * sin2u;
    xinc = s->inclo[j] + 1.5 * temp2 * cosip * sinip * cos2u;
    mvt = rdotl - nm * temp1 * s->x1mth2[j] * sin2u / s->xke;
    rvdot = rvdotl +
            nm * temp1 * (s->x1mth2[j] * cos2u + 1.5 * s->con41[j]) / s->xke;

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

    if (mrt < 1.0) {
        err = LN_EORBIT_DECAY;
        goto fail;
    }
    mr = mrt * s->radiusearthkm;
    o->x[k] = mr * ux;
    o->y[k] = mr * uy;
    o->z[k] = mr * uz;
    o->vx[k] = (mvt * ux + rvdot * vx) * s->vkmpersec;
    o->vy[k] = (mvt * uy + rvdot * vy) * s->vkmpersec;
    o->vz[k] = (mvt * uz + rvdot * vz) * s->vkmpersec;
    o->err[k] = 0;
    return 0;
fail:
    o->x[k] = o->y[k] = o->z[k] = NAN;
    o->vx[k] = o->vy[k] = o->vz[k] = NAN;
    o->err[k] = err;
    return 1;
}

long ln__batch_kernel_scalar(const struct ln__batch_soa *s, size_t j0,
                             size_t cnt, const struct ln__batch_time *tm,
                             const struct ln__batch_out *o)
{
    long nfail = 0;

    for (size_t k = 0; k < cnt; k++) {
        size_t j = j0 + k;
        double t = tm->by_unix
                       ? (tm->t - s->ep_day_s[j]) / 60.0 - s->ep_frac_min[j]
                       : tm->t;
        nfail += one(s, j, t, o, k);
    }
    return nfail;
}
