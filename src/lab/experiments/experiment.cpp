#include "experiments/experiment.hpp"

#include <torch/torch.h>

#include <limits>

#include "experiments/recorder.hpp"
#include "initlab/error.hpp"
#include "initlab/spec.hpp"
#include "initlab/torch/apply.hpp"
#include "data/spec_options.hpp"
#include "models/footprint.hpp"
#include "models/probe.hpp"
#include "models/script_net.hpp"
#include "netinit/network_init.hpp"

namespace initlab::lab {

RunSpec base_spec(const ExperimentConfig& c) {
  RunSpec s;
  s.model = c.model;
  s.model_options = c.model_options;
  s.data = c.data;
  s.data_options = c.data_options;
  s.data_options.seed = c.first_seed;
  s.train = c.train;
  s.bias = c.bias;
  s.overrides = c.overrides;
  s.generator = c.generator;
  s.monitor_every = c.monitor_every;
  return s;
}

namespace {

// The run's init checked on a probe model: a scheme that cannot apply, and the plan applied once
// (an --override that sets nothing fails here, before any run).
void check_init_on(torch::nn::Sequential& probe, const ParsedSpec& init, const DataSplits& d) {
  if (init.network) check_network_init(probe, *init.network);
  libtorch::InitPlan plan = init.plan;
  plan.sequence_length = sequence_length(d);
  apply_init_plan(probe, plan);
}

double product(const std::vector<std::int64_t>& v) {
  double p = 1;
  for (auto x : v) p *= static_cast<double>(x);
  return p;
}

}  // namespace

void check_run_spec(const RunSpec& spec, DataCache& data, double max_memory_bytes) {
  const ParsedSpec& init = parsed(spec);
  const DataSplits& d = data.get(init.data, spec.data_options);
  check_loss(spec.train, d);
  const std::int64_t outputs = d.task == Task::regression ? d.num_outputs : d.num_classes;
  const std::int64_t batch = std::max<std::int64_t>(1, std::min(spec.train.batch, d.train.size()));
  const std::string what = "--model '" + excerpt(spec.model, 40) + "'";
  if (init.model.kind == ModelKind::file) {
    // A file: model is loaded and checked on two samples first (small next to its training), then
    // measured: its parameters and every module's output on one sample, through its submodule calls.
    auto probe = build_model(init.model, d, spec.model_options);
    ScriptNetImpl& net = *script_net_of(probe);
    double out = static_cast<double>(outputs);
    ModelTally t;
    try {
      t = tally_script_model(net.script(), net.input(d.train.x.slice(0, 0, 1)), &out);
    } catch (const Error& e) {  // no Linear / Conv / RNN / attention module ran: the parameters alone
      if (spec.monitor_every > 0) throw Error("--monitor on " + what + ": " + e.what());
      for (const auto& p : probe->parameters()) t.parameters += static_cast<double>(p.numel());
    }
    check_footprint(what, footprint_of(t, product(d.sample_shape), out, batch, 0, optimizer_state_copies(spec.train)), batch, max_memory_bytes);
    check_init_on(probe, init, d);
    return;
  }
  check_footprint(what, lab_model_footprint(init.model, d.sample_shape, batch, outputs, d.vocabulary, 0, optimizer_state_copies(spec.train)),
                  batch, max_memory_bytes);
  auto probe = build_model(init.model, d, spec.model_options);  // validates the model against the data
  check_init_on(probe, init, d);
}

void check_seed_range(std::uint64_t first_seed, int seeds) {
  if (first_seed > std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(seeds - 1))
    throw Error("--seed " + std::to_string(first_seed) + " with --seeds " + std::to_string(seeds) +
                " runs past the largest seed (2^64 - 1); expected a smaller --seed");
}

Plan plan_experiment(const ExperimentConfig& c, DataCache& data) {
  validate(c.train);
  if (c.seeds < 1) throw Error("--seeds " + std::to_string(c.seeds) + " is invalid; expected >= 1");
  if (c.inits.empty()) throw Error("no init to train; expected --init or --inits");
  check_seed_range(c.first_seed, c.seeds);
  RunSpec base = base_spec(c);
  base.model_digest = model_digest(base.model);  // once: every init's runs carry the same
  std::vector<RunSpec> per_init;  // parsed and checked once per init; the runs copy them
  for (const auto& init : c.inits) {
    RunSpec s = base;
    s.init = init;
    parse_run_spec(s);
    check_run_spec(s, data, c.max_memory_bytes);
    per_init.push_back(std::move(s));
  }
  const Task task = data.get(parsed(per_init.front()).data, base.data_options).task;
  Plan plan;
  PlannedExperiment e;
  const nlohmann::json config = experiment_config_json(base, task);
  e.record.key = experiment_key(config);
  e.record.kind = c.kind;
  e.record.config = config.dump();
  e.record.command = c.command;
  plan.experiments.push_back(e);
  for (int k = 0; k < c.seeds; ++k)
    for (const RunSpec& spec : per_init) {
      PlannedRun r;
      r.spec = spec;
      r.spec.seed = c.first_seed + static_cast<std::uint64_t>(k);
      r.spec.train.seed = r.spec.seed;
      r.spec_json = run_spec_json(r.spec, task).dump();
      plan.runs.push_back(std::move(r));
    }
  return plan;
}

ExperimentSummary run_experiment(const ExperimentConfig& c, const std::atomic<bool>* stop, RunEvents* events,
                                 const ScheduleOptions& schedule) {
  DataCache data;
  Plan plan = plan_experiment(c, data);
  Recorder recorder(c.db);
  recorder.add_experiments(plan);
  RunEvents quiet;
  const ExecutionReport report = execute(plan, recorder, data, events ? *events : quiet, schedule, stop);
  ExperimentSummary summary = summarize_experiment(recorder.store(), plan.experiments.front().record.id);
  summary.interrupted = report.interrupted;
  return summary;
}

}  // namespace initlab::lab
