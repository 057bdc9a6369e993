#!/usr/bin/python3
"""SciPy oracle for src/lab/experiments/statistics.{hpp,cpp}.

Computes, on fixed inputs, what initlab's small-sample statistics must return and writes it as
JSON (stdout, or the path given as the first argument). tests/lab/test_statistics.cpp checks
every number to 1e-9 relative. Each quantity is also computed a second, independent way here and
the two must agree before anything is written:

  paired t    scipy.stats.ttest_rel (t, p, confidence_interval)  vs  the formula on a - b
  Welch       scipy.stats.ttest_ind(equal_var=False)             vs  the Welch-Satterthwaite formula
  Cohen's d   pooled-sd formula                                  vs  pooled t * sqrt(1/n_a + 1/n_b)
  t quantile  scipy.stats.t.ppf, polished by Newton on t.cdf     vs  mpmath root of the incomplete beta
  Holm        step-down formula (sorted, running max)            vs  smallest alpha at which Holm's
                                                                     procedure rejects the hypothesis
  seeds       first n (linear scan) with scipy.stats.nct power   vs  power by quadrature over the
              >= target (SciPy's nct wraps Boost's)                  chi-square of the variance (at n-1, n)

SciPy 1.10's t.ppf (cephes stdtrit) is off by up to ~3e-9 relative at non-integer dof (29.3, p=0.1);
t_ppf below polishes it with Newton steps on SciPy's own t.cdf, so every t quantile here (CIs and
critical values included) is exact to ~1e-15.

Run with the system interpreter (needs numpy, scipy, mpmath): /usr/bin/python3 tools/stats_oracle.py
"""
import json
import math
import sys

import warnings

import mpmath
import numpy as np
import scipy
import scipy.integrate
import scipy.stats as st

SCHEMA_VERSION = 1
CROSS_CHECK_RTOL = 1e-11  # the two ways of computing a number must agree this closely
POWER_MARGIN = 1e-6       # seeds_needed cases must not sit this close to the target power


def close(x, y, rtol=CROSS_CHECK_RTOL, atol=1e-14):
    return abs(x - y) <= rtol * max(abs(x), abs(y)) + atol


def check(x, y, what, rtol=CROSS_CHECK_RTOL):
    assert close(x, y, rtol), f"{what}: {x!r} vs {y!r}"


def num(x):
    """JSON has no infinity: non-finite numbers are written as strings."""
    x = float(x)
    return x if math.isfinite(x) else ("inf" if x > 0 else "-inf" if x < 0 else "nan")


# ---- inputs -----------------------------------------------------------------------------------
# Hand-written, plus two seeded draws (the values are stored in the JSON, so the C++ test never
# depends on numpy's generator).
_rng = np.random.RandomState(20240611)
SEED30_A = [round(float(x), 6) for x in 0.90 + 0.01 * _rng.standard_normal(30)]
SEED30_B = [round(a - 0.004 + 0.006 * float(e), 6) for a, e in zip(SEED30_A, _rng.standard_normal(30))]

MEAN_CI = [
    ("n2", [0.5, 0.75], 0.95),
    ("accuracies", [0.912, 0.905, 0.921, 0.899, 0.915], 0.95),
    ("accuracies_90", [0.912, 0.905, 0.921, 0.899, 0.915], 0.90),
    ("losses_99", [2.31, 2.29, 2.35, 2.28, 2.40, 2.33, 2.30], 0.99),
    ("large_spread", [1e-3, 12.5, 3.0e5, -7.25e4], 0.95),
    ("seed30", SEED30_A, 0.95),
]

PAIRED = [
    ("n2", [1.0, 2.5], [0.25, 1.0]),
    ("accuracies", [0.912, 0.905, 0.921, 0.899, 0.915], [0.907, 0.903, 0.914, 0.901, 0.906]),
    ("negative", [2.31, 2.29, 2.35, 2.28, 2.40, 2.33], [2.36, 2.30, 2.41, 2.35, 2.42, 2.37]),
    ("large_spread", [1.5e6, -3.2e5, 8.0e4, 2.2e6], [1.2e6, -1.0e5, 7.9e4, 9.0e5]),
    ("ties", [1, 1, 2, 2, 3, 3], [0, 0, 1, 1, 1, 3]),
    ("tiny_p", [10.0 + 0.1 * i for i in range(12)],
     [9.0 + 0.1 * i + (0.001 if i % 2 else -0.001) for i in range(12)]),
    ("not_significant", [0.5, 0.7, 0.2, 0.9, 0.4], [0.6, 0.5, 0.3, 0.8, 0.5]),
    ("seed30", SEED30_A, SEED30_B),
]

WELCH = [
    ("n2", [1.0, 2.5], [0.25, 1.0]),
    ("unequal_sizes", [0.912, 0.905, 0.921], [0.907, 0.903, 0.914, 0.901, 0.906, 0.899, 0.911]),
    ("negative", [2.31, 2.29, 2.35, 2.28, 2.40, 2.33], [2.46, 2.50, 2.41, 2.55, 2.42]),
    ("large_spread", [1.5e6, -3.2e5, 8.0e4, 2.2e6], [1.0, 2.0, 4.0, 3.5, 2.5]),
    ("ties", [1, 1, 2, 2, 3, 3], [0, 0, 1, 1, 1, 3, 3]),
    ("one_side_constant", [0.9, 0.9, 0.9], [0.8, 0.85, 0.83, 0.81]),
    ("tiny_p", [10.0 + 0.01 * i for i in range(15)], [9.0 + 0.01 * i for i in range(10)]),
    ("seed30", SEED30_A, SEED30_B),
]

T_QUANTILE_P = [1e-6, 0.025, 0.1, 0.5, 0.9, 0.975, 0.995, 1 - 1e-6]
T_QUANTILE_DOF = [1, 2, 2.5, 3.7, 10, 29.3, 1000, 1e6, math.inf]

HOLM = [
    ("empty", []),
    ("single", [0.03]),
    ("typical", [0.01, 0.04, 0.03, 0.005, 0.2]),
    ("running_max", [0.011, 0.02, 0.01, 0.04]),
    ("ties", [0.02, 0.01, 0.02, 0.02, 0.5]),
    ("capped", [0.4, 0.3, 0.9, 0.05]),
    ("zero_and_one", [0.0, 1.0, 0.001, 0.25]),
    ("all_equal", [0.05, 0.05, 0.05]),
]

# (difference, sd, power, alpha, paired)
SEEDS = [
    (0.01, 0.01, 0.8, 0.05, True),
    (0.005, 0.01, 0.8, 0.05, True),
    (-0.005, 0.01, 0.8, 0.05, True),
    (0.02, 0.01, 0.8, 0.05, True),
    (0.5, 0.1, 0.8, 0.05, True),
    (0.003, 0.01, 0.9, 0.01, True),
    (0.2, 1.0, 0.8, 0.05, True),
    (0.05, 1.0, 0.8, 0.05, True),
    (0.01, 0.01, 0.8, 0.05, False),
    (0.005, 0.01, 0.95, 0.05, False),
    (-1.0, 0.25, 0.8, 0.05, False),
    (0.1, 1.0, 0.8, 0.05, False),
    (0.009, 1.0, 0.8, 0.05, True),     # close to the 100000 cap, still under it
    (0.008, 1.0, 0.8, 0.05, True),     # over the cap: absent
    (0.01, 1.0, 0.8, 0.05, False),     # over the cap: absent
]
MAX_SEEDS = 100000


# ---- oracles -------------------------------------------------------------------------------
def t_ppf(p, dof):
    """scipy.stats.t.ppf, polished: Newton steps on t.cdf, by symmetry in the lower half.
    dof may be an array (one quantile per dof)."""
    if p == 0.5:
        return np.zeros_like(dof, float) if np.ndim(dof) else 0.0  # the median, exactly
    if p > 0.5:
        return -t_ppf(1 - p, dof)  # 1 - p is exact for p in [0.5, 1]
    q = st.t.ppf(p, dof)
    for _ in range(3):
        q = q - (st.t.cdf(q, dof) - p) / st.t.pdf(q, dof)
    return q if np.ndim(q) else float(q)


def t_ppf_mpmath(p, dof):
    """Independent: solve I_{dof/(dof+q^2)}(dof/2, 1/2) / 2 = p at 40 digits."""
    with mpmath.workdps(40):
        if not math.isfinite(dof):
            return float(mpmath.sqrt(2) * mpmath.erfinv(2 * mpmath.mpf(p) - 1))
        p, dof = mpmath.mpf(p), mpmath.mpf(dof)

        def cdf(q):
            tail = mpmath.betainc(dof / 2, 0.5, 0, dof / (dof + q * q), regularized=True) / 2
            return tail if q < 0 else 1 - tail

        return float(mpmath.findroot(lambda q: cdf(q) - p, mpmath.mpf(float(st.t.ppf(float(p), float(dof))))))


def sample_sd(x):
    return float(np.std(np.asarray(x, float), ddof=1))


def mean_ci_case(name, v, conf):
    v = np.asarray(v, float)
    n = len(v)
    sd = sample_sd(v)
    half = t_ppf(1 - (1 - conf) / 2, n - 1) * sd / math.sqrt(n)
    lo, hi = st.t.interval(conf, n - 1, loc=float(np.mean(v)), scale=sd / math.sqrt(n))
    check(half, (hi - lo) / 2, f"mean_ci {name} half", rtol=1e-8)
    return {"name": name, "values": v.tolist(), "confidence": conf, "mean": float(np.mean(v)), "stddev": sd,
            "half": float(half)}


def paired_case(name, a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    d = a - b
    n = len(d)
    mean, sd = float(np.mean(d)), sample_sd(d)
    se = sd / math.sqrt(n)
    t = mean / se
    p = 2 * st.t.sf(abs(t), n - 1)
    half = t_ppf(0.975, n - 1) * se
    res = st.ttest_rel(a, b)
    check(float(res.statistic), t, f"paired {name} t")
    check(float(res.pvalue), p, f"paired {name} p")
    ci = res.confidence_interval(0.95)  # from the unpolished t.ppf
    check(float(ci.low), mean - half, f"paired {name} ci lo", rtol=1e-9)
    check(float(ci.high), mean + half, f"paired {name} ci hi", rtol=1e-9)
    check(t / math.sqrt(n), mean / sd, f"paired {name} d_z")
    one = st.ttest_1samp(d, 0.0)
    check(float(one.statistic), float(res.statistic), f"paired {name} 1samp t")
    return {"name": name, "a": a.tolist(), "b": b.tolist(), "n": n, "mean_difference": mean,
            "stddev_difference": sd, "t": float(res.statistic), "dof": float(res.df), "p": float(res.pvalue),
            "ci95_lo": mean - half, "ci95_hi": mean + half, "effect_dz": mean / sd}


def welch_case(name, a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    na, nb = len(a), len(b)
    sa, sb = sample_sd(a), sample_sd(b)
    va, vb = sa * sa / na, sb * sb / nb
    diff = float(np.mean(a) - np.mean(b))
    se = math.sqrt(va + vb)
    t = diff / se
    dof = (va + vb) ** 2 / (va * va / (na - 1) + vb * vb / (nb - 1))
    p = 2 * st.t.sf(abs(t), dof)
    with warnings.catch_warnings():  # a constant side: numpy's variance is ~1e-33, not 0
        warnings.simplefilter("ignore", RuntimeWarning)
        res = st.ttest_ind(a, b, equal_var=False)
        pooled_t = float(st.ttest_ind(a, b, equal_var=True).statistic)
    check(float(res.statistic), t, f"welch {name} t")
    check(float(res.pvalue), p, f"welch {name} p")
    pooled = math.sqrt(((na - 1) * sa * sa + (nb - 1) * sb * sb) / (na + nb - 2))
    d = diff / pooled
    check(pooled_t * math.sqrt(1 / na + 1 / nb), d, f"welch {name} cohen's d")
    half = t_ppf(0.975, dof) * se
    lo, hi = st.t.interval(0.95, dof, loc=diff, scale=se)
    check(lo, diff - half, f"welch {name} ci lo", rtol=1e-8)
    return {"name": name, "a": a.tolist(), "b": b.tolist(), "difference": diff, "t": float(res.statistic),
            "dof": dof, "p": float(res.pvalue), "cohens_d": d, "ci95_lo": diff - half, "ci95_hi": diff + half}


def t_quantile_case(p, dof):
    q = t_ppf(p, dof)
    check(q, t_ppf_mpmath(p, dof), f"t quantile p={p} dof={dof} vs mpmath", rtol=1e-13)
    check(q, float(st.t.ppf(p, dof)), f"t quantile p={p} dof={dof} vs unpolished t.ppf", rtol=1e-8)
    return {"p": p, "dof": num(dof), "q": q}


def holm_stepdown(p):
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out, running = [0.0] * m, 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (m - k) * p[i]))
        out[i] = running
    return out


def holm_by_procedure(p):
    """Adjusted p = the smallest alpha at which Holm's step-down procedure rejects H_i."""
    m = len(p)
    srt = sorted(p)

    def rejected(alpha):  # how many of the sorted hypotheses are rejected at level alpha
        k = 0
        while k < m and srt[k] <= alpha / (m - k):
            k += 1
        return k

    candidates = sorted({min(1.0, (m - k) * srt[k]) for k in range(m)} | {1.0})
    out = []
    for x in p:
        rank = srt.index(x)  # first of any ties: rejected together with them
        out.append(next(a for a in candidates if rejected(a) > rank))
    return out


def holm_case(name, p):
    adj = holm_stepdown(p)
    other = holm_by_procedure(p)
    for x, y in zip(adj, other):
        check(x, y, f"holm {name}")
    return {"name": name, "p": p, "adjusted": adj}


def noncentral(effect, n, paired):
    return (effect * np.sqrt(n), n - 1) if paired else (effect / np.sqrt(2 / n), 2 * n - 2)


def power_nct(effect, n, alpha, paired):
    nc, dof = noncentral(effect, np.asarray(n, float), paired)
    crit = t_ppf(1 - alpha / 2, dof)
    # SciPy's nct is Boost's underneath; its ufunc reports Boost's harmless floating-point
    # flags as warnings, so they are silenced and the values checked for being finite instead.
    with np.errstate(divide="ignore", invalid="ignore"):
        power = st.nct.sf(crit, dof, nc) + st.nct.cdf(-crit, dof, nc)
    assert np.all(np.isfinite(power)), "nct power not finite"
    return power


def power_quad(effect, n, alpha, paired):
    """P(|Z + nc| > c * sqrt(V / dof)), V ~ chi2(dof): the noncentral t by its definition."""
    nc, dof = noncentral(effect, n, paired)
    crit = t_ppf(1 - alpha / 2, dof)

    def integrand(v):
        s = crit * math.sqrt(v / dof)
        return (st.norm.sf(s - nc) + st.norm.cdf(-s - nc)) * st.chi2.pdf(v, dof)

    lo, hi = st.chi2.ppf([1e-16, 1 - 1e-16], dof)
    val, _ = scipy.integrate.quad(integrand, lo, hi, points=[dof], limit=500, epsabs=1e-13, epsrel=1e-11)
    return val


def seeds_case(diff, sd, power, alpha, paired):
    effect = abs(diff) / sd
    n_found = None
    start = 2
    while start <= MAX_SEEDS and n_found is None:
        ns = np.arange(start, min(start * 8, MAX_SEEDS) + 1)
        pw = power_nct(effect, ns, alpha, paired)
        hit = np.nonzero(pw >= power)[0]
        if len(hit):
            n_found = int(ns[hit[0]])
        start = int(ns[-1]) + 1
    case = {"difference": diff, "sd": sd, "power": power, "alpha": alpha, "paired": paired, "n": n_found}
    # The answer must not hinge on the last digits of either power computation.
    for n in ([n_found - 1, n_found] if n_found else [MAX_SEEDS]):
        if n < 2:
            continue
        a, b = float(power_nct(effect, n, alpha, paired)), power_quad(effect, n, alpha, paired)
        check(a, b, f"seeds {case} power at n={n}", rtol=1e-8)
        assert abs(a - power) > POWER_MARGIN, f"seeds {case}: power {a} at n={n} too close to the target"
        case["power_at_n" if n == n_found or n_found is None else "power_at_n_minus_1"] = a
    return case


def main():
    out = {
        "schema_version": SCHEMA_VERSION,
        "generator": "tools/stats_oracle.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "mean_ci": [mean_ci_case(*c) for c in MEAN_CI],
        "paired": [paired_case(*c) for c in PAIRED],
        "welch": [welch_case(*c) for c in WELCH],
        "t_quantile": [t_quantile_case(p, dof) for dof in T_QUANTILE_DOF for p in T_QUANTILE_P],
        "holm": [holm_case(*c) for c in HOLM],
        "seeds_needed": [seeds_case(*c) for c in SEEDS],
    }
    text = json.dumps(out, indent=1, allow_nan=False) + "\n"
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
