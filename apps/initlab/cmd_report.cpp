// `initlab report FILE.db -o report.html`: a self-contained interactive HTML report made from a
// results database only (no retraining), and the --report option of train / compare / propagate.
#include <fmt/core.h>

#include <memory>
#include <optional>

#include "commands.hpp"
#include "output_paths.hpp"
#include "initlab/error.hpp"
#include "report/report_data.hpp"
#include "report/report_html.hpp"
#include "report_option.hpp"

namespace initlab::cli {

void write_report_file(const std::string& db, const lab::ReportSelection& selection, const std::string& out) {
  refuse_overwriting_input("the report", out, {{"results database", db}});
  lab::ResultStore store(db, lab::StoreMode::read);
  lab::write_report(lab::report_data(store, selection), out);
  fmt::print(stderr, "initlab: report written to {}\n", out);
}

namespace {

struct ReportOptions {
  std::string db;
  std::int64_t experiment = 0, propagation = 0, sweep = 0;
  std::string out;
};

}  // namespace

void add_report_command(CLI::App& app) {
  auto o = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand("report", "Write a self-contained interactive HTML report from a results database");
  cmd->add_option("db", o->db, "Results database (from train / compare / propagate --db)")->required()->check(non_empty_path());
  cmd->add_option("--experiment", o->experiment, "Only this experiment")->check(CLI::PositiveNumber);
  cmd->add_option("--propagation", o->propagation, "Only this propagation study")->check(CLI::PositiveNumber);
  cmd->add_option("--sweep", o->sweep, "Only this sweep and its grid points' experiments")->check(CLI::PositiveNumber);
  cmd->add_option("-o,--out", o->out, "The HTML file to write (atomically)")->required()->check(output_path());
  cmd->footer("Examples:\n  initlab report initlab-results.db -o report.html\n  initlab report results.db --experiment 2 -o exp2.html\n"
              "  initlab report results.db --sweep 1 -o sweep1.html");
  cmd->callback([o] {
    if ((o->experiment > 0) + (o->propagation > 0) + (o->sweep > 0) > 1)
      throw Error("--experiment, --propagation and --sweep select different things; give one");
    refuse_overwriting_input("-o", o->out, {{"results database", o->db}});
    lab::ReportSelection selection;
    if (o->experiment) selection.experiment = o->experiment;
    if (o->propagation) selection.propagation = o->propagation;
    if (o->sweep) selection.sweep = o->sweep;
    write_report_file(o->db, selection, o->out);
  });
}

}  // namespace initlab::cli
