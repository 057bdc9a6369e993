// What the lab records about runs: plain, torch-free types. The trainer and the monitor produce
// them, the recorder writes them, the store reads them back, and the report and the statistics
// consume them; none of those needs LibTorch to use them.
#pragma once
#include <limits>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace initlab::lab {

// One epoch of one run.
struct EpochMetrics {
  int epoch = 0;  // 1-based
  double train_loss = 0, train_acc = 0;
  std::optional<double> val_loss, val_acc, test_loss, test_acc;
  double seconds = 0;
  double grad_norm = 0;  // mean of the global L2 norm of the gradients over every 4th step of the epoch
};

// The training monitor's rows (train/monitor.hpp).
struct LayerSnapshot {
  std::int64_t step = 0;  // 0-based, over the whole run
  int epoch = 0;          // 1-based
  std::string layer;
  double weight_mean = 0, weight_std = 0, weight_norm = 0;
  double act_mean = 0, act_std = 0, dead = 0, saturated = 0;
  double grad_std = 0, grad_norm = 0;
  double update_ratio = 0;  // |w_after - w_before| / |w_before| for this step's update
  // std of d loss / d (the layer's output): the back-propagated gradient (Glorot & Bengio 2010's);
  // NaN where it was not recorded (databases of schema version < 5).
  double grad_pre_std = std::numeric_limits<double>::quiet_NaN();
};

struct WeightHistogram {
  std::string layer;
  std::string stage;  // init | end
  double lo = 0, hi = 0;
  std::vector<std::int64_t> counts;  // equal-width bins over [lo, hi]
};

struct MonitorWarning {
  std::int64_t step = 0;
  int epoch = 0;
  std::string layer, kind;  // vanishing_gradients | exploding_gradients | vanishing_activations | dead_units | saturation |
                            // vanishing_through_time | exploding_through_time
  std::string message;
};

// The recurrent layer on a monitored step (rnn: models), one row per gate block of weight_hh:
// its spectrum, and what of the last step's gradient reaches the first step on the monitor's
// batch (grad_ratio = rms dL/dh_1 / rms dL/dh_T, L = fc(h_T) . a Gaussian cotangent) with the
// hidden state's growth (hidden_ratio = rms h_T / rms h_1); those two are the step's, the same on
// every gate's row.
struct RecurrentSnapshot {
  std::int64_t step = 0;
  int epoch = 0;
  std::string layer;  // the recurrent module, e.g. recurrent.lstm
  std::string gate;   // i f g o (LSTM) | r z n (GRU) | hh (RNN)
  double spectral_radius = 0, max_singular = 0, min_singular = 0;
  double grad_ratio = 0, hidden_ratio = 0;  // NaN: nothing reached the last step (stored as NULL)
};

struct MonitorRecord {
  std::vector<LayerSnapshot> snapshots;
  std::vector<WeightHistogram> histograms;
  std::vector<MonitorWarning> warnings;
  std::vector<RecurrentSnapshot> recurrent;  // empty for models without a recurrent layer
};

// How a run ended. running: claimed by a worker that has not finished it (yet).
enum class RunStatus { running, done, diverged, failed, interrupted };
const char* to_string(RunStatus status);
RunStatus parse_run_status(const std::string& text);  // throws Error on an unknown status
// done and diverged are final (a re-run skips them); the others are trained again.
inline bool is_final(RunStatus s) { return s == RunStatus::done || s == RunStatus::diverged; }

struct ExperimentRecord {
  std::int64_t id = 0;
  std::string key;       // identity: a digest of the configuration (model, data, training, inits)
  std::string kind;      // train | compare | sweep
  std::string config;    // JSON
  std::string command;   // the command line
  std::string created;
};

struct RunRecord {
  std::int64_t id = 0;
  std::int64_t experiment_id = 0;
  std::string init;      // the spec as given
  std::uint64_t seed = 0;
  std::string spec;      // JSON: everything needed to re-run it
  RunStatus status = RunStatus::running;
  int diverged_epoch = 0;
  std::string versions;
  std::string command;
  std::string error;
  std::string owner;     // who claimed it: host:pid
  std::vector<EpochMetrics> epochs;
};

// A sweep (`initlab sweep FILE.toml`): a grid of points, each an experiment of its own (so a
// point two sweeps share is trained once), compared per init with some keys tuned.
struct SweepRecord {
  std::int64_t id = 0;
  std::string key;      // a digest of the whole grid
  std::string name;
  std::string config;   // JSON: the sweep file as parsed (settings, inits, seeds, tune)
  std::string command;
  std::string created;
};

struct SweepPointRecord {
  std::int64_t sweep_id = 0;
  int point = 0;                 // 0-based, in grid order
  std::int64_t experiment_id = 0;
  std::string settings;          // JSON object: the grid's key -> value at this point
};

struct PropagationRecord {
  std::int64_t id = 0;
  std::string config;   // JSON
  std::string command;
  std::string created;
  std::string results;  // JSON: propagation_json()
  std::string versions;
};

}  // namespace initlab::lab
