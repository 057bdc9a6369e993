// Small-sample statistics for comparing inits over a handful of seeds: mean with a Student-t
// confidence interval, Welch's and the paired t-test with effect sizes and 95% intervals, Holm's
// correction for many comparisons, and how many seeds a difference needs (noncentral t power).
// Boost.Math supplies the distributions; tests/data/stats_scipy.json (tools/stats_oracle.py) is
// the SciPy oracle every number here is checked against.
#pragma once
#include <optional>
#include <vector>

namespace initlab::lab {

struct MeanCi {
  double mean = 0;
  double stddev = 0;           // sample stddev (n - 1)
  std::optional<double> half;  // 95% CI half-width; absent for n < 2
  int n = 0;
};
MeanCi mean_ci(const std::vector<double>& values, double confidence = 0.95);

struct WelchTest {
  double difference = 0;  // mean(a) - mean(b)
  double t = 0;
  double dof = 0;         // Welch-Satterthwaite
  double p = 1;           // two-sided
  // Cohen's d with the pooled sd: difference / s_p,
  // s_p = sqrt(((n_a - 1) s_a^2 + (n_b - 1) s_b^2) / (n_a + n_b - 2)).
  double cohens_d = 0;
  double ci95_lo = 0;     // 95% CI of the difference: difference -/+ t_{0.975, dof} * se,
  double ci95_hi = 0;     // se = sqrt(s_a^2 / n_a + s_b^2 / n_b)
};
// Absent when either side has fewer than 2 values (not enough to estimate a variance).
// No spread on either side: p = 1 for equal means (t = 0, d = 0), else p = 0, t and d = +-inf;
// the interval is then [difference, difference].
std::optional<WelchTest> welch_t_test(const std::vector<double>& a, const std::vector<double>& b);

struct PairedTest {
  int n = 0;                     // number of pairs
  double mean_difference = 0;    // mean of a[i] - b[i]
  double stddev_difference = 0;  // sample stddev (n - 1) of a[i] - b[i]
  double t = 0;                  // mean / (sd / sqrt(n))
  double dof = 0;                // n - 1
  double p = 1;                  // two-sided
  double ci95_lo = 0;            // 95% CI of the mean difference
  double ci95_hi = 0;
  double effect_dz = 0;          // Cohen's d_z = mean / sd
};
// Paired t-test on per-index differences a[i] - b[i] (the same seed under two inits).
// Throws initlab::Error when the sizes differ; absent for fewer than 2 pairs. A constant
// difference (sd = 0) is handled as in welch_t_test.
std::optional<PairedTest> paired_t_test(const std::vector<double>& a, const std::vector<double>& b);

// Holm-Bonferroni step-down adjusted p-values, in the input order: with p sorted ascending,
// adj_(i) = max_{j <= i} min(1, (m - j + 1) p_(j)). Monotone in p and capped at 1.
// Throws initlab::Error for a p outside [0, 1] (or NaN).
std::vector<double> holm_adjust(const std::vector<double>& p);

// The p-quantile of Student's t with `dof` degrees of freedom (real, > 0, or +inf: normal).
// Throws initlab::Error for p outside (0, 1) or dof <= 0 / NaN.
double student_t_quantile(double p, double dof);

// Smallest number of seeds n for which a two-sided t-test at level `alpha` detects a true
// `difference` with probability >= `power`, from the noncentral t distribution:
// power = P(|T| > t_{1 - alpha/2, dof}), T ~ t(dof, noncentrality).
//   paired (n differences with sd `sd`):        noncentrality = difference / sd * sqrt(n), dof n - 1
//   unpaired (n per group, common sd `sd`):     noncentrality = difference / (sd * sqrt(2 / n)), dof 2n - 2
// n is at least 2. Absent when difference is 0 or not finite, sd is 0 or not finite, or n would
// exceed 100000. Throws initlab::Error for sd < 0 or power / alpha outside (0, 1).
std::optional<int> seeds_needed(double difference, double sd, double power = 0.8, double alpha = 0.05,
                                bool paired = true);

}  // namespace initlab::lab
