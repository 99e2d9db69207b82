"""The peer of LookalikeBench: the same ridge logistic regression (Newton-Raphson / IRLS) in numpy on the same
matrix, then scores and the top 10 %. Usage: lookalike_numpy.py FILE N D; prints seconds and iterations."""
import sys
import time

import numpy as np

path, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = np.fromfile(path, dtype=">f8").reshape(n, d + 1).astype(np.float64)
x = np.hstack([np.ones((n, 1)), data[:, :d]])
y = data[:, d]
t0 = time.perf_counter()
w = np.zeros(d + 1)
ridge = np.eye(d + 1)
ridge[0, 0] = 0
for it in range(1, 51):
    p = 1 / (1 + np.exp(-x @ w))
    grad = x.T @ (y - p) - ridge @ w
    hess = (x * (p * (1 - p))[:, None]).T @ x + ridge
    step = np.linalg.solve(hess, grad)
    w += step
    if np.max(np.abs(step)) < 1e-8:
        break
scores = 1 / (1 + np.exp(-x @ w))
top = np.argsort(-scores, kind="stable")[: int(np.ceil(0.1 * n))]
print(f"{time.perf_counter() - t0:.3f} {it}")
