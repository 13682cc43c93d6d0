/*
 * batch.c - batch propagation of a whole constellation: the hot path.
 *
 * Exports: ln_orbit_new, ln_orbit_free, ln_orbit_count, ln_orbit_elset,
 * ln_orbit_propagate, ln_orbit_propagate_tsince, ln_orbit_kernel
 * (orbit.h).
 *
 * ln_orbit_new initialises SGP4 for every set (ln__orbit_sgp4_init, into
 * one array of struct ln_sgp4) and repacks the near-earth satellites
 * structure of arrays (batch_int.h). At propagation, OpenMP threads take
 * blocks of LN__BATCH_BLOCK packed satellites and run the SIMD kernel on
 * them (AVX-512: 8 lanes, AVX2+FMA: 4, else the portable C loop); deep-
 * space satellites go through the scalar ln__orbit_sgp4_run, in groups.
 * Sets whose initialisation failed report that error at every time.
 *
 * Kernel choice: the best the CPU has (__builtin_cpu_supports), unless
 * the environment variable LN_SIMD=scalar|avx2|avx512 asks for a lower
 * one; it is made once per ln_orbit, by ln_orbit_new.
 *
 * Determinism: a satellite's result depends only on its elements, the
 * time and the kernel, so it is bit-identical whatever the number of
 * threads. The kernels agree with the scalar reference to ~1e-12 km
 * (tests/orbit/test_batch.c checks 2e-7 km and 2e-7 km/s).
 *
 * Time: tsince = (t_unix_s - ep_day_s) / 60 - epoch_jd2 * 1440, with
 * ep_day_s = (epoch_jd1 - 2440587.5) * 86400 a whole number of days in s:
 * the difference with t_unix_s is exact, so tsince carries the precision
 * of t_unix_s and of the two-part epoch (not of epoch_unix_s, whose
 * rounding is ~1e-7 s, 1e-6 km at 7.5 km/s).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "orbit/batch_int.h"

struct ln_orbit {
    size_t n;                  /* satellites */
    ln_elset *els;             /* n element sets (copies) */
    struct ln_sgp4 *sat;       /* n SGP4 states */
    int *init_err;             /* n: 0 or the LN_EORBIT_* of init */
    size_t *near_idx;          /* soa.n: packed lane -> satellite */
    int near_identity;         /* near_idx[j] == j for every j */
    size_t nscal;              /* satellites on the scalar path */
    size_t *scal_idx;          /* nscal satellite indices */
    struct ln__batch_soa soa;  /* packed near-earth coefficients */
    void *soa_mem;             /* the block behind soa's arrays */
    ln__batch_kernel *kern;    /* chosen at ln_orbit_new */
};

#define NFIELDS_COUNT(f) +1
enum { NFIELDS = 0 LN__BATCH_FIELDS(NFIELDS_COUNT) };
#undef NFIELDS_COUNT

#define SCAL_GROUP 8 /* scalar-path satellites per OpenMP task */

/* ---- kernel choice ---------------------------------------------------- */

enum { K_SCALAR, K_AVX2, K_AVX512 };

static int cpu_best(void)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __builtin_cpu_init();
    if (ln__batch_avx512_built && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl"))
        return K_AVX512;
    if (ln__batch_avx2_built && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("fma"))
        return K_AVX2;
#endif
    return K_SCALAR;
}

/* The ceiling set by ln_orbit_set_kernel: K_AVX512 = none. Process-wide,
 * set once by the command line before any orbit is made. */
static int kernel_cap = K_AVX512;

void ln_orbit_set_kernel(const char *name)
{
    kernel_cap = K_AVX512;
    if (name == NULL)
        return;
    if (strcmp(name, "scalar") == 0)
        kernel_cap = K_SCALAR;
    else if (strcmp(name, "avx2") == 0)
        kernel_cap = K_AVX2;
}

/* The best kernel the CPU has, at most the ceiling. */
static int kernel_id(void)
{
    int best = cpu_best();
    return best < kernel_cap ? best : kernel_cap;
}

/*
 * ln_orbit_kernel - the kernel ln_orbit_new would choose now.
 *
 * Returned: "avx512", "avx2" or "scalar" (static strings).
 * Notes:    The best the CPU has, unless ln_orbit_set_kernel asked for a
 *           lower one (a higher one than the CPU has is ignored).
 *           An ln_orbit keeps the kernel chosen when it was made.
 */
const char *ln_orbit_kernel(void)
{
    static const char *const names[] = {"scalar", "avx2", "avx512"};
    return names[kernel_id()];
}

/* ---- construction ----------------------------------------------------- */

void ln_orbit_free(ln_orbit *o)
{
    if (o == NULL)
        return;
    ln_free(o->els);
    ln_free(o->sat);
    ln_free(o->init_err);
    ln_free(o->near_idx);
    ln_free(o->scal_idx);
    ln_free(o->soa_mem);
    ln_free(o);
}

/* Allocates soa's arrays for n satellites, 64-byte aligned, and copies
 * satellite near_idx[j] into lane j (the padding repeats the last). */
static int pack(ln_orbit *o, size_t n)
{
    struct ln__batch_soa *s = &o->soa;
    size_t npad = (n + LN__BATCH_PAD - 1) / LN__BATCH_PAD * LN__BATCH_PAD;
    double *p;

    s->n = n;
    s->npad = npad;
    if (n == 0)
        return 0;
    o->soa_mem = ln_malloc((size_t)NFIELDS * npad * sizeof(double) + 64);
    if (o->soa_mem == NULL)
        return LN_ENOMEM;
    p = (double *)(((uintptr_t)o->soa_mem + 63) & ~(uintptr_t)63);
#define LN__BATCH_PLACE(f) s->f = p; p += npad;
    LN__BATCH_FIELDS(LN__BATCH_PLACE)
#undef LN__BATCH_PLACE

    for (size_t j = 0; j < npad; j++) {
        size_t i = o->near_idx[j < n ? j : n - 1];
        const struct ln_sgp4 *g = &o->sat[i];
        const ln_elset *e = &o->els[i];

        s->mo[j] = g->mo;
        s->mdot[j] = g->mdot;
        s->argpo[j] = g->argpo;
        s->argpdot[j] = g->argpdot;
        s->nodeo[j] = g->nodeo;
        s->nodedot[j] = g->nodedot;
        s->nodecf[j] = g->nodecf;
        s->cc1[j] = g->cc1;
        s->bcc4[j] = g->bstar * g->cc4;
        s->bcc5[j] = g->bstar * g->cc5;
        s->t2cof[j] = g->t2cof;
        s->omgcof[j] = g->omgcof;
        s->eta[j] = g->eta;
        s->xmcof[j] = g->xmcof;
        s->delmo[j] = g->delmo;
        s->d2[j] = g->d2;
        s->d3[j] = g->d3;
        s->d4[j] = g->d4;
        s->sinmao[j] = g->sinmao;
        s->t3cof[j] = g->t3cof;
        s->t4cof[j] = g->t4cof;
        s->t5cof[j] = g->t5cof;
        s->no_unkozai[j] = g->no_unkozai;
        /* the same pow as sgp4.c's, so am is bit-identical */
        s->am0[j] = pow(g->xke / g->no_unkozai, 2.0 / 3.0);
        s->ecco[j] = g->ecco;
        s->aycof[j] = g->aycof;
        s->xlcof[j] = g->xlcof;
        s->con41[j] = g->con41;
        s->x1mth2[j] = g->x1mth2;
        s->x7thm1[j] = g->x7thm1;
        s->inclo[j] = g->inclo;
        s->sinim[j] = sin(g->inclo);
        s->cosim[j] = cos(g->inclo);
        s->simp[j] = g->isimp == 1 ? 1.0 : 0.0;
        s->ep_day_s[j] = (e->epoch_jd1 - LN_JD_UNIX) * LN_SEC_PER_DAY;
        s->ep_frac_min[j] = e->epoch_jd2 * 1440.0;
    }
    return 0;
}

/* 1 when satellite g can take the packed near-earth path: initialised,
 * method 'n', and the gravity constants of the packed set (ref). */
static int packable(const struct ln_sgp4 *g, int rc,
                    const struct ln_sgp4 *ref)
{
    if (rc != 0 || g->method != LN__SGP4_NEAR || g->isimp < 0 ||
        g->isimp > 1)
        return 0;
    return ref == NULL ||
           (g->xke == ref->xke && g->j2 == ref->j2 &&
            g->radiusearthkm == ref->radiusearthkm);
}

/*
 * ln_orbit_new - a constellation ready for batch propagation.
 *
 * Given:    els  n element sets (copied; may be NULL when n is 0)
 * Returned: *out the constellation (ln_orbit_free it); NULL on error
 * Status:   0, LN_EINVAL (out NULL, or els NULL with n > 0), LN_ENOMEM.
 * Notes:    Sets that fail to initialise (LN_EORBIT_*) are kept and
 *           report that error, with NaN, at every time. Chooses the kernel
 *           (ln_orbit_kernel) once, here.
 */
int ln_orbit_new(const ln_elset *els, size_t n, ln_orbit **out)
{
    ln_orbit *o;
    const struct ln_sgp4 *ref = NULL;
    size_t nnear = 0, cap = n > 0 ? n : 1;
    int rc;

    if (out == NULL)
        return LN_EINVAL;
    *out = NULL;
    if (els == NULL && n > 0)
        return LN_EINVAL;
    o = ln_calloc(1, sizeof *o);
    if (o == NULL)
        return LN_ENOMEM;
    o->n = n;
    o->els = ln_malloc(cap * sizeof *o->els);
    o->sat = ln_malloc(cap * sizeof *o->sat);
    o->init_err = ln_malloc(cap * sizeof *o->init_err);
    o->near_idx = ln_malloc(cap * sizeof *o->near_idx);
    o->scal_idx = ln_malloc(cap * sizeof *o->scal_idx);
    if (!o->els || !o->sat || !o->init_err || !o->near_idx ||
        !o->scal_idx) {
        ln_orbit_free(o);
        return LN_ENOMEM;
    }
    if (n > 0)
        memcpy(o->els, els, n * sizeof *els);

    o->near_identity = 1;
    for (size_t i = 0; i < n; i++) {
        rc = ln__orbit_sgp4_init(&o->sat[i], &o->els[i]);
        o->init_err[i] = rc < 0 ? rc : 0;
        if (packable(&o->sat[i], o->init_err[i], ref)) {
            if (ref == NULL)
                ref = &o->sat[i];
            if (i != nnear)
                o->near_identity = 0;
            o->near_idx[nnear++] = i;
        } else {
            o->scal_idx[o->nscal++] = i;
        }
    }
    if (ref != NULL) {
        o->soa.xke = ref->xke;
        o->soa.j2 = ref->j2;
        o->soa.radiusearthkm = ref->radiusearthkm;
        o->soa.vkmpersec = ref->radiusearthkm * ref->xke / 60.0;
    }
    rc = pack(o, nnear);
    if (rc != 0) {
        ln_orbit_free(o);
        return rc;
    }
    switch (kernel_id()) {
    case K_AVX512:
        o->kern = ln__batch_kernel_avx512;
        break;
    case K_AVX2:
        o->kern = ln__batch_kernel_avx2;
        break;
    default:
        o->kern = ln__batch_kernel_scalar;
        break;
    }
    *out = o;
    return 0;
}

size_t ln_orbit_count(const ln_orbit *o)
{
    return o != NULL ? o->n : 0;
}

const ln_elset *ln_orbit_elset(const ln_orbit *o, size_t i)
{
    return o != NULL && i < o->n ? &o->els[i] : NULL;
}

/* ---- propagation ------------------------------------------------------ */

/* Packed block b into out; returns the number of failed satellites.
 * When the lanes map one to one onto out and the block has no padding,
 * the kernel writes into out directly; else into a local block that is
 * copied (or scattered) out. */
static long run_block(const ln_orbit *o, size_t b,
                      const struct ln__batch_time *tm, const ln_pv_soa *out)
{
    _Alignas(64) double buf[6][LN__BATCH_BLOCK];
    int ebuf[LN__BATCH_BLOCK];
    const struct ln__batch_out bo = {buf[0], buf[1], buf[2], buf[3],
                                     buf[4], buf[5], ebuf};
    size_t j0 = b * LN__BATCH_BLOCK;
    size_t cnt = o->soa.npad - j0;
    size_t real;
    long nfail = 0;

    if (cnt > LN__BATCH_BLOCK)
        cnt = LN__BATCH_BLOCK;
    real = o->soa.n - j0 < cnt ? o->soa.n - j0 : cnt;
    if (o->near_identity && real == cnt && out->vx != NULL &&
        out->err != NULL) {
        const struct ln__batch_out direct = {
            out->x + j0,  out->y + j0,  out->z + j0, out->vx + j0,
            out->vy + j0, out->vz + j0, out->err + j0};

        return o->kern(&o->soa, j0, cnt, tm, &direct);
    }
    o->kern(&o->soa, j0, cnt, tm, &bo);
    for (size_t k = 0; k < real; k++) {
        size_t i = o->near_idx[j0 + k];

        out->x[i] = buf[0][k];
        out->y[i] = buf[1][k];
        out->z[i] = buf[2][k];
        if (out->vx != NULL) {
            out->vx[i] = buf[3][k];
            out->vy[i] = buf[4][k];
            out->vz[i] = buf[5][k];
        }
        if (out->err != NULL)
            out->err[i] = ebuf[k];
        nfail += ebuf[k] != 0;
    }
    return nfail;
}

/* Satellite i on the scalar path; returns 1 when it failed. */
static int run_scalar(const ln_orbit *o, size_t i,
                      const struct ln__batch_time *tm, const ln_pv_soa *out)
{
    const ln_elset *e = &o->els[i];
    double r[3], v[3], t = tm->tsince_min;
    int rc = o->init_err[i];

    if (tm->by_unix)
        t = (tm->t_unix_s - (e->epoch_jd1 - LN_JD_UNIX) * LN_SEC_PER_DAY) /
                60.0 -
            e->epoch_jd2 * 1440.0;
    if (rc == 0) {
        rc = ln__orbit_sgp4_run(&o->sat[i], t, r, v);
    } else {
        r[0] = r[1] = r[2] = NAN;
        v[0] = v[1] = v[2] = NAN;
    }
    out->x[i] = r[0];
    out->y[i] = r[1];
    out->z[i] = r[2];
    if (out->vx != NULL) {
        out->vx[i] = v[0];
        out->vy[i] = v[1];
        out->vz[i] = v[2];
    }
    if (out->err != NULL)
        out->err[i] = rc;
    return rc != 0;
}

static long run(const ln_orbit *o, const struct ln__batch_time *tm,
                ln_pv_soa *out, int nthreads)
{
    size_t nblocks, ngroups;
    long ntasks, nfail = 0;
    int nt;
    double t = tm->by_unix ? tm->t_unix_s : tm->tsince_min;

    if (o == NULL || out == NULL || !isfinite(t) || out->x == NULL ||
        out->y == NULL || out->z == NULL ||
        (out->vx == NULL) != (out->vy == NULL) ||
        (out->vx == NULL) != (out->vz == NULL))
        return LN_EINVAL;
    nblocks = (o->soa.npad + LN__BATCH_BLOCK - 1) / LN__BATCH_BLOCK;
    ngroups = (o->nscal + SCAL_GROUP - 1) / SCAL_GROUP;
    ntasks = (long)(nblocks + ngroups);
    nt = nthreads > 0 ? nthreads : ln_ncpu();
    if (nt > ntasks)
        nt = ntasks > 0 ? (int)ntasks : 1;

#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) \
    reduction(+ : nfail) if (nt > 1)
    for (long b = 0; b < ntasks; b++) {
        if ((size_t)b < nblocks) {
            nfail += run_block(o, (size_t)b, tm, out);
        } else {
            size_t g0 = ((size_t)b - nblocks) * SCAL_GROUP;
            size_t g1 = g0 + SCAL_GROUP < o->nscal ? g0 + SCAL_GROUP
                                                   : o->nscal;

            for (size_t g = g0; g < g1; g++)
                nfail += run_scalar(o, o->scal_idx[g], tm, out);
        }
    }
    return nfail;
}

/*
 * ln_orbit_propagate - every satellite at one UTC instant.
 *
 * Given:    o          constellation
 *           t_unix_s   time, Unix seconds (UTC)
 *           nthreads   worker threads (<= 0: all cores)
 * Returned: out        n positions (km) and velocities (km/s), TEME, and
 *                      err (0 or LN_EORBIT_*; NaN for failed ones).
 *                      vx, vy, vz may all be NULL, err may be NULL.
 * Status:   the number of failed satellites (>= 0), or LN_EINVAL (NULL
 *           o, out or x/y/z, only some of vx/vy/vz, t not finite).
 * Notes:    tsince per satellite from the two-part epoch (file header).
 *           Allocates nothing; results do not depend on nthreads.
 */
long ln_orbit_propagate(const ln_orbit *o, double t_unix_s, ln_pv_soa *out,
                        int nthreads)
{
    const struct ln__batch_time tm = {.by_unix = 1, .t_unix_s = t_unix_s};
    return run(o, &tm, out, nthreads);
}

/* The same at tsince_min minutes from each satellite's own epoch. */
long ln_orbit_propagate_tsince(const ln_orbit *o, double tsince_min,
                               ln_pv_soa *out, int nthreads)
{
    const struct ln__batch_time tm = {.by_unix = 0,
                                     .tsince_min = tsince_min};
    return run(o, &tm, out, nthreads);
}
