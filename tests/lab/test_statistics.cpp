// Small-sample statistics against SciPy: every number in tests/data/stats_scipy.json (written by
// tools/stats_oracle.py) to 1e-9 relative, plus the edge cases SciPy answers with NaN or not at all.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "experiments/statistics.hpp"
#include "initlab/error.hpp"

namespace {

using initlab::lab::holm_adjust;
using initlab::lab::mean_ci;
using initlab::lab::paired_t_test;
using initlab::lab::seeds_needed;
using initlab::lab::student_t_quantile;
using initlab::lab::welch_t_test;
using nlohmann::json;

constexpr double kRelTol = 1e-9;
// Absolute slack for values that are 0 or nearly so (a mean difference of 0 computed as 1e-17).
// The oracle's inputs are O(1e-3) or larger, so this never hides a 1e-6 relative error.
constexpr double kAbsFloor = 1e-15;
constexpr double kInf = std::numeric_limits<double>::infinity();

const json& oracle() {
  static const json j = [] {
    std::ifstream in(std::string(INITLAB_TEST_DATA) + "/stats_scipy.json");
    if (!in) throw std::runtime_error("cannot open stats_scipy.json; run tools/stats_oracle.py");
    return json::parse(in);
  }();
  return j;
}

// JSON has no infinity: the oracle writes non-finite numbers as "inf" / "-inf" / "nan".
double num(const json& j) {
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    if (s == "inf") return kInf;
    if (s == "-inf") return -kInf;
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    throw std::runtime_error("not a number: " + s);
  }
  return j.get<double>();
}

std::vector<double> vec(const json& j) { return j.get<std::vector<double>>(); }

// |actual - expected| <= 1e-9 |expected| + floor. p-values use floor 0: pure relative, so a
// p of 1e-34 is still checked to nine digits.
void expect_close(double actual, const json& expected, const std::string& what, double floor = kAbsFloor) {
  const double e = num(expected);
  EXPECT_LE(std::fabs(actual - e), kRelTol * std::fabs(e) + floor)
      << what << ": got " << actual << ", SciPy " << e << " (rel " << std::fabs(actual - e) / std::fabs(e) << ")";
}

// ---- against SciPy ----------------------------------------------------------------------------

TEST(StatisticsOracle, FileIsTheExpectedSchema) {
  const json& j = oracle();
  EXPECT_EQ(j.at("schema_version").get<int>(), 1);
  EXPECT_EQ(j.at("generator").get<std::string>(), "tools/stats_oracle.py");
  for (const char* key : {"mean_ci", "paired", "welch", "t_quantile", "holm", "seeds_needed"})
    EXPECT_FALSE(j.at(key).empty()) << key;
}

TEST(StatisticsOracle, MeanCiMatchesScipy) {
  for (const json& c : oracle().at("mean_ci")) {
    const std::string name = c.at("name");
    const auto m = mean_ci(vec(c.at("values")), num(c.at("confidence")));
    EXPECT_EQ(m.n, static_cast<int>(c.at("values").size())) << name;
    expect_close(m.mean, c.at("mean"), name + " mean");
    expect_close(m.stddev, c.at("stddev"), name + " stddev");
    ASSERT_TRUE(m.half.has_value()) << name;
    expect_close(*m.half, c.at("half"), name + " half");
  }
}

TEST(StatisticsOracle, PairedTTestMatchesScipy) {
  for (const json& c : oracle().at("paired")) {
    const std::string name = c.at("name");
    const auto r = paired_t_test(vec(c.at("a")), vec(c.at("b")));
    ASSERT_TRUE(r.has_value()) << name;
    EXPECT_EQ(double(r->n), num(c.at("n"))) << name;
    expect_close(r->mean_difference, c.at("mean_difference"), name + " mean_difference");
    expect_close(r->stddev_difference, c.at("stddev_difference"), name + " stddev_difference");
    expect_close(r->t, c.at("t"), name + " t");
    expect_close(r->dof, c.at("dof"), name + " dof");
    expect_close(r->p, c.at("p"), name + " p", 0.0);
    expect_close(r->ci95_lo, c.at("ci95_lo"), name + " ci95_lo");
    expect_close(r->ci95_hi, c.at("ci95_hi"), name + " ci95_hi");
    expect_close(r->effect_dz, c.at("effect_dz"), name + " effect_dz");
    // The interval excludes 0 exactly when the test rejects at 5%.
    EXPECT_EQ(r->p < 0.05, r->ci95_lo > 0 || r->ci95_hi < 0) << name;
  }
}

TEST(StatisticsOracle, WelchTTestMatchesScipy) {
  for (const json& c : oracle().at("welch")) {
    const std::string name = c.at("name");
    const auto r = welch_t_test(vec(c.at("a")), vec(c.at("b")));
    ASSERT_TRUE(r.has_value()) << name;
    expect_close(r->difference, c.at("difference"), name + " difference");
    expect_close(r->t, c.at("t"), name + " t");
    expect_close(r->dof, c.at("dof"), name + " dof");
    expect_close(r->p, c.at("p"), name + " p", 0.0);
    expect_close(r->cohens_d, c.at("cohens_d"), name + " cohens_d");
    expect_close(r->ci95_lo, c.at("ci95_lo"), name + " ci95_lo");
    expect_close(r->ci95_hi, c.at("ci95_hi"), name + " ci95_hi");
    EXPECT_EQ(r->p < 0.05, r->ci95_lo > 0 || r->ci95_hi < 0) << name;
  }
}

TEST(StatisticsOracle, StudentTQuantileMatchesScipy) {
  for (const json& c : oracle().at("t_quantile")) {
    const double p = num(c.at("p")), dof = num(c.at("dof"));
    expect_close(student_t_quantile(p, dof), c.at("q"), "p=" + std::to_string(p) + " dof=" + std::to_string(dof));
  }
}

TEST(StatisticsOracle, HolmAdjustMatchesDefinition) {
  for (const json& c : oracle().at("holm")) {
    const std::string name = c.at("name");
    const std::vector<double> got = holm_adjust(vec(c.at("p")));
    ASSERT_EQ(got.size(), c.at("adjusted").size()) << name;
    for (size_t i = 0; i < got.size(); ++i)
      expect_close(got[i], c.at("adjusted")[i], name + "[" + std::to_string(i) + "]", 0.0);
  }
}

TEST(StatisticsOracle, SeedsNeededMatchesScipyNct) {
  for (const json& c : oracle().at("seeds_needed")) {
    const std::string what = c.dump();
    const auto n = seeds_needed(num(c.at("difference")), num(c.at("sd")), num(c.at("power")), num(c.at("alpha")),
                                c.at("paired").get<bool>());
    if (c.at("n").is_null()) {
      EXPECT_FALSE(n.has_value()) << what;
    } else {
      ASSERT_TRUE(n.has_value()) << what;
      EXPECT_EQ(double(*n), num(c.at("n"))) << what;
    }
  }
}

// ---- edge cases and errors --------------------------------------------------------------------

TEST(StatisticsPaired, SizeMismatchThrowsNamingBothSizes) {
  try {
    paired_t_test({1, 2, 3}, {1, 2});
    FAIL() << "expected initlab::Error";
  } catch (const initlab::Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("paired_t_test"), std::string::npos) << msg;
    EXPECT_NE(msg.find("3 and 2"), std::string::npos) << msg;
  }
  EXPECT_THROW(paired_t_test({}, {1.0}), initlab::Error);
}

TEST(StatisticsPaired, FewerThanTwoPairsIsAbsent) {
  EXPECT_FALSE(paired_t_test({}, {}).has_value());
  EXPECT_FALSE(paired_t_test({1.0}, {2.0}).has_value());
}

TEST(StatisticsPaired, IdenticalSidesAreNotDifferent) {
  const auto r = paired_t_test({0.9, 0.8, 0.7}, {0.9, 0.8, 0.7});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->p, 1.0);
  EXPECT_EQ(r->t, 0.0);
  EXPECT_EQ(r->effect_dz, 0.0);
  EXPECT_EQ(r->dof, 2.0);
  EXPECT_EQ(r->ci95_lo, 0.0);
  EXPECT_EQ(r->ci95_hi, 0.0);
}

TEST(StatisticsPaired, ConstantDifferenceIsCertain) {
  // 0.7 - 0.4 is not 0.3 in binary, and three copies summed and divided by 3 are not it either:
  // the constant must still be seen as constant (t = inf, not 1e16).
  const double d = 0.7 - 0.4;
  const auto up = paired_t_test({0.7, 0.7, 0.7}, {0.4, 0.4, 0.4});
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->mean_difference, d);
  EXPECT_EQ(up->stddev_difference, 0.0);
  EXPECT_EQ(up->p, 0.0);
  EXPECT_EQ(up->t, kInf);
  EXPECT_EQ(up->effect_dz, kInf);
  EXPECT_EQ(up->ci95_lo, d);
  EXPECT_EQ(up->ci95_hi, d);
  const auto down = paired_t_test({0.4, 0.4, 0.4}, {0.7, 0.7, 0.7});
  ASSERT_TRUE(down.has_value());
  EXPECT_EQ(down->t, -kInf);
  EXPECT_EQ(down->effect_dz, -kInf);
  EXPECT_EQ(down->p, 0.0);
  EXPECT_EQ(down->ci95_lo, -d);
}

TEST(StatisticsWelch, NoSpreadCases) {
  const auto same = welch_t_test({0.5, 0.5}, {0.5, 0.5, 0.5});
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(same->p, 1.0);
  EXPECT_EQ(same->t, 0.0);
  EXPECT_EQ(same->cohens_d, 0.0);
  EXPECT_EQ(same->dof, 3.0);
  EXPECT_EQ(same->ci95_lo, 0.0);
  EXPECT_EQ(same->ci95_hi, 0.0);
  const auto apart = welch_t_test({0.1, 0.1, 0.1}, {0.3, 0.3});
  ASSERT_TRUE(apart.has_value());
  EXPECT_EQ(apart->difference, 0.1 - 0.3);
  EXPECT_EQ(apart->p, 0.0);
  EXPECT_EQ(apart->t, -kInf);
  EXPECT_EQ(apart->cohens_d, -kInf);
  EXPECT_EQ(apart->ci95_lo, 0.1 - 0.3);
  EXPECT_EQ(apart->ci95_hi, 0.1 - 0.3);
}

TEST(StatisticsWelch, FewerThanTwoOnEitherSideIsAbsent) {
  EXPECT_FALSE(welch_t_test({1}, {2, 3}).has_value());
  EXPECT_FALSE(welch_t_test({1, 2}, {}).has_value());
}

TEST(StatisticsHolm, RejectsInvalidPValues) {
  EXPECT_THROW(holm_adjust({0.01, 1.5}), initlab::Error);
  EXPECT_THROW(holm_adjust({-0.1}), initlab::Error);
  EXPECT_THROW(holm_adjust({std::nan("")}), initlab::Error);
  EXPECT_TRUE(holm_adjust({}).empty());
}

TEST(StatisticsHolm, MonotoneCappedAndNeverBelowRaw) {
  const std::vector<double> p = {0.04, 0.001, 0.3, 0.02, 0.02, 0.9, 0.0005};
  const std::vector<double> adj = holm_adjust(p);
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_GE(adj[i], p[i]);
    EXPECT_LE(adj[i], 1.0);
    for (size_t j = 0; j < p.size(); ++j)
      if (p[i] <= p[j]) EXPECT_LE(adj[i], adj[j]) << i << " " << j;
  }
  EXPECT_EQ(adj[3], adj[4]);  // ties get the same adjusted value
}

TEST(StatisticsQuantile, RejectsOutOfRangeArguments) {
  EXPECT_THROW(student_t_quantile(0.0, 5), initlab::Error);
  EXPECT_THROW(student_t_quantile(1.0, 5), initlab::Error);
  EXPECT_THROW(student_t_quantile(std::nan(""), 5), initlab::Error);
  EXPECT_THROW(student_t_quantile(0.5, 0), initlab::Error);
  EXPECT_THROW(student_t_quantile(0.5, -3), initlab::Error);
  EXPECT_THROW(student_t_quantile(0.5, std::nan("")), initlab::Error);
}

TEST(StatisticsQuantile, SymmetricAboutZero) {
  for (double dof : {1.0, 2.5, 7.0, 120.0})
    for (double p : {0.001, 0.05, 0.3}) EXPECT_NEAR(student_t_quantile(p, dof), -student_t_quantile(1 - p, dof), 1e-12);
  EXPECT_EQ(student_t_quantile(0.5, 4.0), 0.0);
}

TEST(StatisticsSeeds, AbsentWhenNothingToDetect) {
  EXPECT_FALSE(seeds_needed(0.0, 0.01).has_value());
  EXPECT_FALSE(seeds_needed(0.01, 0.0).has_value());
  EXPECT_FALSE(seeds_needed(0.01, kInf).has_value());
  EXPECT_FALSE(seeds_needed(0.01, std::nan("")).has_value());
  EXPECT_FALSE(seeds_needed(std::nan(""), 0.01).has_value());
  EXPECT_FALSE(seeds_needed(kInf, 0.01).has_value());
}

TEST(StatisticsSeeds, RejectsInvalidArguments) {
  EXPECT_THROW(seeds_needed(0.01, -0.01), initlab::Error);
  EXPECT_THROW(seeds_needed(0.01, 0.01, 0.0), initlab::Error);
  EXPECT_THROW(seeds_needed(0.01, 0.01, 1.0), initlab::Error);
  EXPECT_THROW(seeds_needed(0.01, 0.01, 0.8, 0.0), initlab::Error);
  EXPECT_THROW(seeds_needed(0.01, 0.01, 0.8, 1.0), initlab::Error);
}

TEST(StatisticsSeeds, DefaultsAndShape) {
  EXPECT_EQ(seeds_needed(0.01, 0.01), seeds_needed(0.01, 0.01, 0.8, 0.05, true));
  EXPECT_EQ(seeds_needed(0.01, 0.01), seeds_needed(-0.01, 0.01));
  EXPECT_EQ(seeds_needed(10.0, 0.01), 2);  // never fewer than 2
  // More power, a stricter alpha or a smaller effect never needs fewer seeds.
  EXPECT_LE(*seeds_needed(0.01, 0.01, 0.8), *seeds_needed(0.01, 0.01, 0.9));
  EXPECT_LE(*seeds_needed(0.01, 0.01, 0.8, 0.05), *seeds_needed(0.01, 0.01, 0.8, 0.01));
  EXPECT_LE(*seeds_needed(0.02, 0.01), *seeds_needed(0.01, 0.01));
}

}  // namespace
