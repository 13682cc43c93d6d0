/*
 * orbit.h - element sets (TLE, OMM), SGP4/SDP4, Walker-delta shells,
 * TEME -> ECEF, and batch propagation of a whole constellation.
 *
 * Frames: SGP4 works in TEME (true equator, mean equinox of date). It is
 * called TEME here, never "ECI". ECEF is the pseudo Earth-fixed frame got
 * from TEME by a rotation about z by GMST (IAU-82), ignoring polar motion
 * and UT1-UTC, as SGP4 users expect (Vallado 2006, "teme2ecef" without
 * polar motion). Units: km, km/s, rad; SGP4's "tsince" is minutes since the
 * element set's own epoch and stays inside this area's API.
 * SGP4 keeps its WGS-72 constants (opsmode 'i', Vallado 2006).
 */
#ifndef LEONET_ORBIT_H
#define LEONET_ORBIT_H

#include <stddef.h>
#include <stdint.h>

#include "leonet/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- element sets ---------------------------------------------------- */

/* One mean element set, as read from a TLE or an OMM record. Angles in
 * rad, mean motion in rad/min (SGP4's units), epoch as a two-part Julian
 * date (UTC) and as Unix seconds. */
typedef struct ln_elset {
    char name[64];          /* object name ("" when none) */
    char intldesg[16];      /* TLE form, e.g. "98067A" ("" when none) */
    uint32_t norad;         /* catalog number, Alpha-5 decoded: 0..339999 */
    char classification;    /* 'U', 'C', 'S' */
    int epochyr;            /* 4-digit year of the epoch */
    double epochdays;       /* day of year + fraction, 1.0 = Jan 1 00:00 */
    double epoch_jd1;       /* Julian date of epoch, whole part (.5) */
    double epoch_jd2;       /* fraction, epoch = jd1 + jd2 (UTC) */
    double epoch_unix_s;    /* the same epoch as Unix seconds */
    double ndot;            /* first derivative of mean motion / 2, rad/min^2 */
    double nddot;           /* second derivative / 6, rad/min^3 */
    double bstar;           /* drag term, 1/earth radii */
    int ephtype;            /* ephemeris type (0) */
    int elnum;              /* element set number */
    double inclo;           /* inclination, rad */
    double nodeo;           /* right ascension of ascending node, rad */
    double ecco;            /* eccentricity, 0..1 */
    double argpo;           /* argument of perigee, rad */
    double mo;              /* mean anomaly, rad */
    double no_kozai;        /* mean motion (Kozai), rad/min */
    long revnum;            /* revolution number at epoch */
} ln_elset;

/* Mean altitude of a set, km: semi-major axis from the Kozai mean motion
 * with SGP4's WGS-72 constants, minus 6378.135 km. NaN if no_kozai <= 0. */
double ln_elset_alt_km(const ln_elset *e);

/* Reader options (bit flags). */
enum {
    LN_TLE_NO_CHECKSUM = 1, /* accept bad line checksums (test suites) */
    LN_TLE_LENIENT = 2      /* accept Vallado's non-standard line 1 forms */
};

/* Parses one TLE from its two lines (each without line terminator; a
 * trailing CR or text past column 69 is ignored). name may be NULL.
 * Status: 0, LN_ETLE_FORMAT, LN_ETLE_CHECKSUM; diag gets line (1 or 2)
 * and column when not NULL. */
int ln_tle_parse_lines(const char *name, const char *l1, const char *l2,
                       int flags, ln_elset *out /* OUT */,
                       ln_diag *diag /* OUT, may be NULL */);

/* Parses a whole TLE text (2-line or 3-line sets, mixed, CRLF or LF, blank
 * lines and '#' comment lines skipped). file names the input for
 * diagnostics. On success *out is an ln_malloc'd array (ln_free it) of *n
 * sets. On the first error returns LN_ETLE_* / LN_EPARSE with diag naming
 * file, line and column; nothing is returned. */
int ln_tle_parse(const char *text, size_t len, const char *file, int flags,
                 ln_elset **out /* OUT */, size_t *n /* OUT */,
                 ln_diag *diag);

/* Reads a file with ln_tle_parse (refuses files over 1 GiB). */
int ln_tle_read_file(const char *path, int flags, ln_elset **out, size_t *n,
                     ln_diag *diag);

/* Writes a set as TLE lines (69 columns each, valid checksums) into l1 and
 * l2 (each at least 70 bytes). Alpha-5 is used for norad >= 100000. */
int ln_tle_format(const ln_elset *e, char *l1, char *l2);

/* CCSDS OMM as CelesTrak serves its GP data: JSON (an array of objects, or
 * one object) and CSV (header line with the field names). Fields:
 * OBJECT_NAME, OBJECT_ID, EPOCH, MEAN_MOTION, ECCENTRICITY, INCLINATION,
 * RA_OF_ASC_NODE, ARG_OF_PERICENTER, MEAN_ANOMALY, EPHEMERIS_TYPE,
 * CLASSIFICATION_TYPE, NORAD_CAT_ID, ELEMENT_SET_NO, REV_AT_EPOCH, BSTAR,
 * MEAN_MOTION_DOT, MEAN_MOTION_DDOT. The format is detected from the first
 * non-blank byte ('[' or '{' = JSON). Same ownership as ln_tle_parse. */
int ln_omm_parse(const char *text, size_t len, const char *file,
                 ln_elset **out /* OUT */, size_t *n /* OUT */,
                 ln_diag *diag);
int ln_omm_read_file(const char *path, ln_elset **out, size_t *n,
                     ln_diag *diag);

/* ---- SGP4 / SDP4 (scalar, the reference path) ------------------------ */

typedef struct ln_sgp4 ln_sgp4; /* opaque: initialised SGP4 state */

/* Initialises SGP4/SDP4 (WGS-72, opsmode 'i') for a set. Status: 0, or an
 * LN_EORBIT_* code when the elements are unusable (the state is still
 * returned, as Vallado's code does, and propagation will fail). */
int ln_sgp4_new(const ln_elset *e, ln_sgp4 **out /* OUT */);
void ln_sgp4_free(ln_sgp4 *s);

/* Position (km) and velocity (km/s) in TEME at tsince minutes from the
 * set's epoch. Status: 0 or LN_EORBIT_* (then r and v are NaN). Thread-safe
 * (the SDP4 resonance integrator restarts from epoch on every call, which
 * gives the same numbers as Vallado's cached integrator). */
int ln_sgp4_propagate(const ln_sgp4 *s, double tsince_min,
                      double r_km[3] /* OUT */, double v_km_s[3] /* OUT */);

/* 1 when the set uses the deep-space (SDP4) branch (period >= 225 min). */
int ln_sgp4_is_deep(const ln_sgp4 *s);

/* ---- batch propagation (the hot path) ------------------------------- */

/* Positions and velocities of n satellites, structure of arrays. The
 * caller owns the arrays (each of length n). err[i] is 0 or LN_EORBIT_*;
 * failed satellites get NaN. */
typedef struct ln_pv_soa {
    double *x, *y, *z;    /* km */
    double *vx, *vy, *vz; /* km/s */
    int *err;
} ln_pv_soa;

typedef struct ln_orbit ln_orbit; /* opaque: a constellation ready to go */

/* Builds a constellation from n sets (copied). Sets that fail to
 * initialise are kept and report their error at every time. */
int ln_orbit_new(const ln_elset *els, size_t n, ln_orbit **out /* OUT */);
void ln_orbit_free(ln_orbit *o);
size_t ln_orbit_count(const ln_orbit *o);
const ln_elset *ln_orbit_elset(const ln_orbit *o, size_t i);

/* Propagates every satellite to one UTC instant (TEME), threads across
 * satellites (nthreads <= 0: all cores). Returns the number of satellites
 * that failed (0 = all fine). */
long ln_orbit_propagate(const ln_orbit *o, double t_unix_s, ln_pv_soa *out,
                        int nthreads);
/* Same, at tsince minutes since each satellite's own epoch. */
long ln_orbit_propagate_tsince(const ln_orbit *o, double tsince_min,
                               ln_pv_soa *out, int nthreads);

/* Which kernel the batch path uses: "avx512", "avx2" or "scalar" (the
 * best the CPU has, at most the one ln_orbit_set_kernel asked for). */
const char *ln_orbit_kernel(void);
/* ln_orbit_set_kernel
 * Given:    name  "scalar", "avx2" or "avx512": the highest SIMD kernel
 *                 that ln_orbit_new may choose from now on (a higher one
 *                 than the CPU has is ignored); NULL or any other name:
 *                 the best the CPU has (the default)
 * Notes:    process-wide and not thread-safe: set it before making orbits
 *           (the command line passes $LN_SIMD). Orbits already made keep
 *           their kernel. */
void ln_orbit_set_kernel(const char *name);

/* ---- frames and time ------------------------------------------------- */

/* Greenwich mean sidereal time, IAU-82 (as SGP4 users expect), in rad
 * 0..2pi, for a UT1 Julian date jd1 + jd2 (UTC is used for UT1). */
double ln_gmst82(double jd1, double jd2);

/* TEME -> ECEF by rotation about z by GMST(t), with the Earth-rotation
 * term on the velocity; polar motion ignored. v may be NULL. */
void ln_teme_to_ecef(double t_unix_s, const double r_teme[3],
                     const double v_teme[3], double r_ecef[3] /* OUT */,
                     double v_ecef[3] /* OUT, may be NULL when v_teme is */);
/* The same for SoA arrays in place (n satellites, one instant). */
void ln_teme_to_ecef_soa(double t_unix_s, ln_pv_soa *pv, size_t n);

/* ---- one time step of a constellation ------------------------------- */

/* The instant of a step. TEME -> ECEF is at t_unix_s; SGP4 is too, unless
 * use_tsince: then every set is at tsince_min minutes after its own epoch
 * (Hypatia's clock: sets of one common epoch, steps counted from it, as
 * satgenpy does; the frame then at epoch + step). */
typedef struct ln_orbit_at {
    double t_unix_s;   /* UTC of the step, Unix seconds */
    int use_tsince;    /* 0: SGP4 at t_unix_s; 1: at tsince_min */
    double tsince_min; /* minutes since each set's epoch (use_tsince) */
} ln_orbit_at;

/* ln_orbit_step - the one stepping loop of the library (leonet run, route,
 * Hypatia's dynamic state): every satellite at one instant, in ECEF.
 * Given:    o           constellation (n = ln_orbit_count(o))
 *           at          the instant (above)
 *           in_service  n flags, or NULL (all in service)
 *           nthreads    SGP4 threads (<= 0: all cores)
 * Returned: pv          n positions (km) and velocities (km/s), ECEF
 *                       (ln_teme_to_ecef_soa), err per satellite (0 or
 *                       LN_EORBIT_*; NaN position for failed ones); err
 *                       must not be NULL
 *           usable      n flags, may be NULL: in service and propagated
 *                       (err == 0)
 * Status:   as ln_orbit_propagate: the number of failed satellites.
 * Notes:    allocates nothing; results do not depend on nthreads. */
long ln_orbit_step(const ln_orbit *o, const ln_orbit_at *at,
                   const unsigned char *in_service, ln_pv_soa *pv /* OUT */,
                   unsigned char *usable /* OUT */, int nthreads);

/* ---- Walker-delta shells --------------------------------------------- */

typedef struct ln_shell {
    double alt_km;   /* altitude above WGS-72 equatorial radius */
    double incl_rad; /* inclination */
    int planes;      /* P */
    int per_plane;   /* satellites per plane, S */
    int phasing;     /* Walker phasing factor F, 0..P-1 */
    double raan0_rad; /* RAAN of plane 0 */
} ln_shell;

/* The built-in Gen1 preset (5 shells, 4408 satellites). Returns count. */
size_t ln_shells_gen1(const ln_shell **shells /* OUT */);

/* Element sets for Walker-delta shells: circular orbits, epoch t_unix_s,
 * norad numbers from first_norad on, names "SHELL<k>-P<p>-S<s>". Mean
 * motion from the altitude with SGP4's own constants (no drag). */
int ln_shells_to_elsets(const ln_shell *shells, size_t nshells,
                        double epoch_unix_s, uint32_t first_norad,
                        ln_elset **out /* OUT */, size_t *n /* OUT */);

/* ln_elset_service - the in-service rule (src/orbit/insvc.c,
 * docs/scenario.md "Satellites in service").
 *
 * Given:    e        an element set
 *           shells   the shell table (altitude, inclination), or NULL for
 *                    the Gen1 table of ln_shells_gen1 (SpaceX's filings)
 *           nshells  its length (ignored when shells is NULL)
 * Returned: LN_SVC_IN (1) when the set is a Starlink satellite (name starts
 *           "STARLINK" or "SHELL", or no name) on a near-circular orbit
 *           (ecc < 0.01) within LN_SVC_INCL_TOL_DEG of a shell's
 *           inclination and with a mean altitude from LN_SVC_BELOW_KM
 *           under to LN_SVC_ABOVE_KM over that shell's; otherwise the
 *           reason it is out (an LN_SVC_* below 1).
 * Notes:    pure, allocates nothing. Tolerances chosen from the altitude
 *           histogram of data/tle/starlink_2022-10-09.tle. */
enum {
    LN_SVC_IN = 1,            /* in service */
    LN_SVC_NOT_SATELLITE = 0, /* debris, rocket body, another operator */
    LN_SVC_OFF_SHELL = -1,    /* no shell of this inclination, or eccentric */
    LN_SVC_BELOW = -2,        /* under the band: raising or deorbiting */
    LN_SVC_ABOVE = -3         /* over the band */
};
#define LN_SVC_BELOW_KM 5.0       /* band: shell altitude - 5 km .. */
#define LN_SVC_ABOVE_KM 10.0      /* .. + 10 km */
#define LN_SVC_INCL_TOL_DEG 0.1   /* |inclination - shell's| */
int ln_elset_service(const ln_elset *e, const ln_shell *shells,
                     size_t nshells);
/* "in service", "not a satellite", "off shell", "below band",
 * "above band" (static strings). */
const char *ln_svc_name(int cls);


#ifdef __cplusplus
}
#endif
#endif
