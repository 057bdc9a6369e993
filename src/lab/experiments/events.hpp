// What an experiment has to say while it runs, for whoever shows it (the CLI prints it; tests
// and libraries may ignore it). The library itself never prints.
#pragma once
#include <cstddef>
#include <string>

#include "experiments/plan.hpp"
#include "experiments/run.hpp"

namespace initlab::lab {

class RunEvents {
 public:
  virtual ~RunEvents() = default;
  // index is 1-based over plan.runs; total == plan.runs.size().
  virtual void skipped(const PlannedRun&, std::size_t /*index*/, std::size_t /*total*/, RunStatus /*status*/,
                       const std::string& /*owner*/) {}
  virtual void started(const PlannedRun&, std::size_t /*index*/, std::size_t /*total*/) {}
  virtual void note(const PlannedRun&, const std::string& /*line*/) {}
  virtual void warning(const PlannedRun&, const std::string& /*message*/) {}
  virtual void epoch(const PlannedRun&, const EpochMetrics&) {}
  virtual void finished(const PlannedRun&, const RunResult&) {}
};

}  // namespace initlab::lab
