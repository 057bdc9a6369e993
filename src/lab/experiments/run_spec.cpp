#include "experiments/run_spec.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "initlab/error.hpp"
#include "initlab/input_file.hpp"
#include "initlab/philox.hpp"
#include "initlab/spec.hpp"
#include "models/script_net.hpp"
#include "models/vit.hpp"
#include "netinit/network_init.hpp"
#include "store/json_text.hpp"

namespace initlab::lab {

void parse_run_spec(RunSpec& spec) {
  // Stored and sent to workers as JSON: UTF-8 only, said before anything trains.
  require_utf8("--model", spec.model);
  require_utf8("--data", spec.data);
  require_utf8("--init", spec.init);
  require_utf8("--bias", spec.bias);
  for (const auto& o : spec.overrides) require_utf8("--override", o);
  auto parsed = std::make_shared<ParsedSpec>();
  parsed->model = parse_model_spec(spec.model);
  if (parsed->model.kind == ModelKind::file && spec.model_digest.empty()) spec.model_digest = model_digest(spec.model);
  parsed->data = parse_data_spec(spec.data);
  parsed->network = parse_network_init(spec.init);
  parsed->plan = base_plan(parsed->network, spec.init, spec.bias, spec.overrides, spec.generator, 0, model_rules(parsed->network, parsed->model));
  parsed->canonical = parsed->network ? spec.init : format_spec(parsed->plan.weight);
  spec.parsed = std::move(parsed);
}

std::string model_digest(const std::string& model) {
  const ModelSpec m = parse_model_spec(model);
  if (m.kind != ModelKind::file) return "";
  require_input_file(m.path, "--model file");
  return file_digest(m.path);
}

const ParsedSpec& parsed(const RunSpec& spec) {
  if (!spec.parsed) throw std::logic_error("run spec '" + spec.init.substr(0, 40) + "' used before parse_run_spec");
  return *spec.parsed;
}

namespace {

// Settings added after the first stored experiments: written only when set, so every earlier
// experiment keeps its key.
void add_later_settings(nlohmann::json& j, const RunSpec& s) {
  if (s.train.clip_norm > 0) j["clip_norm"] = s.train.clip_norm;
  if (s.model_options.param.kind != ParamKind::standard) j["param"] = to_string(s.model_options.param);
  if (!s.model_digest.empty()) j["model_digest"] = s.model_digest;  // a changed file: another experiment
}

}  // namespace

nlohmann::json experiment_config_json(const RunSpec& s, Task task) {
  // The keys and their order are the experiment's identity: changing them changes every key.
  nlohmann::json j = {{"model", s.model},
          {"activation", s.model_options.activation},
          {"batchnorm", s.model_options.batchnorm},
          {"dropout", s.model_options.dropout},
          {"data", s.data},
          {"val", s.data_options.val_fraction},
          {"normalize", s.data_options.normalize},
          {"limit", s.data_options.limit},
          {"optimizer", to_string(s.train.optimizer)},
          {"lr", s.train.lr},
          {"momentum", s.train.momentum},
          {"nesterov", s.train.nesterov},
          {"weight_decay", s.train.weight_decay},
          {"batch", s.train.batch},
          {"epochs", s.train.epochs},
          {"loss", to_string(s.train.loss)},
          {"device", to_string(s.train.device)},
          {"bias", s.bias},
          {"overrides", s.overrides},
          {"generator", std::string(to_string(s.generator))},
          {"data_seed", s.data_options.seed},
          {"task", task == Task::classification ? "classification" : "regression"}};
  add_later_settings(j, s);
  return j;
}


std::string experiment_key(const nlohmann::json& config) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(stream_of(config.dump())));
  return buf;
}

nlohmann::json run_spec_json(const RunSpec& s, Task task) {
  nlohmann::json j = experiment_config_json(s, task);
  j["init"] = s.init;
  j["init_canonical"] = parsed(s).canonical;
  j["seed"] = s.seed;
  j["monitor_every"] = s.monitor_every;
  j["fused"] = s.train.fused;
  return j;
}

RunSpec run_spec_from_json(const nlohmann::json& j) {
  try {
    RunSpec s;
    s.model = j.at("model").get<std::string>();
    s.model_options.activation = j.at("activation").get<std::string>();
    s.model_options.batchnorm = j.at("batchnorm").get<bool>();
    s.model_options.dropout = j.at("dropout").get<double>();
    s.model_options.param = parse_parametrization(j.value("param", std::string("standard")));
    s.data = j.at("data").get<std::string>();
    s.data_options.val_fraction = j.at("val").get<double>();
    s.data_options.normalize = j.at("normalize").get<std::string>();
    s.data_options.limit = j.at("limit").get<std::int64_t>();
    s.data_options.seed = j.at("data_seed").get<std::uint64_t>();
    s.train.optimizer = parse_optimizer(j.at("optimizer").get<std::string>());
    s.train.lr = j.at("lr").get<double>();
    s.train.momentum = j.at("momentum").get<double>();
    s.train.nesterov = j.at("nesterov").get<bool>();
    s.train.weight_decay = j.at("weight_decay").get<double>();
    s.train.clip_norm = j.value("clip_norm", 0.0);
    s.train.batch = j.at("batch").get<std::int64_t>();
    s.train.epochs = j.at("epochs").get<int>();
    s.train.loss = parse_loss(j.at("loss").get<std::string>());
    s.train.device = parse_device(j.at("device").get<std::string>());
    s.train.fused = j.value("fused", true);
    s.bias = j.at("bias").get<std::string>();
    s.overrides = j.at("overrides").get<std::vector<std::string>>();
    s.generator = parse_generator_kind(j.at("generator").get<std::string>());
    s.init = j.at("init").get<std::string>();
    s.seed = j.at("seed").get<std::uint64_t>();
    s.train.seed = s.seed;
    s.monitor_every = j.value("monitor_every", 0);
    s.model_digest = j.value("model_digest", std::string());
    parse_run_spec(s);
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed run spec: ") + e.what());
  }
}

}  // namespace initlab::lab
