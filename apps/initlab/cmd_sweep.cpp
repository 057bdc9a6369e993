// `initlab sweep FILE.toml`: a grid of runs from a sweep file, planned and checked before
// anything trains, run over every core (--jobs), stored, and compared per init at its tuned
// value with paired statistics.
#include <fmt/core.h>
#include <unistd.h>

#include <memory>

#include "commands.hpp"
#include "graceful_stop.hpp"
#include "experiments/recorder.hpp"
#include "experiments/scheduler.hpp"
#include "experiments/sweep.hpp"
#include "initlab/error.hpp"
#include "jobs_option.hpp"
#include "option_checks.hpp"
#include "output_paths.hpp"
#include "print_events.hpp"
#include "print_summary.hpp"
#include "report_option.hpp"
#include "train/runtime.hpp"

namespace initlab::cli {
namespace {

std::atomic<bool> g_stop{false};

struct SweepOptions {
  std::string file;
  std::string db = "initlab-results.db";
  int jobs = 0;
  int threads = 1;
  std::uint64_t max_runs = 5000;
  std::uint64_t max_memory = 0;  // bytes; 0: the memory available now
  bool dry_run = false;
  bool json = false;
  bool quiet = false;
  std::string report;
};

std::string duration_text(double seconds) {
  if (seconds < 90) return fmt::format("{:.0f} s", seconds);
  if (seconds < 5400) return fmt::format("{:.0f} min", seconds / 60);
  return fmt::format("{:.1f} h", seconds / 3600);
}

std::string settings_text(const std::map<std::string, std::string>& m) {
  std::string out;
  for (const auto& [k, v] : m) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out;
}

std::string list_text(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ", ") + x;
  return out;
}

void print_sweep(const lab::SweepSummary& s) {
  fmt::print("\nsweep {} ({}): {} slice{}", s.sweep_id, s.name, s.slices.size(), s.slices.size() == 1 ? "" : "s");
  if (!s.tuned.empty()) fmt::print("; {} tuned per init by the best mean {} over seeds", list_text(s.tuned), s.validation_metric);
  fmt::print("\n");
  for (const auto& slice : s.slices) {
    if (!slice.fixed.empty()) fmt::print("\n== {} ==\n", settings_text(slice.fixed));
    if (!slice.choices.empty()) {
      fmt::print("\n{} per tuned value (finished/runs); * the chosen one:\n", s.validation_metric);
      for (const auto& c : slice.choices) {
        fmt::print("  {:<30}", c.init);
        for (const auto& k : c.candidates)
          fmt::print("  {}{}: {}", k.point == c.chosen_point ? "*" : " ", settings_text(k.tuned),
                     k.finished ? fmt::format("{:.4f} ({}/{})", k.validation_mean, k.finished, k.runs) : fmt::format("- (0/{})", k.runs));
        fmt::print("\n");
      }
    }
    print_summary(slice.summary);
  }
}

void run_sweep(const SweepOptions& o) {
  if (!o.report.empty()) refuse_overwriting_input("--report", o.report, {{"results database", o.db}, {"sweep file", o.file}});
  const lab::SweepFile file = lab::parse_sweep_file(o.file);
  lab::configure_runtime(o.threads);
  lab::DataCache data;
  lab::SweepPlan plan = lab::plan_sweep(file, command_line(), o.max_runs, data, static_cast<double>(o.max_memory));
  const lab::ScheduleOptions schedule = schedule_options(o.jobs, static_cast<int>(plan.plan.runs.size()));
  const double wall = plan.estimated_seconds / schedule.jobs;
  if (o.dry_run) {
    if (o.json) {
      nlohmann::json runs = nlohmann::json::array();
      for (const auto& r : plan.plan.runs)
        runs.push_back({{"point", r.experiment}, {"settings", nlohmann::json::parse(plan.plan.experiments[r.experiment].settings)},
                        {"init", r.spec.init}, {"seed", r.spec.seed}});
      fmt::print("{}\n", nlohmann::json{{"runs", runs}, {"points", plan.points.size()}, {"estimated_seconds", plan.estimated_seconds},
                                        {"jobs", schedule.jobs}, {"estimated_wall_seconds", wall}}
                             .dump(2));
      return;
    }
    for (std::size_t i = 0; i < plan.plan.runs.size(); ++i) {
      const auto& r = plan.plan.runs[i];
      std::string point;
      for (const auto& [k, v] : plan.points[r.experiment]) point += (point.empty() ? "" : " ") + k + "=" + v;
      fmt::print("{:>5}  {}  init={}  seed={}\n", i + 1, point, r.spec.init, r.spec.seed);
    }
    fmt::print("{} runs ({} grid points x {} inits x {} seeds); estimated {} of training on one core, about {} with --jobs {} "
               "(from one timed training step per model; evaluation included roughly)\n",
               plan.plan.runs.size(), plan.points.size(), file.inits.size(), file.seeds, duration_text(plan.estimated_seconds),
               duration_text(wall), schedule.jobs);
    return;
  }
  lab::Recorder recorder(o.db);
  recorder.add_experiments(plan.plan);
  const std::int64_t sweep_id = lab::record_sweep(recorder.store(), plan);
  if (!o.quiet)
    fmt::print(stderr, "initlab: sweep {}: {} runs over {} grid points, {} at a time (estimated {}), stored in {}\n", sweep_id,
               plan.plan.runs.size(), plan.points.size(), schedule.jobs, duration_text(wall), o.db);
  ConsoleEvents events(o.quiet, schedule.jobs > 1);
  const lab::ExecutionReport report = [&] {
    const GracefulStop stop_on_signal(g_stop);
    return lab::execute(plan.plan, recorder, data, events, schedule, &g_stop);
  }();
  const lab::SweepSummary summary = lab::summarize_sweep(recorder.store(), sweep_id);
  if (o.json) fmt::print("{}\n", lab::sweep_summary_json(summary).dump(2));
  else print_sweep(summary);
  if (!o.report.empty()) {
    lab::ReportSelection selection;
    selection.sweep = sweep_id;
    write_report_file(o.db, selection, o.report);
  }
  if (report.interrupted) {
    fmt::print(stderr, "initlab: interrupted; finished runs are in {}; run the same command again to finish the sweep\n", o.db);
    lab_exit_code() = 130;
  } else if (report.failed > 0) {
    lab_exit_code() = 1;
  }
}

}  // namespace

void add_sweep_command(CLI::App& app) {
  auto o = std::make_shared<SweepOptions>();
  CLI::App* cmd = app.add_subcommand("sweep", "Train a grid of runs from a sweep file (TOML), tune per init, compare with paired statistics");
  cmd->add_option("file", o->file, "Sweep file (see examples/*.toml)")->required()->check(non_empty_path());
  cmd->add_option("--db", o->db, "Results database (SQLite); re-running skips finished runs")->check(output_path());
  cmd->add_option("--jobs", o->jobs, "Runs trained at once, each in a worker process with one thread (0: one per core)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--threads", o->threads,
                  "Intra-op threads with --jobs 1 (default 1, as every worker has, so the numbers do not depend on --jobs; 0: all cores)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--max-runs", o->max_runs, "Refuse a grid of more runs than this")->check(CLI::Range(std::uint64_t(1), std::uint64_t(1000000)));
  cmd->add_option("--max-memory", o->max_memory,
                  "Refuse a run whose model needs more than SIZE to train, e.g. 16G (estimated before anything is built; "
                  "default: the memory available now)")
      ->transform(byte_size());
  cmd->add_flag("--dry-run", o->dry_run, "List the runs and the estimated time; train nothing, write nothing");
  cmd->add_flag("--json", o->json, "Print the summary (or with --dry-run the runs) as JSON");
  cmd->add_flag("--quiet", o->quiet, "No per-run and per-epoch lines");
  cmd->add_option("--report", o->report, "Write an HTML report of this sweep at the end (from --db)")->check(output_path());
  cmd->footer("Examples:\n  initlab sweep examples/lr-by-init.toml --dry-run\n  initlab sweep examples/lr-by-init.toml --jobs 2 --db sweep.db");
  cmd->callback([o] { run_sweep(*o); });
}

}  // namespace initlab::cli
