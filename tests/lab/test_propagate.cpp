// Signal propagation: measurement against mean-field theory on wide layers, verdicts, sweeps.
#include <gtest/gtest.h>
#include <torch/script.h>

#include <cmath>
#include <cstdio>
#include <limits>

#include "../common/error_of.hpp"
#include "experiments/propagate.hpp"
#include "initlab/byte_size.hpp"
#include "models/footprint.hpp"
#include "experiments/propagate_json.hpp"
#include "models/models.hpp"

namespace {

using namespace initlab::lab;

TEST(Propagate, WideHeReluLayersFollowMeanFieldUpToTheFiniteWidthRandomWalk) {
  // He-normal ReLU sits exactly at criticality (sigma_w^2 = 2 preserves q), where finite width
  // makes log q a random walk around the mean-field value: at width 1000, batch 1000, the
  // per-seed ratio measured/theory spreads by ~3.5% x sqrt(layer) (0.1% at layer 1, 11% at
  // layer 10). So: layer 1 within 1% for every seed, and at every layer the mean over 8 seeds
  // within 3 standard errors of 1 (measured: |mean - 1| <= 5.3%).
  PropagateConfig c;
  c.model = "mlp:1000-1000x10";  // ten layers of 1000: nine ReLU, the tenth the linear output layer
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
  c.model = "mlp:1000-1000x8-1000";  // eight tanh layers, then a linear output layer
  c.activation = "tanh";
  c.inits = {"normal:std=0.05", "normal:std=0.3"};  // sigma_w = 1.58 and 9.5
  c.bias_std = 0.05;
  const auto r = propagate(c);
  // Tanh away from criticality contracts to q*: width 1000, batch 1000, 8 layers, within 2%
  // (measured: at most 0.6%).
  ASSERT_EQ(r[0].seeds[0].size(), 9u);
  for (const auto& s : r[0].seeds[0]) EXPECT_NEAR(s.pre_var / s.theory_var.value(), 1.0, 0.02) << "layer " << s.layer;
  EXPECT_LT(r[0].seeds[0][7].saturated, 0.2);  // the eighth tanh layer
  EXPECT_GT(r[1].seeds[0][7].saturated, 0.5);
  EXPECT_EQ(r[1].seeds[0][8].saturated, 0.0);  // the output layer has no activation to saturate
}

TEST(Propagate, SmallStdVanishesLargeExplodesAndSweepsExpand) {
  PropagateConfig c;
  c.model = "mlp:200-200x10";
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
  c.model = "mlp:100-100x3";
  c.inits = {"constant:value=0"};
  c.bias_std = 0;
  const auto r = propagate(c);
  EXPECT_DOUBLE_EQ(r[0].seeds[0][0].dead, 1.0);  // all-zero weights: every ReLU unit is 0 for every input
}

TEST(Propagate, BadInput) {
  using initlab::testing::error_of;
  PropagateConfig c;
  c.inits = {"normal:std=logspace(1,2)"};
  EXPECT_EQ(error_of([&] { propagate(c); }),
            R"~(--init 'normal:std=logspace(1,2)': expected "logspace(A,B,N)" or "linspace(A,B,N)"; got "logspace(1,2)")~");
  c.inits = {"he_normal"};
  c.model = "cnn";
  EXPECT_NE(error_of([&] { propagate(c); }).find("needs the input's shape: --input gaussian:SHAPE"), std::string::npos);
  c.input = "gaussian:1x0x3";
  EXPECT_NE(error_of([&] { propagate(c); }).find("--input 'gaussian:1x0x3': shape '1x0x3' is not valid"), std::string::npos);
  c.input = "gaussian";
  c.model = "mlp:10-10x2";
  c.input = "uniform";
  EXPECT_NE(error_of([&] { propagate(c); }).find("--input 'uniform' is unknown"), std::string::npos);
}

}  // namespace

namespace {

TEST(Propagate, OrthogonalTanhNearCriticalityIsBetterConditionedThanGaussianRelu) {
  // Pennington et al. 2017 at small size: width 128, depth 16, 4 inputs.
  PropagateConfig tanh;
  tanh.model = "mlp:128-128x16";
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

// Issue 15: one model grammar, honest verdicts on overflow and NaN, bounded parsing, resources
// stated before they are spent.
namespace {

using initlab::testing::error_of;

TEST(PropagateHardening, ReadsMlpExactlyAsTrainAndReportsTheOutputLayer) {
  PropagateConfig c;
  c.model = "mlp:100-100x10";
  c.inits = {"he_normal"};
  c.batch = 64;
  const auto r = propagate(c);
  const auto& layers = r[0].seeds[0];
  // Input 100, then ten Linear layers of 100 (the old propagate read mlp:100x10 as ten ReLU
  // layers; train reads widths as a list, the last layer linear).
  ASSERT_EQ(layers.size(), 10u);
  EXPECT_EQ(layers[0].name, "fc1");
  EXPECT_EQ(layers[9].name, "fc10");
  for (int l = 0; l < 9; ++l) EXPECT_GT(layers[l].act_mean, 0.0) << "ReLU layer " << l + 1;
  // The output layer is linear: its activation is its pre-activation.
  EXPECT_NEAR(layers[9].act_std * layers[9].act_std, layers[9].pre_var, 1e-6 * layers[9].pre_var);
  EXPECT_TRUE(layers[9].theory_var.has_value());
  // train's builder makes the same ten Linear layers from the same string.
  DataSplits d;
  d.sample_shape = {100};
  d.num_classes = 100;
  int linear = 0;
  for (const auto& m : build_model(c.model, d, {})->named_children())
    if (m.value()->name().find("Linear") != std::string::npos) ++linear;
  EXPECT_EQ(linear, 10);
}

TEST(PropagateHardening, TheOldLoneNxKIsAnErrorThatSaysWhatToWrite) {
  PropagateConfig c;
  c.model = "mlp:100x10";
  c.inits = {"he_normal"};
  const std::string e = error_of([&] { propagate(c); });
  EXPECT_NE(e.find("--model 'mlp:100x10' is ambiguous"), std::string::npos) << e;
  EXPECT_NE(e.find("write mlp:100-100x10"), std::string::npos) << e;
  DataSplits d;
  d.sample_shape = {100};
  d.num_classes = 100;
  EXPECT_EQ(error_of([&] { build_model("mlp:100x10", d, {}); }), e);  // train refuses it the same way
  EXPECT_EQ(mlp_widths("mlp:784-100x3-10"), (std::vector<std::int64_t>{784, 100, 100, 100, 10}));
}

TEST(PropagateHardening, TheoryUsesEachLayersOwnFanIn) {
  // He on 400 -> 100 -> 100 -> 100: every layer's sigma_w^2 is 2, so q stays 2 E[x^2]; taking the
  // first layer's stddev for all would predict a quarter of that from layer 2 on.
  PropagateConfig c;
  c.model = "mlp:400-100x3";
  c.inits = {"he_normal"};
  c.batch = 500;
  const auto r = propagate(c);
  const auto& layers = r[0].seeds[0];
  ASSERT_EQ(layers.size(), 3u);
  for (const auto& s : layers) {
    EXPECT_NEAR(s.theory_var.value(), 2.0, 0.05) << s.name;
    EXPECT_NEAR(s.pre_var / s.theory_var.value(), 1.0, 0.3) << s.name;
  }
}

TEST(PropagateHardening, OverflowIsExplodingNotVanishing) {
  // sigma_w^2 = 100 * 1e12: the ReLU signal grows ~7e6-fold per layer and passes float's 3e38 by layer 6.
  PropagateConfig c;
  c.model = "mlp:100-100x10";
  c.inits = {"normal:std=1e6"};
  c.batch = 32;
  const auto r = propagate(c);
  EXPECT_EQ(r[0].verdict, "exploding");
  ASSERT_TRUE(r[0].nonfinite.has_value());
  EXPECT_EQ(r[0].nonfinite->value, "inf");
  EXPECT_EQ(r[0].nonfinite->pass, "forward");
  EXPECT_GT(r[0].nonfinite->layer, 3);
  const auto j = propagation_json(r)["results"][0];
  EXPECT_EQ(j["verdict"], "exploding");
  EXPECT_EQ(j["nonfinite"]["value"], "inf");
}

TEST(PropagateHardening, NanIsReportedAsNan) {
  // A TorchScript model whose forward takes the square root of negative numbers.
  torch::jit::Module m("NanNet");
  m.register_parameter("weight", torch::randn({4, 4}).requires_grad_(), false);
  m.define(R"(
def forward(self, x):
    return torch.sqrt(torch.matmul(x, self.weight))
)");
  const std::string path = ::testing::TempDir() + "initlab_nan_net.pt";
  m.save(path);
  PropagateConfig c;
  c.model = "file:" + path;
  c.input = "gaussian:4";
  c.inits = {"he_normal"};
  c.batch = 64;
  const auto r = propagate(c);
  EXPECT_EQ(r[0].verdict, "nan");
  ASSERT_TRUE(r[0].nonfinite.has_value());
  EXPECT_EQ(r[0].nonfinite->value, "nan");
  EXPECT_EQ(propagation_json(r)["results"][0]["verdict"], "nan");
  // An input the model does not take (4 features into a 4x4 weight given 5) is one line with the shape.
  c.input = "gaussian:5";
  const std::string e = error_of([&] { propagate(c); });
  EXPECT_NE(e.find("the model's forward fails on an input of shape [1, 5]"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  std::remove(path.c_str());
}

TEST(PropagateHardening, SweepsAreParsedWithoutARegexAndBounded) {
  const auto points = expand_sweep("normal:std=logspace(1,10,3)");
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[1].spec, "normal:std=3.16228");
  EXPECT_DOUBLE_EQ(points[1].value.value(), 3.16228);
  EXPECT_EQ(expand_sweep("uniform:a=linspace(-1,0,2),b=1")[0].spec, "uniform:a=-1,b=1");
  EXPECT_FALSE(expand_sweep("normal:std=0.1")[0].value.has_value());
  // 50,000 characters: an error naming the limit and quoting 40 of them, not a stack overflow.
  const std::string huge = "normal:std=logspace(" + std::string(50000, '(') + ",1,3)";
  const std::string e = error_of([&] { expand_sweep(huge); });
  EXPECT_EQ(e, "--init 'normal:std=logspace(((((((((((((((((((((...' is 50025 characters long; at most 1000 are accepted");
  EXPECT_NE(error_of([] { expand_sweep("normal:std=logspace(1,10,5.5)"); }).find("N must be a whole number 1..10000; got \"5.5\""),
            std::string::npos);
  EXPECT_NE(error_of([] { expand_sweep("normal:mean=linspace(0,1,2),std=logspace(1,2,2)"); }).find("more than one sweep"), std::string::npos);
  EXPECT_NE(error_of([] { expand_sweep("normal:logspace(1,2,2)"); }).find("after a parameter name and '='"), std::string::npos);
  PropagateConfig c;
  c.inits = {"normal:std=logspace(1e-4,10,5.5)"};
  EXPECT_NE(error_of([&] { propagate(c); }).find("N must be a whole number"), std::string::npos);
  c.inits = {"he_normal"};
  c.bias_std = std::numeric_limits<double>::infinity();
  EXPECT_EQ(error_of([&] { propagate(c); }), "--bias-std inf is invalid; expected a finite number >= 0");
  c.bias_std = 0;
  c.seeds = kMaxSeeds + 1;
  EXPECT_EQ(error_of([&] { propagate(c); }), "--seeds 1001 is invalid; expected 1..1000");
}

TEST(PropagateHardening, RefusesAStudyBeyondTheMemoryLimitBeforeAllocating) {
  PropagateConfig c;
  c.inits = {"he_normal"};
  for (const char* model : {"mlp:100000-100000x100", "mlp:10000-10000x100000"}) {
    c.model = model;
    const std::string e = error_of([&] { propagate(c); });
    EXPECT_NE(e.find("--model '" + std::string(model) + "' needs about "), std::string::npos) << e;
    EXPECT_NE(e.find("the limit is"), std::string::npos) << e;
    EXPECT_NE(e.find("raise it with --max-memory SIZE"), std::string::npos) << e;
  }
  c.model = "mlp:100-100x10";
  c.batch = 100000000;  // the input alone would be 40 GB
  EXPECT_NE(error_of([&] { propagate(c); }).find("--batch 100000000"), std::string::npos);
  c.batch = 64;
  c.max_memory_bytes = 1e3;
  EXPECT_NE(error_of([&] { propagate(c); }).find("the limit is 1000 bytes (--max-memory)"), std::string::npos);
  c.max_memory_bytes = 0;
  EXPECT_EQ(propagate(c).size(), 1u);
  // What is counted: weights and gradients, the input, three kept copies per layer.
  const Footprint f = lab_model_footprint(parse_model_spec("mlp:1000-1000x10"), {1000}, 1000, 0, 0, 0);
  EXPECT_EQ(f.parameters, 10 * 1001 * 1000.0);
  EXPECT_GT(f.bytes, 4.0 * (2 * f.parameters + 1000.0 * 1000 * (1 + 3 * 10)));
  EXPECT_LT(f.bytes, 4.0 * (2 * f.parameters + 1000.0 * 1000 * (2 + 3 * 10 + 3)) + 1);
  EXPECT_GT(lab_model_footprint(parse_model_spec("rescnn:100000x100"), {3, 32, 32}, 1000, 10, 0, 0).bytes, 1e14);
  EXPECT_GT(lab_model_footprint(parse_model_spec("resmlp:784-100000x50-10"), {1, 28, 28}, 10, 10, 0, 0).parameters, 1e11);
}

TEST(Footprint, TrainingCountsTheOptimizersStateAndTheCheckNamesTheFlag) {
  // Adam keeps two more copies of the parameters (first and second moments), SGD with momentum one.
  const Footprint plain = lab_model_footprint(parse_model_spec("mlp:784-1000-10"), {1, 28, 28}, 64, 10, 0, 0, 0);
  const Footprint adam = lab_model_footprint(parse_model_spec("mlp:784-1000-10"), {1, 28, 28}, 64, 10, 0, 0, 2);
  EXPECT_EQ(plain.parameters, 785.0 * 1000 + 1001 * 10);
  EXPECT_DOUBLE_EQ(adam.bytes - plain.bytes, 4.0 * 2 * plain.parameters);
  // The brief's memory bomb: 7.8e10 parameters, hundreds of GiB, refused with size, limit and flag.
  const Footprint bomb = lab_model_footprint(parse_model_spec("mlp:784-100000000-10"), {1, 28, 28}, 64, 10, 0, 0, 0);
  EXPECT_GT(bomb.bytes, 6e11);
  EXPECT_EQ(error_of([&] { check_footprint("--model 'x'", bomb, 64, 16.0 * (1 << 30)); }),
            "--model 'x' needs about " + initlab::bytes_text(bomb.bytes) + " for one run (7.95e+10 parameters, --batch 64); the limit is "
            "16 GiB (--max-memory): raise it with --max-memory SIZE (e.g. 64G), or use a smaller model or --batch");
  EXPECT_NO_THROW(check_footprint("--model 'x'", plain, 64, 16.0 * (1 << 30)));
}

}  // namespace

namespace {

// On a vit, each block's row carries its attention: zero q and k give logits of exactly 0 and
// uniform attention (entropy / log T = 1); N(0, 1) weights give large logits and peaked attention.
TEST(Propagate, VitBlocksCarryAttentionStatistics) {
  initlab::lab::PropagateConfig c;
  c.model = "vit:32-3-4";
  c.input = "gaussian:1x28x28";
  c.batch = 16;
  c.inits = {"zeros", "normal:std=1"};
  const auto r = initlab::lab::propagate(c);
  ASSERT_EQ(r.size(), 2u);
  int blocks = 0;
  for (const auto& s : r[0].seeds[0]) {
    if (!s.attn_logit_std) continue;
    ++blocks;
    EXPECT_EQ(*s.attn_logit_std, 0.0) << s.name;
    EXPECT_NEAR(*s.attn_entropy, 1.0, 1e-12) << s.name;
  }
  EXPECT_EQ(blocks, 3);
  for (const auto& s : r[1].seeds[0])
    if (s.attn_logit_std) {
      EXPECT_GT(*s.attn_logit_std, 1.0) << s.name;
      EXPECT_LT(*s.attn_entropy, 0.9) << s.name;
    }
}

}  // namespace
