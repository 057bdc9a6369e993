// One run: a model, its data, one init, one seed, one set of hyperparameters. A run spec is
// self-contained: a worker given only this (in this process, another process, or another
// machine) trains the run and gets the same numbers.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/data_spec.hpp"
#include "data/dataset.hpp"
#include "initlab/generator.hpp"
#include "initlab/torch/init_plan.hpp"
#include "models/models.hpp"
#include "netinit/network_init.hpp"
#include "train/trainer.hpp"

namespace initlab::lab {

// A run's strings parsed once, where its spec is made (parse_run_spec): the model, the data, the network
// scheme, if any, and the per-tensor plan (weights, bias, overrides) drawn first. Checking,
// training and storing the run all read this; nothing downstream parses the strings again.
struct ParsedSpec {
  ModelSpec model;
  DataSpec data;
  std::optional<NetworkInit> network;
  libtorch::InitPlan plan;  // seed 0: run_one draws with the run's seed
  std::string canonical;    // format_spec of a per-tensor spec; a scheme as written
};

struct RunSpec {
  std::string model;
  ModelOptions model_options;
  std::string data;
  DataOptions data_options;  // data_options.seed: the split (and synthetic data); shared by the experiment's runs
  TrainConfig train;         // train.seed == seed
  std::string init;          // weight init spec, or a network scheme (lsuv, fixup, ...)
  std::string bias;          // empty: the init's own bias rule
  std::vector<std::string> overrides;
  GeneratorKind generator = GeneratorKind::philox;
  std::uint64_t seed = 0;
  int monitor_every = 0;     // > 0: the training monitor every K steps
  std::string model_digest;  // file: models: the file's content digest (file_digest), taken by parse_run_spec when empty
  // model, data, init, bias, overrides and generator, parsed (parse_run_spec); shared by the copies of a spec.
  std::shared_ptr<const ParsedSpec> parsed;
};

// Parses spec.model, spec.data, spec.init (a network scheme or a per-tensor spec), spec.bias and
// spec.overrides into spec.parsed. Call it again after changing any of them. Throws Error naming
// the bad spec.
void parse_run_spec(RunSpec& spec);
// A --model's content digest when it is file:PATH (file_digest), else "". Throws Error naming the
// path when it is not a readable file.
std::string model_digest(const std::string& model);
// spec.parsed; a spec that was never parsed is a programming error (std::logic_error), never a
// silent default init.
const ParsedSpec& parsed(const RunSpec& spec);

// The configuration that identifies an experiment (everything but init, seed and monitor), in
// the JSON form stored in experiments.config; its digest is the experiment's key. `task` comes
// from the loaded data.
nlohmann::json experiment_config_json(const RunSpec& spec, Task task);
std::string experiment_key(const nlohmann::json& config);  // a digest of config.dump()

// The run as stored in runs.spec and sent to workers: experiment_config_json + init, canonical
// init, seed, monitor; run_spec_from_json reads it back, parsed (throws Error on a malformed spec).
nlohmann::json run_spec_json(const RunSpec& spec, Task task);
RunSpec run_spec_from_json(const nlohmann::json& j);

}  // namespace initlab::lab
