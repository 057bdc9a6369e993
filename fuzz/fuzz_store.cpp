// Harness: the results database on a corrupted file (docs/fuzzing.md). The bytes are written as
// a database file and opened as `initlab results` and `initlab report` open it (read-only), and
// everything those commands load is loaded: experiments with their configs, runs with their
// specs and epochs, the monitor's rows, sweeps and their points, propagation studies, the
// summaries, the report's data and page, and the JSON that `results --json` prints.
#include <cstdint>
#include <string>

#include "experiments/summary.hpp"
#include "experiments/summary_json.hpp"
#include "fuzz_common.hpp"
#include "report/report_data.hpp"
#include "report/report_html.hpp"
#include "store/store.hpp"

using initlab::fuzz::clean;
using initlab::fuzz::finding;
using initlab::fuzz::Scratch;
namespace lab = initlab::lab;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 18) return -1;
  Scratch::clear();
  const auto path = (Scratch::dir() / "results.db").string();
  initlab::fuzz::write_file(path, std::string_view(reinterpret_cast<const char*>(data), size));
  clean([&] {
    lab::ResultStore store(path, lab::StoreMode::read);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : store.experiments()) {
      nlohmann::json j = {{"id", e.id}, {"kind", e.kind}, {"command", e.command}, {"created", e.created}};
      clean([&] { j["config"] = store.parse_json(e.config, "the config of experiment " + std::to_string(e.id)); });
      clean([&] { j["summary"] = lab::summary_json(lab::summarize_experiment(store, e.id)); });
      clean([&] {
        for (const auto& r : store.runs(e.id)) {
          nlohmann::json rj = {{"id", r.id}, {"init", r.init}, {"seed", r.seed}, {"status", lab::to_string(r.status)},
                               {"versions", r.versions}, {"error", r.error}, {"epochs", r.epochs.size()}};
          clean([&] { rj["spec"] = store.parse_json(r.spec, "the spec of run " + std::to_string(r.id)); });
          clean([&] { rj["layer_stats"] = store.layer_stats(r.id).size(); });
          clean([&] { rj["histograms"] = store.histograms(r.id).size(); });
          clean([&] { rj["warnings"] = store.warnings(r.id).size(); });
          j["runs"].push_back(rj);
        }
      });
      out.push_back(j);
    }
    clean([&] {
      for (const auto& s : store.sweeps()) out.push_back({{"sweep", s.id}, {"points", store.sweep_points(s.id).size()}});
    });
    clean([&] { out.push_back({{"propagations", store.propagations().size()}}); });
    (void)out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);  // as `initlab results --json` prints it
    clean([&] {
      const nlohmann::json report = lab::report_data(store, {});
      (void)lab::report_html(report);
    });
  });
  return 0;
}
