// `initlab train` (one init, one or more seeds) and `initlab compare` (every init x seed):
// train on real data, store every epoch in SQLite, print a fair, ranked comparison.
#include <fmt/core.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <algorithm>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "graceful_stop.hpp"
#include "option_checks.hpp"
#include "output_paths.hpp"
#include "experiments/experiment.hpp"
#include "experiments/init_list.hpp"
#include "experiments/mpi.hpp"
#include "experiments/presets.hpp"
#include "jobs_option.hpp"
#include "print_events.hpp"
#include "initlab/error.hpp"
#include "print_monitor.hpp"
#include "print_summary.hpp"
#include "report_option.hpp"
#include "train/runtime.hpp"

namespace initlab::cli {

void add_results_command(CLI::App& app);
void add_init_command(CLI::App& app);
void add_propagate_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_advise_command(CLI::App& app);
void add_audit_command(CLI::App& app);
void add_sweep_command(CLI::App& app);
void add_coordcheck_command(CLI::App& app);
void add_reproduce_command(CLI::App& app);

int& lab_exit_code() {
  static int code = 0;
  return code;
}

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_interrupt(int) { g_stop.store(true); }

struct ExperimentOptions {
  lab::ExperimentConfig config;
  std::string preset;
  std::string inits;
  std::string init;
  std::string generator = "philox";
  int threads = 1;
  int jobs = 0;
  std::uint64_t max_memory = 0;  // bytes; 0: the memory available now
  bool quiet = false;
  bool json = false;
  bool monitor = false;
  std::string report;
};


void add_common(CLI::App* cmd, ExperimentOptions& o) {
  auto& c = o.config;
  cmd->add_option("--model", c.model, "mlp:784-128-10 | mlp:784-100x10-10 | resmlp:784-256x4-10 | cnn | rescnn:32x4 | rnn:lstm-64-64 | toy | "
                  "file:M.pt (your TorchScript model, trained as saved; samples flattened when it takes vectors)");
  cmd->add_option("--data", c.data, "fashion-mnist[,sequence=rows|pixels|permuted] | mnist:DIR | idx:DIR | cifar10:DIR | csv:FILE,label=COL | text:DIR | synthetic:regression|spirals|blobs|adding,T=STEPS");
  cmd->add_option("--activation", c.model_options.activation, "relu | leaky_relu | elu | selu | gelu | silu | tanh | sigmoid | linear");
  cmd->add_flag("--batchnorm", c.model_options.batchnorm, "BatchNorm after every hidden layer");
  cmd->add_option("--dropout", c.model_options.dropout, "Dropout after every hidden layer");
  cmd->add_option_function<std::string>("--param", [&c](const std::string& v) { c.model_options.param = lab::parse_parametrization(v); },
                                        "standard (default) | mup[:base_width=64,readout=scaled|zero]: μP's per-layer init and learning "
                                        "rates (Yang et al. 2021; mlp: and vit: models; docs/transformers.md)");
  cmd->add_option("--bias", c.bias, "Bias spec (default: the init's own rule, e.g. torch_default's U(+-1/sqrt(fan_in)), else zeros)");
  cmd->add_option("--override", c.overrides,
                  "PATTERN=SPEC: parameters whose qualified name matches the glob PATTERN ('*' any run, '?' one character) get SPEC, "
                  "e.g. 'fc2.*=zeros' (repeatable; the first matching --override wins; a PATTERN that matches no parameter, or only "
                  "ones an earlier --override took, is an error)");
  cmd->add_option("--generator", o.generator, "philox | torch | torch-avx2")->check(CLI::IsMember({"philox", "torch", "torch-avx2"}));
  // Parsed where they enter (train/train_config.hpp): a bad name is one line naming the flag.
  cmd->add_option_function<std::string>("--optimizer", [&c](const std::string& v) { c.train.optimizer = lab::parse_optimizer(v); }, "sgd | adam");
  cmd->add_option("--lr", c.train.lr, "Learning rate");
  cmd->add_option("--momentum", c.train.momentum, "SGD momentum");
  cmd->add_flag("--nesterov", c.train.nesterov, "Nesterov momentum");
  cmd->add_option("--weight-decay", c.train.weight_decay, "L2 weight decay");
  cmd->add_option("--clip-norm", c.train.clip_norm, "Rescale gradients to a total norm of at most this before each step (0: off; RNNs)");
  cmd->add_option("--batch", c.train.batch, "Batch size")->check(int64_text());
  cmd->add_option("--epochs", c.train.epochs, "Epochs");
  cmd->add_option_function<std::string>("--loss", [&c](const std::string& v) { c.train.loss = lab::parse_loss(v); }, "auto | ce | mse | bce");
  cmd->add_option("--val", c.data_options.val_fraction, "Validation fraction of the training set");
  cmd->add_option("--normalize", c.data_options.normalize, "standard | symmetric | unit | none");
  cmd->add_option("--limit", c.data_options.limit, "Use only the first N training samples (quick runs; 0: all)")->check(sample_limit());
  cmd->add_option("--seed", c.first_seed, "First seed (0 to 2^64 - 1); runs use seed, seed+1, ...")->transform(seed_value());
  cmd->add_option("--seeds", c.seeds, "Seeds per init (1 to 100000)")->check(CLI::Range(1, 100000));
  cmd->add_option_function<std::string>("--device", [&c](const std::string& v) { c.train.device = lab::parse_device(v); }, "cpu | cuda");
  cmd->add_option("--threads", o.threads,
                  "Intra-op threads of a run trained in this process (default 1, as every worker of --jobs has: a run's numbers are "
                  "then the same whatever --jobs; 0: all cores, faster for one large run, but the last digits can differ)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--jobs", o.jobs, "Runs trained at once, each in a worker process with one thread (0: one per core)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--db", c.db, "Results database (SQLite)")->check(output_path());
  cmd->add_option("--max-memory", o.max_memory,
                  "Refuse a run whose model needs more than SIZE to train, e.g. 16G (estimated before anything is built; "
                  "default: the memory available now)")
      ->transform(byte_size());
  cmd->add_flag("--quiet", o.quiet, "No per-epoch lines");
  cmd->add_flag("--json", o.json, "Print the summary as JSON");
  cmd->add_option("--report", o.report, "Write an HTML report of this experiment at the end (from --db)")->check(output_path());
  cmd->add_flag("--monitor", o.monitor, "Per-layer statistics during training (every 50 steps unless --monitor-every), stored in --db");
  cmd->add_option("--monitor-every", c.monitor_every, "Monitor every K steps (implies --monitor)")->check(CLI::PositiveNumber);
}

// Fields a preset sets, unless the user gave the flag.
void apply_preset_keeping_flags(CLI::App* cmd, ExperimentOptions& o) {
  lab::ExperimentConfig p = o.config;
  lab::apply_preset(o.preset, p);
  auto& c = o.config;
  auto keep = [&](const char* flag) { return cmd->count(flag) > 0; };
  if (!keep("--model")) c.model = p.model;
  if (!keep("--data")) c.data = p.data;
  if (!keep("--activation")) c.model_options.activation = p.model_options.activation;
  if (!keep("--optimizer")) c.train.optimizer = p.train.optimizer;
  if (!keep("--lr")) c.train.lr = p.train.lr;
  if (!keep("--batch")) c.train.batch = p.train.batch;
  if (!keep("--epochs")) c.train.epochs = p.train.epochs;
  if (!keep("--normalize")) c.data_options.normalize = p.data_options.normalize;
  if (o.inits.empty()) c.inits = p.inits;
}

void add_worker_command(CLI::App& app) {
  struct WorkerOptions {
    int in_fd = 0, out_fd = 1;
  };
  auto o = std::make_shared<WorkerOptions>();
  CLI::App* cmd = app.add_subcommand("worker", "Trains runs handed to it by a scheduler (--jobs); not for direct use");
  cmd->group("");  // hidden from --help
  cmd->add_option("--in-fd", o->in_fd, "Run specs come in on this file descriptor")->required();
  cmd->add_option("--out-fd", o->out_fd, "Results go out on this file descriptor")->required();
  cmd->callback([o] {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a scheduler killed with -9 takes its workers along
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    const auto channel = lab::pipe_channel(o->in_fd, o->out_fd);
    lab_exit_code() = lab::worker_main(*channel, &g_stop);
  });
}

}  // namespace

int start_lab_session(int* argc, char*** argv) {
  lab::mpi::initialize(argc, argv);
  if (!lab::mpi::active() || lab::mpi::rank() == 0) return -1;
  std::signal(SIGINT, on_interrupt);
  const auto channel = lab::mpi::channel_to_scheduler();
  const int code = lab::worker_main(*channel, &g_stop);
  lab::mpi::finalize();
  return code;
}

void end_lab_session() { lab::mpi::finalize(); }

namespace {

void run(CLI::App* cmd, ExperimentOptions& o, const std::string& kind) {
  auto& c = o.config;
  c.kind = kind;
  c.command = command_line();
  if (!o.preset.empty()) apply_preset_keeping_flags(cmd, o);
  if (kind == "train" && c.inits.empty()) c.inits = {o.init};
  if (kind == "compare" && !o.inits.empty()) c.inits = lab::split_init_list(o.inits);
  if (c.model.empty()) throw Error("--model is required (or a --preset)");
  if (c.inits.empty()) throw Error(kind == "train" ? "--init is required" : "--inits is required (or a --preset)");
  if (!o.report.empty()) refuse_overwriting_input("--report", o.report, {{"results database", c.db}});
  c.generator = parse_generator_kind(o.generator);
  c.max_memory_bytes = static_cast<double>(o.max_memory);
  if (o.monitor && c.monitor_every == 0) c.monitor_every = 50;
  c.train.progress = !o.quiet && isatty(STDERR_FILENO);
  lab::configure_runtime(o.threads);
  const lab::ScheduleOptions schedule = schedule_options(o.jobs, c.seeds * static_cast<int>(c.inits.size()));
  ConsoleEvents events(o.quiet, schedule.jobs > 1);
  const lab::ExperimentSummary s = [&] {
    const GracefulStop stop_on_signal(g_stop);  // the data is loaded inside: a blocked read can be stopped too
    return lab::run_experiment(c, &g_stop, &events, schedule);
  }();
  if (o.json) fmt::print("{}\n", summary_json(s).dump(2));
  else print_summary(s);
  if (c.monitor_every > 0 && !o.json) {
    lab::ResultStore store(c.db, lab::StoreMode::read);
    print_monitor_tables(store, s, c.first_seed);
  }
  if (!o.report.empty()) {
    lab::ReportSelection selection;
    selection.experiment = s.experiment_id;
    write_report_file(c.db, selection, o.report);
  }
  if (s.interrupted) {
    fmt::print(stderr, "initlab: interrupted; finished runs are in {}, the current one is marked interrupted\n", c.db);
    lab_exit_code() = 130;
  } else if (s.failed_runs > 0) {
    lab_exit_code() = 1;
  }
}

}  // namespace

void add_lab_commands(CLI::App& app) {
  {
    auto o = std::make_shared<ExperimentOptions>();
    CLI::App* cmd = app.add_subcommand("train", "Train one model with one initializer (one or more seeds)");
    add_common(cmd, *o);
    cmd->add_option("--init", o->init, "Initializer spec for the weights (see `initlab list`), or a network scheme: lsuv[:tol=,max_iter=,batch=], "
                    "datadep, zero_init, fixup, skipinit, pretrain:ae[,epochs=N]")->required();
    cmd->add_option("--preset", o->preset, "Training setup of a seed notebook experiment (seed-mlp, ...)");
    cmd->footer("Examples:\n  initlab train --model mlp:784-128-10 --data fashion-mnist --init he_uniform --epochs 10\n"
                "  initlab train --model toy --data synthetic:regression --init orthogonal --optimizer adam --epochs 30");
    cmd->callback([o, cmd] { run(cmd, *o, "train"); });
  }
  {
    auto o = std::make_shared<ExperimentOptions>();
    CLI::App* cmd = app.add_subcommand("compare", "Train every init x seed and compare them fairly");
    add_common(cmd, *o);
    cmd->add_option("--inits", o->inits, "Comma-separated specs, e.g. zeros,normal:std=0.01,xavier_uniform,he_normal; network schemes too "
                    "(lsuv, datadep, zero_init, fixup, skipinit, pretrain:ae)");
    cmd->add_option("--preset", o->preset, "seed-mlp | seed-keras-mlp | seed-cnn | seed-rnn (Fashion-MNIST rows, or --data text:DIR) | seed-toy-regression");
    cmd->footer("Examples:\n  initlab compare --preset seed-mlp --data fashion-mnist --seeds 2\n"
                "  initlab compare --model mlp:784-100x10-10 --inits xavier_normal,he_normal,orthogonal --seeds 3 --epochs 5");
    cmd->callback([o, cmd] { run(cmd, *o, "compare"); });
  }
  add_worker_command(app);
  add_sweep_command(app);
  add_results_command(app);
  add_init_command(app);
  add_propagate_command(app);
  add_report_command(app);
  add_advise_command(app);
  add_audit_command(app);
  add_coordcheck_command(app);
  add_reproduce_command(app);
}

}  // namespace initlab::cli
