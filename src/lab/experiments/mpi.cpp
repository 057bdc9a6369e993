#include "experiments/mpi.hpp"

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "initlab/error.hpp"

#ifdef INITLAB_HAVE_MPI
#include <mpi.h>
#endif

namespace initlab::lab::mpi {

bool launched() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(v)) return true;
  return false;
}

#ifdef INITLAB_HAVE_MPI

namespace {

constexpr int kTagLine = 1;  // a JSON line, either way
constexpr int kTagQuit = 2;  // rank 0 -> worker: no more runs

bool g_initialized = false;
int g_rank = 0, g_size = 1;
std::vector<bool> g_told_to_quit;  // on rank 0, per rank

// Waits for a message matching (source, any tag) without spinning a core (MPI_Recv busy-polls
// in OpenMPI): probe, sleep 1 ms, probe again. Returns false on timeout.
bool probe(int source, int timeout_ms, MPI_Status& status) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int flag = 0;
    MPI_Iprobe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    if (flag) return true;
    if (timeout_ms >= 0 && std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

std::string receive_text(const MPI_Status& status) {
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string text(static_cast<std::size_t>(count), '\0');
  MPI_Recv(text.data(), count, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

void send_text(int to, int tag, const std::string& text) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

class RankPool : public WorkerPool {
 public:
  int size() const override { return g_size - 1; }
  bool send(int w, const std::string& line) override {
    send_text(w + 1, kTagLine, line);
    return true;
  }
  std::vector<WorkerMessage> receive(int timeout_ms) override {
    std::vector<WorkerMessage> out;
    MPI_Status status;
    if (!probe(MPI_ANY_SOURCE, timeout_ms, status)) return out;
    do out.push_back({status.MPI_SOURCE - 1, receive_text(status), ""});
    while (probe(MPI_ANY_SOURCE, 0, status));
    return out;
  }
  void interrupt(int) override {}    // Ctrl-C under mpirun ends the whole job; a re-run finishes it
  bool replace(int) override { return false; }
  void close() override {
    for (int r = 1; r < g_size; ++r)
      if (!g_told_to_quit[static_cast<std::size_t>(r)]) {
        send_text(r, kTagQuit, "");
        g_told_to_quit[static_cast<std::size_t>(r)] = true;
      }
  }
};

class SchedulerChannel : public WorkerChannel {
 public:
  std::optional<std::string> read_line() override {
    MPI_Status status;
    probe(0, -1, status);
    std::string text = receive_text(status);
    if (status.MPI_TAG == kTagQuit) return std::nullopt;
    return text;
  }
  bool write_line(const std::string& line) override {
    send_text(0, kTagLine, line);
    return true;
  }
};

}  // namespace

bool built_with_mpi() { return true; }

void initialize(int* argc, char*** argv) {
  if (g_initialized || !launched()) return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  g_told_to_quit.assign(static_cast<std::size_t>(g_size), false);
  g_initialized = true;
}

void finalize() {
  if (!g_initialized) return;
  if (g_rank == 0) RankPool().close();
  MPI_Finalize();
  g_initialized = false;
}

bool active() { return g_initialized && g_size > 1; }
int rank() { return g_rank; }
int size() { return g_size; }

std::shared_ptr<WorkerPool> worker_ranks() {
  if (!active() || g_rank != 0) throw Error("worker_ranks: only rank 0 of an MPI job with two or more ranks has workers");
  return std::make_shared<RankPool>();
}

std::unique_ptr<WorkerChannel> channel_to_scheduler() {
  if (!active() || g_rank == 0) throw Error("channel_to_scheduler: only ranks 1..R-1 of an MPI job are workers");
  return std::make_unique<SchedulerChannel>();
}

#else  // built without MPI

bool built_with_mpi() { return false; }
void initialize(int*, char***) {
  if (launched())
    throw Error("this initlab was built without MPI, but mpirun started it; install libopenmpi-dev and rebuild (CMake finds MPI by itself)");
}
void finalize() {}
bool active() { return false; }
int rank() { return 0; }
int size() { return 1; }
std::shared_ptr<WorkerPool> worker_ranks() { throw Error("this initlab was built without MPI"); }
std::unique_ptr<WorkerChannel> channel_to_scheduler() { throw Error("this initlab was built without MPI"); }

#endif

}  // namespace initlab::lab::mpi
