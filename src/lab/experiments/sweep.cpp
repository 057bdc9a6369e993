#include "experiments/sweep.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <charconv>
#include <chrono>
#include <limits>
#include <map>
#include <cstdio>
#include <set>

#include "experiments/experiment.hpp"
#include "experiments/summary_json.hpp"
#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"
#include "initlab/key_values.hpp"
#include "store/store.hpp"
#include "train/error_line.hpp"

namespace initlab::lab {
namespace {

// A sweep file's values arrive as canonical text (sweep_file.hpp); they are read with the rules
// every spec uses (initlab/key_values.hpp).
double to_number(const std::string& key, const std::string& value) { return read_number(key, value); }
std::int64_t to_integer(const std::string& key, const std::string& value) {
  return read_integer(key, value, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
}
bool to_bool(const std::string& key, const std::string& value) { return read_bool(key, value); }

std::string describe(const GridPoint& point) {
  std::string out;
  for (const auto& [k, v] : point) out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out.empty() ? "the grid's only point" : out;
}

nlohmann::json sweep_config_json(const SweepFile& s) {
  nlohmann::json settings = nlohmann::json::array();
  for (const auto& x : s.settings) settings.push_back({{"key", x.key}, {"values", x.values}});
  return {{"name", s.name},       {"settings", settings}, {"inits", s.inits},       {"seeds", s.seeds},
          {"seed", s.first_seed}, {"tune", s.tune},       {"overrides", s.overrides}, {"monitor_every", s.monitor_every}};
}

// Seconds one training step of `spec`'s model takes on a batch, measured (after one warm-up step)
// with autograd and SGD: the basis of the sweep's time estimate.
double seconds_per_step(const RunSpec& spec, const DataSplits& data) {
  torch::NoGradGuard no_grad_outside;
  auto model = build_model(parsed(spec).model, data, spec.model_options);
  const std::int64_t b = std::min<std::int64_t>(spec.train.batch, data.train.size());
  if (b < 1) return 0;
  const auto x = data.train.x.slice(0, 0, b);
  double seconds = 0;
  for (int k = 0; k < 3; ++k) {
    const auto start = std::chrono::steady_clock::now();
    {
      torch::AutoGradMode grad(true);
      auto out = model->forward(x);
      out.to(torch::kFloat).pow(2).mean().backward();
    }
    if (k > 0) seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / 2;
  }
  return seconds;
}

}  // namespace

void set_run_option(RunSpec& s, const std::string& key, const std::string& value) {
  if (key == "model") s.model = value;
  else if (key == "data") s.data = value;
  else if (key == "activation") s.model_options.activation = value;
  else if (key == "batchnorm") s.model_options.batchnorm = to_bool(key, value);
  else if (key == "dropout") s.model_options.dropout = to_number(key, value);
  else if (key == "param") s.model_options.param = parse_parametrization(value);
  else if (key == "bias") s.bias = value;
  else if (key == "generator") s.generator = parse_generator_kind(value);
  else if (key == "optimizer") s.train.optimizer = parse_optimizer(value);
  else if (key == "lr") s.train.lr = to_number(key, value);
  else if (key == "momentum") s.train.momentum = to_number(key, value);
  else if (key == "nesterov") s.train.nesterov = to_bool(key, value);
  else if (key == "weight_decay") s.train.weight_decay = to_number(key, value);
  else if (key == "clip_norm") s.train.clip_norm = to_number(key, value);
  else if (key == "batch") s.train.batch = to_integer(key, value);
  else if (key == "epochs") s.train.epochs = static_cast<int>(to_integer(key, value));
  else if (key == "loss") s.train.loss = parse_loss(value);
  else if (key == "val") s.data_options.val_fraction = to_number(key, value);
  else if (key == "normalize") s.data_options.normalize = value;
  else if (key == "limit") s.data_options.limit = to_integer(key, value);
  else throw Error("key '" + key + "' is not a run option");
}

SweepPlan plan_sweep(const SweepFile& sweep, const std::string& command, std::uint64_t max_runs, DataCache& data,
                     double max_memory_bytes) {
  const auto has = [&](const char* key) {
    return std::any_of(sweep.settings.begin(), sweep.settings.end(), [&](const SweepSetting& s) { return s.key == key; });
  };
  if (!has("model")) throw Error(sweep.path + ": 'model' is required (e.g. model = \"mlp:784-128-10\")");
  const std::uint64_t total = count_runs(sweep);
  if (total > max_runs)
    throw Error(sweep.path + ": the grid has " + std::to_string(total) + " runs, more than --max-runs " + std::to_string(max_runs) +
                "; shrink the grid or raise --max-runs");
  SweepPlan out;
  out.points = expand_grid(sweep);
  out.record.name = sweep.name.empty() ? sweep.path : sweep.name;
  out.record.command = command;
  std::map<std::string, std::string> model_digests;  // file: models' content: part of the sweep's key
  std::set<std::string> checked;
  std::vector<RunSpec> per_init;  // the point's specs, parsed once per init; the runs copy them
  std::map<std::string, double> step_seconds;
  for (const GridPoint& point : out.points) {
    RunSpec base;
    base.data = "fashion-mnist";
    base.overrides = sweep.overrides;
    base.monitor_every = sweep.monitor_every;
    base.data_options.seed = sweep.first_seed;
    Task task = Task::classification;
    try {
      for (const auto& [k, v] : point) set_run_option(base, k, v);
      validate(base.train);
      if (!sweep.tune.empty() && base.data_options.val_fraction <= 0)
        throw Error("'tune' chooses by the validation metric, but 'val' is 0; give val > 0");
      base.model_digest = model_digest(base.model);  // once per point, in its key and every run's spec
      if (!base.model_digest.empty()) model_digests[base.model] = base.model_digest;
      per_init.clear();
      for (const auto& init : sweep.inits) {
        RunSpec s = base;
        s.init = init;
        parse_run_spec(s);
        const std::string key = experiment_config_json(s, Task::classification).dump() + init;
        if (checked.insert(key).second) check_run_spec(s, data, max_memory_bytes);
        per_init.push_back(std::move(s));
      }
      const DataSplits& d = data.get(parsed(per_init.front()).data, base.data_options);
      task = d.task;
      const std::string model_key = base.model + "|" + base.data + "|" + nlohmann::json{base.model_options.activation,
                                    base.model_options.batchnorm, base.train.batch}.dump();
      if (!step_seconds.count(model_key)) {
        try {
          step_seconds[model_key] = seconds_per_step(per_init.front(), d);
        } catch (const Error&) {
          throw;
        } catch (const std::exception& e) {  // a file: model that fails a training step: one line
          throw Error("--model '" + excerpt(base.model) + "' fails a training step on the data: " + error_line(e));
        }
      }
      const double steps = static_cast<double>((d.train.size() + base.train.batch - 1) / base.train.batch);
      out.estimated_seconds += step_seconds[model_key] * steps * base.train.epochs * 1.15 /* evaluation */ *
                               static_cast<double>(sweep.inits.size() * static_cast<std::size_t>(sweep.seeds));
    } catch (const Error& e) {
      throw Error(sweep.path + ": at " + describe(point) + ": " + e.what());
    }
    PlannedExperiment e;
    const nlohmann::json econfig = experiment_config_json(base, task);
    e.record.key = experiment_key(econfig);
    e.record.kind = "sweep";
    e.record.config = econfig.dump();
    e.record.command = command;
    nlohmann::json settings = nlohmann::json::object();
    for (const auto& [k, v] : point) settings[k] = v;
    e.settings = settings.dump();
    const std::size_t index = out.plan.experiments.size();
    out.plan.experiments.push_back(e);
    for (int k = 0; k < sweep.seeds; ++k)
      for (const RunSpec& spec : per_init) {
        PlannedRun r;
        r.experiment = index;
        r.spec = spec;
        r.spec.seed = sweep.first_seed + static_cast<std::uint64_t>(k);
        r.spec.train.seed = r.spec.seed;
        r.spec_json = run_spec_json(r.spec, task).dump();
        out.plan.runs.push_back(std::move(r));
      }
  }
  // A changed model file is another sweep (its points are other experiments), never the old one's points.
  nlohmann::json config = sweep_config_json(sweep);
  if (!model_digests.empty()) config["model_digests"] = model_digests;
  out.record.key = experiment_key(config);
  out.record.config = config.dump();
  return out;
}

std::int64_t record_sweep(ResultStore& store, SweepPlan& plan) {
  plan.record.id = store.sweep(plan.record);
  for (std::size_t i = 0; i < plan.plan.experiments.size(); ++i) {
    const PlannedExperiment& e = plan.plan.experiments[i];
    if (e.record.id <= 0) throw Error("record_sweep: the plan's experiments have no ids yet (Recorder::add_experiments first)");
    store.add_sweep_point({plan.record.id, static_cast<int>(i), e.record.id, e.settings});
  }
  return plan.record.id;
}

namespace {

SweepSummary summarize_sweep_unchecked(ResultStore& store, std::int64_t sweep_id) {
  SweepSummary out;
  out.sweep_id = sweep_id;
  nlohmann::json config;
  for (const auto& s : store.sweeps())
    if (s.id == sweep_id) {
      config = store.parse_json(s.config, "the config of sweep " + std::to_string(s.id));
      out.name = s.name;
    }
  if (config.is_null()) throw Error("results database '" + store.path() + "' has no sweep " + std::to_string(sweep_id));
  out.tuned = config.value("tune", std::vector<std::string>{});
  const auto inits = config.value("inits", std::vector<std::string>{});
  std::vector<std::string> axes;  // grid keys with several values
  for (const auto& s : config.at("settings"))
    if (s.at("values").size() > 1) axes.push_back(s.at("key").get<std::string>());
  const auto tuned = [&](const std::string& k) { return std::find(out.tuned.begin(), out.tuned.end(), k) != out.tuned.end(); };
  std::map<std::int64_t, bool> classification;
  for (const auto& e : store.experiments())
    classification[e.id] = store.parse_json(e.config, "the config of experiment " + std::to_string(e.id)).value("task", "classification") ==
                           "classification";
  // Slices: points with the same values of the untuned axes.
  std::vector<std::pair<std::map<std::string, std::string>, std::vector<SweepPointRecord>>> slices;
  for (const auto& p : store.sweep_points(sweep_id)) {
    const nlohmann::json settings = store.parse_json(p.settings, "the settings of sweep point " + std::to_string(p.point));
    std::map<std::string, std::string> fixed;
    for (const auto& k : axes)
      if (!tuned(k)) fixed[k] = settings.value(k, "");
    auto it = std::find_if(slices.begin(), slices.end(), [&](const auto& s) { return s.first == fixed; });
    if (it == slices.end()) {
      slices.push_back({fixed, {}});
      it = slices.end() - 1;
    }
    it->second.push_back(p);
  }
  for (const auto& [fixed, points] : slices) {
    SweepSlice slice;
    slice.fixed = fixed;
    const bool cls = classification[points.front().experiment_id];
    out.validation_metric = std::string("validation ") + (cls ? "accuracy" : "loss");
    if (out.tuned.empty()) {
      slice.summary = summarize_experiment(store, points.front().experiment_id);
      out.slices.push_back(std::move(slice));
      continue;
    }
    std::vector<RunRecord> chosen_runs;
    for (const auto& init : inits) {
      TunedChoice choice;
      choice.init = init;
      double best = 0;
      std::vector<RunRecord> best_runs;
      for (const auto& p : points) {
        std::vector<RunRecord> runs = store.runs(p.experiment_id);
        std::erase_if(runs, [&](const RunRecord& r) { return r.init != init; });
        const ExperimentSummary v = summarize_runs(runs, cls, MetricSplit::validation);
        TunedChoice::Candidate c;
        c.point = p.point;
        const nlohmann::json settings = nlohmann::json::parse(p.settings);
        for (const auto& k : out.tuned) c.tuned[k] = settings.value(k, "");
        c.runs = static_cast<int>(runs.size());
        c.finished = v.ranked.empty() ? 0 : v.ranked.front().finished;
        c.validation_mean = c.finished ? v.ranked.front().mean : 0;
        double loss_sum = 0;
        int losses = 0;
        for (const auto& r : runs) {
          if (r.status == RunStatus::diverged) ++c.diverged;
          if (r.status == RunStatus::done && !r.epochs.empty()) loss_sum += r.epochs.back().train_loss, ++losses;
        }
        c.train_loss_mean = losses ? loss_sum / losses : std::nan("");
        if (c.finished > 0 && (choice.chosen_point < 0 || (cls ? c.validation_mean > best : c.validation_mean < best))) {
          best = c.validation_mean;
          choice.chosen_point = p.point;
          choice.chosen = c.tuned;
          best_runs = runs;
        }
        choice.candidates.push_back(c);
      }
      chosen_runs.insert(chosen_runs.end(), best_runs.begin(), best_runs.end());
      slice.choices.push_back(choice);
    }
    bool any_test = false;
    for (const auto& r : chosen_runs)
      for (const auto& m : r.epochs) any_test = any_test || m.test_acc || m.test_loss;
    slice.summary = summarize_runs(chosen_runs, cls, any_test ? MetricSplit::test : MetricSplit::automatic);
    out.slices.push_back(std::move(slice));
  }
  return out;
}

}  // namespace

SweepSummary summarize_sweep(ResultStore& store, std::int64_t sweep_id) {
  // The sweep's JSON columns come from the file, which may be corrupt: a JSON error there (a
  // missing key, a wrong type) is bad input, reported as such.
  try {
    return summarize_sweep_unchecked(store, sweep_id);
  } catch (const nlohmann::json::exception& e) {
    throw Error("results database '" + store.path() + "': sweep " + std::to_string(sweep_id) + " is corrupt (" + e.what() + ")");
  }
}

nlohmann::json sweep_summary_json(const SweepSummary& s) {
  nlohmann::json j = {{"sweep", s.sweep_id}, {"name", s.name}, {"tuned", s.tuned}, {"validation_metric", s.validation_metric}};
  j["slices"] = nlohmann::json::array();
  for (const auto& slice : s.slices) {
    nlohmann::json sj = {{"fixed", slice.fixed}, {"summary", summary_json(slice.summary)}};
    sj["choices"] = nlohmann::json::array();
    for (const auto& c : slice.choices) {
      nlohmann::json cj = {{"init", c.init}, {"chosen", c.chosen}, {"chosen_point", c.chosen_point}};
      cj["candidates"] = nlohmann::json::array();
      for (const auto& k : c.candidates)
        cj["candidates"].push_back({{"point", k.point}, {"tuned", k.tuned}, {"validation_mean", k.validation_mean},
                                    {"finished", k.finished}, {"runs", k.runs},
                                    {"train_loss_mean", std::isfinite(k.train_loss_mean) ? nlohmann::json(k.train_loss_mean) : nlohmann::json()},
                                    {"diverged", k.diverged}});
      sj["choices"].push_back(cj);
    }
    j["slices"].push_back(sj);
  }
  return j;
}

}  // namespace initlab::lab
