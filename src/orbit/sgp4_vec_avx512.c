/*
 * sgp4_vec_avx512.c - the AVX-512 batch kernel: near-earth SGP4 on eight
 * satellites at once (sgp4_vec_impl.h holds the body), masks in k
 * registers. CMake compiles files named *_avx512.c with -mavx512f
 * -mavx512dq -mavx512vl; batch.c calls this kernel only when
 * __builtin_cpu_supports says the CPU has AVX-512 F, DQ and VL.
 *
 * Exports: ln__batch_kernel_avx512 (batch_int.h).
 */
#include <math.h>

#include <immintrin.h>

#include "orbit/batch_int.h"

#if defined(__AVX512F__) && defined(__AVX512DQ__)

typedef __m512d vd;
typedef __mmask8 vm;
typedef __m512i vi;
#define VW 8

#define VSET(x) _mm512_set1_pd(x)
#define VLD(p) _mm512_load_pd(p)
#define VST(p, v) _mm512_store_pd((p), (v))
#define VSTU(p, v) _mm512_storeu_pd((p), (v))
#define VFMA(a, b, c) _mm512_fmadd_pd((a), (b), (c))
#define VSQRT(a) _mm512_sqrt_pd(a)
#define VABS(a) _mm512_abs_pd(a)
#define VFLOOR(a)                                                           \
    _mm512_roundscale_pd((a), _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define VXOR(a, b) _mm512_xor_pd((a), (b))
#define VCOPYSIGN(mag, sgn)                                                 \
    _mm512_or_pd(_mm512_andnot_pd(_mm512_set1_pd(-0.0), (mag)),             \
                 _mm512_and_pd(_mm512_set1_pd(-0.0), (sgn)))
#define VLT(a, b) _mm512_cmp_pd_mask((a), (b), _CMP_LT_OQ)
#define VLE(a, b) _mm512_cmp_pd_mask((a), (b), _CMP_LE_OQ)
#define VGE(a, b) _mm512_cmp_pd_mask((a), (b), _CMP_GE_OQ)
#define VGT(a, b) _mm512_cmp_pd_mask((a), (b), _CMP_GT_OQ)
#define VEQ(a, b) _mm512_cmp_pd_mask((a), (b), _CMP_EQ_OQ)
#define MAND(a, b) ((__mmask8)((a) & (b)))
#define MOR(a, b) ((__mmask8)((a) | (b)))
#define MANDNOT(a, b) ((__mmask8)((a) & ~(b)))
#define MANY(m) ((m) != 0)
#define MCOUNT(m) __builtin_popcount((unsigned)(m))
#define VSTERR(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), \
                                         _mm512_cvtpd_epi32(v))
#define MTRUE ((__mmask8)0xff)
#define VSEL(m, a, b) _mm512_mask_blend_pd((m), (b), (a))
#define VBITS(v) _mm512_castpd_si512(v)
#define VQSWAP(qi) _mm512_test_epi64_mask((qi), _mm512_set1_epi64(1))
#define VQSIGN(qi)                                                          \
    _mm512_castsi512_pd(                                                    \
        _mm512_slli_epi64(_mm512_srli_epi64((qi), 1), 63))
#define VQINC(qi) _mm512_add_epi64((qi), _mm512_set1_epi64(1))
#define KERNEL_NAME ln__batch_kernel_avx512

#include "orbit/sgp4_vec_impl.h"

const int ln__batch_avx512_built = 1;

#else

const int ln__batch_avx512_built = 0;

/* Built without the AVX-512 flags: falls back to the portable kernel. */
long ln__batch_kernel_avx512(const struct ln__batch_soa *s, size_t j0,
                             size_t cnt, const struct ln__batch_time *tm,
                             const struct ln__batch_out *o)
{
    return ln__batch_kernel_scalar(s, j0, cnt, tm, o);
}

#endif
