// `initlab sample`: draw one tensor with an initializer, compare it with the formula's target,
// show a histogram, optionally write it to .npy / .safetensors / .csv.
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "commands.hpp"
#include "option_checks.hpp"
#include "output_paths.hpp"
#include "initlab/byte_size.hpp"
#include "initlab/error.hpp"
#include "initlab/initializer.hpp"
#include "initlab/spec.hpp"
#include "initlab/summary.hpp"
#include "initlab/tensor_io.hpp"

namespace initlab::cli {
namespace {

struct SampleOptions {
  std::string spec;
  std::string shape;
  std::string layout = "torch";
  std::uint64_t seed = 0;
  std::string generator = "philox";
  int threads = 0;
  int bins = 16;
  std::string out;
  std::uint64_t max_memory = 0;  // bytes; 0: the memory available now
  bool json = false;
};

std::string g(double v) { return fmt::format("{:.6g}", v); }

void print_text(const SampleOptions& o, const Initializer& init, const Shape& shape, const InitTarget& target,
                const Summary& s, const Histogram& h) {
  fmt::print("spec:       {}\n", format_spec(init));
  fmt::print("shape:      {} ({} elements), layout {}\n", format_shape(shape), s.count, o.layout);
  fmt::print("generator:  {} seed {}\n", o.generator, o.seed);
  if (target.fan)
    fmt::print("fan:        fan_in {}  fan_out {}  receptive field {}\n", target.fan->in, target.fan->out,
               target.fan->receptive_field);
  if (target.distribution) {
    fmt::print("target:     {}\n", describe(*target.distribution));
    fmt::print("            mean {}  std {}{}\n", g(mean_of(*target.distribution)), g(*target.stddev),
               target.bound ? "  bound " + g(*target.bound) : "");
  } else {
    fmt::print("target:     structured matrix{}\n", target.stddev ? ", element std " + g(*target.stddev) : "");
  }
  fmt::print("measured:   mean {}  std {}  min {}  max {}  zeros {}\n", g(s.mean), g(s.stddev), g(s.min), g(s.max),
             s.zeros);
  const std::int64_t peak = h.counts.empty() ? 0 : *std::max_element(h.counts.begin(), h.counts.end());
  if (peak == 0) return;
  fmt::print("histogram:\n");
  const double width = (h.high - h.low) / static_cast<double>(h.counts.size());
  for (std::size_t b = 0; b < h.counts.size(); ++b) {
    const auto bar = static_cast<std::size_t>(40.0 * static_cast<double>(h.counts[b]) / static_cast<double>(peak) + 0.5);
    fmt::print("  {:>11} {:<40} {}\n", g(h.low + width * static_cast<double>(b)), std::string(bar, '#'), h.counts[b]);
  }
}

void print_json(const SampleOptions& o, const Initializer& init, const Shape& shape, const InitTarget& target,
                const Summary& s, const Histogram& h) {
  nlohmann::json j;
  j["spec"] = format_spec(init);
  j["shape"] = shape;
  j["layout"] = o.layout;
  j["generator"] = o.generator;
  j["seed"] = o.seed;
  if (target.fan) j["fan"] = {{"in", target.fan->in}, {"out", target.fan->out}, {"receptive_field", target.fan->receptive_field}};
  if (target.distribution) j["target"]["distribution"] = describe(*target.distribution);
  if (target.distribution) j["target"]["mean"] = mean_of(*target.distribution);
  if (target.stddev) j["target"]["std"] = *target.stddev;
  if (target.bound) j["target"]["bound"] = *target.bound;
  j["measured"] = {{"count", s.count}, {"mean", s.mean}, {"std", s.stddev}, {"min", s.min}, {"max", s.max}, {"zeros", s.zeros}};
  j["histogram"] = {{"low", h.low}, {"high", h.high}, {"counts", h.counts}};
  if (!o.out.empty()) j["out"] = o.out;
  fmt::print("{}\n", j.dump(2));
}

void run_sample(const SampleOptions& o) {
  const Initializer init = parse_spec(o.spec);
  const Shape shape = parse_shape(o.shape);
  InitOptions init_options;
  init_options.layout = parse_layout(o.layout);
  init_options.threads = o.threads;
  if (!o.out.empty()) format_from_path(o.out);  // reject a bad extension before any work
  const InitTarget target = target_of(init, shape, init_options.layout);
  // The tensor in float32, and for a structured matrix (orthogonal: a QR of a copy) about four copies more.
  const double need = 4.0 * static_cast<double>(numel(shape)) * (target.distribution ? 1 : 5);
  const bool given = o.max_memory > 0;
  const std::uint64_t limit = given ? o.max_memory : available_memory();
  if (need > static_cast<double>(limit))
    throw Error(fmt::format("--shape {} needs {} of memory, more than {}; {}", o.shape.size() > 40 ? o.shape.substr(0, 40) + "..." : o.shape,
                            bytes_text(need), given ? "--max-memory " + bytes_text(static_cast<double>(limit)) : "the " + bytes_text(static_cast<double>(limit)) + " available",
                            given ? "raise --max-memory if the machine has it" : "--max-memory SIZE sets the limit (e.g. 64G)"));
  std::vector<float> data(static_cast<std::size_t>(numel(shape)));
  Generator gen = Generator::make(parse_generator_kind(o.generator), o.seed);
  initialize(data, shape, init, gen, init_options);
  if (!o.out.empty()) write_tensor(o.out, data, shape);
  const Summary s = summarize(data);
  const Histogram h = histogram(data, o.bins);
  if (o.json) print_json(o, init, shape, target, s, h);
  else print_text(o, init, shape, target, s, h);
  if (!o.out.empty() && !o.json) fmt::print("wrote:      {}\n", o.out);
}

}  // namespace

void add_sample_command(CLI::App& app) {
  auto o = std::make_shared<SampleOptions>();
  CLI::App* cmd = app.add_subcommand("sample", "Draw one tensor with an initializer and compare it with its formula");
  cmd->footer(
      "Examples:\n"
      "  initlab sample he_normal --shape 256x784\n"
      "  initlab sample 'kaiming_normal:mode=fan_out,nonlinearity=leaky_relu,a=0.2' --shape 64x3x3x3\n"
      "  initlab sample keras_glorot_normal --shape 3x3x64x128 --layout keras --out w.npy\n"
      "  initlab sample xavier_uniform --shape 128x784 --generator torch --seed 0   # == torch.manual_seed(0) + xavier_uniform_");
  cmd->add_option("spec", o->spec, "Initializer spec, e.g. he_normal or normal:std=0.01 (see `initlab list`)")->required();
  cmd->add_option("--shape", o->shape, "Tensor shape, e.g. 256x784 (PyTorch: out x in x kernel...)")->required();
  cmd->add_option("--layout", o->layout, "Weight layout: torch (out, in, *k) or keras (*k, in, out)")
      ->check(CLI::IsMember({"torch", "keras"}));
  cmd->add_option("--seed", o->seed, "Random seed, 0 to 2^64 - 1")->transform(seed_value());
  cmd->add_option("--generator", o->generator,
                  "philox (parallel, default), torch (bit-exact PyTorch CPU, default kernels) or torch-avx2")
      ->check(CLI::IsMember({"philox", "torch", "torch-avx2"}));
  cmd->add_option("--threads", o->threads, "Threads for philox fills (0: all cores)")->check(CLI::Range(0, 1024));
  cmd->add_option("--bins", o->bins, "Histogram bins")->check(CLI::Range(1, 200));
  cmd->add_option("--out", o->out, "Write the tensor to FILE.npy, FILE.safetensors or FILE.csv (atomically)")->check(output_path());
  cmd->add_option("--max-memory", o->max_memory, "Refuse a tensor that needs more memory than SIZE, e.g. 16G (default: the memory available now)")
      ->transform(byte_size());
  cmd->add_flag("--json", o->json, "Machine-readable output");
  cmd->callback([o] { run_sample(*o); });
}

}  // namespace initlab::cli
