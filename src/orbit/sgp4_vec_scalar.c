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
#include "orbit/sgp4_tail.h"

#define TWOPI 6.28318530717958647692

/* One satellite, lane j. Writes o[k] (k the index in the block). */
static int one(const struct ln__batch_soa *s, size_t j, double t,
                const struct ln__batch_out *o, size_t k)
{
    double xmdf, argpdf, nodedf, argpm, mm, t2, nodem, tempa, tempe, templ,
        nm, em, am, xlm, temp, axnl, aynl, xl;
    const double cosip = s->cosim[j], sinip = s->sinim[j];
    int err = 0;

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

    {
        const ln__sgp4_tail_in in = {
            am, nm, axnl, aynl, xl, nodem, s->inclo[j], cosip, sinip,
            s->con41[j], s->x1mth2[j], s->x7thm1[j], s->j2, s->xke,
            s->radiusearthkm, s->vkmpersec};
        double r[3], v[3];
        int tk = ln__sgp4_tail(&in, r, v);
        if (tk) {
            err = tk == LN__TAIL_SLR ? LN_EORBIT_SLR : LN_EORBIT_DECAY;
            goto fail;
        }
        o->x[k] = r[0];
        o->y[k] = r[1];
        o->z[k] = r[2];
        o->vx[k] = v[0];
        o->vy[k] = v[1];
        o->vz[k] = v[2];
    }
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
        double t = tm->by_unix ? (tm->t_unix_s - s->ep_day_s[j]) / 60.0 -
                                     s->ep_frac_min[j]
                               : tm->tsince_min;
        nfail += one(s, j, t, o, k);
    }
    return nfail;
}
