/*
 * batch_int.h - private header of the batch propagator (batch.c and the
 * SGP4 kernels sgp4_vec_scalar.c, sgp4_vec_avx2.c, sgp4_vec_avx512.c).
 *
 * The near-earth satellites of a constellation are repacked structure of
 * arrays: one 64-byte aligned array per coefficient of struct ln_sgp4
 * that the near-earth sgp4() reads, padded to LN__BATCH_PAD lanes (the
 * padding lanes repeat the last satellite, so they take the same path and
 * their results are dropped). A kernel propagates lanes [j0, j0 + cnt) of
 * the arrays, cnt a multiple of LN__BATCH_PAD, into contiguous output
 * arrays: the caller's own when the lanes map one to one onto them, else
 * a block that batch.c copies out.
 *
 * Lanes are independent: a satellite's result depends only on its own
 * coefficients, the time and the kernel, never on its neighbours, the
 * block size or the thread that ran it.
 */
#ifndef LEONET_BATCH_INT_H
#define LEONET_BATCH_INT_H

#include <stddef.h>

#include "orbit/orbit_int.h"

#define LN__BATCH_PAD 8     /* lanes of the widest kernel (AVX-512) */
#define LN__BATCH_BLOCK 64  /* satellites per output block, PAD multiple */

/* X-macro of the per-satellite coefficients, in struct order. Names are
 * Vallado's where the value is his; derived ones say what they hold. */
#define LN__BATCH_FIELDS(X)                                                \
    X(mo)         /* mean anomaly at epoch, rad */                         \
    X(mdot)       /* rad/min */                                            \
    X(argpo)      /* rad */                                                \
    X(argpdot)    /* rad/min */                                            \
    X(nodeo)      /* rad */                                                \
    X(nodedot)    /* rad/min */                                            \
    X(nodecf)                                                              \
    X(cc1)                                                                 \
    X(bcc4)       /* bstar * cc4 (Vallado multiplies left to right) */     \
    X(bcc5)       /* bstar * cc5 */                                        \
    X(t2cof)                                                               \
    X(omgcof)                                                              \
    X(eta)                                                                 \
    X(xmcof)                                                               \
    X(delmo)                                                               \
    X(d2)                                                                  \
    X(d3)                                                                  \
    X(d4)                                                                  \
    X(sinmao)                                                              \
    X(t3cof)                                                               \
    X(t4cof)                                                               \
    X(t5cof)                                                               \
    X(no_unkozai) /* rad/min */                                            \
    X(am0)        /* pow(xke / no_unkozai, 2/3), er */                     \
    X(ecco)                                                                \
    X(aycof)                                                               \
    X(xlcof)                                                               \
    X(con41)                                                               \
    X(x1mth2)                                                              \
    X(x7thm1)                                                              \
    X(inclo)      /* rad */                                                \
    X(sinim)      /* sin(inclo) */                                         \
    X(cosim)      /* cos(inclo) */                                         \
    X(simp)       /* 1.0: isimp (perigee < 220 km), else 0.0 */            \
    X(ep_day_s)   /* (epoch_jd1 - JD of 1970) * 86400, s */                \
    X(ep_frac_min) /* epoch_jd2 * 1440, min */

/* The packed near-earth satellites. */
struct ln__batch_soa {
    size_t n;    /* satellites */
    size_t npad; /* n rounded up to LN__BATCH_PAD (0 when n is 0) */
#define LN__BATCH_DECL(f) double *f;
    LN__BATCH_FIELDS(LN__BATCH_DECL)
#undef LN__BATCH_DECL
    /* gravity constants (WGS-72), the same for every satellite */
    double xke;           /* er^1.5/min */
    double j2;
    double radiusearthkm; /* km */
    double vkmpersec;     /* radiusearthkm * xke / 60, km/s */
};

/* When to propagate: by_unix 0: every lane at tsince_min; 1: at the
 * Unix time t_unix_s, tsince = (t_unix_s - ep_day_s) / 60 - ep_frac_min. */
struct ln__batch_time {
    int by_unix;
    union {
        double tsince_min; /* by_unix 0: minutes since each lane's epoch */
        double t_unix_s;   /* by_unix 1: Unix seconds */
    };
};

/* Output: cnt values each (no alignment needed). err gets 0 or the
 * LN_EORBIT_* code; failed lanes have NaN positions and velocities. */
struct ln__batch_out {
    double *x, *y, *z, *vx, *vy, *vz;
    int *err;
};

/* Returns the number of failed lanes among the cnt. */
typedef long ln__batch_kernel(const struct ln__batch_soa *s, size_t j0,
                              size_t cnt, const struct ln__batch_time *tm,
                              const struct ln__batch_out *o);

/* The kernels. The AVX ones may be called only when the CPU has the ISA
 * (batch.c checks with __builtin_cpu_supports). */
ln__batch_kernel ln__batch_kernel_scalar;
ln__batch_kernel ln__batch_kernel_avx2;
ln__batch_kernel ln__batch_kernel_avx512;
/* 1 when the file was compiled for its ISA (else its kernel is a stub
 * calling the portable one, and batch.c never selects it) */
extern const int ln__batch_avx2_built;
extern const int ln__batch_avx512_built;

#endif
