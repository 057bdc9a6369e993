#include "jobs_option.hpp"

#include "experiments/mpi.hpp"

#include <unistd.h>

#include <algorithm>
#include <thread>

namespace initlab::cli {

lab::ScheduleOptions schedule_options(int jobs, int runs) {
  lab::ScheduleOptions s;
  if (lab::mpi::active()) {  // under mpirun: the other ranks are the workers, --jobs does not apply
    s.pool = lab::mpi::worker_ranks();
    s.jobs = lab::mpi::size() - 1;
    return s;
  }
  if (jobs <= 0) jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  s.jobs = std::max(1, std::min(jobs, runs));
  char self[4096] = {};
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  s.worker_command = {n > 0 ? std::string(self, static_cast<std::size_t>(n)) : std::string("/proc/self/exe"), "worker"};
  return s;
}

}  // namespace initlab::cli
