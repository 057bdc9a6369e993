// `initlab coordcheck`: the coordinate check of μP (Yang et al. 2021): a few training steps at
// several widths, every layer's typical coordinate size against width, and its log-log slope.
#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "graceful_stop.hpp"
#include "experiments/coordcheck.hpp"
#include "experiments/recorder.hpp"
#include "initlab/error.hpp"
#include "option_checks.hpp"
#include "output_paths.hpp"
#include "report_option.hpp"
#include "store/json_text.hpp"
#include "train/runtime.hpp"

namespace initlab::cli {
namespace {

std::atomic<bool> g_stop{false};

struct CoordCheckOptions {
  lab::CoordCheckConfig config;
  std::string widths = "64,128,256,512,1024";
  int threads = 0;
  bool json = false;
  std::string db, report;
};

std::vector<std::int64_t> parse_width_list(const std::string& text) {
  std::vector<std::int64_t> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    std::int64_t v = 0;
    if (item.empty() || item.size() > 7 || item.find_first_not_of("0123456789") != std::string::npos || (v = std::stoll(item)) < 1)
      throw Error("--widths '" + lab::excerpt(text) + "': '" + lab::excerpt(item, 20) + "' is not a width; expected increasing whole numbers, e.g. 64,128,256");
    out.push_back(v);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::string slope_text(const std::optional<double>& s) { return s ? fmt::format("{:+.2f}", *s) : std::string("-"); }

void print_result(const CoordCheckOptions& o, const lab::CoordCheckResult& r) {
  const auto& c = o.config;
  fmt::print("coordinate check: {} ({} .. {}), {} init, --param {}, {} lr {:g}, batch {}, {} steps, {} seed{}\n", c.model, r.models.front(),
             r.models.back(), c.init, lab::to_string(c.param), lab::to_string(c.train.optimizer), c.train.lr, c.train.batch, r.steps, r.seeds,
             r.seeds == 1 ? "" : "s");
  fmt::print("slope of log mean|coordinate| against log width, per step (0: width-independent; +1: grows like the width); "
             "change: of mean|h_t - h_0|\n");
  std::string header = fmt::format("{:<22} {:<9}", "layer", "role");
  for (int t = 0; t <= r.steps; ++t) header += fmt::format(" {:>6}", fmt::format("t={}", t));
  header += fmt::format("  {:>9}  {:>10} {:>10}", "change t=" + std::to_string(r.steps), fmt::format("|h| w={}", r.widths.front()),
                        fmt::format("|h| w={}", r.widths.back()));
  fmt::print("{}\n", header);
  for (const auto& l : r.layers) {
    std::string line = fmt::format("{:<22} {:<9}", l.name, l.role);
    for (const auto& s : l.slope) line += fmt::format(" {:>6}", slope_text(s));
    line += fmt::format("  {:>9}  {:>10.4g} {:>10.4g}", slope_text(l.update_slope.back()), l.size.front().back(), l.size.back().back());
    fmt::print("{}\n", line);
  }
  for (const auto& d : r.diverged) fmt::print("diverged: {}\n", d);
  const lab::CoordVerdict v = lab::coord_verdict(r);
  if (v.stable())
    fmt::print("verdict: width-stable: after every update, each layer's change since init has a slope within +-{:g} and no size grows "
               "faster (slope > {:g})\n", lab::kStableSlope, lab::kStableSlope);
  else {
    std::string list;
    for (const auto& u : v.unstable) list += (list.empty() ? "" : ", ") + u;
    fmt::print("verdict: not width-stable: slope beyond +-{:g} in {}\n", lab::kStableSlope, list);
  }
  if (!v.growing.empty()) {
    std::string list;
    for (const auto& g : v.growing) list += (list.empty() ? "" : ", ") + g;
    fmt::print("growing with width at the last step (slope > {:g}): {}\n", lab::kGrowingSlope, list);
  }
}

void run_coordcheck(CoordCheckOptions& o) {
  lab::configure_runtime(o.threads);
  o.config.widths = parse_width_list(o.widths);
  if (!o.report.empty() && o.db.empty()) o.db = "initlab-results.db";
  if (!o.db.empty()) {
    lab::require_utf8("--model", o.config.model);
    lab::require_utf8("--data", o.config.data);
    lab::require_utf8("--init", o.config.init);
  }
  if (!o.report.empty()) refuse_overwriting_input("--report", o.report, {{"results database", o.db}});
  const bool terminal = isatty(STDERR_FILENO) == 1;
  if (terminal)
    o.config.progress = [&](std::int64_t width, int seed_index) {
      fmt::print(stderr, "\r\033[Kcoordcheck: width {}, seed {} of {}", width, seed_index + 1, o.config.seeds);
      std::fflush(stderr);
    };
  lab::DataCache cache;
  lab::CoordCheckResult r;
  try {
    const GracefulStop stop_on_signal(g_stop);
    r = lab::coordcheck(o.config, cache, &g_stop);
  } catch (...) {
    if (terminal) fmt::print(stderr, "\r\033[K");
    throw;
  }
  if (terminal) fmt::print(stderr, "\r\033[K");
  const nlohmann::json results = lab::coordcheck_json(r);
  if (!o.db.empty()) {
    lab::PropagationRecord record;
    record.config = lab::coordcheck_config_json(o.config).dump();
    record.command = command_line();
    record.results = results.dump();
    const std::int64_t id = lab::Recorder(o.db).add_propagation(record);
    fmt::print(stderr, "initlab: stored as study {} in {}\n", id, o.db);
    if (!o.report.empty()) {
      lab::ReportSelection selection;
      selection.propagation = id;
      write_report_file(o.db, selection, o.report);
    }
  }
  if (o.json) fmt::print("{}\n", results.dump(2));
  else print_result(o, r);
}

}  // namespace

void add_coordcheck_command(CLI::App& app) {
  auto o = std::make_shared<CoordCheckOptions>();
  auto& c = o->config;
  c.train.optimizer = lab::Optimizer::adam;
  c.train.lr = 1e-3;
  c.train.batch = 64;
  CLI::App* cmd = app.add_subcommand("coordcheck", "μP's coordinate check: each layer's coordinate size against width over a few training steps");
  cmd->add_option("--model", c.model, "mlp (IN-Wx3-OUT), vit (vit:W-2-4), or a spec with W for the width, e.g. mlp:784-Wx2-10, 'vit:W-4-4,norm=post'")
      ->capture_default_str();
  cmd->add_option("--widths", o->widths, "Increasing widths, comma-separated")->capture_default_str();
  cmd->add_option("--steps", c.steps, "Training steps")->capture_default_str();
  cmd->add_option("--seeds", c.seeds, "Seeds per width (values are means over them)")->capture_default_str();
  cmd->add_option("--seed", c.first_seed, "First seed (0 to 2^64 - 1)")->transform(seed_value());
  cmd->add_option_function<std::string>("--param", [&c](const std::string& v) { c.param = lab::parse_parametrization(v); },
                                        "standard (default) | mup[:base_width=64,readout=scaled|zero]");
  cmd->add_option("--init", c.init, "Init spec or network scheme, as for train")->capture_default_str();
  cmd->add_option("--data", c.data, "As for train")->capture_default_str();
  cmd->add_option("--limit", c.data_options.limit, "Use only the first N training samples (0: all)")->check(sample_limit());
  cmd->add_option_function<std::string>("--optimizer", [&c](const std::string& v) { c.train.optimizer = lab::parse_optimizer(v); },
                                        "adam (default) | sgd");
  cmd->add_option("--lr", c.train.lr, "Learning rate")->capture_default_str();
  cmd->add_option("--momentum", c.train.momentum, "SGD momentum");
  cmd->add_option("--batch", c.train.batch, "Batch size (the probe batch too)")->check(int64_text())->capture_default_str();
  cmd->add_option("--threads", o->threads, "Intra-op threads (0: all cores)")->check(CLI::Range(0, 1024));
  cmd->add_flag("--json", o->json, "Machine-readable output");
  cmd->add_option("--db", o->db, "Store the study in this results database")->check(output_path());
  cmd->add_option("--report", o->report, "Write an HTML report of the study (stored in --db, default initlab-results.db)")->check(output_path());
  cmd->footer("Examples:\n  initlab coordcheck --model mlp --param standard\n  initlab coordcheck --model mlp --param mup:base_width=64\n"
              "  initlab coordcheck --model 'vit:W-2-4' --widths 32,64,128,256 --param mup:base_width=32 --report coord.html\n"
              "Under μP every slope should stay near 0; under the standard parametrization with Adam the output layer's grows.");
  cmd->callback([o] { run_coordcheck(*o); });
}

}  // namespace initlab::cli
