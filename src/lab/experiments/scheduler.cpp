#include "experiments/scheduler.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "initlab/error.hpp"
#include "train/runtime.hpp"

extern char** environ;

namespace initlab::lab {
namespace {

// ---- newline-delimited JSON over a pipe ---------------------------------------------------

bool write_line(int fd, const std::string& text) {
  std::string line = text + "\n";
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd) {}
  int fd() const { return fd_; }
  // Reads what is there (one read call); false at end of file or on error.
  bool fill() {
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
  // Blocks until a whole line arrives; nullopt at end of file.
  std::optional<std::string> read_line() {
    while (true) {
      if (auto line = next()) return line;
      if (!fill()) return std::nullopt;
    }
  }

 private:
  int fd_;
  std::string buffer_;
};

// ---- in this process ---------------------------------------------------------------------

bool claimed(const Plan& plan, const PlannedRun& run, std::size_t index, Recorder& recorder, RunEvents& events,
             ExecutionReport& report, std::int64_t& run_id) {
  const ClaimOutcome claim = recorder.claim(plan, run);
  run_id = claim.run_id;
  if (claim.run_id > 0) return true;
  if (is_final(claim.status)) ++report.skipped;
  else ++report.busy;
  events.skipped(run, index + 1, plan.runs.size(), claim.status, claim.owner);
  return false;
}

void count(const RunResult& r, ExecutionReport& report) {
  ++report.trained;
  if (r.status == RunStatus::failed) ++report.failed;
  if (r.status == RunStatus::interrupted) report.interrupted = true;
}

ExecutionReport execute_here(const Plan& plan, Recorder& recorder, DataCache& data, RunEvents& events, const std::atomic<bool>* stop) {
  ExecutionReport report;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    if (stop && stop->load()) {
      report.interrupted = true;
      break;
    }
    const PlannedRun& run = plan.runs[i];
    std::int64_t run_id = 0;
    if (!claimed(plan, run, i, recorder, events, report, run_id)) continue;
    events.started(run, i + 1, plan.runs.size());
    RunCallbacks callbacks;
    callbacks.epoch = [&](const EpochMetrics& m) {
      recorder.epoch(run_id, m);
      events.epoch(run, m);
    };
    callbacks.note = [&](const std::string& line) { events.note(run, line); };
    callbacks.warning = [&](const std::string& message) { events.warning(run, message); };
    RunResult result;
    try {
      result = run_one(run.spec, data.get(run.spec.data, run.spec.data_options), stop, callbacks);
    } catch (const Error& e) {
      result.status = RunStatus::failed;
      result.error = e.what();
      recorder.finish(run_id, result);
      throw;
    }
    recorder.finish(run_id, result);
    events.finished(run, result);
    count(result, report);
    if (report.interrupted) break;
  }
  return report;
}

// ---- worker processes --------------------------------------------------------------------

struct Worker {
  pid_t pid = -1;
  int to = -1;                       // its input
  std::optional<LineReader> from;    // its output
  std::optional<std::size_t> run;    // the plan index it trains
  std::int64_t run_id = 0;
  bool alive = false;
};

Worker spawn_worker(const std::vector<std::string>& command) {
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
  Worker w;
  w.pid = pid;
  w.to = down[1];
  w.from.emplace(up[0]);
  w.alive = true;
  return w;
}

std::string ended_how(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return "ended";
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  return "exited with code " + std::to_string(WEXITSTATUS(status));
}

ExecutionReport execute_in_workers(const Plan& plan, Recorder& recorder, RunEvents& events, const ScheduleOptions& options,
                                   const std::atomic<bool>* stop) {
  if (options.worker_command.empty()) throw Error("--jobs > 1 needs a worker command (initlab worker)");
  ::signal(SIGPIPE, SIG_IGN);  // a worker that died must not take this process with it
  ExecutionReport report;
  const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(options.jobs), plan.runs.size());
  std::vector<Worker> workers;
  for (std::size_t k = 0; k < n; ++k) workers.push_back(spawn_worker(options.worker_command));
  int spawns_left = static_cast<int>(n);  // replacements for workers that die
  std::size_t next = 0;
  bool stopping = false;
  std::optional<std::string> config_error;
  const auto finish = [&](Worker& w, const RunResult& result) {
    const PlannedRun& run = plan.runs[*w.run];
    recorder.finish(w.run_id, result);
    events.finished(run, result);
    count(result, report);
    w.run.reset();
    w.run_id = 0;
  };
  while (true) {
    if (stop && stop->load() && !stopping) {
      stopping = true;
      report.interrupted = true;
      for (auto& w : workers)
        if (w.alive && w.run) ::kill(w.pid, SIGINT);
    }
    // Hand out runs to idle workers, claiming each as it goes out.
    for (auto& w : workers) {
      while (w.alive && !w.run && !stopping && next < plan.runs.size()) {
        const std::size_t i = next++;
        std::int64_t run_id = 0;
        if (!claimed(plan, plan.runs[i], i, recorder, events, report, run_id)) continue;
        events.started(plan.runs[i], i + 1, plan.runs.size());
        w.run = i;
        w.run_id = run_id;
        if (!write_line(w.to, nlohmann::json{{"id", i}, {"run", nlohmann::json::parse(plan.runs[i].spec_json)}}.dump())) {
          RunResult failed;
          failed.status = RunStatus::failed;
          failed.error = "the worker process could not be reached";
          finish(w, failed);
          w.alive = false;
        }
      }
    }
    std::vector<pollfd> fds;
    std::vector<Worker*> polled;
    for (auto& w : workers)
      if (w.alive && w.run) {
        fds.push_back({w.from->fd(), POLLIN, 0});
        polled.push_back(&w);
      }
    if (fds.empty()) {
      if (stopping || next >= plan.runs.size()) break;
      if (std::none_of(workers.begin(), workers.end(), [](const Worker& w) { return w.alive; })) {
        if (spawns_left-- <= 0) throw Error("every worker process died; the runs left are not trained (see the errors above)");
        workers.push_back(spawn_worker(options.worker_command));
      }
      continue;
    }
    const int ready = ::poll(fds.data(), fds.size(), 200);
    if (ready < 0 && errno != EINTR) throw Error(std::string("waiting for workers: ") + std::strerror(errno));
    for (std::size_t k = 0; k < fds.size(); ++k) {
      if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Worker& w = *polled[k];
      const bool open = w.from->fill();
      while (auto line = w.from->next()) {
        nlohmann::json msg;
        try {
          msg = nlohmann::json::parse(*line);
        } catch (const nlohmann::json::exception&) {
          continue;  // not ours (a library printing to the wrong place): ignored
        }
        if (!w.run || msg.value("id", std::size_t(-1)) != *w.run) continue;
        const PlannedRun& run = plan.runs[*w.run];
        if (msg.contains("epoch")) {
          const EpochMetrics m = epoch_from_json(msg["epoch"]);
          recorder.epoch(w.run_id, m);
          events.epoch(run, m);
        } else if (msg.contains("note")) {
          events.note(run, msg["note"].get<std::string>());
        } else if (msg.contains("warning")) {
          events.warning(run, msg["warning"].get<std::string>());
        } else if (msg.contains("result")) {
          finish(w, run_result_from_json(msg["result"]));
        } else if (msg.contains("config_error")) {
          RunResult failed;
          failed.status = RunStatus::failed;
          failed.error = msg["config_error"].get<std::string>();
          config_error = failed.error;
          finish(w, failed);
          stopping = true;
        }
      }
      if (!open) {  // the worker is gone
        ::close(w.to);
        ::close(w.from->fd());
        w.alive = false;
        const std::string how = ended_how(w.pid);
        if (w.run) {
          RunResult failed;
          failed.status = RunStatus::failed;
          failed.error = "its worker process " + how;
          finish(w, failed);
        }
        if (!stopping && next < plan.runs.size() && spawns_left-- > 0) workers.push_back(spawn_worker(options.worker_command));
      }
    }
  }
  for (auto& w : workers) {
    if (!w.alive) continue;
    write_line(w.to, R"({"quit":true})");
    ::close(w.to);
    ::close(w.from->fd());
    int status = 0;
    ::waitpid(w.pid, &status, 0);
  }
  if (config_error) throw Error(*config_error);
  return report;
}

}  // namespace

ExecutionReport execute(const Plan& plan, Recorder& recorder, DataCache& data, RunEvents& events, const ScheduleOptions& options,
                        const std::atomic<bool>* stop) {
  if (options.jobs < 1) throw Error("--jobs " + std::to_string(options.jobs) + " is invalid; expected >= 1");
  if (options.jobs == 1) return execute_here(plan, recorder, data, events, stop);
  return execute_in_workers(plan, recorder, events, options, stop);
}

int worker_main(int in_fd, int out_fd, const std::atomic<bool>* stop) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a scheduler killed with -9 takes its workers along
  ::signal(SIGPIPE, SIG_IGN);
  configure_runtime(1);  // one run, one thread: the cores are used by running runs side by side
  DataCache cache;
  LineReader in(in_fd);
  while (const auto line = in.read_line()) {
    nlohmann::json msg;
    try {
      msg = nlohmann::json::parse(*line);
    } catch (const nlohmann::json::exception&) {
      return 2;
    }
    if (msg.contains("quit")) return 0;
    const auto id = msg.at("id");
    const auto send = [&](const char* key, nlohmann::json value) { write_line(out_fd, nlohmann::json{{"id", id}, {key, std::move(value)}}.dump()); };
    try {
      const RunSpec spec = run_spec_from_json(msg.at("run"));
      RunCallbacks callbacks;
      callbacks.epoch = [&](const EpochMetrics& m) { send("epoch", epoch_json(m)); };
      callbacks.note = [&](const std::string& note) { send("note", note); };
      callbacks.warning = [&](const std::string& message) { send("warning", message); };
      const RunResult result = run_one(spec, cache.get(spec.data, spec.data_options), stop, callbacks);
      send("result", run_result_json(result));
    } catch (const Error& e) {
      send("config_error", e.what());
    } catch (const std::exception& e) {
      RunResult failed;
      failed.status = RunStatus::failed;
      failed.error = e.what();
      send("result", run_result_json(failed));
    }
    if (stop && stop->load()) return 130;
  }
  return 0;
}

}  // namespace initlab::lab
