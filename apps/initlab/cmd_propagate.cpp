// `initlab propagate`: signal propagation at initialization, measured layer by layer, with the
// mean-field prediction beside it and a verdict per init.
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "option_checks.hpp"
#include "output_paths.hpp"
#include "experiments/propagate.hpp"
#include "experiments/propagate_json.hpp"
#include "experiments/through_time.hpp"
#include "experiments/through_time_json.hpp"
#include "store/json_text.hpp"
#include "initlab/byte_size.hpp"
#include "initlab/error.hpp"
#include "initlab/spec.hpp"
#include "report_option.hpp"
#include "experiments/recorder.hpp"
#include "train/runtime.hpp"

namespace initlab::cli {
namespace {

struct PropagateOptions {
  lab::PropagateConfig config;
  int threads = 0;
  bool json = false;
  bool jacobian = false;
  std::string db, report;
  int jacobian_samples = 4;
  std::uint64_t max_memory = 0;  // bytes; 0: the memory available now
};

// --db / --report: the configuration is stored as JSON, so its text must be UTF-8 (said before
// anything runs), and the report must not overwrite the database.
void check_outputs(PropagateOptions& o) {
  if (!o.report.empty() && o.db.empty()) o.db = "initlab-results.db";
  if (o.db.empty()) return;
  lab::require_utf8("--model", o.config.model);
  lab::require_utf8("--input", o.config.input);
  for (const auto& i : o.config.inits) lab::require_utf8("--init", i);
  if (!o.report.empty()) refuse_overwriting_input("--report", o.report, {{"results database", o.db}});
}

// Stores a study (and writes its report) when --db / --report asked for it.
void store_study(const PropagateOptions& o, nlohmann::json config, const nlohmann::json& results) {
  if (o.db.empty()) return;
  lab::PropagationRecord record;
  record.config = config.dump();
  record.command = command_line();
  record.results = results.dump();
  const std::int64_t id = lab::Recorder(o.db).add_propagation(record);
  fmt::print(stderr, "initlab: stored as propagation study {} in {}\n", id, o.db);
  if (o.report.empty()) return;
  lab::ReportSelection selection;
  selection.propagation = id;
  write_report_file(o.db, selection, o.report);
}

// rnn: models: the hidden state and the gradient through time, and weight_hh's spectrum.
void run_through_time(PropagateOptions& o) {
  check_outputs(o);
  const auto results = lab::propagate_through_time(o.config);
  if (isatty(STDERR_FILENO) == 1) fmt::print(stderr, "\r\033[K");
  const nlohmann::json json = lab::through_time_json(results);
  nlohmann::json config = lab::propagate_config_json(o.config);
  config["kind"] = "through_time";
  store_study(o, config, json);
  if (o.json) {
    fmt::print("{}\n", json.dump(2));
    return;
  }
  if (results.size() == 1) {
    const auto& steps = results[0].seeds[0];
    fmt::print("{} with {} (batch {}, seed {}): through time\n{:>6} {:>12} {:>12}\n", o.config.model, results[0].init, o.config.batch,
               o.config.seed, "step", "hidden rms", "grad rms");
    const std::size_t n = steps.size(), rows = std::min<std::size_t>(n, 11);
    for (std::size_t k = 0; k < rows; ++k) {
      const auto& t = steps[rows == 1 ? 0 : k * (n - 1) / (rows - 1)];
      fmt::print("{:>6} {:>12.4g} {:>12.4g}\n", t.step, t.hidden_rms, t.grad_rms);
    }
  }
  fmt::print("\n{:<34} {:>12} {:>12} {:>12} {:>10} {:>10} {:>10}\n", "init", "grad ratio", "hidden ratio", "radius(hh)", "max s", "min s",
             "verdict");
  for (const auto& r : results) {
    double radius = 0, max_s = 0, min_s = r.blocks.empty() ? 0 : r.blocks[0].min_singular;
    for (const auto& b : r.blocks) radius = std::max(radius, b.spectral_radius), max_s = std::max(max_s, b.max_singular), min_s = std::min(min_s, b.min_singular);
    fmt::print("{:<34} {:>12.4g} {:>12.4g} {:>12.4g} {:>10.4g} {:>10.4g} {:>10}\n", r.init, r.grad_ratio, r.hidden_ratio, radius, max_s,
               min_s, r.verdict);
  }
  fmt::print("grad ratio = gradient rms at step 1 / at the last step (L = fc(h_T) . a random cotangent); hidden ratio = hidden rms last / "
             "first step;\nradius, max s, min s: of weight_hh's gate blocks (largest radius and s, smallest s); vanishing below {:g}, "
             "exploding above {:g}\n", lab::kVanishingRatio, lab::kExplodingRatio);
}

void run_propagate(PropagateOptions& o) {
  lab::configure_runtime(o.threads);
  o.config.jacobian_samples = o.jacobian ? o.jacobian_samples : 0;
  o.config.max_memory_bytes = static_cast<double>(o.max_memory);
  const bool terminal = isatty(STDERR_FILENO) == 1;
  if (terminal)
    o.config.progress = [](const lab::PropagateProgress& p) {
      fmt::print(stderr, "\r\033[Kpropagate: run {}/{} ({:.40}, seed {}; about {} each)", p.run + 1, p.runs, p.init, p.seed_index,
                 bytes_text(p.bytes_per_run));
      std::fflush(stderr);
    };
  if (o.config.model.rfind("rnn:", 0) == 0) {
    run_through_time(o);
    return;
  }
  check_outputs(o);
  const auto results = lab::propagate(o.config);
  if (terminal) fmt::print(stderr, "\r\033[K");
  store_study(o, lab::propagate_config_json(o.config), lab::propagation_json(results));
  if (o.json) {
    fmt::print("{}\n", lab::propagation_json(results).dump(2));
    return;
  }
  if (results.size() == 1) {
    const auto& layers = results[0].seeds[0];
    fmt::print("{} with {} ({}, batch {}, seed {})\n", o.config.model, results[0].init, o.config.activation, o.config.batch,
               o.config.seed);
    std::size_t width = 14;
    for (const auto& s : layers) width = std::max(width, s.name.size());
    // A user's model reads like the model: its layers grouped by the block that holds them (layer3.1).
    const bool blocks = o.config.model.rfind("file:", 0) == 0;
    fmt::print("{:>5} {:<{}} {:>11} {:>11} {:>7} {:>10} {:>10} {:>6} {:>6} {:>11} {:>11}\n", "layer", "name", width, "pre var", "theory",
               "diff", "act mean", "act std", "dead", "satur", "grad(pre)", "grad(W)");
    std::string block;  // the block of the last row ("" before the first)
    for (const auto& s : layers) {
      if (const auto dot = s.name.rfind('.'); blocks && dot != std::string::npos && s.name.substr(0, dot) != block) {
        block = s.name.substr(0, dot);
        fmt::print("{:>5} {}\n", "", block);
      }
      const std::string theory = s.theory_var ? fmt::format("{:>11.4g}", *s.theory_var) : fmt::format("{:>11}", "-");
      const std::string diff = s.theory_var && *s.theory_var > 0
                                   ? fmt::format("{:>6.1f}%", 100 * (s.pre_var - *s.theory_var) / *s.theory_var)
                                   : fmt::format("{:>7}", "-");
      fmt::print("{:>5} {:<{}} {:>11.4g} {} {} {:>10.4g} {:>10.4g} {:>6.3f} {:>6.3f} {:>11.4g} {:>11.4g}\n", s.layer, s.name, width, s.pre_var,
                 theory, diff, s.act_mean, s.act_std, s.dead, s.saturated, s.grad_pre_std, s.grad_weight_std);
    }
  }
  fmt::print("\n{:<34} {:>12} {:>10} {:>12} {:>12} {:>10}\n", "init", "final std", "spread", "fwd ratio", "bwd ratio", "verdict");
  for (const auto& r : results)
    fmt::print("{:<34} {:>12.4g} {:>10.2g} {:>12.4g} {:>12.4g} {:>10}\n", r.init, r.seeds[0].back().act_std, r.final_act_std_spread,
               r.forward_ratio, r.backward_ratio, r.verdict);
  fmt::print("fwd ratio = act std last/first layer, bwd ratio = grad std first/last layer; "
             "vanishing below {:g}, exploding above {:g} or on an overflow to inf; nan: a NaN appeared\n", lab::kVanishingRatio,
             lab::kExplodingRatio);
  for (const auto& r : results) {
    std::string line;
    for (const auto& s : r.seeds[0])
      if (s.attn_logit_std) line += fmt::format("  {} {:.3g} / {:.3f}", s.name, *s.attn_logit_std, *s.attn_entropy);
    if (!line.empty()) fmt::print("attention at init, {} (seed {}): logit std / entropy over log(tokens), per block:{}\n", r.init, o.config.seed, line);
  }
  for (const auto& r : results)
    if (r.nonfinite)
      fmt::print("note: {}: the {} pass {} at layer {} ({}), seed {}\n", r.init, r.nonfinite->pass,
                 r.nonfinite->value == "inf" ? "overflows to inf" : "gives NaN", r.nonfinite->layer, r.nonfinite->name,
                 o.config.seed + static_cast<std::uint64_t>(r.nonfinite->seed_index));
  if (o.config.jacobian_samples == 0) return;
  fmt::print("\ninput-output Jacobian at init ({} inputs): singular values s\n{:<34} {:>12} {:>12} {:>12} {:>12} {:>12}\n",
             o.config.jacobian_samples, "init", "mean s^2", "max s", "min s", "max/min", "sd(s^2)/mean");
  for (const auto& r : results)
    fmt::print("{:<34} {:>12.4g} {:>12.4g} {:>12.4g} {:>12.4g} {:>12.4g}\n", r.init, r.jacobian->mean_squared, r.jacobian->max,
               r.jacobian->min, r.jacobian->condition, r.jacobian->spread);
}

}  // namespace

void add_propagate_command(CLI::App& app) {
  auto o = std::make_shared<PropagateOptions>();
  CLI::App* cmd = app.add_subcommand("propagate", "Signal propagation at init: per-layer statistics next to mean-field theory");
  auto& c = o->config;
  cmd->add_option("--model", c.model,
                  "As for train (docs/models.md): mlp:IN-W-...-OUT, widths listed, NxK = K widths of N, the last layer the "
                  "output without activation (mean-field theory beside); resmlp:IN-WxK-OUT, cnn, rescnn:CxK; file:M.pt (TorchScript); "
                  "rnn:CELL-H (through time: hidden state and gradient per step, weight_hh's spectrum)")
      ->capture_default_str();
  cmd->add_option("--activation", c.activation, "relu | leaky_relu | elu | selu | gelu | silu | tanh | sigmoid | linear");
  cmd->add_option("--init", c.inits, "Init spec, optionally with one sweep: 'normal:std=logspace(1e-4,10,50)' (repeatable); as_is keeps a file: model's own weights")->required();
  cmd->add_option("--bias-std", c.bias_std, "Biases ~ N(0, S^2) (default 0: zeros)");
  cmd->add_option("--batch", c.batch, "Inputs pushed through")->check(int64_text());
  cmd->add_option("--input", c.input, "gaussian | gaussian:SHAPE (e.g. gaussian:1x28x28) | tokens:VOCABxLEN (token ids) | data:SPEC (e.g. data:fashion-mnist)");
  cmd->add_option("--seeds", c.seeds, "Seeds per init (the spread is over them)")->check(CLI::Range(1, lab::kMaxSeeds));
  cmd->add_option("--seed", c.seed, "First seed (0 to 2^64 - 1)")->transform(seed_value());
  cmd->add_flag("--jacobian", o->jacobian, "Singular values of the input-output Jacobian at init (widths up to ~1024)");
  cmd->add_option("--jacobian-samples", o->jacobian_samples, "Inputs the Jacobian is taken at")->check(CLI::Range(1, 1000));
  cmd->add_option("--threads", o->threads, "Intra-op threads (0: all cores)")->check(CLI::Range(0, 1024));
  cmd->add_option("--max-memory", o->max_memory,
                  "Refuse a study whose one run needs more than SIZE, e.g. 16G (estimated before anything is allocated; "
                  "default: the memory available now)")
      ->transform(byte_size());
  cmd->add_flag("--json", o->json, "Machine-readable output");
  cmd->add_option("--db", o->db, "Store the study in this results database")->check(output_path());
  cmd->add_option("--report", o->report, "Write an HTML report of the study (stored in --db, default initlab-results.db)")->check(output_path());
  cmd->footer("Examples:\n  initlab propagate --model mlp:100-100x10-100 --activation relu --init 'normal:std=logspace(1e-4,10,50)'\n"
              "  initlab propagate --model mlp:1000-1000x10 --activation tanh --init xavier_normal --bias-std 0.05\n"
              "  initlab propagate --model rescnn:16x8 --input data:fashion-mnist --init he_normal --init torch_default\n"
              "  initlab propagate --model file:net.pt --input gaussian:3x32x32 --init orthogonal --init he_normal\n"
              "  initlab propagate --model rnn:relu-100 --input data:synthetic:adding,T=100 --init irnn --init rnn_orthogonal   (through time)\n"
              "mlp:100-100x10-100 is 100 inputs, ten ReLU layers of 100 (fc1..fc10) and a linear output layer fc11;\n"
              "mlp:100-100x10 is ten layers of 100, the tenth linear. Verdicts: vanishing | stable | exploding | nan.");
  cmd->callback([o] { run_propagate(*o); });
}

}  // namespace initlab::cli
