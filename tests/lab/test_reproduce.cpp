#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "../common/error_of.hpp"
#include "experiments/reproduce.hpp"
#include "experiments/reproductions/parts.hpp"

using namespace initlab::lab;
using initlab::testing::error_of;

namespace {

Criterion with(Outcome o) {
  Criterion c;
  c.text = "a rule";
  c.outcome = o;
  return c;
}

}  // namespace

TEST(Reproduce, VerdictNeedsEveryCriterionAndEnoughSeeds) {
  EXPECT_EQ(decide({with(Outcome::met), with(Outcome::met)}, 3, 3).first, "reproduced");
  EXPECT_EQ(decide({with(Outcome::met), with(Outcome::not_met)}, 3, 3).first, "not reproduced");
  EXPECT_EQ(decide({with(Outcome::met), with(Outcome::undecided)}, 3, 3).first, "inconclusive");
  EXPECT_EQ(decide({with(Outcome::not_met), with(Outcome::undecided)}, 3, 3).first, "not reproduced");
  // Too few seeds: inconclusive whatever the criteria say.
  const auto few = decide({with(Outcome::met)}, 2, 3);
  EXPECT_EQ(few.first, "inconclusive");
  EXPECT_NE(few.second.find("2 seeds is fewer than the 3"), std::string::npos) << few.second;
  EXPECT_EQ(decide({with(Outcome::not_met)}, 1, 2).first, "inconclusive");
  EXPECT_EQ(decide({}, 5, 2).first, "inconclusive");
}

TEST(Reproduce, UnknownNameListsTheKnownOnes) {
  const std::string e = error_of([] { find_reproduction("he2016"); });
  EXPECT_NE(e.find("unknown reproduction 'he2016'; expected one of: he2015, glorot2010, pennington2017, klambauer2017"), std::string::npos) << e;
  EXPECT_EQ(find_reproduction("glorot2010").name, "glorot2010");
  for (const auto& r : reproductions()) {
    EXPECT_GE(r.quick.seeds, r.min_seeds) << r.name;  // the default quick mode can reach a verdict
    EXPECT_FALSE(r.claim.empty());
  }
}

// Glorot & Bengio's ratios against mean-field theory (chi_1 per layer at the theory's variances):
// the measurement is within 10% of the prediction for both inits.
TEST(Reproduce, GlorotRatiosFollowMeanFieldTheory) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist")) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const auto db = std::filesystem::temp_directory_path() / ("glorot-" + std::to_string(::getpid()) + ".db");
  ReproOptions o;
  o.seeds = 2;
  o.db = db.string();
  const ReproResult r = reproduce(find_reproduction("glorot2010"), o);
  EXPECT_EQ(r.verdict, "reproduced") << r.reason;
  int with_theory = 0;
  for (const auto& m : r.measured) {
    if (!m.theory) continue;
    ++with_theory;
    EXPECT_NEAR(m.mean / *m.theory, 1.0, 0.10) << m.name;
  }
  EXPECT_EQ(with_theory, 4);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);
  ASSERT_EQ(r.figures.size(), 5u);
  // The activation and gradient panels carry a dashed mean-field curve per init that follows the
  // measured per-layer means (within 10% at every layer); the weight-gradient panel has none.
  for (std::size_t k = 0; k < 2; ++k) {
    const auto& series = r.figures[k].series;
    ASSERT_EQ(series.size(), 4u) << r.figures[k].title;
    for (std::size_t i = 0; i < 2; ++i) {
      const Series& measured = series[i];
      const Series& theory = series[i + 2];
      EXPECT_FALSE(measured.theory);
      EXPECT_TRUE(theory.theory);
      ASSERT_EQ(theory.y.size(), measured.y.size()) << theory.name;
      for (std::size_t l = 0; l < theory.y.size(); ++l) EXPECT_NEAR(measured.y[l] / theory.y[l], 1.0, 0.10) << theory.name << " layer " << l + 1;
    }
  }
  EXPECT_EQ(r.figures[2].series.size(), 2u);
  // After training: one line per init over the five hidden layers, from the training monitor.
  // After training: one line per init over the five hidden layers, from the training monitor:
  // the activations', then the back-propagated gradients' variance (finite, positive).
  for (std::size_t k = 3; k < 5; ++k) {
    ASSERT_EQ(r.figures[k].series.size(), 2u) << r.figures[k].title;
    for (const auto& s : r.figures[k].series) {
      ASSERT_EQ(s.y.size(), 5u) << s.name;
      for (double y : s.y) EXPECT_TRUE(std::isfinite(y) && y > 0) << r.figures[k].title << ": " << s.name;
    }
  }
}

// Equivalence on paired values: met when the 95% CI of the mean difference lies inside the margin,
// not met when wholly outside, undecided when it straddles a bound or there are too few pairs.
TEST(Reproduce, EquivalenceCriterion) {
  const std::vector<double> a = {0.800, 0.810, 0.820, 0.805};
  EXPECT_EQ(repro::equivalent("x", a, {0.801, 0.808, 0.822, 0.806}, 0.01).outcome, Outcome::met);
  EXPECT_EQ(repro::equivalent("x", a, {0.700, 0.712, 0.719, 0.707}, 0.01).outcome, Outcome::not_met);
  EXPECT_EQ(repro::equivalent("x", a, {0.900, 0.912, 0.919, 0.907}, 0.01).outcome, Outcome::not_met);
  EXPECT_EQ(repro::equivalent("x", a, {0.790, 0.820, 0.800, 0.815}, 0.01).outcome, Outcome::undecided);
  EXPECT_EQ(repro::equivalent("x", {0.8}, {0.8}, 0.01).outcome, Outcome::undecided);
}

// The negative control exchanges SELU and ReLU: the fixed-point criterion must fail.
TEST(Reproduce, SwappedControlIsNotReproduced) {
  ReproOptions o;
  o.seeds = 2;
  o.swap = true;
  const ReproResult r = reproduce(find_reproduction("klambauer2017"), o);
  EXPECT_EQ(r.verdict, "not reproduced");
  ASSERT_FALSE(r.criteria.empty());
  EXPECT_EQ(r.criteria.front().outcome, Outcome::not_met);
  EXPECT_TRUE(r.swapped);
}

TEST(Reproduce, JsonWritesNonFiniteAsNull) {
  ReproResult r;
  r.name = "x";
  r.measured.push_back(measure("m", {1.0, std::nan("")}, 2.0));
  Figure f;
  Series s;
  s.name = "s";
  s.x = {1, 2};
  s.y = {INFINITY, 3};
  s.half = {std::nullopt, 0.5};
  f.series.push_back(s);
  r.figures.push_back(f);
  const auto j = reproduction_json(r);
  EXPECT_EQ(j["kind"], "reproduction");
  EXPECT_TRUE(j["measured"][0]["values"][1].is_null());
  EXPECT_EQ(j["measured"][0]["theory"], 2.0);
  EXPECT_TRUE(j["figures"][0]["series"][0]["points"][0]["y"].is_null());
  EXPECT_EQ(j["figures"][0]["series"][0]["points"][1]["half"], 0.5);
  EXPECT_FALSE(reproduction_json(r).dump().empty());
}
