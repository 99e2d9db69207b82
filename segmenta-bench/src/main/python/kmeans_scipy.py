"""The peer of KMeansBench: scipy's kmeans2 (k-means++ seeds) on the same matrix, the same number of Lloyd
iterations. Usage: kmeans_scipy.py FILE N D K ITERATIONS SEED; prints seconds and inertia."""
import sys
import time

import numpy as np
from scipy.cluster.vq import kmeans2

path, n, d, k, iters, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
x = np.fromfile(path, dtype=">f8").reshape(n, d).astype(np.float64)  # native byte order, as kmeans2 needs
t0 = time.perf_counter()
centroids, labels = kmeans2(x, k, iter=iters, minit="++", seed=seed)
seconds = time.perf_counter() - t0
inertia = float(((x - centroids[labels]) ** 2).sum())
print(f"{seconds:.3f} {inertia:.3f}")
