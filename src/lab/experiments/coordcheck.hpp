// The coordinate check of Yang et al. 2021 (Tensor Programs V, section 6 and appendix D.1): train
// the same model at several widths for a few steps on the same batches and watch the typical size
// of every layer's output coordinates. Under a parametrization that scales correctly with width
// (μP) they stay put as the model widens; under the standard one trained with Adam the readout's
// (and the hidden layers') updates grow with width, until wide models blow up.
//
// Per layer, width, step t = 0..steps: the mean |coordinate| of the layer's output on one fixed
// probe batch after t updates (size), and the mean |h_t - h_0| (update); means over seeds; the
// least-squares slope of log(size) against log(width) per step (0: width-independent, 1: grows
// like the width, -0.5: shrinks like 1/sqrt(width)).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "data/data_cache.hpp"
#include "data/dataset.hpp"
#include "models/parametrization.hpp"
#include "train/train_config.hpp"

namespace initlab::lab {

// A slope within +-this counts as width-independent (the acceptance threshold of the check).
inline constexpr double kStableSlope = 0.2;
// A slope above this counts as growing with width.
inline constexpr double kGrowingSlope = 0.5;

struct CoordCheckConfig {
  std::string model = "mlp";  // "mlp", "vit", or a spec with W for the width: "mlp:784-Wx3-10", "vit:W-2-4,norm=post"
  std::vector<std::int64_t> widths = {64, 128, 256, 512, 1024};
  int steps = 5;
  int seeds = 3;
  std::uint64_t first_seed = 0;
  std::string init = "torch_default";
  std::string data = "fashion-mnist";
  DataOptions data_options;
  Parametrization param;
  TrainConfig train;  // optimizer, lr, batch (the probe batch has the same size)
  std::function<void(std::int64_t width, int seed_index)> progress;  // before each width x seed
};

struct CoordLayer {
  std::string name;  // fc1, blocks.0.attn.q, blocks.0, head
  std::string role;  // input | hidden | output (the readout: the model's output) | block | embedding
  std::vector<std::vector<double>> size, update;  // [width][step 0..steps], mean over seeds (NaN: not finite)
  std::vector<std::optional<double>> slope, update_slope;  // per step; none where a value is not positive and finite
};

struct CoordCheckResult {
  std::vector<std::string> models;  // the spec at each width
  std::vector<std::int64_t> widths;
  int steps = 0, seeds = 0;
  std::vector<CoordLayer> layers;  // in execution order
  std::vector<std::string> diverged;  // "width 1024, seed 2, step 4": a loss that was not finite
};

// "mlp" / "vit" / a spec with W, at one width: throws Error naming --model when there is no W.
std::string model_at_width(const std::string& model, std::int64_t width, const DataSplits& data);

// Trains every width x seed; throws Error (naming the flag) for a bad configuration before any
// training. `stop` ends it early (Error "interrupted").
CoordCheckResult coordcheck(const CoordCheckConfig& config, DataCache& data, const std::atomic<bool>* stop);

// The slope of log(values) on log(widths) by least squares; none when a value is not positive and finite.
std::optional<double> log_log_slope(const std::vector<std::int64_t>& widths, const std::vector<double>& values);

// The verdict. Width-stable: at every step after the first update, every layer's change since
// init (h_t - h_0) has a slope within +-kStableSlope and no layer's size grows with a slope above
// kStableSlope. This is μP's promise (TP5, Definition 5.1 / Figure 5): updates of every layer stay
// Theta(1); the readout's output at init may shrink with width (μP's readout starts at o(1)).
// Growing: the size's slope at the last step above kGrowingSlope.
struct CoordVerdict {
  std::vector<std::string> unstable;  // "fc4 (change slope 0.93 at t=5)"
  std::vector<std::string> growing;
  bool stable() const { return unstable.empty(); }
};
CoordVerdict coord_verdict(const CoordCheckResult& result);

nlohmann::json coordcheck_config_json(const CoordCheckConfig& config);
nlohmann::json coordcheck_json(const CoordCheckResult& result);

}  // namespace initlab::lab
