#include "experiments/recorder.hpp"

#include "experiments/system_info.hpp"

namespace initlab::lab {

Recorder::Recorder(const std::string& db) : store_(db, StoreMode::write), owner_(this_process_owner()) {}

void Recorder::add_experiments(Plan& plan) {
  for (auto& e : plan.experiments) e.record.id = store_.experiment(e.record);
}

ClaimOutcome Recorder::claim(const Plan& plan, const PlannedRun& run) {
  const PlannedExperiment& e = plan.experiments.at(run.experiment);
  RunRecord r;
  r.experiment_id = e.record.id;
  r.init = run.spec.init;
  r.seed = run.spec.seed;
  r.spec = run.spec_json;
  r.versions = versions_text();
  r.command = e.record.command;
  return store_.claim_run(r, owner_);
}

std::int64_t Recorder::add_propagation(PropagationRecord record) {
  record.versions = versions_text();
  return store_.add_propagation(record);
}

void Recorder::epoch(std::int64_t run_id, const EpochMetrics& m) {
  store_.add_epoch(run_id, m);
  store_.heartbeat(run_id);
}

void Recorder::finish(std::int64_t run_id, const RunResult& result) {
  store_.finish(run_id, result.status, result.diverged_epoch, result.error, result.monitor ? &*result.monitor : nullptr);
}

}  // namespace initlab::lab
