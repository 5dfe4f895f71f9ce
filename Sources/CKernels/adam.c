// In C because Swift's SIMD square root runs lane by lane (a scalar sqrtss and a libm call
// per lane); clang's vector extensions give packed sqrtps and divps on baseline x86-64.
// Lane by lane these are the operations of MLPTrainer's scalar loop in the same order, with
// no fused multiply-adds, so the results are that loop's to the bit.
#include "ckernels.h"

#pragma clang fp contract(off)

typedef float lanes __attribute__((ext_vector_type(8)));

void llmpp_adam_update_f32(float *p, const float *g, float *m, float *v, long n, float b1, float b2,
                           float c1, float c2, float lr, float eps) {
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    lanes gi, mi, vi, pi;
    __builtin_memcpy(&gi, g + i, sizeof gi);
    __builtin_memcpy(&mi, m + i, sizeof mi);
    __builtin_memcpy(&vi, v + i, sizeof vi);
    __builtin_memcpy(&pi, p + i, sizeof pi);
    mi = b1 * mi + (1 - b1) * gi;
    vi = b2 * vi + (1 - b2) * gi * gi;
    pi -= lr * (mi * c1) / (__builtin_elementwise_sqrt(vi * c2) + eps);
    __builtin_memcpy(m + i, &mi, sizeof mi);
    __builtin_memcpy(v + i, &vi, sizeof vi);
    __builtin_memcpy(p + i, &pi, sizeof pi);
  }
  for (; i < n; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    p[i] -= lr * (m[i] * c1) / (__builtin_sqrtf(v[i] * c2) + eps);
  }
}
