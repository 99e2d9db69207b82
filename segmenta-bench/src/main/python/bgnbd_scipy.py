"""The peer of ClvBench: the BG/NBD log-likelihood (Fader, Hardie and Lee 2005, eq. 6) maximised with scipy on
the same summaries (CSV: x, tx, T), over log-parameters, as lifetimes does. Prints the parameters and the time
of the fit alone (reading the file excluded)."""
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import gammaln

d = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
x, tx, T = d[:, 0], d[:, 1], d[:, 2]


def negll(theta):
    r, alpha, a, b = np.exp(theta)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return -np.sum(a1 + a2 + np.logaddexp(a3, a4))


start = time.perf_counter()
res = minimize(negll, np.zeros(4), method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 20000, "maxfev": 20000})
elapsed = time.perf_counter() - start
r, alpha, a, b = np.exp(res.x)
print(f"scipy: r={r:.6f} alpha={alpha:.6f} a={a:.6f} b={b:.6f} loglik={-res.fun:.6f} evaluations={res.nfev} fit_ms={elapsed * 1000:.0f}")
