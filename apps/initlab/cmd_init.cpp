// `initlab init MODEL.pt`: initialize a user's TorchScript model by rules and save it.
#include <fmt/core.h>
#include <torch/script.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "option_checks.hpp"
#include "output_paths.hpp"
#include "initlab/atomic_file.hpp"
#include "initlab/error.hpp"
#include "initlab/input_file.hpp"
#include "data/dataset.hpp"
#include "initlab/shape.hpp"
#include "initlab/spec.hpp"
#include "initlab/excerpt.hpp"
#include "initlab/torch/apply.hpp"
#include "data/probe_input.hpp"
#include "initlab/byte_size.hpp"
#include "models/probe.hpp"
#include "models/script_net.hpp"
#include "train/error_line.hpp"
#include "netinit/network_init.hpp"

namespace initlab::cli {
namespace {

struct InitOptionsCli {
  std::string model;
  std::string out;
  std::string init;
  std::string bias;
  std::vector<std::string> overrides;
  std::uint64_t seed = 0;
  std::string generator = "philox";
  std::string data;         // for lsuv / datadep
  std::string input;        // for lsuv / datadep instead of --data: gaussian:SHAPE | tokens:VOCABxLEN
  bool strict = false;      // a parameter no rule reaches is an error
  bool packed_qkv = false;  // MultiheadAttention's in_proj_weight drawn as one [3d, d] matrix (PyTorch's)
  std::uint64_t max_memory = 0;  // bytes lsuv / datadep may use; 0: 80% of the memory available now
  std::int64_t batch = 0;   // samples (default: the scheme's)
  bool flatten = false;     // samples as vectors (for MLPs)
};

std::string percent(double share) {
  if (!std::isfinite(share)) return "0.00%";  // no values at all
  return share > 0 && share < 0.0001 ? "< 0.01%" : fmt::format("{:.2f}%", 100 * share);
}

// The samples a data-dependent scheme looks at, cut to what the memory available now holds (the
// model's footprint measured on one sample through its instrumented forward), with a line saying
// so; refused when not even two samples fit.
torch::Tensor batch_that_fits(const torch::jit::Module& module, const torch::Tensor& batch, const std::string& scheme,
                              std::uint64_t max_memory) {
  double out = 1;
  const lab::ModelTally t = lab::tally_script_model(module, batch.slice(0, 0, 1), &out);
  const double features = static_cast<double>(batch[0].numel());
  // Headroom for what the estimate leaves out (allocator arenas, kernels' workspaces, threads).
  constexpr double kUsable = 0.8;
  const double limit = max_memory > 0 ? static_cast<double>(max_memory) : kUsable * static_cast<double>(available_memory());
  const std::int64_t fits = lab::largest_batch(t, features, out, limit);
  const double per_sample = lab::footprint_of(t, features, out, 1, 0).bytes - lab::footprint_of(t, features, out, 0, 0).bytes;
  if (fits < 2)
    lab::check_footprint(scheme, lab::footprint_of(t, features, out, std::min<std::int64_t>(2, batch.size(0)), 0), 2, limit);
  if (batch.size(0) <= fits) return batch;
  fmt::print(stderr, "initlab: {} on {} samples needs about {} ({} a sample); {}: using the first {}\n", scheme, batch.size(0),
             bytes_text(lab::footprint_of(t, features, out, batch.size(0), 0).bytes), bytes_text(per_sample),
             max_memory > 0 ? "the limit is " + bytes_text(limit) + " (--max-memory)"
                            : bytes_text(limit / kUsable) + " are available now (80% of it used)",
             fits);
  return batch.slice(0, 0, fits);
}

void run_init(const InitOptionsCli& o) {
  const auto network = lab::parse_network_init(o.init);
  const bool looks_at_data = network && network->rules.empty();  // every scheme but the recurrent recipes (role rules only)
  if (!o.data.empty() && !o.input.empty()) throw Error("--data and --input both give the samples lsuv / datadep look at: give one");
  const auto probe = o.input.empty() ? std::nullopt : lab::parse_probe_input(o.input);
  if (!o.input.empty() && !probe)
    throw Error("--input '" + excerpt(o.input) + "' is unknown; expected gaussian:SHAPE (e.g. gaussian:3x32x32) or tokens:VOCABxLEN (e.g. tokens:1000x32)");
  if (looks_at_data && o.data.empty() && !probe)
    throw Error("--init '" + excerpt(o.init) + "' looks at data: give --data SPEC (e.g. --data fashion-mnist) or --input gaussian:SHAPE / tokens:VOCABxLEN");
  if (!looks_at_data && (!o.data.empty() || probe))
    throw Error(std::string(o.data.empty() ? "--input" : "--data") + " is for --init lsuv / datadep; --init '" + excerpt(o.init) + "' looks at no data");
  auto plan = lab::base_plan(network, o.init, o.bias, o.overrides, parse_generator_kind(o.generator), o.seed);
  plan.packed_qkv = o.packed_qkv;
  require_input_file(o.model, "model file");
  refuse_overwriting_input("-o", o.out, {{"input model", o.model}});
  const std::filesystem::path out(o.out);
  const auto dir = out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir)) throw Error("cannot write '" + o.out + "': folder '" + dir.string() + "' does not exist");
  torch::jit::Module module = lab::load_script_file(o.model, "model file");
  const auto report = libtorch::apply_plan(module, plan);
  const lab::KeptShare kept = lab::kept_share(report);
  if (o.strict && kept.count > 0)
    throw Error("--strict: " + std::to_string(kept.count) + " parameter" + (kept.count == 1 ? "" : "s") + " (" + percent(kept.share) +
                " of the values) would be left as " + (kept.count == 1 ? "it was" : "they were") + ", first '" + kept.first + "' (" +
                kept.first_reason + "); give " + (kept.count == 1 ? "it" : "them") + " a rule with --override 'PATTERN=SPEC'");
  std::vector<lab::LayerInitReport> layers;
  if (looks_at_data) {
    lab::NetworkInit n = *network;
    if (o.batch > 0) n.batch = o.batch;
    torch::Tensor batch;
    std::string source;
    batch = probe ? lab::probe_samples(o.input, n.batch, o.seed) : lab::probe_samples("data:" + o.data, n.batch, o.seed, "--data");
    source = probe ? "--input '" + excerpt(o.input) + "'" : "--data '" + excerpt(o.data) + "'";
    if (o.flatten) batch = batch.flatten(1);
    const std::string hint = o.flatten || (probe && probe->vocabulary > 0) ? "" : " (try --flatten)";
    try {
      batch = batch_that_fits(module, batch, network->scheme, o.max_memory);
      layers = lab::apply_network_init(module, n, batch);
    } catch (const Error& e) {  // a module the samples do not fit: one line naming it
      const std::string line = lab::error_line(e);
      if (hint.empty() || line.find(" fails on an input of shape ") == std::string::npos) throw;
      throw Error(line + hint);
    } catch (const c10::Error& e) {
      throw Error("'" + excerpt(o.model) + "' does not take " + source + " samples of shape " +
                  format_shape(std::vector<std::int64_t>(batch.sizes().begin() + 1, batch.sizes().end())) +
                  hint + ": " + lab::root_error_line(e));
    }
  }
  std::ostringstream bytes;
  try {
    module.save(bytes);
  } catch (const c10::Error& e) {
    throw Error("cannot save the model to '" + o.out + "': " + std::string(e.what_without_backtrace()).substr(0, 200));
  }
  write_file_atomically(o.out, bytes.str());
  std::size_t width = std::string_view("parameter").size();
  for (const auto& p : report) width = std::max(width, p.name.size());
  fmt::print("{:<{}} {:<14} {:<16} {:>8} {:>8}  {:<32} {}\n", "parameter", width, "layer", "shape", "fan_in", "fan_out", "init", "rule");
  for (const auto& p : report) {
    std::string spec = p.spec;
    if (p.gates > 1) spec += p.layer == libtorch::LayerKind::attention ? " (per projection: q, k, v)" : fmt::format(" (per gate, {} gates)", p.gates);
    fmt::print("{:<{}} {:<14} {:<16} {:>8} {:>8}  {:<32} {}\n", p.name, width, libtorch::to_string(p.layer), format_shape(p.shape),
               p.fan ? std::to_string(p.fan->in) : "-", p.fan ? std::to_string(p.fan->out) : "-", spec, p.spec == "kept" ? "" : p.rule);
  }
  constexpr std::size_t kKeptLines = 20;  // then a count
  std::size_t kept_lines = 0;
  for (const auto& p : report)
    if (p.spec == "kept" && kept_lines++ < kKeptLines)
      fmt::print(stderr, "kept '{}' {} as it was: {} ({} of the values); give it a rule with --override '{}=SPEC'\n", p.name,
                 format_shape(p.shape), p.rule, percent(static_cast<double>(numel(p.shape)) / kept.total), p.name);
  if (kept.count > kKeptLines) fmt::print(stderr, "... and {} more kept\n", kept.count - kKeptLines);
  if (kept.count > 1)
    fmt::print(stderr, "kept {} parameters as they were ({} of the values); --strict makes this an error\n", kept.count, percent(kept.share));
  for (const auto& l : layers)
    fmt::print("{} {:<30} {:>3} {:>12.4g}  {}\n", network->scheme, l.layer, l.iterations, l.variance, l.note);
  fmt::print("wrote {}\n", o.out);
}

}  // namespace

void add_init_command(CLI::App& app) {
  auto o = std::make_shared<InitOptionsCli>();
  CLI::App* cmd = app.add_subcommand("init", "Initialize a TorchScript model's parameters by rules and save it");
  cmd->add_option("model", o->model, "TorchScript file (torch.jit.script(model).save('model.pt'))")->required();
  cmd->add_option("--init", o->init, "Weight initializer spec, lsuv / datadep (with --data), or a recurrent recipe (irnn, rnn_orthogonal, chrono, forget_bias)")->required();
  cmd->add_option("--bias", o->bias, "Bias initializer spec (default: the init's own rule, else zeros)");
  cmd->add_option("--override", o->overrides,
                  "PATTERN=SPEC: parameters whose qualified name matches the glob PATTERN ('*' any run, '?' one character) get SPEC "
                  "(repeatable; the first matching --override wins; a PATTERN that matches no parameter, or only ones an earlier "
                  "--override took, is an error)");
  cmd->add_option("--seed", o->seed, "Seed, 0 to 2^64 - 1")->transform(seed_value());
  cmd->add_option("--generator", o->generator, "philox | torch | torch-avx2")->check(CLI::IsMember({"philox", "torch", "torch-avx2"}));
  cmd->add_option("-o,--out", o->out, "Output TorchScript file (a new file: the input model is never overwritten)")->required()->check(output_path());
  cmd->add_option("--data", o->data, "Data for lsuv / datadep (a batch of training samples)");
  cmd->add_option("--input", o->input, "Synthetic samples for lsuv / datadep instead of --data: gaussian:SHAPE (e.g. gaussian:3x224x224) or tokens:VOCABxLEN");
  cmd->add_option("--max-memory", o->max_memory,
                  "Memory lsuv / datadep may use, e.g. 4G (default: 80% of the memory available now); a batch that needs more is cut to fit")
      ->transform(byte_size());
  cmd->add_flag("--strict", o->strict, "Refuse (exit 2, nothing written) when a parameter would be left as it was");
  cmd->add_flag("--packed-qkv", o->packed_qkv,
                "Draw MultiheadAttention's in_proj_weight [3d, d] as one matrix, as PyTorch does (default: q, k, v each as a [d, d] matrix)");
  cmd->add_option("--batch", o->batch, "Samples lsuv / datadep look at")->check(int64_text())->check(CLI::PositiveNumber);
  cmd->add_flag("--flatten", o->flatten, "Give the model each sample as a vector (for MLPs)");
  cmd->footer("Examples:\n  initlab init model.pt --init he_normal --bias zeros -o model_init.pt\n"
              "  initlab init model.pt --init orthogonal --override 'fc3.*=zeros' -o model_init.pt\n"
              "  initlab init mlp.pt --init lsuv --data fashion-mnist --flatten -o mlp_lsuv.pt\n"
              "  initlab init resnet18.pt --init lsuv --input gaussian:3x224x224 --batch 32 -o resnet18_lsuv.pt\n"
              "  initlab init lstm.pt --init chrono:tmax=784 -o lstm_chrono.pt\n"
              "Every parameter gets the first rule that names it: --override (in order), the init's own role rules, position\n"
              "embeddings N(0, 0.02^2) and class tokens zeros (by name), then by layer: Linear / Conv / RNN / attention weights\n"
              "--init, their biases --bias, norm weights ones and biases zeros, embeddings N(0, 1). The table prints the rule\n"
              "each parameter got; one no rule reaches is kept and named on stderr.");
  cmd->callback([o] { run_init(*o); });
}

}  // namespace initlab::cli
