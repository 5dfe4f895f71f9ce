#ifndef LLMPP_CKERNELS_H
#define LLMPP_CKERNELS_H

/// Adam's element-wise update of n float parameters p from their gradients g, with the first
/// and second moments m and v:
///   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g g;  p -= lr (m c1) / (sqrt(v c2) + eps)
/// (c1, c2: the bias corrections as multipliers). The arrays must not overlap.
void llmpp_adam_update_f32(float *p, const float *g, float *m, float *v, long n, float b1, float b2,
                           float c1, float c2, float lr, float eps);

#endif
