// Signal propagation at initialization: push a batch forward and a random cotangent backward
// through a network (deep MLPs, the lab's CNN and residual nets, a TorchScript model) for each init, measure every layer, and put the mean-field prediction of
// the pre-activation variance beside the measurement (seed notebook 003: final-layer std of a
// 10-layer ReLU net against the init std, 1e-4 to 10 on a log scale).
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace initlab::lab {

struct PropagateConfig {
  // mlp:WxL (input W, L layers of W, each followed by the activation) or mlp:IN-W-...-W; any
  // other lab model (cnn, rescnn:CxK, resmlp:..., build_model); file:M.pt (TorchScript)
  std::string model = "mlp:100x10";
  std::string activation = "relu";
  std::vector<std::string> inits;     // each may hold one sweep: normal:std=logspace(1e-4,10,50)
  double bias_std = 0.0;
  std::int64_t batch = 1000;
  std::string input = "gaussian";     // gaussian | gaussian:SHAPE (1x28x28) | data:SPEC (the first `batch` training samples)
  int seeds = 1;
  std::uint64_t seed = 0;
  int jacobian_samples = 0;           // > 0: singular values of d output / d input for that many inputs
};

// Singular values of the input-output Jacobian at initialization (Pennington et al. 2017,
// "Resurrecting the sigmoid in deep learning through dynamical isometry").
struct JacobianSpectrum {
  double mean_squared = 0;  // mean of s^2 over samples and singular values: ~1 when gradients neither grow nor shrink
  double max = 0, min = 0;  // over all samples
  double condition = 0;     // max / min
  double spread = 0;        // stddev of s^2 / mean of s^2
};

struct LayerStats {
  int layer = 0;  // 1-based
  std::string name;             // the weighted module: fc1, conv2, block3, features.0
  double pre_mean = 0, pre_var = 0;  // of the layer's output (after normalization, before the activation)
  std::optional<double> theory_var;  // mean-field prediction of pre_var (mlp: models)
  double act_mean = 0, act_std = 0;
  double dead = 0;              // fraction of units zero for every sample (what a dead ReLU does)
  double saturated = 0;         // fraction of unit-sample pairs with |phi'| < 1e-2
  double grad_pre_std = 0;      // std of d(output . cotangent)/d(pre-activation)
  double grad_weight_std = 0;   // std of the gradient of the layer's weight
};

struct InitPropagation {
  std::string init;
  std::optional<double> sweep_value;           // the swept parameter's value, when init came from a sweep
  std::vector<std::vector<LayerStats>> seeds;  // [seed][layer]
  double forward_ratio = 0;   // act_std(last) / act_std(first), mean over seeds
  double backward_ratio = 0;  // grad_pre_std(first) / grad_pre_std(last), mean over seeds
  double final_act_std_spread = 0;  // std over seeds of the last layer's act_std
  std::string verdict;        // vanishing | stable | exploding
  std::optional<JacobianSpectrum> jacobian;  // first seed, when requested
};

inline constexpr double kVanishingRatio = 1e-2;  // verdict thresholds on the ratios above
inline constexpr double kExplodingRatio = 1e2;

// Expands one sweep "key=logspace(a,b,n)" or "key=linspace(a,b,n)" inside a spec into n specs,
// each with its value of the swept key (none when the spec holds no sweep).
struct SweepPoint {
  std::string spec;
  std::optional<double> value;
};
std::vector<SweepPoint> expand_sweep(const std::string& spec);

std::vector<InitPropagation> propagate(const PropagateConfig& config);

}  // namespace initlab::lab
