#include "experiments/statistics.hpp"

#include <algorithm>
#include <boost/math/distributions/non_central_t.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <numeric>
#include <string>

#include "initlab/error.hpp"

namespace initlab::lab {
namespace {

constexpr double kConfidence95 = 0.95;
constexpr int kMaxSeeds = 100000;  // seeds_needed gives up beyond this: no sweep runs that many

// All values equal: the mean is that value exactly and there is no spread (summing n copies
// and dividing by n can be off by an ulp, which would turn "no spread" into a huge t).
bool constant(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); });
}

// +-inf with the sign of x, or 0 for x == 0: a ratio over a zero spread.
double signed_infinity_or_zero(double x) { return x == 0 ? 0.0 : std::copysign(INFINITY, x); }

double two_sided_p(double t, double dof) {
  const boost::math::students_t dist(dof);
  return 2 * boost::math::cdf(boost::math::complement(dist, std::fabs(t)));
}

// P(|T| > t_{1 - alpha/2, dof}) for T noncentral t(dof, noncentrality).
double t_test_power(double noncentrality, double dof, double alpha) {
  const double crit = student_t_quantile(1 - alpha / 2, dof);
  const boost::math::non_central_t dist(dof, noncentrality);
  return boost::math::cdf(boost::math::complement(dist, crit)) + boost::math::cdf(dist, -crit);
}

}  // namespace

MeanCi mean_ci(const std::vector<double>& v, double confidence) {
  MeanCi r;
  r.n = static_cast<int>(v.size());
  if (v.empty()) return r;
  if (constant(v)) {
    r.mean = v.front();
  } else {
    double s = 0;
    for (double x : v) s += x;
    r.mean = s / r.n;
  }
  if (r.n < 2) return r;
  double ss = 0;
  for (double x : v) ss += (x - r.mean) * (x - r.mean);
  r.stddev = std::sqrt(ss / (r.n - 1));
  const boost::math::students_t t(r.n - 1);
  r.half = boost::math::quantile(boost::math::complement(t, (1 - confidence) / 2)) * r.stddev / std::sqrt(double(r.n));
  return r;
}

std::optional<WelchTest> welch_t_test(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() < 2 || b.size() < 2) return std::nullopt;
  const MeanCi ma = mean_ci(a), mb = mean_ci(b);
  const double va = ma.stddev * ma.stddev / ma.n, vb = mb.stddev * mb.stddev / mb.n;
  WelchTest w;
  w.difference = ma.mean - mb.mean;
  if (va + vb == 0) {  // no spread at all: identical values are not different, distinct ones are
    w.p = w.difference == 0 ? 1.0 : 0.0;
    w.t = signed_infinity_or_zero(w.difference);
    w.cohens_d = w.t;
    w.dof = ma.n + mb.n - 2;
    w.ci95_lo = w.ci95_hi = w.difference;
    return w;
  }
  const double se = std::sqrt(va + vb);
  w.t = w.difference / se;
  w.dof = (va + vb) * (va + vb) / (va * va / (ma.n - 1) + vb * vb / (mb.n - 1));
  w.p = two_sided_p(w.t, w.dof);
  const double pooled_variance = ((ma.n - 1) * ma.stddev * ma.stddev + (mb.n - 1) * mb.stddev * mb.stddev) /
                                 (ma.n + mb.n - 2);
  w.cohens_d = w.difference / std::sqrt(pooled_variance);
  const double half = student_t_quantile(1 - (1 - kConfidence95) / 2, w.dof) * se;
  w.ci95_lo = w.difference - half;
  w.ci95_hi = w.difference + half;
  return w;
}

std::optional<PairedTest> paired_t_test(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size())
    throw Error("paired_t_test: the two sides must pair up index by index, got " + std::to_string(a.size()) +
                " and " + std::to_string(b.size()) + " values");
  if (a.size() < 2) return std::nullopt;
  std::vector<double> d(a.size());
  for (size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  const MeanCi m = mean_ci(d);
  PairedTest r;
  r.n = m.n;
  r.mean_difference = m.mean;
  r.stddev_difference = m.stddev;
  r.dof = m.n - 1;
  if (m.stddev == 0) {  // a constant difference: none is no evidence, any other is certain
    r.p = m.mean == 0 ? 1.0 : 0.0;
    r.t = r.effect_dz = signed_infinity_or_zero(m.mean);
    r.ci95_lo = r.ci95_hi = m.mean;
    return r;
  }
  const double se = m.stddev / std::sqrt(double(m.n));
  r.t = m.mean / se;
  r.p = two_sided_p(r.t, r.dof);
  const double half = student_t_quantile(1 - (1 - kConfidence95) / 2, r.dof) * se;
  r.ci95_lo = m.mean - half;
  r.ci95_hi = m.mean + half;
  r.effect_dz = m.mean / m.stddev;
  return r;
}

std::vector<double> holm_adjust(const std::vector<double>& p) {
  for (double x : p)
    if (!(x >= 0 && x <= 1)) throw Error("holm_adjust: p-value " + std::to_string(x) + " is not in [0, 1]");
  const size_t m = p.size();
  std::vector<size_t> order(m);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) { return p[i] < p[j]; });
  std::vector<double> adjusted(m);
  double running_max = 0;  // step-down: an adjusted p never falls below an earlier one
  for (size_t k = 0; k < m; ++k) {
    running_max = std::max(running_max, std::min(1.0, double(m - k) * p[order[k]]));
    adjusted[order[k]] = running_max;
  }
  return adjusted;
}

double student_t_quantile(double p, double dof) {
  if (!(p > 0 && p < 1)) throw Error("student_t_quantile: p = " + std::to_string(p) + " is not in (0, 1)");
  if (!(dof > 0)) throw Error("student_t_quantile: dof = " + std::to_string(dof) + " must be > 0 (or +inf)");
  return boost::math::quantile(boost::math::students_t(dof), p);
}

std::optional<int> seeds_needed(double difference, double sd, double power, double alpha, bool paired) {
  if (sd < 0) throw Error("seeds_needed: sd = " + std::to_string(sd) + " must be >= 0");
  if (!(power > 0 && power < 1)) throw Error("seeds_needed: power = " + std::to_string(power) + " is not in (0, 1)");
  if (!(alpha > 0 && alpha < 1)) throw Error("seeds_needed: alpha = " + std::to_string(alpha) + " is not in (0, 1)");
  if (difference == 0 || !std::isfinite(difference) || sd == 0 || !std::isfinite(sd)) return std::nullopt;
  const double effect = std::fabs(difference) / sd;  // the test is two-sided: the sign does not matter
  const auto reaches = [&](int n) {
    const double noncentrality = paired ? effect * std::sqrt(double(n)) : effect / std::sqrt(2.0 / n);
    const double dof = paired ? n - 1 : 2 * n - 2;
    return t_test_power(noncentrality, dof, alpha) >= power;
  };
  // Power grows with n: double until it is reached, then bisect for the smallest such n.
  int lo = 1, hi = 2;  // reaches(lo) is false by convention (n = 1 has no dof)
  while (!reaches(hi)) {
    if (hi == kMaxSeeds) return std::nullopt;
    lo = hi;
    hi = std::min(2 * hi, kMaxSeeds);
  }
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    (reaches(mid) ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace initlab::lab
