/*
 * sgp4_vec_avx2.c - the AVX2 + FMA batch kernel: near-earth SGP4 on four
 * satellites at once (sgp4_vec_impl.h holds the body). CMake compiles
 * files named *_avx2.c with -mavx2 -mfma; batch.c calls this kernel only
 * when __builtin_cpu_supports("avx2") and ("fma").
 *
 * Exports: ln__batch_kernel_avx2 (batch_int.h).
 */
#include <math.h>

#include <immintrin.h>

#include "orbit/batch_int.h"

#if defined(__AVX2__) && defined(__FMA__)

typedef __m256d vd;
typedef __m256d vm; /* lanes all-ones / all-zeros (blendv reads bit 63) */
typedef __m256i vi;
#define VW 4

#define VSET(x) _mm256_set1_pd(x)
#define VLD(p) _mm256_load_pd(p)
#define VST(p, v) _mm256_store_pd((p), (v))
#define VSTU(p, v) _mm256_storeu_pd((p), (v))
#define VFMA(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define VSQRT(a) _mm256_sqrt_pd(a)
#define VABS(a) _mm256_andnot_pd(_mm256_set1_pd(-0.0), (a))
#define VFLOOR(a) _mm256_floor_pd(a)
#define VXOR(a, b) _mm256_xor_pd((a), (b))
#define VCOPYSIGN(mag, sgn)                                                 \
    _mm256_or_pd(_mm256_andnot_pd(_mm256_set1_pd(-0.0), (mag)),             \
                 _mm256_and_pd(_mm256_set1_pd(-0.0), (sgn)))
#define VLT(a, b) _mm256_cmp_pd((a), (b), _CMP_LT_OQ)
#define VLE(a, b) _mm256_cmp_pd((a), (b), _CMP_LE_OQ)
#define VGE(a, b) _mm256_cmp_pd((a), (b), _CMP_GE_OQ)
#define VGT(a, b) _mm256_cmp_pd((a), (b), _CMP_GT_OQ)
#define VEQ(a, b) _mm256_cmp_pd((a), (b), _CMP_EQ_OQ)
#define MAND(a, b) _mm256_and_pd((a), (b))
#define MOR(a, b) _mm256_or_pd((a), (b))
#define MANDNOT(a, b) _mm256_andnot_pd((b), (a))
#define MANY(m) (_mm256_movemask_pd(m) != 0)
#define MCOUNT(m) __builtin_popcount((unsigned)_mm256_movemask_pd(m))
#define VSTERR(p, v) _mm_storeu_si128((__m128i *)(void *)(p), \
                                      _mm256_cvtpd_epi32(v))
#define MTRUE _mm256_castsi256_pd(_mm256_set1_epi64x(-1))
#define VSEL(m, a, b) _mm256_blendv_pd((b), (a), (m))
#define VBITS(v) _mm256_castpd_si256(v)
#define VQSWAP(qi) _mm256_castsi256_pd(_mm256_slli_epi64((qi), 63))
#define VQSIGN(qi)                                                          \
    _mm256_castsi256_pd(                                                    \
        _mm256_slli_epi64(_mm256_srli_epi64((qi), 1), 63))
#define VQINC(qi) _mm256_add_epi64((qi), _mm256_set1_epi64x(1))
#define KERNEL_NAME ln__batch_kernel_avx2

#include "orbit/sgp4_vec_impl.h"

const int ln__batch_avx2_built = 1;

#else

const int ln__batch_avx2_built = 0;

/* Built without -mavx2 -mfma (another build system): never selected,
 * since batch.c asks the CPU and this stub cannot be reached when the
 * compiler could not target AVX2; falls back to the portable kernel. */
long ln__batch_kernel_avx2(const struct ln__batch_soa *s, size_t j0,
                           size_t cnt, const struct ln__batch_time *tm,
                           const struct ln__batch_out *o)
{
    return ln__batch_kernel_scalar(s, j0, cnt, tm, o);
}

#endif
