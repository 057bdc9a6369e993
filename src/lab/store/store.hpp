// The results store: SQLite (WAL, a schema version, every write in a transaction).
// experiments 1-n runs 1-n epochs (and, with the monitor, layer_stats, histograms, warnings). A run is identified by (experiment, init, seed), so
// re-running a comparison finds and skips what is finished; two processes may write one file.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "train/monitor.hpp"
#include "train/trainer.hpp"

namespace initlab::lab {

// 1: experiments, runs, epochs. 2: + layer_stats, histograms, warnings (the training monitor),
// propagations (`initlab propagate --db`).
inline constexpr int kSchemaVersion = 2;

struct ExperimentRecord {
  std::int64_t id = 0;
  std::string key;       // identity: a digest of the configuration (model, data, training, inits)
  std::string kind;      // train | compare
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
  std::string status;    // running | done | diverged | failed | interrupted
  int diverged_epoch = 0;
  std::string versions;
  std::string command;
  std::string error;
  std::vector<EpochMetrics> epochs;
};

struct PropagationRecord {
  std::int64_t id = 0;
  std::string config;   // JSON
  std::string command;
  std::string created;
  std::string results;  // JSON: propagation_json()
  std::string versions;
};

class ResultStore {
 public:
  // Opens (creating when missing) the database; throws Error naming the file when it is not an
  // initlab results database or has a newer schema.
  explicit ResultStore(const std::string& path, bool create = true);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  std::int64_t experiment(const ExperimentRecord& e);  // finds by key or inserts; returns the id
  std::optional<RunRecord> find_run(std::int64_t experiment_id, const std::string& init, std::uint64_t seed);
  // Marks (experiment, init, seed) as running, replacing an unfinished earlier attempt; returns the run id.
  std::int64_t start_run(const RunRecord& r);
  void add_epoch(std::int64_t run_id, const EpochMetrics& m);
  void finish_run(std::int64_t run_id, const std::string& status, int diverged_epoch, const std::string& error = "");

  // The monitor's snapshots, histograms and warnings for a run, in one transaction.
  void add_monitor(std::int64_t run_id, const TrainingMonitor& monitor);
  std::vector<LayerSnapshot> layer_stats(std::int64_t run_id);  // by step, layers in network order
  std::vector<WeightHistogram> histograms(std::int64_t run_id);
  std::vector<MonitorWarning> warnings(std::int64_t run_id);

  std::int64_t add_propagation(const PropagationRecord& p);  // returns the id
  std::vector<PropagationRecord> propagations();

  std::vector<ExperimentRecord> experiments();
  std::vector<RunRecord> runs(std::int64_t experiment_id);  // with their epochs
  const std::string& path() const { return path_; }

 private:
  void exec(const std::string& sql);
  // Runs body inside BEGIN IMMEDIATE ... COMMIT; rolls back and rethrows when it throws.
  void transaction(const std::function<void()>& body);
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace initlab::lab
