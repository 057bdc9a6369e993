#include "experiments/experiment.hpp"

#include <sqlite3.h>
#include <sys/utsname.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <thread>
#include <nlohmann/json.hpp>
#include <optional>

#include "initlab/error.hpp"
#include "initlab/philox.hpp"
#include "initlab/spec.hpp"
#include "initlab/torch/apply.hpp"
#include "netinit/network_init.hpp"
#include "train/monitor.hpp"

namespace initlab::lab {
namespace {

using nlohmann::json;

json config_json(const ExperimentConfig& c, Task task) {
  return {{"model", c.model},
          {"activation", c.model_options.activation},
          {"batchnorm", c.model_options.batchnorm},
          {"dropout", c.model_options.dropout},
          {"data", c.data},
          {"val", c.data_options.val_fraction},
          {"normalize", c.data_options.normalize},
          {"limit", c.data_options.limit},
          {"optimizer", c.train.optimizer},
          {"lr", c.train.lr},
          {"momentum", c.train.momentum},
          {"nesterov", c.train.nesterov},
          {"weight_decay", c.train.weight_decay},
          {"batch", c.train.batch},
          {"epochs", c.train.epochs},
          {"loss", c.train.loss},
          {"device", c.train.device},
          {"bias", c.bias},
          {"overrides", c.overrides},
          {"generator", std::string(to_string(c.generator))},
          {"data_seed", c.first_seed},
          {"task", task == Task::classification ? "classification" : "regression"}};
}

std::string digest(const std::string& text) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(stream_of(text)));
  return buf;
}

// The metric a run is judged by at its last epoch, and per epoch.
std::optional<double> metric_of(const EpochMetrics& m, bool classification) {
  if (classification) return m.test_acc ? m.test_acc : m.val_acc ? m.val_acc : std::optional<double>(m.train_acc);
  return m.test_loss ? m.test_loss : m.val_loss ? m.val_loss : std::optional<double>(m.train_loss);
}

}  // namespace

std::string machine_text() {
  utsname u{};
  std::string text = ::uname(&u) == 0 ? std::string(u.sysname) + " " + u.release + " " + u.machine : "unknown system";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
      text += ", " + line.substr(line.find(':') + 2);
      break;
    }
  return text + ", " + std::to_string(std::thread::hardware_concurrency()) + " hardware threads";
}

std::string versions_text() {
  return std::string("initlab 0.1.0; libtorch ") + TORCH_VERSION + "; sqlite " + sqlite3_libversion() + "; " + machine_text();
}

namespace {

// The seed notebooks' experiments. data empty: keep the user's --data (default fashion-mnist).
struct Preset {
  const char* name;
  const char* model;
  const char* data;
  const char* optimizer;
  double lr;
  std::int64_t batch;
  int epochs;
  std::vector<std::string> inits;
};

const std::vector<Preset>& presets() {
  static const std::vector<Preset> table = {
      // notebook 002: PyTorch MLP 784-128-10, SGD lr 0.01, batch 64
      {"seed-mlp", "mlp:784-128-10", "", "sgd", 0.01, 64, 10,
       {"zeros", "normal:std=0.01", "xavier_uniform", "kaiming_uniform", "torch_default"}},
      // notebook 000: Keras MLP 784-25-25-10, Adam
      {"seed-keras-mlp", "mlp:784-25-25-10", "", "adam", 0.001, 32, 10, {"glorot_uniform", "he_uniform"}},
      // notebook 003: conv32-pool-conv64-pool-dense64-dense10, Adam
      {"seed-cnn", "cnn", "", "adam", 0.001, 64, 5, {"zeros", "normal:std=0.01", "glorot_uniform", "he_normal", "orthogonal"}},
      // notebook 003: IMDB sentiment with an LSTM; needs --data text:DIR
      {"seed-rnn", "rnn:lstm-64-64", "", "adam", 0.001, 64, 3, {"glorot_uniform", "orthogonal", "he_normal", "torch_default"}},
      // notebook 003: the 5-10-1 regression net on random 5-feature data, MSE
      {"seed-toy-regression", "toy", "synthetic:regression", "adam", 0.01, 32, 50,
       {"zeros", "random_normal", "glorot_normal", "he_normal", "orthogonal"}},
  };
  return table;
}

}  // namespace

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Preset& p : presets()) v.push_back(p.name);
    return v;
  }();
  return names;
}

void apply_preset(const std::string& name, ExperimentConfig& c) {
  for (const Preset& p : presets()) {
    if (name != p.name) continue;
    c.model = p.model;
    if (*p.data) c.data = p.data;
    c.model_options.activation = "relu";
    c.train.optimizer = p.optimizer;
    c.train.lr = p.lr;
    c.train.batch = p.batch;
    c.train.epochs = p.epochs;
    c.inits = p.inits;
    return;
  }
  throw Error("unknown --preset '" + name + "'; expected one of: " + join_choices(preset_names()));
}

std::vector<std::string> split_init_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find_first_of(",;", pos);
    if (end == std::string::npos) end = text.size();
    const std::string token = text.substr(pos, end - pos);
    const bool key_value = token.find('=') != std::string::npos && token.find(':') == std::string::npos;
    const bool after_comma = pos > 0 && text[pos - 1] == ',';
    if (key_value && after_comma && !out.empty()) out.back() += "," + token;
    else if (!token.empty()) out.push_back(token);
    pos = end + 1;
  }
  if (out.empty()) throw Error("--inits is empty; expected a list like zeros,xavier_uniform,he_normal");
  return out;
}

ExperimentSummary summarize_experiment(ResultStore& store, std::int64_t experiment_id) {
  ExperimentSummary s;
  s.experiment_id = experiment_id;
  bool classification = true;
  for (const auto& e : store.experiments())
    if (e.id == experiment_id) classification = json::parse(e.config).value("task", "classification") == "classification";
  s.higher_is_better = classification;
  const auto runs = store.runs(experiment_id);
  bool any_test = false;
  for (const auto& r : runs)
    for (const auto& m : r.epochs) any_test = any_test || m.test_acc.has_value() || m.test_loss.has_value();
  s.metric = std::string(any_test ? "test " : "validation ") + (classification ? "accuracy" : "loss");
  // The best value reached by any run, for "epochs to 95% of the best".
  std::optional<double> best;
  for (const auto& r : runs)
    for (const auto& m : r.epochs)
      if (const auto v = metric_of(m, classification))
        best = !best ? *v : classification ? std::max(*best, *v) : std::min(*best, *v);
  s.target = best ? (classification ? 0.95 * *best : 1.05 * *best) : 0.0;
  std::vector<InitSummary> inits;
  for (const auto& r : runs) {
    auto it = std::find_if(inits.begin(), inits.end(), [&](const InitSummary& i) { return i.init == r.init; });
    if (it == inits.end()) {
      inits.push_back({});
      inits.back().init = r.init;
      it = inits.end() - 1;
    }
    it->runs += 1;
    if (r.status == "diverged") it->diverged += 1;
    if (r.status == "failed") it->failed += 1;
    if (r.status != "done" || r.epochs.empty()) continue;
    it->finished += 1;
    it->final_metric.push_back(*metric_of(r.epochs.back(), classification));
    std::size_t best_k = 0;
    for (std::size_t k = 0; k < r.epochs.size(); ++k) {
      const double v = *metric_of(r.epochs[k], classification), b = *metric_of(r.epochs[best_k], classification);
      if (classification ? v > b : v < b) best_k = k;
    }
    it->best_epoch += r.epochs[best_k].epoch;
    for (const auto& m : r.epochs) {
      const double v = *metric_of(m, classification);
      if (classification ? v >= s.target : v <= s.target) {
        it->epochs_to_target = it->epochs_to_target.value_or(0.0) + m.epoch;
        it->reached_target += 1;
        break;
      }
    }
  }
  for (auto& i : inits) {
    const MeanCi m = mean_ci(i.final_metric);
    i.mean = m.mean;
    i.ci_half = m.half;
    if (i.finished > 0) i.best_epoch /= i.finished;
    if (i.reached_target > 0) *i.epochs_to_target /= i.reached_target;
    s.failed_runs += i.failed;
  }
  std::stable_sort(inits.begin(), inits.end(), [&](const InitSummary& a, const InitSummary& b) {
    if ((a.finished > 0) != (b.finished > 0)) return a.finished > 0;
    return classification ? a.mean > b.mean : a.mean < b.mean;
  });
  s.ranked = inits;
  for (std::size_t i = 0; i < inits.size(); ++i)
    for (std::size_t j = i + 1; j < inits.size(); ++j)
      s.pairs.push_back({inits[i].init, inits[j].init, welch_t_test(inits[i].final_metric, inits[j].final_metric)});
  return s;
}

ExperimentSummary run_experiment(const ExperimentConfig& c, const std::atomic<bool>* stop) {
  validate(c.train);
  if (c.seeds < 1) throw Error("--seeds " + std::to_string(c.seeds) + " is invalid; expected >= 1");
  std::vector<libtorch::InitPlan> plans;  // parse every spec before any work
  std::vector<std::optional<NetworkInit>> network;  // schemes for the whole network (lsuv, fixup, ...), drawn from their base
  for (const auto& init : c.inits) {
    network.push_back(parse_network_init(init));
    plans.push_back(libtorch::make_plan(network.back() ? network.back()->base : init, c.bias, c.overrides, c.generator, 0));
  }
  DataOptions data_options = c.data_options;
  data_options.seed = c.first_seed;
  const DataSplits data = load_data(c.data, data_options);
  {
    auto probe = build_model(c.model, data, c.model_options);  // validates the model against the data
    for (const auto& n : network)
      if (n) check_network_init(probe, *n);
  }
  ResultStore store(c.db);
  const json config = config_json(c, data.task);
  ExperimentRecord record;
  record.key = digest(config.dump());
  record.kind = c.kind;
  record.config = config.dump();
  record.command = c.command;
  const std::int64_t experiment_id = store.experiment(record);
  const int total = static_cast<int>(c.inits.size()) * c.seeds;
  int index = 0;
  bool interrupted = false;
  for (int k = 0; k < c.seeds && !interrupted; ++k) {
    for (std::size_t i = 0; i < c.inits.size() && !interrupted; ++i) {
      ++index;
      const std::uint64_t seed = c.first_seed + static_cast<std::uint64_t>(k);
      const std::string& init = c.inits[i];
      if (const auto existing = store.find_run(experiment_id, init, seed);
          existing && (existing->status == "done" || existing->status == "diverged")) {
        if (!c.quiet) std::fprintf(stderr, "[%d/%d] %s seed %llu: %s earlier, skipped\n", index, total, init.c_str(),
                                   static_cast<unsigned long long>(seed), existing->status.c_str());
        continue;
      }
      if (!c.quiet) std::fprintf(stderr, "[%d/%d] %s seed %llu\n", index, total, init.c_str(), static_cast<unsigned long long>(seed));
      RunRecord run;
      run.experiment_id = experiment_id;
      run.init = init;
      run.seed = seed;
      json spec = config;
      spec["init"] = init;
      spec["init_canonical"] = network[i] ? init : format_spec(parse_spec(init));
      spec["seed"] = seed;
      run.spec = spec.dump();
      run.versions = versions_text();
      run.command = c.command;
      const std::int64_t run_id = store.start_run(run);
      try {
        torch::manual_seed(seed);
        torch::nn::Sequential model = build_model(c.model, data, c.model_options);
        libtorch::InitPlan plan = plans[i];
        plan.seed = seed;
        libtorch::apply_plan(*model, plan);
        if (network[i])
          for (const auto& r : apply_network_init(model, *network[i], data, seed)) {
            if (c.quiet) continue;
            std::fprintf(stderr, "  %s %s:", network[i]->scheme.c_str(), r.layer.c_str());
            if (network[i]->scheme == "lsuv") std::fprintf(stderr, " %d rescalings, output variance %.4g", r.iterations, r.variance);
            if (network[i]->scheme == "datadep") std::fprintf(stderr, " mean unit variance %.4g", r.variance);
            if (network[i]->scheme == "pretrain") std::fprintf(stderr, " %d epochs, reconstruction MSE %.4g", r.iterations, r.variance);
            std::fprintf(stderr, "%s%s\n", r.note.empty() ? "" : " ", r.note.c_str());
          }
        TrainConfig train = c.train;
        train.seed = seed;
        std::optional<TrainingMonitor> monitor;
        if (c.monitor_every > 0) {
          monitor.emplace(model, c.monitor_every);
          monitor->on_warning = [](const MonitorWarning& w) { std::fprintf(stderr, "  warning: %s\n", w.message.c_str()); };
        }
        const RunOutcome outcome = train_model(model, data, train, [&](const EpochMetrics& m) {
          store.add_epoch(run_id, m);
          if (c.quiet) return;
          std::fprintf(stderr, "  epoch %2d  train loss %.4f acc %.4f", m.epoch, m.train_loss, m.train_acc);
          if (m.val_loss) std::fprintf(stderr, "  val loss %.4f acc %.4f", *m.val_loss, *m.val_acc);
          if (m.test_loss) std::fprintf(stderr, "  test loss %.4f acc %.4f", *m.test_loss, *m.test_acc);
          std::fprintf(stderr, "  |g| %.3g  %.1fs\n", m.grad_norm, m.seconds);
        }, stop, monitor ? &*monitor : nullptr);
        if (monitor) {
          monitor->finish();
          store.add_monitor(run_id, *monitor);
        }
        store.finish_run(run_id, outcome.status, outcome.diverged_epoch);
        if (outcome.status == "diverged" && !c.quiet) std::fprintf(stderr, "  diverged at epoch %d\n", outcome.diverged_epoch);
        interrupted = outcome.status == "interrupted";
      } catch (const Error& e) {
        store.finish_run(run_id, "failed", 0, e.what());
        throw;  // a configuration error: every other run would fail the same way
      } catch (const std::exception& e) {
        store.finish_run(run_id, "failed", 0, e.what());
        if (!c.quiet) std::fprintf(stderr, "  failed: %s\n", e.what());
      }
    }
  }
  ExperimentSummary summary = summarize_experiment(store, experiment_id);
  summary.interrupted = interrupted;
  return summary;
}

}  // namespace initlab::lab
