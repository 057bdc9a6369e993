// A training run's settings, typed: the optimizer, loss and device are parsed once where they
// enter (a flag, a sweep file, a stored run spec) and travel as enums, not strings.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace initlab::lab {

enum class Optimizer { sgd, adam };
enum class Loss { automatic, ce, mse, bce };  // automatic: ce for classes, mse for regression
enum class Device { cpu, cuda };

// The names as written on the command line, in sweep files and in stored specs ("auto" for
// Loss::automatic). The parsers throw Error "--optimizer 'x' is unknown; expected one of: ...".
const char* to_string(Optimizer optimizer);
const char* to_string(Loss loss);
const char* to_string(Device device);
Optimizer parse_optimizer(std::string_view text);
Loss parse_loss(std::string_view text);
Device parse_device(std::string_view text);

struct TrainConfig {
  Optimizer optimizer = Optimizer::sgd;
  double lr = 0.01;
  double momentum = 0.0;
  bool nesterov = false;
  double weight_decay = 0.0;
  double clip_norm = 0.0;         // > 0: gradients rescaled to a total norm of at most this before each step (RNNs)
  std::int64_t batch = 64;
  int epochs = 10;
  Loss loss = Loss::automatic;
  std::uint64_t seed = 0;         // shuffling and dropout
  Device device = Device::cpu;
  bool progress = false;          // a progress bar on stderr
  bool fused = true;              // plain MLP + cross-entropy + SGD: the hand-written step (train/fused_mlp.hpp)
  // Per-parameter multipliers on lr (by qualified name; absent: 1), from the run's
  // parametrization (models/mup.hpp); derived when the model is built, never stored.
  std::vector<std::pair<std::string, double>> lr_multipliers;
};

// Copies of the parameters an optimizer keeps: 2 for Adam (its moments), 1 for SGD with
// momentum, 0 for plain SGD (models/footprint.hpp counts them).
double optimizer_state_copies(const TrainConfig& config);

}  // namespace initlab::lab
