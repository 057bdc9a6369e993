// The recorder: the only code that writes runs (and propagation studies) to the results database. Runs are claimed
// before they start (owner host:pid and a heartbeat), so two processes on one database, or
// the workers of one, never train the same run; a claim whose owner died is taken over.
#pragma once
#include <string>

#include "experiments/plan.hpp"
#include "experiments/run.hpp"
#include "store/store.hpp"

namespace initlab::lab {

class Recorder {
 public:
  explicit Recorder(const std::string& db);

  // Finds or inserts every experiment of the plan and fills in their ids.
  void add_experiments(Plan& plan);
  // Claims one planned run for this process (see ResultStore::claim_run).
  ClaimOutcome claim(const Plan& plan, const PlannedRun& run);
  void epoch(std::int64_t run_id, const EpochMetrics& m);  // also renews the claim's heartbeat
  // The run's end: status, error and (with the monitor) its rows, in one transaction.
  void finish(std::int64_t run_id, const RunResult& result);

  // A propagation study (`initlab propagate --db`), stamped with versions and the machine.
  std::int64_t add_propagation(PropagationRecord record);

  ResultStore& store() { return store_; }

 private:
  ResultStore store_;
  std::string owner_;
};

}  // namespace initlab::lab
