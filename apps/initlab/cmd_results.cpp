// `initlab results FILE`: what a results database holds, as summaries, CSV or JSON.
#include <fmt/core.h>

#include <memory>

#include "commands.hpp"
#include "output_paths.hpp"
#include "initlab/error.hpp"
#include "print_summary.hpp"
#include "store/store.hpp"

namespace initlab::cli {
namespace {

struct ResultsOptions {
  std::string db;
  std::int64_t experiment = 0;
  bool csv = false;
  bool json = false;
};

std::string opt(const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : ""; }

void run_results(const ResultsOptions& o) {
  lab::ResultStore store(o.db, lab::StoreMode::read);
  auto experiments = store.experiments();
  if (o.experiment > 0) {
    std::erase_if(experiments, [&](const lab::ExperimentRecord& e) { return e.id != o.experiment; });
    if (experiments.empty()) throw Error("results database '" + o.db + "' has no experiment " + std::to_string(o.experiment));
  }
  if (o.csv) {
    fmt::print("experiment,run,init,seed,status,diverged_epoch,epoch,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc,seconds,grad_norm\n");
    for (const auto& e : experiments)
      for (const auto& r : store.runs(e.id)) {
        if (r.epochs.empty()) fmt::print("{},{},\"{}\",{},{},{},,,,,,,,,\n", e.id, r.id, r.init, r.seed, lab::to_string(r.status), r.diverged_epoch);
        for (const auto& m : r.epochs)
          fmt::print("{},{},\"{}\",{},{},{},{},{:.6g},{:.6g},{},{},{},{},{:.4g},{:.6g}\n", e.id, r.id, r.init, r.seed, lab::to_string(r.status),
                     r.diverged_epoch, m.epoch, m.train_loss, m.train_acc, opt(m.val_loss), opt(m.val_acc), opt(m.test_loss),
                     opt(m.test_acc), m.seconds, m.grad_norm);
      }
    return;
  }
  if (o.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : experiments) {
      nlohmann::json j = {{"id", e.id}, {"kind", e.kind}, {"config", store.parse_json(e.config, "the config of experiment " + std::to_string(e.id))}, {"command", e.command},
                          {"created", e.created}, {"summary", summary_json(lab::summarize_experiment(store, e.id))}};
      j["runs"] = nlohmann::json::array();
      for (const auto& r : store.runs(e.id)) {
        nlohmann::json rj = {{"id", r.id}, {"init", r.init}, {"seed", r.seed}, {"status", lab::to_string(r.status)},
                             {"diverged_epoch", r.diverged_epoch}, {"versions", r.versions}, {"error", r.error},
                             {"spec", store.parse_json(r.spec, "the spec of run " + std::to_string(r.id))}};
        rj["epochs"] = nlohmann::json::array();
        for (const auto& m : r.epochs)
          rj["epochs"].push_back({{"epoch", m.epoch}, {"train_loss", m.train_loss}, {"train_acc", m.train_acc},
                                  {"val_loss", m.val_loss ? nlohmann::json(*m.val_loss) : nlohmann::json()},
                                  {"val_acc", m.val_acc ? nlohmann::json(*m.val_acc) : nlohmann::json()},
                                  {"test_loss", m.test_loss ? nlohmann::json(*m.test_loss) : nlohmann::json()},
                                  {"test_acc", m.test_acc ? nlohmann::json(*m.test_acc) : nlohmann::json()},
                                  {"seconds", m.seconds}, {"grad_norm", m.grad_norm}});
        j["runs"].push_back(rj);
      }
      out.push_back(j);
    }
    fmt::print("{}\n", out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));  // text from the file may not be UTF-8
    return;
  }
  for (const auto& e : experiments) {
    fmt::print("experiment {} ({}, {}): {}\n", e.id, e.kind, e.created, e.command);
    print_summary(lab::summarize_experiment(store, e.id));
    fmt::print("\n");
  }
}

}  // namespace

void add_results_command(CLI::App& app) {
  auto o = std::make_shared<ResultsOptions>();
  CLI::App* cmd = app.add_subcommand("results", "List and export what a results database holds");
  cmd->add_option("db", o->db, "Results database")->required()->check(non_empty_path());
  cmd->add_option("--experiment", o->experiment, "Only this experiment id");
  cmd->add_flag("--csv", o->csv, "One row per run and epoch");
  cmd->add_flag("--json", o->json, "Everything, as JSON");
  cmd->footer("Examples:\n  initlab results initlab-results.db\n  initlab results initlab-results.db --csv > epochs.csv");
  cmd->callback([o] { run_results(*o); });
}

}  // namespace initlab::cli
