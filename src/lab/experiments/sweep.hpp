// Sweeps: a sweep file's grid as a plan (each grid point an experiment of its own, so points
// that two sweeps or a compare share are trained once), and its summary from the database: per
// slice of the untuned keys, each init at its tuned value (best mean validation metric over
// seeds), compared on the test metric with paired statistics.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "data/data_cache.hpp"
#include "experiments/plan.hpp"
#include "experiments/summary.hpp"
#include "experiments/sweep_file.hpp"

namespace initlab::lab {

class ResultStore;

struct SweepPlan {
  Plan plan;
  SweepRecord record;                  // key, name, config, command
  std::vector<GridPoint> points;       // plan.experiments[i] is points[i]
  double estimated_seconds = 0;        // for one core: see estimate_seconds
};

// Checks every point x init against its model and data before anything trains; throws Error
// "FILE: ..." naming the key. More than max_runs runs is an error naming --max-runs; a run
// estimated to need more than max_memory_bytes (0: the memory available now) one naming --max-memory.
SweepPlan plan_sweep(const SweepFile& sweep, const std::string& command, std::uint64_t max_runs, DataCache& data,
                     double max_memory_bytes = 0);

// Sets one option of a run spec from a sweep file's (key, canonical value): the one place that
// maps option names to fields. Throws Error naming the key and value.
void set_run_option(RunSpec& spec, const std::string& key, const std::string& value);

// The sweep's id in the store (inserted with its points when missing).
std::int64_t record_sweep(ResultStore& store, SweepPlan& plan);

struct TunedChoice {
  std::string init;
  int chosen_point = -1;                    // index into the sweep's points; -1: no finished run
  std::map<std::string, std::string> chosen;  // tuned key -> value
  struct Candidate {
    int point = 0;
    std::map<std::string, std::string> tuned;
    double validation_mean = 0;
    int finished = 0, runs = 0;
    // The last epoch's training loss, mean over the runs that finished (NaN when none did), and
    // how many diverged: what a learning-rate curve plots (μP's transfer, docs/transformers.md).
    double train_loss_mean = 0;
    int diverged = 0;
  };
  std::vector<Candidate> candidates;         // every tuned value tried, in grid order
};

struct SweepSlice {
  std::map<std::string, std::string> fixed;  // the untuned grid keys with several values, at this slice
  std::vector<TunedChoice> choices;          // per init (empty without tune)
  ExperimentSummary summary;                 // test metric, each init at its chosen point (or the one point)
};

struct SweepSummary {
  std::int64_t sweep_id = 0;
  std::string name;
  std::vector<std::string> tuned;
  std::string validation_metric;  // what tuning maximized (or minimized)
  std::vector<SweepSlice> slices;
};

SweepSummary summarize_sweep(ResultStore& store, std::int64_t sweep_id);
nlohmann::json sweep_summary_json(const SweepSummary& s);

}  // namespace initlab::lab
