// Network-level initializations: LSUV and the data-dependent scheme reach their targets, ZerO's
// matrices are exactly the paper's, Fixup's scaling is exact, SkipInit zeroes the branches,
// autoencoder pretraining learns, and advise's recommendations for a table of architectures.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <unistd.h>

#include <cmath>

#include "../common/error_of.hpp"
#include "advise/advise.hpp"
#include "experiments/experiment.hpp"
#include "initlab/torch/apply.hpp"
#include "netinit/network_init.hpp"

namespace {

using namespace initlab::lab;
using initlab::testing::error_of;

DataSplits fashion(std::int64_t limit) {
  DataOptions o;
  o.limit = limit;
  return load_data("fashion-mnist", o);
}

DataSplits shapes_only(std::vector<std::int64_t> sample, std::int64_t classes) {
  DataSplits d;
  d.name = "shapes";
  d.sample_shape = std::move(sample);
  d.num_classes = classes;
  return d;
}

torch::nn::Sequential made(const std::string& model, const DataSplits& d, const std::string& init, const ModelOptions& o = {}) {
  auto net = build_model(model, d, o);
  const auto n = parse_network_init(init);
  initlab::libtorch::apply_plan(*net, initlab::libtorch::make_plan(n ? n->base : init, "", {}, initlab::GeneratorKind::philox, 1));
  if (n) apply_network_init(net, *n, d, 1);
  return net;
}

// Each Linear / Conv child's output on x, running the children in order (not through the probes).
std::vector<std::pair<std::string, torch::Tensor>> outputs(torch::nn::Sequential& net, torch::Tensor x) {
  torch::NoGradGuard no_grad;
  net->eval();
  std::vector<std::pair<std::string, torch::Tensor>> out;
  const auto named = net->named_children();
  std::size_t i = 0;
  for (auto& m : *net) {
    x = m.forward(x);
    const std::string type = named[i].value()->name();
    if (type.find("Linear") != std::string::npos || type.find("Conv") != std::string::npos) out.emplace_back(named[i].key(), x);
    ++i;
  }
  return out;
}

TEST(Lsuv, EveryLayerOutputVarianceWithinTolOnMlpAndCnn) {
  const DataSplits d = fashion(400);  // 360 training rows; batch=1000 takes all of them
  for (const char* model : {"mlp:784-64x6-10", "cnn"}) {
    auto net = made(model, d, "lsuv:batch=1000");
    for (const auto& [name, y] : outputs(net, d.train.x))
      EXPECT_NEAR(y.var(/*unbiased=*/false).item<double>(), 1.0, kLsuvTolerance) << model << " " << name;
  }
  // Without LSUV, He-normal's deep layers are not at unit variance on this data.
  auto he = made("mlp:784-64x6-10", d, "kaiming_normal");
  double worst = 0;
  for (const auto& [name, y] : outputs(he, d.train.x)) worst = std::max(worst, std::abs(y.var(false).item<double>() - 1.0));
  EXPECT_GT(worst, kLsuvTolerance);
}

TEST(Lsuv, ResidualNetsEveryLayerInsideTheBlocksToo) {
  // Each block's branch layers see the block's input (through the branch); LSUV handles them in
  // network order like every other layer.
  const DataSplits d = fashion(400);
  for (const char* model : {"resmlp:784-64x4-10", "rescnn:8x2"}) {
    auto net = made(model, d, "lsuv:batch=1000");
    torch::NoGradGuard no_grad;
    net->eval();
    torch::Tensor y = d.train.x;
    int checked = 0;
    const auto named = net->named_children();
    std::size_t i = 0;
    for (auto& m : *net) {
      const auto branch = residual_branch(*named[i].value());
      if (!branch.layers.empty()) {
        const auto h = branch.layers[0].forward(y);
        EXPECT_NEAR(h.var(false).item<double>(), 1.0, kLsuvTolerance) << model << " " << named[i].key() << ".first";
        EXPECT_NEAR(branch.layers[1].forward(branch.activation(h)).var(false).item<double>(), 1.0, kLsuvTolerance)
            << model << " " << named[i].key() << ".second";
        checked += 2;
      }
      y = m.forward(y);
      const std::string type = named[i].value()->name();
      if (branch.layers.empty() && (type.find("Linear") != std::string::npos || type.find("Conv") != std::string::npos)) {
        EXPECT_NEAR(y.var(false).item<double>(), 1.0, kLsuvTolerance) << model << " " << named[i].key();
        ++checked;
      }
      ++i;
    }
    EXPECT_EQ(checked, std::string(model) == "rescnn:8x2" ? 2 + 2 * 2 : 2 + 3 * 2) << model;
  }
}

TEST(DataDependent, EveryUnitHasTheRequestedMeanAndUnitVariance) {
  const DataSplits d = fashion(400);
  auto net = made("mlp:784-32-32-10", d, "datadep:batch=1000,mean=0.5");
  for (const auto& [name, y] : outputs(net, d.train.x)) {
    EXPECT_LT((y.mean(0) - 0.5).abs().max().item<double>(), 1e-4) << name;
    EXPECT_LT((y.var(0, /*unbiased=*/false) - 1).abs().max().item<double>(), 1e-3) << name;
  }
}

TEST(ZerO, MatricesAreThePapersAndResidualBranchesStartAtZero) {
  const DataSplits d = shapes_only({784}, 10);
  auto net = made("resmlp:784-256x2-10", d, "zero_init");
  const auto p = net->named_parameters();
  // P < Q: the partial identity I* (propagate the first P dimensions)
  EXPECT_TRUE(torch::equal(p["fc_in.weight"], torch::eye(256, 784)));
  EXPECT_TRUE(torch::equal(p["fc_out.weight"], torch::eye(10, 256)));
  // P = Q: identity; the branch's last layer: zero
  EXPECT_TRUE(torch::equal(p["block1.fc1.weight"], torch::eye(256)));
  EXPECT_TRUE(torch::equal(p["block1.fc2.weight"], torch::zeros({256, 256})));
  for (const auto& item : p)
    if (item.key().find("bias") != std::string::npos) EXPECT_EQ(item.value().abs().max().item<float>(), 0.0f) << item.key();
}

TEST(ZerO, ResidualMlpTrainsOnFashionMnistAbove80PercentIn3Epochs) {
  ExperimentConfig c;
  c.model = "resmlp:784-256x2-10";
  c.data = "fashion-mnist";
  c.inits = {"zero_init"};
  c.train.epochs = 3;
  c.db = ::testing::TempDir() + "zero-" + std::to_string(::getpid()) + ".db";
  const auto s = run_experiment(c, nullptr);
  ASSERT_EQ(s.ranked[0].finished, 1);
  EXPECT_GT(s.ranked[0].mean, 0.80);  // measured: 0.828
}

TEST(Fixup, ScalingIsExactAndBranchEndsAndClassifierAreZero) {
  const DataSplits d = shapes_only({784}, 10);
  auto base = made("resmlp:784-64x5-10", d, "kaiming_normal");  // 4 residual blocks of 2 layers
  auto fix = made("resmlp:784-64x5-10", d, "fixup");
  const auto b = base->named_parameters(), f = fix->named_parameters();
  for (int k = 1; k <= 4; ++k) {
    const std::string block = "block" + std::to_string(k);
    EXPECT_TRUE(torch::equal(f[block + ".fc1.weight"], b[block + ".fc1.weight"] * 0.5f)) << block;  // 4^(-1/(2*2-2)) = 1/2
    EXPECT_EQ(f[block + ".fc2.weight"].abs().max().item<float>(), 0.0f);
    EXPECT_EQ(f[block + ".fc2.bias"].abs().max().item<float>(), 0.0f);
  }
  EXPECT_EQ(f["fc_out.weight"].abs().max().item<float>(), 0.0f);
  EXPECT_TRUE(torch::equal(f["fc_in.weight"], b["fc_in.weight"]));  // outside the branches: the base init
  auto skip = made("resmlp:784-64x5-10", d, "skipinit");
  EXPECT_TRUE(torch::equal(skip->named_parameters()["block2.fc1.weight"], b["block2.fc1.weight"]));
  EXPECT_EQ(skip->named_parameters()["block2.fc2.weight"].abs().max().item<float>(), 0.0f);
  EXPECT_NE(error_of([&] { made("mlp:784-64-10", d, "fixup"); }).find("fixup needs a residual model"), std::string::npos);
}

TEST(DeltaOrthogonal, OneSpecForTheSeedCnn) {
  // Xiao et al. 2018: convolution kernels zero except an orthogonal centre tap; the dense layers
  // (1x1 kernels) orthogonal.
  auto net = made("cnn", shapes_only({1, 28, 28}, 10), "delta_orthogonal");
  const auto p = net->named_parameters();
  const auto conv2 = p["conv2.weight"];  // 64 x 32 x 3 x 3
  const auto centre = conv2.select(3, 1).select(2, 1);
  EXPECT_LT((centre.t().mm(centre) - torch::eye(32)).abs().max().item<double>(), 1e-5);  // orthonormal columns
  auto off = conv2.clone();
  off.select(3, 1).select(2, 1).zero_();
  EXPECT_EQ(off.abs().max().item<float>(), 0.0f);  // nothing off-centre
  const auto fc2 = p["fc2.weight"];  // 10 x 64: orthonormal rows
  EXPECT_LT((fc2.mm(fc2.t()) - torch::eye(10)).abs().max().item<double>(), 1e-5);
}

TEST(Pretrain, AutoencodersLearnEachHiddenLayer) {
  const DataSplits d = fashion(2000);
  auto net = build_model("mlp:784-64-32-10", d, {});
  initlab::libtorch::apply_plan(*net, initlab::libtorch::make_plan("kaiming_normal", "", {}, initlab::GeneratorKind::philox, 1));
  const auto before = net->named_parameters()["fc1.weight"].clone();
  const auto reports = apply_network_init(net, *parse_network_init("pretrain:ae,epochs=3"), d, 1);
  ASSERT_EQ(reports.size(), 2u);  // fc1 and fc2; the output layer is left to supervised training
  EXPECT_EQ(reports[0].layer, "fc1");
  // Standardized pixels have variance ~1: the 64-unit code reconstructs most of it.
  EXPECT_LT(reports[0].variance, 0.5);
  EXPECT_GT((net->named_parameters()["fc1.weight"] - before).abs().max().item<double>(), 1e-3);
}

TEST(NetworkInit, SpecsAndErrors) {
  const auto l = parse_network_init("lsuv:tol=0.05,max_iter=3,batch=128");
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->base, "orthogonal");
  EXPECT_EQ(l->max_iter, 3);
  EXPECT_FALSE(parse_network_init("he_normal").has_value());
  EXPECT_TRUE(parse_network_init("ZerO").has_value());
  EXPECT_NE(error_of([] { parse_network_init("lsuv:tol=0"); }).find("tol=0 is invalid"), std::string::npos);
  EXPECT_NE(error_of([] { parse_network_init("lsuv:iters=3"); }).find("unknown parameter 'iters' for lsuv; expected one of: tol, max_iter, batch"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_network_init("pretrain"); }).find("expected pretrain:ae"), std::string::npos);
  EXPECT_NE(error_of([] { parse_network_init("skipinit:base=nope"); }).find("nope"), std::string::npos);
}

TEST(Advise, RecommendationsForATableOfArchitectures) {
  const DataSplits images = shapes_only({1, 28, 28}, 10);
  struct Row {
    const char* model;
    ModelOptions options;
    const char* init;
    const char* runner_up;
  };
  for (const Row& r : {Row{"mlp:784-128-10", {"relu", false, 0}, "kaiming_normal", "xavier_normal"},
                       Row{"mlp:784-100x30-10", {"relu", false, 0}, "lsuv", "kaiming_normal"},
                       Row{"mlp:784-100x30-10", {"relu", true, 0}, "kaiming_normal", "xavier_normal"},
                       Row{"mlp:784-128-10", {"tanh", false, 0}, "xavier_normal", "kaiming_normal"},
                       Row{"mlp:784-64x30-10", {"tanh", false, 0}, "orthogonal", "xavier_normal"},
                       Row{"mlp:784-128-10", {"selu", false, 0}, "lecun_normal", "kaiming_normal"},
                       Row{"mlp:784-128x4-10", {"linear", false, 0}, "orthogonal", "xavier_normal"},
                       Row{"resmlp:784-128x4-10", {"relu", false, 0}, "skipinit", "kaiming_normal"},
                       Row{"rescnn:8x2", {"relu", false, 0}, "skipinit", "kaiming_normal"},
                       Row{"cnn", {"relu", false, 0}, "kaiming_normal", "xavier_normal"},
                       Row{"mlp:784-64-10", {"leaky_relu", false, 0}, "kaiming_normal:nonlinearity=leaky_relu,a=0.01", "xavier_normal"}}) {
    auto net = build_model(r.model, images, r.options);
    const Advice v = advise(describe(net, r.options));
    EXPECT_EQ(v.init, r.init) << r.model << " " << r.options.activation;
    EXPECT_EQ(v.runner_up, r.runner_up) << r.model << " " << r.options.activation;
    EXPECT_FALSE(v.reason.empty());
  }
}

}  // namespace
