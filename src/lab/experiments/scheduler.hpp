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
#include "experiments/worker_pool.hpp"

namespace initlab::lab {

struct ScheduleOptions {
  int jobs = 1;                              // > 1: worker processes
  std::vector<std::string> worker_command;   // argv that starts a worker (`initlab worker`); needed when jobs > 1
  std::shared_ptr<WorkerPool> pool;          // workers already there (MPI ranks): used instead of the above
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

// A worker: reads run specs (one JSON line each) from the channel, trains each in this process
// with one thread, and writes its epochs, notes and result back as JSON lines, until told to
// quit or the scheduler is gone. Returns the process exit code.
int worker_main(WorkerChannel& channel, const std::atomic<bool>* stop);

}  // namespace initlab::lab
