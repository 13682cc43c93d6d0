/*
 * sgp4_vec_impl.h - the body of the SIMD batch kernels: vector sin/cos
 * (one shared range reduction), atan2, fmod(x, 2pi), and Vallado's
 * near-earth sgp4() on VW lanes at once, with masks for the isimp branch,
 * the Kepler iteration and the error checks.
 *
 * Included once by each ISA file (sgp4_vec_avx2.c, sgp4_vec_avx512.c),
 * which first defines the vector type vd, the mask type vm, the integer
 * vector type vi, the lane count VW, KERNEL_NAME (the exported
 * ln__batch_kernel) and these primitives on its intrinsics:
 *   VSET(x)  VLD(p), VST(p, v) aligned  VSTU(p, v) unaligned
 *   VSTERR(p, v)  v's lanes as VW ints at p
 *   VFMA(a, b, c)  VSQRT(a)  VABS(a)  VFLOOR(a)  VXOR(a, b)
 *   VCOPYSIGN(mag, sgn)
 *   VLT VLE VGE VGT VEQ (a, b) -> vm;  MAND MOR (a, b);
 *   MANDNOT(a, b) = a and not b;  MANY(m) -> int;  MCOUNT(m) lanes set;
 *   MTRUE;  VSEL(m, a, b) = m ? a : b
 *   VBITS(v) -> vi, the bits of v;  VQSWAP(qi) -> vm, lanes with bit 0
 *   set;  VQSIGN(qi) -> vd, sign bit = bit 1 of qi, other bits 0;
 *   VQINC(qi) = qi + 1
 * Arithmetic uses GCC/Clang vector operators on vd, with the scalar
 * operands splatted, so the SGP4 terms read as in sgp4.c.
 *
 * Accuracy (measured against glibc on 1.6e7 random arguments): sin and
 * cos within 2 ulp for |x| < 1e5 (Cody-Waite reduction with pi/2 in
 * three parts and FMA, fdlibm's kernel polynomials), atan2 within 2 ulp
 * (Cephes' rational approximation), fmod exact (the FMA product k * 2pi
 * is exact and the remainder representable); sqrt and division are the
 * hardware's, correctly rounded. The kernels follow the scalar path to
 * ~4e-11 km and ~4e-14 km/s over days (tests/orbit/test_batch.c).
 *
 * References: D. A. Vallado et al., AIAA 2006-6753 (2006) for sgp4();
 * fdlibm 5.3 k_sin.c, k_cos.c (Sun Microsystems, 1993); S. L. Moshier,
 * Cephes Math Library 2.8, atan.c (1984-2000); W. J. Cody, W. Waite,
 * "Software Manual for the Elementary Functions" (1980).
 */
#ifndef KERNEL_NAME
#error "define the ISA macros before including sgp4_vec_impl.h"
#endif

/* No FMA contraction of a * b + c: the terms round as in sgp4.c (built
 * without FMA), so that kernel and reference differ only by the math
 * functions. GCC does not contract in ISO C mode (-std=c17); Clang does
 * by default. Far from epoch one rounding of mdot * t alone is 1e-10 rad
 * at tsince = 1e7 min, i.e. 1e-6 km. */
#ifdef __clang__
#pragma clang fp contract(off)
#endif

#define V_TWOPI 6.28318530717958647692
#define V_PI 3.14159265358979323846
#define V_PIO2 1.57079632679489661923
#define V_PIO4 0.78539816339744830962
/* pi/2 in three parts (each the double nearest to the remainder) */
#define V_PIO2_1 1.5707963267948966
#define V_PIO2_2 6.123233995736766e-17
#define V_PIO2_3 -1.4973849048591698e-33
/* pi/2 - V_PIO2 (Cephes' MOREBITS) */
#define V_MOREBITS 6.123233995736765886130e-17

/* fmod(x, V_TWOPI), exactly as the C library's fmod: the result has the
 * sign of x and |result| < 2pi. */
static inline vd v_fmod2pi(vd x)
{
    const vd tp = VSET(V_TWOPI);
    vd ax = VABS(x);
    vd k = VFLOOR(ax * (1.0 / V_TWOPI));
    /* exact: k * tp and ax are multiples of ulp(4) = 2^-50 when ax >= 4,
     * and the remainder is below 8 */
    vd r = VFMA(-k, tp, ax);
    r = VSEL(VLT(r, VSET(0.0)), r + tp, r);
    r = VSEL(VGE(r, tp), r - tp, r);
    return VCOPYSIGN(r, x);
}

/* sin and cos of x with one range reduction. */
static inline void v_sincos(vd x, vd *sinx, vd *cosx)
{
    const vd magic = VSET(6755399441055744.0); /* 1.5 * 2^52 */
    /* q = nearest integer to x * 2/pi; its low bits land in tq's */
    vd tq = VFMA(x, VSET(2.0 / V_PI), magic);
    vi qi = VBITS(tq);
    vd q = tq - magic;
    vd r = VFMA(-q, VSET(V_PIO2_1), x);
    r = VFMA(-q, VSET(V_PIO2_2), r);
    r = VFMA(-q, VSET(V_PIO2_3), r);
    vd z = r * r;
    /* fdlibm __kernel_sin: r + r^3 (S1 + z (S2 + ... + z S6)) */
    vd ps = VFMA(z, VSET(1.58969099521155010221e-10),
                 VSET(-2.50507602534068634195e-08));
    ps = VFMA(z, ps, VSET(2.75573137070700676789e-06));
    ps = VFMA(z, ps, VSET(-1.98412698298579493134e-04));
    ps = VFMA(z, ps, VSET(8.33333333332248946124e-03));
    ps = VFMA(z, ps, VSET(-1.66666666666666324348e-01));
    ps = VFMA(r * z, ps, r);
    /* fdlibm __kernel_cos: w + (((1 - w) - z/2) + z^2 (C1 + ... + z^5 C6))
     * with w = 1 - z/2 */
    vd pc = VFMA(z, VSET(-1.13596475577881948265e-11),
                 VSET(2.08757232129817482790e-09));
    pc = VFMA(z, pc, VSET(-2.75573143513906633035e-07));
    pc = VFMA(z, pc, VSET(2.48015872894767294178e-05));
    pc = VFMA(z, pc, VSET(-1.38888888888741095749e-03));
    pc = VFMA(z, pc, VSET(4.16666666666666019037e-02));
    vd hz = 0.5 * z;
    vd w = 1.0 - hz;
    pc = w + VFMA(z * z, pc, (1.0 - w) - hz);
    /* quadrant q mod 4: odd q swaps sin and cos; sin < 0 in quadrants 2
     * and 3 (bit 1 of q), cos < 0 in 1 and 2 (bit 1 of q + 1) */
    vm swap = VQSWAP(qi);
    *sinx = VXOR(VSEL(swap, pc, ps), VQSIGN(qi));
    *cosx = VXOR(VSEL(swap, ps, pc), VQSIGN(VQINC(qi)));
}

/* atan2(y, x) for finite x, y (atan2(0, 0) = 0). */
static inline vd v_atan2(vd y, vd x)
{
    vd ax = VABS(x), ay = VABS(y);
    vm swap = VGT(ay, ax);
    vd num = VSEL(swap, ax, ay), den = VSEL(swap, ay, ax);
    vd t = num / den; /* 0..1 */
    t = VSEL(VEQ(den, VSET(0.0)), VSET(0.0), t);
    /* Cephes atan: above 0.66 use atan(t) = pi/4 + atan((t-1)/(t+1)) */
    vm big = VGT(t, VSET(0.66));
    t = VSEL(big, (t - 1.0) / (t + 1.0), t);
    vd z = t * t;
    vd p = VFMA(z, VSET(-8.750608600031904122785e-1),
                VSET(-1.615753718733365076637e1));
    p = VFMA(z, p, VSET(-7.500855792314704667340e1));
    p = VFMA(z, p, VSET(-1.228866684490136173410e2));
    p = VFMA(z, p, VSET(-6.485021904942025371773e1));
    vd qq = z + 2.485846490142306297962e1;
    qq = VFMA(z, qq, VSET(1.650270098316988542046e2));
    qq = VFMA(z, qq, VSET(4.328810604912902668951e2));
    qq = VFMA(z, qq, VSET(4.853903996359136964868e2));
    qq = VFMA(z, qq, VSET(1.945506571482613964425e2));
    vd a = VFMA(t, z * p / qq, t);
    a = VSEL(big, (a + 0.5 * V_MOREBITS) + V_PIO4, a);
    /* |y| > |x|: atan(|y|/|x|) = pi/2 - atan(|x|/|y|) */
    a = VSEL(swap, (V_PIO2 - a) + V_MOREBITS, a);
    /* x < 0: pi - a */
    a = VSEL(VLT(x, VSET(0.0)), (V_PI - a) + 2.0 * V_MOREBITS, a);
    return VCOPYSIGN(a, y);
}


/* Values one phase hands to the next, per lane of a block (at most
 * LN__BATCH_BLOCK lanes). */
struct v_scratch {
    _Alignas(64) double u[LN__BATCH_BLOCK];    /* Kepler: mean longitude */
    _Alignas(64) double axnl[LN__BATCH_BLOCK];
    _Alignas(64) double aynl[LN__BATCH_BLOCK];
    _Alignas(64) double sineo1[LN__BATCH_BLOCK]; /* Kepler's results */
    _Alignas(64) double coseo1[LN__BATCH_BLOCK];
    _Alignas(64) double am[LN__BATCH_BLOCK];   /* er */
    _Alignas(64) double nm[LN__BATCH_BLOCK];   /* rad/min */
    _Alignas(64) double nodem[LN__BATCH_BLOCK]; /* rad */
    _Alignas(64) double err[LN__BATCH_BLOCK];  /* 0 or LN_EORBIT_* */
};

/* Phase 1: secular gravity and drag, long-period periodics, up to the
 * argument of Kepler's equation. Lanes [j, j + VW), scratch index k. */
static inline void v_phase1(const struct ln__batch_soa *s, size_t j,
                            size_t k, const struct ln__batch_time *tm,
                            struct v_scratch *w)
{
    const vd zero = VSET(0.0);
    vd t, xmdf, argpdf, nodedf, argpm, mm, t2, nodem, tempa, tempe, templ,
        nm, em, am, xlm, temp, axnl, aynl, xl, sa, ca, err;
    vm bad, m;

    if (tm->by_unix)
        t = (VSET(tm->t_unix_s) - VLD(s->ep_day_s + j)) / 60.0 -
            VLD(s->ep_frac_min + j);
    else
        t = VSET(tm->tsince_min);

    /* update for secular gravity and atmospheric drag */
    xmdf = VLD(s->mo + j) + VLD(s->mdot + j) * t;
    argpdf = VLD(s->argpo + j) + VLD(s->argpdot + j) * t;
    nodedf = VLD(s->nodeo + j) + VLD(s->nodedot + j) * t;
    argpm = argpdf;
    mm = xmdf;
    t2 = t * t;
    nodem = nodedf + VLD(s->nodecf + j) * t2;
    tempa = 1.0 - VLD(s->cc1 + j) * t;
    tempe = VLD(s->bcc4 + j) * t;
    templ = VLD(s->t2cof + j) * t2;
    m = VEQ(VLD(s->simp + j), zero); /* lanes with isimp != 1 */
    if (MANY(m)) {
        vd delomg, delmtemp, delm, t3, t4, c, sn;

        delomg = VLD(s->omgcof + j) * t;
        v_sincos(xmdf, &sn, &c);
        delmtemp = 1.0 + VLD(s->eta + j) * c;
        delm = VLD(s->xmcof + j) *
               (delmtemp * delmtemp * delmtemp - VLD(s->delmo + j));
        temp = delomg + delm;
        mm = VSEL(m, xmdf + temp, mm);
        argpm = VSEL(m, argpdf - temp, argpm);
        t3 = t2 * t;
        t4 = t3 * t;
        tempa = VSEL(m,
                     tempa - VLD(s->d2 + j) * t2 - VLD(s->d3 + j) * t3 -
                         VLD(s->d4 + j) * t4,
                     tempa);
        v_sincos(mm, &sn, &c);
        tempe = VSEL(m, tempe + VLD(s->bcc5 + j) * (sn - VLD(s->sinmao + j)),
                     tempe);
        templ = VSEL(m,
                     templ + VLD(s->t3cof + j) * t3 +
                         t4 * (VLD(s->t4cof + j) + t * VLD(s->t5cof + j)),
                     templ);
    }

    nm = VLD(s->no_unkozai + j);
    em = VLD(s->ecco + j);
    bad = VLE(nm, zero);
    err = VSEL(bad, VSET((double)LN_EORBIT_MM), zero);

    am = VLD(s->am0 + j) * tempa * tempa;
    /* LN-DEV: pow(am, 1.5) as am * sqrt(am): a few ulp, much faster */
    nm = s->xke / (am * VSQRT(am));
    em = em - tempe;
    m = MANDNOT(MOR(VGE(em, VSET(1.0)), VLT(em, VSET(-0.001))), bad);
    err = VSEL(m, VSET((double)LN_EORBIT_ECC), err);
    em = VSEL(VLT(em, VSET(1.0e-6)), VSET(1.0e-6), em);
    mm = mm + VLD(s->no_unkozai + j) * templ;
    xlm = mm + argpm + nodem;
    nodem = v_fmod2pi(nodem);
    argpm = v_fmod2pi(argpm);
    xlm = v_fmod2pi(xlm);
    mm = v_fmod2pi(xlm - argpm - nodem);

    /* long period periodics (ep = em, argpp = argpm, ...) */
    v_sincos(argpm, &sa, &ca);
    axnl = em * ca;
    temp = 1.0 / (am * (1.0 - em * em));
    aynl = em * sa + temp * VLD(s->aycof + j);
    xl = mm + argpm + nodem + temp * VLD(s->xlcof + j) * axnl;

    VST(w->u + k, v_fmod2pi(xl - nodem));
    VST(w->axnl + k, axnl);
    VST(w->aynl + k, aynl);
    VST(w->am + k, am);
    VST(w->nm + k, nm);
    VST(w->nodem + k, nodem);
    VST(w->err + k, err);
}

/* One Newton step of Kepler's equation on the active lanes of vector k;
 * returns the lanes still active. */
static inline vm v_kepler_step(struct v_scratch *w, size_t k, vd *eo1,
                               vm act)
{
    const vd u = VLD(w->u + k), axnl = VLD(w->axnl + k),
             aynl = VLD(w->aynl + k);
    vd se, ce, tem5;

    v_sincos(*eo1, &se, &ce);
    VST(w->sineo1 + k, VSEL(act, se, VLD(w->sineo1 + k)));
    VST(w->coseo1 + k, VSEL(act, ce, VLD(w->coseo1 + k)));
    tem5 = 1.0 - ce * axnl - se * aynl;
    tem5 = (u - aynl * ce + axnl * se - *eo1) / tem5;
    tem5 = VSEL(VGE(VABS(tem5), VSET(0.95)),
                VSEL(VGT(tem5, VSET(0.0)), VSET(0.95), VSET(-0.95)), tem5);
    *eo1 = VSEL(act, *eo1 + tem5, *eo1);
    return MAND(act, VGE(VABS(tem5), VSET(1.0e-12)));
}

/* Phase 3: short-period periodics, orientation, position and velocity;
 * writes o[k .. k + VW); returns the number of failed lanes. */
static inline int v_phase3(const struct ln__batch_soa *s, size_t j,
                            size_t k, const struct v_scratch *w,
                            const struct ln__batch_out *o)
{
    const vd zero = VSET(0.0);
    const vd cosip = VLD(s->cosim + j), sinip = VLD(s->sinim + j);
    const vd axnl = VLD(w->axnl + k), aynl = VLD(w->aynl + k),
             sineo1 = VLD(w->sineo1 + k), coseo1 = VLD(w->coseo1 + k),
             am = VLD(w->am + k), nm = VLD(w->nm + k);
    const double xke = s->xke;
    vd err = VLD(w->err + k);
    vd ecose, esine, el2, pl, rl, rdotl, rvdotl, betal, temp, sinu, cosu,
        su, sin2u, cos2u, temp1, temp2, mrt, xnode, xinc, mvt, rvdot, sinsu,
        cossu, snod, cnod, sini, cosi, xmx, xmy, ux, uy, uz, vx, vy, vz, mr;
    vm bad = VLT(err, zero), m;

    /* short period preliminary quantities */
    ecose = axnl * coseo1 + aynl * sineo1;
    esine = axnl * sineo1 - aynl * coseo1;
    el2 = axnl * axnl + aynl * aynl;
    pl = am * (1.0 - el2);
    m = MANDNOT(VLT(pl, zero), bad);
    err = VSEL(m, VSET((double)LN_EORBIT_SLR), err);
    bad = MOR(bad, m);

    rl = am * (1.0 - ecose);
    rdotl = VSQRT(am) * esine / rl;
    rvdotl = VSQRT(pl) / rl;
    betal = VSQRT(1.0 - el2);
    temp = esine / (1.0 + betal);
    sinu = am / rl * (sineo1 - aynl - axnl * temp);
    cosu = am / rl * (coseo1 - axnl + aynl * temp);
    su = v_atan2(sinu, cosu);
    sin2u = (cosu + cosu) * sinu;
    cos2u = 1.0 - 2.0 * sinu * sinu;
    temp = 1.0 / pl;
    temp1 = 0.5 * s->j2 * temp;
    temp2 = temp1 * temp;

    /* update for short period periodics */
    mrt = rl * (1.0 - 1.5 * temp2 * betal * VLD(s->con41 + j)) +
          0.5 * temp1 * VLD(s->x1mth2 + j) * cos2u;
    su = su - 0.25 * temp2 * VLD(s->x7thm1 + j) * sin2u;
    xnode = VLD(w->nodem + k) + 1.5 * temp2 * cosip * sin2u;
    xinc = VLD(s->inclo + j) + 1.5 * temp2 * cosip * sinip * cos2u;
    mvt = rdotl - nm * temp1 * VLD(s->x1mth2 + j) * sin2u / xke;
    rvdot = rvdotl + nm * temp1 *
                         (VLD(s->x1mth2 + j) * cos2u +
                          1.5 * VLD(s->con41 + j)) /
                         xke;

    /* orientation vectors */
    v_sincos(su, &sinsu, &cossu);
    v_sincos(xnode, &snod, &cnod);
    v_sincos(xinc, &sini, &cosi);
    xmx = -snod * cosi;
    xmy = cnod * cosi;
    ux = xmx * sinsu + cnod * cossu;
    uy = xmy * sinsu + snod * cossu;
    uz = sini * sinsu;
    vx = xmx * cossu - cnod * sinsu;
    vy = xmy * cossu - snod * sinsu;
    vz = sini * cossu;

    /* sgp4fix for decaying satellites */
    m = MANDNOT(VLT(mrt, VSET(1.0)), bad);
    err = VSEL(m, VSET((double)LN_EORBIT_DECAY), err);
    bad = MOR(bad, m);

    /* position and velocity (in km and km/sec); NaN on error */
    {
        const vd nan = VSET(NAN), vk = VSET(s->vkmpersec);

        mr = mrt * s->radiusearthkm;
        VSTU(o->x + k, VSEL(bad, nan, mr * ux));
        VSTU(o->y + k, VSEL(bad, nan, mr * uy));
        VSTU(o->z + k, VSEL(bad, nan, mr * uz));
        VSTU(o->vx + k, VSEL(bad, nan, (mvt * ux + rvdot * vx) * vk));
        VSTU(o->vy + k, VSEL(bad, nan, (mvt * uy + rvdot * vy) * vk));
        VSTU(o->vz + k, VSEL(bad, nan, (mvt * uz + rvdot * vz) * vk));
        VSTERR(o->err + k, err);
    }
    return MCOUNT(bad);
}

/*
 * KERNEL_NAME - near-earth SGP4 on lanes [j0, j0 + cnt) of s (cnt a
 * multiple of VW), results into o[0 .. cnt); returns the number of
 * failed lanes. The terms are those of
 * ln__orbit_sgp4_run (sgp4.c) for method 'n', in the same order; where
 * a lane takes a branch the others do not, both sides are computed and
 * the lane's own is selected.
 *
 * The work runs in three phases over sub-blocks of up to LN__BATCH_BLOCK
 * lanes, each phase a loop over independent vectors (Kepler's equation:
 * one Newton step of every vector per round), so that the CPU overlaps
 * the long dependency chains of neighbouring vectors.
 */
long KERNEL_NAME(const struct ln__batch_soa *s, size_t j0, size_t cnt,
                 const struct ln__batch_time *tm,
                 const struct ln__batch_out *o)
{
    struct v_scratch w;
    long nfail = 0;

    for (size_t b = 0; b < cnt; b += LN__BATCH_BLOCK) {
        const size_t nb = cnt - b < LN__BATCH_BLOCK ? cnt - b
                                                    : LN__BATCH_BLOCK;
        const struct ln__batch_out ob = {o->x + b,  o->y + b,  o->z + b,
                                         o->vx + b, o->vy + b, o->vz + b,
                                         o->err + b};
        vd eo1[LN__BATCH_BLOCK / VW];
        vm act[LN__BATCH_BLOCK / VW];
        int any = 1;

        for (size_t k = 0; k < nb; k += VW)
            v_phase1(s, j0 + b + k, k, tm, &w);

        /* Kepler's equation, each lane until its own convergence */
        for (size_t k = 0; k < nb; k += VW) {
            eo1[k / VW] = VLD(w.u + k);
            act[k / VW] = MTRUE;
            VST(w.sineo1 + k, VSET(0.0));
            VST(w.coseo1 + k, VSET(0.0));
        }
        for (int ktr = 1; ktr <= 10 && any; ktr++) {
            any = 0;
            for (size_t k = 0; k < nb; k += VW) {
                if (!MANY(act[k / VW]))
                    continue;
                act[k / VW] = v_kepler_step(&w, k, &eo1[k / VW],
                                            act[k / VW]);
                any = 1;
            }
        }

        for (size_t k = 0; k < nb; k += VW)
            nfail += v_phase3(s, j0 + b + k, k, &w, &ob);
    }
    return nfail;
}
