// The torch adapter: specs applied to modules by layer kind, role and name; per-name streams;
// PyTorch's own defaults reproduced bit for bit with the torch generator.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <bit>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../common/error_of.hpp"
#include "initlab/initlab.hpp"
#include "initlab/torch/apply.hpp"

namespace {

using initlab::libtorch::apply_plan;
using initlab::libtorch::make_plan;

TEST(Adapter, TorchDefaultWithTorchGeneratorIsNnLinearBitForBit) {
  std::ifstream in(std::string(INITLAB_TEST_DATA) + "/torch_baseline_default.json");
  const auto baseline = nlohmann::json::parse(in);
  for (const auto& c : baseline["cases"]) {
    if (c["name"] != "nn.Linear(784,128)") continue;
    torch::nn::Sequential net(torch::nn::Linear(784, 128));
    apply_plan(*net, make_plan("torch_default", "", {}, initlab::GeneratorKind::torch, c["seed"].get<std::uint64_t>()));
    const auto params = net->parameters();
    for (int k = 0; k < 2; ++k) {
      const auto bits = c["tensors"][k]["bits"].get<std::vector<std::uint32_t>>();
      const auto t = params[k].contiguous();
      ASSERT_EQ(t.numel(), static_cast<std::int64_t>(bits.size()));
      for (std::size_t i = 0; i < bits.size(); ++i)
        ASSERT_EQ(std::bit_cast<std::uint32_t>(t.data_ptr<float>()[i]), bits[i]) << (k ? "bias " : "weight ") << i;
    }
    return;
  }
  FAIL() << "baseline case missing";
}

TEST(Adapter, WeightsBiasesNormsAndOverrides) {
  torch::nn::Sequential net;
  net->push_back("fc1", torch::nn::Linear(400, 300));
  net->push_back("bn1", torch::nn::BatchNorm1d(300));
  net->push_back("fc2", torch::nn::Linear(300, 10));
  const auto report = apply_plan(*net, make_plan("he_normal", "", {"fc2.*=zeros"}, initlab::GeneratorKind::philox, 3));
  const auto p = net->named_parameters();
  EXPECT_NEAR(p["fc1.weight"].std().item<double>(), std::sqrt(2.0 / 400), 0.01 * std::sqrt(2.0 / 400));
  EXPECT_EQ(p["fc1.bias"].abs().max().item<float>(), 0.0f);  // he_normal's biases: zeros
  EXPECT_EQ(p["bn1.weight"].min().item<float>(), 1.0f);
  EXPECT_EQ(p["bn1.bias"].abs().max().item<float>(), 0.0f);
  EXPECT_EQ(p["fc2.weight"].abs().max().item<float>(), 0.0f);
  ASSERT_EQ(report.size(), 6u);
  EXPECT_EQ(report[4].spec, "zeros");
  EXPECT_EQ(report[0].fan->in, 400);
}

TEST(Adapter, AddingALayerDoesNotChangeOtherLayers) {
  torch::nn::Sequential a, b;
  a->push_back("fc1", torch::nn::Linear(20, 30));
  a->push_back("fc2", torch::nn::Linear(30, 5));
  b->push_back("fc0", torch::nn::Linear(20, 20));
  b->push_back("fc1", torch::nn::Linear(20, 30));
  b->push_back("fc2", torch::nn::Linear(30, 5));
  const auto plan = make_plan("xavier_uniform", "normal:std=0.1", {}, initlab::GeneratorKind::philox, 9);
  apply_plan(*a, plan);
  apply_plan(*b, plan);
  for (const char* name : {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"})
    EXPECT_TRUE(torch::equal(a->named_parameters()[name], b->named_parameters()[name])) << name;
}

TEST(Adapter, ConvTransposeSwapsFanRoles) {
  torch::nn::Sequential net;
  net->push_back("up", torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(64, 8, 3)));  // weight (64, 8, 3, 3)
  const auto report = apply_plan(*net, make_plan("kaiming_normal", "", {}, initlab::GeneratorKind::philox, 1));
  EXPECT_EQ(report[0].fan->in, 64 * 9);
  EXPECT_EQ(report[0].fan->out, 8 * 9);
  EXPECT_NEAR(net->named_parameters()["up.weight"].std().item<double>(), std::sqrt(2.0 / (64 * 9)), 0.05 * std::sqrt(2.0 / 576));
}

TEST(Adapter, LstmWeightsPerGateBlock) {
  torch::nn::Sequential net;
  net->push_back("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(16, 32)));
  const auto report = apply_plan(*net, make_plan("orthogonal", "", {}, initlab::GeneratorKind::philox, 2));
  const auto hh = net->named_parameters()["lstm.weight_hh_l0"];  // (4*32, 32): four orthogonal 32x32 blocks
  for (int g = 0; g < 4; ++g) {
    const auto block = hh.slice(0, g * 32, (g + 1) * 32);
    EXPECT_LT((block.matmul(block.t()) - torch::eye(32)).abs().max().item<float>(), 1e-5) << "gate " << g;
  }
  EXPECT_EQ(report[0].gates, 4);
  EXPECT_EQ(net->named_parameters()["lstm.bias_ih_l0"].abs().max().item<float>(), 0.0f);
}

TEST(Adapter, AnOverrideThatSetsNothingIsAnError) {
  torch::nn::Sequential net;
  net->push_back("fc1", torch::nn::Linear(4, 3));
  net->push_back("fc2", torch::nn::Linear(3, 2));
  const auto before = net->named_parameters()["fc1.weight"].clone();
  const auto apply = [&](std::vector<std::string> overrides) {
    return initlab::testing::error_of(
        [&] { apply_plan(*net, make_plan("he_normal", "", overrides, initlab::GeneratorKind::philox, 0)); });
  };
  EXPECT_EQ(apply({"fc3.*=zeros"}),
            "--override 'fc3.*=zeros' matches no parameter of the model; its parameters are: fc1.weight, fc1.bias, fc2.weight, fc2.bias");
  // The first matching override wins: a later one that only matches what an earlier one took is never used
  EXPECT_NE(apply({"*.weight=zeros", "fc1.weight=ones"}).find("'fc1.weight=ones' matches only parameters that an earlier --override already sets"),
            std::string::npos);
  EXPECT_TRUE(torch::equal(before, net->named_parameters()["fc1.weight"]));  // checked before anything is filled
  EXPECT_EQ(apply({"fc1.weight=ones", "*.weight=zeros"}), "<no error>");
  EXPECT_EQ(net->named_parameters()["fc1.weight"].min().item<float>(), 1.0f);
  EXPECT_EQ(net->named_parameters()["fc2.weight"].abs().max().item<float>(), 0.0f);
  // A long list of parameters is cut
  torch::nn::Sequential deep;
  for (int i = 0; i < 10; ++i) deep->push_back("l" + std::to_string(i), torch::nn::Linear(2, 2));
  const std::string e = initlab::testing::error_of(
      [&] { apply_plan(*deep, make_plan("he_normal", "", {"nope=zeros"}, initlab::GeneratorKind::philox, 0)); });
  EXPECT_NE(e.find("l0.weight, l0.bias, l1.weight, l1.bias, l2.weight, l2.bias, ... (20 in all)"), std::string::npos) << e;
}

TEST(Adapter, GlobPatterns) {
  using initlab::libtorch::glob_match;
  EXPECT_TRUE(glob_match("fc3.*", "fc3.weight"));
  EXPECT_TRUE(glob_match("*.bias", "blocks.0.fc2.bias"));
  EXPECT_TRUE(glob_match("block?.fc2.*", "block1.fc2.weight"));
  EXPECT_FALSE(glob_match("fc3.*", "fc31.weight"));
  EXPECT_FALSE(glob_match("fc?", "fc10"));
  EXPECT_THROW(make_plan("he_normal", "", {"fc3.*"}, initlab::GeneratorKind::philox, 0), initlab::Error);
  EXPECT_THROW(make_plan("he_normal", "", {"fc3.*=nope"}, initlab::GeneratorKind::philox, 0), initlab::Error);
}

}  // namespace
