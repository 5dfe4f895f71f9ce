#!/usr/bin/env python3
"""Reference for `llmpp bench`: the LLM-Distill-PP student (10 -> 400 x4 -> 1, ReLU, Adam,
MSE, batch 128) trained in NumPy on the CPU, float32, on the same synthetic task llmpp
uses. Prints one JSON line: {"seconds": ..., "final_loss": ..., "library": "numpy x.y"}.
PyTorch is not used: its PyPI wheels pull gigabytes of CUDA libraries."""
import json, sys, time
import numpy as np

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
rng = np.random.default_rng(0)
n, d = 3000, 10
x = rng.random((n, d), dtype=np.float32)
y = (np.sin(3 * x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * x[:, 3]).astype(np.float32)
widths = [d, 400, 400, 400, 400, 1]
W = [rng.uniform(-1 / np.sqrt(a), 1 / np.sqrt(a), (a, b)).astype(np.float32) for a, b in zip(widths, widths[1:])]
B = [rng.uniform(-1 / np.sqrt(a), 1 / np.sqrt(a), b).astype(np.float32) for a, b in zip(widths, widths[1:])]
m = [np.zeros_like(w) for w in W] + [np.zeros_like(b) for b in B]
v = [np.zeros_like(w) for w in W] + [np.zeros_like(b) for b in B]
lr, b1, b2, eps = 1e-5, 0.9, 0.999, 1e-8
order = rng.permutation(n); cur = 0
t0 = time.perf_counter()
loss = 0.0
for step in range(1, steps + 1):
    if cur + 128 > n:
        order = rng.permutation(n); cur = 0
    idx = order[cur:cur + 128]; cur += 128
    acts = [x[idx]]
    for i, (w, b) in enumerate(zip(W, B)):
        z = acts[-1] @ w + b
        acts.append(np.maximum(z, 0) if i < len(W) - 1 else z)
    diff = acts[-1][:, 0] - y[idx]
    loss = float(np.mean(diff * diff))
    delta = (2 / len(idx)) * diff[:, None]
    grads_w, grads_b = [None] * len(W), [None] * len(W)
    for i in reversed(range(len(W))):
        grads_w[i] = acts[i].T @ delta
        grads_b[i] = delta.sum(0)
        if i > 0:
            delta = (delta @ W[i].T) * (acts[i] > 0)
    params = W + B
    grads = grads_w + grads_b
    c1, c2 = 1 - b1 ** step, 1 - b2 ** step
    for p, g, mi, vi in zip(params, grads, m, v):
        mi *= b1; mi += (1 - b1) * g
        vi *= b2; vi += (1 - b2) * g * g
        p -= lr * (mi / c1) / (np.sqrt(vi / c2) + eps)
print(json.dumps({"seconds": time.perf_counter() - t0, "final_loss": loss, "library": "numpy " + np.__version__}))
