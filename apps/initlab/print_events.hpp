// The console side of an experiment's events: a line per run, per epoch and per note on stderr
// (none but skips and failures under --quiet). With several runs at once, every line names its run.
#pragma once
#include "experiments/events.hpp"

namespace initlab::cli {

class ConsoleEvents : public lab::RunEvents {
 public:
  ConsoleEvents(bool quiet, bool concurrent) : quiet_(quiet), concurrent_(concurrent) {}
  void skipped(const lab::PlannedRun& run, std::size_t index, std::size_t total, lab::RunStatus status, const std::string& owner) override;
  void started(const lab::PlannedRun& run, std::size_t index, std::size_t total) override;
  void note(const lab::PlannedRun& run, const std::string& line) override;
  void warning(const lab::PlannedRun& run, const std::string& message) override;
  void epoch(const lab::PlannedRun& run, const lab::EpochMetrics& m) override;
  void finished(const lab::PlannedRun& run, const lab::RunResult& result) override;

 private:
  std::string prefix(const lab::PlannedRun& run) const;
  bool quiet_, concurrent_;
};

}  // namespace initlab::cli
