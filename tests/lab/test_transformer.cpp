// The vit model and the transformer schemes: every matrix is a named child; each scheme gives each
// named parameter exactly the paper's (or reference code's) spec, and the drawn tensors have the
// std it implies; DeepNorm's residual multiplier is set; LSUV reaches every matrix of a block; the
// block computes what its formula says; bad specs are one-line errors.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <map>

#include "../common/error_of.hpp"
#include "initlab/number_text.hpp"
#include "initlab/torch/apply.hpp"
#include "models/models.hpp"
#include "models/vit.hpp"
#include "netinit/network_init.hpp"

namespace {

using namespace initlab::lab;
using initlab::testing::error_of;

DataSplits images(std::int64_t n = 0) {
  DataSplits d;
  d.name = "images";
  d.sample_shape = {1, 28, 28};
  d.num_classes = 10;
  if (n > 0) {
    auto gen = at::detail::createCPUGenerator(7);
    d.train.x = torch::randn({n, 1, 28, 28}, gen);
    d.train.y = torch::zeros({n}, torch::kInt64);
  }
  return d;
}

struct Built {
  torch::nn::Sequential net{nullptr};
  std::map<std::string, std::string> specs;  // parameter -> the spec the plan gave it
  std::vector<LayerInitReport> reports;
};

// As run_one does it: the scheme's base plan with the model's rules, then the scheme.
Built build(const std::string& model, const std::string& init, std::uint64_t seed = 3, const DataSplits& d = images()) {
  Built b;
  const ModelSpec spec = parse_model_spec(model);
  b.net = build_model(spec, d, {});
  const auto network = parse_network_init(init);
  const auto plan = base_plan(network, init, "", {}, initlab::GeneratorKind::philox, seed, model_rules(network, spec));
  for (const auto& p : initlab::libtorch::apply_plan(*b.net, plan)) b.specs[p.name] = p.spec;
  if (network) b.reports = apply_network_init(b.net, *network, d, seed);
  return b;
}

torch::Tensor param(torch::nn::Sequential& net, const std::string& name) {
  const auto params = net->named_parameters();  // find() points into this dictionary
  const auto* p = params.find(name);
  if (!p) ADD_FAILURE() << "no parameter " << name;
  return p ? p->detach() : torch::Tensor();
}

double std_of(const torch::Tensor& t) { return t.std(/*unbiased=*/false).item<double>(); }

// The sample std of n normal draws is within 4 standard errors (sigma / sqrt(2n)) of sigma.
void expect_std(const torch::Tensor& t, double sigma, const std::string& what) {
  const double n = static_cast<double>(t.numel());
  EXPECT_NEAR(std_of(t), sigma, 4 * sigma / std::sqrt(2 * n)) << what;
}

TEST(Vit, EveryMatrixIsANamedChildAndTheShapesAreRight) {
  auto b = build("vit:64-3-4", "xavier_uniform");
  const auto names = b.net->named_parameters();
  for (const char* n : {"embed.proj.weight", "embed.cls_token", "embed.pos_embedding", "blocks.2.attn.q.weight", "blocks.2.attn.k.weight",
                        "blocks.2.attn.v.weight", "blocks.2.attn.o.weight", "blocks.2.mlp.fc1.weight", "blocks.2.mlp.fc2.weight",
                        "blocks.0.norm1.weight", "blocks.0.norm2.bias", "pool.norm.weight", "head.weight"})
    EXPECT_NE(names.find(n), nullptr) << n;
  EXPECT_EQ(param(b.net, "embed.proj.weight").sizes(), (std::vector<std::int64_t>{64, 49}));
  EXPECT_EQ(param(b.net, "embed.pos_embedding").sizes(), (std::vector<std::int64_t>{1, 17, 64}));  // 16 patches + the class token
  EXPECT_EQ(param(b.net, "blocks.1.mlp.fc1.weight").sizes(), (std::vector<std::int64_t>{256, 64}));
  const auto y = b.net->forward(torch::randn({5, 1, 28, 28}));
  EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{5, 10}));
  // The model's defaults for what is not a Linear layer: torchvision's ViT.
  EXPECT_EQ(b.specs["embed.pos_embedding"], "normal:std=0.02");
  EXPECT_EQ(b.specs["embed.cls_token"], "zeros");
  EXPECT_TRUE(param(b.net, "embed.cls_token").eq(0).all().item<bool>());
  expect_std(param(b.net, "embed.pos_embedding"), 0.02, "pos_embedding");
  // post-LN has no final LayerNorm, none has no LayerNorm at all
  EXPECT_EQ(build("vit:32-2-4,norm=post", "xavier_uniform").net->named_parameters().find("pool.norm.weight"), nullptr);
  for (const auto& p : build("vit:32-2-4,norm=none", "xavier_uniform").net->named_parameters())
    EXPECT_EQ(p.key().find("norm"), std::string::npos) << p.key();
}

// The block against its formula, written out here with plain tensor operations.
TEST(Vit, ABlockComputesPreAndPostLayerNormResidualsAsWritten) {
  for (const std::string norm : {"pre", "post"}) {
    auto b = build("vit:16-1-2,norm=" + norm, "xavier_normal");
    auto* block = transformer_blocks(*b.net).at(0);
    torch::NoGradGuard no_grad;
    block->alpha.fill_(1.7);
    const auto x = torch::randn({3, 5, 16});
    const auto ln = [](const torch::Tensor& t, torch::nn::LayerNorm& l) { return torch::layer_norm(t, {16}, l->weight, l->bias, 1e-5); };
    const auto attention = [&](const torch::Tensor& h) {
      auto& a = block->attn;
      const auto heads = [](const torch::Tensor& t) { return t.view({3, 5, 2, 8}).permute({0, 2, 1, 3}); };
      const auto q = heads(torch::linear(h, a->q->weight, a->q->bias)), k = heads(torch::linear(h, a->k->weight, a->k->bias)),
                 v = heads(torch::linear(h, a->v->weight, a->v->bias));
      const auto p = torch::softmax(torch::matmul(q, k.transpose(2, 3)) / std::sqrt(8.0), 3);
      return torch::linear(torch::matmul(p, v).permute({0, 2, 1, 3}).reshape({3, 5, 16}), a->o->weight, a->o->bias);
    };
    const auto mlp = [&](const torch::Tensor& h) {
      auto& m = block->mlp;
      return torch::linear(torch::gelu(torch::linear(h, m->fc1->weight, m->fc1->bias)), m->fc2->weight, m->fc2->bias);
    };
    torch::Tensor expected;
    if (norm == "pre") {
      const auto h = x + attention(ln(x, block->norm1));
      expected = h + mlp(ln(h, block->norm2));  // pre-LN ignores alpha
    } else {
      const auto h = ln(1.7 * x + attention(x), block->norm1);
      expected = ln(1.7 * h + mlp(h), block->norm2);
    }
    EXPECT_TRUE(torch::allclose(block->forward(x), expected, 1e-5, 1e-5)) << norm;
  }
}

TEST(Vit, PatchesAreAConvolutionsPatchesInTheirOrder) {
  // embed.proj on (C, p, p) patches equals a stride-p convolution with the same weights.
  auto b = build("vit:8-1-2,patch=7", "xavier_normal");
  auto* e = patch_embedding(*b.net);
  ASSERT_NE(e, nullptr);
  torch::NoGradGuard no_grad;
  const auto x = torch::randn({2, 1, 28, 28});
  const auto tokens = e->forward(x);
  const auto conv = torch::conv2d(x, e->proj->weight.view({8, 1, 7, 7}), e->proj->bias, 7).flatten(2).transpose(1, 2);  // [2, 16, 8]
  EXPECT_TRUE(torch::allclose(tokens.slice(1, 1), conv + e->pos_embedding.slice(1, 1), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(tokens.select(1, 0), (e->cls_token + e->pos_embedding.slice(1, 0, 1)).squeeze(1).expand({2, 8}), 1e-6, 1e-6));
}

TEST(TransformerSchemes, Gpt2GivesEachParameterTheFormulasStd) {
  const int L = 6;
  auto b = build("vit:64-6-4", "gpt2");
  const double residual = 0.02 / std::sqrt(2.0 * L);
  for (int i = 0; i < L; ++i) {
    const std::string blk = "blocks." + std::to_string(i);
    EXPECT_EQ(b.specs[blk + ".attn.o.weight"], "normal:std=" + initlab::number_text(residual));
    EXPECT_EQ(b.specs[blk + ".mlp.fc2.weight"], "normal:std=" + initlab::number_text(residual));
    EXPECT_EQ(b.specs[blk + ".attn.q.weight"], "normal:std=0.02");
    EXPECT_EQ(b.specs[blk + ".mlp.fc1.weight"], "normal:std=0.02");
    EXPECT_EQ(b.specs[blk + ".attn.q.bias"], "zeros");
    EXPECT_EQ(b.specs[blk + ".norm1.weight"], "ones");
  }
  expect_std(torch::cat({param(b.net, "blocks.0.attn.o.weight").flatten(), param(b.net, "blocks.5.mlp.fc2.weight").flatten()}), residual,
             "gpt2 residual projections");
  expect_std(param(b.net, "blocks.3.mlp.fc1.weight"), 0.02, "gpt2 fc1");
  expect_std(param(b.net, "head.weight"), 0.02, "gpt2 head");
  EXPECT_EQ(b.specs["embed.pos_embedding"], "normal:std=0.02");
  EXPECT_EQ(build("vit:64-2-4", "gpt2:std=0.01").specs["blocks.1.attn.o.weight"], "normal:std=" + initlab::number_text(0.01 / 2.0));
}

TEST(TransformerSchemes, SmallInitIsTwoOverFiveDEverywhere) {
  auto b = build("vit:80-2-4", "small_init");
  const double s = std::sqrt(2.0 / (5.0 * 80));
  for (const char* n : {"embed.proj.weight", "embed.pos_embedding", "blocks.1.attn.q.weight", "blocks.1.attn.o.weight", "blocks.0.mlp.fc1.weight",
                        "blocks.0.mlp.fc2.weight", "head.weight"})
    EXPECT_EQ(b.specs[n], "normal:std=" + initlab::number_text(s)) << n;
  expect_std(param(b.net, "blocks.0.mlp.fc2.weight"), s, "small_init fc2");
}

TEST(TransformerSchemes, TFixupScalesValueOutputAndMlpByDepth) {
  const int L = 8;
  auto b = build("vit:64-8-4,norm=none", "t_fixup");
  const double g = 0.67 * std::pow(L, -0.25);
  // Xavier uniform of a [out, in] matrix: bound gain sqrt(6 / (in + out)); std bound / sqrt(3).
  const auto xavier_std = [](double gain, double in, double out) { return gain * std::sqrt(2.0 / (in + out)); };
  EXPECT_EQ(b.specs["blocks.3.attn.v.weight"], "xavier_uniform:gain=" + initlab::number_text(g));
  EXPECT_EQ(b.specs["blocks.3.mlp.fc2.weight"], "xavier_uniform:gain=" + initlab::number_text(g));
  EXPECT_EQ(b.specs["blocks.3.attn.q.weight"], "xavier_uniform:gain=" + initlab::number_text(1 / std::sqrt(2.0)));
  EXPECT_EQ(b.specs["head.weight"], "xavier_uniform");
  const auto fc1 = param(b.net, "blocks.3.mlp.fc1.weight");
  EXPECT_NEAR(std_of(fc1), xavier_std(g, 64, 256), 0.02 * xavier_std(g, 64, 256));
  EXPECT_LE(fc1.abs().max().item<double>(), g * std::sqrt(6.0 / 320) * (1 + 1e-6));
  // the patch projection: N(0, (9L)^(-1/2) / fan_in), fan_in 49
  expect_std(param(b.net, "embed.proj.weight"), std::pow(9.0 * L, -0.25) / 7.0, "t_fixup embedding");
}

TEST(TransformerSchemes, DeepNormSetsAlphaAndBeta) {
  const int L = 12;
  auto b = build("vit:64-12-4,norm=post", "deepnorm");
  const double alpha = std::pow(2.0 * L, 0.25), beta = std::pow(8.0 * L, -0.25);
  for (auto* block : transformer_blocks(*b.net)) EXPECT_DOUBLE_EQ(block->alpha.item<double>(), static_cast<float>(alpha));
  ASSERT_EQ(b.reports.size(), static_cast<std::size_t>(L));
  for (const char* n : {"blocks.11.attn.v.weight", "blocks.11.attn.o.weight", "blocks.0.mlp.fc1.weight", "blocks.0.mlp.fc2.weight"})
    EXPECT_EQ(b.specs[n], "xavier_normal:gain=" + initlab::number_text(beta)) << n;
  EXPECT_EQ(b.specs["blocks.4.attn.q.weight"], "xavier_normal");
  expect_std(param(b.net, "blocks.2.attn.v.weight"), beta * std::sqrt(2.0 / 128), "deepnorm v");
  expect_std(param(b.net, "blocks.2.attn.k.weight"), std::sqrt(2.0 / 128), "deepnorm k");
  // a user's override still wins over the scheme's rule
  const ModelSpec spec = parse_model_spec("vit:64-12-4,norm=post");
  const auto n = parse_network_init("deepnorm");
  const auto plan = base_plan(n, "deepnorm", "", {"blocks.0.attn.v.weight=zeros"}, initlab::GeneratorKind::philox, 1, model_rules(n, spec));
  auto net = build_model(spec, images(), {});
  for (const auto& p : initlab::libtorch::apply_plan(*net, plan))
    if (p.name == "blocks.0.attn.v.weight") EXPECT_EQ(p.spec, "zeros");
}

TEST(TransformerSchemes, RefusedWhereTheyDoNotApply) {
  const auto refused = [](const std::string& model, const std::string& init) {
    return error_of([&] { build(model, init); });
  };
  EXPECT_EQ(refused("vit:32-2-4", "deepnorm"),
            "--init 'deepnorm' is defined for post-LN transformers (DeepNorm is a post-LN residual); --model 'vit:32-2-4' has norm=pre: "
            "write vit:32-2-4,norm=post");
  EXPECT_NE(refused("vit:32-2-4,norm=post", "t_fixup").find("without LayerNorm"), std::string::npos);
  EXPECT_NE(error_of([&] { model_rules(parse_network_init("gpt2"), parse_model_spec("mlp:784-10")); }).find("is not one"), std::string::npos);
  EXPECT_NE(error_of([] { parse_model_spec("vit:30-2-4"); }).find("4 heads do not divide the dimension 30"), std::string::npos);
  EXPECT_NE(error_of([] { parse_model_spec("vit:32-2-4,norm=mid"); }).find("norm=mid is unknown"), std::string::npos);
  EXPECT_NE(error_of([] { build_model(parse_model_spec("vit:32-2-4,patch=5"), images(), {}); }).find("patch=5 does not divide"), std::string::npos);
  EXPECT_NE(error_of([] { parse_network_init("gpt2:std=0"); }).find("std=0 is invalid"), std::string::npos);
}

TEST(TransformerSchemes, LsuvReachesEveryMatrixOfEveryBlock) {
  const DataSplits d = images(256);
  auto b = build("vit:32-2-4", "lsuv", 5, d);
  std::vector<std::string> layers;
  for (const auto& r : b.reports) layers.push_back(r.layer);
  const std::vector<std::string> expected = {"embed.proj", "blocks.0.attn.q", "blocks.0.attn.k", "blocks.0.attn.v", "blocks.0.attn.o",
                                             "blocks.0.mlp.fc1", "blocks.0.mlp.fc2", "blocks.1.attn.q", "blocks.1.attn.k", "blocks.1.attn.v",
                                             "blocks.1.attn.o", "blocks.1.mlp.fc1", "blocks.1.mlp.fc2", "head"};
  EXPECT_EQ(layers, expected);
  // Each layer's output variance on the batch, measured again after the whole scheme, by a tap.
  torch::NoGradGuard no_grad;
  b.net->eval();
  std::map<std::string, double> variance;
  auto* embed = patch_embedding(*b.net);
  torch::Tensor h = embed->forward_tapped(d.train.x, [&](const std::string& n, const torch::Tensor& y) { variance["embed." + n] = y.var(false).item<double>(); });
  int i = 0;
  for (auto* block : transformer_blocks(*b.net)) {
    const std::string prefix = "blocks." + std::to_string(i++) + ".";
    h = block->forward_tapped(h, [&](const std::string& n, const torch::Tensor& y) { variance[prefix + n] = y.var(false).item<double>(); });
  }
  for (const auto& name : expected)
    if (name != "head") EXPECT_NEAR(variance[name], 1.0, 0.1) << name;
}

}  // namespace
