// `initlab reproduce`: the classic results of initialization research as verified experiments
// (experiments/reproduce.hpp): the claim, the setup, the criteria fixed in the code, the numbers
// with 95% CIs over seeds, and a verdict.
#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <optional>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "graceful_stop.hpp"
#include "experiments/recorder.hpp"
#include "experiments/reproduce.hpp"
#include "initlab/error.hpp"
#include "jobs_option.hpp"
#include "output_paths.hpp"
#include "print_events.hpp"
#include "report_option.hpp"
#include "train/runtime.hpp"

namespace initlab::cli {
namespace {

std::atomic<bool> g_stop{false};

struct ReproduceOptions {
  std::string name;
  bool list = false, quick = false, full = false, json = false, swap = false, verbose = false;
  int seeds = 0, jobs = 0, threads = 1;
  std::string db = "initlab-results.db", report;
};

void print_list(bool json) {
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : lab::reproductions())
      out.push_back({{"name", r.name}, {"paper", r.paper}, {"claim", r.claim}, {"min_seeds", r.min_seeds},
                     {"quick", {{"seeds", r.quick.seeds}, {"time", r.quick.time}, {"scale", r.quick.scale}}},
                     {"full", {{"seeds", r.full.seeds}, {"time", r.full.time}, {"scale", r.full.scale}}}});
    fmt::print("{}\n", out.dump(2));
    return;
  }
  for (const auto& r : lab::reproductions()) {
    fmt::print("{}\n  paper: {}\n  claim: {}\n", r.name, r.paper, r.claim);
    fmt::print("  --quick: {} seeds, {} ({})\n  --full:  {} seeds, {} ({})\n\n", r.quick.seeds, r.quick.time, r.quick.scale, r.full.seeds, r.full.time,
               r.full.scale);
  }
  fmt::print("Run one: initlab reproduce NAME [--quick|--full] [--seeds N]; every quick mode: initlab reproduce all --quick\n");
}

void print_result(const lab::ReproResult& r) {
  fmt::print("{} ({} mode{}): {}\n", r.name, lab::to_string(r.mode), r.swapped ? ", NEGATIVE CONTROL: contrasted settings swapped" : "", r.paper);
  fmt::print("claim: {}\n", r.claim);
  fmt::print("setup:\n");
  for (const auto& [k, v] : r.setup) fmt::print("  {}: {}\n", k, v);
  fmt::print("criteria (fixed in the code before any number is seen):\n");
  for (std::size_t i = 0; i < r.criteria.size(); ++i) fmt::print("  {}. {}\n", i + 1, r.criteria[i].text);
  fmt::print("measured (mean +- 95% CI over seeds):\n");
  for (const auto& m : r.measured) {
    fmt::print("  {}: {}", m.name, lab::ci_text(m, 4));
    if (m.theory) fmt::print("; theory {:.4g}", *m.theory);
    fmt::print("\n");
  }
  for (const auto& n : r.notes) fmt::print("note: {}\n", n);
  fmt::print("outcome:\n");
  for (std::size_t i = 0; i < r.criteria.size(); ++i)
    fmt::print("  {}. {}: {}\n", i + 1, lab::to_string(r.criteria[i].outcome), r.criteria[i].measured);
  fmt::print("verdict: {} ({}; {} seeds, {:.0f} s)\n", r.verdict, r.reason, r.seeds, r.seconds);
}

void run_reproduce(ReproduceOptions& o) {
  if (o.list) {
    print_list(o.json);
    return;
  }
  if (o.name.empty()) throw Error("reproduce: name a reproduction (see initlab reproduce --list) or all");
  if (o.quick && o.full) throw Error("--quick and --full: choose one");
  std::vector<const lab::Reproduction*> chosen;
  if (o.name == "all")
    for (const auto& r : lab::reproductions()) chosen.push_back(&r);
  else
    chosen.push_back(&lab::find_reproduction(o.name));
  if (!o.report.empty()) refuse_overwriting_input("--report", o.report, {{"results database", o.db}});
  lab::configure_runtime(o.threads);

  lab::ReproOptions options;
  options.mode = o.full ? lab::ReproMode::full : lab::ReproMode::quick;
  options.seeds = o.seeds;
  options.swap = o.swap;
  options.db = o.db;
  options.command = command_line();
  options.stop = &g_stop;
  options.schedule = schedule_options(o.jobs, 1000);
  ConsoleEvents events(!o.verbose, options.schedule.jobs > 1);
  options.events = &events;
  const bool terminal = isatty(STDERR_FILENO) == 1;
  if (terminal)
    options.progress = [](const std::string& line) {
      fmt::print(stderr, "\r\033[K{}", line.substr(0, 100));
      std::fflush(stderr);
    };

  auto stop_on_signal = std::make_optional<GracefulStop>(g_stop);
  std::vector<lab::ReproResult> results;
  std::vector<std::int64_t> studies;
  try {
    for (const auto* r : chosen) {
      if (!o.json) fmt::print(stderr, "initlab: reproducing {} ({} mode)\n", r->name, lab::to_string(options.mode));
      results.push_back(lab::reproduce(*r, options));
      if (terminal) fmt::print(stderr, "\r\033[K");
      lab::PropagationRecord record;
      record.config = lab::reproduction_config_json(results.back()).dump();
      record.command = command_line();
      record.results = lab::reproduction_json(results.back()).dump();
      studies.push_back(lab::Recorder(o.db).add_propagation(record));
      if (!o.json) {
        print_result(results.back());
        fmt::print("stored as study {} in {}\n\n", studies.back(), o.db);
      }
    }
  } catch (...) {
    stop_on_signal.reset();
    if (terminal) fmt::print(stderr, "\r\033[K");
    if (!g_stop.load()) throw;
    // Ctrl-C / SIGTERM: what finished is stored; a re-run resumes the training parts.
    fmt::print(stderr, "initlab: interrupted; finished runs and reproductions are in {}\n", o.db);
    lab_exit_code() = 130;
    return;
  }
  stop_on_signal.reset();
  if (o.json) {
    if (results.size() == 1) fmt::print("{}\n", lab::reproduction_json(results.front()).dump(2));
    else {
      nlohmann::json all = {{"reproductions", nlohmann::json::array()}};
      for (const auto& r : results) all["reproductions"].push_back(lab::reproduction_json(r));
      fmt::print("{}\n", all.dump(2));
    }
  } else if (results.size() > 1) {
    fmt::print("summary:\n");
    for (const auto& r : results) fmt::print("  {:<16} {:<15} {} seeds, {:.0f} s\n", r.name, r.verdict, r.seeds, r.seconds);
  }
  if (!o.report.empty()) {
    lab::ReportSelection selection;
    selection.studies = studies;
    write_report_file(o.db, selection, o.report);
  }
}

}  // namespace

void add_reproduce_command(CLI::App& app) {
  auto o = std::make_shared<ReproduceOptions>();
  CLI::App* cmd = app.add_subcommand("reproduce", "Reproduce a classic initialization result as a multi-seed experiment with a verdict");
  cmd->add_option("name", o->name, "A reproduction (see --list), or all");
  cmd->add_flag("--list", o->list, "Every reproduction: its paper, claim, and the time of its quick and full modes");
  cmd->add_flag("--quick", o->quick, "The small, fast version (default)");
  cmd->add_flag("--full", o->full, "The larger version (the numbers in docs/reproductions.md)");
  cmd->add_option("--seeds", o->seeds, "Seeds (default: the mode's; fewer than the reproduction needs is inconclusive)")->check(CLI::Range(1, 1000));
  cmd->add_option("--jobs", o->jobs, "Training runs at once, each in a worker process (0: one per core)")->check(CLI::Range(0, 1024))->capture_default_str();
  cmd->add_option("--threads", o->threads, "Intra-op threads of this process (0: all cores)")->check(CLI::Range(0, 1024))->capture_default_str();
  cmd->add_option("--db", o->db, "Results database: the training parts (resumed when there) and each reproduction's result")
      ->check(output_path())
      ->capture_default_str();
  cmd->add_option("--report", o->report, "Write an HTML report: a page per reproduction with its figures and the experiments it trained")
      ->check(output_path());
  cmd->add_flag("--json", o->json, "Machine-readable output");
  cmd->add_flag("--swap-inits", o->swap,
                "Negative control: exchange the contrasted inits (or activations); a sound reproduction must then not say reproduced");
  cmd->add_flag("--verbose", o->verbose, "A line per training run and epoch");
  cmd->footer("Examples:\n  initlab reproduce --list\n  initlab reproduce he2015 --quick --report he.html\n  initlab reproduce all --quick --json\n"
              "Verdicts: reproduced (every criterion met) | not reproduced | inconclusive (too few seeds).");
  cmd->callback([o] { run_reproduce(*o); });
}

}  // namespace initlab::cli
