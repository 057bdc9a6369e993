// `initlab init MODEL.pt`: initialize a user's TorchScript model by rules and save it.
#include <fmt/core.h>
#include <torch/script.h>

#include <filesystem>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "option_checks.hpp"
#include "output_paths.hpp"
#include "initlab/atomic_file.hpp"
#include "initlab/error.hpp"
#include "data/dataset.hpp"
#include "initlab/shape.hpp"
#include "initlab/spec.hpp"
#include "initlab/torch/apply.hpp"
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
  std::int64_t batch = 0;   // samples (default: the scheme's)
  bool flatten = false;     // samples as vectors (for MLPs)
};

void run_init(const InitOptionsCli& o) {
  const auto network = lab::parse_network_init(o.init);
  const bool looks_at_data = network && network->rules.empty();  // every scheme but the recurrent recipes (role rules only)
  if (looks_at_data && o.data.empty()) throw Error("--init '" + o.init + "' looks at data: give --data SPEC (e.g. --data fashion-mnist)");
  const auto plan = lab::base_plan(network, o.init, o.bias, o.overrides, parse_generator_kind(o.generator), o.seed);
  if (!std::filesystem::exists(o.model)) throw Error("model file '" + o.model + "' does not exist");
  refuse_overwriting_input("-o", o.out, {{"input model", o.model}});
  const std::filesystem::path out(o.out);
  const auto dir = out.has_parent_path() ? out.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir)) throw Error("cannot write '" + o.out + "': folder '" + dir.string() + "' does not exist");
  torch::jit::Module module;
  try {
    module = torch::jit::load(o.model);
  } catch (const c10::Error& e) {
    throw Error("'" + o.model + "' is not a TorchScript model (save one with torch.jit.script(model).save(path)): " +
                std::string(e.what_without_backtrace()).substr(0, 200));
  }
  const auto report = libtorch::apply_plan(module, plan);
  std::vector<lab::LayerInitReport> layers;
  if (looks_at_data) {
    lab::NetworkInit n = *network;
    if (o.batch > 0) n.batch = o.batch;
    lab::DataOptions data_options;
    data_options.seed = o.seed;
    const lab::DataSplits data = lab::load_data(o.data, data_options);
    torch::Tensor batch = data.train.x.slice(0, 0, std::min(n.batch, data.train.size()));
    if (o.flatten) batch = batch.flatten(1);
    try {
      layers = lab::apply_network_init(module, n, batch);
    } catch (const c10::Error& e) {
      throw Error("--model '" + o.model + "' does not take --data '" + o.data + "' samples of shape " +
                  format_shape(std::vector<std::int64_t>(batch.sizes().begin() + 1, batch.sizes().end())) +
                  (o.flatten ? "" : " (try --flatten)") + ": " + std::string(e.what_without_backtrace()).substr(0, 160));
    }
  }
  std::ostringstream bytes;
  try {
    module.save(bytes);
  } catch (const c10::Error& e) {
    throw Error("cannot save the model to '" + o.out + "': " + std::string(e.what_without_backtrace()).substr(0, 200));
  }
  write_file_atomically(o.out, bytes.str());
  fmt::print("{:<36} {:<15} {:<14} {:>10} {:>10}  {}\n", "parameter", "layer", "shape", "fan_in", "fan_out", "init");
  for (const auto& p : report)
    fmt::print("{:<36} {:<15} {:<14} {:>10} {:>10}  {}{}\n", p.name, libtorch::to_string(p.layer), format_shape(p.shape),
               p.fan ? std::to_string(p.fan->in) : "-", p.fan ? std::to_string(p.fan->out) : "-", p.spec,
               p.gates > 1 ? fmt::format(" (per gate, {} gates)", p.gates) : "");
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
  cmd->add_option("--batch", o->batch, "Samples lsuv / datadep look at")->check(int64_text())->check(CLI::PositiveNumber);
  cmd->add_flag("--flatten", o->flatten, "Give the model each sample as a vector (for MLPs)");
  cmd->footer("Examples:\n  initlab init model.pt --init he_normal --bias zeros -o model_init.pt\n"
              "  initlab init model.pt --init orthogonal --override 'fc3.*=zeros' -o model_init.pt\n"
              "  initlab init mlp.pt --init lsuv --data fashion-mnist --flatten -o mlp_lsuv.pt\n"
              "  initlab init lstm.pt --init chrono:tmax=784 -o lstm_chrono.pt");
  cmd->callback([o] { run_init(*o); });
}

}  // namespace initlab::cli
