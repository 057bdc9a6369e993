// Signal propagation: measurement against mean-field theory on wide layers, verdicts, sweeps.
#include <gtest/gtest.h>

#include <cmath>

#include "../common/error_of.hpp"
#include "experiments/propagate.hpp"

namespace {

using namespace initlab::lab;

TEST(Propagate, WideHeReluLayersFollowMeanFieldUpToTheFiniteWidthRandomWalk) {
  // He-normal ReLU sits exactly at criticality (sigma_w^2 = 2 preserves q), where finite width
  // makes log q a random walk around the mean-field value: at width 1000, batch 1000, the
  // per-seed ratio measured/theory spreads by ~3.5% x sqrt(layer) (0.1% at layer 1, 11% at
  // layer 10). So: layer 1 within 1% for every seed, and at every layer the mean over 8 seeds
  // within 3 standard errors of 1 (measured: |mean - 1| <= 5.3%).
  PropagateConfig c;
  c.model = "mlp:1000x10";
  c.activation = "relu";
  c.inits = {"he_normal"};
  c.seeds = 8;
  const auto r = propagate(c);
  ASSERT_EQ(r.size(), 1u);
  for (const auto& layers : r[0].seeds) {
    EXPECT_NEAR(layers[0].pre_var / layers[0].theory_var.value(), 1.0, 0.01);
    for (const auto& s : layers) EXPECT_NEAR(s.theory_var.value(), 2.0, 2e-3);  // q_1 = 2 E[x^2] (sample), then preserved
  }
  for (std::size_t l = 0; l < 10; ++l) {
    double sum = 0, sum2 = 0;
    for (const auto& layers : r[0].seeds) {
      const double ratio = layers[l].pre_var / layers[l].theory_var.value();
      sum += ratio;
      sum2 += ratio * ratio;
    }
    const double mean = sum / 8, sd = std::sqrt(std::max(0.0, (sum2 - 8 * mean * mean) / 7));
    EXPECT_LE(std::fabs(mean - 1), 3 * sd / std::sqrt(8.0) + 0.01) << "layer " << l + 1;
  }
  EXPECT_EQ(r[0].verdict, "stable");
}

TEST(Propagate, TanhWithBiasMatchesTheoryAndSaturatesWhenLarge) {
  PropagateConfig c;
  c.model = "mlp:1000x8";
  c.activation = "tanh";
  c.inits = {"normal:std=0.05", "normal:std=0.3"};  // sigma_w = 1.58 and 9.5
  c.bias_std = 0.05;
  const auto r = propagate(c);
  // Tanh away from criticality contracts to q*: width 1000, batch 1000, 8 layers, within 2%
  // (measured: at most 0.6%).
  for (const auto& s : r[0].seeds[0]) EXPECT_NEAR(s.pre_var / s.theory_var.value(), 1.0, 0.02) << "layer " << s.layer;
  EXPECT_LT(r[0].seeds[0].back().saturated, 0.2);
  EXPECT_GT(r[1].seeds[0].back().saturated, 0.5);
}

TEST(Propagate, SmallStdVanishesLargeExplodesAndSweepsExpand) {
  PropagateConfig c;
  c.model = "mlp:200x10";
  c.inits = {"normal:std=logspace(1e-3,1,3)"};
  c.batch = 200;
  c.seeds = 2;
  const auto r = propagate(c);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].init, "normal:std=0.001");
  EXPECT_EQ(r[0].verdict, "vanishing");  // sigma_w^2 = 200e-6: the signal shrinks ~10^-2.5 per layer
  EXPECT_EQ(r[2].verdict, "exploding");  // sigma_w^2 = 200
  EXPECT_EQ(r[1].init, "normal:std=0.0316228");
  EXPECT_EQ(r[0].seeds.size(), 2u);
}

TEST(Propagate, DeadUnitsWithNegativeBias) {
  PropagateConfig c;
  c.model = "mlp:100x3";
  c.inits = {"constant:value=0"};
  c.bias_std = 0;
  const auto r = propagate(c);
  EXPECT_DOUBLE_EQ(r[0].seeds[0][0].dead, 1.0);  // all-zero weights: every ReLU unit is 0 for every input
}

TEST(Propagate, BadInput) {
  using initlab::testing::error_of;
  PropagateConfig c;
  c.inits = {"normal:std=logspace(1,2)"};
  EXPECT_NE(error_of([&] { propagate(c); }).find("is not KEY=logspace(A,B,N)"), std::string::npos);
  c.inits = {"he_normal"};
  c.model = "cnn";
  EXPECT_NE(error_of([&] { propagate(c); }).find("needs the input's shape: --input gaussian:SHAPE"), std::string::npos);
  c.input = "gaussian:1x0x3";
  EXPECT_NE(error_of([&] { propagate(c); }).find("--input 'gaussian:1x0x3': shape '1x0x3' is not valid"), std::string::npos);
  c.input = "gaussian";
  c.model = "mlp:10x2";
  c.input = "uniform";
  EXPECT_NE(error_of([&] { propagate(c); }).find("--input 'uniform' is unknown"), std::string::npos);
}

}  // namespace

namespace {

TEST(Propagate, OrthogonalTanhNearCriticalityIsBetterConditionedThanGaussianRelu) {
  // Pennington et al. 2017 at small size: width 128, depth 16, 4 inputs.
  PropagateConfig tanh;
  tanh.model = "mlp:128x16";
  tanh.activation = "tanh";
  tanh.inits = {"orthogonal:gain=1.05"};
  tanh.bias_std = 0.02;
  tanh.batch = 16;
  tanh.jacobian_samples = 4;
  PropagateConfig relu = tanh;
  relu.activation = "relu";
  relu.inits = {"he_normal"};
  relu.bias_std = 0;
  const auto t = propagate(tanh)[0].jacobian;
  const auto r = propagate(relu)[0].jacobian;
  ASSERT_TRUE(t && r);
  EXPECT_LT(t->spread, r->spread);
  EXPECT_LT(t->condition, r->condition);
  EXPECT_NEAR(r->mean_squared, 1.0, 0.5);  // He keeps the mean squared singular value near 1 ...
  EXPECT_GT(r->spread, 1.0);               // ... but spreads the spectrum (no dynamical isometry)
}

}  // namespace

namespace {

TEST(Propagate, SeedCnnLayersByNameAndConvVarianceByFanIn) {
  // He-normal conv1 on N(0, 1) images: Var(pre) = E[|w_c|^2] E[x^2] = 2. One net's 32 filters of
  // 9 weights make that a chi-square average with a relative sd of sqrt(2 / (9 * 32)) = 8.3%;
  // the mean over 8 seeds has sd 0.06, so within 0.2 (3.4 sd).
  PropagateConfig c;
  c.model = "cnn";
  c.input = "gaussian:1x28x28";
  c.inits = {"he_normal"};
  c.batch = 16;
  c.seeds = 8;
  const auto r = propagate(c);
  const auto& layers = r[0].seeds[0];
  ASSERT_EQ(layers.size(), 4u);
  double mean = 0;
  for (const auto& seed : r[0].seeds) mean += seed[0].pre_var / 8;
  EXPECT_NEAR(mean, 2.0, 0.2);
  EXPECT_EQ(layers[0].name, "conv1");
  EXPECT_EQ(layers[1].name, "conv2");
  EXPECT_EQ(layers[3].name, "fc2");
  EXPECT_FALSE(layers[0].theory_var.has_value());  // no mean-field line for pooled nets
  EXPECT_EQ(layers[0].dead, 0.0);  // every conv1 channel is positive somewhere in 16 x 26 x 26 outputs
  for (const auto& s : layers) EXPECT_GT(s.grad_weight_std, 0.0) << s.name;
}

TEST(Propagate, ResidualBlocksAccumulateVarianceAtInit) {
  // x + F(x) with F independent of x at init: Var grows block after block (Var x + Var F).
  PropagateConfig c;
  c.model = "rescnn:16x4";
  c.input = "gaussian:1x12x12";
  c.inits = {"he_normal"};
  c.batch = 32;
  const auto r = propagate(c);
  const auto& layers = r[0].seeds[0];
  ASSERT_EQ(layers.size(), 6u);  // conv_in, block1..4, fc_out
  EXPECT_EQ(layers[1].name, "block1");
  for (int b = 2; b <= 4; ++b) EXPECT_GT(layers[b].pre_var, 1.2 * layers[b - 1].pre_var) << layers[b].name;
}

}  // namespace
