// Every initializer as a value: "what" (a distribution and its scale, or a structured matrix);
// initialize() draws it with the generator it is given. Formulas, papers and when to use each
// are in the registry (registry.hpp) and docs/initializers.md.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include "initlab/activation.hpp"
#include "initlab/distribution.hpp"
#include "initlab/generator.hpp"
#include "initlab/sampler.hpp"
#include "initlab/shape.hpp"

namespace initlab {

enum class DistributionKind { uniform, normal, truncated_normal };
DistributionKind parse_distribution_kind(std::string_view text);
std::string_view to_string(DistributionKind kind);

// w = 0.
struct Zeros {};
// w = 1.
struct Ones {};
// w = value.
struct Constant { double value = 0.0; };
// w ~ U(low, high).
struct Uniform { double low = 0.0; double high = 1.0; };
// w ~ N(mean, stddev^2).
struct Normal { double mean = 0.0; double stddev = 1.0; };
// w ~ N(mean, stddev^2) truncated to [low, high] by inverse CDF (torch.nn.init.trunc_normal_).
struct TruncNormal { double mean = 0.0; double stddev = 1.0; double low = -2.0; double high = 2.0; };
// Glorot & Bengio 2010: stddev = gain * sqrt(2 / (fan_in + fan_out)); uniform bound = sqrt(3) stddev.
struct Xavier { DistributionKind distribution = DistributionKind::uniform; double gain = 1.0; };
// He et al. 2015: stddev = gain(nonlinearity, a) / sqrt(fan); uniform bound = sqrt(3) stddev.
struct Kaiming {
  DistributionKind distribution = DistributionKind::uniform;
  double a = 0.0;  // negative slope for leaky_relu
  FanMode mode = FanMode::in;
  Nonlinearity nonlinearity = Nonlinearity::leaky_relu;
};
// Keras/JAX VarianceScaling: variance = scale / fan(mode). truncated_normal: stddev
// sqrt(variance) / 0.87962566103423978 cut at +-2 stddev; normal: stddev sqrt(variance);
// uniform: bound sqrt(3 variance). LeCun (LeCun et al. 1998; Klambauer et al. 2017) is scale 1, fan_in.
struct VarianceScaling {
  double scale = 1.0;
  FanMode mode = FanMode::in;
  DistributionKind distribution = DistributionKind::truncated_normal;
};
// Saxe et al. 2014: a (semi-)orthogonal matrix from the QR of a Gaussian matrix (sign of diag(R)
// fixed, so Haar-distributed), trailing dims flattened, times gain.
struct Orthogonal { double gain = 1.0; };
// The identity matrix (torch.nn.init.eye_), 2-D only.
struct Eye {};
// Dirac delta kernels preserving the identity of inputs in conv layers (torch.nn.init.dirac_).
struct Dirac { std::int64_t groups = 1; };
// Xiao et al. 2018: an orthogonal matrix at the kernel's spatial centre, zeros elsewhere.
struct DeltaOrthogonal { double gain = 1.0; };
// Martens 2010 / torch.nn.init.sparse_: N(0, stddev^2) with ceil(sparsity * rows) zeros per column.
struct Sparse { double sparsity = 0.1; double stddev = 0.01; };
// Zhao et al. 2022 (ZerO): deterministic identity / partial identity, Hadamard-based for
// dimension-increasing matrices. No randomness at all.
struct ZerO {};
// nn.Linear / nn.Conv default: kaiming_uniform(a = sqrt(5)) weight; bias U(+-1/sqrt(fan_in)).
struct TorchDefault {};
// Keras Dense / Conv default: glorot_uniform weight; zero bias.
struct KerasDefault {};
// LSTM gate biases only (initialize_lstm_bias). Tallec & Ollivier 2018, "Can recurrent neural
// networks warp time?": forget gate b_f = log(u), u ~ U(1, tmax - 1), input gate b_i = -b_f, other
// gates 0. tmax = 0: not given (the lab takes the data's sequence length).
struct Chrono { std::int64_t tmax = 0; };
// LSTM gate biases only: forget gate b_f = value, other gates 0 (Gers et al. 2000; Jozefowicz et
// al. 2015 recommend 1).
struct ForgetBias { double value = 1.0; };

using Initializer = std::variant<Zeros, Ones, Constant, Uniform, Normal, TruncNormal, Xavier, Kaiming,
                                 VarianceScaling, Orthogonal, Eye, Dirac, DeltaOrthogonal, Sparse, ZerO,
                                 TorchDefault, KerasDefault, Chrono, ForgetBias>;

struct InitOptions {
  Layout layout = Layout::torch;
  int threads = 0;                  // for philox fills; see FillOptions
  std::optional<FanAxes> fan_axes;  // when set, overrides `layout` for the fan
};

// The fan of `shape` under `options`: fan_of_axes when fan_axes is set, else fan_of(layout).
Fan fan_for(std::span<const std::int64_t> shape, const InitOptions& options);

// What an initializer will draw for this shape: the fan, the distribution (none for structured
// matrices), the target stddev and, for uniform draws, the bound.
struct InitTarget {
  std::optional<Fan> fan;                    // absent where the initializer needs no fan
  std::optional<Distribution> distribution;  // absent for structured initializers
  std::optional<double> stddev;              // of every element, where that is defined
  std::optional<double> bound;               // uniform bound or absolute clip
};

InitTarget target_of(const Initializer& init, std::span<const std::int64_t> shape, const InitOptions& options);
inline InitTarget target_of(const Initializer& init, std::span<const std::int64_t> shape, Layout layout) {
  return target_of(init, shape, InitOptions{layout, 0, std::nullopt});
}

// Fills `data` (row-major, `shape`) in place and advances `gen`; nothing else changes. Throws Error on a shape the initializer cannot
// take (rank < 2 for fan-based inits, rank != 2 for eye/sparse, groups not dividing out channels).
void initialize(std::span<float> data, std::span<const std::int64_t> shape, const Initializer& init,
                Generator& gen, const InitOptions& options = {});

// Fills a bias whose layer weight has `weight_shape`: torch_default draws U(+-1/sqrt(fan_in)),
// keras_default writes zeros, fan-free inits (constant, uniform, normal, ...) draw as usual;
// a fan-based init on a bias throws Error.
void initialize_bias(std::span<float> bias, std::span<const std::int64_t> weight_shape, const Initializer& init,
                     Generator& gen, const InitOptions& options = {});

// Whether `init` sets LSTM gate biases (chrono, forget_bias) rather than a tensor of its own.
bool is_gate_bias(const Initializer& init);

// Fills the bias of an LSTM layer, 4 blocks of `bias.size() / 4` in PyTorch's (and Keras's) gate
// order i, f, g, o, with a gate-bias init (chrono, forget_bias); the effective bias of a PyTorch
// LSTM is bias_ih + bias_hh, so the lab gives these values to bias_ih and zeros to bias_hh.
// Throws Error when the size is not a multiple of 4, when chrono has no tmax, or for another init.
void initialize_lstm_bias(std::span<float> bias, const Initializer& init, Generator& gen, const InitOptions& options = {});

// Checks parameter ranges that do not depend on a shape (std >= 0, a < b, sparsity in [0, 1],
// groups >= 1, ...); throws Error naming the value. parse_spec calls it.
void validate(const Initializer& init);

// The registry name of the initializer's kind ("kaiming", "variance_scaling", ...).
std::string kind_name(const Initializer& init);

}  // namespace initlab
