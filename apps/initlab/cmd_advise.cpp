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
#include "models/script_net.hpp"
#include "data/probe_input.hpp"
#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"
#include "netinit/network_init.hpp"
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
  std::string input;             // file: models: gaussian:SHAPE | tokens:VOCABxLEN | data:SPEC (default data:DATA)
  std::int64_t batch = 0;        // the check's samples (0: kCheckBatch, kFileCheckBatch for file: models)
};

constexpr std::int64_t kCheckBatch = 256;     // samples the propagate check pushes through
constexpr std::int64_t kFileCheckBatch = 32;  // for a TorchScript model (often ImageNet-sized)
constexpr std::int64_t kDescribeBatch = 4;    // samples the architecture is read with

void print_check(const std::vector<lab::InitPropagation>& results, std::int64_t batch, const std::string& source) {
  fmt::print("\ncheck: signal propagation at init ({} samples of {}, 3 seeds)\n{:<44} {:>12} {:>12} {:>10}\n", batch, source, "init",
             "fwd ratio", "bwd ratio", "verdict");
  for (const auto& r : results) fmt::print("{:<44} {:>12.4g} {:>12.4g} {:>10}\n", r.init, r.forward_ratio, r.backward_ratio, r.verdict);
  fmt::print("fwd ratio = activation std last/first layer, bwd ratio = gradient std first/last; vanishing below {:g}, exploding above {:g} "
             "or on an overflow to inf; nan: a NaN appeared\n",
             lab::kVanishingRatio, lab::kExplodingRatio);
  if (results[0].verdict != "stable")
    fmt::print("note: the recommendation is not 'stable' by this check on this model; try --quick-compare before trusting it\n");
}

void print_advice(const std::string& model, const lab::Architecture& a, const lab::Advice& v) {
  fmt::print("model:       {} ({} weighted layers, {}{}{}{}{}, activation {})\n", model, a.weighted_layers,
             a.residual_blocks ? fmt::format("{} residual blocks", a.residual_blocks) : "plain",
             a.normalization.empty() ? (a.batchnorm ? ", BatchNorm" : "") : ", " + a.normalization, a.convolutional ? ", convolutional" : "",
             a.recurrent ? ", recurrent" : "", a.attention ? ", attention" : "", a.activation);
  fmt::print("recommended: {}\n  why: {}\n", v.init, v.reason);
  fmt::print("runner-up:   {}\n  why not: {}\n", v.runner_up, v.runner_up_reason);
}

// `--model file:M.pt`: the architecture from the model's graph and one forward, the check on the
// same input. Schemes that need initlab's own residual blocks (skipinit, fixup) become the
// per-layer formula, with how to zero each branch's last layer by --override.
void advise_file_model(const AdviseOptions& o) {
  if (o.quick_compare)
    throw Error("--quick-compare trains the lab's models; for --model '" + excerpt(o.model) +
                "' train the two inits with initlab compare --model " + excerpt(o.model) + " --data SPEC --inits A,B");
  const std::string path = o.model.substr(5);
  torch::jit::Module module = lab::load_script_file(path, "--model file");
  const std::string input = o.input.empty() ? "data:" + o.data : o.input;
  const torch::Tensor x = lab::probe_samples(input, kDescribeBatch, 0);
  const lab::Architecture a = lab::describe(module, x);
  lab::Advice v = lab::advise(a);
  if (const auto scheme = lab::parse_network_init(v.init); scheme && scheme->scheme != "lsuv" && scheme->scheme != "datadep") {
    v.reason += "; " + v.init + " needs initlab's own residual blocks, so on a TorchScript model: " + v.runner_up +
                ", and to start each branch at zero as it does, zero the branch's last weighted layer with --override (e.g. "
                "'layer*.conv2.weight=zeros' where each branch ends in conv2; the check below runs " + v.runner_up + " alone)";
    v.init = v.runner_up;
    v.runner_up = "lsuv";
    v.runner_up_reason = "rescales each layer on a batch to unit output variance, but does not stop residual branches from adding up";
  }
  print_advice(o.model, a, v);
  lab::PropagateConfig p;
  p.model = o.model;
  p.inits = {v.init, v.runner_up};
  p.batch = o.batch > 0 ? o.batch : kFileCheckBatch;
  p.max_memory_bytes = static_cast<double>(o.max_memory);
  p.input = input;
  p.seeds = 3;
  print_check(lab::propagate(p), p.batch, input);
}

void run_advise(const AdviseOptions& o) {
  lab::configure_runtime(o.threads);
  if (o.model.rfind("file:", 0) == 0) return advise_file_model(o);
  if (!o.input.empty()) throw Error("--input is for --model file:M.pt; a lab model reads --data");
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
  print_advice(o.model, a, v);
  if (a.recurrent) {
    fmt::print("\n(no propagate check for recurrent models: their inputs are tokens; use --quick-compare)\n");
  } else {
    lab::PropagateConfig p;
    p.model = o.model;
    p.activation = o.model_options.activation;
    p.inits = {v.init, v.runner_up};
    p.batch = o.batch > 0 ? o.batch : kCheckBatch;
    p.max_memory_bytes = static_cast<double>(o.max_memory);
    p.input = "data:" + o.data;
    p.seeds = 3;
    print_check(lab::propagate(p), p.batch, o.data);
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
                  "outputs: 31 weighted layers), resmlp:..., cnn, rescnn:CxK, rnn:..., or file:M.pt (a TorchScript model: "
                  "its architecture read from its graph)")
      ->required();
  cmd->add_option("--activation", o->model_options.activation, "relu | leaky_relu | elu | selu | gelu | silu | tanh | sigmoid | linear");
  cmd->add_flag("--batchnorm", o->model_options.batchnorm, "BatchNorm after every hidden layer");
  cmd->add_option("--data", o->data, "Data the check and the comparison use");
  cmd->add_option("--input", o->input, "For --model file:M.pt: gaussian:SHAPE (e.g. gaussian:3x224x224), tokens:VOCABxLEN or data:SPEC (default data:DATA)");
  cmd->add_option("--batch", o->batch, "Samples the check pushes through (default 256; 32 for file: models)")->check(int64_text())->check(CLI::PositiveNumber);
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
              "  initlab advise --model resmlp:784-256x4-10 --quick-compare --seeds 3\n"
              "  initlab advise --model file:resnet18.pt --input gaussian:3x224x224 --batch 16");
  cmd->callback([o] { run_advise(*o); });
}

}  // namespace initlab::cli
