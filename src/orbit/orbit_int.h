/*
 * orbit_int.h - private header of the orbit area: the SGP4/SDP4 state
 * (struct ln_sgp4) and the functions shared by the files of src/orbit.
 *
 * struct ln_sgp4 holds the fields of Vallado's elsetrec that propagation
 * needs, with Vallado's names, so the code reads term for term like
 * Vallado, Crawford, Hujsak, Kelso, "Revisiting Spacetrack Report #3"
 * (AIAA 2006-6753) and python-sgp4 (propagation.py / SGP4.cpp). Units are
 * SGP4's own: earth radii (er), minutes, rad, rad/min. Only doubles and
 * ints, no pointers: arrays of it can be copied and laid out freely (the
 * batch kernel does so). The layout is stable: fields are only appended.
 *
 * The struct is filled once by ln__orbit_sgp4_init and is read-only
 * afterwards: propagation keeps the resonance integrator state (Vallado's
 * atime, xli, xni) in locals, so one state may be shared by threads.
 */
#ifndef LEONET_ORBIT_INT_H
#define LEONET_ORBIT_INT_H

#include "leonet/orbit.h"

/* method values (Vallado's char codes, kept as ints) */
#define LN__SGP4_NEAR 'n'
#define LN__SGP4_DEEP 'd'

struct ln_sgp4 {
    /* ---- status and mode ---- */
    int error;          /* Vallado's error of init: 0, 1..6 */
    int method;         /* 'n' near earth (SGP4), 'd' deep space (SDP4) */
    int operationmode;  /* 'i' (improved); the only mode used */
    int isimp;          /* 1: simplified drag (perigee < 220 km) */
    int irez;           /* resonance: 0 none, 1 one-day (24 h), 2 half-day */

    /* ---- near earth ---- */
    double aycof;
    double con41;
    double cc1;
    double cc4;
    double cc5;
    double d2;
    double d3;
    double d4;
    double delmo;
    double eta;
    double argpdot;     /* rad/min */
    double omgcof;
    double sinmao;
    double t2cof;
    double t3cof;
    double t4cof;
    double t5cof;
    double x1mth2;
    double x7thm1;
    double mdot;        /* rad/min */
    double nodedot;     /* rad/min */
    double xlcof;
    double xmcof;
    double nodecf;

    /* ---- deep space ---- */
    double d2201, d2211, d3210, d3222, d4410, d4422, d5220, d5232, d5421,
        d5433;
    double dedt, del1, del2, del3, didt, dmdt, dnodt, domdt;
    double e3, ee2, peo, pgho, pho, pinco, plo;
    double se2, se3, sgh2, sgh3, sgh4, sh2, sh3, si2, si3, sl2, sl3, sl4;
    double gsto;        /* GMST (IAU-82) at epoch, rad 0..2pi */
    double xfact;
    double xgh2, xgh3, xgh4, xh2, xh3, xi2, xi3, xl2, xl3, xl4;
    double xlamo;
    double zmol, zmos;
    double atime;       /* integrator start: 0 (set by dsinit) */
    double xli;         /* integrator start: xlamo (set by dsinit) */
    double xni;         /* integrator start: no_unkozai (set by dsinit) */

    /* ---- mean elements at epoch ---- */
    double bstar;       /* 1/er */
    double inclo;       /* rad */
    double nodeo;       /* rad */
    double ecco;
    double argpo;       /* rad */
    double mo;          /* rad */
    double no_kozai;    /* rad/min, as read */
    double no_unkozai;  /* rad/min, Brouwer mean motion */
    double a;           /* semi-major axis, er */
    double alta;        /* apogee height, er */
    double altp;        /* perigee height, er */
    double ndot;        /* rad/min^2 (not used by SGP4) */
    double nddot;       /* rad/min^3 (not used by SGP4) */
    double jdsatepoch;  /* epoch, Julian date, whole part */
    double jdsatepochF; /* epoch, fraction */
    double epoch_1950;  /* epoch, days since 1949 Dec 31 00:00 UT */

    /* ---- gravity constants (WGS-72) ---- */
    double tumin;       /* minutes per time unit */
    double mu;          /* km^3/s^2 */
    double radiusearthkm;
    double xke;         /* sqrt(GM) in er^1.5/min */
    double j2, j3, j4, j3oj2;
};

/* Fills *s for the element set e (WGS-72, opsmode 'i'): Vallado's sgp4init.
 * Returns 0 or LN_EORBIT_* (s->error holds Vallado's code then; the state
 * is complete either way and propagation will report the error). No
 * allocation. */
int ln__orbit_sgp4_init(struct ln_sgp4 *s, const ln_elset *e);

/* Vallado's sgp4(): r (km) and v (km/s) in TEME at tsince minutes. Returns
 * 0 or LN_EORBIT_*, with NaN outputs on error. Thread-safe. */
int ln__orbit_sgp4_run(const struct ln_sgp4 *s, double tsince, double r[3],
                       double v[3]);

/* ---- deep space (sgp4_deep.c), Vallado's routines ---- */

/* Outputs of dscom that are not stored in struct ln_sgp4 (the solar and
 * lunar terms dsinit needs). */
struct ln__orbit_dscom {
    double snodm, cnodm, sinim, cosim, sinomm, cosomm, day, em, emsq, gam,
        rtemsq, s1, s2, s3, s4, s5, s6, s7, ss1, ss2, ss3, ss4, ss5, ss6,
        ss7, sz1, sz2, sz3, sz11, sz12, sz13, sz21, sz22, sz23, sz31, sz32,
        sz33, nm, z1, z2, z3, z11, z12, z13, z21, z22, z23, z31, z32, z33;
};

/* dscom: deep-space common terms at epoch (days since 1950 Jan 0.0).
 * Writes the lunar-solar coefficients into s (e3, ee2, peo..., zmol, zmos)
 * and the rest into *o. */
void ln__orbit_dscom(struct ln_sgp4 *s, double epoch, double ep,
                     double argpp, double tc, double inclp, double nodep,
                     double np, struct ln__orbit_dscom *o);

/* dpper: lunar-solar periodics (opsmode 'i'). init != 0 at initialisation
 * (returns the elements unchanged, as Vallado's init='y'). */
void ln__orbit_dpper(const struct ln_sgp4 *s, double t, int init,
                     double *ep, double *inclp, double *nodep, double *argpp,
                     double *mp);

/* dsinit: deep-space secular rates and resonance terms; writes dedt..,
 * irez, d2201.., del1.., xfact, xlamo, atime, xli, xni into s. The
 * inputs em, argpm, inclm, mm, nm, nodem are updated as in Vallado. */
void ln__orbit_dsinit(struct ln_sgp4 *s, const struct ln__orbit_dscom *o,
                      double tc, double xpidot, double eccsq,
                      double *em, double *argpm, double *inclm, double *mm,
                      double *nm, double *nodem);

/* dspace: deep-space secular effects and resonance integration from
 * epoch to t (min). Updates em, argpm, inclm, mm, nodem, nm; returns
 * dndt. The integrator restarts from epoch on every call (stateless). */
void ln__orbit_dspace(const struct ln_sgp4 *s, double t, double *em,
                      double *argpm, double *inclm, double *mm,
                      double *nodem, double *nm, double *dndt);

/* TLE checksum of a line's columns 1-68 (tle.c; tle_write.c uses it). */
int ln__tle_checksum(const char *l);

#endif
