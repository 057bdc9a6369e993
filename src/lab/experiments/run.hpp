// One run, as a function of its spec alone: builds the model, initializes it, trains it, and
// returns its metrics and monitor rows. It touches no database and prints nothing; what it has
// to say goes to the callbacks.
#pragma once
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "experiments/run_spec.hpp"
#include "store/records.hpp"

namespace initlab::lab {

struct RunResult {
  RunStatus status = RunStatus::done;  // done | diverged | failed | interrupted
  int diverged_epoch = 0;
  std::vector<EpochMetrics> epochs;
  std::optional<MonitorRecord> monitor;
  std::string error;  // failed: why, in one line
};

struct RunCallbacks {
  std::function<void(const EpochMetrics&)> epoch;      // after each epoch
  std::function<void(const std::string&)> note;        // a line worth showing: network-init steps
  std::function<void(const std::string&)> warning;     // a monitor warning (shown even when notes are not)
};

// A run's model built and initialized (the init plan with the run's seed, any network scheme,
// the parametrization's init multipliers) and its training settings (the run's seed, the
// parametrization's learning-rate multipliers): what run_one trains, for callers that train it
// their own way (coordcheck). Network-scheme lines go to `note`.
struct PreparedRun {
  torch::nn::Sequential model;
  TrainConfig train;
};
PreparedRun prepare_run(const RunSpec& spec, const DataSplits& data, const std::function<void(const std::string&)>& note);

// `data` must be the data of spec (load_data(spec.data, spec.data_options)). A configuration
// error (initlab::Error: a spec that cannot apply to this model) is thrown, since every run of
// the experiment would fail the same way; any other failure is returned as status failed.
RunResult run_one(const RunSpec& spec, const DataSplits& data, const std::atomic<bool>* stop, const RunCallbacks& callbacks);

// The run's result as sent back by a worker, and read back.
nlohmann::json run_result_json(const RunResult& result);
RunResult run_result_from_json(const nlohmann::json& j);
nlohmann::json epoch_json(const EpochMetrics& m);
EpochMetrics epoch_from_json(const nlohmann::json& j);

}  // namespace initlab::lab
