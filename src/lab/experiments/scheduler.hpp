// The scheduler: feeds a plan's runs to workers and their results to the recorder. In this
// process one run after another (--jobs 1), or N worker processes side by side (--jobs N), each
// training one run at a time single-threaded. Runs are claimed only when handed out, so any
// number of schedulers (processes, machines) can share one database.
#pragma once
#include <atomic>
#include <string>
#include <vector>

#include "data/data_cache.hpp"
#include "experiments/events.hpp"
#include "experiments/plan.hpp"
#include "experiments/recorder.hpp"

namespace initlab::lab {

struct ScheduleOptions {
  int jobs = 1;                              // > 1: worker processes
  std::vector<std::string> worker_command;   // argv that starts a worker (`initlab worker`); needed when jobs > 1
};

struct ExecutionReport {
  int trained = 0;      // runs this call trained (any status)
  int skipped = 0;      // finished earlier
  int busy = 0;         // held by another live process
  int failed = 0;
  bool interrupted = false;
};

// Throws Error for a configuration error met by a run (after recording it as failed).
ExecutionReport execute(const Plan& plan, Recorder& recorder, DataCache& data, RunEvents& events,
                        const ScheduleOptions& options, const std::atomic<bool>* stop);

// The worker side of --jobs: reads run specs (one JSON line each) from in_fd, trains each in
// this process with one thread, and writes its epochs, notes and result as JSON lines to
// out_fd, until told to quit or in_fd closes. Returns the process exit code.
int worker_main(int in_fd, int out_fd, const std::atomic<bool>* stop);

}  // namespace initlab::lab
