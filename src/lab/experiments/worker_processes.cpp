#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "experiments/worker_pool.hpp"
#include "initlab/error.hpp"

extern char** environ;

namespace initlab::lab {
namespace {

bool write_all(int fd, const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

// Lines from a file descriptor, buffered.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  int fd() const { return fd_; }
  bool fill() {  // one read; false at end of file or on error
    char buf[65536];
    ssize_t n;
    do n = ::read(fd_, buf, sizeof buf);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  std::optional<std::string> next() {
    const auto nl = buffer_.find('\n');
    if (nl == std::string::npos) return std::nullopt;
    std::string line = buffer_.substr(0, nl);
    buffer_.erase(0, nl + 1);
    return line;
  }

 private:
  int fd_;
  std::string buffer_;
};

class PipeChannel : public WorkerChannel {
 public:
  PipeChannel(int in, int out) : in_(in), out_(out) {}
  std::optional<std::string> read_line() override {
    while (true) {
      if (auto line = in_.next()) return line;
      if (!in_.fill()) return std::nullopt;
    }
  }
  bool write_line(const std::string& line) override { return write_all(out_, line + "\n"); }

 private:
  LineReader in_;
  int out_;
};

struct Process {
  pid_t pid = -1;
  int to = -1;
  std::optional<LineReader> from;
  bool alive = false;
};

Process spawn(const std::vector<std::string>& command) {
  int down[2], up[2];
  if (::pipe2(down, O_CLOEXEC) != 0) throw Error(std::string("cannot start a worker: pipe: ") + std::strerror(errno));
  if (::pipe2(up, O_CLOEXEC) != 0) {
    ::close(down[0]);
    ::close(down[1]);
    throw Error(std::string("cannot start a worker: pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, down[0], 3);  // dup2 clears close-on-exec on 3 and 4
  posix_spawn_file_actions_adddup2(&actions, up[1], 4);
  std::vector<std::string> args = command;
  args.insert(args.end(), {"--in-fd", "3", "--out-fd", "4"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(down[0]);
  ::close(up[1]);
  if (rc != 0) {
    ::close(down[1]);
    ::close(up[0]);
    throw Error("cannot start a worker '" + command.front() + "': " + std::strerror(rc));
  }
  Process p;
  p.pid = pid;
  p.to = down[1];
  p.from.emplace(up[0]);
  p.alive = true;
  return p;
}

std::string ended_how(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return "ended";
  if (WIFSIGNALED(status))
    return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

class ProcessPool : public WorkerPool {
 public:
  ProcessPool(const std::vector<std::string>& command, int n) : command_(command) {
    ::signal(SIGPIPE, SIG_IGN);  // a worker that died must not take the scheduler with it
    for (int k = 0; k < n; ++k) workers_.push_back(spawn(command_));
  }
  ~ProcessPool() override { close(); }

  int size() const override { return static_cast<int>(workers_.size()); }

  bool send(int w, const std::string& line) override {
    return workers_[w].alive && write_all(workers_[w].to, line + "\n");
  }

  std::vector<WorkerMessage> receive(int timeout_ms) override {
    std::vector<WorkerMessage> out;
    std::vector<pollfd> fds;
    std::vector<int> index;
    for (int w = 0; w < size(); ++w)
      if (workers_[w].alive) {
        fds.push_back({workers_[w].from->fd(), POLLIN, 0});
        index.push_back(w);
      }
    if (fds.empty()) return out;
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) throw Error(std::string("waiting for workers: ") + std::strerror(errno));
    for (std::size_t k = 0; k < fds.size(); ++k) {
      if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Process& p = workers_[index[k]];
      const bool open = p.from->fill();
      while (auto line = p.from->next()) out.push_back({index[k], std::move(line), ""});
      if (!open) {
        ::close(p.to);
        ::close(p.from->fd());
        p.alive = false;
        out.push_back({index[k], std::nullopt, ended_how(p.pid)});
      }
    }
    return out;
  }

  void interrupt(int w) override {
    if (workers_[w].alive) ::kill(workers_[w].pid, SIGINT);
  }

  bool replace(int w) override {
    if (workers_[w].alive) return true;
    workers_[w] = spawn(command_);
    return true;
  }

  void close() override {
    for (auto& p : workers_) {
      if (!p.alive) continue;
      write_all(p.to, "{\"quit\":true}\n");
      ::close(p.to);
      ::close(p.from->fd());
      int status = 0;
      ::waitpid(p.pid, &status, 0);
      p.alive = false;
    }
  }

 private:
  std::vector<std::string> command_;
  std::vector<Process> workers_;
};

}  // namespace

std::unique_ptr<WorkerPool> start_worker_processes(const std::vector<std::string>& command, int n) {
  if (command.empty()) throw Error("--jobs > 1 needs a worker command (initlab worker)");
  return std::make_unique<ProcessPool>(command, n);
}

std::unique_ptr<WorkerChannel> pipe_channel(int in_fd, int out_fd) { return std::make_unique<PipeChannel>(in_fd, out_fd); }

}  // namespace initlab::lab
