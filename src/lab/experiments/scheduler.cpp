#include "experiments/scheduler.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

#include "initlab/error.hpp"
#include "train/runtime.hpp"

namespace initlab::lab {
namespace {

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
      result = run_one(run.spec, data.get(parsed(run.spec).data, run.spec.data_options), stop, callbacks);
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

// ---- workers (processes or MPI ranks) --------------------------------------------------------

ExecutionReport execute_in_pool(const Plan& plan, Recorder& recorder, RunEvents& events, WorkerPool& pool, const std::atomic<bool>* stop) {
  ExecutionReport report;
  struct Slot {
    std::optional<std::size_t> run;  // the plan index it trains
    std::int64_t run_id = 0;
    bool alive = true;
  };
  std::vector<Slot> slots(static_cast<std::size_t>(pool.size()));
  int replacements_left = pool.size();  // workers that die are replaced, this many times in all
  std::size_t next = 0;
  bool stopping = false;
  std::optional<std::string> config_error;
  // After a stop request, workers that have not answered within this time (a worker killed with
  // its job, an MPI rank that cannot be interrupted) have their runs recorded as interrupted.
  constexpr auto kStopGrace = std::chrono::seconds(15);
  std::chrono::steady_clock::time_point stop_deadline{};
  const auto finish = [&](Slot& w, const RunResult& result) {
    recorder.finish(w.run_id, result);
    events.finished(plan.runs[*w.run], result);
    count(result, report);
    w.run.reset();
    w.run_id = 0;
  };
  const auto failed = [](const std::string& why) {
    RunResult r;
    r.status = RunStatus::failed;
    r.error = why;
    return r;
  };
  while (true) {
    if (stop && stop->load() && !stopping) {
      stopping = true;
      report.interrupted = true;
      stop_deadline = std::chrono::steady_clock::now() + kStopGrace;
      for (int k = 0; k < pool.size(); ++k)
        if (slots[k].alive && slots[k].run) pool.interrupt(k);
    }
    // Hand out runs to idle workers, claiming each as it goes out.
    for (int k = 0; k < pool.size(); ++k) {
      Slot& w = slots[k];
      while (w.alive && !w.run && !stopping && next < plan.runs.size()) {
        const std::size_t i = next++;
        std::int64_t run_id = 0;
        if (!claimed(plan, plan.runs[i], i, recorder, events, report, run_id)) continue;
        events.started(plan.runs[i], i + 1, plan.runs.size());
        w.run = i;
        w.run_id = run_id;
        if (!pool.send(k, nlohmann::json{{"id", i}, {"run", nlohmann::json::parse(plan.runs[i].spec_json)}}.dump())) {
          finish(w, failed("its worker could not be reached"));
          w.alive = false;
        }
      }
    }
    if (report.interrupted && std::chrono::steady_clock::now() > stop_deadline) {
      RunResult interrupted;
      interrupted.status = RunStatus::interrupted;
      interrupted.error = "its worker did not answer within 15 s of the stop request";
      for (auto& w : slots)
        if (w.run) finish(w, interrupted);
      break;
    }
    const bool busy = std::any_of(slots.begin(), slots.end(), [](const Slot& w) { return w.alive && w.run; });
    if (!busy) {
      if (stopping || next >= plan.runs.size()) break;
      if (std::none_of(slots.begin(), slots.end(), [](const Slot& w) { return w.alive; }))
        throw Error("every worker has died; the runs left are not trained (see the errors above); run the same command again");
      continue;
    }
    for (const WorkerMessage& m : pool.receive(200)) {
      Slot& w = slots[static_cast<std::size_t>(m.worker)];
      if (!m.line) {  // the worker is gone
        w.alive = false;
        if (w.run) finish(w, failed("its worker " + m.how));
        if (!stopping && next < plan.runs.size() && replacements_left-- > 0 && pool.replace(m.worker)) w.alive = true;
        continue;
      }
      nlohmann::json msg;
      try {
        msg = nlohmann::json::parse(*m.line);
      } catch (const nlohmann::json::exception&) {
        continue;  // not a message (a library printing to the wrong place): ignored
      }
      if (!w.run || msg.value("id", std::size_t(-1)) != *w.run) continue;
      const PlannedRun& run = plan.runs[*w.run];
      if (msg.contains("epoch")) {
        const EpochMetrics e = epoch_from_json(msg["epoch"]);
        recorder.epoch(w.run_id, e);
        events.epoch(run, e);
      } else if (msg.contains("note")) {
        events.note(run, msg["note"].get<std::string>());
      } else if (msg.contains("warning")) {
        events.warning(run, msg["warning"].get<std::string>());
      } else if (msg.contains("result")) {
        finish(w, run_result_from_json(msg["result"]));
      } else if (msg.contains("config_error")) {
        config_error = msg["config_error"].get<std::string>();
        finish(w, failed(*config_error));
        stopping = true;
      }
    }
  }
  if (config_error) throw Error(*config_error);
  return report;
}

}  // namespace

ExecutionReport execute(const Plan& plan, Recorder& recorder, DataCache& data, RunEvents& events, const ScheduleOptions& options,
                        const std::atomic<bool>* stop) {
  if (options.jobs < 1) throw Error("--jobs " + std::to_string(options.jobs) + " is invalid; expected >= 1");
  if (options.pool) return execute_in_pool(plan, recorder, events, *options.pool, stop);
  if (options.jobs == 1) return execute_here(plan, recorder, data, events, stop);
  const auto pool = start_worker_processes(options.worker_command, options.jobs);
  ExecutionReport report = execute_in_pool(plan, recorder, events, *pool, stop);
  pool->close();
  return report;
}

int worker_main(WorkerChannel& channel, const std::atomic<bool>* stop) {
  configure_runtime(1);  // one run, one thread: the cores are used by running runs side by side
  DataCache cache;
  while (const auto line = channel.read_line()) {
    nlohmann::json msg;
    try {
      msg = nlohmann::json::parse(*line);
    } catch (const nlohmann::json::exception&) {
      return 2;
    }
    if (msg.contains("quit")) return 0;
    const auto id = msg.at("id");
    const auto send = [&](const char* key, nlohmann::json value) { channel.write_line(nlohmann::json{{"id", id}, {key, std::move(value)}}.dump()); };
    try {
      const RunSpec spec = run_spec_from_json(msg.at("run"));
      RunCallbacks callbacks;
      callbacks.epoch = [&](const EpochMetrics& m) { send("epoch", epoch_json(m)); };
      callbacks.note = [&](const std::string& note) { send("note", note); };
      callbacks.warning = [&](const std::string& message) { send("warning", message); };
      const RunResult result = run_one(spec, cache.get(parsed(spec).data, spec.data_options), stop, callbacks);
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
