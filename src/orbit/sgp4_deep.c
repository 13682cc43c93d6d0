/*
 * sgp4_deep.c - SDP4, the deep-space part of SGP4: Vallado's dscom,
 * dpper, dsinit and dspace (lunar-solar periodics and secular rates, the
 * 12 h and 24 h geopotential resonances and their integrator).
 *
 * Exports (private to src/orbit, see orbit_int.h): ln__orbit_dscom,
 * ln__orbit_dpper, ln__orbit_dsinit, ln__orbit_dspace.
 *
 * The code follows Vallado, Crawford, Hujsak, Kelso, "Revisiting
 * Spacetrack Report #3", AIAA 2006-6753, term for term, in the form of
 * Vallado's C++ (SGP4.cpp, as shipped in python-sgp4), with opsmode 'i'.
 * Units are SGP4's: earth radii, minutes, rad. Where the C++ reduces an
 * angle with fmod(), so does this code (Python's % differs for negative
 * arguments; the reference output tcppver.out comes from the C++).
 *
 * Deviation: the resonance integrator is stateless. Vallado keeps atime,
 * xli, xni in the element record and continues from the last call when
 * the new time lies further out on the same side of epoch; otherwise he
 * restarts from epoch. Here every call restarts from epoch. Since the
 * integrator takes the same fixed 720-min steps from epoch either way,
 * the state reached at each step is the result of the same floating-point
 * operations in the same order, so the numbers are identical; only the
 * cost grows (|t| / 720 steps per call, about 2 per day of tsince).
 */
#include <math.h>

#include "orbit/orbit_int.h"

#define TWOPI 6.28318530717958647692
#define PI 3.14159265358979323846

/* ---- dscom ----------------------------------------------------------- */

void ln__orbit_dscom(struct ln_sgp4 *s, double epoch, double ep,
                     double argpp, double tc, double inclp, double nodep,
                     double np, struct ln__orbit_dscom *o)
{
    /* constants */
    const double zes = 0.01675;
    const double zel = 0.05490;
    const double c1ss = 2.9864797e-6;
    const double c1l = 4.7968065e-7;
    const double zsinis = 0.39785416;
    const double zcosis = 0.91744867;
    const double zcosgs = 0.1945905;
    const double zsings = -0.98088458;

    double betasq, xnodce, stem, ctem, zcosil, zsinil, zsinhl, zcoshl, zx,
        zy, zcosgl, zsingl, zcosg, zsing, zcosi, zsini, zcosh, zsinh, cc,
        xnoi;
    double a1, a2, a3, a4, a5, a6, a7, a8, a9, a10;
    double x1, x2, x3, x4, x5, x6, x7, x8;
    double z1 = 0, z2 = 0, z3 = 0, z11 = 0, z12 = 0, z13 = 0, z21 = 0,
           z22 = 0, z23 = 0, z31 = 0, z32 = 0, z33 = 0;
    double s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int lsflg;

    o->nm = np;
    o->em = ep;
    o->snodm = sin(nodep);
    o->cnodm = cos(nodep);
    o->sinomm = sin(argpp);
    o->cosomm = cos(argpp);
    o->sinim = sin(inclp);
    o->cosim = cos(inclp);
    o->emsq = o->em * o->em;
    betasq = 1.0 - o->emsq;
    o->rtemsq = sqrt(betasq);

    /* initialize lunar solar terms */
    s->peo = 0.0;
    s->pinco = 0.0;
    s->plo = 0.0;
    s->pgho = 0.0;
    s->pho = 0.0;
    o->day = epoch + 18261.5 + tc / 1440.0;
    xnodce = fmod(4.5236020 - 9.2422029e-4 * o->day, TWOPI);
    stem = sin(xnodce);
    ctem = cos(xnodce);
    zcosil = 0.91375164 - 0.03568096 * ctem;
    zsinil = sqrt(1.0 - zcosil * zcosil);
    zsinhl = 0.089683511 * stem / zsinil;
    zcoshl = sqrt(1.0 - zsinhl * zsinhl);
    o->gam = 5.8351514 + 0.0019443680 * o->day;
    zx = 0.39785416 * stem / zsinil;
    zy = zcoshl * ctem + 0.91744867 * zsinhl * stem;
    zx = atan2(zx, zy);
    zx = o->gam + zx - xnodce;
    zcosgl = cos(zx);
    zsingl = sin(zx);

    /* do solar terms */
    zcosg = zcosgs;
    zsing = zsings;
    zcosi = zcosis;
    zsini = zsinis;
    zcosh = o->cnodm;
    zsinh = o->snodm;
    cc = c1ss;
    xnoi = 1.0 / o->nm;

    for (lsflg = 1; lsflg <= 2; lsflg++) {
        const double emsq = o->emsq;
        const double cosim = o->cosim, sinim = o->sinim;
        const double cosomm = o->cosomm, sinomm = o->sinomm;

        a1 = zcosg * zcosh + zsing * zcosi * zsinh;
        a3 = -zsing * zcosh + zcosg * zcosi * zsinh;
        a7 = -zcosg * zsinh + zsing * zcosi * zcosh;
        a8 = zsing * zsini;
        a9 = zsing * zsinh + zcosg * zcosi * zcosh;
        a10 = zcosg * zsini;
        a2 = cosim * a7 + sinim * a8;
        a4 = cosim * a9 + sinim * a10;
        a5 = -sinim * a7 + cosim * a8;
        a6 = -sinim * a9 + cosim * a10;

        x1 = a1 * cosomm + a2 * sinomm;
        x2 = a3 * cosomm + a4 * sinomm;
        x3 = -a1 * sinomm + a2 * cosomm;
        x4 = -a3 * sinomm + a4 * cosomm;
        x5 = a5 * sinomm;
        x6 = a6 * sinomm;
        x7 = a5 * cosomm;
        x8 = a6 * cosomm;

        z31 = 12.0 * x1 * x1 - 3.0 * x3 * x3;
        z32 = 24.0 * x1 * x2 - 6.0 * x3 * x4;
        z33 = 12.0 * x2 * x2 - 3.0 * x4 * x4;
        z1 = 3.0 * (a1 * a1 + a2 * a2) + z31 * emsq;
        z2 = 6.0 * (a1 * a3 + a2 * a4) + z32 * emsq;
        z3 = 3.0 * (a3 * a3 + a4 * a4) + z33 * emsq;
        z11 = -6.0 * a1 * a5 + emsq * (-24.0 * x1 * x7 - 6.0 * x3 * x5);
        z12 = -6.0 * (a1 * a6 + a3 * a5) +
              emsq * (-24.0 * (x2 * x7 + x1 * x8) -
                      6.0 * (x3 * x6 + x4 * x5));
        z13 = -6.0 * a3 * a6 + emsq * (-24.0 * x2 * x8 - 6.0 * x4 * x6);
        z21 = 6.0 * a2 * a5 + emsq * (24.0 * x1 * x5 - 6.0 * x3 * x7);
        z22 = 6.0 * (a4 * a5 + a2 * a6) +
              emsq * (24.0 * (x2 * x5 + x1 * x6) -
                      6.0 * (x4 * x7 + x3 * x8));
        z23 = 6.0 * a4 * a6 + emsq * (24.0 * x2 * x6 - 6.0 * x4 * x8);
        z1 = z1 + z1 + betasq * z31;
        z2 = z2 + z2 + betasq * z32;
        z3 = z3 + z3 + betasq * z33;
        s3 = cc * xnoi;
        s2 = -0.5 * s3 / o->rtemsq;
        s4 = s3 * o->rtemsq;
        s1 = -15.0 * o->em * s4;
        s5 = x1 * x3 + x2 * x4;
        s6 = x2 * x3 + x1 * x4;
        s7 = x2 * x4 - x1 * x3;

        /* do lunar terms */
        if (lsflg == 1) {
            o->ss1 = s1;
            o->ss2 = s2;
            o->ss3 = s3;
            o->ss4 = s4;
            o->ss5 = s5;
            o->ss6 = s6;
            o->ss7 = s7;
            o->sz1 = z1;
            o->sz2 = z2;
            o->sz3 = z3;
            o->sz11 = z11;
            o->sz12 = z12;
            o->sz13 = z13;
            o->sz21 = z21;
            o->sz22 = z22;
            o->sz23 = z23;
            o->sz31 = z31;
            o->sz32 = z32;
            o->sz33 = z33;
            zcosg = zcosgl;
            zsing = zsingl;
            zcosi = zcosil;
            zsini = zsinil;
            zcosh = zcoshl * o->cnodm + zsinhl * o->snodm;
            zsinh = o->snodm * zcoshl - o->cnodm * zsinhl;
            cc = c1l;
        }
    }

    o->s1 = s1;
    o->s2 = s2;
    o->s3 = s3;
    o->s4 = s4;
    o->s5 = s5;
    o->s6 = s6;
    o->s7 = s7;
    o->z1 = z1;
    o->z2 = z2;
    o->z3 = z3;
    o->z11 = z11;
    o->z12 = z12;
    o->z13 = z13;
    o->z21 = z21;
    o->z22 = z22;
    o->z23 = z23;
    o->z31 = z31;
    o->z32 = z32;
    o->z33 = z33;

    s->zmol = fmod(4.7199672 + 0.22997150 * o->day - o->gam, TWOPI);
    s->zmos = fmod(6.2565837 + 0.017201977 * o->day, TWOPI);

    /* do solar terms */
    s->se2 = 2.0 * o->ss1 * o->ss6;
    s->se3 = 2.0 * o->ss1 * o->ss7;
    s->si2 = 2.0 * o->ss2 * o->sz12;
    s->si3 = 2.0 * o->ss2 * (o->sz13 - o->sz11);
    s->sl2 = -2.0 * o->ss3 * o->sz2;
    s->sl3 = -2.0 * o->ss3 * (o->sz3 - o->sz1);
    s->sl4 = -2.0 * o->ss3 * (-21.0 - 9.0 * o->emsq) * zes;
    s->sgh2 = 2.0 * o->ss4 * o->sz32;
    s->sgh3 = 2.0 * o->ss4 * (o->sz33 - o->sz31);
    s->sgh4 = -18.0 * o->ss4 * zes;
    s->sh2 = -2.0 * o->ss2 * o->sz22;
    s->sh3 = -2.0 * o->ss2 * (o->sz23 - o->sz21);

    /* do lunar terms */
    s->ee2 = 2.0 * s1 * s6;
    s->e3 = 2.0 * s1 * s7;
    s->xi2 = 2.0 * s2 * z12;
    s->xi3 = 2.0 * s2 * (z13 - z11);
    s->xl2 = -2.0 * s3 * z2;
    s->xl3 = -2.0 * s3 * (z3 - z1);
    s->xl4 = -2.0 * s3 * (-21.0 - 9.0 * o->emsq) * zel;
    s->xgh2 = 2.0 * s4 * z32;
    s->xgh3 = 2.0 * s4 * (z33 - z31);
    s->xgh4 = -18.0 * s4 * zel;
    s->xh2 = -2.0 * s2 * z22;
    s->xh3 = -2.0 * s2 * (z23 - z21);
}

/* ---- dpper ----------------------------------------------------------- */

void ln__orbit_dpper(const struct ln_sgp4 *s, double t, int init,
                     double *ep, double *inclp, double *nodep, double *argpp,
                     double *mp)
{
    /* constants */
    const double zns = 1.19459e-5;
    const double zes = 0.01675;
    const double znl = 1.5835218e-4;
    const double zel = 0.05490;

    double zm, zf, sinzf, f2, f3, ses, sis, sls, sghs, shs, sel, sil, sll,
        sghl, shll, pe, pinc, pl, pgh, ph, sinip, cosip;

    /* calculate time varying periodics */
    zm = s->zmos + zns * t;
    /* be sure that the initial call has time set to zero */
    if (init)
        zm = s->zmos;
    zf = zm + 2.0 * zes * sin(zm);
    sinzf = sin(zf);
    f2 = 0.5 * sinzf * sinzf - 0.25;
    f3 = -0.5 * sinzf * cos(zf);
    ses = s->se2 * f2 + s->se3 * f3;
    sis = s->si2 * f2 + s->si3 * f3;
    sls = s->sl2 * f2 + s->sl3 * f3 + s->sl4 * sinzf;
    sghs = s->sgh2 * f2 + s->sgh3 * f3 + s->sgh4 * sinzf;
    shs = s->sh2 * f2 + s->sh3 * f3;
    zm = s->zmol + znl * t;
    if (init)
        zm = s->zmol;
    zf = zm + 2.0 * zel * sin(zm);
    sinzf = sin(zf);
    f2 = 0.5 * sinzf * sinzf - 0.25;
    f3 = -0.5 * sinzf * cos(zf);
    sel = s->ee2 * f2 + s->e3 * f3;
    sil = s->xi2 * f2 + s->xi3 * f3;
    sll = s->xl2 * f2 + s->xl3 * f3 + s->xl4 * sinzf;
    sghl = s->xgh2 * f2 + s->xgh3 * f3 + s->xgh4 * sinzf;
    shll = s->xh2 * f2 + s->xh3 * f3;
    pe = ses + sel;
    pinc = sis + sil;
    pl = sls + sll;
    pgh = sghs + sghl;
    ph = shs + shll;

    if (init)
        return; /* Vallado's init = 'y': the elements stay as they are */

    pe = pe - s->peo;
    pinc = pinc - s->pinco;
    pl = pl - s->plo;
    pgh = pgh - s->pgho;
    ph = ph - s->pho;
    *inclp = *inclp + pinc;
    *ep = *ep + pe;
    sinip = sin(*inclp);
    cosip = cos(*inclp);

    /* apply periodics directly. sgp4fix for the Lyddane choice: the GSFC
     * form, with the perturbed inclination against 0.2 rad (11.46 deg) */
    if (*inclp >= 0.2) {
        ph = ph / sinip;
        pgh = pgh - cosip * ph;
        *argpp = *argpp + pgh;
        *nodep = *nodep + ph;
        *mp = *mp + pl;
    } else {
        /* apply periodics with Lyddane modification */
        double sinop, cosop, alfdp, betdp, dalf, dbet, xls, xnoh;

        sinop = sin(*nodep);
        cosop = cos(*nodep);
        alfdp = sinip * sinop;
        betdp = sinip * cosop;
        dalf = ph * cosop + pinc * cosip * sinop;
        dbet = -ph * sinop + pinc * cosip * cosop;
        alfdp = alfdp + dalf;
        betdp = betdp + dbet;
        *nodep = fmod(*nodep, TWOPI);
        /* opsmode 'a' would add twopi to a negative node here */
        xls = *mp + *argpp + pl + pgh + (cosip - pinc * sinip) * *nodep;
        xnoh = *nodep;
        *nodep = atan2(alfdp, betdp);
        /* opsmode 'a' would add twopi to a negative node here */
        if (fabs(xnoh - *nodep) > PI) {
            if (*nodep < xnoh)
                *nodep = *nodep + TWOPI;
            else
                *nodep = *nodep - TWOPI;
        }
        *mp = *mp + pl;
        *argpp = xls - *mp - cosip * *nodep;
    }
}

/* ---- dsinit ---------------------------------------------------------- */

void ln__orbit_dsinit(struct ln_sgp4 *s, const struct ln__orbit_dscom *o,
                      double tc, double xpidot, double eccsq,
                      double *em, double *argpm, double *inclm, double *mm,
                      double *nm, double *nodem)
{
    const double q22 = 1.7891679e-6;
    const double q31 = 2.1460748e-6;
    const double q33 = 2.2123015e-7;
    const double root22 = 1.7891679e-6;
    const double root44 = 7.3636953e-9;
    const double root54 = 2.1765803e-9;
    const double rptim = 4.37526908801129966e-3; /* 7.29211514668855e-5
                                                    rad/s */
    const double root32 = 3.7393792e-7;
    const double root52 = 1.1428639e-7;
    const double x2o3 = 2.0 / 3.0;
    const double znl = 1.5835218e-4;
    const double zns = 1.19459e-5;
    /* Vallado passes satrec.t, which is 0 during initialisation */
    const double t = 0.0;

    const double cosim = o->cosim, sinim = o->sinim;
    double emsq = o->emsq;
    double ses, sis, sls, sghs, shs, sgs, sghl, shll, dndt, theta, aonv;

    /* deep space initialization */
    s->irez = 0;
    if ((*nm < 0.0052359877) && (*nm > 0.0034906585))
        s->irez = 1;
    if ((*nm >= 8.26e-3) && (*nm <= 9.24e-3) && (*em >= 0.5))
        s->irez = 2;

    /* do solar terms */
    ses = o->ss1 * zns * o->ss5;
    sis = o->ss2 * zns * (o->sz11 + o->sz13);
    sls = -zns * o->ss3 * (o->sz1 + o->sz3 - 14.0 - 6.0 * emsq);
    sghs = o->ss4 * zns * (o->sz31 + o->sz33 - 6.0);
    shs = -zns * o->ss2 * (o->sz21 + o->sz23);
    /* sgp4fix for 180 deg incl */
    if ((*inclm < 5.2359877e-2) || (*inclm > PI - 5.2359877e-2))
        shs = 0.0;
    if (sinim != 0.0)
        shs = shs / sinim;
    sgs = sghs - cosim * shs;

    /* do lunar terms */
    s->dedt = ses + o->s1 * znl * o->s5;
    s->didt = sis + o->s2 * znl * (o->z11 + o->z13);
    s->dmdt = sls - znl * o->s3 * (o->z1 + o->z3 - 14.0 - 6.0 * emsq);
    sghl = o->s4 * znl * (o->z31 + o->z33 - 6.0);
    shll = -znl * o->s2 * (o->z21 + o->z23);
    /* sgp4fix for 180 deg incl */
    if ((*inclm < 5.2359877e-2) || (*inclm > PI - 5.2359877e-2))
        shll = 0.0;
    s->domdt = sgs + sghl;
    s->dnodt = shs;
    if (sinim != 0.0) {
        s->domdt = s->domdt - cosim / sinim * shll;
        s->dnodt = s->dnodt + shll / sinim;
    }

    /* calculate deep space resonance effects */
    dndt = 0.0;
    theta = fmod(s->gsto + tc * rptim, TWOPI);
    *em = *em + s->dedt * t;
    *inclm = *inclm + s->didt * t;
    *argpm = *argpm + s->domdt * t;
    *nodem = *nodem + s->dnodt * t;
    *mm = *mm + s->dmdt * t;
    /* sgp4fix for negative inclinations: no flip here (Vallado comments
     * it out) */

    /* initialize the resonance terms */
    if (s->irez != 0) {
        aonv = pow(*nm / s->xke, x2o3);

        /* geopotential resonance for 12 hour orbits */
        if (s->irez == 2) {
            double cosisq, emo, emsqo, eoc, g201, g211, g310, g322, g410,
                g422, g520, g521, g532, g533, sini2, f220, f221, f321, f322,
                f441, f442, f522, f523, f542, f543, xno2, ainv2, temp,
                temp1;

            cosisq = cosim * cosim;
            emo = *em;
            *em = s->ecco;
            emsqo = emsq;
            emsq = eccsq;
            eoc = *em * emsq;
            g201 = -0.306 - (*em - 0.64) * 0.440;

            if (*em <= 0.65) {
                g211 = 3.616 - 13.2470 * *em + 16.2900 * emsq;
                g310 = -19.302 + 117.3900 * *em - 228.4190 * emsq +
                       156.5910 * eoc;
                g322 = -18.9068 + 109.7927 * *em - 214.6334 * emsq +
                       146.5816 * eoc;
                g410 = -41.122 + 242.6940 * *em - 471.0940 * emsq +
                       313.9530 * eoc;
                g422 = -146.407 + 841.8800 * *em - 1629.014 * emsq +
                       1083.4350 * eoc;
                g520 = -532.114 + 3017.977 * *em - 5740.032 * emsq +
                       3708.2760 * eoc;
            } else {
                g211 = -72.099 + 331.819 * *em - 508.738 * emsq +
                       266.724 * eoc;
                g310 = -346.844 + 1582.851 * *em - 2415.925 * emsq +
                       1246.113 * eoc;
                g322 = -342.585 + 1554.908 * *em - 2366.899 * emsq +
                       1215.972 * eoc;
                g410 = -1052.797 + 4758.686 * *em - 7193.992 * emsq +
                       3651.957 * eoc;
                g422 = -3581.690 + 16178.110 * *em - 24462.770 * emsq +
                       12422.520 * eoc;
                if (*em > 0.715)
                    g520 = -5149.66 + 29936.92 * *em - 54087.36 * emsq +
                           31324.56 * eoc;
                else
                    g520 = 1464.74 - 4664.75 * *em + 3763.64 * emsq;
            }
            if (*em < 0.7) {
                g533 = -919.22770 + 4988.6100 * *em - 9064.7700 * emsq +
                       5542.21 * eoc;
                g521 = -822.71072 + 4568.6173 * *em - 8491.4146 * emsq +
                       5337.524 * eoc;
                g532 = -853.66600 + 4690.2500 * *em - 8624.7700 * emsq +
                       5341.4 * eoc;
            } else {
                g533 = -37995.780 + 161616.52 * *em - 229838.20 * emsq +
                       109377.94 * eoc;
                g521 = -51752.104 + 218913.95 * *em - 309468.16 * emsq +
                       146349.42 * eoc;
                g532 = -40023.880 + 170470.89 * *em - 242699.48 * emsq +
                       115605.82 * eoc;
            }

            sini2 = sinim * sinim;
            f220 = 0.75 * (1.0 + 2.0 * cosim + cosisq);
            f221 = 1.5 * sini2;
            f321 = 1.875 * sinim * (1.0 - 2.0 * cosim - 3.0 * cosisq);
            f322 = -1.875 * sinim * (1.0 + 2.0 * cosim - 3.0 * cosisq);
            f441 = 35.0 * sini2 * f220;
            f442 = 39.3750 * sini2 * sini2;
            f522 = 9.84375 * sinim *
                   (sini2 * (1.0 - 2.0 * cosim - 5.0 * cosisq) +
                    0.33333333 * (-2.0 + 4.0 * cosim + 6.0 * cosisq));
            f523 = sinim *
                   (4.92187512 * sini2 * (-2.0 - 4.0 * cosim + 10.0 * cosisq) +
                    6.56250012 * (1.0 + 2.0 * cosim - 3.0 * cosisq));
            f542 = 29.53125 * sinim *
                   (2.0 - 8.0 * cosim +
                    cosisq * (-12.0 + 8.0 * cosim + 10.0 * cosisq));
            f543 = 29.53125 * sinim *
                   (-2.0 - 8.0 * cosim +
                    cosisq * (12.0 + 8.0 * cosim - 10.0 * cosisq));
            xno2 = *nm * *nm;
            ainv2 = aonv * aonv;
            temp1 = 3.0 * xno2 * ainv2;
            temp = temp1 * root22;
            s->d2201 = temp * f220 * g201;
            s->d2211 = temp * f221 * g211;
            temp1 = temp1 * aonv;
            temp = temp1 * root32;
            s->d3210 = temp * f321 * g310;
            s->d3222 = temp * f322 * g322;
            temp1 = temp1 * aonv;
            temp = 2.0 * temp1 * root44;
            s->d4410 = temp * f441 * g410;
            s->d4422 = temp * f442 * g422;
            temp1 = temp1 * aonv;
            temp = temp1 * root52;
            s->d5220 = temp * f522 * g520;
            s->d5232 = temp * f523 * g532;
            temp = 2.0 * temp1 * root54;
            s->d5421 = temp * f542 * g521;
            s->d5433 = temp * f543 * g533;
            s->xlamo =
                fmod(s->mo + s->nodeo + s->nodeo - theta - theta, TWOPI);
            s->xfact = s->mdot + s->dmdt +
                       2.0 * (s->nodedot + s->dnodt - rptim) - s->no_unkozai;
            *em = emo;
            emsq = emsqo;
        }

        /* synchronous resonance terms */
        if (s->irez == 1) {
            double g200, g310, g300, f220, f311, f330;

            g200 = 1.0 + emsq * (-2.5 + 0.8125 * emsq);
            g310 = 1.0 + 2.0 * emsq;
            g300 = 1.0 + emsq * (-6.0 + 6.60937 * emsq);
            f220 = 0.75 * (1.0 + cosim) * (1.0 + cosim);
            f311 = 0.9375 * sinim * sinim * (1.0 + 3.0 * cosim) -
                   0.75 * (1.0 + cosim);
            f330 = 1.0 + cosim;
            f330 = 1.875 * f330 * f330 * f330;
            s->del1 = 3.0 * *nm * *nm * aonv * aonv;
            s->del2 = 2.0 * s->del1 * f220 * g200 * q22;
            s->del3 = 3.0 * s->del1 * f330 * g300 * q33 * aonv;
            s->del1 = s->del1 * f311 * g310 * q31 * aonv;
            s->xlamo = fmod(s->mo + s->nodeo + s->argpo - theta, TWOPI);
            s->xfact = s->mdot + xpidot - rptim + s->dmdt + s->domdt +
                       s->dnodt - s->no_unkozai;
        }

        /* for sgp4, initialize the integrator */
        s->xli = s->xlamo;
        s->xni = s->no_unkozai;
        s->atime = 0.0;
        *nm = s->no_unkozai + dndt;
    }
}

/* ---- dspace ---------------------------------------------------------- */

void ln__orbit_dspace(const struct ln_sgp4 *s, double t, double *em,
                      double *argpm, double *inclm, double *mm,
                      double *nodem, double *nm, double *dndt)
{
    const double fasx2 = 0.13130908;
    const double fasx4 = 2.8843198;
    const double fasx6 = 0.37448087;
    const double g22 = 5.7686396;
    const double g32 = 0.95240898;
    const double g44 = 1.8014998;
    const double g52 = 1.0508330;
    const double g54 = 4.4108898;
    const double rptim = 4.37526908801129966e-3; /* 7.29211514668855e-5
                                                    rad/s */
    const double stepp = 720.0;
    const double stepn = -720.0;
    const double step2 = 259200.0;
    /* Vallado's sgp4() passes tc = satrec.t */
    const double tc = t;

    double theta, ft, delt, atime, xli, xni, xndt = 0.0, xldot = 0.0,
        xnddt = 0.0, xl;
    int iretn;

    /* calculate deep space resonance effects */
    *dndt = 0.0;
    theta = fmod(s->gsto + tc * rptim, TWOPI);
    *em = *em + s->dedt * t;

    *inclm = *inclm + s->didt * t;
    *argpm = *argpm + s->domdt * t;
    *nodem = *nodem + s->dnodt * t;
    *mm = *mm + s->dmdt * t;
    /* sgp4fix for negative inclinations: no flip here (Vallado comments
     * it out) */

    /* update resonances: numerical (euler-maclaurin) integration */
    ft = 0.0;
    if (s->irez != 0) {
        /* LN-DEV: epoch restart on every call (stateless, thread-safe);
         * Vallado restarts only when t is nearer epoch than the cached
         * atime or on the other side. The steps from epoch are the same
         * operations, so the result is bit-identical. */
        atime = 0.0;
        xni = s->no_unkozai;
        xli = s->xlamo;

        if (t > 0.0)
            delt = stepp;
        else
            delt = stepn;

        iretn = 381; /* added for do loop */
        while (iretn == 381) {
            /* dot terms calculated */
            /* near-synchronous resonance terms */
            if (s->irez != 2) {
                xndt = s->del1 * sin(xli - fasx2) +
                       s->del2 * sin(2.0 * (xli - fasx4)) +
                       s->del3 * sin(3.0 * (xli - fasx6));
                xldot = xni + s->xfact;
                xnddt = s->del1 * cos(xli - fasx2) +
                        2.0 * s->del2 * cos(2.0 * (xli - fasx4)) +
                        3.0 * s->del3 * cos(3.0 * (xli - fasx6));
                xnddt = xnddt * xldot;
            } else {
                /* near-half-day resonance terms */
                double xomi, x2omi, x2li;

                xomi = s->argpo + s->argpdot * atime;
                x2omi = xomi + xomi;
                x2li = xli + xli;
                xndt = s->d2201 * sin(x2omi + xli - g22) +
                       s->d2211 * sin(xli - g22) +
                       s->d3210 * sin(xomi + xli - g32) +
                       s->d3222 * sin(-xomi + xli - g32) +
                       s->d4410 * sin(x2omi + x2li - g44) +
                       s->d4422 * sin(x2li - g44) +
                       s->d5220 * sin(xomi + xli - g52) +
                       s->d5232 * sin(-xomi + xli - g52) +
                       s->d5421 * sin(xomi + x2li - g54) +
                       s->d5433 * sin(-xomi + x2li - g54);
                xldot = xni + s->xfact;
                xnddt = s->d2201 * cos(x2omi + xli - g22) +
                        s->d2211 * cos(xli - g22) +
                        s->d3210 * cos(xomi + xli - g32) +
                        s->d3222 * cos(-xomi + xli - g32) +
                        s->d5220 * cos(xomi + xli - g52) +
                        s->d5232 * cos(-xomi + xli - g52) +
                        2.0 * (s->d4410 * cos(x2omi + x2li - g44) +
                               s->d4422 * cos(x2li - g44) +
                               s->d5421 * cos(xomi + x2li - g54) +
                               s->d5433 * cos(-xomi + x2li - g54));
                xnddt = xnddt * xldot;
            }

            /* integrator */
            /* sgp4fix move end checks to end of routine */
            if (fabs(t - atime) >= stepp) {
                iretn = 381;
            } else {
                ft = t - atime;
                iretn = 0;
            }

            if (iretn == 381) {
                xli = xli + xldot * delt + xndt * step2;
                xni = xni + xndt * delt + xnddt * step2;
                atime = atime + delt;
            }
        }

        *nm = xni + xndt * ft + xnddt * ft * ft * 0.5;
        xl = xli + xldot * ft + xndt * ft * ft * 0.5;
        if (s->irez != 1) {
            *mm = xl - 2.0 * *nodem + 2.0 * theta;
            *dndt = *nm - s->no_unkozai;
        } else {
            *mm = xl - *nodem - *argpm + theta;
            *dndt = *nm - s->no_unkozai;
        }
        *nm = s->no_unkozai + *dndt;
    }
}
