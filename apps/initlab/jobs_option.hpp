// --jobs: how the lab commands (compare, train, sweep) run their runs side by side.
#pragma once
#include "experiments/scheduler.hpp"

namespace initlab::cli {

// jobs <= 0: one per core; never more than `runs`. Workers are this executable's `initlab worker`.
lab::ScheduleOptions schedule_options(int jobs, int runs);

}  // namespace initlab::cli
