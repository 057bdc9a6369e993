// How the scheduler talks to workers, whatever carries the messages: worker processes on this
// machine over pipes (--jobs N) or MPI ranks on many machines (mpirun). Messages are lines of
// JSON: a run spec out, its epochs, notes and result back.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace initlab::lab {

struct WorkerMessage {
  int worker = 0;
  std::optional<std::string> line;  // nullopt: the worker has ended
  std::string how;                  // when it ended: how (exit code, signal)
};

class WorkerPool {
 public:
  virtual ~WorkerPool() = default;
  virtual int size() const = 0;                       // workers, numbered 0..size-1
  virtual bool send(int worker, const std::string& line) = 0;  // false: the worker cannot be reached
  // The lines (and ends) that arrive within timeout_ms; empty on a timeout.
  virtual std::vector<WorkerMessage> receive(int timeout_ms) = 0;
  virtual void interrupt(int worker) = 0;             // ask it to stop its current run (Ctrl-C)
  // Starts a worker in place of one that ended; false when this pool cannot.
  virtual bool replace(int worker) = 0;
  virtual void close() = 0;                           // tells every live worker to quit and waits
};

// One side of a worker's conversation with its scheduler.
class WorkerChannel {
 public:
  virtual ~WorkerChannel() = default;
  virtual std::optional<std::string> read_line() = 0;  // nullopt: the scheduler is gone
  virtual bool write_line(const std::string& line) = 0;
};

// N processes started from `command` (argv; `--in-fd 3 --out-fd 4` appended), over pipes.
std::unique_ptr<WorkerPool> start_worker_processes(const std::vector<std::string>& command, int n);
// A worker's pipes (the file descriptors `initlab worker` is given).
std::unique_ptr<WorkerChannel> pipe_channel(int in_fd, int out_fd);

}  // namespace initlab::lab
