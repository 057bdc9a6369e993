// Sweeps over many machines: under `mpirun -n R initlab ...`, rank 0 runs the command (plans,
// schedules, records: it alone opens the database) and ranks 1..R-1 are workers that train the
// runs rank 0 hands them, one at a time (dynamic scheduling). Without mpirun, or in a build
// without MPI, nothing here is active and initlab behaves as on one machine.
#pragma once
#include <memory>

#include "experiments/worker_pool.hpp"

namespace initlab::lab::mpi {

// Whether this process was started by an MPI launcher (OpenMPI's or a PMI-based one).
bool launched();
// Whether this initlab was built with MPI.
bool built_with_mpi();

// Initializes MPI when launched by mpirun (throws Error when launched but built without MPI);
// safe to call when not launched. finalize() tells every worker rank still waiting to quit, then
// finalizes; call it on rank 0 on every way out.
void initialize(int* argc, char*** argv);
void finalize();
bool active();  // initialized with more than one rank
int rank();
int size();

// Rank 0: the other ranks as a worker pool.
std::shared_ptr<WorkerPool> worker_ranks();
// Ranks 1..R-1: the conversation with rank 0.
std::unique_ptr<WorkerChannel> channel_to_scheduler();

}  // namespace initlab::lab::mpi
