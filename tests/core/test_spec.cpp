// Spec strings: names, aliases, parameters, round trips, and every error path with its message.
#include <gtest/gtest.h>

#include "../common/error_of.hpp"

#include "initlab/initlab.hpp"

namespace {

using initlab::testing::error_of;

TEST(Spec, ParsesParametersAndAliases) {
  const auto k = std::get<initlab::Kaiming>(initlab::parse_spec("kaiming_normal:mode=fan_out,nonlinearity=leaky_relu,a=0.2"));
  EXPECT_EQ(k.mode, initlab::FanMode::out);
  EXPECT_EQ(k.nonlinearity, initlab::Nonlinearity::leaky_relu);
  EXPECT_EQ(k.a, 0.2);
  EXPECT_EQ(k.distribution, initlab::DistributionKind::normal);
  EXPECT_EQ(std::get<initlab::Normal>(initlab::parse_spec("normal:std=0.01")).stddev, 0.01);
  EXPECT_EQ(initlab::parse_spec("glorot_uniform").index(), initlab::parse_spec("xavier_uniform").index());
  EXPECT_EQ(std::get<initlab::Kaiming>(initlab::parse_spec("msra")).distribution, initlab::DistributionKind::normal);
  EXPECT_EQ(std::get<initlab::Kaiming>(initlab::parse_spec("he_uniform")).distribution, initlab::DistributionKind::uniform);
  EXPECT_EQ(std::get<initlab::Kaiming>(initlab::parse_spec("kaiming_uniform:a=sqrt(5)")).a, std::sqrt(5.0));
  EXPECT_EQ(std::get<initlab::Xavier>(initlab::parse_spec("xavier_normal:gain=5/3")).gain, 5.0 / 3);
}

// Keras's names mean Keras's defaults (RandomNormal stddev 0.05, RandomUniform +-0.05); PyTorch's
// names PyTorch's (normal_ N(0, 1), uniform_ U(0, 1)).
TEST(Spec, KerasNamesTakeKerasDefaults) {
  const auto n = std::get<initlab::Normal>(initlab::parse_spec("random_normal"));
  EXPECT_EQ(n.mean, 0.0);
  EXPECT_EQ(n.stddev, 0.05);
  EXPECT_EQ(std::get<initlab::Normal>(initlab::parse_spec("normal")).stddev, 1.0);
  EXPECT_EQ(std::get<initlab::Normal>(initlab::parse_spec("random_normal:std=0.2")).stddev, 0.2);
  const auto u = std::get<initlab::Uniform>(initlab::parse_spec("random_uniform"));
  EXPECT_EQ(u.low, -0.05);
  EXPECT_EQ(u.high, 0.05);
  const auto t = std::get<initlab::Uniform>(initlab::parse_spec("uniform"));
  EXPECT_EQ(t.low, 0.0);
  EXPECT_EQ(t.high, 1.0);
}

TEST(Spec, EveryRegistryEntryRoundTrips) {
  for (const initlab::InitInfo& info : initlab::registry()) {
    const initlab::Initializer a = initlab::parse_spec(info.name);
    const std::string canonical = initlab::format_spec(a);
    const initlab::Initializer b = initlab::parse_spec(canonical);
    EXPECT_EQ(initlab::format_spec(b), canonical) << info.name;
    EXPECT_EQ(a.index(), b.index()) << info.name;
    EXPECT_FALSE(info.formula.empty() || info.reference.empty() || info.use_for.empty()) << info.name;
  }
}

TEST(Spec, UnknownNameListsEveryChoice) {
  const std::string m = error_of([] { initlab::parse_spec("kaiming_normall"); });
  EXPECT_NE(m.find("unknown initializer 'kaiming_normall'"), std::string::npos) << m;
  for (const char* name : {"zeros", "kaiming_normal", "he_normal", "orthogonal", "zero_init", "keras_he_normal"})
    EXPECT_NE(m.find(name), std::string::npos) << name;
}

TEST(Spec, UnknownParameterListsValidOnes) {
  const std::string m = error_of([] { initlab::parse_spec("normal:sd=1"); });
  EXPECT_NE(m.find("unknown parameter 'sd' for normal; expected one of: mean, std"), std::string::npos) << m;
  EXPECT_NE(error_of([] { initlab::parse_spec("zeros:value=1"); }).find("takes no parameters"), std::string::npos);
}

TEST(Spec, ValuesOutOfRangeNameTheValue) {
  struct Case { const char* spec; const char* needle; };
  for (const Case& c : {Case{"normal:std=-1", "std=-1"}, Case{"uniform:a=1,b=1", "expected a < b"},
                        Case{"trunc_normal:a=2,b=-2", "expected a < b"}, Case{"sparse:sparsity=1.5", "sparsity=1.5"},
                        Case{"dirac:groups=0", "groups=0"}, Case{"kaiming_normal:mode=fan_avg", "expected one of: fan_in, fan_out"},
                        Case{"kaiming_normal:nonlinearity=lrelu", "unknown nonlinearity 'lrelu'"},
                        Case{"variance_scaling:distribution=cauchy", "expected one of: uniform, normal, truncated_normal"},
                        Case{"variance_scaling:scale=0", "scale=0"}, Case{"xavier_uniform:gain=abc", "gain='abc' is not a number"},
                        Case{"orthogonal:gain=-1", "gain=-1"}, Case{"normal:std", "is not key=value"},
                        Case{"normal:std=1,std=2", "given twice"}, Case{"dirac:groups=1.5", "not an integer"}}) {
    const std::string m = error_of([&] { initlab::parse_spec(c.spec); });
    EXPECT_NE(m.find(c.needle), std::string::npos) << c.spec << " -> " << m;
    EXPECT_NE(m.find(std::string("spec '") + c.spec + "'"), std::string::npos) << m;
  }
}

TEST(Spec, ShapeErrorsComeAtFillTime) {
  std::vector<float> w(10);
  initlab::Generator g = initlab::Generator::philox(0);
  EXPECT_NE(error_of([&] { initlab::initialize(w, initlab::Shape{10}, initlab::parse_spec("he_normal"), g); }).find("rank >= 2"),
            std::string::npos);
  EXPECT_NE(error_of([&] { initlab::initialize(w, initlab::Shape{2, 5}, initlab::parse_spec("dirac"), g); }).find("rank"),
            std::string::npos);
  EXPECT_NE(error_of([&] { initlab::initialize(w, initlab::Shape{3, 3}, initlab::parse_spec("zeros"), g); }).find("9"),
            std::string::npos);
  EXPECT_NE(error_of([&] { initlab::initialize_bias(w, initlab::Shape{10, 4}, initlab::parse_spec("he_normal"), g); })
                .find("needs a weight matrix"),
            std::string::npos);
}

TEST(Spec, SeedsAreDecimalAndFitIn64Bits) {
  EXPECT_EQ(initlab::parse_seed("0"), 0u);
  EXPECT_EQ(initlab::parse_seed("42"), 42u);
  EXPECT_EQ(initlab::parse_seed("010"), 10u);  // decimal, not octal as strtoull would read it
  EXPECT_EQ(initlab::parse_seed("18446744073709551615"), 18446744073709551615u);
  for (const char* bad : {"-1", "18446744073709551616", "99999999999999999999999", "", "1e3", "0x10", "+5", "5 ", "seed"})
    EXPECT_EQ(error_of([&] { initlab::parse_seed(bad); }),
              "'" + std::string(bad) + "' is not a seed; expected an integer from 0 to 18446744073709551615 (2^64 - 1)")
        << bad;
  EXPECT_LT(error_of([] { initlab::parse_seed(std::string(10000, '9')); }).size(), 150u);
}

TEST(Spec, BiasRules) {
  std::vector<float> b(1000);
  initlab::Generator g = initlab::Generator::philox(1);
  initlab::initialize_bias(b, initlab::Shape{1000, 400}, initlab::TorchDefault{}, g);
  const double bound = 1 / std::sqrt(400.0);
  for (float x : b) EXPECT_LE(std::fabs(x), bound);
  initlab::initialize_bias(b, initlab::Shape{1000, 400}, initlab::KerasDefault{}, g);
  for (float x : b) EXPECT_EQ(x, 0.0f);
  initlab::initialize_bias(b, initlab::Shape{1000, 400}, initlab::parse_spec("constant:value=0.1"), g);
  for (float x : b) EXPECT_EQ(x, 0.1f);
}

}  // namespace
