#include "initlab/registry.hpp"

#include <cmath>

#include "initlab/error.hpp"
#include "spec_args.hpp"

namespace initlab {
namespace {

using detail::get_integer;
using detail::get_number;
using detail::get_text;

const ParamInfo kGain{"gain", "1", "multiplier of the standard deviation"};
const ParamInfo kA{"a", "0", "negative slope of leaky_relu (PyTorch's `a`)"};
const ParamInfo kMode{"mode", "fan_in", "fan_in preserves the forward variance, fan_out the backward one"};
const ParamInfo kNonlinearity{"nonlinearity", "leaky_relu", "activation after the layer: linear, relu, leaky_relu, tanh, sigmoid, selu, ..."};

Kaiming make_kaiming(const SpecArgs& args, DistributionKind kind) {
  Kaiming k;
  k.distribution = kind;
  k.a = get_number(args, "a", 0.0);
  k.mode = parse_fan_mode(get_text(args, "mode", "fan_in"));
  k.nonlinearity = parse_nonlinearity(get_text(args, "nonlinearity", "leaky_relu"));
  if (k.mode != FanMode::in && k.mode != FanMode::out)
    throw Error("kaiming: mode '" + get_text(args, "mode", "") + "' is not supported; expected one of: fan_in, fan_out");
  return k;
}

double positive_gain(const SpecArgs& args) {
  const double g = get_number(args, "gain", 1.0);
  if (!(g > 0)) throw Error("gain=" + get_text(args, "gain", "") + " is invalid; expected gain > 0");
  return g;
}

std::vector<InitInfo> build() {
  std::vector<InitInfo> r;
  r.push_back({"zeros", {}, {}, "w = 0",
               "biases; the last layer of a residual branch. Never all weights: every unit stays identical (no symmetry breaking)",
               "PyTorch torch.nn.init.zeros_", [](const SpecArgs&) -> Initializer { return Zeros{}; }});
  r.push_back({"ones", {}, {}, "w = 1", "normalization scales (BatchNorm/LayerNorm gamma)",
               "PyTorch torch.nn.init.ones_", [](const SpecArgs&) -> Initializer { return Ones{}; }});
  r.push_back({"constant", {}, {{"value", "0", "the value"}}, "w = value", "biases (e.g. 0.01 before ReLU), forget-gate biases",
               "PyTorch torch.nn.init.constant_",
               [](const SpecArgs& a) -> Initializer { return Constant{get_number(a, "value", 0.0)}; }});
  // PyTorch's names take PyTorch's defaults; Keras's names (random_uniform, random_normal) take
  // Keras's: the same distribution, but a Keras user who writes random_normal means N(0, 0.05^2),
  // not PyTorch's N(0, 1), a 20x larger std.
  r.push_back({"uniform", {}, {{"a", "0", "lower bound"}, {"b", "1", "upper bound"}}, "w ~ U(a, b)",
               "explicit baselines; shallow nets only", "PyTorch torch.nn.init.uniform_",
               [](const SpecArgs& a) -> Initializer { return Uniform{get_number(a, "a", 0.0), get_number(a, "b", 1.0)}; }});
  r.push_back({"random_uniform", {}, {{"a", "-0.05", "lower bound (Keras's minval)"}, {"b", "0.05", "upper bound (Keras's maxval)"}},
               "w ~ U(a, b)", "explicit baselines; shallow nets only", "Keras RandomUniform (its defaults)",
               [](const SpecArgs& a) -> Initializer { return Uniform{get_number(a, "a", -0.05), get_number(a, "b", 0.05)}; }});
  r.push_back({"normal", {}, {{"mean", "0", "mean"}, {"std", "1", "standard deviation"}},
               "w ~ N(mean, std^2)", "explicit baselines (std=0.01 is the classic 'small random' init); shallow nets only",
               "PyTorch torch.nn.init.normal_",
               [](const SpecArgs& a) -> Initializer { return Normal{get_number(a, "mean", 0.0), get_number(a, "std", 1.0)}; }});
  r.push_back({"random_normal", {}, {{"mean", "0", "mean"}, {"std", "0.05", "standard deviation (Keras's stddev)"}},
               "w ~ N(mean, std^2)", "explicit baselines; shallow nets only", "Keras RandomNormal (its defaults)",
               [](const SpecArgs& a) -> Initializer { return Normal{get_number(a, "mean", 0.0), get_number(a, "std", 0.05)}; }});
  r.push_back({"trunc_normal", {"truncated_normal"},
               {{"mean", "0", "mean"}, {"std", "1", "standard deviation before truncation"}, {"a", "-2", "lower bound (absolute)"}, {"b", "2", "upper bound (absolute)"}},
               "w ~ N(mean, std^2) conditioned on [a, b]; by inverse CDF: erfinv(U(2Phi(a')-1, 2Phi(b')-1)) sqrt(2) std + mean",
               "transformers (ViT: std=0.02); avoids rare large weights", "PyTorch torch.nn.init.trunc_normal_",
               [](const SpecArgs& a) -> Initializer {
                 return TruncNormal{get_number(a, "mean", 0.0), get_number(a, "std", 1.0), get_number(a, "a", -2.0), get_number(a, "b", 2.0)};
               }});
  r.push_back({"xavier_uniform", {"glorot_uniform"}, {kGain},
               "w ~ U(-b, b), b = gain * sqrt(6 / (fan_in + fan_out))", "tanh, sigmoid, softmax, linear layers",
               "Glorot & Bengio 2010, Understanding the difficulty of training deep feedforward neural networks",
               [](const SpecArgs& a) -> Initializer { return Xavier{DistributionKind::uniform, positive_gain(a)}; }});
  r.push_back({"xavier_normal", {"glorot_normal"}, {kGain},
               "w ~ N(0, s^2), s = gain * sqrt(2 / (fan_in + fan_out))", "tanh, sigmoid, softmax, linear layers",
               "Glorot & Bengio 2010",
               [](const SpecArgs& a) -> Initializer { return Xavier{DistributionKind::normal, positive_gain(a)}; }});
  r.push_back({"kaiming_uniform", {"he_uniform"}, {kA, kMode, kNonlinearity},
               "w ~ U(-b, b), b = gain(nonlinearity, a) * sqrt(3 / fan)", "ReLU, leaky ReLU, PReLU and relatives",
               "He et al. 2015, Delving deep into rectifiers",
               [](const SpecArgs& a) -> Initializer { return make_kaiming(a, DistributionKind::uniform); }});
  r.push_back({"kaiming_normal", {"he_normal", "msra"}, {kA, kMode, kNonlinearity},
               "w ~ N(0, s^2), s = gain(nonlinearity, a) / sqrt(fan)", "ReLU, leaky ReLU, PReLU and relatives (deep CNNs)",
               "He et al. 2015, Delving deep into rectifiers",
               [](const SpecArgs& a) -> Initializer { return make_kaiming(a, DistributionKind::normal); }});
  r.push_back({"lecun_uniform", {}, {}, "w ~ U(-b, b), b = sqrt(3 / fan_in)", "SELU (self-normalizing nets), linear layers",
               "LeCun et al. 1998, Efficient BackProp",
               [](const SpecArgs&) -> Initializer { return VarianceScaling{1.0, FanMode::in, DistributionKind::uniform}; }});
  r.push_back({"lecun_normal", {}, {}, "w ~ N(0, s^2), s = 1 / sqrt(fan_in)", "SELU (self-normalizing nets)",
               "LeCun et al. 1998; Klambauer et al. 2017, Self-normalizing neural networks",
               [](const SpecArgs&) -> Initializer { return VarianceScaling{1.0, FanMode::in, DistributionKind::normal}; }});
  r.push_back({"variance_scaling", {},
               {{"scale", "1", "target variance times fan"}, {"mode", "fan_in", "fan_in, fan_out, fan_avg or fan_geo_avg"},
                {"distribution", "truncated_normal", "truncated_normal, normal or uniform"}},
               "Var(w) = scale / max(1, fan); truncated_normal: s = sqrt(scale/fan) / 0.87962566103423978 cut at +-2s; "
               "uniform: b = sqrt(3 scale / fan)",
               "any of the above with Keras semantics; mode=fan_geo_avg as in JAX",
               "Keras / JAX VarianceScaling",
               [](const SpecArgs& a) -> Initializer {
                 return VarianceScaling{get_number(a, "scale", 1.0), parse_fan_mode(get_text(a, "mode", "fan_in")),
                                        parse_distribution_kind(get_text(a, "distribution", "truncated_normal"))};
               }});
  r.push_back({"keras_he_normal", {}, {}, "truncated N(0, s^2) at +-2s, s = sqrt(2 / fan_in) / 0.87962566103423978",
               "ReLU, as Keras's he_normal", "Keras HeNormal (He et al. 2015)",
               [](const SpecArgs&) -> Initializer { return VarianceScaling{2.0, FanMode::in, DistributionKind::truncated_normal}; }});
  r.push_back({"keras_glorot_normal", {}, {},
               "truncated N(0, s^2) at +-2s, s = sqrt(2 / (fan_in + fan_out)) / 0.87962566103423978",
               "tanh/sigmoid, as Keras's glorot_normal", "Keras GlorotNormal (Glorot & Bengio 2010)",
               [](const SpecArgs&) -> Initializer { return VarianceScaling{1.0, FanMode::avg, DistributionKind::truncated_normal}; }});
  r.push_back({"keras_lecun_normal", {}, {}, "truncated N(0, s^2) at +-2s, s = sqrt(1 / fan_in) / 0.87962566103423978",
               "SELU, as Keras's lecun_normal", "Keras LecunNormal (LeCun et al. 1998)",
               [](const SpecArgs&) -> Initializer { return VarianceScaling{1.0, FanMode::in, DistributionKind::truncated_normal}; }});
  r.push_back({"orthogonal", {}, {kGain},
               "w = gain * Q, Q from QR of a N(0,1) matrix (rows x prod(rest)), columns times sign(diag R): Haar-distributed",
               "deep linear/tanh nets and RNN recurrent weights (dynamical isometry)",
               "Saxe et al. 2014, Exact solutions to the nonlinear dynamics of learning in deep linear networks",
               [](const SpecArgs& a) -> Initializer { return Orthogonal{positive_gain(a)}; }});
  r.push_back({"eye", {"identity"}, {}, "w = I (ones on the main diagonal of a 2-D matrix)",
               "residual-like plain nets, IRNN recurrent weights (Le et al. 2015)", "PyTorch torch.nn.init.eye_",
               [](const SpecArgs&) -> Initializer { return Eye{}; }});
  r.push_back({"dirac", {}, {{"groups", "1", "number of groups; must divide out-channels"}},
               "w[g*o/groups + d, d, centre] = 1, zeros elsewhere: each conv passes its input channel through",
               "very deep plain CNNs (identity-preserving conv layers)", "PyTorch torch.nn.init.dirac_",
               [](const SpecArgs& a) -> Initializer { return Dirac{get_integer(a, "groups", 1)}; }});
  r.push_back({"delta_orthogonal", {}, {kGain},
               "w[:, :, centre] = gain * H (H orthogonal out x in), zeros elsewhere",
               "very deep tanh CNNs trained without normalization (10,000 layers)",
               "Xiao et al. 2018, Dynamical isometry and a mean field theory of CNNs",
               [](const SpecArgs& a) -> Initializer { return DeltaOrthogonal{positive_gain(a)}; }});
  r.push_back({"sparse", {}, {{"sparsity", "0.1", "fraction of each column set to zero"}, {"std", "0.01", "stddev of the non-zero entries"}},
               "w ~ N(0, std^2), then ceil(sparsity * rows) entries of every column set to 0 (random rows)",
               "sparse initialization of deep nets and RNNs", "Martens 2010, Deep learning via Hessian-free optimization; PyTorch torch.nn.init.sparse_",
               [](const SpecArgs& a) -> Initializer { return Sparse{get_number(a, "sparsity", 0.1), get_number(a, "std", 0.01)}; }});
  r.push_back({"zero_init", {"ZerO"}, {},
               "out <= in: (partial) identity [I 0]; out > in: first rows/cols of the Sylvester-Hadamard matrix H_p / sqrt(p), "
               "p = 2^ceil(log2 out); conv kernels: that matrix at the kernel centre. Deterministic",
               "residual nets with the last layer of each branch zeroed; reproducible training",
               "Zhao et al. 2022, ZerO initialization: initializing neural networks with only zeros and ones",
               [](const SpecArgs&) -> Initializer { return ZerO{}; }});
  r.push_back({"torch_default", {}, {},
               "weight: kaiming_uniform(a=sqrt(5)) = U(+-1/sqrt(fan_in)); bias: U(+-1/sqrt(fan_in))",
               "what nn.Linear / nn.Conv* do when you do nothing", "PyTorch nn.Linear.reset_parameters",
               [](const SpecArgs&) -> Initializer { return TorchDefault{}; }});
  r.push_back({"keras_default", {}, {}, "weight: glorot_uniform; bias: zeros", "what Keras Dense / Conv do when you do nothing",
               "Keras Dense(kernel_initializer='glorot_uniform', bias_initializer='zeros')",
               [](const SpecArgs&) -> Initializer { return KerasDefault{}; }});
  r.push_back({"chrono", {}, {{"tmax", "data", "the longest time dependency in steps (default: the data's sequence length); at least 2"}},
               "LSTM gate biases (i, f, g, o): b_f = log(u), u ~ U(1, tmax - 1); b_i = -b_f; b_g = b_o = 0 (given to bias_ih; bias_hh = 0)",
               "LSTMs on long sequences: forget-gate time scales spread up to tmax (--bias chrono, or '*.bias_*=chrono:tmax=T')",
               "Tallec & Ollivier 2018, Can recurrent neural networks warp time?",
               [](const SpecArgs& a) -> Initializer { return Chrono{get_integer(a, "tmax", 0)}; }});
  r.push_back({"forget_bias", {}, {{"value", "1", "the forget gate's bias"}},
               "LSTM gate biases (i, f, g, o): b_f = value, the others 0 (given to bias_ih; bias_hh = 0)",
               "LSTMs: start by remembering (Keras unit_forget_bias); --bias forget_bias or '*.bias_*=forget_bias:value=1'",
               "Gers, Schmidhuber & Cummins 2000, Learning to forget; Jozefowicz, Zaremba & Sutskever 2015, An empirical exploration of recurrent network architectures",
               [](const SpecArgs& a) -> Initializer { return ForgetBias{get_number(a, "value", 1.0)}; }});
  return r;
}

}  // namespace

const std::vector<InitInfo>& registry() {
  static const std::vector<InitInfo> entries = build();
  return entries;
}

const InitInfo& find_init(std::string_view name) {
  std::string names;
  for (const InitInfo& info : registry()) {
    if (info.name == name) return info;
    for (const std::string& alias : info.aliases)
      if (alias == name) return info;
    names += (names.empty() ? "" : ", ") + info.name;
    for (const std::string& alias : info.aliases) names += ", " + alias;
  }
  throw Error("unknown initializer '" + std::string(name) + "'; expected one of: " + names);
}

}  // namespace initlab
