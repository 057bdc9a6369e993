// `initlab advise`: recommend an init for an architecture, say why, and back it with a
// propagate check against the runner-up (and, with --quick-compare, a short multi-seed run).
#include <fmt/core.h>

#include <cmath>
#include <cstdlib>
#include <memory>

#include "advise/advise.hpp"
#include "commands.hpp"
#include "option_checks.hpp"
#include "output_paths.hpp"
#include "experiments/experiment.hpp"
#include "experiments/propagate.hpp"
#include "models/footprint.hpp"
#include "print_summary.hpp"
#include "train/runtime.hpp"

namespace initlab::cli {
namespace {

struct AdviseOptions {
  std::string model;
  lab::ModelOptions model_options;
  std::string data = "fashion-mnist";
  std::int64_t limit = 10000;
  bool quick_compare = false;
  int seeds = 2, epochs = 2;
  double lr = 0.01;
  std::string db = "initlab-results.db";
  int threads = 0;
  std::uint64_t max_memory = 0;  // bytes; 0: the memory available now
};

constexpr std::int64_t kCheckBatch = 256;  // samples the propagate check pushes through

void run_advise(const AdviseOptions& o) {
  lab::configure_runtime(o.threads);
  const lab::ModelSpec model = lab::parse_model_spec(o.model);
  lab::DataOptions data_options;
  data_options.limit = o.limit;
  const lab::DataSplits data = lab::load_data(o.data, data_options);
  // The model's size (and the check's activations) before anything is built.
  const std::int64_t outputs = data.task == lab::Task::regression ? data.num_outputs : data.num_classes;
  const std::string shown = o.model.size() <= 40 ? o.model : o.model.substr(0, 40) + "...";
  lab::check_footprint("--model '" + shown + "'", lab::lab_model_footprint(model, data.sample_shape, kCheckBatch, outputs, data.vocabulary, 0),
                       kCheckBatch, static_cast<double>(o.max_memory));
  auto net = lab::build_model(model, data, o.model_options);
  const lab::Architecture a = lab::describe(net, o.model_options);
  const lab::Advice v = lab::advise(a);
  fmt::print("model:       {} ({} weighted layers, {}{}{}{}, activation {})\n", o.model, a.weighted_layers,
             a.residual_blocks ? fmt::format("{} residual blocks", a.residual_blocks) : "plain", a.batchnorm ? ", BatchNorm" : "",
             a.convolutional ? ", convolutional" : "", a.recurrent ? ", recurrent" : "", a.activation);
  fmt::print("recommended: {}\n  why: {}\n", v.init, v.reason);
  fmt::print("runner-up:   {}\n  why not: {}\n", v.runner_up, v.runner_up_reason);
  if (a.recurrent) {
    fmt::print("\n(no propagate check for recurrent models: their inputs are tokens; use --quick-compare)\n");
  } else {
    lab::PropagateConfig p;
    p.model = o.model;
    p.activation = o.model_options.activation;
    p.inits = {v.init, v.runner_up};
    p.batch = kCheckBatch;
    p.max_memory_bytes = static_cast<double>(o.max_memory);
    p.input = "data:" + o.data;
    p.seeds = 3;
    const auto results = lab::propagate(p);
    fmt::print("\ncheck: signal propagation at init ({} samples of {}, 3 seeds)\n{:<44} {:>12} {:>12} {:>10}\n", p.batch, o.data, "init",
               "fwd ratio", "bwd ratio", "verdict");
    for (const auto& r : results) fmt::print("{:<44} {:>12.4g} {:>12.4g} {:>10}\n", r.init, r.forward_ratio, r.backward_ratio, r.verdict);
    fmt::print("fwd ratio = activation std last/first layer, bwd ratio = gradient std first/last; vanishing below {:g}, exploding above {:g} "
               "or on an overflow to inf; nan: a NaN appeared\n",
               lab::kVanishingRatio, lab::kExplodingRatio);
    if (results[0].verdict != "stable")
      fmt::print("note: the recommendation is not 'stable' by this check on this model; try --quick-compare before trusting it\n");
  }
  if (!o.quick_compare) return;
  lab::ExperimentConfig c;
  c.kind = "compare";
  c.model = o.model;
  c.model_options = o.model_options;
  c.data = o.data;
  c.data_options = data_options;
  c.train.epochs = o.epochs;
  c.train.lr = o.lr;
  c.inits = {v.init, v.runner_up};
  c.seeds = o.seeds;
  c.db = o.db;
  c.command = command_line();
  fmt::print("\nquick compare: {} seeds x {} epochs on {} training samples (SGD lr {}), stored in {}\n", o.seeds, o.epochs, o.limit, o.lr, o.db);
  print_summary(lab::run_experiment(c, nullptr));
}

}  // namespace

void add_advise_command(CLI::App& app) {
  auto o = std::make_shared<AdviseOptions>();
  CLI::App* cmd = app.add_subcommand("advise", "Recommend an init for an architecture and check it against the runner-up");
  cmd->add_option("--model", o->model,
                  "Model spec, exactly as for train (docs/models.md): mlp:784-100x30-10 (784 inputs, 30 hidden layers of 100, 10 "
                  "outputs: 31 weighted layers), resmlp:..., cnn, rescnn:CxK, rnn:...")
      ->required();
  cmd->add_option("--activation", o->model_options.activation, "relu | leaky_relu | elu | selu | gelu | silu | tanh | sigmoid | linear");
  cmd->add_flag("--batchnorm", o->model_options.batchnorm, "BatchNorm after every hidden layer");
  cmd->add_option("--data", o->data, "Data the check and the comparison use");
  cmd->add_option("--limit", o->limit, "Training samples used (quick)")->check(CLI::PositiveNumber);
  cmd->add_flag("--quick-compare", o->quick_compare, "Also train both for a few epochs with several seeds");
  cmd->add_option("--seeds", o->seeds, "Seeds for --quick-compare")->check(CLI::Range(1, 100));
  cmd->add_option("--epochs", o->epochs, "Epochs for --quick-compare")->check(CLI::Range(1, 1000));
  cmd->add_option("--lr", o->lr, "SGD learning rate for --quick-compare");
  cmd->add_option("--db", o->db, "Results database for --quick-compare")->check(output_path());
  cmd->add_option("--threads", o->threads, "Intra-op threads (0: all cores)")->check(CLI::Range(0, 1024));
  cmd->add_option("--max-memory", o->max_memory,
                  "Refuse a model whose check needs more than SIZE, e.g. 16G (default: the memory available now)")
      ->transform(byte_size());
  cmd->footer("Examples:\n  initlab advise --model mlp:784-100x30-10 --activation relu\n"
              "  initlab advise --model resmlp:784-256x4-10 --quick-compare --seeds 3");
  cmd->callback([o] { run_advise(*o); });
}

}  // namespace initlab::cli
