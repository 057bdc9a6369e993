// Signal propagation at initialization: push a batch forward and a random cotangent backward
// through a network (deep MLPs, the lab's CNN and residual nets, a TorchScript model) for each init, measure every layer, and put the mean-field prediction of
// the pre-activation variance beside the measurement (seed notebook 003: final-layer std of a
// 10-layer ReLU net against the init std, 1e-4 to 10 on a log scale).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace initlab::lab {

// Where a study stands, before each run (the CLI shows it on a terminal).
struct PropagateProgress {
  std::size_t run = 0, runs = 0;  // 0-based run about to start; inits x seeds
  std::string init;
  int seed_index = 0;
  double bytes_per_run = 0;       // the estimate the study was admitted with
};

struct PropagateConfig {
  // Any lab model, read exactly as train reads it (build_model; models.hpp, docs/models.md):
  // mlp:IN-W-...-OUT (the mean-field prediction beside; the last layer is the linear output
  // layer, reported like the others), resmlp:..., cnn, rescnn:CxK; or file:M.pt (TorchScript).
  std::string model = "mlp:100-100x10-100";
  std::string activation = "relu";
  std::vector<std::string> inits;     // each may hold one sweep: normal:std=logspace(1e-4,10,50)
  double bias_std = 0.0;
  std::int64_t batch = 1000;
  std::string input = "gaussian";     // gaussian | gaussian:SHAPE (1x28x28) | data:SPEC (the first `batch` training samples)
  int seeds = 1;
  std::uint64_t seed = 0;
  int jacobian_samples = 0;           // > 0: singular values of d output / d input for that many inputs
  double max_memory_bytes = 0;        // refuse a study whose one run needs more (0: the memory available now)
  std::function<void(const PropagateProgress&)> progress;  // optional; called before every run
};

// Limits checked before any work: the length of one --init, the seeds per init.
inline constexpr std::size_t kMaxInitSpecLength = 1000;  // characters
inline constexpr int kMaxSeeds = 1000;

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
  // A transformer block (vit:): its attention logits q.k x logit_multiplier, std over every
  // (sample, head, query, key), and the attention's entropy per query divided by log(tokens),
  // mean over (sample, head, query): 1 is uniform attention, 0 attends to one token.
  std::optional<double> attn_logit_std, attn_entropy;
};

// One submodule call of a TorchScript model (file: models, first seed): what it returned.
struct ModuleStats {
  std::string name;        // qualified: layer3.1.conv2 (a module called twice appears twice)
  std::string type;        // Conv2d, BasicBlock, MultiheadAttention
  int depth = 1;           // 1 for the model's own children
  bool leaf = true;        // no submodule call inside it
  std::vector<std::int64_t> shape;  // of its output (the first element of a tuple)
  double mean = 0, std = 0;
  bool finite = true;
};

struct InitPropagation {
  std::string init;
  std::optional<double> sweep_value;           // the swept parameter's value, when init came from a sweep
  std::vector<std::vector<LayerStats>> seeds;  // [seed][layer]
  double forward_ratio = 0;   // act_std(last) / act_std(first), mean over seeds
  double backward_ratio = 0;  // grad_pre_std(first) / grad_pre_std(last), mean over seeds
  double final_act_std_spread = 0;  // std over seeds of the last layer's act_std
  // exploding: a ratio above kExplodingRatio, or the signal overflowed to inf; vanishing: a ratio
  // below kVanishingRatio (a zero signal included); nan: a NaN appeared (with no overflow before it).
  std::string verdict;        // vanishing | stable | exploding | nan
  struct NonFinite {
    int seed_index = 0;       // the first seed where it happened
    int layer = 0;            // 1-based, as LayerStats::layer
    std::string name;
    std::string value;        // inf (an overflow) | nan
    std::string pass;         // forward | backward
  };
  std::optional<NonFinite> nonfinite;  // where the first non-finite value appeared
  std::optional<JacobianSpectrum> jacobian;  // first seed, when requested
  std::vector<ModuleStats> modules;  // file: models: every submodule call of the first seed, in the order they finished
};

// The --init that keeps a TorchScript model's weights as they are (a trained model, or one a
// framework initialized): propagate measures the model as it is (audit's proof).
inline constexpr const char* kWeightsAsTheyAre = "as_is";

inline constexpr double kVanishingRatio = 1e-2;  // verdict thresholds on the ratios above
inline constexpr double kExplodingRatio = 1e2;

// Expands one sweep "KEY=logspace(A,B,N)" or "KEY=linspace(A,B,N)" inside a spec into N specs,
// each with its value of the swept key (6 significant digits, the value the run uses; none when
// the spec holds no sweep). The range is read by parse_number_range (sweep_file.hpp: iterative,
// N a whole number 1..10000); a spec over kMaxInitSpecLength characters or with two sweeps is an
// Error, which quotes at most 40 characters of the spec.
struct SweepPoint {
  std::string spec;
  std::optional<double> value;
};
std::vector<SweepPoint> expand_sweep(const std::string& spec);

std::vector<InitPropagation> propagate(const PropagateConfig& config);

}  // namespace initlab::lab
