/*
 * sgp4.c - SGP4/SDP4 initialisation and propagation (scalar, the
 * reference path): Vallado's initl, sgp4init and sgp4 with WGS-72
 * constants and opsmode 'i' (improved).
 *
 * Exports: ln_sgp4_new, ln_sgp4_free, ln_sgp4_propagate, ln_sgp4_is_deep
 * (public, orbit.h) and ln__orbit_sgp4_init, ln__orbit_sgp4_run (private,
 * orbit_int.h; the batch path builds arrays of struct ln_sgp4 with them).
 *
 * The state (struct ln_sgp4, orbit_int.h) is filled once and read-only
 * afterwards, so propagation is thread-safe and allocates nothing. Where
 * Vallado's sgp4() writes into the element record during propagation
 * (the deep-space aycof, xlcof, con41, x1mth2, x7thm1 recomputed from the
 * perturbed inclination, and the resonance integrator), this code uses
 * locals; the numbers are the same (see sgp4_deep.c for the integrator).
 * Vallado's element-record outputs (am, em, im, Om, om, mm, nm) are not
 * kept.
 *
 * Errors: Vallado's codes 1..6 map to LN_EORBIT_ECC .. LN_EORBIT_DECAY
 * (-101 .. -106). On error r and v are NaN (Vallado leaves them unset for
 * 1..4 and returns the below-ground position for 6).
 *
 * References: D. A. Vallado, P. Crawford, R. Hujsak, T. S. Kelso,
 * "Revisiting Spacetrack Report #3", AIAA 2006-6753 (2006), and its code
 * as kept in python-sgp4 (SGP4.cpp, propagation.py). F. R. Hoots,
 * R. L. Roehrich, "Spacetrack Report No. 3" (1980).
 */
#include <math.h>
#include <string.h>

#include "orbit/orbit_int.h"
#include "orbit/sgp4_tail.h"

#define TWOPI 6.28318530717958647692
#define PI 3.14159265358979323846
#define DEG2RAD (PI / 180.0)

/* Vallado's error code k (1..6) as LN_EORBIT_* */
static int orbit_err(int k)
{
    return k == 0 ? 0 : LN_EORBIT_ECC - (k - 1);
}

/* getgravconst("wgs72") */
static void gravconst_wgs72(struct ln_sgp4 *s)
{
    s->mu = LN_WGS72_MU_KM3_S2; /* km^3/s^2 */
    s->radiusearthkm = LN_WGS72_RE_KM;
    s->xke = 60.0 / sqrt(s->radiusearthkm * s->radiusearthkm *
                         s->radiusearthkm / s->mu);
    s->tumin = 1.0 / s->xke;
    s->j2 = 0.001082616;
    s->j3 = -0.00000253881;
    s->j4 = -0.00000165597;
    s->j3oj2 = s->j3 / s->j2;
}

/* Vallado's gstime: GMST (IAU-82) in rad 0..2pi for a UT1 Julian date. */
static double gstime(double jdut1)
{
    double tut1, temp;

    tut1 = (jdut1 - 2451545.0) / 36525.0;
    temp = -6.2e-6 * tut1 * tut1 * tut1 + 0.093104 * tut1 * tut1 +
           (876600.0 * 3600 + 8640184.812866) * tut1 + 67310.54841; /* s */
    temp = fmod(temp * DEG2RAD / 240.0, TWOPI); /* 360/86400 = 1/240 */
    if (temp < 0.0)
        temp += TWOPI;
    return temp;
}

/* initl outputs that sgp4init uses */
struct initl_out {
    double ainv, ao, con42, cosio, cosio2, eccsq, omeosq, posq, rp, rteosq,
        sinio;
};

/* Vallado's initl (opsmode 'i'): un-Kozai the mean motion, common terms,
 * GMST at epoch. */
static void initl(struct ln_sgp4 *s, double epoch, struct initl_out *o)
{
    const double x2o3 = 2.0 / 3.0;
    double ak, d1, del, adel, po, no;

    /* calculate auxillary epoch quantities */
    o->eccsq = s->ecco * s->ecco;
    o->omeosq = 1.0 - o->eccsq;
    o->rteosq = sqrt(o->omeosq);
    o->cosio = cos(s->inclo);
    o->cosio2 = o->cosio * o->cosio;

    /* un-kozai the mean motion */
    ak = pow(s->xke / s->no_kozai, x2o3);
    d1 = 0.75 * s->j2 * (3.0 * o->cosio2 - 1.0) / (o->rteosq * o->omeosq);
    del = d1 / (ak * ak);
    adel = ak * (1.0 - del * del -
                 del * (1.0 / 3.0 + 134.0 * del * del / 81.0));
    del = d1 / (adel * adel);
    no = s->no_kozai / (1.0 + del);
    s->no_unkozai = no;

    o->ao = pow(s->xke / no, x2o3);
    o->sinio = sin(s->inclo);
    po = o->ao * o->omeosq;
    o->con42 = 1.0 - 5.0 * o->cosio2;
    s->con41 = -o->con42 - o->cosio2 - o->cosio2;
    o->ainv = 1.0 / o->ao;
    o->posq = po * po;
    o->rp = o->ao * (1.0 - s->ecco);
    s->method = LN__SGP4_NEAR;

    /* opsmode 'i': GMST from the IAU-82 formula */
    s->gsto = gstime(epoch + 2433281.5);
}

int ln__orbit_sgp4_init(struct ln_sgp4 *s, const ln_elset *e)
{
    /* sgp4fix divisor for divide by zero check on inclination */
    const double temp4 = 1.5e-12;
    const double x2o3 = 2.0 / 3.0;
    double epoch, ss, qzms2ttemp, qzms2t;
    double r[3], v[3];
    struct initl_out il;
    int rc;

    memset(s, 0, sizeof *s);
    gravconst_wgs72(s);
    s->error = 0;
    s->operationmode = 'i';
    s->method = LN__SGP4_NEAR;

    s->bstar = e->bstar;
    s->ndot = e->ndot;
    s->nddot = e->nddot;
    s->ecco = e->ecco;
    s->argpo = e->argpo;
    s->inclo = e->inclo;
    s->mo = e->mo;
    s->no_kozai = e->no_kozai;
    s->nodeo = e->nodeo;
    s->jdsatepoch = e->epoch_jd1;
    s->jdsatepochF = e->epoch_jd2;
    /* days since 1949 Dec 31 00:00 UT, as python-sgp4 and Vallado's
     * twoline2rv: (jdsatepoch + jdsatepochF) - 2433281.5 */
    epoch = (e->epoch_jd1 + e->epoch_jd2) - 2433281.5;
    s->epoch_1950 = epoch;

    /* earth constants */
    ss = 78.0 / s->radiusearthkm + 1.0;
    /* sgp4fix use multiply for speed instead of pow */
    qzms2ttemp = (120.0 - 78.0) / s->radiusearthkm;
    qzms2t = qzms2ttemp * qzms2ttemp * qzms2ttemp * qzms2ttemp;

    initl(s, epoch, &il);

    s->a = pow(s->no_unkozai * s->tumin, -2.0 / 3.0);
    s->alta = s->a * (1.0 + s->ecco) - 1.0;
    s->altp = s->a * (1.0 - s->ecco) - 1.0;

    /* sgp4fix remove the rp < 1 (error 5) check: the mrt check in sgp4
     * handles decaying satellites */
    if ((il.omeosq >= 0.0) || (s->no_unkozai >= 0.0)) {
        double sfour, qzms24, perige, pinvsq, tsi, etasq, eeta, psisq, coef,
            coef1, cc2, cc3, cosio4, temp1, temp2, temp3, xhdot1, xpidot,
            delmotemp;
        const double ao = il.ao, cosio = il.cosio, cosio2 = il.cosio2,
                     sinio = il.sinio, omeosq = il.omeosq;

        s->isimp = 0;
        if (il.rp < (220.0 / s->radiusearthkm + 1.0))
            s->isimp = 1;
        sfour = ss;
        qzms24 = qzms2t;
        perige = (il.rp - 1.0) * s->radiusearthkm;

        /* for perigees below 156 km, s and qoms2t are altered */
        if (perige < 156.0) {
            double qzms24temp;

            sfour = perige - 78.0;
            if (perige < 98.0)
                sfour = 20.0;
            /* sgp4fix use multiply for speed instead of pow */
            qzms24temp = (120.0 - sfour) / s->radiusearthkm;
            qzms24 = qzms24temp * qzms24temp * qzms24temp * qzms24temp;
            sfour = sfour / s->radiusearthkm + 1.0;
        }
        pinvsq = 1.0 / il.posq;

        tsi = 1.0 / (ao - sfour);
        s->eta = ao * s->ecco * tsi;
        etasq = s->eta * s->eta;
        eeta = s->ecco * s->eta;
        psisq = fabs(1.0 - etasq);
        coef = qzms24 * pow(tsi, 4.0);
        coef1 = coef / pow(psisq, 3.5);
        cc2 = coef1 * s->no_unkozai *
              (ao * (1.0 + 1.5 * etasq + eeta * (4.0 + etasq)) +
               0.375 * s->j2 * tsi / psisq * s->con41 *
                   (8.0 + 3.0 * etasq * (8.0 + etasq)));
        s->cc1 = s->bstar * cc2;
        cc3 = 0.0;
        if (s->ecco > 1.0e-4)
            cc3 = -2.0 * coef * tsi * s->j3oj2 * s->no_unkozai * sinio /
                  s->ecco;
        s->x1mth2 = 1.0 - cosio2;
        s->cc4 = 2.0 * s->no_unkozai * coef1 * ao * omeosq *
                 (s->eta * (2.0 + 0.5 * etasq) +
                  s->ecco * (0.5 + 2.0 * etasq) -
                  s->j2 * tsi / (ao * psisq) *
                      (-3.0 * s->con41 *
                           (1.0 - 2.0 * eeta + etasq * (1.5 - 0.5 * eeta)) +
                       0.75 * s->x1mth2 * (2.0 * etasq - eeta * (1.0 + etasq)) *
                           cos(2.0 * s->argpo)));
        s->cc5 = 2.0 * coef1 * ao * omeosq *
                 (1.0 + 2.75 * (etasq + eeta) + eeta * etasq);
        cosio4 = cosio2 * cosio2;
        temp1 = 1.5 * s->j2 * pinvsq * s->no_unkozai;
        temp2 = 0.5 * temp1 * s->j2 * pinvsq;
        temp3 = -0.46875 * s->j4 * pinvsq * pinvsq * s->no_unkozai;
        s->mdot = s->no_unkozai + 0.5 * temp1 * il.rteosq * s->con41 +
                  0.0625 * temp2 * il.rteosq *
                      (13.0 - 78.0 * cosio2 + 137.0 * cosio4);
        s->argpdot = -0.5 * temp1 * il.con42 +
                     0.0625 * temp2 * (7.0 - 114.0 * cosio2 + 395.0 * cosio4) +
                     temp3 * (3.0 - 36.0 * cosio2 + 49.0 * cosio4);
        xhdot1 = -temp1 * cosio;
        s->nodedot = xhdot1 + (0.5 * temp2 * (4.0 - 19.0 * cosio2) +
                               2.0 * temp3 * (3.0 - 7.0 * cosio2)) *
                                  cosio;
        xpidot = s->argpdot + s->nodedot;
        s->omgcof = s->bstar * cc3 * cos(s->argpo);
        s->xmcof = 0.0;
        if (s->ecco > 1.0e-4)
            s->xmcof = -x2o3 * coef * s->bstar / eeta;
        s->nodecf = 3.5 * omeosq * xhdot1 * s->cc1;
        s->t2cof = 1.5 * s->cc1;
        /* sgp4fix for divide by zero with xinco = 180 deg */
        if (fabs(cosio + 1.0) > 1.5e-12)
            s->xlcof = -0.25 * s->j3oj2 * sinio * (3.0 + 5.0 * cosio) /
                       (1.0 + cosio);
        else
            s->xlcof = -0.25 * s->j3oj2 * sinio * (3.0 + 5.0 * cosio) / temp4;
        s->aycof = -0.5 * s->j3oj2 * sinio;
        /* sgp4fix use multiply for speed instead of pow */
        delmotemp = 1.0 + s->eta * cos(s->mo);
        s->delmo = delmotemp * delmotemp * delmotemp;
        s->sinmao = sin(s->mo);
        s->x7thm1 = 7.0 * cosio2 - 1.0;

        /* deep space initialization */
        if ((2 * PI / s->no_unkozai) >= 225.0) {
            struct ln__orbit_dscom dc;
            double tc = 0.0, inclm = s->inclo, em, argpm, mm, nm, nodem;

            s->method = LN__SGP4_DEEP;
            s->isimp = 1;
            ln__orbit_dscom(s, epoch, s->ecco, s->argpo, tc, s->inclo,
                            s->nodeo, s->no_unkozai, &dc);
            /* Vallado calls dpper with init = 'y' here; that call leaves
             * ecco, inclo, nodeo, argpo, mo unchanged (and peo.. are 0) */
            ln__orbit_dpper(s, 0.0, 1, &s->ecco, &s->inclo, &s->nodeo,
                            &s->argpo, &s->mo);
            em = dc.em;
            nm = dc.nm;
            argpm = 0.0;
            nodem = 0.0;
            mm = 0.0;
            ln__orbit_dsinit(s, &dc, tc, xpidot, il.eccsq, &em, &argpm,
                             &inclm, &mm, &nm, &nodem);
        }

        /* set variables if not deep space */
        if (s->isimp != 1) {
            double cc1sq, temp;

            cc1sq = s->cc1 * s->cc1;
            s->d2 = 4.0 * ao * tsi * cc1sq;
            temp = s->d2 * tsi * s->cc1 / 3.0;
            s->d3 = (17.0 * ao + sfour) * temp;
            s->d4 = 0.5 * temp * ao * tsi * (221.0 * ao + 31.0 * sfour) *
                    s->cc1;
            s->t3cof = s->d2 + 2.0 * cc1sq;
            s->t4cof = 0.25 * (3.0 * s->d3 +
                               s->cc1 * (12.0 * s->d2 + 10.0 * cc1sq));
            s->t5cof = 0.2 * (3.0 * s->d4 + 12.0 * s->cc1 * s->d3 +
                              6.0 * s->d2 * s->d2 +
                              15.0 * cc1sq * (2.0 * s->d2 + cc1sq));
        }
    }

    /* finally propagate to zero epoch, as Vallado does, to set error */
    rc = ln__orbit_sgp4_run(s, 0.0, r, v);
    s->error = rc == 0 ? 0 : LN_EORBIT_ECC - rc + 1;
    return rc;
}

static int fail(int k, double r[3], double v[3])
{
    r[0] = r[1] = r[2] = NAN;
    v[0] = v[1] = v[2] = NAN;
    return orbit_err(k);
}

int ln__orbit_sgp4_run(const struct ln_sgp4 *s, double tsince, double r[3],
                       double v[3])
{
    /* sgp4fix divisor for divide by zero check on inclination */
    const double temp4 = 1.5e-12;
    const double x2o3 = 2.0 / 3.0;
    const double vkmpersec = s->radiusearthkm * s->xke / 60.0;
    const double t = tsince;
    double xmdf, argpdf, nodedf, argpm, mm, t2, nodem, tempa, tempe, templ,
        nm, em, inclm, am, xlm, temp, sinim, cosim, ep, xincp, argpp,
        nodep, mp, sinip, cosip, axnl, aynl, xl;
    /* the terms Vallado recomputes into satrec for deep space */
    double aycof = s->aycof, xlcof = s->xlcof, con41 = s->con41,
           x1mth2 = s->x1mth2, x7thm1 = s->x7thm1;

    /* update for secular gravity and atmospheric drag */
    xmdf = s->mo + s->mdot * t;
    argpdf = s->argpo + s->argpdot * t;
    nodedf = s->nodeo + s->nodedot * t;
    argpm = argpdf;
    mm = xmdf;
    t2 = t * t;
    nodem = nodedf + s->nodecf * t2;
    tempa = 1.0 - s->cc1 * t;
    tempe = s->bstar * s->cc4 * t;
    templ = s->t2cof * t2;

    if (s->isimp != 1) {
        double delomg, delmtemp, delm, t3, t4;

        delomg = s->omgcof * t;
        /* sgp4fix use mutliply for speed instead of pow */
        delmtemp = 1.0 + s->eta * cos(xmdf);
        delm = s->xmcof * (delmtemp * delmtemp * delmtemp - s->delmo);
        temp = delomg + delm;
        mm = xmdf + temp;
        argpm = argpdf - temp;
        t3 = t2 * t;
        t4 = t3 * t;
        tempa = tempa - s->d2 * t2 - s->d3 * t3 - s->d4 * t4;
        tempe = tempe + s->bstar * s->cc5 * (sin(mm) - s->sinmao);
        templ = templ + s->t3cof * t3 + t4 * (s->t4cof + t * s->t5cof);
    }

    nm = s->no_unkozai;
    em = s->ecco;
    inclm = s->inclo;
    if (s->method == LN__SGP4_DEEP) {
        double dndt;

        ln__orbit_dspace(s, t, &em, &argpm, &inclm, &mm, &nodem, &nm,
                         &dndt);
    }

    if (nm <= 0.0)
        return fail(2, r, v);

    am = pow((s->xke / nm), x2o3) * tempa * tempa;
    nm = s->xke / pow(am, 1.5);
    em = em - tempe;

    /* fix tolerance for error recognition; sgp4fix am is fixed from the
     * previous nm check */
    if ((em >= 1.0) || (em < -0.001) /* || (am < 0.95) */)
        return fail(1, r, v);
    /* sgp4fix fix tolerance to avoid a divide by zero */
    if (em < 1.0e-6)
        em = 1.0e-6;
    mm = mm + s->no_unkozai * templ;
    xlm = mm + argpm + nodem;
    /* (Vallado's emsq = em * em and temp = 1 - emsq are unused here) */

    nodem = fmod(nodem, TWOPI);
    argpm = fmod(argpm, TWOPI);
    xlm = fmod(xlm, TWOPI);
    mm = fmod(xlm - argpm - nodem, TWOPI);

    /* compute extra mean quantities */
    sinim = sin(inclm);
    cosim = cos(inclm);

    /* add lunar-solar periodics */
    ep = em;
    xincp = inclm;
    argpp = argpm;
    nodep = nodem;
    mp = mm;
    sinip = sinim;
    cosip = cosim;
    if (s->method == LN__SGP4_DEEP) {
        ln__orbit_dpper(s, t, 0, &ep, &xincp, &nodep, &argpp, &mp);
        if (xincp < 0.0) {
            xincp = -xincp;
            nodep = nodep + PI;
            argpp = argpp - PI;
        }
        if ((ep < 0.0) || (ep > 1.0))
            return fail(3, r, v);
    }

    /* long period periodics */
    if (s->method == LN__SGP4_DEEP) {
        sinip = sin(xincp);
        cosip = cos(xincp);
        aycof = -0.5 * s->j3oj2 * sinip;
        /* sgp4fix for divide by zero for xincp = 180 deg */
        if (fabs(cosip + 1.0) > 1.5e-12)
            xlcof = -0.25 * s->j3oj2 * sinip * (3.0 + 5.0 * cosip) /
                    (1.0 + cosip);
        else
            xlcof = -0.25 * s->j3oj2 * sinip * (3.0 + 5.0 * cosip) / temp4;
    }
    axnl = ep * cos(argpp);
    temp = 1.0 / (am * (1.0 - ep * ep));
    aynl = ep * sin(argpp) + temp * aycof;
    xl = mp + argpp + nodep + temp * xlcof * axnl;

    /* short-period terms of the deep-space case use the perturbed
     * inclination */
    if (s->method == LN__SGP4_DEEP) {
        double cosisq = cosip * cosip;

        con41 = 3.0 * cosisq - 1.0;
        x1mth2 = 1.0 - cosisq;
        x7thm1 = 7.0 * cosisq - 1.0;
    }
    {
        const ln__sgp4_tail_in in = {
            am, nm, axnl, aynl, xl, nodep, xincp, cosip, sinip,
            con41, x1mth2, x7thm1, s->j2, s->xke, s->radiusearthkm,
            vkmpersec};
        int k = ln__sgp4_tail(&in, r, v);
        /* LN-DEV: for a decaying satellite (6) Vallado returns the
         * below-ground position; we return NaN as for 1..4, so a failed
         * satellite never looks usable. */
        return k ? fail(k, r, v) : 0;
    }
}

/* ---- public API ------------------------------------------------------ */

/*
 * ln_sgp4_new - initialise SGP4/SDP4 for one element set.
 *
 * Given:    e     element set (angles rad, mean motion rad/min, epoch as
 *                 the two-part Julian date epoch_jd1 + epoch_jd2, UTC)
 * Returned: *out  new state (ln_sgp4_free it); NULL on LN_ENOMEM or
 *                 LN_EINVAL
 * Status:   0; LN_EORBIT_* when the propagation to epoch fails (the state
 *           is still returned, as Vallado's sgp4init does); LN_EINVAL
 *           (NULL argument); LN_ENOMEM.
 * Notes:    WGS-72 constants, opsmode 'i'. The epoch used by the deep-space
 *           terms and GMST is (epoch_jd1 + epoch_jd2) - 2433281.5 days
 *           since 1949 Dec 31 00:00, as python-sgp4 computes it.
 */
int ln_sgp4_new(const ln_elset *e, ln_sgp4 **out)
{
    ln_sgp4 *s;

    if (out == NULL)
        return LN_EINVAL;
    *out = NULL;
    if (e == NULL)
        return LN_EINVAL;
    s = ln_malloc(sizeof *s);
    if (s == NULL)
        return LN_ENOMEM;
    *out = s;
    return ln__orbit_sgp4_init(s, e);
}

void ln_sgp4_free(ln_sgp4 *s)
{
    ln_free(s);
}

/*
 * ln_sgp4_propagate - position and velocity at tsince.
 *
 * Given:    s           state from ln_sgp4_new
 *           tsince_min  minutes since the set's epoch (may be negative)
 * Returned: r_km        position, TEME, km
 *           v_km_s      velocity, TEME, km/s
 * Status:   0, or LN_EORBIT_ECC / _MM / _PECC / _SLR / _DECAY (Vallado's
 *           codes 1, 2, 3, 4, 6), with r and v set to NaN.
 * Notes:    Thread-safe and allocation-free: s is only read. The SDP4
 *           resonance integrator restarts from epoch on every call; this
 *           gives the same numbers as Vallado's cached integrator, since
 *           the 720-min steps from epoch are the same operations. Its cost
 *           grows with |tsince| (one step per 12 h).
 */
int ln_sgp4_propagate(const ln_sgp4 *s, double tsince_min, double r_km[3],
                      double v_km_s[3])
{
    return ln__orbit_sgp4_run(s, tsince_min, r_km, v_km_s);
}

int ln_sgp4_is_deep(const ln_sgp4 *s)
{
    return s != NULL && s->method == LN__SGP4_DEEP;
}
