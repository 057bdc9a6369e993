// The results store: SQLite (WAL, a schema version, every write in a transaction).
// experiments 1-n runs 1-n epochs (and, with the monitor, layer_stats, histograms, warnings). A run is identified by (experiment, init, seed), so
// re-running a comparison finds and skips what is finished; two processes may write one file.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace initlab::lab {

// 1: experiments, runs, epochs. 2: + layer_stats, histograms, warnings (the training monitor),
// propagations (`initlab propagate --db`). 3: + runs.owner / runs.heartbeat (claims), sweeps and
// sweep_points (`initlab sweep`). 4: + recurrent_stats (the monitor on recurrent models).
inline constexpr int kSchemaVersion = 5;

// A run claimed by a process on another machine whose heartbeat (written at every epoch) is
// older than this is taken to be dead and may be claimed again.
inline constexpr std::int64_t kStaleClaimSeconds = 900;

// "host:pid" of this process: the owner written into the runs it claims.
std::string this_process_owner();
// Whether the owner of a running run still lives: on this machine, by its pid; elsewhere, by the
// age of its heartbeat.
bool owner_alive(const std::string& owner, std::int64_t heartbeat_age_seconds);

struct ClaimOutcome {
  std::int64_t run_id = 0;  // > 0: claimed for the caller
  RunStatus status = RunStatus::running;  // otherwise: done / diverged (finished), or running (another live owner)
  std::string owner;
};

// read: the readers (results, report): opened read-only, never created, migrated or written, so
// a read-only file or folder works and a file that is not a results database is left as it was.
// write: the recorder: created when missing, an older schema upgraded in a transaction.
enum class StoreMode { read, write };

class ResultStore {
 public:
  // Throws Error naming the file when it is missing (read), empty, not SQLite, not an initlab
  // results database, or has a newer schema.
  explicit ResultStore(const std::string& path, StoreMode mode = StoreMode::write);
  ~ResultStore();
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  std::int64_t experiment(const ExperimentRecord& e);  // finds by key or inserts; returns the id
  std::optional<RunRecord> find_run(std::int64_t experiment_id, const std::string& init, std::uint64_t seed);
  // Claims (experiment, init, seed) for `owner` in one transaction: not when it is finished, nor
  // while another live owner holds it; an unfinished earlier attempt (interrupted, failed, or an
  // owner that died) is replaced.
  ClaimOutcome claim_run(const RunRecord& r, const std::string& owner);
  void heartbeat(std::int64_t run_id);
  void add_epoch(std::int64_t run_id, const EpochMetrics& m);
  void finish_run(std::int64_t run_id, RunStatus status, int diverged_epoch, const std::string& error = "");

  // The monitor's snapshots, histograms and warnings for a run, in one transaction.
  void add_monitor(std::int64_t run_id, const MonitorRecord& monitor);
  // A run's end: its monitor rows (when given) and its status, in one transaction.
  void finish(std::int64_t run_id, RunStatus status, int diverged_epoch, const std::string& error, const MonitorRecord* monitor);
  std::vector<LayerSnapshot> layer_stats(std::int64_t run_id);  // by step, layers in network order
  std::vector<WeightHistogram> histograms(std::int64_t run_id);
  std::vector<MonitorWarning> warnings(std::int64_t run_id);
  std::vector<RecurrentSnapshot> recurrent_stats(std::int64_t run_id);  // by step, gates in weight_hh's order

  std::int64_t sweep(const SweepRecord& s);  // finds by key or inserts; returns the id
  void add_sweep_point(const SweepPointRecord& p);  // idempotent
  std::vector<SweepRecord> sweeps();
  std::vector<SweepPointRecord> sweep_points(std::int64_t sweep_id);

  std::int64_t add_propagation(const PropagationRecord& p);  // returns the id
  std::vector<PropagationRecord> propagations();

  std::vector<ExperimentRecord> experiments();
  std::vector<RunRecord> runs(std::int64_t experiment_id);  // with their epochs
  const std::string& path() const { return path_; }
  // A JSON column (a config, a spec) parsed; throws Error naming the file and `what` (e.g.
  // "the config of experiment 3") when it is corrupt.
  nlohmann::json parse_json(const std::string& text, const std::string& what) const;
  int schema_version() const { return version_; }

 private:
  void open_for_reading();
  void open_for_writing();
  // The schema version in `meta`, or nullopt when there is none; throws Error when it is not a number.
  std::optional<int> stored_version();
  bool has_table(const char* name);
  bool has_column(const char* table, const char* column);
  void insert_monitor(std::int64_t run_id, const MonitorRecord& monitor);  // inside a transaction
  void exec(const std::string& sql);
  // Runs body inside BEGIN IMMEDIATE ... COMMIT; rolls back and rethrows when it throws.
  void transaction(const std::function<void()>& body);
  std::string path_;
  std::string shown_;  // path_ as error messages quote it (an excerpt)
  sqlite3* db_ = nullptr;
  int version_ = kSchemaVersion;
};

}  // namespace initlab::lab
