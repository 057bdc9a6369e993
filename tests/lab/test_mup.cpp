// μP (Yang et al. 2021, Tensor Programs V) and the coordinate check: every multiplier against
// Table 3 at two widths, on the parameters of built models (roles, the readout's init, the
// optimizer's learning rate per parameter, the size of Adam's first update), the attention-logit
// scale, refusals; the coordinate check's slopes: the standard parametrization with Adam grows the
// output with width, μP does not.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <map>

#include "../common/error_of.hpp"
#include "experiments/coordcheck.hpp"
#include "experiments/run.hpp"
#include "models/mup.hpp"
#include "models/vit.hpp"
#include "train/trainer.hpp"

namespace {

using namespace initlab::lab;
using initlab::testing::error_of;

DataSplits small_fashion() {
  DataOptions o;
  o.limit = 1000;
  static DataCache cache;
  return cache.get("fashion-mnist", o);
}

RunSpec spec_for(const std::string& model, const std::string& param, Optimizer optimizer, std::uint64_t seed = 5) {
  RunSpec s;
  s.model = model;
  s.data = "fashion-mnist";
  s.data_options.limit = 1000;
  s.init = "torch_default";
  s.seed = seed;
  s.train.optimizer = optimizer;
  s.train.lr = 0.01;
  s.model_options.param = parse_parametrization(param);
  parse_run_spec(s);
  return s;
}

std::map<std::string, torch::Tensor> params_of(torch::nn::Sequential& net) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& p : net->named_parameters()) out[p.key()] = p.value().detach().clone();
  return out;
}

TEST(Parametrization, ParsesAndPrintsCanonically) {
  EXPECT_EQ(to_string(parse_parametrization("standard")), "standard");
  EXPECT_EQ(to_string(parse_parametrization("mup")), "mup:base_width=64");
  EXPECT_EQ(to_string(parse_parametrization("mup:base_width=32,readout=zero")), "mup:base_width=32,readout=zero");
  EXPECT_EQ(parse_parametrization("mup:readout=scaled").readout, ReadoutInit::scaled);
  EXPECT_NE(error_of([] { parse_parametrization("muP"); }).find("--param 'muP' is unknown"), std::string::npos);
  EXPECT_NE(error_of([] { parse_parametrization("mup:base_width=0"); }).find("base_width"), std::string::npos);
  EXPECT_NE(error_of([] { parse_parametrization("mup:width=3"); }).find("width"), std::string::npos);
  EXPECT_NE(error_of([] { parse_parametrization("mup:readout=ones"); }).find("readout=ones is unknown"), std::string::npos);
  EXPECT_NE(error_of([] { parse_parametrization("standard:base_width=3"); }).find("is unknown"), std::string::npos);
}

// TP5 Table 3 (μP column; fan_in / fan_out of a width dimension = m x its base), relative to the
// standard parametrization at the base width: init variance input 1/fan_in (x1), hidden 1/fan_in
// (x1), output 1/fan_in^2 (x 1/m); SGD lr input fan_out (x m), hidden 1 (x1), output 1/fan_in
// (x 1/m); Adam lr input 1 (x1), hidden 1/fan_in (x 1/m), output 1/fan_in (x 1/m); biases as
// input weights.
TEST(Parametrization, MultipliersAreTable3AtTwoWidths) {
  const Parametrization mup = parse_parametrization("mup:base_width=64");
  for (const double m : {2.0, 16.0}) {
    SCOPED_TRACE(m);
    const auto sgd = [&](MupRole r) { return mup_scale(mup, r, m, Optimizer::sgd); };
    const auto adam = [&](MupRole r) { return mup_scale(mup, r, m, Optimizer::adam); };
    EXPECT_DOUBLE_EQ(sgd(MupRole::input).lr, m);
    EXPECT_DOUBLE_EQ(sgd(MupRole::hidden).lr, 1);
    EXPECT_DOUBLE_EQ(sgd(MupRole::output).lr, 1 / m);
    EXPECT_DOUBLE_EQ(sgd(MupRole::vector).lr, m);
    EXPECT_DOUBLE_EQ(sgd(MupRole::output_bias).lr, 1);
    EXPECT_DOUBLE_EQ(adam(MupRole::input).lr, 1);
    EXPECT_DOUBLE_EQ(adam(MupRole::hidden).lr, 1 / m);
    EXPECT_DOUBLE_EQ(adam(MupRole::output).lr, 1 / m);
    EXPECT_DOUBLE_EQ(adam(MupRole::vector).lr, 1);
    EXPECT_DOUBLE_EQ(adam(MupRole::output_bias).lr, 1);
    for (MupRole r : {MupRole::input, MupRole::hidden, MupRole::vector, MupRole::output_bias}) EXPECT_DOUBLE_EQ(adam(r).init, 1);
    EXPECT_DOUBLE_EQ(std::pow(adam(MupRole::output).init, 2), 1 / m);  // the variance
    EXPECT_DOUBLE_EQ(mup_scale(parse_parametrization("mup:readout=zero"), MupRole::output, m, Optimizer::adam).init, 0);
    const MupScale standard = mup_scale(Parametrization{}, MupRole::hidden, m, Optimizer::adam);
    EXPECT_DOUBLE_EQ(standard.lr, 1);
    EXPECT_DOUBLE_EQ(standard.init, 1);
  }
}

TEST(Parametrization, AttentionLogitsScaleAsOneOverD) {
  const Parametrization mup = parse_parametrization("mup:base_width=32");
  EXPECT_DOUBLE_EQ(attention_logit_multiplier({}, 64, 4), 1 / std::sqrt(16.0));
  EXPECT_DOUBLE_EQ(attention_logit_multiplier(mup, 32, 4), 1 / std::sqrt(8.0));  // equal to standard at the base width
  EXPECT_DOUBLE_EQ(attention_logit_multiplier(mup, 128, 4), std::sqrt(8.0) / 32);
  EXPECT_DOUBLE_EQ(attention_logit_multiplier(mup, 256, 4) / attention_logit_multiplier(mup, 128, 4), 0.5);  // 1/d
}

TEST(Mup, RolesOfAnMlpAndTheReadoutInitAtTwoWidths) {
  const DataSplits d = small_fashion();
  for (const std::int64_t width : {256, 1024}) {
    SCOPED_TRACE(width);
    const std::string model = "mlp:784-" + std::to_string(width) + "x2-10";
    auto standard = prepare_run(spec_for(model, "standard", Optimizer::adam), d, nullptr);
    auto mup = prepare_run(spec_for(model, "mup:base_width=64", Optimizer::adam), d, nullptr);
    const double m = static_cast<double>(width) / 64;
    std::map<std::string, MupRole> roles;
    for (const auto& s : parameter_scales(parse_model_spec(model), parse_parametrization("mup"), *mup.model, Optimizer::adam)) roles[s.name] = s.role;
    EXPECT_EQ(roles.at("fc1.weight"), MupRole::input);
    EXPECT_EQ(roles.at("fc1.bias"), MupRole::vector);
    EXPECT_EQ(roles.at("fc2.weight"), MupRole::hidden);
    EXPECT_EQ(roles.at("fc2.bias"), MupRole::vector);
    EXPECT_EQ(roles.at("fc3.weight"), MupRole::output);
    EXPECT_EQ(roles.at("fc3.bias"), MupRole::output_bias);
    // Same seed, same draw: only the readout differs, by exactly m^-1/2.
    auto a = params_of(standard.model), b = params_of(mup.model);
    for (const auto& [name, t] : a) {
      if (name == "fc3.weight") EXPECT_TRUE(torch::allclose(b[name], t / std::sqrt(m), 0, 1e-7)) << name;
      else EXPECT_TRUE(torch::equal(b[name], t)) << name;
    }
    // The learning rates per parameter: Adam, hidden and output at lr / m.
    std::map<std::string, double> lr(mup.train.lr_multipliers.begin(), mup.train.lr_multipliers.end());
    EXPECT_EQ(lr.size(), 2u);
    EXPECT_DOUBLE_EQ(lr.at("fc2.weight"), 1 / m);
    EXPECT_DOUBLE_EQ(lr.at("fc3.weight"), 1 / m);
    EXPECT_TRUE(standard.train.lr_multipliers.empty());
    // SGD: input weights and every width-sized bias at lr x m, the readout at lr / m.
    auto sgd = prepare_run(spec_for(model, "mup:base_width=64", Optimizer::sgd), d, nullptr);
    std::map<std::string, double> slr(sgd.train.lr_multipliers.begin(), sgd.train.lr_multipliers.end());
    EXPECT_DOUBLE_EQ(slr.at("fc1.weight"), m);
    EXPECT_DOUBLE_EQ(slr.at("fc1.bias"), m);
    EXPECT_DOUBLE_EQ(slr.at("fc2.bias"), m);
    EXPECT_DOUBLE_EQ(slr.at("fc3.weight"), 1 / m);
    EXPECT_EQ(slr.count("fc2.weight"), 0u);
    EXPECT_EQ(slr.count("fc3.bias"), 0u);
  }
}

// Adam's first step moves every coordinate by lr g / (|g| + eps), about lr: the largest move of
// each matrix is the learning rate its group got.
TEST(Mup, AdamFirstStepMovesEachMatrixByItsLearningRate) {
  const DataSplits d = small_fashion();
  auto run = prepare_run(spec_for("mlp:784-512x2-10", "mup:base_width=64", Optimizer::adam), d, nullptr);
  const auto before = params_of(run.model);
  auto optimizer = make_optimizer(run.model, run.train);
  const auto x = d.train.x.slice(0, 0, 64), y = d.train.y.slice(0, 0, 64);
  optimizer->zero_grad();
  batch_loss(Loss::ce, run.model->forward(x), y, d).backward();
  optimizer->step();
  const auto after = params_of(run.model);
  const double lr = 0.01, m = 8;
  EXPECT_NEAR((after.at("fc1.weight") - before.at("fc1.weight")).abs().max().item<double>(), lr, lr * 1e-3);
  EXPECT_NEAR((after.at("fc2.weight") - before.at("fc2.weight")).abs().max().item<double>(), lr / m, lr / m * 1e-3);
  EXPECT_NEAR((after.at("fc3.weight") - before.at("fc3.weight")).abs().max().item<double>(), lr / m, lr / m * 1e-3);
  EXPECT_NEAR((after.at("fc3.bias") - before.at("fc3.bias")).abs().max().item<double>(), lr, lr * 1e-3);
}

TEST(Mup, VitRolesAndAttentionScale) {
  const DataSplits d = small_fashion();
  auto run = prepare_run(spec_for("vit:64-2-4", "mup:base_width=32", Optimizer::adam), d, nullptr);
  std::map<std::string, ParameterScale> by_name;
  for (const auto& s : parameter_scales(parse_model_spec("vit:64-2-4"), parse_parametrization("mup:base_width=32"), *run.model, Optimizer::adam))
    by_name[s.name] = s;
  EXPECT_EQ(by_name.at("embed.proj.weight").role, MupRole::input);
  EXPECT_EQ(by_name.at("embed.cls_token").role, MupRole::vector);
  EXPECT_EQ(by_name.at("embed.pos_embedding").role, MupRole::vector);
  for (const char* h : {"blocks.0.attn.q.weight", "blocks.1.attn.o.weight", "blocks.1.mlp.fc1.weight", "blocks.0.mlp.fc2.weight"}) {
    EXPECT_EQ(by_name.at(h).role, MupRole::hidden) << h;
    EXPECT_DOUBLE_EQ(by_name.at(h).scale.lr, 0.5) << h;
  }
  EXPECT_EQ(by_name.at("blocks.0.norm1.weight").role, MupRole::vector);
  EXPECT_EQ(by_name.at("blocks.0.attn.q.bias").role, MupRole::vector);
  EXPECT_EQ(by_name.at("head.weight").role, MupRole::output);
  EXPECT_DOUBLE_EQ(by_name.at("head.weight").scale.init, 1 / std::sqrt(2.0));
  EXPECT_EQ(by_name.at("head.bias").role, MupRole::output_bias);
  for (auto* b : transformer_blocks(*run.model)) EXPECT_DOUBLE_EQ(b->attn->logit_multiplier, std::sqrt(8.0) / 16);
  auto standard = prepare_run(spec_for("vit:64-2-4", "standard", Optimizer::adam), d, nullptr);
  for (auto* b : transformer_blocks(*standard.model)) EXPECT_DOUBLE_EQ(b->attn->logit_multiplier, 0.25);
}

TEST(Mup, RefusedWhereItIsNotDefined) {
  const DataSplits d = small_fashion();
  EXPECT_NE(error_of([&] { prepare_run(spec_for("cnn", "mup", Optimizer::adam), d, nullptr); }).find("--param mup is defined here for mlp: and vit:"),
            std::string::npos);
  EXPECT_NE(error_of([&] { prepare_run(spec_for("mlp:784-10", "mup", Optimizer::adam), d, nullptr); }).find("no hidden layer"), std::string::npos);
  EXPECT_NE(error_of([&] { prepare_run(spec_for("resmlp:784-64x3-10", "mup", Optimizer::adam), d, nullptr); }).find("is neither"), std::string::npos);
  EXPECT_NE(error_of([&] { prepare_run(spec_for("mlp:784-256-128-10", "mup", Optimizer::adam), d, nullptr); })
                .find("has hidden layers of 256 and 128 units; μP here scales one width"),
            std::string::npos);
}

TEST(CoordCheck, SlopeOfAPowerLaw) {
  const std::vector<std::int64_t> w = {64, 128, 256, 512};
  std::vector<double> v;
  for (auto x : w) v.push_back(3 * std::pow(static_cast<double>(x), 0.5));
  EXPECT_NEAR(*log_log_slope(w, v), 0.5, 1e-12);
  v[2] = 0;
  EXPECT_FALSE(log_log_slope(w, v).has_value());
}

TEST(CoordCheck, ModelAtWidth) {
  const DataSplits d = small_fashion();
  EXPECT_EQ(model_at_width("mlp", 128, d), "mlp:784-128x3-10");
  EXPECT_EQ(model_at_width("vit", 64, d), "vit:64-2-4");
  EXPECT_EQ(model_at_width("vit:W-4-2,norm=post", 32, d), "vit:32-4-2,norm=post");
  EXPECT_NE(error_of([&] { model_at_width("mlp:784-128-10", 64, d); }).find("has no W"), std::string::npos);
}

// The acceptance of the coordinate check: with Adam at lr 1e-3, the standard parametrization's
// output grows with width after a few steps (slope above kGrowingSlope at t=5; measured 0.91), μP
// keeps every layer's change since init within +-kStableSlope at every step after the first
// update (measured within +-0.11) and no size grows. 3 seeds, widths 64..1024, mlp:784-Wx3-10.
CoordCheckResult check_mlp(const std::string& param) {
  CoordCheckConfig c;
  c.model = "mlp";
  c.widths = {64, 128, 256, 512, 1024};
  c.steps = 5;
  c.seeds = 3;
  c.data_options.limit = 1000;
  c.param = parse_parametrization(param);
  c.train.optimizer = Optimizer::adam;
  c.train.lr = 1e-3;
  c.train.batch = 64;
  DataCache cache;
  return coordcheck(c, cache, nullptr);
}

// With a zero readout nothing below it moves in the first step (its gradient is W^T g = 0): a
// change of exactly 0 at every width is no violation, and μP stays width-stable.
TEST(CoordCheck, ZeroReadoutIsWidthStable) {
  const CoordCheckResult r = check_mlp("mup:base_width=64,readout=zero");
  EXPECT_EQ(r.layers.front().update[0][1], 0.0);
  EXPECT_FALSE(r.layers.front().update_slope[1].has_value());
  EXPECT_TRUE(coord_verdict(r).stable()) << (coord_verdict(r).unstable.empty() ? "" : coord_verdict(r).unstable.front());
}

TEST(CoordCheck, StandardAdamGrowsWithWidthMupDoesNot) {
  const CoordCheckResult sp = check_mlp("standard");
  const CoordCheckResult mup = check_mlp("mup:base_width=64");
  ASSERT_EQ(sp.layers.size(), 4u);
  EXPECT_EQ(sp.layers.back().role, "output");
  for (const auto& l : sp.layers) {
    std::string slopes;
    for (const auto& s : l.slope) slopes += " " + (s ? std::to_string(*s) : std::string("-"));
    std::printf("standard %-6s%s\n", l.name.c_str(), slopes.c_str());
  }
  for (const auto& l : mup.layers) {
    std::string slopes;
    for (const auto& s : l.slope) slopes += " " + (s ? std::to_string(*s) : std::string("-"));
    std::printf("mup      %-6s%s\n", l.name.c_str(), slopes.c_str());
  }
  EXPECT_GT(*sp.layers.back().slope.back(), kGrowingSlope);
  EXPECT_FALSE(coord_verdict(sp).stable());
  EXPECT_TRUE(coord_verdict(mup).stable()) << (coord_verdict(mup).unstable.empty() ? "" : coord_verdict(mup).unstable.front());
  // At init the hidden layers are width-independent under both (1/fan_in init).
  for (std::size_t k = 0; k + 1 < sp.layers.size(); ++k) EXPECT_LT(std::fabs(*sp.layers[k].slope[0]), kStableSlope) << sp.layers[k].name;
  EXPECT_TRUE(sp.diverged.empty());
}

}  // namespace

namespace {

// The same on a vit (pre-LN, 2 blocks, 4 heads; every Linear inside the blocks is a layer of the
// check): under μP (base width 32, attention logits 1/d) every change stays width-independent;
// under the standard parametrization the blocks' changes grow with width from the first update
// (measured with 3 seeds at widths 32..256: every change slope at t=1 0.37..0.85 standard, within
// +-0.2 under μP).
TEST(CoordCheck, VitUnderMupIsWidthStableStandardIsNot) {
  CoordCheckConfig c;
  c.model = "vit";
  c.widths = {32, 64, 128, 256};
  c.steps = 3;
  c.seeds = 2;
  c.data_options.limit = 1000;
  c.train.optimizer = Optimizer::adam;
  c.train.lr = 1e-3;
  DataCache cache;
  c.param = parse_parametrization("mup:base_width=32");
  const CoordCheckResult mup = coordcheck(c, cache, nullptr);
  c.param = Parametrization{};
  const CoordCheckResult sp = coordcheck(c, cache, nullptr);
  ASSERT_EQ(mup.layers.size(), 2u * 7 + 2);  // embed, 6 Linear layers and the block, twice, head
  EXPECT_TRUE(coord_verdict(mup).stable()) << (coord_verdict(mup).unstable.empty() ? "" : coord_verdict(mup).unstable.front());
  EXPECT_FALSE(coord_verdict(sp).stable());
  EXPECT_GT(*sp.layers.back().update_slope[1], kGrowingSlope);  // the head's change after one step
}

}  // namespace
